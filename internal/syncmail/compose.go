// Package syncmail carries id06desk sync files (internal/syncwire envelopes:
// bundles kiosk → console, site packs console → kiosk) by e-mail: the mail
// format (Compose, Files) and the console's own SMTP receiver (Listen).
//
// A sync mail is multipart/mixed: a short text/plain part that says only
// which kiosk sent how many registrations (or that a site pack for a kiosk
// is attached) and one application/vnd.id06desk.sync attachment per
// envelope. Everything personal is inside the envelopes, sealed with age:
// the mail itself names a kiosk and a number, nothing else.
package syncmail

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"id06desk/internal/i18n"
	"id06desk/internal/syncwire"
)

// The mail's markers.
const (
	// ContentType is the media type of a sync attachment.
	ContentType = "application/vnd.id06desk.sync"
	// HeaderSync names the kind of a sync mail: "bundle; v=1" or
	// "sitepack; v=1".
	HeaderSync = "X-Id06desk-Sync"
	// Magic is how a sync file starts (syncwire's envelope magic).
	Magic = "ID06SYNC"
)

// File is one syncwire envelope (a bundle or a site pack) to attach.
type File struct {
	Name string // the attachment's file name, e.g. "bundle-12.id06sync"
	Data []byte
}

// Mail is one sync mail.
type Mail struct {
	From, To  string    // RFC 5322 addresses ("Name <a@b>" or "a@b")
	MessageID string    // "" draws one; with or without <>
	Date      time.Time // zero is now
	KioskName string    // the kiosk's name as people know it (subject, body)
	Kind      syncwire.Kind
	Count     int    // registrations in the bundles of this mail; 0 for a site pack
	Lang      string // "sv", "en" or "" for both
	Files     []File
}

var (
	msgSubjectBundle = i18n.Text{Code: "syncmail.subject.bundle",
		SV: "id06desk: {count} registreringar från kiosken {kiosk}",
		EN: "id06desk: {count} registrations from kiosk {kiosk}"}
	msgSubjectBundleOne = i18n.Text{Code: "syncmail.subject.bundle_one",
		SV: "id06desk: 1 registrering från kiosken {kiosk}",
		EN: "id06desk: 1 registration from kiosk {kiosk}"}
	msgSubjectBundleNone = i18n.Text{Code: "syncmail.subject.bundle_none",
		SV: "id06desk: synkpaket från kiosken {kiosk}",
		EN: "id06desk: sync bundle from kiosk {kiosk}"}
	msgSubjectSitePack = i18n.Text{Code: "syncmail.subject.site_pack",
		SV: "id06desk: platspaket för kiosken {kiosk}",
		EN: "id06desk: site pack for kiosk {kiosk}"}
	msgBodyBundle = i18n.Text{Code: "syncmail.body.bundle",
		SV: "Kiosken {kiosk} skickar {count} registreringar till id06desk-konsolen. " +
			"De ligger krypterade i den bifogade filen, som bara konsolen kan läsa; konsolen hämtar dem själv. " +
			"Du behöver inte göra något med det här mejlet.",
		EN: "Kiosk {kiosk} sends {count} registrations to the id06desk console. " +
			"They are encrypted in the attached file, which only the console can read; the console collects them by itself. " +
			"You need not do anything with this mail."}
	msgBodySitePack = i18n.Text{Code: "syncmail.body.site_pack",
		SV: "Ett platspaket från id06desk-konsolen till kiosken {kiosk} är bifogat. " +
			"Det är krypterat och kan bara läsas av kiosken, som hämtar det själv. " +
			"Du behöver inte göra något med det här mejlet.",
		EN: "A site pack from the id06desk console for kiosk {kiosk} is attached. " +
			"It is encrypted and only the kiosk can read it; the kiosk collects it by itself. " +
			"You need not do anything with this mail."}
)

