// Command id06desk is the whole product in one binary: the admin console in
// a Wails window, the registration kiosk (--kiosk), or the same UI served
// over HTTP (`id06desk serve`). This file is the one composition root: it
// resolves paths, opens the store, builds the services and starts the host.
package main

import (
	"bufio"
	"context"
	"embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/wailsapp/wails/v2"
	"golang.org/x/term"

	"id06desk/app"
	"id06desk/internal/adminauth"
	"id06desk/internal/bankidconf"
	"id06desk/internal/cli"
	"id06desk/internal/httpapi"
	"id06desk/internal/instancelock"
	"id06desk/internal/invitations"
	"id06desk/internal/kiosk"
	"id06desk/internal/outbox"
	"id06desk/internal/paths"
	"id06desk/internal/registration"
	"id06desk/internal/settings"
	"id06desk/internal/smtpout"
	"id06desk/internal/sqlite"
	"id06desk/internal/token"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

//go:embed all:frontend/dist
var distFS embed.FS

//go:embed build/appicon.png
var appIcon []byte

const usage = `id06desk — invite ID06 cardholders, register them on site, send orders to Nexus.

Usage:
  id06desk [flags]                      open the admin console window
  id06desk --kiosk [flags]              open the registration kiosk full screen
  id06desk serve [--addr HOST:PORT]     serve the same UI over HTTP (default 127.0.0.1:8080)
  id06desk admin password [--stdin]     set the admin password used by "serve"
  id06desk admin pin [--stdin]          set the PIN that leaves kiosk mode (4–12 digits)
  id06desk settings get [KEY]           show settings (secrets are never shown)
  id06desk settings set KEY=VALUE...    change settings (all or nothing)
  id06desk invite --email E [--card-type T] [--industry I] [--lang sv|en]
  id06desk invite --csv FILE            queue invitations; prints "<id> <code> <link>" per line
  id06desk outbox flush [--timeout 60s] deliver every waiting mail now
  id06desk orders list [--status S] [--json]
                                        list orders, newest first
  id06desk keys list | keys rotate      keys that sign invitation links; rotate makes a new one

Flags (before or after the command):
  --data-dir DIR   keep config, data and state in DIR instead of the XDG folders
  --kiosk          registration kiosk: no admin views
  --version        print the version and exit
  --help           show this help
`

// exit codes
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

type globals struct {
	dataDir string
	kiosk   bool
	version bool
	help    bool
	smoke   bool
	// testCamera plays the pictures in a folder as the kiosk camera.
	testCamera string
}

func (g *globals) register(fs *flag.FlagSet) {
	fs.StringVar(&g.dataDir, "data-dir", g.dataDir, "")
	fs.BoolVar(&g.kiosk, "kiosk", g.kiosk, "")
	fs.BoolVar(&g.version, "version", g.version, "")
	fs.BoolVar(&g.help, "help", g.help, "")
	fs.BoolVar(&g.help, "h", g.help, "")
	// Hidden: exit 0 once the window's UI has called the API, 1 after 30 s.
	fs.BoolVar(&g.smoke, "smoke", g.smoke, "")
	// Hidden: play the pictures in DIR as the camera (end-to-end tests).
	fs.StringVar(&g.testCamera, "test-camera", g.testCamera, "")
}

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	syscall.Umask(0o077) // everything written is owner-only
	var g globals
	top := newFlagSet("id06desk", stderr)
	g.register(top)
	if err := top.Parse(args); err != nil {
		return usageError(stderr, err)
	}
	if g.version {
		fmt.Fprintln(stdout, "id06desk", version)
		return exitOK
	}
	rest := top.Args()
	if g.help || (len(rest) > 0 && rest[0] == "help") {
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	if len(rest) == 0 {
		return runWindow(g, stderr)
	}
	switch rest[0] {
	case "serve":
		fs := newFlagSet("serve", stderr)
		g.register(fs)
		addr := fs.String("addr", "127.0.0.1:8080", "")
		if err := fs.Parse(rest[1:]); err != nil {
			return usageError(stderr, err)
		}
		if fs.NArg() > 0 {
			return usageError(stderr, fmt.Errorf("unexpected argument %q", fs.Arg(0)))
		}
		return runServe(g, *addr, stdout, stderr)
	case "admin":
		if len(rest) < 2 || (rest[1] != "password" && rest[1] != "pin") {
			return usageError(stderr, errors.New(`"admin" needs a subcommand: id06desk admin password | admin pin`))
		}
		fs := newFlagSet("admin "+rest[1], stderr)
		g.register(fs)
		fromStdin := fs.Bool("stdin", false, "")
		if err := fs.Parse(rest[2:]); err != nil {
			return usageError(stderr, err)
		}
		if rest[1] == "pin" {
			return runAdminPIN(g, *fromStdin, stdin, stdout, stderr)
		}
		return runAdminPassword(g, *fromStdin, stdin, stdout, stderr)
	case "settings", "invite", "outbox", "orders", "keys":
		return runCommand(g, rest, stdin, stdout, stderr)
	default:
		return usageError(stderr, fmt.Errorf("unknown command %q", rest[0]))
	}
}

func usageError(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "id06desk: %v\n\n%s", err, usage)
	return exitUsage
}

