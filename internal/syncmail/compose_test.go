package syncmail

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"time"

	"id06desk/internal/i18n"
	"id06desk/internal/syncwire"
)

const kioskName = "Bygget Norr – Åby"

func bundleMail(files ...File) Mail {
	return Mail{From: "Kiosk <kiosk@bygg.example>", To: "id06-sync@bygg.example",
		Date: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC), KioskName: kioskName,
		Kind: syncwire.KindBundle, Count: 3, Files: files}
}

// checkLines: CRLF only, no line over 998 octets, no line of the mail's
// header over 78 where it could be folded.
func checkLines(t *testing.T, raw []byte) {
	t.Helper()
	if bytes.Contains(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\n")) ||
		bytes.Contains(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\r")) {
		t.Fatal("a bare LF or CR: lines must end in CRLF")
	}
	if !bytes.HasSuffix(raw, []byte("\r\n")) {
		t.Fatal("the message does not end in CRLF")
	}
	inHeader := true
	for i, line := range strings.Split(string(raw), "\r\n") {
		if len(line) > 998 {
			t.Fatalf("line %d is %d octets", i+1, len(line))
		}
		inHeader = inHeader && line != ""
		if inHeader && len(line) > 78 && !strings.Contains(line, "boundary=") {
			t.Fatalf("line %d is %d octets: %q", i+1, len(line), line)
		}
	}
}

func TestComposeFilesRoundTrip(t *testing.T) {
	f := newFixture(t)
	small1, small2 := f.bundle(t, 1, 1, 2000), f.bundle(t, 2, 1, 3000)
	big := f.bundle(t, 3, 1, 5_000_000)
	if len(big) < 5_000_000 {
		t.Fatalf("the big bundle is only %d bytes", len(big))
	}
	for _, tc := range []struct {
		name  string
		files []File
	}{
		{"one", []File{{Name: "bundle-1.id06sync", Data: small1}}},
		{"three with 5 MB", []File{{Name: "bundle-1.id06sync", Data: small1}, {Name: "bundle-3.id06sync", Data: big}, {Name: "paket Åby 2.id06sync", Data: small2}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw, err := Compose(bundleMail(tc.files...))
			if err != nil {
				t.Fatal(err)
			}
			checkLines(t, raw)
			got, err := collect(raw, 32<<20)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.files) {
				t.Fatalf("got %d files, want %d", len(got), len(tc.files))
			}
			for i := range got {
				if got[i].Name != tc.files[i].Name {
					t.Errorf("file %d name %q, want %q", i, got[i].Name, tc.files[i].Name)
				}
				if !bytes.Equal(got[i].Data, tc.files[i].Data) {
					t.Errorf("file %d: %d bytes differ from the %d sent", i, len(got[i].Data), len(tc.files[i].Data))
				}
			}
			// The console can open what came out of the mail.
			regs := f.openBundle(t, got[0].Data)
			if len(regs) != 1 || regs[0].Personnummer != secretPNR {
				t.Fatalf("opened %+v", regs)
			}
		})
	}
}

