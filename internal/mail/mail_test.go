package mail

import (
	"bytes"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"image/png"
	"io"
	"mime"
	"mime/multipart"
	netmail "net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"id06desk/internal/qr"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

var (
	fixedNow    = time.Date(2026, 11, 3, 9, 30, 0, 0, time.UTC)
	testCodeURL = "https://id06.bygg-soner.se/#/register"
	testLink    = "https://id06.bygg-soner.se/#/register/v1.dc8Kb8C1udkGQ_TzS5mXb0eDtQpGUW8ezgELnm88jSpPYZw-WnsdLk9gCzU1NjAzNi0wNzkzCUlEMDYtUkZJRARCWUdH.rRd0g3fey40wwdZkZnEkddM4zk59llFcIJG1usoyWMUOIwe-UZ2Tin4yBHj_9wlRkkOY9V_k2XiUknFdkcOKDw"
)

func testRenderer() Renderer {
	return Renderer{
		Now:          func() time.Time { return fixedNow },
		NewMessageID: func(domain string) (string, error) { return "inv-0001@" + domain, nil },
	}
}

func invitation(lang string) InvitationMail {
	in := InvitationMail{
		Lang:            lang,
		CompanyName:     "Bygg & Söner AB",
		SenderName:      "Åsa Öberg",
		SenderAddress:   "asa.oberg@bygg-soner.se",
		Recipient:       "anna.svensson@example.se",
		CardType:        "ID06-kort",
		Industry:        "Bygg <anläggning>",
		Link:            testLink,
		CodeURL:         testCodeURL,
		Code:            "ABCDE-FGHJK",
		Expires:         time.Date(2026, 12, 3, 23, 0, 0, 0, time.UTC), // 4 Dec 00:00 in Stockholm
		MessageIDDomain: "id06desk.bygg-soner.se",
	}
	if lang == "en" {
		in.CardType = "ID06 card"
		in.Industry = "Construction <civil>"
	}
	return in
}

var boundaryRE = regexp.MustCompile(`[0-9a-f]{60}`)

// normalizeBoundaries replaces the random MIME boundaries (60 hex digits from
// mime/multipart) with stable names in order of appearance.
func normalizeBoundaries(b []byte) []byte {
	names := map[string]string{}
	return boundaryRE.ReplaceAllFunc(b, func(m []byte) []byte {
		n, ok := names[string(m)]
		if !ok {
			n = "BOUNDARY-" + string(rune('A'+len(names)))
			names[string(m)] = n
		}
		return []byte(n)
	})
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	got = normalizeBoundaries(got)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/mail -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs from the rendered mail; rerun with -update if the change is intended.\n--- got ---\n%s", path, got)
	}
}

func TestInvitationGolden(t *testing.T) {
	for _, lang := range []string{"sv", "en"} {
		t.Run(lang, func(t *testing.T) {
			r, err := testRenderer().RenderInvitation(invitation(lang))
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, "invitation_"+lang, r.Message)
		})
	}
}

func TestTestMailGolden(t *testing.T) {
	for _, lang := range []string{"sv", "en"} {
		t.Run(lang, func(t *testing.T) {
			r, err := testRenderer().RenderTestMail(TestMail{
				Lang: lang, SenderName: "Åsa Öberg", SenderAddress: "asa.oberg@bygg-soner.se",
				Recipient: "admin@bygg-soner.se", ServerName: "smtp.bygg-soner.se:587",
			})
			if err != nil {
				t.Fatal(err)
			}
			if r.MessageID != "inv-0001@bygg-soner.se" {
				t.Fatalf("Message-ID %q: domain should default to the sender's", r.MessageID)
			}
			checkGolden(t, "testmail_"+lang, r.Message)
		})
	}
}

type parsedPart struct {
	contentType string
	params      map[string]string
	header      map[string][]string
	body        []byte
}

// walk returns the leaf parts of a MIME entity, decoding quoted-printable
// (done by mime/multipart) and base64.
func walk(t *testing.T, contentType string, header map[string][]string, body io.Reader) []parsedPart {
	t.Helper()
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		t.Fatalf("content type %q: %v", contentType, err)
	}
	if !strings.HasPrefix(mt, "multipart/") {
		data, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		if strings.EqualFold(first(header, "Content-Transfer-Encoding"), "base64") {
			data, err = base64.StdEncoding.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(string(data)))
			if err != nil {
				t.Fatalf("base64 part: %v", err)
			}
		}
		return []parsedPart{{contentType: mt, params: params, header: header, body: data}}
	}
	var out []parsedPart
	out = append(out, parsedPart{contentType: mt, params: params})
	mr := multipart.NewReader(body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, walk(t, p.Header.Get("Content-Type"), p.Header, p)...)
	}
	return out
}

