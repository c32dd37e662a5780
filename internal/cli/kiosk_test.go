package cli_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/adrg/xdg"

	"id06desk/internal/autostart"
	"id06desk/internal/cli"
)

// autostartXDG points adrg/xdg (which reads the environment once, at
// start) at a fresh XDG_CONFIG_HOME for the test, and back afterwards.
func autostartXDG(t *testing.T) string {
	t.Helper()
	t.Cleanup(xdg.Reload) // registered first: runs after the variables are restored
	config := filepath.Join(t.TempDir(), "config")
	t.Setenv("XDG_CONFIG_HOME", config)
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "en_GB.UTF-8")
	xdg.Reload()
	return config
}

func runKiosk(t *testing.T, exe string, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	h := cli.Host{
		Executable: func() (string, error) { return exe, nil },
		Open: func(cli.Globals) (cli.Services, func(), error) {
			t.Fatal("kiosk autostart opened the data folder")
			return cli.Services{}, nil, errors.New("unreachable")
		},
		Stdout: &out, Stderr: &errb,
	}
	err := cli.Run(context.Background(), h, args)
	return out.String(), err
}

// TestKioskAutostart: on writes $XDG_CONFIG_HOME/autostart/id06desk-kiosk.desktop
// that runs this program with --kiosk and the given data folder (global
// flags before or after the command), quoted so that a path with spaces,
// quotes, $, backslashes and % comes back intact, and that
// desktop-file-validate accepts; on twice changes nothing; status tells;
// off removes it, off twice is fine.
func TestKioskAutostart(t *testing.T) {
	config := autostartXDG(t)
	entry := filepath.Join(config, "autostart", "id06desk-kiosk.desktop")
	exe := `/opt/id06 desk/"v2"/$HOME/back\slash/100%/id06desk`
	dataDir := filepath.Join(t.TempDir(), "site data")

	out, err := runKiosk(t, exe, "--data-dir", dataDir, "kiosk", "autostart", "on")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "Autostart on") || !strings.Contains(out, entry) {
		t.Fatalf("on: %q", out)
	}
	b, err := os.ReadFile(entry)
	if err != nil {
		t.Fatal(err)
	}
	content := string(b)
	for _, want := range []string{"[Desktop Entry]\n", "\nType=Application\n", "\nX-GNOME-Autostart-enabled=true\n", "\nName[sv]="} {
		if !strings.Contains(content, want) {
			t.Fatalf("entry lacks %q:\n%s", want, content)
		}
	}
	execLine := ""
	for _, l := range strings.Split(content, "\n") {
		if v, ok := strings.CutPrefix(l, "Exec="); ok {
			execLine = v
		}
	}
	args, err := parseExec(execLine)
	if err != nil {
		t.Fatalf("Exec=%s: %v", execLine, err)
	}
	if want := []string{exe, "--kiosk", "--data-dir", dataDir}; !reflect.DeepEqual(args, want) {
		t.Fatalf("Exec=%s runs %q, want %q", execLine, args, want)
	}
	validate(t, entry)

	// Again, with the flag after the command: the same entry, nothing written.
	before, _ := os.Stat(entry)
	out, err = runKiosk(t, exe, "kiosk", "autostart", "on", "--data-dir", dataDir)
	if err != nil || !strings.Contains(out, "already on") {
		t.Fatalf("on twice: %v %q", err, out)
	}
	after, _ := os.Stat(entry)
	if b2, _ := os.ReadFile(entry); string(b2) != content || !after.ModTime().Equal(before.ModTime()) {
		t.Fatalf("on twice rewrote the entry:\n%s", b2)
	}
	if out, err := runKiosk(t, exe, "kiosk", "autostart", "status"); err != nil || !strings.Contains(out, "Autostart is on: "+execLine) {
		t.Fatalf("status: %v %q", err, out)
	}

	// Without --data-dir the kiosk uses the XDG folders: no --data-dir in Exec.
	if _, err := runKiosk(t, "/usr/local/bin/id06desk", "kiosk", "autostart", "on"); err != nil {
		t.Fatal(err)
	}
	if _, exec, _ := autostart.Status(); exec != "/usr/local/bin/id06desk --kiosk" {
		t.Fatalf("default data folder: Exec=%s", exec)
	}
	validate(t, entry)

	// The desktop's settings turned it off: status says so, on turns it on again.
	if err := os.WriteFile(entry, []byte(strings.Replace(content, "X-GNOME-Autostart-enabled=true", "X-GNOME-Autostart-enabled=false", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, _ := runKiosk(t, exe, "kiosk", "autostart", "status"); !strings.Contains(out, "turned off in the desktop") {
		t.Fatalf("status of a disabled entry: %q", out)
	}

	t.Setenv("LANG", "sv_SE.UTF-8")
	out, err = runKiosk(t, exe, "kiosk", "autostart", "off")
	if err != nil || !strings.Contains(out, "Autostart av") {
		t.Fatalf("off: %v %q", err, out)
	}
	if _, err := os.Stat(entry); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("off left the entry: %v", err)
	}
	if out, err := runKiosk(t, exe, "kiosk", "autostart", "off"); err != nil || !strings.Contains(out, "redan av") {
		t.Fatalf("off twice: %v %q", err, out)
	}
	if out, err := runKiosk(t, exe, "kiosk", "autostart", "status"); err != nil || !strings.Contains(out, "Autostart är av") {
		t.Fatalf("status off: %v %q", err, out)
	}

	for _, args := range [][]string{{"kiosk"}, {"kiosk", "autostart"}, {"kiosk", "autostart", "maybe"}, {"kiosk", "autostart", "on", "off"}} {
		if _, err := runKiosk(t, exe, args...); !errors.Is(err, cli.ErrUsage) {
			t.Fatalf("%v: %v, want a usage error", args, err)
		}
	}
}

// TestKioskAutostartRefusesWhatAnEntryCannotHold: a path with a newline
// cannot be written as an Exec argument; nothing is written.
func TestKioskAutostartRefusesWhatAnEntryCannotHold(t *testing.T) {
	config := autostartXDG(t)
	if _, err := runKiosk(t, "/opt/bad\nname/id06desk", "kiosk", "autostart", "on"); err == nil {
		t.Fatal("a path with a newline was written")
	}
	if _, err := os.Stat(filepath.Join(config, "autostart", "id06desk-kiosk.desktop")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("an entry was written: %v", err)
	}
}

// validate runs desktop-file-validate when it is installed (make test
// installs it).
func validate(t *testing.T, file string) {
	t.Helper()
	tool, err := exec.LookPath("desktop-file-validate")
	if err != nil {
		t.Log("desktop-file-validate is not installed: entry not validated")
		return
	}
	if out, err := exec.Command(tool, file).CombinedOutput(); err != nil || len(bytes.TrimSpace(out)) > 0 {
		b, _ := os.ReadFile(file)
		t.Fatalf("desktop-file-validate: %v\n%s\n%s", err, out, b)
	}
}

// parseExec reads an Exec value the way a desktop reads it (Desktop Entry
// Specification, "The Exec key"): first the string escapes (\\ \s \n \t
// \r), then arguments split on spaces, double-quoted ones with \" \` \$ \\
// escaped, and %% for a literal %.
func parseExec(v string) ([]string, error) {
	var s strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] != '\\' || i+1 == len(v) {
			s.WriteByte(v[i])
			continue
		}
		i++
		switch v[i] {
		case '\\':
			s.WriteByte('\\')
		case 's':
			s.WriteByte(' ')
		case 'n':
			s.WriteByte('\n')
		case 't':
			s.WriteByte('\t')
		case 'r':
			s.WriteByte('\r')
		default:
			return nil, errors.New("unknown string escape")
		}
	}
	str := s.String()
	var args []string
	var cur strings.Builder
	inArg, quoted := false, false
	for i := 0; i < len(str); i++ {
		c := str[i]
		switch {
		case quoted && c == '\\':
			if i+1 == len(str) || !strings.ContainsRune("\"`$\\", rune(str[i+1])) {
				return nil, errors.New("bad escape in quotes")
			}
			i++
			cur.WriteByte(str[i])
		case quoted && c == '"':
			quoted = false
		case quoted:
			cur.WriteByte(c)
		case c == '"':
			quoted, inArg = true, true
		case c == ' ':
			if inArg {
				args = append(args, cur.String())
				cur.Reset()
				inArg = false
			}
		case strings.IndexByte("\t\n'\\><~|&;$*?#()`", c) >= 0:
			return nil, errors.New("unquoted reserved character " + string(c))
		default:
			cur.WriteByte(c)
			inArg = true
		}
	}
	if quoted {
		return nil, errors.New("unterminated quote")
	}
	if inArg {
		args = append(args, cur.String())
	}
	for i, a := range args {
		a = strings.ReplaceAll(a, "%%", "\x00")
		if strings.Contains(a, "%") {
			return nil, errors.New("field code in " + a)
		}
		args[i] = strings.ReplaceAll(a, "\x00", "%")
	}
	return args, nil
}
