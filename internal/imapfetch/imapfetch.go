// Package imapfetch collects mail from an IMAP mailbox for a caller that
// imports it: each message is handed over, one at a time and streamed, and
// only after the caller has decided is it moved to a "processed" or
// "refused" folder (or left where it is, to be tried again). It knows nothing
// about what the mail carries; sync bundles and site packs are the caller's.
//
// # Delivery guarantee: at least once
//
// A message is moved only after handle has returned for it, so nothing
// leaves the mailbox before it is applied. If the connection drops (or the
// program stops) between handle returning and the move, the next Collect
// sees the message again and calls handle for it a second time. The caller's
// import must therefore be idempotent; at most one message per interrupted
// run is handed over twice, because each message is moved before the next
// one is fetched.
//
// # Size limit
//
// A message larger than Config.MaxMessageBytes (by the server's
// RFC822.SIZE) is refused without calling handle and without fetching its
// body: it goes to the Refused folder and its Item says why (Reason starts
// with ReasonTooLarge). The body reader enforces the same limit on the bytes
// actually received, in case a server reports a wrong size.
//
// Errors that reach people are *Error values of one of the kinds ErrConfig,
// ErrConnect, ErrTLS, ErrAuth, ErrMailbox or ErrServer, with a message in
// Swedish and English (Message) and the server's own words (Detail).
// Message bodies and passwords are never logged.
package imapfetch

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-imap"
)

// Defaults of Config.
const (
	DefaultMailbox         = "INBOX"
	DefaultProcessed       = "id06desk-processed"
	DefaultRefused         = "id06desk-refused"
	DefaultTimeout         = 30 * time.Second
	DefaultMaxMessageBytes = 32 << 20
	DefaultMaxPerRun       = 200
)

// Security values of Config.
const (
	SecurityTLS      = "tls"      // implicit TLS, port 993
	SecuritySTARTTLS = "starttls" // STARTTLS on port 143
	SecurityNone     = "none"     // plain text: loopback hosts only
)

// Config says where to collect from.
type Config struct {
	Host string
	Port int // default 993 for tls, 143 otherwise
	// Security is "tls" (implicit, the default), "starttls" or "none";
	// "none" is allowed only when Host is a loopback address.
	Security           string
	Username, Password string
	Mailbox            string // default "INBOX"
	Processed          string // default "id06desk-processed" (created if missing)
	Refused            string // default "id06desk-refused" (created if missing)
	// Timeout bounds each network operation (connect, TLS handshake, each
	// IMAP command); default 30 s. The time handle takes is not counted.
	Timeout time.Duration
	// TLSConfig is for tests; nil means the system's roots and
	// ServerName = Host.
	TLSConfig *tls.Config
	// MaxMessageBytes: larger messages are refused without being fetched
	// (default 32 MiB).
	MaxMessageBytes int64
	// MaxPerRun bounds the messages one Collect looks at (oldest first,
	// default 200); Result.Remaining says how many wait for the next run.
	MaxPerRun int
}

// Verdict is what the caller decided about a message.
type Verdict int

const (
	// Processed: applied; the message moves to the Processed folder.
	Processed Verdict = iota
	// Refused: not acceptable, now or ever; it moves to the Refused folder.
	Refused
	// Keep: a transient failure; the message stays in the mailbox and is
	// handed over again on the next run.
	Keep
)

func (v Verdict) String() string {
	switch v {
	case Processed:
		return "processed"
	case Refused:
		return "refused"
	case Keep:
		return "keep"
	}
	return "verdict(" + strconv.Itoa(int(v)) + ")"
}

// Message is one mail handed to the caller.
type Message struct {
	UID       uint32
	MessageID string
	From      string // the first From address, "user@example.com"
	Subject   string
	Date      time.Time // the Date header, else the server's arrival time
	Size      int64     // RFC822.SIZE as the server reports it
	// Body is the raw RFC 5322 message, streamed from the server in
	// chunks while it is read; valid only until handle returns.
	Body io.Reader
}

