// Package smtpsink is a real go-smtp server on loopback that records what it
// receives. Tests, the end-to-end runs and the benchmarks deliver mail to it
// instead of to a company's relay.
package smtpsink

import (
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"time"

	"github.com/emersion/go-smtp"

	"id06desk/internal/maildir"
)

// Message is one accepted delivery.
type Message struct {
	From string
	To   []string
	Data []byte
}

// Sink records deliveries. The zero value is not usable: call Start.
type Sink struct {
	srv  *smtp.Server
	addr *net.TCPAddr
	dir  string // when set, each message is also written there as NNNNNN.eml
	mdir string // when set, each message is also delivered into this Maildir
	// forget: keep From and To of each message, not its text (Options.Forget)
	forget bool
	delay  time.Duration

	mu        sync.Mutex
	got       []Message
	rcptFails []*smtp.SMTPError
	refuse    *regexp.Regexp
	arrived   chan struct{}
}

// Options configure a sink.
type Options struct {
	// Addr to listen on; default 127.0.0.1:0. Only loopback addresses are
	// accepted.
	Addr string
	// Dir, when set, receives each message as a file (0600).
	Dir string
	// Maildir, when set, receives each message in Maildir/new (written in
	// Maildir/tmp, then renamed), as a mail server delivers to a mailbox:
	// point it at an IMAP server's Maildir for "relay → mailbox".
	Maildir string
	// Forget keeps only From and To of each message in memory (Messages'
	// Data is nil): the text goes only to Dir or Maildir. For deliveries
	// too large to hold, such as a benchmark's hundreds of megabytes,
	// whose heap the recorded copies would otherwise fill.
	Forget bool
	// Delay holds each message this long after its data arrived and
	// before it is stored and answered with 250: a slow server, so that a
	// sender killed meanwhile leaves a delivered mail it never heard of
	// (the crash drill).
	Delay time.Duration
	// Refuse, when set, answers RCPT for a matching address with 550 5.1.1
	// and the address, as many mail servers word it.
	Refuse *regexp.Regexp
}

// Start listens and serves in the background until Close.
func Start(o Options) (*Sink, error) {
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	host, _, err := net.SplitHostPort(o.Addr)
	if err != nil {
		return nil, fmt.Errorf("smtpsink: address %q: %w", o.Addr, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("smtpsink: %q is not a loopback address", o.Addr)
	}
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return nil, fmt.Errorf("smtpsink: listen on %s: %w", o.Addr, err)
	}
	s := &Sink{addr: ln.Addr().(*net.TCPAddr), dir: o.Dir, mdir: o.Maildir, forget: o.Forget, delay: o.Delay, refuse: o.Refuse, arrived: make(chan struct{}, 1)}
	s.srv = smtp.NewServer(s)
	s.srv.Domain = "localhost"
	s.srv.AllowInsecureAuth = true
	s.srv.MaxMessageBytes = 20 << 20
	go s.srv.Serve(ln) //nolint:errcheck // ends with Close
	return s, nil
}

// Port is the TCP port the sink listens on.
func (s *Sink) Port() int { return s.addr.Port }

// Addr is host:port.
func (s *Sink) Addr() string { return s.addr.String() }

// Close stops the server.
func (s *Sink) Close() error { return s.srv.Close() }

// FailRcpt makes the next len(errs) RCPT commands answer with these errors.
func (s *Sink) FailRcpt(errs ...*smtp.SMTPError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rcptFails = append(s.rcptFails, errs...)
}

// Messages returns a copy of what has arrived so far.
func (s *Sink) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.got...)
}

// Count is the number of messages received.
func (s *Sink) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.got)
}

// Arrived is signalled (without blocking the server) whenever a message has
// been stored; callers waiting for n messages loop on it with a deadline.
func (s *Sink) Arrived() <-chan struct{} { return s.arrived }

func (s *Sink) store(m Message) error {
	s.mu.Lock()
	kept := m
	if s.forget {
		kept.Data = nil
	}
	s.got = append(s.got, kept)
	n := len(s.got)
	s.mu.Unlock()
	if s.dir != "" {
		name := filepath.Join(s.dir, fmt.Sprintf("%06d.eml", n))
		if err := os.WriteFile(name+".tmp", m.Data, 0o600); err != nil {
			return fmt.Errorf("smtpsink: write %s: %w", name, err)
		}
		if err := os.Rename(name+".tmp", name); err != nil {
			return fmt.Errorf("smtpsink: rename %s: %w", name, err)
		}
	}
	if s.mdir != "" {
		if _, err := maildir.Deliver(s.mdir, m.Data); err != nil {
			return fmt.Errorf("smtpsink: %w", err)
		}
	}
	select {
	case s.arrived <- struct{}{}:
	default:
	}
	return nil
}

// NewSession implements smtp.Backend.
func (s *Sink) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{sink: s}, nil }

type session struct {
	sink *Sink
	cur  Message
}

func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	se.cur = Message{From: from}
	return nil
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s := se.sink
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.rcptFails) > 0 {
		e := s.rcptFails[0]
		s.rcptFails = s.rcptFails[1:]
		return e
	}
	if s.refuse != nil && s.refuse.MatchString(to) {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1},
			Message: "<" + to + ">: Recipient address rejected: User unknown in virtual mailbox table"}
	}
	se.cur.To = append(se.cur.To, to)
	return nil
}

func (se *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("smtpsink: read message: %w", err)
	}
	se.cur.Data = b
	time.Sleep(se.sink.delay)
	return se.sink.store(se.cur)
}

func (se *session) Reset()        { se.cur = Message{} }
func (se *session) Logout() error { return nil }
