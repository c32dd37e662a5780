package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"id06desk/internal/instancelock"
	"id06desk/internal/paths"
	"id06desk/internal/smtpsink"
)

// program is `id06desk serve` running in this process, as main runs it.
type program struct {
	url    string // http://127.0.0.1:PORT/
	setup  string // the first-run setup token ("" when a password is set)
	kiosk  string // serve --kiosk: the one-time link that makes a browser the kiosk's screen
	stdout *syncBuffer
	stderr *syncBuffer
	cancel context.CancelFunc // the SIGTERM of the test
	exited chan struct{}      // closed when run returned code
	code   int
}

func startProgram(t *testing.T, args ...string) *program {
	t.Helper()
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	p := &program{stdout: &syncBuffer{}, stderr: &syncBuffer{}, cancel: cancel, exited: make(chan struct{})}
	go func() {
		p.code = run(ctx, args, strings.NewReader(""), pw, p.stderr, (&window{}).run)
		close(p.exited)
		pw.Close()
	}()
	started := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			line := sc.Text()
			p.stdout.Write([]byte(line + "\n"))
			if m := regexp.MustCompile(`serving on (http://\S+)`).FindStringSubmatch(line); m != nil {
				p.url = m[1]
			}
			if m := regexp.MustCompile(`#/setup\?token=(\S+)`).FindStringSubmatch(line); m != nil {
				p.setup = m[1]
			}
			if m := regexp.MustCompile(`^Registration kiosk .*: (http://\S+)`).FindStringSubmatch(line); m != nil {
				p.kiosk = m[1]
			}
			// The last line serve prints: the setup link, or the kiosk link.
			if p.setup != "" || strings.HasPrefix(line, "Registration kiosk") {
				select {
				case <-started:
				default:
					close(started)
				}
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-p.exited:
		case <-time.After(15 * time.Second):
		}
	})
	select {
	case <-started:
	case <-p.exited:
		t.Fatalf("serve ended with %d before it served:\n%s%s", p.code, p.stdout.String(), p.stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not start:\n%s%s", p.stdout.String(), p.stderr.String())
	}
	return p
}

// stop cancels the program (like SIGTERM) and returns its exit code.
func (p *program) stop(t *testing.T) int {
	t.Helper()
	p.cancel()
	select {
	case <-p.exited:
		return p.code
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop within 15 s of its SIGTERM")
	}
	return -1
}

type client struct {
	t    *testing.T
	base string
	c    *http.Client
	hdr  http.Header // sent with every call (e.g. the kiosk's PIN ticket)
}

