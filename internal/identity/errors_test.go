package identity

import (
	"errors"
	"strings"
	"testing"

	"id06desk/internal/i18n"
)

// allCodes lists every code the package defines; TestMessages checks the
// messages table has exactly these.
var allCodes = []string{
	CodeRequired, CodeFormat, CodeDate, CodeFuture, CodeChecksum,
	CodeCharacters, CodeNoLetter, CodeTooLong, CodeNotMobile,
	CodeTooYoung, CodeTooOld, CodeCountry,
}

func TestMessages(t *testing.T) {
	if len(messages) != len(allCodes) {
		t.Fatalf("messages has %d codes, allCodes %d", len(messages), len(allCodes))
	}
	for _, lang := range []string{"sv", "en"} {
		seen := map[string]string{}
		for _, code := range allCodes {
			t.Run(lang+"/"+code, func(t *testing.T) {
				if _, ok := messages[code]; !ok {
					t.Fatalf("no message for %q", code)
				}
				msg := message(code, lang)
				if strings.TrimSpace(msg) == "" {
					t.Fatal("empty message")
				}
				if prev, ok := seen[msg]; ok {
					t.Fatalf("same %s message as %q: %q", lang, prev, msg)
				}
				seen[msg] = code
				if message(code, "sv") == message(code, "en") {
					t.Fatalf("sv and en are the same: %q", msg)
				}
				if msg == message("no_such_code", lang) {
					t.Fatal("message equals the unknown-code fallback")
				}
			})
		}
	}
}

func TestFieldMessages(t *testing.T) {
	for key, txt := range fieldMessages {
		t.Run(key, func(t *testing.T) {
			field, code, ok := strings.Cut(key, "/")
			if !ok {
				t.Fatalf("key %q is not field/code", key)
			}
			if _, ok := messages[code]; !ok {
				t.Fatalf("unknown code %q", code)
			}
			if strings.TrimSpace(txt.SV) == "" || strings.TrimSpace(txt.EN) == "" || txt.SV == txt.EN {
				t.Fatalf("need distinct non-empty sv and en, got %q / %q", txt.SV, txt.EN)
			}
			fe := &FieldError{Field: field, Code: code}
			for _, lang := range []string{"sv", "en"} {
				if got, generic := fe.Msg().In(i18n.Lang(lang)), message(code, lang); got == generic {
					t.Fatalf("%s: field message equals the generic one: %q", lang, got)
				}
			}
		})
	}
}

func TestMessageFallbacks(t *testing.T) {
	tests := []struct {
		name        string
		field, code string
		lang        string
		want        string
	}{
		{"unknown language gets English", "", CodeRequired, "de", messages[CodeRequired].EN},
		{"empty language gets English", "", CodeRequired, "", messages[CodeRequired].EN},
		{"unknown code sv", "", "no_such_code", "sv", unknownCode.SV},
		{"unknown code en", "", "no_such_code", "en", unknownCode.EN},
		{"field without override", FieldPersonnummer, CodeRequired, "sv", messages[CodeRequired].SV},
		{"field with override", FieldPersonnummer, CodeFormat, "sv", fieldMessages["personnummer/format"].SV},
		{"override in English", FieldPhone, CodeFormat, "en", fieldMessages["phone/format"].EN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			if tt.field == "" {
				got = message(tt.code, tt.lang)
			} else {
				got = (&FieldError{Field: tt.field, Code: tt.code}).Msg().In(i18n.Lang(tt.lang))
			}
			if got != tt.want || got == "" {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestErrorStrings(t *testing.T) {
	fe := &FieldError{Field: FieldPhone, Code: CodeFormat}
	if got := fe.Error(); got != "phone: format" {
		t.Fatalf("FieldError.Error() = %q", got)
	}
	errs := Errors{fe, {Field: FieldCity, Code: CodeRequired}}
	if got := errs.Error(); got != "phone: format; city: required" {
		t.Fatalf("Errors.Error() = %q", got)
	}
	var first *FieldError
	if !errors.As(error(errs), &first) || first != fe {
		t.Fatalf("errors.As(Errors) found %v, want the first field error", first)
	}
	if got := errs.Field(FieldCity); got == nil || got.Code != CodeRequired {
		t.Fatalf("Errors.Field(city) = %v", got)
	}
	if got := errs.Field(FieldStreet); got != nil {
		t.Fatalf("Errors.Field(street) = %v, want nil", got)
	}
}

// The values are personal data: no error string may repeat them.
func TestErrorsDoNotContainInput(t *testing.T) {
	_, err := ParsePersonnummer("811218-9875", testNow)
	if err == nil || strings.Contains(err.Error(), "811218") {
		t.Fatalf("personnummer error = %v", err)
	}
	_, err = ParsePhone("08-123 456 78")
	if err == nil || strings.Contains(err.Error(), "123") {
		t.Fatalf("phone error = %v", err)
	}
	_, err = ValidateForeign("1981-02-30", "XX", "AB#12345", testNow)
	if err == nil || strings.Contains(err.Error(), "1981") || strings.Contains(err.Error(), "AB#") {
		t.Fatalf("foreign error = %v", err)
	}
	_, err = ValidateName(FieldFirstName, "Anna2")
	if err == nil || strings.Contains(err.Error(), "Anna") {
		t.Fatalf("name error = %v", err)
	}
}

// fieldCode returns the field and code of a *FieldError, or fails the test.
func fieldCode(t *testing.T, err error) (string, string) {
	t.Helper()
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T) is not a *FieldError", err, err)
	}
	return fe.Field, fe.Code
}

// errorList returns "field:code" for every field error in an Errors, or fails
// the test.
func errorList(t *testing.T, err error) []string {
	t.Helper()
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("error %v (%T) is not Errors", err, err)
	}
	out := make([]string, len(errs))
	for i, fe := range errs {
		out[i] = fe.Field + ":" + fe.Code
	}
	return out
}

// message is the sentence for a code without a field, as a FieldError
// without a field override shows it.
func message(code, lang string) string {
	return (&FieldError{Code: code}).Msg().In(i18n.Lang(lang))
}
