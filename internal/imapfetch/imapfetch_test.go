package imapfetch_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"id06desk/internal/i18n"
	"id06desk/internal/imapfetch"
	"id06desk/internal/imapfetch/dovecottest"
	"id06desk/internal/smtpsink"
)

// mail is a message numbered n whose body has about size bytes.
func mail(n, size int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: Kiosk %d <kiosk%d@example.com>\r\nTo: sync@example.com\r\n", n, n)
	fmt.Fprintf(&b, "Subject: bundle %d\r\nMessage-ID: <m%d@example.com>\r\n", n, n)
	fmt.Fprintf(&b, "Date: Mon, 02 Jan 2026 15:04:%02d +0100\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n", n%60)
	line := fmt.Sprintf("message %d ", n) + strings.Repeat("x", 60) + "\r\n"
	for b.Len() < size {
		b.WriteString(line)
	}
	return b.Bytes()
}

func plain(s *dovecottest.Server) imapfetch.Config {
	return imapfetch.Config{Host: s.Host, Port: s.Port, Security: "none",
		Username: s.User, Password: s.Password, Timeout: 10 * time.Second}
}

// recorder is a handler that records what it got and answers verdict.
type recorder struct {
	mu      sync.Mutex
	bodies  map[string][]byte // Message-ID → body
	order   []string
	verdict func(m *imapfetch.Message) imapfetch.Outcome
}

func newRecorder(verdict func(m *imapfetch.Message) imapfetch.Outcome) *recorder {
	if verdict == nil {
		verdict = func(*imapfetch.Message) imapfetch.Outcome { return imapfetch.Outcome{Verdict: imapfetch.Processed} }
	}
	return &recorder{bodies: map[string][]byte{}, verdict: verdict}
}

func (r *recorder) handle(_ context.Context, m *imapfetch.Message) (imapfetch.Outcome, error) {
	body, err := io.ReadAll(m.Body)
	r.mu.Lock()
	r.order = append(r.order, m.MessageID)
	r.bodies[m.MessageID] = body
	r.mu.Unlock()
	if err != nil {
		// A careless caller: it calls a cut-off body invalid. Collect
		// must not act on that verdict.
		return imapfetch.Outcome{Verdict: imapfetch.Refused, Reason: "unreadable: " + err.Error()}, nil
	}
	return r.verdict(m), nil
}

func (r *recorder) ids() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.order...)
}

var messageIDRE = regexp.MustCompile(`(?m)^Message-ID: (<[^>]+>)`)

// folderIDs lists the Message-IDs of the messages in a folder, sorted.
func folderIDs(t *testing.T, s *dovecottest.Server, folder string) []string {
	t.Helper()
	var ids []string
	for _, raw := range s.FolderMessages(folder) {
		m := messageIDRE.FindSubmatch(raw)
		if m == nil {
			t.Fatalf("a message without Message-ID in %s", folder)
		}
		ids = append(ids, string(m[1]))
	}
	sort.Strings(ids)
	return ids
}

func idsOf(ns ...int) []string {
	var out []string
	for _, n := range ns {
		out = append(out, fmt.Sprintf("<m%d@example.com>", n))
	}
	sort.Strings(out)
	return out
}

