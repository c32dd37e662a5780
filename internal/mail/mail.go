// Package mail composes the mails id06desk sends: the invitation to register
// for an ID06 card, the "order ready" notice to the company's admins, the
// receipt to the cardholder after registering, and the "test mail" of
// Settings → Email. It only builds RFC 5322 messages (with
// github.com/wneessen/go-mail); delivery is internal/smtpout's job.
package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	htmltemplate "html/template"
	netmail "net/mail"
	"net/url"
	"slices"
	"strings"
	texttemplate "text/template"
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
	// To is the envelope recipient address. A mail to several recipients
	// (the order-ready notice) has them all here, joined by ", " as in the
	// To header: deliver such a mail to Recipients.
	To         string
	Recipients []string // every envelope recipient, in To header order
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

// RenderOrderReady renders in with the default Renderer.
func RenderOrderReady(in OrderReadyMail) (*Rendered, error) {
	return Renderer{}.RenderOrderReady(in)
}

// RenderRegistrationReceipt renders in with the default Renderer.
func RenderRegistrationReceipt(in ReceiptMail) (*Rendered, error) {
	return Renderer{}.RenderRegistrationReceipt(in)
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

// newID checks the sender's address and returns a Message-ID (without
// angle brackets) in domain, or in the sender's domain when domain is
// empty. Every renderer calls it once its own fields are checked.
func (r Renderer) newID(domain, sender string) (string, error) {
	if err := checkAddress("sender address", sender); err != nil {
		return "", err
	}
	if domain == "" {
		domain = domainOf(sender)
	}
	if r.NewMessageID != nil {
		return r.NewMessageID(domain)
	}
	return NewMessageID(domain)
}

// NewMessageID is a Message-ID (without angle brackets): 26 random base32
// characters @ domain.
func NewMessageID(domain string) (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("message id: %w", err)
	}
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:])) + "@" + domain, nil
}

// MessageIDFor is a new Message-ID in the sender address's domain.
func MessageIDFor(sender string) (string, error) { return NewMessageID(domainOf(sender)) }

// envelope is what every mail kind shares.
type envelope struct {
	lang          string
	senderName    string
	senderAddress string
	recipients    []string
	messageID     string // from Renderer.newID
	subject       string
	text, html    string
	inline        *inlineImage
	attachments   []Attachment
	autoSubmitted bool
}

// Attachment is a file attached to a mail.
type Attachment struct {
	Name        string
	ContentType string
	Data        []byte
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

// checkLink accepts only absolute http and https URLs; what names the link
// in the error ("registration link").
func checkLink(what, link string) error {
	u, err := url.Parse(link)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%w: %s %q must be an absolute http(s) URL", ErrInput, what, link)
	}
	return nil
}

// field is a named input value for checkFilled.
type field struct{ name, value string }

// checkFilled reports the first field that is empty or only white space.
func checkFilled(fields ...field) error {
	for _, f := range fields {
		if strings.TrimSpace(f.value) == "" {
			return fmt.Errorf("%w: %s is empty", ErrInput, f.name)
		}
	}
	return nil
}

// Identity methods of a registration, as OrderReadyMail and ReceiptMail take
// them.
const (
	identityManual = "manual" // passport or national ID scanned at a partner
	identityBankID = "bankid" // verified with BankID during registration
)

func checkIdentityMethod(method string) error {
	if method != identityManual && method != identityBankID {
		return fmt.Errorf("%w: identity method %q (want %s or %s)", ErrInput, method, identityManual, identityBankID)
	}
	return nil
}

// execute fills one language's subject, plain-text and HTML templates with
// d; the HTML layout gets the subject as its title.
func execute(lang string, subject, text *texttemplate.Template, html *htmltemplate.Template, d any) (subj, txt, htm string, err error) {
	var s, t, h bytes.Buffer
	if err := subject.Execute(&s, d); err != nil {
		return "", "", "", fmt.Errorf("subject: %w", err)
	}
	if err := text.Execute(&t, d); err != nil {
		return "", "", "", fmt.Errorf("text: %w", err)
	}
	if err := html.Execute(&h, htmlPage{Lang: lang, Subject: s.String(), D: d}); err != nil {
		return "", "", "", fmt.Errorf("html: %w", err)
	}
	return s.String(), t.String(), h.String(), nil
}

// compose fills a mail's templates in e.lang with d and builds the message
// on e, marked as sent by a machine (Auto-Submitted): where every renderer
// ends once it has checked its input and gathered d.
func (r Renderer) compose(what string, e envelope, subject, text map[string]*texttemplate.Template, html map[string]*htmltemplate.Template, d any) (*Rendered, error) {
	s, t, h, err := execute(e.lang, subject[e.lang], text[e.lang], html[e.lang], d)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	e.subject, e.text, e.html, e.autoSubmitted = s, t, h, true
	return r.build(e)
}

// build composes the message with go-mail: multipart/related wrapping
// multipart/alternative (text/plain, text/html) and the inline image, or just
// multipart/alternative when there is no image.
func (r Renderer) build(e envelope) (*Rendered, error) {
	if err := checkAddress("sender address", e.senderAddress); err != nil {
		return nil, err
	}
	if len(e.recipients) == 0 {
		return nil, fmt.Errorf("%w: no recipient", ErrInput)
	}
	for _, rcpt := range e.recipients {
		if err := checkAddress("recipient", rcpt); err != nil {
			return nil, err
		}
	}
	id := e.messageID
	m := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	m.FromMailAddress(&netmail.Address{Name: e.senderName, Address: e.senderAddress})
	if err := m.To(e.recipients...); err != nil {
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
	for _, a := range e.attachments {
		if err := m.AttachReader(a.Name, bytes.NewReader(a.Data),
			gomail.WithFileContentType(gomail.ContentType(a.ContentType))); err != nil {
			return nil, fmt.Errorf("attach %s: %w", a.Name, err)
		}
	}
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("write message: %w", err)
	}
	return &Rendered{
		Message:    buf.Bytes(),
		MessageID:  id,
		Subject:    e.subject,
		From:       e.senderAddress,
		To:         strings.Join(e.recipients, ", "),
		Recipients: slices.Clone(e.recipients),
	}, nil
}

// RenderReopen renders in with the default Renderer.
func RenderReopen(in ReopenMail) (*Rendered, error) {
	return Renderer{}.RenderReopen(in)
}