func fail(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "id06desk: %v\n", err)
	return exitError
}

// env is what every host shares: paths, logger, store.
type env struct {
	paths       paths.Paths
	log         *slog.Logger
	db          *sqlite.DB
	settings    *settings.Service
	invitations *invitations.Service
	register    *registration.Service
	keys        *token.KeyRing
	pin         *kiosk.PIN
	hasher      *adminauth.Hasher // the one cap on argon2 hashes at once (login, PIN)
	station     *kiosk.Station
	testCamera  func(file string) error // nil unless --test-camera
	bankid      *bankidconf.Provider
	outbox      *outbox.Worker
	close       func()
	// baseURL is where `serve` listens, the registration link's default
	// base when the public_url setting is empty.
	baseURL atomic.Pointer[string]
}

// openEnv resolves and creates the folders, opens the log and the database.
// lock takes the single-instance lock (window and serve; not CLI commands).
func openEnv(g globals, lock bool, stderr io.Writer) (*env, error) {
	p, err := paths.Resolve(g.dataDir)
	if err != nil {
		return nil, err
	}
	if err := p.Ensure(); err != nil {
		return nil, err
	}
	var closers []func()
	closeAll := func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	if lock {
		l, err := instancelock.Acquire(p.LockFile())
		if err != nil {
			return nil, err
		}
		closers = append(closers, func() { l.Release() })
	}
	logFile, err := os.OpenFile(p.State+"/id06desk.log", os.O_CREATE|os.O_APPEND|os.O_WRONLY, paths.FileMode)
	if err != nil {
		closeAll()
		return nil, &paths.DirError{Path: p.State, Err: err}
	}
	closers = append(closers, func() { logFile.Close() })
	log := slog.New(slog.NewTextHandler(io.MultiWriter(stderr, logFile), &slog.HandlerOptions{Level: slog.LevelInfo}))

	db, err := sqlite.Open(context.Background(), p.Database(), sqlite.Options{})
	if err != nil {
		closeAll()
		return nil, err
	}
	closers = append(closers, func() { db.Close() })

	keys, err := token.LoadOrCreate(filepath.Join(p.Config, "keys"))
	if err != nil {
		closeAll()
		return nil, fmt.Errorf("invitation signing keys: %w", err)
	}
	st := settings.NewService(db, p.Config)
	worker := outbox.NewWorker(db, smtpout.SenderSource(st.Load, nil), log, outbox.Options{})
	hasher := adminauth.NewHasher(adminauth.DefaultConcurrentHashes)
	e := &env{paths: p, log: log, db: db, settings: st, outbox: worker, keys: keys, close: closeAll, hasher: hasher,
		pin: kiosk.NewPIN(filepath.Join(p.Config, "kiosk-pin"), kiosk.PINHasher(hasher))}
	e.station = kiosk.NewStation(func(ctx context.Context) kiosk.Choice {
		c := kiosk.Choice{}
		if v, err := st.Load(ctx); err == nil {
			c.Label = v.Get("camera.device")
			fmt.Sscanf(v.Get("camera.resolution"), "%dx%d", &c.Width, &c.Height)
		}
		return c
	})
	closers = append(closers, e.station.Close)
	if g.testCamera != "" {
		tc, err := kiosk.NewTestCamera(g.testCamera)
		if err != nil {
			closeAll()
			return nil, err
		}
		closers = append(closers, tc.Close)
		e.testCamera = tc.Play
	}
	publicURL := func() string {
		if u := e.baseURL.Load(); u != nil {
			return *u
		}
		return defaultPublicURL
	}
	e.invitations = invitations.New(invitations.Config{
		Store: db, Settings: st, Keys: keys, Wake: worker.Wake, DefaultPublicURL: publicURL,
	})
	e.bankid = bankidconf.New(p.Config, st)
	e.register = registration.New(registration.Config{
		Store: db, Settings: st, Keys: keys, Log: log, Wake: worker.Wake, DefaultPublicURL: publicURL, BankIDs: e.bankid,
	})
	return e, nil
}

