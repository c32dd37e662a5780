// Package smtpout delivers one message to the company's mail server with
// github.com/emersion/go-smtp: plain, STARTTLS or implicit TLS, AUTH PLAIN or
// LOGIN. Classify tells the outbox whether a failure is worth retrying and
// gives a reason an administrator can act on.
package smtpout

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
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
	// TLSPin, when set, is the SHA-256 of the server certificate's DER
	// (64 lower-case hex digits, settings.NormalizePin): a certificate
	// with that fingerprint is trusted even self-signed (the console's own
	// receiver, pinned by the kiosk's pairing). Another certificate must
	// verify as usual, else the handshake fails with ErrCertPinMismatch.
	TLSPin string
}

// Errors for problems found before or outside the SMTP dialogue. They are
// permanent: retrying will not help until the settings change.
var (
	ErrConfig          = errors.New("smtpout: invalid mail server settings")
	ErrNoStartTLS      = errors.New("smtpout: the mail server does not offer STARTTLS")
	ErrNoAuthMechanism = errors.New("smtpout: the mail server offers neither AUTH PLAIN nor AUTH LOGIN")
	// ErrCertPinMismatch: the server's certificate is neither the pinned
	// one (Config.TLSPin) nor trusted by the system.
	ErrCertPinMismatch = errors.New("smtpout: the server's certificate is not the pinned one")
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
	if cfg.TLSPin != "" {
		// Go verifies nothing itself; VerifyConnection accepts the pinned
		// certificate, else does the usual verification.
		roots, name := c.RootCAs, c.ServerName
		c.InsecureSkipVerify = true
		c.VerifyConnection = func(cs tls.ConnectionState) error { return verifyPinned(cs, cfg.TLSPin, roots, name) }
	}
	return c
}

// verifyPinned accepts the server's certificate when its SHA-256 is pin,
// or when it verifies against roots (nil: the system's) for name.
func verifyPinned(cs tls.ConnectionState, pin string, roots *x509.CertPool, name string) error {
	if len(cs.PeerCertificates) == 0 {
		return fmt.Errorf("%w: the server sent no certificate", ErrCertPinMismatch)
	}
	leaf := cs.PeerCertificates[0]
	sum := sha256.Sum256(leaf.Raw)
	got := hex.EncodeToString(sum[:])
	if subtle.ConstantTimeCompare([]byte(got), []byte(pin)) == 1 {
		return nil
	}
	inter := x509.NewCertPool()
	for _, c := range cs.PeerCertificates[1:] {
		inter.AddCert(c)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, DNSName: name}); err == nil {
		return nil
	}
	return fmt.Errorf("%w: its SHA-256 fingerprint is %s, the pinned one %s", ErrCertPinMismatch, got, pin)
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
	s := NewSession(cfg)
	defer s.Close()
	return s.Send(ctx, from, to, msg)
}

// MaxMailsPerConnection is how many mails a Session sends over one
// connection before it says QUIT and connects again (servers limit it).
const MaxMailsPerConnection = 100

// Session sends several mails over one connection to the mail server: it
// connects on the first Send, says RSET after a refused mail, connects again
// after a broken connection or MaxMailsPerConnection mails, and sends a mail
// refused at MAIL FROM on a reused connection once more over a new one (a
// server's limit of mails per connection). Not safe for concurrent use.
type Session struct {
	cfg  Config
	c    *smtp.Client
	conn net.Conn
	sent int
	addr string
}

// NewSession returns a Session that connects on its first Send.
func NewSession(cfg Config) *Session { return &Session{cfg: cfg} }

// Close says QUIT and closes the connection, if there is one.
func (s *Session) Close() error {
	if s.c == nil {
		return nil
	}
	err := s.c.Quit()
	s.drop()
	return err
}

func (s *Session) drop() {
	if s.c != nil {
		s.c.Close()
	}
	s.c, s.conn, s.sent = nil, nil, 0
}

// Send delivers one mail like the function Send, over the session's
// connection.
func (s *Session) Send(ctx context.Context, from string, to []string, msg []byte) (string, error) {
	cfg := s.cfg
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
	if s.c != nil && s.sent >= MaxMailsPerConnection {
		s.Close()
	}
	reused := s.c != nil
	reply, stage, err := s.send(ctx, from, to, msg)
	if err != nil && reused && (stage == StageMail || stage == StageConnect) && ctx.Err() == nil {
		// The server may have closed the idle connection or limit the mails
		// per connection: once more over a fresh one.
		s.drop()
		reply, _, err = s.send(ctx, from, to, msg)
	}
	return reply, err
}

