package syncmail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"id06desk/internal/i18n"
	"id06desk/internal/ratelimit"
)

// Defaults of ReceiverConfig.
const (
	DefaultMaxBytes    = 64 << 20
	DefaultMaxConns    = 20
	DefaultIdleTimeout = 2 * time.Minute
	// maxSession caps a whole connection, however busy.
	maxSession = time.Hour
	// maxConnAuthFailures: the connection is closed after this many wrong
	// logins.
	maxConnAuthFailures = 5
	// deliverTimeout bounds Deliver (RFC 5321 gives the client 10 minutes
	// for the reply to the end of DATA).
	deliverTimeout = 9 * time.Minute
)

// ReceiverConfig configures the console's own SMTP receiver.
type ReceiverConfig struct {
	// Addr to listen on: "127.0.0.1:2525", ":2525".
	Addr string
	// TLS: nil offers no STARTTLS; otherwise STARTTLS is offered and a
	// client must use it before AUTH unless it connects from loopback.
	TLS *tls.Config
	// MaxBytes is the largest message accepted (SMTP SIZE; 552 past it);
	// also the limit of each attachment's decoded size. 0: DefaultMaxBytes.
	MaxBytes int64
	// Domain is the name in the greeting and EHLO reply; "" is "localhost".
	Domain string
	// Auth checks a kiosk's login (AUTH PLAIN) and returns its sender id
	// (the kiosk id). Required.
	Auth func(username, password string) (sender string, ok bool)
	// Deliver is handed a sync mail, whole and raw as it came in DATA,
	// after the receiver checked it carries at least one sync file. An
	// error wrapping ErrRejected refuses the mail for good (550, with the
	// error's English message — the i18n one when it is an *i18n.Error —
	// given to the client); any other error answers 451 (try later).
	// Required.
	Deliver func(ctx context.Context, sender string, raw io.Reader) error
	// Log gets one line per connection event; nil is slog.Default().
	Log *slog.Logger

	// MaxConns is how many connections are served at once; more are
	// answered 421 and closed. 0: DefaultMaxConns.
	MaxConns int
	// IdleTimeout is how long a read or a write may wait. 0:
	// DefaultIdleTimeout.
	IdleTimeout time.Duration
	// SpoolDir holds each message while it is checked (0600, removed
	// after). "": os.TempDir().
	SpoolDir string

	// ipFailures limits wrong logins per IP address across connections;
	// nil: 10 in 10 minutes (tests set their own).
	ipFailures *ratelimit.Failures
	// local reports whether a client may log in without TLS; nil:
	// loopback addresses (tests pretend a client is remote).
	local func(net.IP) bool
}

// Receiver is a running SMTP receiver.
type Receiver struct {
	cfg    ReceiverConfig
	srv    *smtp.Server
	ln     *limitListener
	log    *slog.Logger
	ctx    context.Context
	cancel context.CancelFunc
	fails  *ratelimit.Failures
	served chan struct{}
	once   sync.Once

	mu     sync.Mutex
	closed bool
	data   sync.WaitGroup // Data calls in flight (their spool files)
}

// Listen binds c.Addr now (an address in use is an error here) and serves
// in a goroutine until Close.
func Listen(c ReceiverConfig) (*Receiver, error) {
	if c.Auth == nil || c.Deliver == nil {
		return nil, errors.New("syncmail: receiver: Auth and Deliver are required")
	}
	if c.MaxBytes <= 0 {
		c.MaxBytes = DefaultMaxBytes
	}
	if c.MaxConns <= 0 {
		c.MaxConns = DefaultMaxConns
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.Domain == "" {
		c.Domain = "localhost"
	}
	if c.local == nil {
		c.local = net.IP.IsLoopback
	}
	log := c.Log
	if log == nil {
		log = slog.Default()
	}
	log = log.With("component", "syncmail-receiver")
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return nil, fmt.Errorf("syncmail: receiver: listen on %s: %w", c.Addr, err)
	}
	r := &Receiver{cfg: c, log: log, fails: c.ipFailures, served: make(chan struct{})}
	if r.fails == nil {
		r.fails = ratelimit.NewFailures(10, 10*time.Minute, nil)
	}
	r.ctx, r.cancel = context.WithCancel(context.Background())
	r.ln = &limitListener{Listener: ln, max: int64(c.MaxConns), idle: c.IdleTimeout, domain: c.Domain, log: log}

	srv := smtp.NewServer(r)
	srv.Domain = c.Domain
	srv.MaxMessageBytes = c.MaxBytes
	srv.MaxRecipients = 10
	srv.TLSConfig = c.TLS
	// AUTH is offered without TLS too; Session.Auth refuses it on a
	// non-loopback connection when TLS is configured and not in use.
	srv.AllowInsecureAuth = true
	srv.WriteTimeout = c.IdleTimeout
	// No ReadTimeout: go-smtp sets it once per command, so a large DATA
	// would have to arrive within it; limitConn renews it on every read.
	srv.ErrorLog = slogAdapter{log}
	r.srv = srv
	go func() {
		defer close(r.served)
		if err := srv.Serve(r.ln); err != nil {
			log.Error("serve ended", "err", err)
		}
	}()
	log.Info("listening", "addr", ln.Addr().String(), "starttls", c.TLS != nil)
	return r, nil
}

