// Package i18n is how the server speaks to people: every sentence a user
// can see is a Text with a stable code and its Swedish and English wording,
// written next to the code that uses it; a Message is a Text with the values
// of its {placeholders}; the API renders each Message in the language the
// caller asked for (Accept-Language, sent by the frontend on every call).
//
// The rule, checked by TestEveryMessageIsTranslated: a string a user may
// read is never a bare string literal. Declare it as
//
//	var msgOrgChecksum = i18n.Text{Code: "org_number.checksum",
//		SV: "Kontrollsiffran …", EN: "The check digit …"}
//
// and pass msgOrgChecksum.With("max", 120) along; the HTTP layer calls
// In(lang). Technical text that is not a sentence for people (a mail
// server's own reply, a file name) travels beside the message as a detail.
package i18n

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"golang.org/x/text/language"
)

// Lang is a language the product speaks.
type Lang string

// The languages, Swedish first: it is the product's default for people.
const (
	SV Lang = "sv"
	EN Lang = "en"
)

// Langs lists every language a Text must have.
var Langs = []Lang{SV, EN}

// Text is one message in every language, with a stable code a program or a
// test may key on. Placeholders are written {name} in both languages.
type Text struct {
	Code string
	SV   string
	EN   string
}

// In returns the wording in lang, placeholders unfilled; any language other
// than Swedish gets English.
func (t Text) In(lang Lang) string {
	if lang == SV {
		return t.SV
	}
	return t.EN
}

// With makes a Message of t with placeholder values given as name, value
// pairs: With("max", 120, "choices", "sv, en"). A value that is itself a
// Text or a Message (a word that differs by language) is rendered in the
// same language as t.
func (t Text) With(params ...any) Message {
	m := Message{Text: t}
	for i := 0; i+1 < len(params); i += 2 {
		name := fmt.Sprint(params[i])
		switch v := params[i+1].(type) {
		case Text:
			m.setPart(name, v.With())
		case Message:
			m.setPart(name, v)
		default:
			if m.Params == nil {
				m.Params = make(map[string]string, len(params)/2)
			}
			m.Params[name] = fmt.Sprint(v)
		}
	}
	return m
}

func (m *Message) setPart(name string, part Message) {
	if m.Parts == nil {
		m.Parts = map[string]Message{}
	}
	m.Parts[name] = part
}

// Message is a Text with the values of its placeholders: what a user reads,
// ready for any language. The zero Message is "no message".
type Message struct {
	Text   Text
	Params map[string]string
	Parts  map[string]Message // placeholder values that are words in each language
}

// Code is the stable code of the message's Text.
func (m Message) Code() string { return m.Text.Code }

// IsZero reports whether m holds no message.
func (m Message) IsZero() bool { return m.Text == (Text{}) }

// In renders the message in lang.
func (m Message) In(lang Lang) string {
	s := m.Text.In(lang)
	if len(m.Params)+len(m.Parts) == 0 || !strings.Contains(s, "{") {
		return s
	}
	var b strings.Builder
	for {
		open := strings.IndexByte(s, '{')
		if open < 0 {
			break
		}
		end := strings.IndexByte(s[open:], '}')
		if end < 0 {
			break
		}
		name := s[open+1 : open+end]
		b.WriteString(s[:open])
		if v, ok := m.Params[name]; ok {
			b.WriteString(v)
		} else if p, ok := m.Parts[name]; ok {
			b.WriteString(p.In(lang))
		} else {
			b.WriteString(s[open : open+end+1])
		}
		s = s[open+end+1:]
	}
	b.WriteString(s)
	return b.String()
}

// String is the English rendering, for logs and the command line.
func (m Message) String() string { return m.In(EN) }

// Parse picks the language from an Accept-Language value: the most wanted
// of Swedish and English, English when it names neither (programs that send
// no header get the language of the log and the command line).
func Parse(acceptLanguage string) Lang {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil {
		return EN
	}
	for _, t := range tags { // sorted by preference
		base, _ := t.Base()
		switch base.String() {
		case "sv":
			return SV
		case "en":
			return EN
		}
	}
	return EN
}

// FromRequest is the language a request asked for (see Parse).
func FromRequest(r *http.Request) Lang {
	return Parse(r.Header.Get("Accept-Language"))
}

// Placeholders returns the {name} placeholders of s, for tests that compare
// the two languages of a Text.
func Placeholders(s string) map[string]bool {
	out := map[string]bool{}
	for {
		open := strings.IndexByte(s, '{')
		if open < 0 {
			return out
		}
		end := strings.IndexByte(s[open:], '}')
		if end < 0 {
			return out
		}
		out[s[open+1:open+end]] = true
		s = s[open+end+1:]
	}
}

// Error is an error that carries a message for people. Err is what
// errors.Is sees (a package's sentinel, which the API maps to its code);
// Msg is what the user reads.
type Error struct {
	Err error
	Msg Message
}

// Wrap returns err with the message t.With(params...) for people.
func Wrap(err error, t Text, params ...any) error {
	return &Error{Err: err, Msg: t.With(params...)}
}

func (e *Error) Error() string { return e.Err.Error() + ": " + e.Msg.In(EN) }

func (e *Error) Unwrap() error { return e.Err }

// errUnrendered is returned when a Message would go out as JSON: the API
// must render it for the caller first (m.In(lang)).
var errUnrendered = errors.New("i18n: a Message must be rendered with In(lang) before it is sent")

// MarshalJSON refuses: a Message has no language of its own.
func (m Message) MarshalJSON() ([]byte, error) { return nil, errUnrendered }
