package mail

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func reopenMail(lang, reason string) ReopenMail {
	return ReopenMail{
		Lang: lang, CompanyName: testCompany, SenderName: "Åsa Öberg", SenderAddress: "asa.oberg@bygg-alvsjo.se",
		Recipient: "orjan.akesson@example.se", CardholderName: "Örjan Åkesson", CardType: "ID06-kort med RFID",
		Reason: reason, Note: "Bakgrunden <måste> vara vit", Link: "https://id06.bygg-alvsjo.se/#/register/v1.abc_DEF-123",
		Expires: time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC), MessageIDDomain: "id06desk.bygg-alvsjo.se",
	}
}

func TestReopenMail(t *testing.T) {
	for _, c := range []struct {
		lang, reason, subject string
		want                  []string
	}{
		{"sv", "photo_not_accepted", "Rätta din registrering för ID06-kort med RFID hos Måleri & Bygg i Älvsjö AB",
			[]string{"Hej Örjan Åkesson!", "Ditt foto godtogs inte", "allt annat du angav finns kvar", "4 december 2026"}},
		{"en", "name_misspelt", "Please correct your registration with Måleri & Bygg i Älvsjö AB for your ID06-kort med RFID",
			[]string{"Hello Örjan Åkesson,", "Your name seems to be misspelt", "everything else you entered is kept", "4 December 2026"}},
		{"en", "address_wrong", "", []string{"The delivery address is not right"}},
		{"sv", "other", "", []string{"Något i din registrering behöver rättas"}},
	} {
		t.Run(c.lang+"/"+c.reason, func(t *testing.T) {
			in := reopenMail(c.lang, c.reason)
			r, err := RenderReopen(in)
			if err != nil {
				t.Fatal(err)
			}
			if c.subject != "" && r.Subject != c.subject {
				t.Errorf("subject %q", r.Subject)
			}
			if r.To != in.Recipient {
				t.Errorf("to %q", r.To)
			}
			_, text, html := parseAlternative(t, r, in.MessageIDDomain)
			checkParts(t, text, html, append(c.want, in.Link, in.SenderAddress), nil)
			if strings.Contains(html, "<måste>") {
				t.Error("the note is not escaped in the HTML")
			}
			if !strings.Contains(html, "&lt;måste&gt;") || !strings.Contains(text, "<måste>") {
				t.Error("the admin's note is not in both parts, escaped in the HTML")
			}
			// Fits a 360 px screen: the long link may break anywhere.
			if !strings.Contains(html, "overflow-wrap:anywhere") || !strings.Contains(html, `name="viewport"`) {
				t.Error("html does not fit a phone")
			}
		})
	}
	in := reopenMail("sv", "ugly")
	if _, err := RenderReopen(in); !errors.Is(err, ErrInput) {
		t.Fatalf("unknown reason: %v", err)
	}
	in = reopenMail("de", "other")
	if _, err := RenderReopen(in); !errors.Is(err, ErrInput) {
		t.Fatalf("German: %v", err)
	}
}
