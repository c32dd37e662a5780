package smtpout

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"time"

	"id06desk/internal/mail"
	"id06desk/internal/outbox"
	"id06desk/internal/settings"
)

// ErrNotConfigured says no mail server is set up.
var ErrNotConfigured = errors.New("no mail server is set up: fill in Settings → Email (host and sender address)")

// ConfigFrom builds a Config from the settings; ok is false when the mail
// server is not configured yet.
func ConfigFrom(v settings.Values) (cfg Config, ok bool) {
	cfg = Config{
		Host: v.Get("smtp.host"), Port: v.Int("smtp.port"), Security: v.Get("smtp.security"),
		Username: v.Get("smtp.username"), Password: v.Get("smtp.password"), From: v.Get("smtp.from"),
		Timeout: 30 * time.Second, TLSPin: v.Get("smtp.tls_pin"),
	}
	return cfg, cfg.Host != "" && cfg.From != ""
}

// Sender adapts Send to the outbox.
type Sender struct{ Config Config }

// Send implements outbox.Sender.
func (s Sender) Send(ctx context.Context, from string, to []string, msg []byte) (string, error) {
	return Send(ctx, s.Config, from, to, msg)
}

// NewSession implements outbox.Sessions: one connection for several mails.
func (s Sender) NewSession() outbox.Session { return NewSession(s.Config) }

// Classify implements outbox.Sender.
func (Sender) Classify(err error) (bool, outbox.Failure) { return Classify(err) }

// SenderSource returns the outbox's view of the current mail settings.
// tlsConf, when not nil, overrides TLS settings (tests).
func SenderSource(load func(ctx context.Context) (settings.Values, error), tlsConf *tls.Config) outbox.SenderSource {
	return func(ctx context.Context) (outbox.Sender, error) {
		v, err := load(ctx)
		if err != nil {
			return nil, err
		}
		cfg, ok := ConfigFrom(v)
		if !ok {
			return nil, nil
		}
		cfg.TLSConfig = tlsConf
		return Sender{Config: cfg}, nil
	}
}

// SendTestMail sends a test mail now (not through the outbox) and returns
// the server's answer, so Settings → Email can show it.
func SendTestMail(ctx context.Context, v settings.Values, lang, to string, tlsConf *tls.Config) (string, error) {
	cfg, ok := ConfigFrom(v)
	if !ok {
		return "", ErrNotConfigured
	}
	cfg.TLSConfig = tlsConf
	sender, _ := v.Sender()
	r, err := mail.RenderTestMail(mail.TestMail{Lang: lang, SenderName: sender, SenderAddress: cfg.From, Recipient: to, ServerName: cfg.Host})
	if err != nil {
		return "", fmt.Errorf("render test mail: %w", err)
	}
	return Send(ctx, cfg, r.From, []string{r.To}, r.Message)
}