// TestCollectHandsOverEachMessageThenMovesIt: three messages are each
// handed over once, whole and in arrival order, then moved to the processed
// folder, which did not exist before; a second run finds nothing.
func TestCollectHandsOverEachMessageThenMovesIt(t *testing.T) {
	s := dovecottest.Start(t)
	raws := map[string][]byte{}
	for n := 1; n <= 3; n++ {
		raw := mail(n, 2000)
		raws[fmt.Sprintf("<m%d@example.com>", n)] = raw
		s.Deliver(raw)
	}
	if s.Folder(imapfetch.DefaultProcessed) != nil || s.Folder(imapfetch.DefaultRefused) != nil {
		t.Fatal("the folders exist before the first run")
	}
	var metas []imapfetch.Message
	rec := newRecorder(func(m *imapfetch.Message) imapfetch.Outcome {
		metas = append(metas, *m)
		return imapfetch.Outcome{Verdict: imapfetch.Processed}
	})
	res, err := imapfetch.Collect(context.Background(), plain(s), rec.handle)
	if err != nil {
		t.Fatalf("Collect: %v\n%s", err, s.Log())
	}
	if res.Seen != 3 || res.Processed != 3 || res.Refused != 0 || res.Kept != 0 || res.Remaining != 0 || len(res.Items) != 3 {
		t.Fatalf("result %+v", res)
	}
	if got, want := rec.ids(), []string{"<m1@example.com>", "<m2@example.com>", "<m3@example.com>"}; !slices.Equal(got, want) {
		t.Fatalf("handled %v, want %v (oldest first)", got, want)
	}
	for id, raw := range raws {
		if !bytes.Equal(rec.bodies[id], raw) {
			t.Errorf("%s: body differs from what was delivered (%d vs %d bytes)", id, len(rec.bodies[id]), len(raw))
		}
	}
	m := metas[0]
	if m.From != "kiosk1@example.com" || m.Subject != "bundle 1" || m.Size != int64(len(raws[m.MessageID])) || m.Date.IsZero() || m.UID == 0 {
		t.Errorf("message fields %+v", m)
	}
	if got := folderIDs(t, s, imapfetch.DefaultProcessed); !slices.Equal(got, idsOf(1, 2, 3)) {
		t.Fatalf("processed folder %v", got)
	}
	if in := s.Folder("INBOX"); len(in) != 0 {
		t.Fatalf("INBOX still has %v", in)
	}
	if s.Folder(imapfetch.DefaultRefused) == nil {
		t.Error("the refused folder was not created")
	}
	for _, raw := range s.FolderMessages(imapfetch.DefaultProcessed) {
		if id := string(messageIDRE.FindSubmatch(raw)[1]); !bytes.Equal(raw, raws[id]) {
			t.Errorf("%s changed on its way to the processed folder", id)
		}
	}

	res, err = imapfetch.Collect(context.Background(), plain(s), rec.handle)
	if err != nil || res.Seen != 0 {
		t.Fatalf("second run: %+v, %v", res, err)
	}
}

// TestVerdictsDecideWhereMessagesGo: Processed, Refused and Keep, with
// folder names of the caller's choosing; a kept message is handed over
// again next time and nothing else is.
func TestVerdictsDecideWhereMessagesGo(t *testing.T) {
	s := dovecottest.Start(t)
	for n := 1; n <= 3; n++ {
		s.Deliver(mail(n, 500))
	}
	verdicts := map[string]imapfetch.Outcome{
		"<m1@example.com>": {Verdict: imapfetch.Processed},
		"<m2@example.com>": {Verdict: imapfetch.Refused, Reason: "not a bundle"},
		"<m3@example.com>": {Verdict: imapfetch.Keep, Reason: "database busy"},
	}
	rec := newRecorder(func(m *imapfetch.Message) imapfetch.Outcome { return verdicts[m.MessageID] })
	cfg := plain(s)
	cfg.Processed, cfg.Refused = "sync-done", "sync-bad"
	res, err := imapfetch.Collect(context.Background(), cfg, rec.handle)
	if err != nil {
		t.Fatal(err)
	}
	if res.Seen != 3 || res.Processed != 1 || res.Refused != 1 || res.Kept != 1 {
		t.Fatalf("result %+v", res)
	}
	for _, it := range res.Items {
		want := verdicts[it.MessageID]
		if it.Verdict != want.Verdict || it.Reason != want.Reason || it.UID == 0 || !strings.HasPrefix(it.Subject, "bundle ") {
			t.Errorf("item %+v, want %+v", it, want)
		}
	}
	if got := folderIDs(t, s, "sync-done"); !slices.Equal(got, idsOf(1)) {
		t.Errorf("processed %v", got)
	}
	if got := folderIDs(t, s, "sync-bad"); !slices.Equal(got, idsOf(2)) {
		t.Errorf("refused %v", got)
	}
	if got := folderIDs(t, s, "INBOX"); !slices.Equal(got, idsOf(3)) {
		t.Errorf("INBOX %v", got)
	}
	if s.Folder(imapfetch.DefaultProcessed) != nil {
		t.Error("the default folder was created although others were named")
	}

	verdicts["<m3@example.com>"] = imapfetch.Outcome{Verdict: imapfetch.Processed}
	rec2 := newRecorder(func(m *imapfetch.Message) imapfetch.Outcome { return verdicts[m.MessageID] })
	res, err = imapfetch.Collect(context.Background(), cfg, rec2.handle)
	if err != nil || res.Seen != 1 || res.Processed != 1 {
		t.Fatalf("second run %+v, %v", res, err)
	}
	if got := rec2.ids(); !slices.Equal(got, idsOf(3)) {
		t.Fatalf("second run handled %v", got)
	}
	if got := folderIDs(t, s, "sync-done"); !slices.Equal(got, idsOf(1, 3)) {
		t.Errorf("processed after the second run %v", got)
	}
}

