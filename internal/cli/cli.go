// Package cli is id06desk's command line: the command tree (spf13/cobra),
// the global flags, and the scripted commands (`settings`, `invite`,
// `outbox`, `orders`, `keys`, `admin`, `kiosk autostart`). The commands follow the same rules
// as the UI because they call the same services: the App (internal/core)
// opens them for the commands and runs the two hosts, the window and the
// server (hosts.go).
//
// Global flags work before or after any command and subcommand: they are
// cobra persistent flags, and no command opens the data folder before every
// flag is parsed.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os/user"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/wailsapp/wails/v2/pkg/options"

	"id06desk/internal/audit"
	"id06desk/internal/backup"
	"id06desk/internal/exports"
	"id06desk/internal/housekeeping"
	"id06desk/internal/i18n"
	"id06desk/internal/invitations"
	"id06desk/internal/outbox"
	"id06desk/internal/settings"
	"id06desk/internal/token"
	"id06desk/internal/webserver"
)

// Exit codes.
const (
	ExitOK    = 0
	ExitError = 1
	ExitUsage = 2
)

// ErrUsage marks a command line that is wrong (exit code 2).
var ErrUsage = errors.New("usage")

// Globals are the flags every command accepts, before or after its name.
type Globals struct {
	DataDir string // --data-dir: config, data and state in DIR instead of the XDG folders
	Kiosk   bool   // --kiosk: registration kiosk, no admin views
	// Smoke (hidden): the window exits 0 once its UI has called the API.
	Smoke bool
	// TestCamera (hidden): play the pictures in this folder as the camera.
	TestCamera string
}

// ServeOptions are the flags of `serve`.
type ServeOptions struct {
	Addr string
	// MaxClientConns caps the open connections per client IP address.
	MaxClientConns int
}

// Services are what the scripted commands use. A command uses only some
// of them; the others may be nil.
type Services struct {
	Settings    *settings.Service
	Invitations *invitations.Service
	Outbox      *outbox.Worker
	Orders      OrderLister
	Batches     BatchSender
	OrderStatus OrderStatusRecorder
	Keys        *token.KeyRing
	Admin       PasswordSetter
	PIN         PINSetter
	Audit       Auditor
	// Exports writes the CSV exports; Sweeper purges (purge).
	Exports *exports.Service
	Sweeper Sweeper
	// Retention reads the retention settings' cutoffs at now (purge).
	Retention func(ctx context.Context, now time.Time) (drafts, orders time.Time)
	// ConsoleSync pairs kiosks and imports their bundles (the console).
	ConsoleSync ConsoleSyncer
	// KioskSync is the kiosk's side of sync (nil on a console).
	KioskSync KioskSync
	// Backup writes encrypted backups (backup).
	Backup *backup.Service
	// SyncRound runs one mail sync round (the kiosk's or the console's);
	// SyncMail reports the mail transports. JSON-able results.
	SyncRound func(ctx context.Context) (any, error)
	SyncMail  func(ctx context.Context) (any, error)
}

// Sweeper is the store's housekeeping: a sweep, or its preview.
type Sweeper interface {
	housekeeping.Store
	housekeeping.Previewer
}

// PasswordSetter sets the admin password (adminauth).
type PasswordSetter interface {
	SetPassword(ctx context.Context, password string) error
}

// PINSetter sets the PIN that leaves kiosk mode (kiosk.PIN).
type PINSetter interface {
	Set(pin string) error
}

// Auditor records who did what (the SQLite store).
type Auditor interface {
	Audit(ctx context.Context, actor string, action audit.Action, subject, detail string) error
}

