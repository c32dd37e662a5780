package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/adrg/xdg"
	"github.com/spf13/cobra"
	"github.com/wailsapp/wails/v2/pkg/options"

	"id06desk/internal/adminauth"
	"id06desk/internal/cli"
	"id06desk/internal/order"
	"id06desk/internal/orders"
	"id06desk/internal/smtpsink"
	"id06desk/internal/sqlite"
)

// syncBuffer is a bytes.Buffer for output written from other goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// emptyXDG points the XDG folders (and HOME) at an empty temp dir: a
// command that ignores --data-dir writes there.
func emptyXDG(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	t.Setenv("XDG_DATA_HOME", filepath.Join(root, "data"))
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(root, "config"))
	t.Setenv("XDG_STATE_HOME", filepath.Join(root, "state"))
	t.Setenv("HOME", filepath.Join(root, "home"))
	xdg.Reload()
	t.Cleanup(xdg.Reload)
	return root
}

func assertEmpty(t *testing.T, root string) {
	t.Helper()
	var found []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if p != root {
			found = append(found, strings.TrimPrefix(p, root))
		}
		return nil
	})
	if len(found) > 0 {
		t.Fatalf("created under the XDG folders: %v", found)
	}
}

// window is the fake wails.Run: it records the options, and with --smoke
// the UI "loads" by calling the API like the real frontend does.
type window struct {
	opts *options.App
}

func (w *window) run(o *options.App) error {
	w.opts = o
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/api/ui-ready", strings.NewReader(`{"route":"#/"}`))
	req.Header.Set("Content-Type", "application/json")
	o.AssetServer.Handler.ServeHTTP(rec, req)
	return nil
}

type result struct {
	code           int
	stdout, stderr string
	win            *window
}

func runMain(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errb syncBuffer
	w := &window{}
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb, w.run)
	return result{code, out.String(), errb.String(), w}
}

// seeded is a data folder holding a company name, a mail server (the
// sink), one invitation with its mail waiting, an order and two signing
// keys: things a fresh XDG folder does not have.
func seeded(t *testing.T, sinkPort string) string {
	t.Helper()
	d := filepath.Join(t.TempDir(), "D")
	must := func(r result) string {
		t.Helper()
		if r.code != 0 {
			t.Fatalf("seed: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		return r.stdout
	}
	must(runMain(t, "", "--data-dir", d, "settings", "set", "company.name=Bygg i D AB", "smtp.host=127.0.0.1",
		"smtp.port="+sinkPort, "smtp.security=none", "smtp.from=id06@bygg.se"))
	invID := strings.Fields(must(runMain(t, "", "--data-dir", d, "invite", "--email", "seed@example.se")))[0]
	must(runMain(t, "", "--data-dir", d, "keys", "rotate"))
	db, err := sqlite.Open(context.Background(), filepath.Join(d, "data", "id06desk.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = orders.New(orders.Config{Store: db}).Create(context.Background(), order.Order{ID: "order-in-D", InvitationID: invID, Status: order.StatusReady,
		FirstName: "Dora", LastName: "Data", Email: "seed@example.se", Phone: "+46701234567", CardType: "id06-rfid", Language: "sv",
		Photo: []byte{1}, Thumb: []byte{1}, IdentityMethod: order.MethodManual, IdentityCheck: order.CheckPendingPartner,
		RegisteredAt: time.Now(), RegisteredWhere: order.WhereKiosk}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// copyDir copies the folder tree src to dst (modes kept).
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		target := filepath.Join(dst, strings.TrimPrefix(p, src))
		if d.IsDir() {
			return os.MkdirAll(target, info.Mode().Perm())
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
}

func pictures(t *testing.T) string {
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, "a.png"))
	if err != nil {
		t.Fatal(err)
	}
	png.Encode(f, image.NewGray(image.Rect(0, 0, 64, 48)))
	f.Close()
	return dir
}

// serve runs `serve` until /api/health answers, then stops it.
func serve(t *testing.T, args []string) (health map[string]any, res result) {
	t.Helper()
	pr, pw := io.Pipe()
	var errb syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, args, strings.NewReader(""), pw, &errb, (&window{}).run)
		pw.Close()
	}()
	urls := make(chan string, 1)
	var out syncBuffer
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			out.Write([]byte(sc.Text() + "\n"))
			if m := regexp.MustCompile(`serving on (http://\S+)`).FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
		}
		close(urls)
	}()
	select {
	case url, ok := <-urls:
		if !ok {
			return nil, result{code: <-done, stdout: out.String(), stderr: errb.String()}
		}
		resp, err := (&http.Client{Timeout: 5 * time.Second}).Get(url + "api/health")
		if err != nil {
			t.Fatal(err)
		}
		json.NewDecoder(resp.Body).Decode(&health)
		resp.Body.Close()
	case <-time.After(20 * time.Second):
		t.Fatalf("serve did not start: %s", errb.String())
	}
	cancel()
	select {
	case code := <-done:
		return health, result{code: code, stdout: out.String(), stderr: errb.String()}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
	return nil, result{}
}

