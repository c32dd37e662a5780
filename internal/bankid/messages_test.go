package bankid

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

var allRFA = []string{
	RFA1, RFA2, RFA3, RFA4, RFA5, RFA6, RFA8, RFA9, RFA13, RFA14A, RFA14B, RFA15A, RFA15B,
	RFA16, RFA17A, RFA17B, RFA18, RFA19, RFA20, RFA21, RFA22, RFA23,
}

func TestEveryCodeHasSwedishAndEnglish(t *testing.T) {
	if len(messages) != len(allRFA) {
		t.Errorf("%d messages, %d codes", len(messages), len(allRFA))
	}
	for _, code := range allRFA {
		t.Run(code, func(t *testing.T) {
			sv, en := Message(code, "sv"), Message(code, "en")
			if _, ok := messages[code]; !ok || sv == "" || en == "" {
				t.Fatalf("sv %q, en %q", sv, en)
			}
			if sv == en {
				t.Errorf("Swedish and English are the same: %q", sv)
			}
			if code != RFA22 && (sv == Message(RFA22, "sv")) {
				t.Errorf("falls back to RFA22")
			}
		})
	}
}

func TestMessageWording(t *testing.T) {
	for _, tc := range []struct{ code, lang, want string }{
		{RFA1, "sv", "Starta BankID-appen."},
		{RFA1, "en", "Start your BankID app."},
		{RFA3, "sv", "Åtgärden avbruten. Försök igen."},
		{RFA4, "sv", "En identifiering eller underskrift för det här personnumret är redan påbörjad. Försök igen."},
		{RFA5, "sv", "Internt tekniskt fel. Försök igen."},
		{RFA6, "sv", "Åtgärden avbruten."},
		{RFA8, "sv", "BankID-appen svarar inte. Kontrollera att den är startad och att du har internetanslutning. Om du inte har något giltigt BankID kan du skaffa ett hos din bank. Försök sedan igen."},
		{RFA9, "sv", "Skriv in din säkerhetskod i BankID-appen och välj Identifiera eller Skriv under."},
		{RFA13, "sv", "Försöker starta BankID-appen."},
		{RFA16, "sv", "Det BankID du försöker använda är för gammalt eller spärrat. Använd ett annat BankID eller skaffa ett nytt hos din bank."},
		{RFA18, "sv", "Starta BankID-appen"},
		{RFA21, "sv", "Identifiering eller underskrift pågår."},
		{RFA22, "sv", "Okänt fel. Försök igen."},
		{RFA23, "sv", "Fotografera och läs av din ID-handling med BankID-appen."},
	} {
		if got := Message(tc.code, tc.lang); got != tc.want {
			t.Errorf("Message(%s, %s) = %q, want %q", tc.code, tc.lang, got, tc.want)
		}
	}
	// The variants say what distinguishes them.
	for code, want := range map[string]string{
		RFA14A: "i den här datorn", RFA14B: "i den här enheten", RFA15A: "i den här datorn", RFA15B: "i den här enheten",
		RFA17A: "verkar inte finnas", RFA17B: "läsa av QR-koden",
	} {
		if !strings.Contains(Message(code, "sv"), want) {
			t.Errorf("%s lacks %q: %q", code, want, Message(code, "sv"))
		}
	}
	if strings.Contains(Message(RFA15A, "sv"), "annan enhet") || !strings.Contains(Message(RFA14A, "sv"), "annan enhet") {
		t.Error("RFA14 (not RFA15) mentions the BankID on another device")
	}
}

func TestMessageFallbacks(t *testing.T) {
	if got := Message(RFA6, "de"); got != "Action cancelled." {
		t.Errorf("unknown language gave %q, want English", got)
	}
	if got := Message("RFA99", "sv"); got != "Okänt fel. Försök igen." {
		t.Errorf("unknown code gave %q, want RFA22", got)
	}
	if got := Message("", "sv"); got != "" {
		t.Errorf("empty code gave %q", got)
	}
}