func first(h map[string][]string, k string) string {
	for key, v := range h {
		if strings.EqualFold(key, k) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

func TestInvitationParsesBack(t *testing.T) {
	tests := []struct {
		lang, subject, date string
	}{
		{"sv", "Inbjudan att registrera dig för ID06-kort hos Bygg & Söner AB", "3 december 2026"},
		{"en", "Invitation from Bygg & Söner AB: register for your ID06 card", "3 December 2026"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			in := invitation(tt.lang)
			r, err := RenderInvitation(in) // default renderer: random Message-ID, real clock
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(r.Message, []byte("\r\n")) || bytes.Contains(bytes.ReplaceAll(r.Message, []byte("\r\n"), nil), []byte("\n")) {
				t.Fatal("message lines must end in CRLF")
			}
			msg, err := netmail.ReadMessage(bytes.NewReader(r.Message))
			if err != nil {
				t.Fatal(err)
			}
			h := msg.Header

			raw := h.Get("Subject")
			if !strings.HasPrefix(raw, "=?UTF-8?") {
				t.Errorf("subject not RFC 2047 encoded: %q", raw)
			}
			subj, err := new(mime.WordDecoder).DecodeHeader(raw)
			if err != nil || subj != tt.subject || r.Subject != tt.subject {
				t.Errorf("subject = %q (%v), Rendered.Subject = %q; want %q", subj, err, r.Subject, tt.subject)
			}
			from, err := netmail.ParseAddress(h.Get("From"))
			if err != nil || from.Name != "Åsa Öberg" || from.Address != in.SenderAddress {
				t.Errorf("From = %q → %+v, %v", h.Get("From"), from, err)
			}
			if to := h.Get("To"); !strings.Contains(to, in.Recipient) || r.To != in.Recipient {
				t.Errorf("To = %q", to)
			}
			if id := h.Get("Message-Id"); id != "<"+r.MessageID+">" || !regexp.MustCompile(`^<[a-z2-7]{26}@id06desk\.bygg-soner\.se>$`).MatchString(id) {
				t.Errorf("Message-ID = %q, Rendered.MessageID = %q", id, r.MessageID)
			}
			if d, err := h.Date(); err != nil || time.Since(d) > time.Minute {
				t.Errorf("Date = %q (%v)", h.Get("Date"), err)
			}
			if h.Get("Mime-Version") != "1.0" {
				t.Errorf("MIME-Version = %q", h.Get("Mime-Version"))
			}

			parts := walk(t, h.Get("Content-Type"), msg.Header, msg.Body)
			var types []string
			for _, p := range parts {
				types = append(types, p.contentType)
			}
			if got := strings.Join(types, ","); got != "multipart/related,multipart/alternative,text/plain,text/html,image/png" {
				t.Fatalf("MIME structure %s", got)
			}
			text, html, img := parts[2], parts[3], parts[4]
			for _, p := range []parsedPart{text, html} {
				if p.params["charset"] != "UTF-8" {
					t.Errorf("%s charset %q", p.contentType, p.params["charset"])
				}
			}

			for _, want := range []string{in.Link, "ABCDE-FGHJK", "Bygg & Söner AB", in.CardType, in.Industry, tt.date} {
				if !bytes.Contains(text.body, []byte(want)) {
					t.Errorf("text part lacks %q", want)
				}
			}

			hb := string(html.body)
			// Escaped: the industry contains < and >, the company &.
			for _, want := range []string{"Bygg &amp; Söner AB", strings.NewReplacer("<", "&lt;", ">", "&gt;").Replace(in.Industry), tt.date, "ABCDE-FGHJK"} {
				if !strings.Contains(hb, want) {
					t.Errorf("html part lacks %q", want)
				}
			}
			if strings.Contains(hb, in.Industry) {
				t.Error("html part contains the industry unescaped")
			}
			if !strings.Contains(hb, `href="`+in.Link+`"`) {
				t.Error("html part lacks the link as href")
			}
			if strings.Contains(hb, "data:") {
				t.Error("html part uses a data: URI")
			}
			m := regexp.MustCompile(`<img src="cid:([^"]+)"`).FindStringSubmatch(hb)
			if m == nil {
				t.Fatal("html part has no cid: image")
			}
			if cid := first(img.header, "Content-Id"); cid != "<"+m[1]+">" {
				t.Errorf("image Content-ID %q does not match html cid:%s", cid, m[1])
			}
			if disp := first(img.header, "Content-Disposition"); !strings.HasPrefix(disp, "inline") {
				t.Errorf("image disposition %q, want inline", disp)
			}
			pic, err := png.Decode(bytes.NewReader(img.body))
			if err != nil {
				t.Fatalf("inline image is no PNG: %v", err)
			}
			// The bare module grid, shown at a whole number of pixels per
			// module with crisp edges.
			want, n, err := qr.Grid(in.Link, qr.Medium)
			if err != nil || !bytes.Equal(img.body, want) {
				t.Errorf("inline image is not qr.Grid of the link: %v", err)
			}
			if b := pic.Bounds(); b.Dx() != n || b.Dy() != n {
				t.Errorf("QR image is %dx%d, want the %d-module grid", b.Dx(), b.Dy(), n)
			}
			size := qr.DisplaySize(n)
			if size > QRSize || !strings.Contains(hb, fmt.Sprintf(`width="%d" height="%d"`, size, size)) || !strings.Contains(hb, "image-rendering:pixelated") {
				t.Errorf("the html does not show the grid at %d px with crisp edges", size)
			}
			// No line of the message is longer than 78 characters (RFC
			// 5322 2.1.1): the long link is folded by the transfer encoding.
			for i, line := range strings.Split(string(r.Message), "\r\n") {
				if len(line) > 78 {
					t.Errorf("line %d is %d characters: %q", i+1, len(line), line)
				}
			}
		})
	}
}

func TestFormatDate(t *testing.T) {
	d := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	if got := FormatDate("sv", d); got != "3 december 2026" {
		t.Errorf("sv: %q", got)
	}
	if got := FormatDate("en", d); got != "3 December 2026" {
		t.Errorf("en: %q", got)
	}
	// Expiry at midnight Stockholm time: valid through the previous day.
	loc, _ := time.LoadLocation("Europe/Stockholm")
	exp := time.Date(2026, 12, 4, 0, 0, 0, 0, loc)
	if got := FormatDate("sv", lastValidDay(exp, loc)); got != "3 december 2026" {
		t.Errorf("last valid day: %q", got)
	}
}

func TestInvalidInput(t *testing.T) {
	inv := func(edit func(*InvitationMail)) func() error {
		return func() error {
			in := invitation("sv")
			edit(&in)
			_, err := testRenderer().RenderInvitation(in)
			return err
		}
	}
	order := func(edit func(*OrderReadyMail)) func() error {
		return func() error {
			in := orderReady("sv", identityManual)
			edit(&in)
			_, err := testRenderer().RenderOrderReady(in)
			return err
		}
	}
	receipt := func(method string, edit func(*ReceiptMail)) func() error {
		return func() error {
			in := receiptMail("sv", method)
			edit(&in)
			_, err := testRenderer().RenderRegistrationReceipt(in)
			return err
		}
	}
	for name, render := range map[string]func() error{
		"language":        inv(func(in *InvitationMail) { in.Lang = "de" }),
		"relative link":   inv(func(in *InvitationMail) { in.Link = "/#/register/x" }),
		"javascript link": inv(func(in *InvitationMail) { in.Link = "javascript:alert(1)" }),
		"no code":         inv(func(in *InvitationMail) { in.Code = " " }),
		"no code page":    inv(func(in *InvitationMail) { in.CodeURL = "" }),
		"no expiry":       inv(func(in *InvitationMail) { in.Expires = time.Time{} }),
		"bad recipient":   inv(func(in *InvitationMail) { in.Recipient = "Anna <anna@example.se>" }),
		"bad sender":      inv(func(in *InvitationMail) { in.SenderAddress = "nobody" }),

		"order ready: language":               order(func(in *OrderReadyMail) { in.Lang = "de" }),
		"order ready: no recipients":          order(func(in *OrderReadyMail) { in.Recipients = nil }),
		"order ready: one bad recipient":      order(func(in *OrderReadyMail) { in.Recipients = append(in.Recipients, "Kalle <kalle@example.se>") }),
		"order ready: recipient with CRLF":    order(func(in *OrderReadyMail) { in.Recipients = []string{"admin@example.se\r\nBcc: victim@example.se"} }),
		"order ready: empty recipient":        order(func(in *OrderReadyMail) { in.Recipients = []string{"admin@example.se", ""} }),
		"order ready: relative order link":    order(func(in *OrderReadyMail) { in.OrderLink = "/#/orders/42" }),
		"order ready: javascript order link":  order(func(in *OrderReadyMail) { in.OrderLink = "javascript:alert(1)" }),
		"order ready: unknown where":          order(func(in *OrderReadyMail) { in.Where = "phone" }),
		"order ready: unknown identity":       order(func(in *OrderReadyMail) { in.IdentityMethod = "passport" }),
		"order ready: manual without partner": order(func(in *OrderReadyMail) { in.PartnerName = " " }),
		"order ready: no cardholder name":     order(func(in *OrderReadyMail) { in.CardholderName = "" }),
		"order ready: bad cardholder e-mail":  order(func(in *OrderReadyMail) { in.CardholderEmail = "orjan@" }),
		"order ready: no card type":           order(func(in *OrderReadyMail) { in.CardType = "\t" }),
		"order ready: no registration time":   order(func(in *OrderReadyMail) { in.RegisteredAt = time.Time{} }),
		"order ready: bad sender":             order(func(in *OrderReadyMail) { in.SenderAddress = "nobody" }),

		"receipt: language":                    receipt(identityBankID, func(in *ReceiptMail) { in.Lang = "" }),
		"receipt: bad recipient":               receipt(identityBankID, func(in *ReceiptMail) { in.Recipient = "Örjan <orjan@example.se>" }),
		"receipt: no recipient":                receipt(identityBankID, func(in *ReceiptMail) { in.Recipient = "" }),
		"receipt: unknown identity":            receipt(identityBankID, func(in *ReceiptMail) { in.IdentityMethod = "BankID" }),
		"receipt: manual, javascript partner":  receipt(identityManual, func(in *ReceiptMail) { in.PartnerURL = "javascript:alert(1)" }),
		"receipt: manual, ftp partner":         receipt(identityManual, func(in *ReceiptMail) { in.PartnerURL = "ftp://www.sistec.se" }),
		"receipt: manual, relative partner":    receipt(identityManual, func(in *ReceiptMail) { in.PartnerURL = "www.sistec.se" }),
		"receipt: manual, no partner link":     receipt(identityManual, func(in *ReceiptMail) { in.PartnerURL = "" }),
		"receipt: manual, no partner name":     receipt(identityManual, func(in *ReceiptMail) { in.PartnerName = "" }),
		"receipt: no cardholder name":          receipt(identityBankID, func(in *ReceiptMail) { in.CardholderName = " " }),
		"receipt: no company":                  receipt(identityBankID, func(in *ReceiptMail) { in.CompanyName = "" }),
		"receipt: no registration time":        receipt(identityBankID, func(in *ReceiptMail) { in.RegisteredAt = time.Time{} }),
		"receipt: bad sender":                  receipt(identityManual, func(in *ReceiptMail) { in.SenderAddress = "asa.oberg" }),
		"receipt: sender address with name":    receipt(identityManual, func(in *ReceiptMail) { in.SenderAddress = "Åsa <asa@example.se>" }),
		"receipt: recipient with header break": receipt(identityManual, func(in *ReceiptMail) { in.Recipient = "orjan@example.se\nBcc: victim@example.se" }),
	} {
		t.Run(name, func(t *testing.T) {
			if err := render(); !errors.Is(err, ErrInput) {
				t.Fatalf("err = %v, want ErrInput", err)
			}
		})
	}
}

// TestNoHeaderInjection puts a line break and a Bcc header into each text
// that reaches a header (subject or From): it must stay in its header.
func TestNoHeaderInjection(t *testing.T) {
	const evil = "Evil AB\r\nBcc: victim@example.se"
	for name, render := range map[string]func() (*Rendered, error){
		"invitation company": func() (*Rendered, error) {
			in := invitation("en")
			in.CompanyName = evil
			return testRenderer().RenderInvitation(in)
		},
		"invitation sender name": func() (*Rendered, error) {
			in := invitation("sv")
			in.SenderName = evil
			return testRenderer().RenderInvitation(in)
		},
		"order ready cardholder name": func() (*Rendered, error) {
			in := orderReady("sv", identityManual)
			in.CardholderName = evil
			return testRenderer().RenderOrderReady(in)
		},
		"order ready card type": func() (*Rendered, error) {
			in := orderReady("en", identityBankID)
			in.CardType = evil
			return testRenderer().RenderOrderReady(in)
		},
		"order ready sender name": func() (*Rendered, error) {
			in := orderReady("en", identityBankID)
			in.SenderName = evil
			return testRenderer().RenderOrderReady(in)
		},
		"receipt company": func() (*Rendered, error) {
			in := receiptMail("sv", identityManual)
			in.CompanyName = evil
			return testRenderer().RenderRegistrationReceipt(in)
		},
		"receipt sender name": func() (*Rendered, error) {
			in := receiptMail("en", identityBankID)
			in.SenderName = evil
			return testRenderer().RenderRegistrationReceipt(in)
		},
	} {
		t.Run(name, func(t *testing.T) {
			r, err := render()
			if err != nil {
				t.Fatal(err)
			}
			msg, err := netmail.ReadMessage(bytes.NewReader(r.Message))
			if err != nil {
				t.Fatal(err)
			}
			if msg.Header.Get("Bcc") != "" {
				t.Fatal("input injected a Bcc header")
			}
			if strings.ContainsAny(r.Subject, "\r\n") {
				t.Fatalf("subject %q spans lines", r.Subject)
			}
		})
	}
}

// parseAlternative parses r back with net/mail and mime/multipart, checks
// what every mail without an inline image shares (CRLF lines, an
// RFC 2047-encoded subject that decodes to r.Subject, a Message-ID in
// idDomain made by the default renderer, a current Date, a
// multipart/alternative of UTF-8 text/plain and text/html) and returns the
// header and the decoded plain-text and HTML bodies.
func parseAlternative(t *testing.T, r *Rendered, idDomain string) (h netmail.Header, text, html string) {
	t.Helper()
	if bytes.Contains(bytes.ReplaceAll(r.Message, []byte("\r\n"), nil), []byte("\n")) {
		t.Fatal("message lines must end in CRLF")
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(r.Message))
	if err != nil {
		t.Fatal(err)
	}
	h = msg.Header
	raw := h.Get("Subject")
	if !strings.HasPrefix(raw, "=?UTF-8?") {
		t.Errorf("subject not RFC 2047 encoded: %q", raw)
	}
	if subj, err := new(mime.WordDecoder).DecodeHeader(raw); err != nil || subj != r.Subject {
		t.Errorf("subject decodes to %q (%v), Rendered.Subject = %q", subj, err, r.Subject)
	}
	idRE := regexp.MustCompile(`^<[a-z2-7]{26}@` + regexp.QuoteMeta(idDomain) + `>$`)
	if id := h.Get("Message-Id"); id != "<"+r.MessageID+">" || !idRE.MatchString(id) {
		t.Errorf("Message-ID = %q, Rendered.MessageID = %q", id, r.MessageID)
	}
	if d, err := h.Date(); err != nil || time.Since(d) > time.Minute {
		t.Errorf("Date = %q (%v)", h.Get("Date"), err)
	}
	if h.Get("Auto-Submitted") != "auto-generated" {
		t.Errorf("Auto-Submitted = %q", h.Get("Auto-Submitted"))
	}
	parts := walk(t, h.Get("Content-Type"), msg.Header, msg.Body)
	var types []string
	for _, p := range parts {
		types = append(types, p.contentType)
	}
	if got := strings.Join(types, ","); got != "multipart/alternative,text/plain,text/html" {
		t.Fatalf("MIME structure %s", got)
	}
	for _, p := range parts[1:] {
		if p.params["charset"] != "UTF-8" {
			t.Errorf("%s charset %q", p.contentType, p.params["charset"])
		}
	}
	return h, string(parts[1].body), string(parts[2].body)
}

// goldenPerLangAndMethod checks the golden file <prefix><method>_<lang> of
// every language and identity method.
func goldenPerLangAndMethod(t *testing.T, prefix string, render func(lang, method string) (*Rendered, error)) {
	t.Helper()
	for _, lang := range []string{"sv", "en"} {
		for _, method := range []string{identityManual, identityBankID} {
			name := prefix + method + "_" + lang
			t.Run(name, func(t *testing.T) {
				r, err := render(lang, method)
				if err != nil {
					t.Fatal(err)
				}
				checkGolden(t, name, r.Message)
			})
		}
	}
}

// checkParts asserts each of want is in both alternatives and none of
// notWant in either.
func checkParts(t *testing.T, text, html string, want, notWant []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("text part lacks %q", w)
		}
		if !strings.Contains(html, w) {
			t.Errorf("html part lacks %q", w)
		}
	}
	for _, bad := range notWant {
		if strings.Contains(text, bad) || strings.Contains(html, bad) {
			t.Errorf("mail contains %q", bad)
		}
	}
}
