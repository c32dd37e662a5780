// Package app is the Wails glue: window options, lifecycle, and the few
// things only a desktop window can do (kiosk lock, quit). Everything else
// goes through the HTTP API. The Wails runtime sits behind a small interface
// so this package is testable without a window.
package app

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/wailsapp/wails/v2/pkg/logger"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// Runtime is the part of the Wails runtime the app uses.
type Runtime interface {
	Quit(ctx context.Context)
}

type wailsRuntime struct{}

func (wailsRuntime) Quit(ctx context.Context) { runtime.Quit(ctx) }

// Config describes the window to open.
type Config struct {
	Title   string
	Kiosk   bool
	Assets  fs.FS        // frontend/dist
	Handler http.Handler // the API
	Icon    []byte       // PNG
	Log     *slog.Logger
}

// Window is the desktop window's lifecycle.
type Window struct {
	cfg      Config
	rt       Runtime
	mu       sync.Mutex
	ctx      context.Context
	mayQuit  atomic.Bool
	pendingQ bool
}

// New returns a Window using the real Wails runtime.
func New(cfg Config) *Window { return newWindow(cfg, wailsRuntime{}) }

func newWindow(cfg Config, rt Runtime) *Window {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	w := &Window{cfg: cfg, rt: rt}
	// An admin console closes normally; a kiosk only when allowed.
	w.mayQuit.Store(!cfg.Kiosk)
	return w
}

// Options builds the Wails application options.
func (w *Window) Options() *options.App {
	o := &options.App{
		Title:     w.cfg.Title,
		Width:     1280,
		Height:    800,
		MinWidth:  360,
		MinHeight: 480,
		AssetServer: &assetserver.Options{
			Assets:  w.cfg.Assets,
			Handler: w.cfg.Handler,
		},
		BackgroundColour:   &options.RGBA{R: 245, G: 246, B: 248, A: 255},
		OnStartup:          w.startup,
		OnBeforeClose:      w.beforeClose,
		LogLevel:           logger.WARNING,
		LogLevelProduction: logger.WARNING,
		Linux: &linux.Options{
			Icon:             w.cfg.Icon,
			ProgramName:      "id06desk",
			WebviewGpuPolicy: linux.WebviewGpuPolicyOnDemand,
		},
	}
	if w.cfg.Kiosk {
		// Needs a window manager to take effect; DisableResize stays off
		// (it keeps GTK from going full screen).
		o.WindowStartState = options.Fullscreen
		o.Frameless = true
		o.AlwaysOnTop = true
		o.EnableDefaultContextMenu = false
	}
	return o
}

func (w *Window) startup(ctx context.Context) {
	w.mu.Lock()
	w.ctx = ctx
	pending := w.pendingQ
	w.mu.Unlock()
	if pending {
		w.rt.Quit(ctx)
	}
}

// beforeClose returns true to keep the window open. In kiosk mode closing
// (and SIGTERM, which Wails routes here too) is blocked until AllowQuit.
func (w *Window) beforeClose(ctx context.Context) bool {
	if w.mayQuit.Load() {
		return false
	}
	w.cfg.Log.Warn("close blocked: kiosk is locked")
	return true
}

// AllowQuit lets the next close request through (admin exit, service stop).
func (w *Window) AllowQuit() { w.mayQuit.Store(true) }

// Quit allows and requests the app to close. Safe to call before the
// window has started: the quit then happens at startup.
func (w *Window) Quit() {
	w.AllowQuit()
	w.mu.Lock()
	ctx := w.ctx
	if ctx == nil {
		w.pendingQ = true
	}
	w.mu.Unlock()
	if ctx != nil {
		w.rt.Quit(ctx)
	}
}
