package i18n

import (
	"encoding/json"
	"errors"
	"net/http/httptest"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, header string
		want         Lang
	}{
		{"none", "", EN},
		{"sv", "sv", SV},
		{"region", "sv-SE", SV},
		{"browser list", "sv-SE,sv;q=0.9,en-US;q=0.8,en;q=0.7", SV},
		{"english first", "en-GB,en;q=0.9,sv;q=0.8", EN},
		{"by quality, not order", "en;q=0.5, sv;q=0.9", SV},
		{"neither", "de-DE,fr;q=0.9", EN},
		{"skips others", "de, sv;q=0.5", SV},
		{"garbage", ";;;", EN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Parse(tt.header); got != tt.want {
				t.Fatalf("Parse(%q) = %q, want %q", tt.header, got, tt.want)
			}
			r := httptest.NewRequest("GET", "/", nil)
			r.Header.Set("Accept-Language", tt.header)
			if got := FromRequest(r); got != tt.want {
				t.Fatalf("FromRequest = %q, want %q", got, tt.want)
			}
		})
	}
}

var testText = Text{Code: "test.range", SV: "Ange ett heltal från {min} till {max}.", EN: "Enter a whole number from {min} to {max}."}

func TestMessage(t *testing.T) {
	m := testText.With("min", 1, "max", 365)
	if got := m.In(SV); got != "Ange ett heltal från 1 till 365." {
		t.Errorf("sv: %q", got)
	}
	if got := m.In(EN); got != "Enter a whole number from 1 to 365." {
		t.Errorf("en: %q", got)
	}
	if got := m.In("de"); got != m.In(EN) {
		t.Errorf("other language: %q", got)
	}
	if m.Code() != "test.range" || m.IsZero() || !(Message{}).IsZero() {
		t.Errorf("code %q, zero %v", m.Code(), m.IsZero())
	}
	// A missing value keeps its placeholder rather than vanishing.
	if got := testText.With("min", 1).In(EN); got != "Enter a whole number from 1 to {max}." {
		t.Errorf("missing param: %q", got)
	}
	if got := (Text{Code: "x", SV: "a {b", EN: "a {b"}).With("b", 1).In(SV); got != "a {b" {
		t.Errorf("unclosed brace: %q", got)
	}
}

func TestMessageIsNotMarshalled(t *testing.T) {
	if _, err := json.Marshal(map[string]any{"message": testText.With()}); err == nil {
		t.Fatal("a Message went out as JSON without a language")
	}
}

func TestError(t *testing.T) {
	sentinel := errors.New("bad input")
	err := Wrap(sentinel, testText, "min", 1, "max", 2)
	var ie *Error
	if !errors.Is(err, sentinel) || !errors.As(err, &ie) || ie.Msg.In(SV) != "Ange ett heltal från 1 till 2." {
		t.Fatalf("Wrap: %v", err)
	}
}

func TestNestedWords(t *testing.T) {
	word := Text{Code: "test.word", SV: "en lista", EN: "a list"}
	num := Text{Code: "test.num", SV: "talet {n}", EN: "the number {n}"}
	outer := Text{Code: "test.outer", SV: "Fältet {field} ska vara {want}, inte {got}.", EN: "The field {field} must be {want}, not {got}."}
	m := outer.With("field", "days", "want", word, "got", num.With("n", -1))
	if got := m.In(SV); got != "Fältet days ska vara en lista, inte talet -1." {
		t.Errorf("sv: %q", got)
	}
	if got := m.In(EN); got != "The field days must be a list, not the number -1." {
		t.Errorf("en: %q", got)
	}
}
