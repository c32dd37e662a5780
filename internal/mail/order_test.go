package mail

import (
	netmail "net/mail"
	"slices"
	"strings"
	"testing"
	"time"
)

const (
	testCompany   = "Måleri & Bygg i Älvsjö AB"
	testOrderLink = "https://id06.bygg-alvsjo.se/#/orders/42"
)

// orderReady is a valid order-ready mail to two admins; "bankid" variants
// registered via the link and have no industry.
func orderReady(lang, method string) OrderReadyMail {
	in := OrderReadyMail{
		Lang:            lang,
		CompanyName:     testCompany,
		SenderName:      "Åsa Öberg",
		SenderAddress:   "asa.oberg@bygg-alvsjo.se",
		Recipients:      []string{"admin@bygg-alvsjo.se", "inkop@bygg-alvsjo.se"},
		CardholderName:  "Örjan Åkesson",
		CardholderEmail: "orjan.akesson@example.se",
		CardType:        "ID06-kort med RFID",
		Industry:        "Bygg <anläggning>",
		Where:           "kiosk",
		IdentityMethod:  method,
		PartnerName:     "Sistec",
		RegisteredAt:    time.Date(2026, 11, 3, 8, 12, 0, 0, time.UTC), // 09:12 in Stockholm
		OrderLink:       testOrderLink,
		MessageIDDomain: "id06desk.bygg-alvsjo.se",
	}
	if lang == "en" {
		in.CardType = "ID06 card with RFID"
		in.Industry = "Construction <civil>"
	}
	if method == identityBankID {
		in.Where = "web"
		in.Industry = ""
	}
	return in
}

func TestOrderReadyGolden(t *testing.T) {
	goldenPerLangAndMethod(t, "order_ready_", func(lang, method string) (*Rendered, error) {
		return testRenderer().RenderOrderReady(orderReady(lang, method))
	})
}

func TestOrderReadyParsesBack(t *testing.T) {
	tests := []struct {
		lang, method, subject string
		want                  []string // in both alternatives
		notWant               []string // in neither
	}{
		{"sv", identityManual, "Beställning klar att skicka till Nexus: Örjan Åkesson (ID06-kort med RFID)",
			[]string{"i registreringskiosken, 3 november 2026 kl. 09:12", "dentitetskontrollen hos Sistec är inte klar än", "skicka den till Nexus"},
			[]string{"BankID"}},
		{"sv", identityBankID, "Beställning klar att skicka till Nexus: Örjan Åkesson (ID06-kort med RFID)",
			[]string{"via registreringslänken, 3 november 2026 kl. 09:12", "erifierad med BankID", "skicka den till Nexus"},
			[]string{"Sistec", "Bransch"}},
		{"en", identityManual, "Order ready to be sent to Nexus: Örjan Åkesson (ID06 card with RFID)",
			[]string{"at the registration kiosk, 3 November 2026 at 09:12", "he identity check at Sistec is still pending", "send it to Nexus"},
			[]string{"BankID"}},
		{"en", identityBankID, "Order ready to be sent to Nexus: Örjan Åkesson (ID06 card with RFID)",
			[]string{"via the registration link, 3 November 2026 at 09:12", "erified with BankID", "send it to Nexus"},
			[]string{"Sistec", "Industry"}},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.method, func(t *testing.T) {
			in := orderReady(tt.lang, tt.method)
			r, err := RenderOrderReady(in) // default renderer: random Message-ID, real clock
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
			if err != nil {
				t.Fatalf("To %q: %v", h.Get("To"), err)
			}
			var got []string
			for _, a := range to {
				got = append(got, a.Address)
			}
			if !slices.Equal(got, in.Recipients) || !slices.Equal(r.Recipients, in.Recipients) ||
				r.To != "admin@bygg-alvsjo.se, inkop@bygg-alvsjo.se" {
				t.Errorf("To header %q, Rendered.Recipients %q, Rendered.To %q; want %q", got, r.Recipients, r.To, in.Recipients)
			}
			if h.Get("Cc") != "" || h.Get("Bcc") != "" {
				t.Errorf("Cc %q, Bcc %q", h.Get("Cc"), h.Get("Bcc"))
			}

			common := []string{in.CardholderName, in.CardholderEmail, in.CardType, testOrderLink}
			checkParts(t, text, html, append(common, tt.want...), tt.notWant)
			if !strings.Contains(html, `href="`+testOrderLink+`"`) {
				t.Error("html part lacks the order link as href")
			}
			// Escaped in HTML: the company contains &, the industry < and >.
			if !strings.Contains(html, "Måleri &amp; Bygg i Älvsjö AB") || strings.Contains(html, testCompany) {
				t.Error("html part does not escape the company name")
			}
			if in.Industry != "" {
				if !strings.Contains(text, in.Industry) {
					t.Errorf("text part lacks the industry %q", in.Industry)
				}
				if !strings.Contains(html, strings.NewReplacer("<", "&lt;", ">", "&gt;").Replace(in.Industry)) || strings.Contains(html, in.Industry) {
					t.Error("html part lacks the escaped industry")
				}
			}
		})
	}
}

// A single admin is a list of one: Rendered.To is then the plain address the
// outbox has always used.
func TestOrderReadyOneRecipient(t *testing.T) {
	in := orderReady("sv", identityBankID)
	in.Recipients = []string{"admin@bygg-alvsjo.se"}
	r, err := testRenderer().RenderOrderReady(in)
	if err != nil {
		t.Fatal(err)
	}
	if r.To != "admin@bygg-alvsjo.se" || !slices.Equal(r.Recipients, in.Recipients) {
		t.Fatalf("To %q, Recipients %q", r.To, r.Recipients)
	}
	in.Recipients[0] = "changed@example.se"
	if r.Recipients[0] != "admin@bygg-alvsjo.se" {
		t.Fatal("Rendered.Recipients shares the caller's slice")
	}
}

// A registration a paired kiosk's bundle brought names that kiosk in both
// alternatives and both languages (issue 13: "registered at: kiosk NAME"),
// escaped in the HTML; the web ignores a stray kiosk name.
func TestOrderReadyNamesTheKiosk(t *testing.T) {
	for _, tc := range []struct{ lang, want, html string }{
		{"sv", "i registreringskiosken Bygget <Norr>, 3 november 2026", "i registreringskiosken Bygget &lt;Norr&gt;, 3 november 2026"},
		{"en", "at the registration kiosk Bygget <Norr>, 3 November 2026", "at the registration kiosk Bygget &lt;Norr&gt;, 3 November 2026"},
	} {
		in := orderReady(tc.lang, identityManual)
		in.Kiosk = "Bygget <Norr>"
		r, err := RenderOrderReady(in)
		if err != nil {
			t.Fatal(err)
		}
		_, text, html := parseAlternative(t, r, in.MessageIDDomain)
		if !strings.Contains(text, tc.want) || !strings.Contains(html, tc.html) {
			t.Errorf("%s: the kiosk's name is missing:\n%s\n%s", tc.lang, text, html)
		}
		in.Where = "web"
		if r, err = RenderOrderReady(in); err != nil {
			t.Fatal(err)
		}
		if _, text, _ := parseAlternative(t, r, in.MessageIDDomain); strings.Contains(text, "Norr") {
			t.Errorf("%s: a web registration names a kiosk:\n%s", tc.lang, text)
		}
	}
}