// Compose writes m as an RFC 5322 message: CRLF line ends, no line over
// 998 octets (78 where it can be folded), non-ASCII header text in RFC 2047
// encoded words, attachments in base64 with 76-character lines.
func Compose(m Mail) ([]byte, error) {
	var kind string
	switch m.Kind {
	case syncwire.KindBundle:
		kind = "bundle"
	case syncwire.KindSitePack:
		kind = "sitepack"
	default:
		return nil, fmt.Errorf("syncmail: compose: a mail carries bundles or site packs, not %s", m.Kind)
	}
	if len(m.Files) == 0 {
		return nil, errors.New("syncmail: compose: no files")
	}
	if m.Count < 0 {
		return nil, fmt.Errorf("syncmail: compose: count %d", m.Count)
	}
	var langs []i18n.Lang
	switch m.Lang {
	case "":
		langs = []i18n.Lang{i18n.SV, i18n.EN}
	case "sv":
		langs = []i18n.Lang{i18n.SV}
	case "en":
		langs = []i18n.Lang{i18n.EN}
	default:
		return nil, fmt.Errorf("syncmail: compose: language %q (sv, en or empty)", m.Lang)
	}
	from, err := address(m.From)
	if err != nil {
		return nil, fmt.Errorf("syncmail: compose: from: %w", err)
	}
	to, err := address(m.To)
	if err != nil {
		return nil, fmt.Errorf("syncmail: compose: to: %w", err)
	}
	for i, f := range m.Files {
		if !bytes.HasPrefix(f.Data, []byte(Magic)) {
			return nil, fmt.Errorf("syncmail: compose: file %d (%q) is not a sync file", i+1, f.Name)
		}
	}
	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}
	msgID, err := messageID(m.MessageID, from.Address)
	if err != nil {
		return nil, fmt.Errorf("syncmail: compose: %w", err)
	}

	kiosk := oneLine(m.KioskName, 120)
	if kiosk == "" {
		kiosk = "?"
	}
	subject, body := texts(m.Kind, m.Count, kiosk)
	var subj, text []string
	for _, l := range langs {
		subj = append(subj, subject.In(l))
		text = append(text, body.In(l))
	}

	// Sized up front: the attachments are megabytes, and a growing buffer
	// would copy them over and over and hold up to twice the mail.
	size := int64(4 << 10) // headers and text
	for _, f := range m.Files {
		size += EncodedSize(int64(len(f.Data)))
	}
	var buf bytes.Buffer
	buf.Grow(int(size))
	mw := multipart.NewWriter(&buf)
	header := func(name, value string) { buf.WriteString(fold(name + ": " + value)) }
	header("From", from.String())
	header("To", to.String())
	header("Date", date.Format(time.RFC1123Z))
	header("Message-ID", msgID)
	header("Subject", mime.QEncoding.Encode("utf-8", strings.Join(subj, " / ")))
	header("MIME-Version", "1.0")
	header("Content-Type", mime.FormatMediaType("multipart/mixed", map[string]string{"boundary": mw.Boundary()}))
	header(HeaderSync, kind+"; v=1")
	header("Auto-Submitted", "auto-generated") // RFC 3834: no vacation replies
	buf.WriteString("\r\n")

	tp, err := mw.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {"text/plain; charset=utf-8"},
		"Content-Transfer-Encoding": {"quoted-printable"},
	})
	if err != nil {
		return nil, fmt.Errorf("syncmail: compose: %w", err)
	}
	qp := quotedprintable.NewWriter(tp)
	if _, err := io.WriteString(qp, strings.Join(text, "\n\n")+"\n"); err != nil {
		return nil, fmt.Errorf("syncmail: compose: %w", err)
	}
	if err := qp.Close(); err != nil {
		return nil, fmt.Errorf("syncmail: compose: %w", err)
	}

	for i, f := range m.Files {
		name := safeName(f.Name)
		if name == "" {
			name = fmt.Sprintf("%s-%d.id06sync", kind, i+1)
		}
		ap, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {mime.FormatMediaType(ContentType, map[string]string{"name": name})},
			"Content-Disposition":       {mime.FormatMediaType("attachment", map[string]string{"filename": name})},
			"Content-Transfer-Encoding": {"base64"},
		})
		if err != nil {
			return nil, fmt.Errorf("syncmail: compose: %w", err)
		}
		writeBase64(ap, f.Data)
	}
	if err := mw.Close(); err != nil {
		return nil, fmt.Errorf("syncmail: compose: %w", err)
	}
	return buf.Bytes(), nil
}