// Host is what the entry point (main.go) provides: what only the main
// package has (the embedded UI, the icon, wails.Run) and the standard
// streams. Open, Window and Serve default to the App (internal/core);
// tests replace them.
type Host struct {
	Version string
	// UI returns the built frontend (frontend/dist) embedded in the binary.
	UI func() (fs.FS, error)
	// Icon is the window's icon (PNG).
	Icon []byte
	// OpenWindow runs the Wails window (wails.Run) until it closes.
	OpenWindow func(*options.App) error
	// Executable is this program's path (default os.Executable): what
	// `kiosk autostart on` has the login session run.
	Executable func() (string, error)

	// Open opens the data folder the globals name for a scripted command.
	// It is called only after every flag is parsed; close releases it.
	// Default: the App, without its background jobs.
	Open func(g Globals) (s Services, close func(), err error)
	// Window opens the admin console (or the kiosk) in a window.
	// Default: the App in the Wails window.
	Window func(ctx context.Context, g Globals) error
	// Serve serves the UI over HTTP until ctx ends. Default: the App
	// behind internal/webserver.
	Serve func(ctx context.Context, g Globals, o ServeOptions) error

	Stdin          io.Reader
	Stdout, Stderr io.Writer
}

// CLIActor is who the command line acts as in the audit log: the OS
// user running it.
func CLIActor() audit.Actor {
	name := "cli"
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	return audit.Actor{Kind: audit.KindCLI, Name: name}
}

// DefaultServeAddr is where `serve` listens without --addr.
const DefaultServeAddr = "127.0.0.1:8080"

// Main runs the command line and returns the exit code: 0, 1 on a failure,
// 2 on a wrong command line (unknown command, flag or argument).
func Main(ctx context.Context, h Host, args []string) int {
	root := NewRoot(h)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return ExitOK
	}
	if errors.Is(err, ErrUsage) {
		fmt.Fprintf(h.Stderr, "id06desk: %s\nRun '%s --help' for usage.\n", usageMessage(err), cmd.CommandPath())
		return ExitUsage
	}
	if sv, en, ok := messageOf(err); ok {
		// A message for people: in the locale's language.
		if cliLang() == i18n.SV {
			en = sv
		}
		fmt.Fprintf(h.Stderr, "id06desk: %s\n", en)
		return ExitError
	}
	fmt.Fprintf(h.Stderr, "id06desk: %v\n", err)
	return ExitError
}

// messageOf returns the Swedish and English message an error carries for
// people (a Msg method, or an i18n.Error), if any.
func messageOf(err error) (sv, en string, ok bool) {
	var m interface{ Msg() i18n.Message }
	if errors.As(err, &m) {
		return m.Msg().In(i18n.SV), m.Msg().In(i18n.EN), true
	}
	var ie *i18n.Error
	if errors.As(err, &ie) {
		return ie.Msg.In(i18n.SV), ie.Msg.In(i18n.EN), true
	}
	return "", "", false
}

// Run runs the command line and returns its error (ErrUsage for a wrong
// command line); nothing is printed for the error.
func Run(ctx context.Context, h Host, args []string) error {
	root := NewRoot(h)
	root.SetArgs(args)
	return root.ExecuteContext(ctx)
}

// usageMessage drops the "usage: " prefix the wrapping adds.
func usageMessage(err error) string {
	return strings.TrimPrefix(err.Error(), ErrUsage.Error()+": ")
}

func usagef(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrUsage}, a...)...)
}

