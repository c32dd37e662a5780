package cli

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/spf13/cobra"

	"id06desk/internal/autostart"
	"id06desk/internal/i18n"
)

// The kiosk command's messages, in the language of the terminal's locale.
var (
	msgAutostartOn = i18n.Text{Code: "kiosk.autostart.on",
		SV: "Autostart på: kiosken startar när du loggar in ({path}).",
		EN: "Autostart on: the kiosk starts when you log in ({path})."}
	msgAutostartAlreadyOn = i18n.Text{Code: "kiosk.autostart.already_on",
		SV: "Autostart var redan på ({path}).",
		EN: "Autostart was already on ({path})."}
	msgAutostartOff = i18n.Text{Code: "kiosk.autostart.off",
		SV: "Autostart av: kiosken startar inte längre vid inloggning ({path} borttagen).",
		EN: "Autostart off: the kiosk no longer starts when you log in (removed {path})."}
	msgAutostartAlreadyOff = i18n.Text{Code: "kiosk.autostart.already_off",
		SV: "Autostart var redan av.",
		EN: "Autostart was already off."}
	msgAutostartStatusOn = i18n.Text{Code: "kiosk.autostart.status_on",
		SV: "Autostart är på: {exec} ({path})",
		EN: "Autostart is on: {exec} ({path})"}
	msgAutostartStatusOff = i18n.Text{Code: "kiosk.autostart.status_off",
		SV: "Autostart är av.",
		EN: "Autostart is off."}
	msgAutostartStatusDisabled = i18n.Text{Code: "kiosk.autostart.status_disabled",
		SV: "Autostart är avstängd i skrivbordets inställningar för program som startar automatiskt ({path}). Slå på den igen med: id06desk kiosk autostart on",
		EN: "Autostart is turned off in the desktop's startup applications ({path}). Turn it on again with: id06desk kiosk autostart on"}
)

// kioskCommand sets a site PC up as a registration kiosk. It does not open
// the data folder.
func kioskCommand(h Host, g *Globals) *cobra.Command {
	autostartCmd := &cobra.Command{
		Use:   "autostart on|off|status",
		Short: "Start the registration kiosk when this user logs in (an XDG autostart entry), or stop doing so",
		Long: `Start the registration kiosk when this user logs in, or stop doing so.

"on" writes ` + "$XDG_CONFIG_HOME/autostart/" + autostart.FileName + ` (usually
~/.config/autostart), which runs this program with --kiosk (and
--data-dir when one is given) at login; "off" removes it; "status" shows it.
Running "on" or "off" twice is harmless.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 || (args[0] != "on" && args[0] != "off" && args[0] != "status") {
				return usagef("%s on|off|status", cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return kioskAutostart(h, *g, args[0], h.Stdout)
		},
	}
	return group("kiosk", "Set this PC up as a registration kiosk", autostartCmd)
}

func kioskAutostart(h Host, g Globals, what string, stdout io.Writer) error {
	lang := cliLang()
	say := func(t i18n.Text, params ...any) { fmt.Fprintln(stdout, t.With(params...).In(lang)) }
	switch what {
	case "on":
		args, err := kioskArgs(h, g)
		if err != nil {
			return err
		}
		path, changed, err := autostart.Enable(args)
		if err != nil {
			return err
		}
		if changed {
			say(msgAutostartOn, "path", path)
		} else {
			say(msgAutostartAlreadyOn, "path", path)
		}
	case "off":
		path, removed, err := autostart.Disable()
		if err != nil {
			return err
		}
		if removed {
			say(msgAutostartOff, "path", path)
		} else {
			say(msgAutostartAlreadyOff)
		}
	default:
		st, execLine, err := autostart.Status()
		if err != nil {
			return err
		}
		switch st {
		case autostart.On:
			say(msgAutostartStatusOn, "exec", execLine, "path", autostart.Path())
		case autostart.Disabled:
			say(msgAutostartStatusDisabled, "path", autostart.Path())
		default:
			say(msgAutostartStatusOff)
		}
	}
	return nil
}

// kioskArgs is the command line the entry runs: this program (by name when
// PATH finds this very file, as after installing the package, so it keeps
// working after an upgrade; else by its full path), --kiosk, and the data
// folder when one was given.
func kioskArgs(h Host, g Globals) ([]string, error) {
	executable := h.Executable
	if executable == nil {
		executable = os.Executable
	}
	self, err := executable()
	if err != nil {
		return nil, fmt.Errorf("find this program's path: %w", err)
	}
	if real, err := filepath.EvalSymlinks(self); err == nil {
		self = real
	}
	prog := self
	if onPath, err := exec.LookPath("id06desk"); err == nil && sameFile(onPath, self) {
		prog = "id06desk"
	}
	args := []string{prog, "--kiosk"}
	if g.DataDir != "" {
		abs, err := filepath.Abs(g.DataDir)
		if err != nil {
			return nil, fmt.Errorf("data folder %q: %w", g.DataDir, err)
		}
		args = append(args, "--data-dir", abs)
	}
	return args, nil
}

func sameFile(a, b string) bool {
	sa, err := os.Stat(a)
	if err != nil {
		return false
	}
	sb, err := os.Stat(b)
	if err != nil {
		return false
	}
	return os.SameFile(sa, sb)
}