func (s *Session) fail(ctx context.Context, stage Stage, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		err = fmt.Errorf("%w (%v)", ctxErr, err)
	}
	return &Error{Stage: stage, Addr: s.addr, Err: err}
}

// send delivers one mail, connecting first when there is no connection.
// After an error the connection is dropped, or reset when the server only
// refused this mail.
func (s *Session) send(ctx context.Context, from string, to []string, msg []byte) (string, Stage, error) {
	if s.c == nil {
		if stage, err := s.connect(ctx); err != nil {
			return "", stage, err
		}
	}
	// Cancelling ctx aborts whatever the client is waiting for.
	conn := s.conn
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	failMail := func(stage Stage, err error) (string, Stage, error) {
		var se *smtp.SMTPError
		if errors.As(err, &se) && ctx.Err() == nil && s.c.Reset() == nil {
			// The server refused this mail; the connection stays usable.
		} else {
			s.drop()
		}
		return "", stage, s.fail(ctx, stage, err)
	}
	var mailOpts *smtp.MailOptions
	if !isASCII(from) || !allASCII(to) {
		mailOpts = &smtp.MailOptions{UTF8: true}
	}
	if err := s.c.Mail(from, mailOpts); err != nil {
		return failMail(StageMail, err)
	}
	for _, rcpt := range to {
		if err := s.c.Rcpt(rcpt, nil); err != nil {
			_, stage, e := failMail(StageRcpt, err)
			e.(*Error).Recipient = rcpt
			return "", stage, e
		}
	}
	w, err := s.c.Data()
	if err != nil {
		return failMail(StageData, err)
	}
	if _, err := w.Write(msg); err != nil {
		s.drop()
		return "", StageData, s.fail(ctx, StageData, err)
	}
	resp, err := w.CloseWithResponse()
	if err != nil {
		return failMail(StageData, err)
	}
	s.sent++
	return "250 " + resp.StatusText, "", nil
}

// connect opens the connection: TLS as configured, EHLO, AUTH.
func (s *Session) connect(ctx context.Context) (Stage, error) {
	cfg := s.cfg
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	s.addr = net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	fail := func(stage Stage, err error) (Stage, error) { return stage, s.fail(ctx, stage, err) }

	dialCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	dialer := &net.Dialer{Timeout: timeout}
	var conn net.Conn
	var err error
	if cfg.Security == SecurityTLS {
		conn, err = (&tls.Dialer{NetDialer: dialer, Config: cfg.tlsConfig()}).DialContext(dialCtx, "tcp", s.addr)
	} else {
		conn, err = dialer.DialContext(dialCtx, "tcp", s.addr)
	}
	if err != nil {
		stage := StageConnect
		if isTLSError(err) {
			stage = StageTLS
		}
		return fail(stage, err)
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
			raw.Close()
			var se *smtp.SMTPError
			var ne net.Error
			switch {
			case errors.As(err, &se):
				return fail(StageHello, err)
			case isTLSError(err):
				return fail(StageTLS, err)
			case errors.As(err, &ne), errors.Is(err, net.ErrClosed), errors.Is(err, io.EOF), errors.Is(err, syscall.ECONNRESET):
				return fail(StageHello, err)
			default:
				// go-smtp's plain "server doesn't support STARTTLS".
				return fail(StageTLS, fmt.Errorf("%w (%v)", ErrNoStartTLS, err))
			}
		}
	} else {
		c = smtp.NewClient(conn)
	}
	c.CommandTimeout = timeout
	c.SubmissionTimeout = timeout

	helo := cfg.HeloName
	if helo == "" {
		helo = "localhost"
	}
	if err := c.Hello(helo); err != nil {
		c.Close()
		stage := StageHello
		if isTLSError(err) {
			stage = StageTLS
		}
		return fail(stage, err)
	}

	if cfg.Username != "" {
		var mech sasl.Client
		switch {
		case c.SupportsAuth("PLAIN"):
			mech = sasl.NewPlainClient("", cfg.Username, cfg.Password)
		case c.SupportsAuth("LOGIN"):
			mech = sasl.NewLoginClient(cfg.Username, cfg.Password)
		default:
			c.Close()
			return fail(StageAuth, ErrNoAuthMechanism)
		}
		if err := c.Auth(mech); err != nil {
			c.Close()
			return fail(StageAuth, err)
		}
	}
	s.c, s.conn, s.sent = c, raw, 0
	return "", nil
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