// Addr is the address the receiver listens on.
func (r *Receiver) Addr() net.Addr { return r.ln.Addr() }

// Close stops listening, closes every connection and waits until the
// messages in flight are dropped and their spool files removed.
func (r *Receiver) Close() error {
	var err error
	r.once.Do(func() {
		r.mu.Lock()
		r.closed = true
		r.mu.Unlock()
		r.cancel()
		err = r.srv.Close()
		// go-smtp closes only the listeners Serve has registered: a Close
		// right after Listen could come first and leave Serve accepting.
		r.ln.Close()
		<-r.served
		r.data.Wait()
	})
	return err
}

// NewSession implements smtp.Backend.
func (r *Receiver) NewSession(c *smtp.Conn) (smtp.Session, error) {
	nc := c.Conn()
	_, isTLS := c.TLSConnectionState()
	if tc, ok := nc.(*tls.Conn); ok {
		nc = tc.NetConn()
	}
	lc, ok := nc.(*limitConn)
	if !ok {
		return nil, errors.New("syncmail: receiver: connection of an unknown type")
	}
	return &session{r: r, conn: lc, tls: isTLS}, nil
}

// SMTP replies of the receiver.
var (
	errAuthRequired   = &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	errStartTLSFirst  = &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Must issue a STARTTLS command first"}
	errAuthLocked     = &smtp.SMTPError{Code: 454, EnhancedCode: smtp.EnhancedCode{4, 7, 0}, Message: "Too many failed logins, retry later"}
	errAuthIdentity   = &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authorization identity differs from user name"}
	errClosing        = &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 3, 2}, Message: "Shutting down, retry later"}
	errSpool          = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Temporary local problem, retry later"}
	errDeliverTempora = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Temporary failure, retry later"}
)

type session struct {
	r      *Receiver
	conn   *limitConn
	tls    bool
	sender string
}

func (s *session) ip() string { return s.conn.ip() }

// needsTLS: a certificate is set, this connection is plain and the client
// is not local; it must STARTTLS before it may log in.
func (s *session) needsTLS() bool {
	return s.r.cfg.TLS != nil && !s.tls && !s.r.cfg.local(net.ParseIP(s.ip()))
}

// AuthMechanisms is PLAIN, not offered (in EHLO) before STARTTLS when TLS
// is required.
func (s *session) AuthMechanisms() []string {
	if s.needsTLS() {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *session) Auth(mech string) (sasl.Server, error) {
	if s.needsTLS() {
		return nil, errStartTLSFirst
	}
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		res, wait := s.r.fails.Reserve(s.ip())
		if res == nil {
			s.r.log.Warn("login refused: too many failures from this address", "ip", s.ip(), "wait", wait.Round(time.Second))
			s.conn.kill()
			return errAuthLocked
		}
		if identity != "" && identity != username {
			res.Fail()
			return s.failed(username, errAuthIdentity)
		}
		sender, ok := s.r.cfg.Auth(username, password)
		if !ok || sender == "" {
			res.Fail()
			return s.failed(username, smtp.ErrAuthFailed)
		}
		res.Release()
		s.sender = sender
		s.r.log.Info("login", "sender", sender, "ip", s.ip(), "tls", s.tls)
		return nil
	}), nil
}

// failed counts a wrong login on the connection and closes it (after the
// reply) at the fifth.
func (s *session) failed(username string, reply error) error {
	n := s.conn.authFailures.Add(1)
	s.r.log.Warn("login failed", "user", username, "ip", s.ip(), "failures", n)
	if n >= maxConnAuthFailures {
		s.conn.kill()
	}
	return reply
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.sender == "" {
		return errAuthRequired
	}
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.sender == "" {
		return errAuthRequired
	}
	return nil
}

func (s *session) Reset() {}

func (s *session) Logout() error { return nil }