func TestComposeHeadersAndSubject(t *testing.T) {
	f := newFixture(t)
	raw, err := Compose(bundleMail(File{Name: "b.id06sync", Data: f.bundle(t, 1, 1, 100)}))
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if got := msg.Header.Get(HeaderSync); got != "bundle; v=1" {
		t.Errorf("%s: %q", HeaderSync, got)
	}
	if strings.ContainsFunc(msg.Header.Get("Subject"), func(r rune) bool { return r > 0x7f }) {
		t.Errorf("raw subject has non-ASCII: %q", msg.Header.Get("Subject"))
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	want := "id06desk: 3 registreringar från kiosken " + kioskName + " / id06desk: 3 registrations from kiosk " + kioskName
	if subject != want {
		t.Errorf("subject %q\nwant    %q", subject, want)
	}
	if d, err := msg.Header.Date(); err != nil || !d.Equal(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("date %v %v", d, err)
	}
	if id := msg.Header.Get("Message-ID"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@bygg.example>") {
		t.Errorf("message id %q", id)
	}
	if msg.Header.Get("Auto-Submitted") != "auto-generated" {
		t.Error("no Auto-Submitted")
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	p, err := mr.NextRawPart()
	if err != nil {
		t.Fatal(err)
	}
	text, _ := io.ReadAll(quotedprintable.NewReader(p))
	for _, s := range []string{"Kiosken " + kioskName + " skickar 3 registreringar", "Kiosk " + kioskName + " sends 3 registrations"} {
		if !strings.Contains(string(text), s) {
			t.Errorf("body lacks %q:\n%s", s, text)
		}
	}
	a, err := mr.NextRawPart()
	if err != nil {
		t.Fatal(err)
	}
	if ct, _, _ := mime.ParseMediaType(a.Header.Get("Content-Type")); ct != ContentType {
		t.Errorf("attachment type %q", ct)
	}
	if a.Header.Get("Content-Transfer-Encoding") != "base64" {
		t.Error("attachment not base64")
	}
	sc := bufio.NewScanner(a)
	for sc.Scan() {
		if n := len(strings.TrimSuffix(sc.Text(), "\r")); n > 76 {
			t.Fatalf("base64 line of %d characters", n)
		}
	}
}

func TestComposeOneLanguageAndSitePack(t *testing.T) {
	f := newFixture(t)
	m := Mail{From: "console@bygg.example", To: "kiosk@bygg.example", KioskName: "Norr",
		Kind: syncwire.KindSitePack, Lang: "sv", Files: []File{{Name: "pack.id06sync", Data: f.sitePack(t, 4)}}}
	raw, err := Compose(m)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if subject != "id06desk: platspaket för kiosken Norr" {
		t.Errorf("subject %q", subject)
	}
	if msg.Header.Get(HeaderSync) != "sitepack; v=1" {
		t.Errorf("%s: %q", HeaderSync, msg.Header.Get(HeaderSync))
	}
	if bytes.Contains(raw, []byte("site pack")) {
		t.Error("English in a Swedish-only mail")
	}
	got, err := collect(raw, 0)
	if err != nil || len(got) != 1 || !bytes.Equal(got[0].Data, m.Files[0].Data) {
		t.Fatalf("files %d %v", len(got), err)
	}
	// One registration: the singular.
	b := bundleMail(File{Name: "b", Data: f.bundle(t, 1, 1, 10)})
	b.Count, b.Lang = 1, "en"
	raw, _ = Compose(b)
	msg, _ = mail.ReadMessage(bytes.NewReader(raw))
	if subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); subject != "id06desk: 1 registration from kiosk "+kioskName {
		t.Errorf("subject %q", subject)
	}
}

// The mail names the kiosk and a number: never who registered. The
// registrations are in the attachment, sealed; nothing readable leaks, in
// headers, text or the attachment's bytes.
func TestComposeCarriesNothingPersonal(t *testing.T) {
	f := newFixture(t)
	data := f.bundle(t, 1, 2, 500)
	raw, err := Compose(bundleMail(File{Name: "bundle-1.id06sync", Data: data}))
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := mail.ReadMessage(bytes.NewReader(raw))
	subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	decoded := subject + "\n"
	for k, v := range msg.Header {
		decoded += k + ": " + strings.Join(v, ",") + "\n"
	}
	_, params, _ := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	p, _ := multipart.NewReader(msg.Body, params["boundary"]).NextRawPart()
	text, _ := io.ReadAll(quotedprintable.NewReader(p))
	decoded += string(text)
	for _, secret := range []string{secretPNR, "19900101-1234", secretFirst, secretLast, "+46701234567"} {
		for what, s := range map[string]string{"decoded headers and text": decoded, "raw mail": string(raw), "attachment bytes": string(data)} {
			if strings.Contains(s, secret) {
				t.Errorf("%s contain %q", what, secret)
			}
		}
	}
	// and the bundle does hold them, so the check above can fail
	if regs := f.openBundle(t, data); regs[0].Personnummer != secretPNR || regs[1].LastName != secretLast {
		t.Fatal("fixture")
	}
}

func TestComposeRefuses(t *testing.T) {
	f := newFixture(t)
	ok := File{Name: "b", Data: f.bundle(t, 1, 1, 10)}
	for name, m := range map[string]Mail{
		"no files":      bundleMail(),
		"not sync":      bundleMail(File{Name: "x", Data: []byte("hello")}),
		"pairing kind":  {From: "a@b.c", To: "d@e.f", Kind: syncwire.KindPairing, Files: []File{ok}},
		"bad language":  {From: "a@b.c", To: "d@e.f", Kind: syncwire.KindBundle, Lang: "de", Files: []File{ok}},
		"header inject": {From: "a@b.c\r\nBcc: x@y.z", To: "d@e.f", Kind: syncwire.KindBundle, Files: []File{ok}},
	} {
		if _, err := Compose(m); err == nil {
			t.Errorf("%s: composed", name)
		}
	}
	// A kiosk name with line breaks cannot add a header.
	m := bundleMail(ok)
	m.KioskName = "Norr\r\nBcc: evil@example.com"
	raw, err := Compose(m)
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := mail.ReadMessage(bytes.NewReader(raw))
	if msg.Header.Get("Bcc") != "" {
		t.Fatal("header injected through the kiosk name")
	}
	// A long name is folded, not a line over 78.
	m.KioskName = strings.Repeat("Ödsligt långt namn ", 6)
	raw, err = Compose(m)
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, raw)
	msg, _ = mail.ReadMessage(bytes.NewReader(raw))
	if s, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); !strings.Contains(s, strings.TrimSpace(m.KioskName)) {
		t.Errorf("long subject %q", s)
	}
}