func texts(kind syncwire.Kind, count int, kiosk string) (subject, body i18n.Message) {
	if kind == syncwire.KindSitePack {
		return msgSubjectSitePack.With("kiosk", kiosk), msgBodySitePack.With("kiosk", kiosk)
	}
	body = msgBodyBundle.With("kiosk", kiosk, "count", count)
	switch count {
	case 0:
		return msgSubjectBundleNone.With("kiosk", kiosk), body
	case 1:
		return msgSubjectBundleOne.With("kiosk", kiosk), body
	}
	return msgSubjectBundle.With("kiosk", kiosk, "count", count), body
}

func address(s string) (*mail.Address, error) {
	if strings.ContainsAny(s, "\r\n") {
		return nil, errors.New("line break in the address")
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return nil, fmt.Errorf("%q: %w", s, err)
	}
	return a, nil
}

func messageID(id, from string) (string, error) {
	if id != "" {
		id = strings.TrimSuffix(strings.TrimPrefix(id, "<"), ">")
		if strings.ContainsAny(id, "<> \t\r\n") || !strings.Contains(id, "@") || len(id) > 250 {
			return "", fmt.Errorf("message id %q", id)
		}
		return "<" + id + ">", nil
	}
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("message id: %w", err)
	}
	domain := "id06desk.invalid"
	if at := strings.LastIndexByte(from, '@'); at >= 0 && isASCIIDomain(from[at+1:]) {
		domain = from[at+1:]
	}
	return "<" + hex.EncodeToString(b[:]) + "@" + domain + ">", nil
}

func isASCIIDomain(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c == '.' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// oneLine turns control characters into spaces, collapses runs of space
// and cuts s to max runes.
func oneLine(s string, max int) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
	if utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max])
	}
	return s
}

// safeName is a file name without directories or control characters, at
// most 100 runes.
func safeName(s string) string {
	s = strings.ReplaceAll(s, "\\", "/")
	s = path.Base("/" + s)
	if s == "/" || s == "." || s == ".." {
		return ""
	}
	return oneLine(s, 100)
}

// fold writes one header field, folded at spaces so that no line is over
// 78 octets where a space allows it (RFC 5322 2.2.3). The encoded words of
// mime.QEncoding are separated by spaces, which a reader removes between
// encoded words when it unfolds.
func fold(field string) string {
	const soft = 78
	var b strings.Builder
	line := 0
	for i, word := range strings.Split(field, " ") {
		if i > 0 {
			if line+1+len(word) > soft {
				b.WriteString("\r\n")
				line = 0
			}
			b.WriteByte(' ')
			line++
		}
		b.WriteString(word)
		line += len(word)
	}
	b.WriteString("\r\n")
	return b.String()
}

// writeBase64 writes data in base64 lines of 76 characters, CRLF.
func writeBase64(w io.Writer, data []byte) {
	const lineBytes = 57 // 57 bytes → 76 characters
	line := make([]byte, 78)
	for len(data) > 0 {
		n := min(lineBytes, len(data))
		k := base64.StdEncoding.EncodedLen(n)
		base64.StdEncoding.Encode(line, data[:n])
		line[k], line[k+1] = '\r', '\n'
		w.Write(line[:k+2]) //nolint:errcheck // a bytes.Buffer behind multipart
		data = data[n:]
	}
}

// EncodedSize is how many bytes an attachment of n bytes adds to a mail:
// base64 in 76-character lines with CRLF, plus its part headers (about;
// file names up to 100 characters).
func EncodedSize(n int64) int64 {
	const partHeaders = 512
	lines := (n + 56) / 57
	return (n+2)/3*4 + 2*lines + partHeaders
}
