// Package paths resolves where id06desk keeps its configuration, data and
// state, and creates those directories with owner-only permissions.
package paths

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/adrg/xdg"
)

// AppName is the directory name used below each XDG base directory.
const AppName = "id06desk"

// DirMode and FileMode are the permissions for everything id06desk writes:
// personal data lives here, so nothing is readable by other users.
const (
	DirMode  fs.FileMode = 0o700
	FileMode fs.FileMode = 0o600
)

// Paths are the three directories the app writes to.
type Paths struct {
	Config string // settings files, secrets (signing keys, SMTP password)
	Data   string // the SQLite database
	State  string // logs, lock file
}

// Resolve returns the XDG directories, or DIR/{config,data,state} when
// override is not empty (tests, portable installs).
func Resolve(override string) (Paths, error) {
	if override != "" {
		abs, err := filepath.Abs(override)
		if err != nil {
			return Paths{}, fmt.Errorf("resolve data dir %q: %w", override, err)
		}
		return Paths{
			Config: filepath.Join(abs, "config"),
			Data:   filepath.Join(abs, "data"),
			State:  filepath.Join(abs, "state"),
		}, nil
	}
	return Paths{
		Config: filepath.Join(xdg.ConfigHome, AppName),
		Data:   filepath.Join(xdg.DataHome, AppName),
		State:  filepath.Join(xdg.StateHome, AppName),
	}, nil
}

// Database is the path of the SQLite file.
func (p Paths) Database() string { return filepath.Join(p.Data, "id06desk.db") }

// LockFile is the path of the single-instance lock.
func (p Paths) LockFile() string { return filepath.Join(p.State, "id06desk.lock") }

// Ensure creates the directories (0700) and tightens existing ones. The
// error names the directory and the fix.
func (p Paths) Ensure() error {
	for _, d := range []string{p.Config, p.Data, p.State} {
		if err := os.MkdirAll(d, DirMode); err != nil {
			return &DirError{Path: d, Err: err}
		}
		if err := os.Chmod(d, DirMode); err != nil {
			return &DirError{Path: d, Err: err}
		}
		probe, err := os.CreateTemp(d, ".write-test-*")
		if err != nil {
			return &DirError{Path: d, Err: err}
		}
		name := probe.Name()
		probe.Close()
		os.Remove(name)
	}
	return nil
}

// DirError says that a directory cannot be created or written.
type DirError struct {
	Path string
	Err  error
}

func (e *DirError) Error() string {
	reason := e.Err.Error()
	var pe *fs.PathError
	if errors.As(e.Err, &pe) {
		reason = pe.Err.Error()
	}
	return fmt.Sprintf("cannot write to %s (%s): fix its permissions or choose another folder with --data-dir", e.Path, reason)
}

func (e *DirError) Unwrap() error { return e.Err }

// WriteFile writes data atomically with mode 0600: a crash leaves either the
// old or the new content, never half of it.
func WriteFile(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(FileMode); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