func keyFiles(t *testing.T, d string) int {
	names, _ := filepath.Glob(filepath.Join(d, "config", "keys", "*"))
	return len(names)
}

// TestGlobalFlagsAnywhere runs every command with the global flags before
// the command, after it, and (for subcommands) between the words, with the
// XDG folders empty: each must use the data folder D and create nothing
// under XDG. Before cobra, flags after a command were parsed after the
// data folder was opened (orders list printed "No orders." from XDG) or
// refused (settings, keys).
func TestGlobalFlagsAnywhere(t *testing.T) {
	xdgRoot := emptyXDG(t)
	sink, err := smtpsink.Start(smtpsink.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	port := strings.TrimPrefix(sink.Addr(), "127.0.0.1:")
	camera := pictures(t)
	template := seeded(t, port)

	type check func(t *testing.T, d string, r result)
	exitOK := func(t *testing.T, r result) {
		t.Helper()
		if r.code != 0 {
			t.Fatalf("exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
		}
	}
	logged := func(t *testing.T, d, what string) {
		t.Helper()
		b, _ := os.ReadFile(filepath.Join(d, "state", "id06desk.log"))
		if !strings.Contains(string(b), what) {
			t.Fatalf("D's log has no %q:\n%s", what, b)
		}
	}
	cases := []struct {
		name    string
		cmd     []string // the command words
		rest    []string // its own flags and arguments
		globals []string // besides --data-dir D
		stdin   string
		serve   bool
		check   check
	}{
		{name: "window", check: func(t *testing.T, d string, r result) {
			exitOK(t, r)
			if r.win.opts == nil || r.win.opts.WindowStartState == options.Fullscreen {
				t.Fatalf("no admin window opened: %+v", r.win.opts)
			}
			logged(t, d, "opening window")
		}},
		{name: "window --kiosk", globals: []string{"--kiosk"}, check: func(t *testing.T, d string, r result) {
			exitOK(t, r)
			if r.win.opts == nil || r.win.opts.WindowStartState != options.Fullscreen {
				t.Fatal("the kiosk window is not full screen")
			}
			logged(t, d, "kiosk=true")
		}},
		{name: "window --smoke", globals: []string{"--smoke"}, check: func(t *testing.T, d string, r result) {
			exitOK(t, r)
			if !strings.Contains(r.stderr, "smoke test passed") {
				t.Fatalf("stderr %q", r.stderr)
			}
			logged(t, d, "opening window")
		}},
		{name: "serve", cmd: []string{"serve"}, rest: []string{"--addr", "127.0.0.1:0"}, serve: true, check: func(t *testing.T, d string, r result) {
			exitOK(t, r)
			logged(t, d, "stopping")
		}},
		{name: "serve --kiosk --test-camera", cmd: []string{"serve"}, rest: []string{"--addr", "127.0.0.1:0", "--max-client-conns", "10"},
			globals: []string{"--kiosk", "--test-camera", camera}, serve: true, check: func(t *testing.T, d string, r result) {
				exitOK(t, r)
				if !strings.Contains(r.stdout, "Registration kiosk") {
					t.Fatalf("not a kiosk: %s", r.stdout)
				}
			}},
		{name: "admin password", cmd: []string{"admin", "password"}, rest: []string{"--stdin"}, stdin: "a-long-enough-passw0rd\n",
			check: func(t *testing.T, d string, r result) {
				exitOK(t, r)
				db, err := sqlite.Open(context.Background(), filepath.Join(d, "data", "id06desk.db"), sqlite.Options{})
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				if set, err := adminauth.New(db, nil).PasswordSet(context.Background()); err != nil || !set {
					t.Fatalf("no password in D: %v %v", set, err)
				}
			}},
		{name: "admin pin", cmd: []string{"admin", "pin"}, rest: []string{"--stdin"}, stdin: "4711\n", check: func(t *testing.T, d string, r result) {
			exitOK(t, r)
			if _, err := os.Stat(filepath.Join(d, "config", "kiosk-pin")); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "settings get", cmd: []string{"settings", "get"}, rest: []string{"company.name"}, check: func(t *testing.T, d string, r result) {
			exitOK(t, r)
			if r.stdout != "Bygg i D AB\n" {
				t.Fatalf("stdout %q", r.stdout)
			}
		}},
		{name: "settings set", cmd: []string{"settings", "set"}, rest: []string{"company.name=Nytt namn AB"}, check: func(t *testing.T, d string, r result) {
			exitOK(t, r)
			if out := runMain(t, "", "--data-dir", d, "settings", "get", "company.name").stdout; out != "Nytt namn AB\n" {
				t.Fatalf("D has %q", out)
			}
		}},
		{name: "invite", cmd: []string{"invite"}, rest: []string{"--email", "ny@example.se", "--lang", "en"}, check: func(t *testing.T, d string, r result) {
			exitOK(t, r) // fails with "set the company name" without D
			if !regexp.MustCompile(`^[0-9a-f-]{36} \S+ http`).MatchString(r.stdout) {
				t.Fatalf("stdout %q", r.stdout)
			}
		}},
		{name: "outbox flush", cmd: []string{"outbox", "flush"}, rest: []string{"--timeout", "20s"}, check: func(t *testing.T, d string, r result) {
			exitOK(t, r) // "no mail server" without D
			if !strings.HasPrefix(r.stdout, "sent 1,") {
				t.Fatalf("stdout %q", r.stdout)
			}
		}},
		{name: "orders list", cmd: []string{"orders", "list"}, check: func(t *testing.T, d string, r result) {
			exitOK(t, r)
			if !strings.Contains(r.stdout, "order-in-D") {
				t.Fatalf("stdout %q", r.stdout)
			}
		}},
		{name: "orders list --json", cmd: []string{"orders", "list"}, rest: []string{"--json", "--status", "ready"}, check: func(t *testing.T, d string, r result) {
			exitOK(t, r)
			if !strings.Contains(r.stdout, `"id": "order-in-D"`) {
				t.Fatalf("stdout %q", r.stdout)
			}
		}},
		{name: "keys list", cmd: []string{"keys", "list"}, check: func(t *testing.T, d string, r result) {
			exitOK(t, r)
			if n := strings.Count(r.stdout, "\n"); n != 2 { // D has two keys, a fresh folder one
				t.Fatalf("%d keys: %q", n, r.stdout)
			}
		}},
		{name: "keys rotate", cmd: []string{"keys", "rotate"}, check: func(t *testing.T, d string, r result) {
			exitOK(t, r)
			if n := keyFiles(t, d); n != 3 {
				t.Fatalf("%d key files in D", n)
			}
		}},
	}
	for _, tc := range cases {
		positions := map[string][]string{}
		for _, pos := range []string{"before", "after", "between"} {
			d := "DATA_DIR"
			globals := append([]string{"--data-dir", d}, tc.globals...)
			var args []string
			switch pos {
			case "before":
				args = append(append(append(args, globals...), tc.cmd...), tc.rest...)
			case "after":
				args = append(append(append(args, tc.cmd...), tc.rest...), globals...)
			case "between":
				if len(tc.cmd) < 2 {
					continue
				}
				args = append(append(append(append(args, tc.cmd[0]), globals...), tc.cmd[1:]...), tc.rest...)
			}
			positions[pos] = args
		}
		for _, pos := range []string{"before", "after", "between"} {
			args, ok := positions[pos]
			if !ok {
				continue
			}
			t.Run(tc.name+"/"+pos, func(t *testing.T) {
				d := filepath.Join(t.TempDir(), "D")
				copyDir(t, template, d)
				args := append([]string(nil), args...)
				for i, a := range args {
					if a == "DATA_DIR" {
						args[i] = d
					}
				}
				var r result
				if tc.serve {
					var health map[string]any
					health, r = serve(t, args)
					if health["status"] != "ok" || health["kiosk"] != (len(tc.globals) > 0) {
						t.Fatalf("health %v (%s)", health, r.stderr)
					}
				} else {
					r = runMain(t, tc.stdin, args...)
				}
				tc.check(t, d, r)
				assertEmpty(t, xdgRoot)
			})
		}
	}
}

// TestCommandLineErrors: an unknown flag, command or argument is an error
// with exit code 2 and a message, wherever it stands, and nothing is opened.
func TestCommandLineErrors(t *testing.T) {
	xdgRoot := emptyXDG(t)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--bogus"}, "unknown flag: --bogus"},
		{[]string{"--bogus", "orders", "list"}, "unknown flag: --bogus"},
		{[]string{"orders", "list", "--bogus"}, "unknown flag: --bogus"},
		{[]string{"orders", "--bogus", "list"}, "unknown flag: --bogus"},
		{[]string{"serve", "--bogus"}, "unknown flag: --bogus"},
		{[]string{"settings", "get", "--bogus"}, "unknown flag: --bogus"},
		{[]string{"keys", "list", "-x"}, "unknown shorthand flag: 'x'"},
		{[]string{"invite", "--email", "a@example.se", "--bogus", "1"}, "unknown flag: --bogus"},
		{[]string{"admin", "password", "--bogus"}, "unknown flag: --bogus"},
		{[]string{"outbox", "flush", "--timeout", "soon"}, `invalid argument "soon"`},
		{[]string{"--data-dir"}, "flag needs an argument: --data-dir"},
		{[]string{"nope"}, `unknown command "nope"`},
		{[]string{"keys", "burn"}, `unknown command "burn" for "id06desk keys"`},
		{[]string{"keys"}, `"id06desk keys" needs a subcommand`},
		{[]string{"orders", "list", "extra"}, `unexpected argument "extra"`},
		{[]string{"serve", "extra"}, `unexpected argument "extra"`},
		{[]string{"keys", "list", "extra"}, `unexpected argument "extra"`},
		{[]string{"invite"}, "invite --email E"},
		{[]string{"settings", "set", "novalue"}, `"novalue" is not KEY=VALUE`},
		{[]string{"settings", "get", "no.such.key"}, `unknown setting "no.such.key"`},
		{[]string{"orders", "list", "--status", "shipped"}, `unknown status "shipped"`},
		{[]string{"serve", "--max-client-conns", "0"}, "--max-client-conns must be at least 1"},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := runMain(t, "", tc.args...)
			if r.code != cli.ExitUsage || !strings.Contains(r.stderr, tc.want) || !strings.Contains(r.stderr, "--help") {
				t.Fatalf("exit %d, stderr %q; want 2 and %q", r.code, r.stderr, tc.want)
			}
			assertEmpty(t, xdgRoot)
		})
	}
}

