// Package autostart writes and removes the XDG autostart entry that starts
// id06desk in kiosk mode when the site PC's user logs in
// ($XDG_CONFIG_HOME/autostart/id06desk-kiosk.desktop, found with
// github.com/adrg/xdg; see the Desktop Application Autostart
// Specification). The entry is a Desktop Entry file; its Exec line is
// quoted as the Desktop Entry Specification says, so a program path or data
// folder with spaces, quotes, $ or % survives.
package autostart

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/adrg/xdg"
)

// FileName is the entry's name in the autostart folder.
const FileName = "id06desk-kiosk.desktop"

// relPath is the entry below the XDG config folder.
var relPath = filepath.Join("autostart", FileName)

// Path is where the entry lives: $XDG_CONFIG_HOME/autostart (adrg/xdg
// reads the environment when the program starts; tests call xdg.Reload).
func Path() string { return filepath.Join(xdg.ConfigHome, relPath) }

// State is what the entry says.
type State int

// The states.
const (
	Off      State = iota // no entry
	On                    // the entry starts the kiosk at login
	Disabled              // an entry the desktop's settings turned off (Hidden or X-GNOME-Autostart-enabled=false)
)

// Status reads the entry: its state and Exec line ("" when Off).
func Status() (State, string, error) {
	b, err := os.ReadFile(Path())
	if errors.Is(err, fs.ErrNotExist) {
		return Off, "", nil
	}
	if err != nil {
		return Off, "", fmt.Errorf("read the autostart entry: %w", err)
	}
	st, exec := On, ""
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
		if !ok {
			continue
		}
		switch strings.TrimSpace(k) {
		case "Exec":
			exec = strings.TrimSpace(v)
		case "Hidden":
			if strings.TrimSpace(v) == "true" {
				st = Disabled
			}
		case "X-GNOME-Autostart-enabled":
			if strings.TrimSpace(v) == "false" {
				st = Disabled
			}
		}
	}
	return st, exec, nil
}

// Enable writes the entry that runs args (the program first) at login.
// It reports whether the file changed: writing the same entry twice is a
// no-op.
func Enable(args []string) (path string, changed bool, err error) {
	content, err := Entry(args)
	if err != nil {
		return "", false, err
	}
	path, err = xdg.ConfigFile(relPath) // creates the autostart folder
	if err != nil {
		return "", false, fmt.Errorf("autostart folder: %w", err)
	}
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, content) {
		return path, false, nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".id06desk-kiosk-*.tmp")
	if err != nil {
		return "", false, fmt.Errorf("write the autostart entry: %w", err)
	}
	defer os.Remove(tmp.Name()) // after the rename: nothing
	if _, err := tmp.Write(content); err != nil {
		tmp.Close()
		return "", false, fmt.Errorf("write the autostart entry: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", false, fmt.Errorf("write the autostart entry: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", false, fmt.Errorf("write the autostart entry: %w", err)
	}
	return path, true, nil
}

// Disable removes the entry; it reports whether there was one.
func Disable() (path string, removed bool, err error) {
	path = Path()
	err = os.Remove(path)
	if errors.Is(err, fs.ErrNotExist) {
		return path, false, nil
	}
	if err != nil {
		return path, false, fmt.Errorf("remove the autostart entry: %w", err)
	}
	return path, true, nil
}

// Entry is the desktop entry that runs args at login.
func Entry(args []string) ([]byte, error) {
	exec, err := Exec(args)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	b.WriteString("[Desktop Entry]\n")
	b.WriteString("Type=Application\n")
	b.WriteString("Version=1.0\n")
	b.WriteString("Name=id06desk kiosk\n")
	b.WriteString("Name[sv]=id06desk-kiosk\n")
	b.WriteString("Comment=Starts the ID06 registration kiosk at login\n")
	b.WriteString("Comment[sv]=Startar registreringskiosken för ID06-kort vid inloggning\n")
	b.WriteString("Exec=" + exec + "\n")
	b.WriteString("Icon=id06desk\n")
	b.WriteString("Terminal=false\n")
	b.WriteString("X-GNOME-Autostart-enabled=true\n")
	return []byte(b.String()), nil
}

// reserved are the characters that make an Exec argument need quotes.
const reserved = " \t\n\"'\\><~|&;$*?#()`"

// Exec is args as a Desktop Entry Exec value: an argument with a reserved
// character is put in double quotes with " ` $ \ backslash-escaped, a
// literal % is doubled (% starts a field code), and then the value is
// escaped as every string value is (a backslash written as \\).
func Exec(args []string) (string, error) {
	if len(args) == 0 || args[0] == "" {
		return "", errors.New("autostart: no program to run")
	}
	parts := make([]string, len(args))
	for i, a := range args {
		if strings.ContainsFunc(a, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			return "", fmt.Errorf("autostart: argument %q has a control character", a)
		}
		if i == 0 && strings.Contains(a, "=") {
			// The spec does not allow = in the program name.
			return "", fmt.Errorf("autostart: the program path %q contains '='", a)
		}
		a = strings.ReplaceAll(a, "%", "%%")
		if a == "" || strings.ContainsAny(a, reserved) {
			var q strings.Builder
			q.WriteByte('"')
			for _, r := range a {
				if strings.ContainsRune("\"`$\\", r) {
					q.WriteByte('\\')
				}
				q.WriteRune(r)
			}
			q.WriteByte('"')
			a = q.String()
		}
		parts[i] = strings.ReplaceAll(a, `\`, `\\`)
	}
	return strings.Join(parts, " "), nil
}
