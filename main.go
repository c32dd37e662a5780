// Command id06desk is the whole product in one binary: the admin console in
// a Wails window, the registration kiosk (--kiosk), or the same UI served
// over HTTP (`id06desk serve`). This file is the entry point only: it holds
// what must live in the main package (the embedded UI and icon, wails.Run)
// and hands them to the command line (internal/cli), whose commands and
// hosts all run on one App (internal/core).
package main

import (
	"context"
	"embed"
	"errors"
	"io"
	"io/fs"
	"os"
	"syscall"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"

	"id06desk/internal/cli"
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
		Version: version, UI: frontend, Icon: appIcon, OpenWindow: openWindow,
		Stdin: stdin, Stdout: stdout, Stderr: stderr,
	}, args)
}

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