func (c *client) call(method, path string, body any) (int, map[string]any) {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = strings.NewReader(string(b))
	}
	req, _ := http.NewRequest(method, strings.TrimSuffix(c.base, "/")+path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range c.hdr {
		req.Header[k] = v
	}
	resp, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

func lockHeld(t *testing.T, dataDir string) bool {
	t.Helper()
	p, err := paths.Resolve(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	l, err := instancelock.Acquire(p.LockFile())
	if errors.Is(err, instancelock.ErrHeld) {
		return true
	}
	if err != nil {
		t.Fatal(err)
	}
	l.Release()
	return false
}

// TestServeWholeProgram runs the whole program as a company would, after
// benbjohnson/wtf's cmd/wtfd/main_test.go: `serve` on a fresh data folder
// and a free loopback port, the first-run setup link sets the admin
// password, an invitation is created through the API and its mail reaches
// the mail server (the outbox job), the job list shows both background
// jobs, and a SIGTERM-like cancel stops the program cleanly: exit 0, and
// the single-instance lock is released.
func TestServeWholeProgram(t *testing.T) {
	emptyXDG(t)
	sink, err := smtpsink.Start(smtpsink.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	d := filepath.Join(t.TempDir(), "D")
	if r := runMain(t, "", "--data-dir", d, "settings", "set", "company.name=Bygg i D AB", "smtp.host=127.0.0.1",
		"smtp.port="+strings.TrimPrefix(sink.Addr(), "127.0.0.1:"), "smtp.security=none", "smtp.from=id06@bygg.se"); r.code != 0 {
		t.Fatalf("settings: %s%s", r.stdout, r.stderr)
	}

	p := startProgram(t, "serve", "--data-dir", d, "--addr", "127.0.0.1:0")
	if p.setup == "" {
		t.Fatalf("no first-run setup link:\n%s", p.stdout.String())
	}
	if !lockHeld(t, d) {
		t.Fatal("serve runs without the single-instance lock")
	}
	if r := runMain(t, "", "serve", "--data-dir", d, "--addr", "127.0.0.1:0"); r.code != 1 || !strings.Contains(r.stderr, "is already running on this data folder") {
		t.Fatalf("a second serve on the folder: exit %d, %s", r.code, r.stderr)
	}
	jar, _ := cookiejar.New(nil)
	c := &client{t: t, base: p.url, c: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
	if code, m := c.call("GET", "/api/jobs", nil); code != http.StatusUnauthorized {
		t.Fatalf("jobs without login: %d %v", code, m)
	}
	if code, m := c.call("POST", "/api/setup", map[string]string{"token": p.setup, "password": "a-long-enough-passw0rd"}); code != 200 {
		t.Fatalf("setup: %d %v", code, m)
	}
	code, m := c.call("POST", "/api/invitations", map[string]any{"rows": []map[string]string{{"email": "anna@example.se"}}, "send": true})
	created, _ := m["created"].([]any)
	if code != http.StatusCreated || len(created) != 1 {
		t.Fatalf("create invitation: %d %v", code, m)
	}
	select {
	case <-sink.Arrived():
	case <-time.After(20 * time.Second):
		t.Fatal("the invitation mail did not arrive: the outbox job does not run")
	}
	if msgs := sink.Messages(); len(msgs) != 1 || !strings.Contains(strings.Join(msgs[0].To, ","), "anna@example.se") {
		t.Fatalf("mail %+v", msgs)
	}

	var jobs []any
	deadline := time.Now().Add(10 * time.Second)
	for {
		code, m = c.call("GET", "/api/jobs", nil)
		jobs, _ = m["jobs"].([]any)
		ran := 0
		for _, j := range jobs {
			if j := j.(map[string]any); j["lastRun"] != nil && j["lastError"] == nil {
				ran++
			}
		}
		if code == 200 && len(jobs) == 6 && ran == 6 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("jobs: %d %v", code, m)
		}
		time.Sleep(50 * time.Millisecond)
	}
	names := []string{}
	for _, j := range jobs {
		names = append(names, j.(map[string]any)["name"].(string))
	}
	if strings.Join(names, ",") != "backup,housekeeping,kiosk_pairing,nexus_files,outbox,sync_mail" {
		t.Fatalf("jobs %v", jobs)
	}

	if code := p.stop(t); code != 0 {
		t.Fatalf("exit %d:\n%s", code, p.stderr.String())
	}
	if lockHeld(t, d) {
		t.Fatal("the single-instance lock is still held after serve stopped")
	}
	log, _ := os.ReadFile(filepath.Join(d, "state", "id06desk.log"))
	if !strings.Contains(string(log), "stopping") {
		t.Fatalf("log:\n%s", log)
	}
}

// TestKioskSendsMail: a kiosk runs the outbox too (it sends the
// cardholder's receipt). Before the App, `serve --kiosk` and the kiosk
// window started only housekeeping, and a waiting mail stayed waiting.
func TestKioskSendsMail(t *testing.T) {
	emptyXDG(t)
	sink, err := smtpsink.Start(smtpsink.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	d := seeded(t, strings.TrimPrefix(sink.Addr(), "127.0.0.1:")) // one invitation mail waits
	p := startProgram(t, "serve", "--kiosk", "--data-dir", d, "--addr", "127.0.0.1:0")
	select {
	case <-sink.Arrived():
	case <-time.After(20 * time.Second):
		t.Fatal("the kiosk did not send the waiting mail")
	}
	if code := p.stop(t); code != 0 {
		t.Fatalf("exit %d:\n%s", code, p.stderr.String())
	}
	if lockHeld(t, d) {
		t.Fatal("the lock is still held")
	}
}
