// Package mail composes the mails id06desk sends: the invitation to register
// for an ID06 card and the "test mail" of Settings → Email. It only builds
// RFC 5322 messages (with github.com/wneessen/go-mail); delivery is
// internal/smtpout's job.
package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	netmail "net/mail"
	"net/url"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Stockholm must resolve on kiosks without a zoneinfo database

	gomail "github.com/wneessen/go-mail"
)

// ErrInput is wrapped by every error caused by incomplete or invalid input.
var ErrInput = errors.New("mail: invalid input")

// Rendered is a complete message ready to be handed to the outbox.
type Rendered struct {
	Message   []byte // the RFC 5322 message, CRLF line endings
	MessageID string // without angle brackets: "abc@example.se"
	Subject   string // decoded
	From      string // envelope sender address
	To        string // envelope recipient address
}

// Renderer builds messages. The zero value is ready to use; tests set the
// fields to make the output deterministic (MIME boundaries stay random: they
// come from mime/multipart inside go-mail).
type Renderer struct {
	Now          func() time.Time                    // nil: time.Now
	NewMessageID func(domain string) (string, error) // nil: 26 random base32 characters @ domain
	Location     *time.Location                      // zone of dates in the text; nil: Europe/Stockholm
}

// RenderInvitation renders in with the default Renderer.
func RenderInvitation(in InvitationMail) (*Rendered, error) {
	return Renderer{}.RenderInvitation(in)
}

// RenderTestMail renders in with the default Renderer.
func RenderTestMail(in TestMail) (*Rendered, error) {
	return Renderer{}.RenderTestMail(in)
}

func (r Renderer) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r Renderer) location() *time.Location {
	if r.Location != nil {
		return r.Location
	}
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil { // cannot happen with time/tzdata linked in
		return time.UTC
	}
	return loc
}

// newID returns a Message-ID (without angle brackets) in domain, or in the
// sender's domain when domain is empty.
func (r Renderer) newID(domain, sender string) (string, error) {
	if domain == "" {
		domain = domainOf(sender)
	}
	if r.NewMessageID != nil {
		return r.NewMessageID(domain)
	}
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("message id: %w", err)
	}
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:])) + "@" + domain, nil
}

// envelope is what every mail kind shares.
type envelope struct {
	lang          string
	senderName    string
	senderAddress string
	recipient     string
	messageID     string // from Renderer.newID
	subject       string
	text, html    string
	inline        *inlineImage
	autoSubmitted bool
}

type inlineImage struct {
	name, contentID string // contentID without angle brackets
	png             []byte
}

func checkLang(lang string) error {
	if lang != "sv" && lang != "en" {
		return fmt.Errorf("%w: language %q (want sv or en)", ErrInput, lang)
	}
	return nil
}

func checkAddress(what, addr string) error {
	a, err := netmail.ParseAddress(addr)
	if err != nil || a.Name != "" || a.Address != addr {
		return fmt.Errorf("%w: %s %q is not a plain e-mail address", ErrInput, what, addr)
	}
	return nil
}

// oneLine turns s into a single line (no CR/LF can reach a header).
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// domainOf returns the part after the last @.
func domainOf(addr string) string {
	return addr[strings.LastIndexByte(addr, '@')+1:]
}

func checkLink(link string) error {
	u, err := url.Parse(link)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%w: registration link %q must be an absolute http(s) URL", ErrInput, link)
	}
	return nil
}

// build composes the message with go-mail: multipart/related wrapping
// multipart/alternative (text/plain, text/html) and the inline image, or just
// multipart/alternative when there is no image.
func (r Renderer) build(e envelope) (*Rendered, error) {
	if err := checkAddress("sender address", e.senderAddress); err != nil {
		return nil, err
	}
	if err := checkAddress("recipient", e.recipient); err != nil {
		return nil, err
	}
	id := e.messageID
	m := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	m.FromMailAddress(&netmail.Address{Name: e.senderName, Address: e.senderAddress})
	if err := m.To(e.recipient); err != nil {
		return nil, fmt.Errorf("%w: recipient: %v", ErrInput, err)
	}
	m.Subject(e.subject)
	m.SetMessageIDWithValue(id)
	m.SetDateWithValue(r.now())
	m.SetGenHeader(gomail.Header("Content-Language"), e.lang)
	if e.autoSubmitted {
		// RFC 3834: tells vacation responders not to answer.
		m.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	}
	m.SetBodyString(gomail.TypeTextPlain, e.text)
	m.AddAlternativeString(gomail.TypeTextHTML, e.html)
	if e.inline != nil {
		if err := m.EmbedReader(e.inline.name, bytes.NewReader(e.inline.png),
			gomail.WithFileContentID("<"+e.inline.contentID+">"),
			gomail.WithFileContentType(gomail.ContentType("image/png"))); err != nil {
			return nil, fmt.Errorf("embed image: %w", err)
		}
	}
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("write message: %w", err)
	}
	return &Rendered{
		Message:   buf.Bytes(),
		MessageID: id,
		Subject:   e.subject,
		From:      e.senderAddress,
		To:        e.recipient,
	}, nil
}
