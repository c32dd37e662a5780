package mail

import (
	netmail "net/mail"
	"strings"
	"testing"
	"time"
)

const testPartnerURL = "https://www.sistec.se/boka?ort=Älvsjö&typ=id06"

// receiptMail is a valid receipt. The partner fields are filled for both
// methods, as a caller passing its settings through would: a BankID receipt
// must not show them.
func receiptMail(lang, method string) ReceiptMail {
	in := ReceiptMail{
		Lang:            lang,
		CompanyName:     testCompany,
		SenderName:      "Åsa Öberg",
		SenderAddress:   "asa.oberg@bygg-alvsjo.se",
		Recipient:       "orjan.akesson@example.se",
		CardholderName:  "Örjan Åkesson",
		CardType:        "ID06-kort med RFID",
		IdentityMethod:  method,
		PartnerName:     "Sistec",
		PartnerURL:      testPartnerURL,
		RegisteredAt:    time.Date(2026, 11, 3, 8, 12, 0, 0, time.UTC), // 09:12 in Stockholm
		MessageIDDomain: "id06desk.bygg-alvsjo.se",
	}
	if lang == "en" {
		in.CardType = "ID06 card with RFID"
	}
	return in
}

func TestReceiptGolden(t *testing.T) {
	goldenPerLangAndMethod(t, "receipt_", func(lang, method string) (*Rendered, error) {
		return testRenderer().RenderRegistrationReceipt(receiptMail(lang, method))
	})
}

func TestReceiptParsesBack(t *testing.T) {
	tests := []struct {
		lang, method, subject string
		want                  []string // in both alternatives
		notWant               []string // in neither
	}{
		{"sv", identityManual, "Tack för din registrering för ID06-kort med RFID hos Måleri & Bygg i Älvsjö AB",
			[]string{"Hej Örjan Åkesson!", "Vi tog emot registreringen den 3 november 2026 kl. 09:12", "Boka en tid hos Sistec", "pass eller ditt nationella id-kort", "Ditt kort beställs när identitetskontrollen är klar.", "skickar beställningen till Nexus", "adressen du angav"},
			[]string{"BankID"}},
		{"sv", identityBankID, "Tack för din registrering för ID06-kort med RFID hos Måleri & Bygg i Älvsjö AB",
			[]string{"Hej Örjan Åkesson!", "Vi tog emot registreringen den 3 november 2026 kl. 09:12", "verifierad med BankID", "inte göra något mer", "skickar beställningen till Nexus", "adressen du angav"},
			[]string{"Sistec", "sistec.se", "Boka"}},
		{"en", identityManual, "Thank you for registering with Måleri & Bygg i Älvsjö AB for your ID06 card with RFID",
			[]string{"Hello Örjan Åkesson,", "We received your registration on 3 November 2026 at 09:12", "Book a time with Sistec", "passport or national ID card scanned", "Your card is ordered when the identity check is done.", "sends the order to Nexus", "address you gave"},
			[]string{"BankID"}},
		{"en", identityBankID, "Thank you for registering with Måleri & Bygg i Älvsjö AB for your ID06 card with RFID",
			[]string{"Hello Örjan Åkesson,", "We received your registration on 3 November 2026 at 09:12", "verified with BankID", "nothing more for you to do", "sends the order to Nexus", "address you gave"},
			[]string{"Sistec", "sistec.se", "Book"}},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.method, func(t *testing.T) {
			in := receiptMail(tt.lang, tt.method)
			r, err := RenderRegistrationReceipt(in) // default renderer: random Message-ID, real clock
			if err != nil {
				t.Fatal(err)
			}
			if r.Subject != tt.subject {
				t.Errorf("subject %q, want %q", r.Subject, tt.subject)
			}
			h, text, html := parseAlternative(t, r, in.MessageIDDomain)

			from, err := netmail.ParseAddress(h.Get("From"))
			if err != nil || from.Name != "Åsa Öberg" || from.Address != in.SenderAddress || r.From != in.SenderAddress {
				t.Errorf("From = %q → %+v, %v; Rendered.From = %q", h.Get("From"), from, err, r.From)
			}
			to, err := netmail.ParseAddressList(h.Get("To"))
			if err != nil || len(to) != 1 || to[0].Address != in.Recipient || r.To != in.Recipient ||
				len(r.Recipients) != 1 || r.Recipients[0] != in.Recipient {
				t.Errorf("To = %q (%v), Rendered.To %q, Recipients %q", h.Get("To"), err, r.To, r.Recipients)
			}

			common := []string{in.CardType, in.SenderName, in.SenderAddress}
			checkParts(t, text, html, append(common, tt.want...), tt.notWant)

			// The partner link: as is in the text, as an href (with & escaped)
			// and as copyable text in the HTML, only for a manual check.
			escaped := strings.ReplaceAll(testPartnerURL, "&", "&amp;")
			hrefURL := `href="` + strings.ReplaceAll(strings.NewReplacer("Ä", "%c3%84", "ö", "%c3%b6").Replace(testPartnerURL), "&", "&amp;") + `"`
			manual := tt.method == identityManual
			if got := strings.Contains(text, testPartnerURL); got != manual {
				t.Errorf("partner URL in text part: %v, want %v", got, manual)
			}
			if got := strings.Contains(html, escaped); got != manual {
				t.Errorf("partner URL shown in html part: %v, want %v", got, manual)
			}
			if got := strings.Contains(html, hrefURL); got != manual {
				t.Errorf("html part has %s: %v, want %v", hrefURL, got, manual)
			}
			if !strings.Contains(html, "Måleri &amp; Bygg i Älvsjö AB") || strings.Contains(html, testCompany) {
				t.Error("html part does not escape the company name")
			}
		})
	}
}

// A BankID receipt does not use the partner fields, so it does not depend on
// them being set.
func TestReceiptBankIDWithoutPartner(t *testing.T) {
	in := receiptMail("sv", identityBankID)
	in.PartnerName, in.PartnerURL = "", ""
	if _, err := testRenderer().RenderRegistrationReceipt(in); err != nil {
		t.Fatal(err)
	}
}