// TestMoveWithoutMOVE: servers without MOVE get UID COPY + \Deleted +
// UID EXPUNGE (UIDPLUS), or COPY + \Deleted + EXPUNGE without UIDPLUS; the
// messages end up in the same places.
func TestMoveWithoutMOVE(t *testing.T) {
	base := "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT NAMESPACE LITERAL+ UNSELECT CHILDREN"
	for _, tc := range []struct {
		name, caps, want string
		not              []string
	}{
		{"MOVE", base + " UIDPLUS MOVE", "UID MOVE", []string{"UID COPY", "EXPUNGE"}},
		{"UIDPLUS", base + " UIDPLUS", "UID EXPUNGE", []string{"UID MOVE"}},
		{"neither", base, "EXPUNGE", []string{"UID MOVE", "UID EXPUNGE"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := dovecottest.StartWith(t, dovecottest.Options{Capability: tc.caps})
			for n := 1; n <= 3; n++ {
				s.Deliver(mail(n, 300))
			}
			proxy := dovecottest.NewCutProxy(t, s.Addr(), 0)
			cfg := plain(s)
			cfg.Port = proxy.Port()
			rec := newRecorder(func(m *imapfetch.Message) imapfetch.Outcome {
				if m.MessageID == "<m2@example.com>" {
					return imapfetch.Outcome{Verdict: imapfetch.Refused}
				}
				return imapfetch.Outcome{Verdict: imapfetch.Processed}
			})
			res, err := imapfetch.Collect(context.Background(), cfg, rec.handle)
			if err != nil {
				t.Fatal(err)
			}
			if res.Processed != 2 || res.Refused != 1 {
				t.Fatalf("result %+v", res)
			}
			if got := folderIDs(t, s, imapfetch.DefaultProcessed); !slices.Equal(got, idsOf(1, 3)) {
				t.Errorf("processed %v", got)
			}
			if got := folderIDs(t, s, imapfetch.DefaultRefused); !slices.Equal(got, idsOf(2)) {
				t.Errorf("refused %v", got)
			}
			if in := s.Folder("INBOX"); len(in) != 0 {
				t.Errorf("INBOX %v", in)
			}
			sent := strings.ToUpper(proxy.Sent())
			if !strings.Contains(sent, " "+tc.want) {
				t.Errorf("no %s sent:\n%s", tc.want, sent)
			}
			for _, n := range tc.not {
				if strings.Contains(sent, " "+n) {
					t.Errorf("%s sent although the server does not announce it", n)
				}
			}
		})
	}
}