const plainMail = "From: a@example.com\r\nTo: b@example.com\r\nSubject: hello\r\n\r\nJust a mail.\r\n"

func TestFilesNoSyncFile(t *testing.T) {
	f := newFixture(t)
	synced, _ := Compose(bundleMail(File{Name: "b", Data: f.bundle(t, 1, 1, 10)}))
	bounce := "From: MAILER-DAEMON@example.com\r\nTo: kiosk@example.com\r\nSubject: Undelivered\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\r\n\r\n" +
		"--b1\r\nContent-Type: text/plain\r\n\r\nCould not deliver.\r\n" +
		"--b1\r\nContent-Type: message/rfc822\r\n\r\n" + string(synced) + "\r\n--b1--\r\n"
	withPicture := "From: a@example.com\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n" +
		"--x\r\nContent-Type: text/plain\r\n\r\nsee the picture\r\n" +
		"--x\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--x--\r\n"
	for name, raw := range map[string]string{"plain": plainMail, "bounce": bounce, "picture": withPicture} {
		got, err := collect([]byte(raw), 0)
		if !errors.Is(err, ErrNoSyncFile) || len(got) != 0 {
			t.Errorf("%s: %d files, %v", name, len(got), err)
		}
		var ie *i18n.Error
		if !errors.As(err, &ie) || ie.Msg.Code() != "syncmail.no_sync_file" {
			t.Errorf("%s: not an i18n error: %v", name, err)
		}
	}
}