// Outcome is the caller's decision about a message.
type Outcome struct {
	Verdict Verdict
	Reason  string // why (for Refused and Keep); returned in Result.Items only
}

// Item is what happened to one message in a run.
type Item struct {
	UID       uint32
	MessageID string
	Subject   string
	Size      int64 // as the server reported it
	Verdict   Verdict
	Reason    string
}

// Result says what a run did.
type Result struct {
	Seen, Processed, Refused, Kept int
	// Remaining is the number of messages left in the mailbox for the
	// next run because of MaxPerRun.
	Remaining int
	Items     []Item
}

// ReasonTooLarge starts the Reason of a message refused for its size
// (TooLargeText is the sentence for people).
const ReasonTooLarge = "too large"

// Handler decides about one message. An error stops the run: the message
// stays in the mailbox and Collect returns the error. Use Keep, not an
// error, for a problem with this one message that may pass.
type Handler func(ctx context.Context, m *Message) (Outcome, error)

// Collect hands every message in c.Mailbox (oldest first, at most
// c.MaxPerRun) to handle, one at a time, and moves each to c.Processed or
// c.Refused after handle has returned (see the package comment for the
// at-least-once guarantee). The folders are created when missing.
//
// It returns the Result of what was done so far also when it fails; the
// error is an *Error (connection, TLS, login, mailbox, server) or the error
// handle returned, wrapped.
func Collect(ctx context.Context, c Config, handle func(ctx context.Context, m *Message) (Outcome, error)) (*Result, error) {
	res := &Result{}
	cfg, err := c.normalized()
	if err != nil {
		return res, err
	}
	s, err := open(ctx, cfg)
	if err != nil {
		return res, err
	}
	defer s.close()

	if err := s.selectMailbox(cfg.Mailbox, false); err != nil {
		return res, err
	}
	for _, folder := range []string{cfg.Processed, cfg.Refused} {
		if err := s.ensureFolder(folder); err != nil {
			return res, err
		}
	}
	uids, err := s.searchUIDs()
	if err != nil {
		return res, err
	}
	if len(uids) > cfg.MaxPerRun {
		res.Remaining = len(uids) - cfg.MaxPerRun
		uids = uids[:cfg.MaxPerRun]
	}
	if len(uids) == 0 {
		s.logout()
		return res, nil
	}
	metas, err := s.fetchMeta(uids)
	if err != nil {
		return res, err
	}
	for _, uid := range uids {
		meta, ok := metas[uid]
		if !ok {
			continue // gone since the search (another client moved it)
		}
		res.Seen++
		item, err := s.one(ctx, cfg, meta, handle)
		if err != nil {
			return res, err
		}
		res.Items = append(res.Items, item)
		switch item.Verdict {
		case Processed:
			res.Processed++
		case Refused:
			res.Refused++
		default:
			res.Kept++
		}
		slog.Debug("imapfetch: message", "uid", uid, "verdict", item.Verdict.String())
	}
	s.logout()
	return res, nil
}

// one hands a message to handle and moves it as decided.
func (s *session) one(ctx context.Context, cfg Config, meta *imap.Message, handle Handler) (Item, error) {
	m := messageOf(meta)
	item := Item{UID: m.UID, MessageID: m.MessageID, Subject: m.Subject, Size: m.Size}
	var out Outcome
	if m.Size > cfg.MaxMessageBytes {
		out = Outcome{Verdict: Refused, Reason: fmt.Sprintf("%s: %d bytes, limit %d", ReasonTooLarge, m.Size, cfg.MaxMessageBytes)}
	} else {
		body := &bodyReader{s: s, uid: m.UID, max: cfg.MaxMessageBytes}
		m.Body = body
		var herr error
		out, herr = handle(ctx, m)
		body.done = true
		switch {
		case body.err != nil && isConnectionError(body.err):
			// What handle saw was cut short: its verdict is not about
			// this message. The message stays for the next run.
			return item, body.err
		case herr != nil:
			return item, fmt.Errorf("imapfetch: handling message uid %d: %w", m.UID, herr)
		case body.err != nil:
			out = Outcome{Verdict: Keep, Reason: "reading the message failed: " + body.err.Error()}
		}
	}
	item.Verdict, item.Reason = out.Verdict, out.Reason
	switch out.Verdict {
	case Processed:
		return item, s.move(m.UID, cfg.Processed)
	case Refused:
		return item, s.move(m.UID, cfg.Refused)
	case Keep:
		return item, nil
	}
	item.Verdict = Keep
	item.Reason = fmt.Sprintf("unknown verdict %d (%s)", int(out.Verdict), out.Reason)
	return item, nil
}