// sweep does the housekeeping at start and then every interval until ctx
// ends: expired invitations are marked, stale registration drafts (personal
// data, photos) deleted after retention.draft_days, and delivered orders'
// personal data purged after retention.order_days.
func (e *env) sweep(ctx context.Context, every time.Duration) {
	for {
		draftDays, orderDays := 30, 90
		if v, err := e.settings.Load(ctx); err == nil {
			draftDays, orderDays = v.Int("retention.draft_days"), v.Int("retention.order_days")
		}
		now := time.Now()
		res, err := e.db.Sweep(ctx, now, now.Add(-time.Duration(draftDays)*24*time.Hour), now.Add(-time.Duration(orderDays)*24*time.Hour))
		switch {
		case err != nil && ctx.Err() == nil:
			e.log.Error("housekeeping", "err", err)
		case res.Expired+res.DraftsDeleted+res.OrdersPurged > 0:
			e.log.Info("housekeeping", "invitations_expired", res.Expired, "drafts_deleted", res.DraftsDeleted, "orders_purged", res.OrdersPurged)
		}
		t := time.NewTimer(every)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// defaultPublicURL is the registration base when the public_url setting is
// empty: the default serve address.
const defaultPublicURL = "http://127.0.0.1:8080"

// frontend returns the embedded, built UI.
func frontend() (fs.FS, error) {
	sub, err := fs.Sub(distFS, "frontend/dist")
	if err != nil {
		return nil, err
	}
	if _, err := fs.Stat(sub, "index.html"); err != nil {
		return nil, errors.New("this binary was built without its user interface (frontend/dist is empty): build it with `make build`")
	}
	return sub, nil
}

func runWindow(g globals, stderr io.Writer) int {
	assets, err := frontend()
	if err != nil {
		return fail(stderr, err)
	}
	e, err := openEnv(g, true, stderr)
	if err != nil {
		return fail(stderr, err)
	}
	defer e.close()
	if !g.kiosk {
		// The "start in kiosk mode" setting makes a site PC a kiosk without
		// a special shortcut.
		if v, err := e.settings.Load(context.Background()); err == nil && v.Get("kiosk.start") == "on" {
			g.kiosk = true
		}
	}

	var win *app.Window
	ready := make(chan struct{})
	api := httpapi.New(httpapi.Config{
		Version: version, Mode: httpapi.ModeWindow, Kiosk: g.kiosk, DataDir: e.paths.Data,
		DB: e.db, Log: e.log, Settings: e.settings, Invitations: e.invitations, Outbox: e.outbox,
		Registration: e.register, Orders: e.db, Keys: e.keys,
		Station: e.station, PIN: e.pin, TestCamera: e.testCamera, BankID: e.bankid,
		OnKioskExit: func() {
			win.AllowQuit()
			win.Quit()
		},
		OnUIReady: func(route string) {
			close(ready)
			if g.smoke {
				win.Quit()
			}
		},
	})
	win = app.New(app.Config{Title: "id06desk", Kiosk: g.kiosk, Assets: assets, Handler: api, Icon: appIcon, Log: e.log})
	if g.smoke {
		go func() {
			select {
			case <-ready:
			case <-time.After(30 * time.Second):
				fmt.Fprintln(stderr, "id06desk: smoke test failed: the window did not load the user interface within 30 s")
				os.Exit(exitError)
			}
		}()
	}
	ctx, stopWorker := context.WithCancel(context.Background())
	defer stopWorker()
	if !g.kiosk {
		go e.outbox.Run(ctx, time.Minute)
	}
	go e.sweep(ctx, time.Hour)
	e.log.Info("opening window", "version", version, "kiosk", g.kiosk, "data", e.paths.Data)
	if err := wails.Run(win.Options()); err != nil {
		return fail(stderr, fmt.Errorf("window: %w", err))
	}
	if g.smoke {
		select {
		case <-ready:
			fmt.Fprintln(stderr, "id06desk: smoke test passed: the window loaded the user interface")
		default:
			return fail(stderr, errors.New("smoke test failed: the window closed before the user interface started"))
		}
	}
	return exitOK
}

func runServe(g globals, addr string, stdout, stderr io.Writer) int {
	assets, err := frontend()
	if err != nil {
		return fail(stderr, err)
	}
	e, err := openEnv(g, true, stderr)
	if err != nil {
		return fail(stderr, err)
	}
	defer e.close()

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fail(stderr, fmt.Errorf("the address %s is already in use: stop the program using it, or choose another with --addr 127.0.0.1:PORT", addr))
		}
		return fail(stderr, fmt.Errorf("cannot listen on %s: %w", addr, err))
	}
	auth := adminauth.New(e.db, nil, adminauth.WithHasher(e.hasher))
	kioskExit := make(chan struct{})
	var exitOnce sync.Once
	api := httpapi.New(httpapi.Config{
		Version: version, Mode: httpapi.ModeServe, Kiosk: g.kiosk, DataDir: e.paths.Data,
		DB: e.db, Auth: auth, Log: e.log, Assets: assets,
		Settings: e.settings, Invitations: e.invitations, Outbox: e.outbox,
		Registration: e.register, Orders: e.db, Keys: e.keys,
		Station: e.station, PIN: e.pin, TestCamera: e.testCamera, BankID: e.bankid,
		OnKioskExit: func() { exitOnce.Do(func() { close(kioskExit) }) },
	})
	srv := &http.Server{
		Handler:           api.Site(),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(e.log.Handler(), slog.LevelWarn),
	}
	url := "http://" + displayAddr(ln.Addr()) + "/"
	base := strings.TrimSuffix(url, "/")
	e.baseURL.Store(&base)
	fmt.Fprintf(stdout, "id06desk %s serving on %s\n", version, url)
	if g.kiosk {
		fmt.Fprintf(stdout, "Registration kiosk (open this link once, on the kiosk's screen): %s\n", api.KioskURL(base))
	} else if link, ok, err := auth.FirstRunLink(context.Background(), base); err == nil && ok {
		fmt.Fprintf(stdout, "No admin password is set yet. Set it in a browser on this computer (the link works once, for 1 hour):\n  %s\nor run `id06desk%s admin password`.\n", link, dataDirArg(g))
	}
	if host, _, _ := net.SplitHostPort(addr); host != "127.0.0.1" && host != "localhost" && host != "::1" {
		e.log.Warn("serving beyond this computer: use a TLS-terminating proxy in front", "addr", addr)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if !g.kiosk {
		go e.outbox.Run(ctx, time.Minute)
	}
	go e.sweep(ctx, time.Hour)
	select {
	case err := <-errc:
		return fail(stderr, fmt.Errorf("serve: %w", err))
	case <-ctx.Done():
	case <-kioskExit:
		e.log.Info("kiosk mode left with the admin PIN")
	}
	e.log.Info("stopping")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	srv.Shutdown(shutdownCtx)
	return exitOK
}

func displayAddr(a net.Addr) string {
	if t, ok := a.(*net.TCPAddr); ok && t.IP.IsUnspecified() {
		return fmt.Sprintf("127.0.0.1:%d", t.Port)
	}
	return a.String()
}

func dataDirArg(g globals) string {
	if g.dataDir == "" {
		return ""
	}
	return " --data-dir " + g.dataDir
}

// readSecret reads a new password or PIN: twice without echo from a
// terminal, or one line from standard input (--stdin, or not a terminal).
func readSecret(what string, fromStdin bool, stdin io.Reader, stderr io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && !fromStdin && term.IsTerminal(int(f.Fd())) {
		fmt.Fprintf(stderr, "New %s: ", what)
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(stderr, "Repeat it: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		if string(a) != string(b) {
			return "", fmt.Errorf("the two entries differ; nothing was changed")
		}
		return string(a), nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", fmt.Errorf("no %s on standard input; nothing was changed", what)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func runAdminPassword(g globals, fromStdin bool, stdin io.Reader, stdout, stderr io.Writer) int {
	pw, err := readSecret("admin password", fromStdin, stdin, stderr)
	if err != nil {
		return fail(stderr, err)
	}
	e, err := openEnv(g, false, io.Discard)
	if err != nil {
		return fail(stderr, err)
	}
	defer e.close()
	if err := adminauth.New(e.db, nil).SetPassword(context.Background(), pw); err != nil {
		if errors.Is(err, adminauth.ErrWeakPassword) {
			return fail(stderr, fmt.Errorf("%v; nothing was changed", err))
		}
		return fail(stderr, err)
	}
	fmt.Fprintln(stdout, "Admin password set. Existing admin sessions were logged out.")
	return exitOK
}

// runAdminPIN sets the PIN that leaves kiosk mode.
func runAdminPIN(g globals, fromStdin bool, stdin io.Reader, stdout, stderr io.Writer) int {
	pin, err := readSecret("kiosk PIN (4–12 digits)", fromStdin, stdin, stderr)
	if err != nil {
		return fail(stderr, err)
	}
	e, err := openEnv(g, false, io.Discard)
	if err != nil {
		return fail(stderr, err)
	}
	defer e.close()
	if err := e.pin.Set(pin); err != nil {
		return fail(stderr, fmt.Errorf("%v; nothing was changed", err))
	}
	_ = e.db.Audit(context.Background(), "admin (command line)", "kiosk.pin_set", "", "")
	fmt.Fprintln(stdout, "Kiosk PIN set.")
	return exitOK
}

// runCommand runs a scripted command beside (or without) a running app.
func runCommand(g globals, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e, err := openEnv(g, false, io.Discard)
	if err != nil {
		return fail(stderr, err)
	}
	defer e.close()
	svc := cli.Services{Settings: e.settings, Invitations: e.invitations, Outbox: e.outbox, Orders: e.db, Keys: e.keys}
	err = cli.Run(context.Background(), svc, args, g.register, stdout, stderr)
	if errors.Is(err, cli.ErrUsage) {
		return usageError(stderr, err)
	}
	if err != nil {
		return fail(stderr, err)
	}
	return exitOK
}