// TestHelpOnEveryCommand: --help (and -h, and before the command) prints
// the command's usage and exits 0 without opening anything.
func TestHelpOnEveryCommand(t *testing.T) {
	xdgRoot := emptyXDG(t)
	var paths [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		paths = append(paths, path)
		for _, sub := range c.Commands() {
			if sub.Name() != "help" {
				walk(sub, append(append([]string(nil), path...), sub.Name()))
			}
		}
	}
	walk(cli.NewRoot(cli.Host{}), nil)
	if len(paths) < 14 {
		t.Fatalf("only %d commands: %v", len(paths), paths)
	}
	for _, p := range paths {
		for _, args := range [][]string{append(p, "--help"), append([]string{"--help"}, p...), append(p, "-h")} {
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				r := runMain(t, "", args...)
				want := strings.TrimSpace("id06desk " + strings.Join(p, " "))
				if r.code != 0 || !strings.Contains(r.stdout, "Usage:") || !strings.Contains(r.stdout, want) || !strings.Contains(r.stdout, "--data-dir") {
					t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
				}
				if strings.Contains(r.stdout, "--smoke") || strings.Contains(r.stdout, "--test-camera") {
					t.Fatalf("hidden flags shown:\n%s", r.stdout)
				}
			})
		}
	}
	assertEmpty(t, xdgRoot)
}

func TestVersionAnywhere(t *testing.T) {
	xdgRoot := emptyXDG(t)
	for _, args := range [][]string{{"--version"}, {"--version", "orders", "list"}, {"orders", "list", "--version"}, {"keys", "--version"}, {"serve", "--version"}} {
		r := runMain(t, "", args...)
		if r.code != 0 || r.stdout != "id06desk "+version+"\n" {
			t.Fatalf("%v: exit %d, stdout %q, stderr %q", args, r.code, r.stdout, r.stderr)
		}
	}
	assertEmpty(t, xdgRoot)
}
