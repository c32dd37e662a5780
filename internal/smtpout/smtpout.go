// Package smtpout delivers one message to the company's mail server with
// github.com/emersion/go-smtp: plain, STARTTLS or implicit TLS, AUTH PLAIN or
// LOGIN. Classify tells the outbox whether a failure is worth retrying and
// gives a reason an administrator can act on.
package smtpout

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Security modes.
const (
	SecurityNone     = "none"
	SecurityStartTLS = "starttls"
	SecurityTLS      = "tls"
)

// DefaultTimeout applies when Config.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// Config says how to reach the mail server.
type Config struct {
	Host     string
	Port     int
	Security string // SecurityNone, SecurityStartTLS or SecurityTLS
	Username string // empty: no AUTH
	Password string
	From     string        // envelope sender used when Send gets from == ""
	HeloName string        // name in EHLO; empty: "localhost"
	Timeout  time.Duration // per connect and per command; 0: DefaultTimeout

	// TLSConfig overrides the TLS settings (e.g. RootCAs in tests). Its
	// ServerName defaults to Host.
	TLSConfig *tls.Config
}

// Errors for problems found before or outside the SMTP dialogue. They are
// permanent: retrying will not help until the settings change.
var (
	ErrConfig          = errors.New("smtpout: invalid mail server settings")
	ErrNoStartTLS      = errors.New("smtpout: the mail server does not offer STARTTLS")
	ErrNoAuthMechanism = errors.New("smtpout: the mail server offers neither AUTH PLAIN nor AUTH LOGIN")
)

// Stage names the step of the SMTP dialogue an error happened in.
type Stage string

// Stages of a delivery.
const (
	StageConnect Stage = "connect"
	StageHello   Stage = "hello"
	StageTLS     Stage = "tls"
	StageAuth    Stage = "auth"
	StageMail    Stage = "mail"
	StageRcpt    Stage = "rcpt"
	StageData    Stage = "data"
)

// Error is returned by Send for failures during delivery.
type Error struct {
	Stage     Stage
	Addr      string // host:port
	Recipient string // for StageRcpt
	Err       error
}