// TestWrongPassword: the login is refused with ErrAuth, the server's words
// and a sentence in both languages; Check says the same.
func TestWrongPassword(t *testing.T) {
	s := dovecottest.Start(t)
	s.Deliver(mail(1, 100))
	cfg := plain(s)
	cfg.Password = "wrong"
	called := false
	_, err := imapfetch.Collect(context.Background(), cfg, func(context.Context, *imapfetch.Message) (imapfetch.Outcome, error) {
		called = true
		return imapfetch.Outcome{}, nil
	})
	checkErr := imapfetch.Check(context.Background(), cfg)
	for _, err := range []error{err, checkErr} {
		if !errors.Is(err, imapfetch.ErrAuth) {
			t.Fatalf("err = %v, want ErrAuth", err)
		}
		var e *imapfetch.Error
		errors.As(err, &e)
		if e.Code != imapfetch.FailAuth || !strings.Contains(e.Detail, "Authentication failed") {
			t.Errorf("code %q detail %q: want the server's words", e.Code, e.Detail)
		}
		msg, detail := imapfetch.Explain(err)
		if !strings.Contains(msg.In(i18n.SV), "lösenordet") || !strings.Contains(msg.In(i18n.EN), "password") || detail != e.Detail {
			t.Errorf("explained as %q / %q / %q", msg.In(i18n.SV), msg.In(i18n.EN), detail)
		}
		if strings.Contains(err.Error(), "wrong") {
			t.Errorf("the password is in the error: %v", err)
		}
	}
	if called {
		t.Error("handle was called without a login")
	}
	if got := s.Folder("INBOX"); len(got) != 1 {
		t.Errorf("INBOX %v", got)
	}
	if err := imapfetch.Check(context.Background(), plain(s)); err != nil {
		t.Errorf("Check with the right password: %v", err)
	}
	cfg = plain(s)
	cfg.Mailbox = "Nonexistent"
	if err := imapfetch.Check(context.Background(), cfg); !errors.Is(err, imapfetch.ErrMailbox) {
		t.Errorf("Check of a missing mailbox: %v, want ErrMailbox", err)
	}
}

// TestTLS: implicit TLS and STARTTLS with the server's self-signed
// certificate trusted through TLSConfig; without it the certificate is
// refused as of an unknown authority; TLS to the plain port is ErrTLS.
func TestTLS(t *testing.T) {
	s := dovecottest.StartWith(t, dovecottest.Options{TLS: true})
	s.Deliver(mail(1, 100))
	s.Deliver(mail(2, 100))

	tlsCfg := plain(s)
	tlsCfg.Security, tlsCfg.Port, tlsCfg.TLSConfig = "tls", s.TLSPort, s.TLSConfig()
	if err := imapfetch.Check(context.Background(), tlsCfg); err != nil {
		t.Fatalf("Check over TLS: %v\n%s", err, s.Log())
	}
	tlsCfg.MaxPerRun = 1
	res, err := imapfetch.Collect(context.Background(), tlsCfg, newRecorder(nil).handle)
	if err != nil || res.Processed != 1 || res.Remaining != 1 {
		t.Fatalf("Collect over TLS: %+v, %v", res, err)
	}
	start := plain(s)
	start.Security, start.TLSConfig = "starttls", s.TLSConfig()
	res, err = imapfetch.Collect(context.Background(), start, newRecorder(nil).handle)
	if err != nil || res.Processed != 1 {
		t.Fatalf("Collect with STARTTLS: %+v, %v", res, err)
	}

	untrusted := tlsCfg
	untrusted.TLSConfig = nil
	err = imapfetch.Check(context.Background(), untrusted)
	var e *imapfetch.Error
	if !errors.Is(err, imapfetch.ErrTLS) || !errors.As(err, &e) || e.Code != imapfetch.FailCertUnknownAuthority {
		t.Errorf("untrusted certificate: %v", err)
	}
	wrongPort := tlsCfg
	wrongPort.Port = s.Port
	if err := imapfetch.Check(context.Background(), wrongPort); !errors.Is(err, imapfetch.ErrTLS) {
		t.Errorf("TLS to the plain port: %v, want ErrTLS", err)
	}
}