// Check connects, logs in and opens the mailbox read-only: Settings' "Test
// connection". The error is an *Error.
func Check(ctx context.Context, c Config) error {
	cfg, err := c.normalized()
	if err != nil {
		return err
	}
	s, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.close()
	if err := s.selectMailbox(cfg.Mailbox, true); err != nil {
		return err
	}
	s.logout()
	return nil
}

// normalized fills in the defaults and checks the settings.
func (c Config) normalized() (Config, error) {
	// A setting's own fault is said by its code's sentence; Op names it
	// for the log. Detail stays empty: no server was asked, so there are
	// no server's words to show.
	bad := func(code, format string, args ...any) (Config, error) {
		return c, &Error{Kind: ErrConfig, Code: code, Op: "settings: " + fmt.Sprintf(format, args...)}
	}
	c.Host = strings.TrimSpace(c.Host)
	c.Security = strings.ToLower(strings.TrimSpace(c.Security))
	if c.Security == "" {
		c.Security = SecurityTLS
	}
	switch c.Security {
	case SecurityTLS, SecuritySTARTTLS:
	case SecurityNone:
		if !isLoopback(c.Host) {
			return bad(FailPlainNotLoopback, "security none with host %q", c.Host)
		}
	default:
		return bad(FailConfig, "security %q: want tls, starttls or none", c.Security)
	}
	if c.Host == "" {
		return bad(FailNoHost, "no host")
	}
	if c.Port == 0 {
		c.Port = 143
		if c.Security == SecurityTLS {
			c.Port = 993
		}
	}
	if c.Port < 1 || c.Port > 65535 {
		return bad(FailBadPort, "port %d", c.Port)
	}
	if c.Username == "" {
		return bad(FailNoUser, "no user name")
	}
	if c.Mailbox == "" {
		c.Mailbox = DefaultMailbox
	}
	if c.Processed == "" {
		c.Processed = DefaultProcessed
	}
	if c.Refused == "" {
		c.Refused = DefaultRefused
	}
	if strings.EqualFold(c.Processed, c.Mailbox) || strings.EqualFold(c.Refused, c.Mailbox) {
		return bad(FailFolderIsMailbox, "processed/refused folder equals mailbox %q", c.Mailbox)
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.MaxMessageBytes <= 0 {
		c.MaxMessageBytes = DefaultMaxMessageBytes
	}
	if c.MaxPerRun <= 0 {
		c.MaxPerRun = DefaultMaxPerRun
	}
	return c, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// messageOf turns fetched metadata into a Message (without body).
func messageOf(meta *imap.Message) *Message {
	m := &Message{UID: meta.Uid, Size: int64(meta.Size), Date: meta.InternalDate}
	if e := meta.Envelope; e != nil {
		m.MessageID = e.MessageId
		m.Subject = e.Subject
		if !e.Date.IsZero() {
			m.Date = e.Date
		}
		if len(e.From) > 0 && e.From[0] != nil {
			m.From = e.From[0].Address()
		}
	}
	return m
}

// sortedUIDs sorts in place and returns uids, oldest (lowest) first.
func sortedUIDs(uids []uint32) []uint32 {
	sort.Slice(uids, func(i, j int) bool { return uids[i] < uids[j] })
	return uids
}

// isConnectionError reports whether err means the connection is gone (or
// the run was cancelled), rather than a refusal by the server.
func isConnectionError(err error) bool {
	var e *Error
	return errors.As(err, &e) && (e.Kind == ErrConnect || e.Kind == ErrTLS)
}