func (e *Error) Error() string {
	s := fmt.Sprintf("smtp %s %s", e.Addr, e.Stage)
	if e.Recipient != "" {
		s += " <" + e.Recipient + ">"
	}
	return s + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

func (cfg Config) validate() error {
	if strings.TrimSpace(cfg.Host) == "" {
		return fmt.Errorf("%w: no mail server (host) is set", ErrConfig)
	}
	if cfg.Port <= 0 || cfg.Port > 65535 {
		return fmt.Errorf("%w: port %d", ErrConfig, cfg.Port)
	}
	switch cfg.Security {
	case SecurityNone, SecurityStartTLS, SecurityTLS:
	default:
		return fmt.Errorf("%w: security %q (want none, starttls or tls)", ErrConfig, cfg.Security)
	}
	if cfg.Username == "" && cfg.Password != "" {
		return fmt.Errorf("%w: a password is set but no user name", ErrConfig)
	}
	return nil
}

func (cfg Config) tlsConfig() *tls.Config {
	var c *tls.Config
	if cfg.TLSConfig != nil {
		c = cfg.TLSConfig.Clone()
	} else {
		c = &tls.Config{}
	}
	if c.ServerName == "" {
		c.ServerName = cfg.Host
	}
	if c.MinVersion == 0 {
		c.MinVersion = tls.VersionTLS12
	}
	return c
}

// Send delivers msg (CRLF line endings, headers included) to the recipients
// to, with envelope sender from (cfg.From when empty). It returns the server's
// reply to the end of DATA, e.g. "250 2.0.0 Ok: queued as 4F2C1".
//
// ctx bounds the whole delivery; cfg.Timeout bounds the connect and each
// command.
//
// Known limitation: with STARTTLS the EHLO before the TLS handshake says
// "localhost" (go-smtp's NewClientStartTLS offers no way to set it); the EHLO
// after the handshake uses cfg.HeloName.
//
// Every error is an *Error or wraps ErrConfig; pass it to Classify.
func Send(ctx context.Context, cfg Config, from string, to []string, msg []byte) (string, error) {
	if err := cfg.validate(); err != nil {
		return "", err
	}
	if from == "" {
		from = cfg.From
	}
	if from == "" {
		return "", fmt.Errorf("%w: no sender address", ErrConfig)
	}
	if len(to) == 0 {
		return "", fmt.Errorf("%w: no recipient", ErrConfig)
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	fail := func(stage Stage, err error) error {
		if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
			err = fmt.Errorf("%w (%v)", ctxErr, err)
		}
		return &Error{Stage: stage, Addr: addr, Err: err}
	}

	dialCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	dialer := &net.Dialer{Timeout: timeout}
	var conn net.Conn
	var err error
	if cfg.Security == SecurityTLS {
		conn, err = (&tls.Dialer{NetDialer: dialer, Config: cfg.tlsConfig()}).DialContext(dialCtx, "tcp", addr)
	} else {
		conn, err = dialer.DialContext(dialCtx, "tcp", addr)
	}
	if err != nil {
		stage := StageConnect
		if isTLSError(err) {
			stage = StageTLS
		}
		return "", fail(stage, err)
	}
	// Cancelling ctx aborts whatever the client is waiting for.
	raw := conn
	stop := context.AfterFunc(ctx, func() { raw.Close() })
	defer stop()

	// go-smtp sets its own deadlines (5 minutes for the greeting inside
	// NewClientStartTLS); the wrapper caps every one at timeout.
	conn = &cappedConn{Conn: conn, max: timeout}

	var c *smtp.Client
	if cfg.Security == SecurityStartTLS {
		c, err = smtp.NewClientStartTLS(conn, cfg.tlsConfig())
		if err != nil {
			var se *smtp.SMTPError
			var ne net.Error
			switch {
			case errors.As(err, &se):
				return "", fail(StageHello, err)
			case isTLSError(err):
				return "", fail(StageTLS, err)
			case errors.As(err, &ne), errors.Is(err, net.ErrClosed), errors.Is(err, io.EOF), errors.Is(err, syscall.ECONNRESET):
				return "", fail(StageHello, err)
			default:
				// go-smtp's plain "server doesn't support STARTTLS".
				return "", fail(StageTLS, fmt.Errorf("%w (%v)", ErrNoStartTLS, err))
			}
		}
	} else {
		c = smtp.NewClient(conn)
	}
	defer c.Close()
	c.CommandTimeout = timeout
	c.SubmissionTimeout = timeout

	helo := cfg.HeloName
	if helo == "" {
		helo = "localhost"
	}
	if err := c.Hello(helo); err != nil {
		stage := StageHello
		if isTLSError(err) {
			stage = StageTLS
		}
		return "", fail(stage, err)
	}

	if cfg.Username != "" {
		var mech sasl.Client
		switch {
		case c.SupportsAuth("PLAIN"):
			mech = sasl.NewPlainClient("", cfg.Username, cfg.Password)
		case c.SupportsAuth("LOGIN"):
			mech = sasl.NewLoginClient(cfg.Username, cfg.Password)
		default:
			return "", fail(StageAuth, ErrNoAuthMechanism)
		}
		if err := c.Auth(mech); err != nil {
			return "", fail(StageAuth, err)
		}
	}

	var mailOpts *smtp.MailOptions
	if !isASCII(from) || !allASCII(to) {
		mailOpts = &smtp.MailOptions{UTF8: true}
	}
	if err := c.Mail(from, mailOpts); err != nil {
		return "", fail(StageMail, err)
	}
	for _, rcpt := range to {
		if err := c.Rcpt(rcpt, nil); err != nil {
			e := fail(StageRcpt, err).(*Error)
			e.Recipient = rcpt
			return "", e
		}
	}
	w, err := c.Data()
	if err != nil {
		return "", fail(StageData, err)
	}
	if _, err := w.Write(msg); err != nil {
		return "", fail(StageData, err)
	}
	resp, err := w.CloseWithResponse()
	if err != nil {
		return "", fail(StageData, err)
	}
	_ = c.Quit() // the message is accepted; a failing QUIT changes nothing
	return "250 " + resp.StatusText, nil
}

// cappedConn limits every deadline set on the connection to max from now.
type cappedConn struct {
	net.Conn
	max time.Duration
}

func (c *cappedConn) cap(t time.Time) time.Time {
	// A zero time clears the deadline: go-smtp does that after each command.
	if limit := time.Now().Add(c.max); !t.IsZero() && t.After(limit) {
		return limit
	}
	return t
}

func (c *cappedConn) SetDeadline(t time.Time) error      { return c.Conn.SetDeadline(c.cap(t)) }
func (c *cappedConn) SetReadDeadline(t time.Time) error  { return c.Conn.SetReadDeadline(c.cap(t)) }
func (c *cappedConn) SetWriteDeadline(t time.Time) error { return c.Conn.SetWriteDeadline(c.cap(t)) }

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func allASCII(ss []string) bool {
	for _, s := range ss {
		if !isASCII(s) {
			return false
		}
	}
	return true
}