// TestSettingsAreChecked: plain text only to loopback; defaults.
func TestSettingsAreChecked(t *testing.T) {
	for _, tc := range []struct {
		cfg  imapfetch.Config
		code string
	}{
		{imapfetch.Config{Host: "imap.example.com", Security: "none", Username: "u"}, imapfetch.FailPlainNotLoopback},
		{imapfetch.Config{Host: "10.0.0.1", Security: "none", Username: "u"}, imapfetch.FailPlainNotLoopback},
		{imapfetch.Config{Host: "", Username: "u"}, imapfetch.FailNoHost},
		{imapfetch.Config{Host: "127.0.0.1", Username: ""}, imapfetch.FailNoUser},
		{imapfetch.Config{Host: "127.0.0.1", Username: "u", Port: 70000}, imapfetch.FailBadPort},
		{imapfetch.Config{Host: "127.0.0.1", Username: "u", Security: "ssl3"}, imapfetch.FailConfig},
		{imapfetch.Config{Host: "127.0.0.1", Username: "u", Processed: "INBOX"}, imapfetch.FailFolderIsMailbox},
	} {
		err := imapfetch.Check(context.Background(), tc.cfg)
		var e *imapfetch.Error
		if !errors.Is(err, imapfetch.ErrConfig) || !errors.As(err, &e) || e.Code != tc.code {
			t.Errorf("%+v: %v, want %s", tc.cfg, err, tc.code)
			continue
		}
		// No server was asked: nothing may be shown as the server's words,
		// and the sentence is the code's own in both languages.
		if msg, detail := imapfetch.Explain(err); detail != "" || msg.Code() != tc.code {
			t.Errorf("%+v: Explain = %q, %q; want the code's sentence and no detail", tc.cfg, msg.Code(), detail)
		}
	}
}

