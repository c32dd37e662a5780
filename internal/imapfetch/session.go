package imapfetch

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"
	"github.com/emersion/go-imap/commands"
)

// bodyChunk is how much of a message one FETCH asks for: a message is read
// in pieces of this size, so memory stays bounded however large it is.
var bodyChunk = 1 << 20

// session is one logged-in connection.
type session struct {
	cfg     Config
	ctx     context.Context
	conn    *watchedConn
	c       *client.Client
	stopCtx func() bool
}

// open connects, secures and logs in.
func open(ctx context.Context, cfg Config) (*session, error) {
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	s := &session{cfg: cfg, ctx: ctx}
	if err := ctx.Err(); err != nil {
		return nil, s.fail(stageConnect, "connect to "+addr, err)
	}
	d := net.Dialer{Timeout: cfg.Timeout}
	raw, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, s.fail(stageConnect, "connect to "+addr, err)
	}
	s.conn = &watchedConn{Conn: raw}
	// Cancelling ctx ends whatever the connection is doing.
	s.stopCtx = context.AfterFunc(ctx, func() { s.conn.Close() })

	tlsCfg := cfg.TLSConfig.Clone()
	if tlsCfg == nil {
		tlsCfg = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if tlsCfg.ServerName == "" {
		tlsCfg.ServerName = cfg.Host
	}

	var conn net.Conn = s.conn
	if cfg.Security == SecurityTLS {
		tc := tls.Client(s.conn, tlsCfg)
		s.conn.arm(cfg.Timeout)
		err := tc.HandshakeContext(ctx)
		s.conn.disarm()
		if err != nil {
			s.close()
			return nil, s.fail(stageTLS, "TLS handshake with "+addr, err)
		}
		conn = tc
	}
	s.conn.arm(cfg.Timeout)
	c, err := client.New(conn) // reads the greeting
	s.conn.disarm()
	if err != nil {
		s.close()
		stage := stageConnect
		if cfg.Security == SecurityTLS {
			stage = stageGreeting
		}
		return nil, s.fail(stage, "greeting from "+addr, err)
	}
	c.ErrorLog = quietLog{}
	s.c = c

	if cfg.Security == SecuritySTARTTLS {
		var ok bool
		if err := s.do(stageConnect, "capabilities", func() (err error) { ok, err = c.SupportStartTLS(); return }); err != nil {
			s.close()
			return nil, err
		}
		if !ok {
			s.close()
			return nil, &Error{Kind: ErrTLS, Code: FailNoStartTLS, Op: "STARTTLS with " + addr, Detail: addr + " does not offer STARTTLS"}
		}
		if err := s.do(stageTLS, "STARTTLS with "+addr, func() error { return c.StartTLS(tlsCfg) }); err != nil {
			s.close()
			return nil, err
		}
	}
	if err := s.do(stageLogin, "login as "+cfg.Username, func() error { return c.Login(cfg.Username, cfg.Password) }); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

// close drops the connection (without LOGOUT; see logout).
func (s *session) close() {
	if s.stopCtx != nil {
		s.stopCtx()
	}
	if s.conn != nil {
		s.conn.Close()
	}
}

// logout says goodbye politely; errors do not matter any more.
func (s *session) logout() {
	s.conn.arm(min(s.cfg.Timeout, 5*time.Second))
	s.c.Logout() //nolint:errcheck // the work is done; the connection closes anyway
	s.conn.disarm()
}

// do runs one IMAP exchange under the per-operation timeout and turns its
// failure into an *Error.
func (s *session) do(st stage, op string, f func() error) error {
	if err := s.ctx.Err(); err != nil {
		return s.fail(st, op, err)
	}
	s.conn.arm(s.cfg.Timeout)
	err := f()
	s.conn.disarm()
	if err != nil {
		return s.fail(st, op, err)
	}
	return nil
}

func (s *session) selectMailbox(name string, readOnly bool) error {
	return s.do(stageSelect, "open mailbox "+name, func() error {
		_, err := s.c.Select(name, readOnly)
		return err
	})
}

// ensureFolder creates name when LIST does not show it (and subscribes to
// it, so mail programs show it too).
func (s *session) ensureFolder(name string) error {
	exists := func() (bool, error) {
		var found bool
		err := s.do(stageFolder, "list folder "+name, func() error {
			ch := make(chan *imap.MailboxInfo, 4)
			done := make(chan error, 1)
			go func() { done <- s.c.List("", name, ch) }()
			for range ch {
				found = true
			}
			return <-done
		})
		return found, err
	}
	ok, err := exists()
	if err != nil || ok {
		return err
	}
	createErr := s.do(stageFolder, "create folder "+name, func() error { return s.c.Create(name) })
	if createErr != nil && isConnectionError(createErr) {
		return createErr
	}
	if ok, err := exists(); err != nil {
		return err
	} else if !ok {
		if createErr == nil {
			createErr = &Error{Kind: ErrMailbox, Code: FailFolder, Op: "create folder " + name, Detail: name + " missing from LIST after CREATE"}
		}
		return createErr
	}
	if err := s.do(stageCommand, "subscribe "+name, func() error { return s.c.Subscribe(name) }); err != nil && isConnectionError(err) {
		return err
	}
	return nil
}

// searchUIDs lists the UIDs of the mailbox's messages that are not marked
// deleted, oldest first.
func (s *session) searchUIDs() ([]uint32, error) {
	var uids []uint32
	err := s.do(stageCommand, "search "+s.cfg.Mailbox, func() (err error) {
		crit := imap.NewSearchCriteria()
		crit.WithoutFlags = []string{imap.DeletedFlag}
		uids, err = s.c.UidSearch(crit)
		return err
	})
	return sortedUIDs(uids), err
}

// fetchMeta fetches envelope, size and arrival time of uids (no bodies).
func (s *session) fetchMeta(uids []uint32) (map[uint32]*imap.Message, error) {
	set := new(imap.SeqSet)
	set.AddNum(uids...)
	out := make(map[uint32]*imap.Message, len(uids))
	items := []imap.FetchItem{imap.FetchUid, imap.FetchRFC822Size, imap.FetchEnvelope, imap.FetchInternalDate}
	err := s.do(stageCommand, "fetch message headers", func() error {
		return s.fetch(set, items, func(m *imap.Message) {
			if m.Uid != 0 {
				out[m.Uid] = m
			}
		})
	})
	return out, err
}

// fetch runs UID FETCH, giving each message to each.
func (s *session) fetch(set *imap.SeqSet, items []imap.FetchItem, each func(*imap.Message)) error {
	ch := make(chan *imap.Message, 8)
	done := make(chan error, 1)
	go func() { done <- s.c.UidFetch(set, items, ch) }()
	for m := range ch {
		each(m)
	}
	return <-done
}

// move takes a message out of the mailbox into dest: UID MOVE when the
// server has MOVE, else UID COPY + \Deleted + UID EXPUNGE (UIDPLUS), else
// COPY + \Deleted + EXPUNGE (which also removes any other message already
// marked \Deleted in the mailbox: that is what EXPUNGE means).
func (s *session) move(uid uint32, dest string) error {
	set := new(imap.SeqSet)
	set.AddNum(uid)
	op := fmt.Sprintf("move message uid %d to %s", uid, dest)
	var hasMove, hasUIDPlus bool
	err := s.do(stageCommand, "capabilities", func() (err error) {
		if hasMove, err = s.c.Support("MOVE"); err != nil {
			return err
		}
		hasUIDPlus, err = s.c.Support("UIDPLUS")
		return err
	})
	if err != nil {
		return err
	}
	if hasMove {
		return s.do(stageCommand, op, func() error {
			return s.status(&commands.Uid{Cmd: &commands.Move{SeqSet: set, Mailbox: dest}})
		})
	}
	return s.do(stageCommand, op, func() error {
		if err := s.c.UidCopy(set, dest); err != nil {
			return err
		}
		flags := []interface{}{imap.DeletedFlag}
		if err := s.c.UidStore(set, imap.FormatFlagsOp(imap.AddFlags, true), flags, nil); err != nil {
			return err
		}
		if hasUIDPlus {
			return s.status(uidExpunge{set})
		}
		return s.c.Expunge(nil)
	})
}

// status executes cmd and returns the server's refusal as an error.
func (s *session) status(cmd imap.Commander) error {
	st, err := s.c.Execute(cmd, nil)
	if err != nil {
		return err
	}
	return st.Err()
}

// uidExpunge is UID EXPUNGE (RFC 4315): expunge only these messages.
type uidExpunge struct{ set *imap.SeqSet }

func (u uidExpunge) Command() *imap.Command {
	return &imap.Command{Name: "UID", Arguments: []interface{}{imap.RawString("EXPUNGE"), u.set}}
}

// bodyReader streams a message's raw text in bodyChunk pieces with
// BODY.PEEK[]<offset.length> (PEEK: reading does not mark it \Seen).
type bodyReader struct {
	s    *session
	uid  uint32
	max  int64
	off  int64
	buf  []byte
	eof  bool
	done bool  // handle has returned: no more reads
	err  error // the first failure, also seen by Collect
}

func (b *bodyReader) Read(p []byte) (int, error) {
	if b.done {
		return 0, errors.New("imapfetch: message body read after the handler returned")
	}
	if b.err != nil {
		return 0, b.err
	}
	for len(b.buf) == 0 {
		if b.eof {
			return 0, io.EOF
		}
		if err := b.next(); err != nil {
			b.err = err
			return 0, err
		}
	}
	n := copy(p, b.buf)
	b.buf = b.buf[n:]
	return n, nil
}

func (b *bodyReader) next() error {
	want := bodyChunk
	section := &imap.BodySectionName{Peek: true, Partial: []int{int(b.off), want}}
	set := new(imap.SeqSet)
	set.AddNum(b.uid)
	var got []byte
	found := false
	err := b.s.do(stageCommand, fmt.Sprintf("fetch message uid %d", b.uid), func() error {
		return b.s.fetch(set, []imap.FetchItem{imap.FetchUid, section.FetchItem()}, func(m *imap.Message) {
			if m.Uid != b.uid {
				return
			}
			if lit := m.GetBody(section); lit != nil {
				found = true
				got, _ = io.ReadAll(lit) // already in memory: go-imap reads literals whole
			}
		})
	})
	if err != nil {
		return err
	}
	if !found {
		if b.off == 0 {
			return fmt.Errorf("imapfetch: message uid %d is gone from the mailbox", b.uid)
		}
		got = nil
	}
	b.off += int64(len(got))
	if b.off > b.max {
		return fmt.Errorf("imapfetch: message uid %d is larger than %d bytes (%s)", b.uid, b.max, ReasonTooLarge)
	}
	b.buf = got
	if len(got) < want {
		b.eof = true
	}
	return nil
}

// watchedConn is the TCP connection under the IMAP client. It keeps the
// first read or write error (go-imap reports a dead connection only as
// "connection closed"; the cause is kept here for the message), and it owns
// the deadlines: go-imap's own SetDeadline calls are ignored, because it
// clears them before every command.
type watchedConn struct {
	net.Conn
	mu  sync.Mutex
	err error
}

func (w *watchedConn) Read(p []byte) (int, error) {
	n, err := w.Conn.Read(p)
	if err != nil {
		w.keep(err)
	}
	return n, err
}

func (w *watchedConn) Write(p []byte) (int, error) {
	n, err := w.Conn.Write(p)
	if err != nil {
		w.keep(err)
	}
	return n, err
}

func (w *watchedConn) keep(err error) {
	w.mu.Lock()
	if w.err == nil {
		w.err = err
	}
	w.mu.Unlock()
}

func (w *watchedConn) failure() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

func (w *watchedConn) SetDeadline(time.Time) error      { return nil }
func (w *watchedConn) SetReadDeadline(time.Time) error  { return nil }
func (w *watchedConn) SetWriteDeadline(time.Time) error { return nil }

func (w *watchedConn) arm(d time.Duration) { w.Conn.SetDeadline(time.Now().Add(d)) } //nolint:errcheck // a closed conn fails the next read anyway
func (w *watchedConn) disarm()             { w.Conn.SetDeadline(time.Time{}) }       //nolint:errcheck

// quietLog takes go-imap's error log: its lines may quote a server response
// (a message's text), so only the fact is logged, at debug level.
type quietLog struct{}

func (quietLog) Printf(string, ...interface{}) { slog.Debug("imapfetch: go-imap reported an error") }
func (quietLog) Println(...interface{})        { slog.Debug("imapfetch: go-imap reported an error") }
