package app

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/wailsapp/wails/v2/pkg/options"
)

type fakeRuntime struct{ quits atomic.Int32 }

func (f *fakeRuntime) Quit(context.Context) { f.quits.Add(1) }

func TestKioskOptions(t *testing.T) {
	w := newWindow(Config{Title: "id06desk", Kiosk: true}, &fakeRuntime{})
	o := w.Options()
	if o.WindowStartState != options.Fullscreen || !o.Frameless || !o.AlwaysOnTop || o.DisableResize || o.EnableDefaultContextMenu {
		t.Fatalf("kiosk options wrong: %+v", o)
	}
	admin := newWindow(Config{Title: "id06desk"}, &fakeRuntime{}).Options()
	if admin.WindowStartState == options.Fullscreen || admin.Frameless || admin.AlwaysOnTop {
		t.Fatal("admin window looks like a kiosk")
	}
	if o.AssetServer == nil {
		t.Fatal("no asset server")
	}
}

func TestKioskBlocksCloseUntilAllowed(t *testing.T) {
	rt := &fakeRuntime{}
	w := newWindow(Config{Kiosk: true}, rt)
	ctx := context.Background()
	w.startup(ctx)
	if !w.beforeClose(ctx) {
		t.Fatal("locked kiosk allowed close")
	}
	w.AllowQuit()
	if w.beforeClose(ctx) {
		t.Fatal("close still blocked after AllowQuit")
	}
	admin := newWindow(Config{}, rt)
	if admin.beforeClose(ctx) {
		t.Fatal("admin window blocked close")
	}
}

func TestQuitBeforeStartupIsDeferred(t *testing.T) {
	rt := &fakeRuntime{}
	w := newWindow(Config{Kiosk: true}, rt)
	w.Quit()
	if rt.quits.Load() != 0 {
		t.Fatal("quit before startup reached the runtime")
	}
	w.startup(context.Background())
	if rt.quits.Load() != 1 || w.beforeClose(context.Background()) {
		t.Fatal("deferred quit not performed or still blocked")
	}
	w.Quit()
	if rt.quits.Load() != 2 {
		t.Fatal("quit after startup not performed")
	}
}
