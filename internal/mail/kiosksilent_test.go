package mail

import (
	"bytes"
	"io"
	"mime"
	"mime/quotedprintable"
	netmail "net/mail"
	"strings"
	"testing"
	"time"
)

// The silent-kiosk notice (issue 14 item 5) names the kiosk and its site,
// when it was last heard from in Stockholm time and for how long, in the
// admin's language, with the kiosk's name escaped in the HTML, and nothing
// personal.
func TestKioskSilentMail(t *testing.T) {
	last := time.Date(2026, 12, 1, 6, 5, 0, 0, time.UTC) // 07:05 in Stockholm
	for _, tc := range []struct {
		lang, subject string
		want          []string
	}{
		{"sv", "Kiosken Grind <A> har inte hörts av på 48 timmar",
			[]string{"Kiosken Grind <A> (Norra länken) har inte skickat något sedan 1 december 2026 07:05 (48 timmar).", "ligger kvar krypterade på kiosken", "USB-minne"}},
		{"en", "Kiosk Grind <A> has not been heard from for 48 hours",
			[]string{"Kiosk Grind <A> (Norra länken) has sent nothing since 1 December 2026 07:05 (48 hours).", "wait encrypted on the kiosk", "USB stick"}},
	} {
		r, err := testRenderer().RenderKioskSilent(KioskSilentMail{Lang: tc.lang, SenderName: "id06desk", SenderAddress: "id06@bygg.se",
			Recipients: []string{"admin@bygg.se"}, KioskName: "Grind <A>", Site: "Norra länken", LastContact: last, Hours: 48,
			MessageIDDomain: "bygg.se"})
		if err != nil {
			t.Fatalf("%s: %v", tc.lang, err)
		}
		if r.Subject != tc.subject {
			t.Errorf("%s: subject %q, want %q", tc.lang, r.Subject, tc.subject)
		}
		msg, err := netmail.ReadMessage(bytes.NewReader(r.Message))
		if err != nil {
			t.Fatal(err)
		}
		if subj, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); subj != tc.subject {
			t.Errorf("%s: Subject header decodes to %q", tc.lang, subj)
		}
		if to, err := netmail.ParseAddressList(msg.Header.Get("To")); err != nil || len(to) != 1 || to[0].Address != "admin@bygg.se" {
			t.Errorf("%s: To %v %v", tc.lang, to, err)
		}
		body, _ := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(r.Message)))
		text := string(body)
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: the mail lacks %q:\n%s", tc.lang, w, text)
			}
		}
		if !strings.Contains(text, "<strong>Grind &lt;A&gt;</strong>") {
			t.Errorf("%s: the kiosk's name is not escaped in the HTML:\n%s", tc.lang, text)
		}
		if other := map[string]string{"sv": "has sent nothing", "en": "har inte skickat"}[tc.lang]; strings.Contains(text, other) {
			t.Errorf("%s: the other language is in the mail", tc.lang)
		}
	}
	if _, err := testRenderer().RenderKioskSilent(KioskSilentMail{Lang: "de", SenderAddress: "id06@bygg.se", Recipients: []string{"a@b.se"}, KioskName: "A"}); err == nil {
		t.Error("a language other than sv and en was rendered")
	}
}
