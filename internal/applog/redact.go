package applog

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
)

// What Redact masks. An e-mail address keeps its domain (which mail server
// refused is worth knowing) and loses its local part, the person; a number
// shaped like a personnummer or samordningsnummer (YYMMDD-NNNN, with or
// without century and dash) is masked whole.
var (
	emailRE = regexp.MustCompile(`[A-Za-z0-9.!#$%&'*+/=?^_{|}~-]+@([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+)`)
	pnrRE   = regexp.MustCompile(`\b(?:19|20)?[0-9]{2}(?:0[1-9]|1[0-2])(?:[0-3][0-9]|[6-9][0-9])[-+]?[0-9]{4}\b`)
)

// RedactText masks e-mail local parts and personnummer-shaped numbers in s.
func RedactText(s string) string {
	s = emailRE.ReplaceAllString(s, "…@$1")
	return pnrRE.ReplaceAllString(s, "[personnummer]")
}

// Redact wraps next so that no record carries an e-mail address's local
// part or a personnummer-shaped number in its string, error or other
// values. The app never logs personal data on purpose; this catches what
// arrives inside a text from elsewhere: a mail server's reply that echoes
// the recipient ("550 5.1.1 <anna.berg@…>: user unknown"), an error
// message quoting its input.
func Redact(next slog.Handler) slog.Handler { return redactor{next} }

type redactor struct{ next slog.Handler }

func (r redactor) Enabled(ctx context.Context, l slog.Level) bool { return r.next.Enabled(ctx, l) }

func (r redactor) WithAttrs(as []slog.Attr) slog.Handler {
	out := make([]slog.Attr, len(as))
	for i, a := range as {
		out[i] = redactAttr(a)
	}
	return redactor{r.next.WithAttrs(out)}
}

func (r redactor) WithGroup(name string) slog.Handler { return redactor{r.next.WithGroup(name)} }

func (r redactor) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, RedactText(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redactAttr(a))
		return true
	})
	return r.next.Handle(ctx, out)
}

func redactAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, RedactText(v.String()))
	case slog.KindGroup:
		g := v.Group()
		out := make([]any, len(g))
		for i, ga := range g {
			out[i] = redactAttr(ga)
		}
		return slog.Group(a.Key, out...)
	case slog.KindAny:
		if v.Any() == nil {
			return a
		}
		return slog.String(a.Key, RedactText(fmt.Sprint(v.Any())))
	}
	return slog.Attr{Key: a.Key, Value: v}
}