// NewRoot builds the command tree.
func NewRoot(h Host) *cobra.Command {
	if h.Stdin == nil {
		h.Stdin = strings.NewReader("")
	}
	if h.Stdout == nil {
		h.Stdout = io.Discard
	}
	if h.Stderr == nil {
		h.Stderr = io.Discard
	}
	if h.Open == nil {
		h.Open = openServices(h)
	}
	if h.Window == nil {
		h.Window = runWindow(h)
	}
	if h.Serve == nil {
		h.Serve = runServe(h)
	}
	var g Globals
	root := &cobra.Command{
		Use:   "id06desk",
		Short: "Invite ID06 cardholders, register them on site, send orders to Nexus.",
		Long: `id06desk — invite ID06 cardholders, register them on site, send orders to Nexus.

Without a command it opens the admin console window; with --kiosk the
registration kiosk, full screen. Global flags work before or after the command.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return h.Window(cmd.Context(), g)
		},
	}
	pf := root.PersistentFlags()
	pf.StringVar(&g.DataDir, "data-dir", "", "keep config, data and state in `DIR` instead of the XDG folders")
	pf.BoolVar(&g.Kiosk, "kiosk", false, "registration kiosk: no admin views")
	pf.Bool("version", false, "print the version and exit")
	pf.BoolVar(&g.Smoke, "smoke", false, "exit 0 once the window's UI has called the API, 1 after 30 s")
	pf.StringVar(&g.TestCamera, "test-camera", "", "play the pictures in `DIR` as the camera")
	_ = pf.MarkHidden("smoke")
	_ = pf.MarkHidden("test-camera")
	// Persistent and declared now (cobra adds a local one at execute
	// time), so that `id06desk --help orders list` knows while it looks
	// for the command that --help takes no value.
	pf.BoolP("help", "h", false, "show help for the command")
	root.CompletionOptions.DisableDefaultCmd = true
	root.SilenceErrors = true
	root.SilenceUsage = true
	root.SetIn(h.Stdin)
	root.SetOut(h.Stdout)
	root.SetErr(h.Stderr)
	root.SetVersionTemplate("id06desk {{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usagef("%v", err) })

	open := func() (Services, func(), error) {
		return h.Open(g)
	}
	// withServices opens the data folder once the flags are parsed.
	withServices := func(fn func(ctx context.Context, s Services, args []string) error) func(*cobra.Command, []string) error {
		return func(cmd *cobra.Command, args []string) error {
			s, closeFn, err := open()
			if err != nil {
				return err
			}
			defer closeFn()
			return fn(audit.WithActor(cmd.Context(), CLIActor()), s, args)
		}
	}

	root.AddCommand(
		serveCommand(h, &g),
		adminCommand(h, open),
		settingsCommand(h, withServices),
		inviteCommand(h, withServices),
		outboxCommand(h, withServices),
		ordersCommand(h, withServices),
		nexusCommand(h, withServices),
		keysCommand(h, withServices),
		purgeCommand(h, withServices),
		auditCommand(h, withServices),
		pairCommand(h, withServices),
		syncCommand(h, withServices),
		kioskCommand(h, &g),
		backupCommand(h, withServices),
		restoreCommand(h, &g),
	)
	for _, c := range extraCommands {
		root.AddCommand(c(h, &g))
	}
	// --version works on every command: cobra handles it where Version is set.
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.Version = h.Version
		if c.Version == "" {
			c.Version = "(unknown version)"
		}
		c.Flags().SetInterspersed(true)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return root
}

// extraCommands are commands only some builds have (build tags).
var extraCommands []func(h Host, g *Globals) *cobra.Command

type servicesRunner = func(fn func(ctx context.Context, s Services, args []string) error) func(*cobra.Command, []string) error

// noArgs refuses any argument: a misspelt command is an error, never the window.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if cmd.HasSubCommands() {
		return usagef("unknown command %q for %q", args[0], cmd.CommandPath())
	}
	return usagef("unexpected argument %q", args[0])
}

// exactArgs wants n arguments.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usagef("%s: %s", cmd.CommandPath(), what)
		}
		return nil
	}
}

// group is a command that only holds subcommands: without one (or with an
// unknown one) it is a usage error, never a silent help page.
func group(use, short string, subs ...*cobra.Command) *cobra.Command {
	c := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var names []string
			for _, s := range cmd.Commands() {
				if !s.Hidden && s.Name() != "help" {
					names = append(names, s.Name())
				}
			}
			if len(args) == 0 {
				return usagef("%q needs a subcommand: %s", cmd.CommandPath(), strings.Join(names, " | "))
			}
			return usagef("unknown command %q for %q (one of %s)", args[0], cmd.CommandPath(), strings.Join(names, ", "))
		},
	}
	c.AddCommand(subs...)
	return c
}

func serveCommand(h Host, g *Globals) *cobra.Command {
	var o ServeOptions
	c := &cobra.Command{
		Use:   "serve",
		Short: "Serve the same UI over HTTP (default " + DefaultServeAddr + ")",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.MaxClientConns < 1 {
				return usagef("--max-client-conns must be at least 1")
			}
			return h.Serve(cmd.Context(), *g, o)
		},
	}
	c.Flags().StringVar(&o.Addr, "addr", DefaultServeAddr, "listen on `HOST:PORT` (port 0: any free port)")
	c.Flags().IntVar(&o.MaxClientConns, "max-client-conns", webserver.DefaultMaxClientConns, "most open connections per client IP address")
	return c
}
