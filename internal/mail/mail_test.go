package mail

import (
	"bytes"
	"encoding/base64"
	"errors"
	"flag"
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
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

var (
	fixedNow = time.Date(2026, 11, 3, 9, 30, 0, 0, time.UTC)
	testLink = "https://id06.bygg-soner.se/#/register/v1.dc8Kb8C1udkGQ_TzS5mXb0eDtQpGUW8ezgELnm88jSpPYZw-WnsdLk9gCzU1NjAzNi0wNzkzCUlEMDYtUkZJRARCWUdH.rRd0g3fey40wwdZkZnEkddM4zk59llFcIJG1usoyWMUOIwe-UZ2Tin4yBHj_9wlRkkOY9V_k2XiUknFdkcOKDw"
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
			if b := pic.Bounds(); b.Dx() != QRSize || b.Dy() != QRSize {
				t.Errorf("QR image is %dx%d, want %dx%d", b.Dx(), b.Dy(), QRSize, QRSize)
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
	for name, edit := range map[string]func(*InvitationMail){
		"language":        func(in *InvitationMail) { in.Lang = "de" },
		"relative link":   func(in *InvitationMail) { in.Link = "/#/register/x" },
		"javascript link": func(in *InvitationMail) { in.Link = "javascript:alert(1)" },
		"no code":         func(in *InvitationMail) { in.Code = " " },
		"no expiry":       func(in *InvitationMail) { in.Expires = time.Time{} },
		"bad recipient":   func(in *InvitationMail) { in.Recipient = "Anna <anna@example.se>" },
		"bad sender":      func(in *InvitationMail) { in.SenderAddress = "nobody" },
	} {
		t.Run(name, func(t *testing.T) {
			in := invitation("sv")
			edit(&in)
			if _, err := testRenderer().RenderInvitation(in); !errors.Is(err, ErrInput) {
				t.Fatalf("err = %v, want ErrInput", err)
			}
		})
	}
}

func TestNoHeaderInjection(t *testing.T) {
	in := invitation("en")
	in.CompanyName = "Evil AB\r\nBcc: victim@example.se"
	r, err := testRenderer().RenderInvitation(in)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(r.Message))
	if err != nil {
		t.Fatal(err)
	}
	if msg.Header.Get("Bcc") != "" {
		t.Fatal("company name injected a Bcc header")
	}
}