func TestMessageForCollectStates(t *testing.T) {
	for _, tc := range []struct {
		status, hint string
		qr           bool
		want         string
	}{
		{StatusPending, HintOutstandingTransaction, true, RFA1},
		{StatusPending, HintOutstandingTransaction, false, RFA13},
		{StatusPending, HintNoClient, true, RFA1},
		{StatusPending, HintNoClient, false, RFA1},
		{StatusPending, HintStarted, true, RFA14A},
		{StatusPending, HintStarted, false, RFA14B},
		{StatusPending, HintUserSign, true, RFA9},
		{StatusPending, HintUserSign, false, RFA9},
		{StatusPending, HintUserMRTD, true, RFA23},
		{StatusPending, HintUserCallConfirm, false, RFA21},
		{StatusPending, "someNewHint", true, RFA21},
		{StatusPending, "", true, RFA21},
		{StatusFailed, HintExpiredTransaction, true, RFA8},
		{StatusFailed, HintCertificateErr, true, RFA16},
		{StatusFailed, HintUserCancel, true, RFA6},
		{StatusFailed, HintCancelled, true, RFA3},
		{StatusFailed, HintStartFailed, true, RFA17B},
		{StatusFailed, HintStartFailed, false, RFA17A},
		{StatusFailed, HintUserDeclinedCall, false, RFA6},
		{StatusFailed, "someNewHint", true, RFA22},
		{StatusComplete, "", true, ""},
		{"", "", true, ""},
		{"weird", "", true, RFA22},
	} {
		t.Run(fmt.Sprintf("%s %s qr=%v", tc.status, tc.hint, tc.qr), func(t *testing.T) {
			if got := MessageFor(tc.status, tc.hint, nil, tc.qr); got != tc.want {
				t.Errorf("MessageFor = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestMessageForErrors(t *testing.T) {
	apiErr := func(code string) error { return fmt.Errorf("bankid auth: %w", &Error{Code: code, HTTPStatus: 400}) }
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"alreadyInProgress", apiErr(CodeAlreadyInProgress), RFA4},
		{"requestTimeout", apiErr(CodeRequestTimeout), RFA5},
		{"maintenance", apiErr(CodeMaintenance), RFA5},
		{"internalError", apiErr(CodeInternalError), RFA5},
		{"invalidParameters", apiErr(CodeInvalidParameters), RFA22},
		{"unauthorized", apiErr(CodeUnauthorized), RFA22},
		{"notFound", apiErr(CodeNotFound), RFA22},
		{"methodNotAllowed", apiErr(CodeMethodNotAllowed), RFA22},
		{"unsupportedMediaType", apiErr(CodeUnsupportedMediaType), RFA22},
		{"transport timeout", apiErr(CodeTimeout), RFA5},
		{"connection refused", apiErr(CodeConnectionRefused), RFA5},
		{"network", apiErr(CodeNetwork), RFA5},
		{"TLS", apiErr(CodeTLS), RFA22},
		{"certificate refused", apiErr(CodeCertificateRefused), RFA22},
		{"bad response", apiErr(CodeBadResponse), RFA22},
		{"failed userCancel", &FailedError{HintCode: HintUserCancel}, RFA6},
		{"failed expired", fmt.Errorf("poll: %w", &FailedError{HintCode: HintExpiredTransaction}), RFA8},
		{"failed startFailed", &FailedError{HintCode: HintStartFailed}, RFA17B},
		{"cancelled here", ErrCancelled, RFA6},
		{"context cancelled", fmt.Errorf("bankid: polling stopped: %w", context.Canceled), RFA6},
		{"context deadline", fmt.Errorf("bankid: polling stopped: %w", context.DeadlineExceeded), RFA6},
		{"request timeout wrapping the deadline", &Error{Code: CodeTimeout, Err: context.DeadlineExceeded}, RFA5},
		{"invalid request", fmt.Errorf("bankid auth: %w: endUserIp is required", ErrInvalidRequest), RFA22},
		{"not configured", ErrNotConfigured, RFA22},
		{"anything else", errors.New("boom"), RFA22},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The error wins over a pending state.
			if got := MessageFor(StatusPending, HintUserSign, tc.err, true); got != tc.want {
				t.Errorf("MessageFor = %q, want %q", got, tc.want)
			}
		})
	}
}
