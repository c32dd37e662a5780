// Command id06desk is the whole product in one binary: the admin console in
// a Wails window, the registration kiosk (--kiosk), or the same UI served
// over HTTP (`id06desk serve`). This file is the one composition root: it
// resolves paths, opens the store, builds the services and starts the host.
package main

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"

	"id06desk/app"
	"id06desk/internal/adminauth"
	"id06desk/internal/applog"
	"id06desk/internal/bankidconf"
	"id06desk/internal/cli"
	"id06desk/internal/housekeeping"
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
	"id06desk/internal/webserver"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

//go:embed all:frontend/dist
var distFS embed.FS

//go:embed build/appicon.png
var appIcon []byte

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr, wails.Run))
}

// run runs the command line; openWindow is wails.Run (tests pass their own).
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, openWindow func(*options.App) error) int {
	syscall.Umask(0o077) // everything written is owner-only
	return cli.Main(ctx, cli.Host{
		Version: version,
		Open: func(g cli.Globals) (cli.Services, func(), error) {
			e, err := openEnv(g, false, io.Discard)
			if err != nil {
				return cli.Services{}, nil, err
			}
			return cli.Services{Settings: e.settings, Invitations: e.invitations, Outbox: e.outbox, Orders: e.db, Keys: e.keys,
				Admin: adminauth.New(e.db, nil), PIN: e.pin, Audit: e.db}, e.close, nil
		},
		Window: func(ctx context.Context, g cli.Globals) error { return runWindow(g, stderr, openWindow) },
		Serve: func(ctx context.Context, g cli.Globals, o cli.ServeOptions) error {
			return runServe(ctx, g, o, stdout, stderr)
		},
		Stdin: stdin, Stdout: stdout, Stderr: stderr,
	}, args)
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
func openEnv(g cli.Globals, lock bool, stderr io.Writer) (*env, error) {
	p, err := paths.Resolve(g.DataDir)
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
	log, logFile, err := applog.Open(filepath.Join(p.State, "id06desk.log"), stderr, applog.Options{})
	if err != nil {
		closeAll()
		return nil, &paths.DirError{Path: p.State, Err: err}
	}
	closers = append(closers, func() { logFile.Close() })

	db, err := sqlite.Open(context.Background(), p.Database(), sqlite.Options{Log: log})
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
	if g.TestCamera != "" {
		tc, err := kiosk.NewTestCamera(g.TestCamera)
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

// housekeeping runs the clean-up job until ctx ends.
func (e *env) housekeeping(ctx context.Context) {
	housekeeping.Run(ctx, housekeeping.Config{Store: e.db, Settings: e.settings.Load, Log: e.log})
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

func runWindow(g cli.Globals, stderr io.Writer, openWindow func(*options.App) error) error {
	assets, err := frontend()
	if err != nil {
		return err
	}
	e, err := openEnv(g, true, stderr)
	if err != nil {
		return err
	}
	defer e.close()
	if !g.Kiosk {
		// The "start in kiosk mode" setting makes a site PC a kiosk without
		// a special shortcut.
		if v, err := e.settings.Load(context.Background()); err == nil && v.Get("kiosk.start") == "on" {
			g.Kiosk = true
		}
	}

	var win *app.Window
	ready := make(chan struct{})
	api := httpapi.New(httpapi.Config{
		Version: version, Mode: httpapi.ModeWindow, Kiosk: g.Kiosk, DataDir: e.paths.Data,
		DB: e.db, Log: e.log, Settings: e.settings, Invitations: e.invitations, Outbox: e.outbox,
		Registration: e.register, Orders: e.db, Keys: e.keys,
		Station: e.station, PIN: e.pin, TestCamera: e.testCamera, BankID: e.bankid,
		OnKioskExit: func() {
			win.AllowQuit()
			win.Quit()
		},
		OnUIReady: func(route string) {
			close(ready)
			if g.Smoke {
				win.Quit()
			}
		},
	})
	win = app.New(app.Config{Title: "id06desk", Kiosk: g.Kiosk, Assets: assets, Handler: api, Icon: appIcon, Log: e.log})
	if g.Smoke {
		go func() {
			select {
			case <-ready:
			case <-time.After(30 * time.Second):
				fmt.Fprintln(stderr, "id06desk: smoke test failed: the window did not load the user interface within 30 s")
				os.Exit(cli.ExitError)
			}
		}()
	}
	ctx, stopWorker := context.WithCancel(context.Background())
	defer stopWorker()
	if !g.Kiosk {
		go e.outbox.Run(ctx, time.Minute)
	}
	go e.housekeeping(ctx)
	e.log.Info("opening window", "version", version, "kiosk", g.Kiosk, "data", e.paths.Data)
	if err := openWindow(win.Options()); err != nil {
		return fmt.Errorf("window: %w", err)
	}
	if g.Smoke {
		select {
		case <-ready:
			fmt.Fprintln(stderr, "id06desk: smoke test passed: the window loaded the user interface")
		default:
			return errors.New("smoke test failed: the window closed before the user interface started")
		}
	}
	return nil
}

func runServe(ctx context.Context, g cli.Globals, o cli.ServeOptions, stdout, stderr io.Writer) error {
	addr := o.Addr
	assets, err := frontend()
	if err != nil {
		return err
	}
	e, err := openEnv(g, true, stderr)
	if err != nil {
		return err
	}
	defer e.close()

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("the address %s is already in use: stop the program using it, or choose another with --addr 127.0.0.1:PORT", addr)
		}
		return fmt.Errorf("cannot listen on %s: %w", addr, err)
	}
	auth := adminauth.New(e.db, nil, adminauth.WithHasher(e.hasher))
	kioskExit := make(chan struct{})
	var exitOnce sync.Once
	api := httpapi.New(httpapi.Config{
		Version: version, Mode: httpapi.ModeServe, Kiosk: g.Kiosk, DataDir: e.paths.Data,
		DB: e.db, Auth: auth, Log: e.log, Assets: assets,
		Settings: e.settings, Invitations: e.invitations, Outbox: e.outbox,
		Registration: e.register, Orders: e.db, Keys: e.keys,
		Station: e.station, PIN: e.pin, TestCamera: e.testCamera, BankID: e.bankid,
		OnKioskExit: func() { exitOnce.Do(func() { close(kioskExit) }) },
	})
	srv := webserver.New(webserver.Config{Handler: api.Site(), Log: e.log, MaxClientConns: o.MaxClientConns})
	url := "http://" + displayAddr(ln.Addr()) + "/"
	base := strings.TrimSuffix(url, "/")
	e.baseURL.Store(&base)
	fmt.Fprintf(stdout, "id06desk %s serving on %s\n", version, url)
	if g.Kiosk {
		fmt.Fprintf(stdout, "Registration kiosk (open this link once, on the kiosk's screen): %s\n", api.KioskURL(base))
	} else if link, ok, err := auth.FirstRunLink(context.Background(), base); err == nil && ok {
		fmt.Fprintf(stdout, "No admin password is set yet. Set it in a browser on this computer (the link works once, for 1 hour):\n  %s\nor run `id06desk%s admin password`.\n", link, dataDirArg(g))
	}
	if host, _, _ := net.SplitHostPort(addr); host != "127.0.0.1" && host != "localhost" && host != "::1" {
		e.log.Warn("serving beyond this computer: use a TLS-terminating proxy in front", "addr", addr)
	}

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if !g.Kiosk {
		go e.outbox.Run(ctx, time.Minute)
	}
	go e.housekeeping(ctx)
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	case <-kioskExit:
		e.log.Info("kiosk mode left with the admin PIN")
	}
	e.log.Info("stopping")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	srv.Shutdown(shutdownCtx)
	return nil
}

func displayAddr(a net.Addr) string {
	if t, ok := a.(*net.TCPAddr); ok && t.IP.IsUnspecified() {
		return fmt.Sprintf("127.0.0.1:%d", t.Port)
	}
	return a.String()
}

func dataDirArg(g cli.Globals) string {
	if g.DataDir == "" {
		return ""
	}
	return " --data-dir " + g.DataDir
}