// TestNetworkFailures: nothing listening, and a server that never greets
// (bounded by Timeout), are ErrConnect with their codes; cancelling stops.
func TestNetworkFailures(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cfg := imapfetch.Config{Host: "127.0.0.1", Port: port, Security: "none", Username: "u", Timeout: 2 * time.Second}
	var e *imapfetch.Error
	if err := imapfetch.Check(context.Background(), cfg); !errors.Is(err, imapfetch.ErrConnect) || !errors.As(err, &e) || e.Code != imapfetch.FailConnectionRefused {
		t.Errorf("nothing listening: %v", err)
	}

	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	var conns []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	cfg.Port = silent.Addr().(*net.TCPAddr).Port
	cfg.Timeout = 300 * time.Millisecond
	start := time.Now()
	err = imapfetch.Check(context.Background(), cfg)
	if !errors.Is(err, imapfetch.ErrConnect) || !errors.As(err, &e) || e.Code != imapfetch.FailTimeout {
		t.Errorf("silent server: %v, want timeout", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("the timeout took %s", d)
	}
	cfg.Timeout = time.Minute
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start = time.Now()
	err = imapfetch.Check(ctx, cfg)
	if !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &e) || e.Code != imapfetch.FailCancelled {
		t.Errorf("cancelled: %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("cancelling took %s", d)
	}
}

// TestCancelDuringHandleMovesNothing: a run cancelled while handle works
// ends with the context's error and leaves the message in the mailbox.
func TestCancelDuringHandleMovesNothing(t *testing.T) {
	s := dovecottest.Start(t)
	s.Deliver(mail(1, 100))
	ctx, cancel := context.WithCancel(context.Background())
	_, err := imapfetch.Collect(ctx, plain(s), func(ctx context.Context, m *imapfetch.Message) (imapfetch.Outcome, error) {
		cancel()
		return imapfetch.Outcome{Verdict: imapfetch.Processed}, nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if got := folderIDs(t, s, "INBOX"); !slices.Equal(got, idsOf(1)) {
		t.Fatalf("INBOX %v", got)
	}
}

// TestConnectionDroppedMidRun: a proxy cuts the connection after N bytes
// from the server, at several points of a run (while messages stream in
// pieces). Each time Collect fails with ErrConnect; every message moved was
// handed over; at most one was handed over without being moved; the next
// run hands over exactly the rest. Nothing is lost, and only that one
// message (if any) is handed over twice: at-least-once delivery.
func TestConnectionDroppedMidRun(t *testing.T) {
	imapfetch.SetBodyChunk(t, 4096)
	const count, size = 5, 10_000
	for _, cut := range []int64{9_000, 24_000, 31_000, 38_000, 52_000} {
		t.Run(fmt.Sprint(cut), func(t *testing.T) {
			s := dovecottest.Start(t)
			for n := 1; n <= count; n++ {
				s.Deliver(mail(n, size))
			}
			proxy := dovecottest.NewCutProxy(t, s.Addr(), cut)
			cfg := plain(s)
			cfg.Port = proxy.Port()
			first := newRecorder(nil)
			res, err := imapfetch.Collect(context.Background(), cfg, first.handle)
			if err == nil {
				t.Fatalf("no error although the connection was cut at %d bytes (result %+v)", cut, res)
			}
			var e *imapfetch.Error
			if !errors.Is(err, imapfetch.ErrConnect) || !errors.As(err, &e) || e.Code != imapfetch.FailConnectionClosed {
				t.Fatalf("err = %v, want ErrConnect/connection closed", err)
			}
			if proxy.Cuts() != 1 {
				t.Fatalf("the proxy cut %d times", proxy.Cuts())
			}
			moved := folderIDs(t, s, imapfetch.DefaultProcessed)
			handled := first.ids()
			var handledNotMoved []string
			for _, id := range handled {
				if !slices.Contains(moved, id) {
					handledNotMoved = append(handledNotMoved, id)
				}
			}
			for _, id := range moved {
				if !slices.Contains(handled, id) {
					t.Errorf("%s was moved without being handed over", id)
				}
			}
			if len(handledNotMoved) > 1 {
				t.Errorf("handed over but not moved: %v (at most one)", handledNotMoved)
			}
			if len(moved) >= count {
				t.Fatalf("everything was moved before the cut at %d: the cut point tests nothing", cut)
			}
			t.Logf("cut at %d: handled %d, moved %d", cut, len(handled), len(moved))

			second := newRecorder(nil)
			res, err = imapfetch.Collect(context.Background(), plain(s), second.handle)
			if err != nil {
				t.Fatalf("second run: %v", err)
			}
			again := second.ids()
			if res.Processed != count-len(moved) || len(again) != count-len(moved) {
				t.Errorf("second run handled %d (%v), want the %d not moved", len(again), again, count-len(moved))
			}
			for _, id := range again {
				if slices.Contains(moved, id) {
					t.Errorf("%s handed over again although it was moved", id)
				}
				if slices.Contains(handled, id) && !slices.Contains(handledNotMoved, id) {
					t.Errorf("%s handed over twice", id)
				}
			}
			for id, body := range second.bodies {
				n := 0
				fmt.Sscanf(id, "<m%d@example.com>", &n)
				if !bytes.Equal(body, mail(n, size)) {
					t.Errorf("%s: body differs after the reconnect", id)
				}
			}
			all := idsOf(1, 2, 3, 4, 5)
			if got := folderIDs(t, s, imapfetch.DefaultProcessed); !slices.Equal(got, all) {
				t.Errorf("processed after both runs %v, want %v (nothing lost, nothing doubled)", got, all)
			}
			if got := s.Folder(imapfetch.DefaultRefused); len(got) != 0 {
				t.Errorf("refused %v: a verdict on a cut-off body was applied", got)
			}
			if in := s.Folder("INBOX"); len(in) != 0 {
				t.Errorf("INBOX %v", in)
			}
		})
	}
}

// TestRunIsBounded: 205 messages take two runs of at most 200, oldest first.
func TestRunIsBounded(t *testing.T) {
	s := dovecottest.Start(t)
	const total = 205
	for n := 1; n <= total; n++ {
		s.Deliver(mail(n, 200))
	}
	rec := newRecorder(nil)
	res, err := imapfetch.Collect(context.Background(), plain(s), rec.handle)
	if err != nil {
		t.Fatal(err)
	}
	if res.Seen != imapfetch.DefaultMaxPerRun || res.Processed != imapfetch.DefaultMaxPerRun || res.Remaining != total-imapfetch.DefaultMaxPerRun {
		t.Fatalf("first run %+v", struct{ Seen, Processed, Remaining int }{res.Seen, res.Processed, res.Remaining})
	}
	if n := len(s.Folder("INBOX")); n != total-imapfetch.DefaultMaxPerRun {
		t.Fatalf("INBOX has %d after the first run", n)
	}
	res, err = imapfetch.Collect(context.Background(), plain(s), rec.handle)
	if err != nil || res.Seen != 5 || res.Remaining != 0 {
		t.Fatalf("second run %+v, %v", res, err)
	}
	ids := rec.ids()
	if len(ids) != total {
		t.Fatalf("handled %d", len(ids))
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Fatalf("%s handed over twice", id)
		}
		seen[id] = true
	}
	if ids[0] != "<m1@example.com>" || ids[total-1] != fmt.Sprintf("<m%d@example.com>", total) {
		t.Errorf("not oldest first: %s … %s", ids[0], ids[total-1])
	}
}

// TestTooLargeIsRefusedUnread: a message over MaxMessageBytes goes to the
// refused folder without being fetched or handed over; a small one in the
// same run is handled; bodies stream in pieces (also when the size is an
// exact multiple of the piece).
func TestTooLargeIsRefusedUnread(t *testing.T) {
	imapfetch.SetBodyChunk(t, 1000)
	s := dovecottest.Start(t)
	big := mail(1, 50_000)
	s.Deliver(big)
	small := mail(2, 3_000)
	s.Deliver(small)
	exact := mail(3, 0)
	exact = append(exact, bytes.Repeat([]byte("y"), 2000-len(exact))...)
	s.Deliver(exact)

	proxy := dovecottest.NewCutProxy(t, s.Addr(), 0)
	cfg := plain(s)
	cfg.Port = proxy.Port()
	cfg.MaxMessageBytes = 10_000
	rec := newRecorder(nil)
	res, err := imapfetch.Collect(context.Background(), cfg, rec.handle)
	if err != nil {
		t.Fatal(err)
	}
	if got := rec.ids(); !slices.Equal(got, idsOf(2, 3)) {
		t.Fatalf("handled %v: the large one must not be handed over", got)
	}
	if !bytes.Equal(rec.bodies["<m2@example.com>"], small) || !bytes.Equal(rec.bodies["<m3@example.com>"], exact) {
		t.Error("a body streamed in pieces differs from what was delivered")
	}
	if res.Refused != 1 || res.Processed != 2 {
		t.Fatalf("result %+v", res)
	}
	it := res.Items[0]
	if it.MessageID != "<m1@example.com>" || it.Verdict != imapfetch.Refused || !strings.HasPrefix(it.Reason, imapfetch.ReasonTooLarge) {
		t.Errorf("item %+v", it)
	}
	if got := folderIDs(t, s, imapfetch.DefaultRefused); !slices.Equal(got, idsOf(1)) {
		t.Errorf("refused %v", got)
	}
	uid := fmt.Sprint(it.UID)
	for _, line := range strings.Split(proxy.Sent(), "\r\n") {
		if strings.Contains(line, "BODY.PEEK[]") && strings.Contains(line, "FETCH "+uid+" ") {
			t.Errorf("the large message's body was fetched: %s", line)
		}
	}
}

// TestRelayToMailbox: mail sent through the test relay (smtpsink with
// Maildir) arrives in Dovecot's INBOX and is collected whole.
func TestRelayToMailbox(t *testing.T) {
	s := dovecottest.Start(t)
	sink, err := smtpsink.Start(smtpsink.Options{Maildir: s.Maildir()})
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	sent := map[string][]byte{}
	for n := 1; n <= 2; n++ {
		raw := mail(n, 4000)
		sent[fmt.Sprintf("<m%d@example.com>", n)] = raw
		c, err := smtp.Dial(sink.Addr())
		if err != nil {
			t.Fatal(err)
		}
		if err := c.SendMail("kiosk@example.com", []string{"sync@example.com"}, bytes.NewReader(raw)); err != nil {
			t.Fatal(err)
		}
		c.Quit() //nolint:errcheck
	}
	rec := newRecorder(nil)
	res, err := imapfetch.Collect(context.Background(), plain(s), rec.handle)
	if err != nil || res.Processed != 2 {
		t.Fatalf("%+v, %v\n%s", res, err, s.Log())
	}
	for id, raw := range sent {
		if !bytes.Equal(rec.bodies[id], raw) {
			t.Errorf("%s differs after relay → mailbox", id)
		}
	}
}