func TestFilesMalformed(t *testing.T) {
	f := newFixture(t)
	raw, err := Compose(bundleMail(File{Name: "b", Data: f.bundle(t, 1, 1, 20000)}))
	if err != nil {
		t.Fatal(err)
	}
	s := string(raw)
	// a character that is not base64 in the middle of the attachment
	at := strings.Index(s, "Content-Transfer-Encoding: base64")
	mid := at + (len(s)-at)/2
	brokenB64 := s[:mid] + "*" + s[mid+1:]
	// the mail cut off in the attachment
	truncated := s[:mid]
	noBoundary := "From: a@b.c\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\n\r\nx\r\n"
	badHeader := "From a@b.c no colon here\r\n\r\n"
	for name, m := range map[string]string{"broken base64": brokenB64, "truncated": truncated, "no boundary": noBoundary, "bad header": badHeader} {
		_, err := collect([]byte(m), 0)
		if !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v", name, err)
			continue
		}
		var ie *i18n.Error
		if !errors.As(err, &ie) || ie.Msg.Code() != "syncmail.malformed" || ie.Msg.In(i18n.SV) == ie.Msg.In(i18n.EN) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Even when each ignores the read error, Files reports it.
	err = Files(strings.NewReader(brokenB64), 0, func(string, io.Reader) error { return nil })
	if !errors.Is(err, ErrMalformed) {
		t.Errorf("each ignored the reader: %v", err)
	}
	// A header over the limit.
	huge := "X-Junk: " + strings.Repeat("a", maxHeaderBytes) + "\r\n\r\nbody"
	if _, err := collect([]byte(huge), 0); !errors.Is(err, ErrMalformed) {
		t.Errorf("huge header: %v", err)
	}
}

func TestFilesTooLarge(t *testing.T) {
	f := newFixture(t)
	data := f.bundle(t, 1, 1, 100_000)
	raw, _ := Compose(bundleMail(File{Name: "b", Data: data}))
	_, err := collect(raw, int64(len(data))-1)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("one byte over: %v", err)
	}
	var ie *i18n.Error
	if !errors.As(err, &ie) || ie.Msg.Code() != "syncmail.too_large" {
		t.Fatal(err)
	}
	if got, err := collect(raw, int64(len(data))); err != nil || len(got) != 1 {
		t.Fatalf("exactly at the limit: %v", err)
	}
}

// A mail another program wrote: nested multipart, quoted-printable and
// base64 with spaces at line ends, names in RFC 2047 and RFC 2231.
func TestFilesOtherMailers(t *testing.T) {
	f := newFixture(t)
	data := f.bundle(t, 1, 1, 300)
	var b64 strings.Builder
	w := &strings.Builder{}
	writeBase64(w, data)
	for _, line := range strings.Split(strings.TrimSuffix(w.String(), "\r\n"), "\r\n") {
		b64.WriteString(line + " \r\n")
	}
	raw := "From: a@b.c\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=outer\r\n\r\n" +
		"--outer\r\nContent-Type: multipart/alternative; boundary=inner\r\n\r\n" +
		"--inner\r\nContent-Type: text/plain\r\n\r\nhej\r\n--inner\r\nContent-Type: text/html\r\n\r\n<p>hej</p>\r\n--inner--\r\n" +
		"--outer\r\nContent-Type: application/octet-stream; name=\"=?utf-8?q?f=C3=B6rsta.id06sync?=\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64.String() +
		"--outer\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename*=utf-8''..%2F..%2Fandra%C3%A5.id06sync\r\nContent-Transfer-Encoding: base64\r\n\r\n" + w.String() +
		"--outer--\r\n"
	got, err := collect([]byte(raw), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !bytes.Equal(got[0].Data, data) || !bytes.Equal(got[1].Data, data) {
		t.Fatalf("got %d files", len(got))
	}
	if got[0].Name != "första.id06sync" || got[1].Name != "andraå.id06sync" {
		t.Errorf("names %q %q", got[0].Name, got[1].Name)
	}
}

// EncodedSize matches what Compose writes.
func TestEncodedSize(t *testing.T) {
	f := newFixture(t)
	data := f.bundle(t, 1, 1, 100_000)
	one, _ := Compose(bundleMail(File{Name: "b", Data: data}))
	two, _ := Compose(bundleMail(File{Name: "b", Data: data}, File{Name: "b", Data: data}))
	if added, est := int64(len(two)-len(one)), EncodedSize(int64(len(data))); added > est || est-added > 600 {
		t.Errorf("an attachment adds %d bytes, EncodedSize says %d", added, est)
	}
}