// Data spools the message to a file, checks that it carries a sync file
// and hands it to Deliver.
func (s *session) Data(r io.Reader) error {
	if s.sender == "" {
		return errAuthRequired
	}
	s.r.mu.Lock()
	if s.r.closed {
		s.r.mu.Unlock()
		return errClosing
	}
	s.r.data.Add(1)
	s.r.mu.Unlock()
	defer s.r.data.Done()
	log := s.r.log.With("sender", s.sender, "ip", s.ip())

	f, err := os.CreateTemp(s.r.cfg.SpoolDir, "id06desk-smtp-*.eml") // 0600
	if err != nil {
		log.Error("spool", "err", err)
		return errSpool
	}
	defer func() {
		f.Close()
		if err := os.Remove(f.Name()); err != nil {
			log.Error("remove spool file", "err", err)
		}
	}()
	n, err := io.Copy(f, r)
	if err != nil {
		var se *smtp.SMTPError
		if errors.As(err, &se) { // 552 over MaxBytes
			log.Warn("message refused", "reason", se.Message)
			return se
		}
		log.Warn("message broke off", "err", err)
		return errSpool
	}

	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return errSpool
	}
	// The whole mail is read once here, every sync attachment decoded to
	// its end: Deliver gets only well-formed sync mails.
	err = Files(f, s.r.cfg.MaxBytes, func(string, io.Reader) error { return nil })
	if err != nil {
		reason := msgOnlySync.EN
		var ie *i18n.Error
		if !errors.Is(err, ErrNoSyncFile) && errors.As(err, &ie) {
			reason += " " + ie.Msg.In(i18n.EN)
		}
		log.Warn("message refused: not a sync mail", "bytes", n, "why", err)
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: replyText(reason)}
	}

	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return errSpool
	}
	ctx, cancel := context.WithTimeout(s.r.ctx, deliverTimeout)
	defer cancel()
	if err := s.r.cfg.Deliver(ctx, s.sender, struct{ io.Reader }{f}); err != nil {
		if errors.Is(err, ErrRejected) {
			reason := err.Error()
			var ie *i18n.Error
			if errors.As(err, &ie) {
				reason = ie.Msg.In(i18n.EN)
			}
			log.Warn("message rejected", "bytes", n, "err", err)
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: replyText(reason)}
		}
		log.Error("deliver failed, the sender will retry", "bytes", n, "err", err)
		return errDeliverTempora
	}
	log.Info("message accepted", "bytes", n)
	return nil
}

// replyText makes s fit one SMTP reply line: printable ASCII (the reply
// has no charset), at most 400 characters.
func replyText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		case r == '\r', r == '\n', r == '\t':
			b.WriteByte(' ')
		default:
			b.WriteByte('?')
		}
		if b.Len() >= 400 {
			break
		}
	}
	return b.String()
}

// ---------------------------------------------------------------- conns

// limitListener serves at most max connections at once and answers the
// others 421 right away.
type limitListener struct {
	net.Listener
	max    int64
	active atomic.Int64
	idle   time.Duration
	domain string
	log    *slog.Logger
}

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.active.Add(1) > l.max {
			l.active.Add(-1)
			l.log.Warn("connection refused: too many at once", "remote", c.RemoteAddr().String(), "max", l.max)
			c.SetWriteDeadline(time.Now().Add(5 * time.Second)) //nolint:errcheck // best effort
			io.WriteString(c, "421 4.7.0 "+l.domain+" too many connections, retry later\r\n")
			c.Close()
			continue
		}
		return &limitConn{Conn: c, l: l, start: time.Now()}, nil
	}
}

// limitConn renews the read deadline on every read (an idle timeout that
// a large DATA does not run into), caps the connection's life and can be
// killed: the reply being written still goes out, the next read ends the
// connection.
type limitConn struct {
	net.Conn
	l            *limitListener
	start        time.Time
	dead         atomic.Bool
	authFailures atomic.Int32
	closeOnce    sync.Once
}

func (c *limitConn) Read(p []byte) (int, error) {
	if c.dead.Load() {
		return 0, io.EOF
	}
	deadline := time.Now().Add(c.l.idle)
	if end := c.start.Add(maxSession); end.Before(deadline) {
		deadline = end
	}
	if err := c.Conn.SetReadDeadline(deadline); err != nil {
		return 0, err
	}
	return c.Conn.Read(p)
}

// SetReadDeadline is ignored: Read sets its own.
func (c *limitConn) SetReadDeadline(time.Time) error { return nil }

func (c *limitConn) kill() { c.dead.Store(true) }

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.closeOnce.Do(func() { c.l.active.Add(-1) })
	return err
}

func (c *limitConn) ip() string {
	host, _, err := net.SplitHostPort(c.RemoteAddr().String())
	if err != nil {
		return c.RemoteAddr().String()
	}
	return host
}

type slogAdapter struct{ log *slog.Logger }

func (a slogAdapter) Printf(format string, v ...any) { a.log.Warn(fmt.Sprintf(format, v...)) }
func (a slogAdapter) Println(v ...any)               { a.log.Warn(strings.TrimSpace(fmt.Sprintln(v...))) }
