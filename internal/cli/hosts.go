package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"id06desk/app"
	"id06desk/internal/core"
	"id06desk/internal/httpapi"
	"id06desk/internal/webserver"
)

// openApp opens the App for a command, or for a host (lock: the
// single-instance lock, log also on stderr).
func openApp(h Host, g Globals, host bool) (*core.App, error) {
	o := core.Options{DataDir: g.DataDir, Version: h.Version, TestCamera: g.TestCamera}
	if host {
		o.Lock, o.LogTo = true, h.Stderr
	}
	return core.Open(context.Background(), o)
}

// openServices is the default Host.Open: the App, without its jobs.
func openServices(h Host) func(g Globals) (Services, func(), error) {
	return func(g Globals) (Services, func(), error) {
		a, err := openApp(h, g, false)
		if err != nil {
			return Services{}, nil, err
		}
		return Services{Settings: a.Settings, Invitations: a.Invitations, Outbox: a.Outbox, Orders: a.Orders, Batches: a.Batches, OrderStatus: a.Orders, Keys: a.Keys,
			Admin: a.Auth, PIN: a.PIN, Audit: a.DB, Exports: a.Exports, Sweeper: a.DB, Retention: a.Retention,
			ConsoleSync: a.ConsoleSync, KioskSync: KioskSyncOf(a.KioskSync), SyncRound: a.SyncNow, SyncMail: a.SyncMailStatus, Backup: a.Backup}, a.Close, nil
	}
}

// ui returns the built frontend.
func (h Host) ui() (fs.FS, error) {
	if h.UI == nil {
		return nil, errors.New("this binary was built without its user interface")
	}
	return h.UI()
}

// runWindow is the default Host.Window: the admin console, or the kiosk,
// in a Wails window (Host.OpenWindow).
func runWindow(h Host) func(ctx context.Context, g Globals) error {
	return func(ctx context.Context, g Globals) error {
		assets, err := h.ui()
		if err != nil {
			return err
		}
		a, err := openApp(h, g, true)
		if err != nil {
			// Started from the menu, nobody reads stderr: say it in a
			// window too (Main prints it as well, and exits 1).
			if !g.Smoke && h.OpenWindow != nil {
				sv, en, ok := messageOf(err)
				if !ok {
					sv, en = err.Error(), err.Error()
				}
				if werr := h.OpenWindow(app.ErrorWindow(sv, en, h.Icon)); werr != nil {
					return errors.Join(err, fmt.Errorf("window: %w", werr))
				}
			}
			return err
		}
		defer a.Close()
		if !g.Kiosk {
			// The "start in kiosk mode" setting makes a site PC a kiosk
			// without a special shortcut.
			if v, err := a.Settings.Load(ctx); err == nil && v.Get("kiosk.start") == "on" {
				g.Kiosk = true
			}
		}

		var win *app.Window
		ready := make(chan struct{})
		api := a.API(core.APIOptions{
			Mode: httpapi.ModeWindow, Kiosk: g.Kiosk,
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
		win = app.New(app.Config{Title: "id06desk", Kiosk: g.Kiosk, Assets: assets, Handler: api, Icon: h.Icon, Log: a.Log})
		if g.Smoke {
			go func() {
				select {
				case <-ready:
				case <-time.After(30 * time.Second):
					fmt.Fprintln(h.Stderr, "id06desk: smoke test failed: the window did not load the user interface within 30 s")
					os.Exit(ExitError)
				}
			}()
		}
		ctx, stopJobs := context.WithCancel(ctx)
		defer stopJobs()
		a.Start(ctx)
		a.Log.Info("opening window", "version", h.Version, "kiosk", g.Kiosk, "data", a.Paths.Data)
		if h.OpenWindow == nil {
			return errors.New("this build cannot open a window")
		}
		if err := h.OpenWindow(win.Options()); err != nil {
			return fmt.Errorf("window: %w", err)
		}
		if g.Smoke {
			select {
			case <-ready:
				fmt.Fprintln(h.Stderr, "id06desk: smoke test passed: the window loaded the user interface")
			default:
				return errors.New("smoke test failed: the window closed before the user interface started")
			}
		}
		return nil
	}
}

// runServe is the default Host.Serve: the same UI over HTTP until ctx
// ends, SIGINT or SIGTERM, or the kiosk is left with the admin PIN.
func runServe(h Host) func(ctx context.Context, g Globals, o ServeOptions) error {
	return func(ctx context.Context, g Globals, o ServeOptions) error {
		addr := o.Addr
		assets, err := h.ui()
		if err != nil {
			return err
		}
		a, err := openApp(h, g, true)
		if err != nil {
			return err
		}
		defer a.Close()

		ln, err := net.Listen("tcp", addr)
		if err != nil {
			if errors.Is(err, syscall.EADDRINUSE) {
				return fmt.Errorf("the address %s is already in use: stop the program using it, or choose another with --addr 127.0.0.1:PORT", addr)
			}
			return fmt.Errorf("cannot listen on %s: %w", addr, err)
		}
		kioskExit := make(chan struct{})
		var exitOnce sync.Once
		api := a.API(core.APIOptions{
			Mode: httpapi.ModeServe, Kiosk: g.Kiosk, Assets: assets,
			OnKioskExit: func() { exitOnce.Do(func() { close(kioskExit) }) },
		})
		srv := webserver.New(webserver.Config{Handler: api.Site(), Log: a.Log, MaxClientConns: o.MaxClientConns})
		url := "http://" + displayAddr(ln.Addr()) + "/"
		base := strings.TrimSuffix(url, "/")
		a.SetBaseURL(base)
		fmt.Fprintf(h.Stdout, "id06desk %s serving on %s\n", h.Version, url)
		if g.Kiosk {
			fmt.Fprintf(h.Stdout, "Registration kiosk (open this link once, on the kiosk's screen): %s\n", api.KioskURL(base))
		} else if link, ok, err := a.Auth.FirstRunLink(ctx, base); err == nil && ok {
			fmt.Fprintf(h.Stdout, "No admin password is set yet. Set it in a browser on this computer (the link works once, for 1 hour):\n  %s\nor run `id06desk%s admin password`.\n", link, dataDirArg(g))
		}
		if host, _, _ := net.SplitHostPort(addr); host != "127.0.0.1" && host != "localhost" && host != "::1" {
			a.Log.Warn("serving beyond this computer: use a TLS-terminating proxy in front", "addr", addr)
		}

		ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
		defer stop()
		errc := make(chan error, 1)
		go func() { errc <- srv.Serve(ln) }()
		a.Start(ctx)
		select {
		case err := <-errc:
			return fmt.Errorf("serve: %w", err)
		case <-ctx.Done():
		case <-kioskExit:
			a.Log.Info("kiosk mode left with the admin PIN")
		}
		a.Log.Info("stopping")
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(shutdownCtx)
		return nil
	}
}

func displayAddr(a net.Addr) string {
	if t, ok := a.(*net.TCPAddr); ok && t.IP.IsUnspecified() {
		return fmt.Sprintf("127.0.0.1:%d", t.Port)
	}
	return a.String()
}

func dataDirArg(g Globals) string {
	if g.DataDir == "" {
		return ""
	}
	return " --data-dir " + g.DataDir
}
