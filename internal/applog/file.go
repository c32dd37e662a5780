// Package applog is id06desk's log: a text log to a file that stays
// owner-only and is rotated by size (gopkg.in/natefinch/lumberjack.v2),
// behind a handler that suppresses floods of the same record (anyone who
// can reach `serve` can cause log records).
package applog

import (
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"gopkg.in/natefinch/lumberjack.v2"
)

// FileMode is the mode of the log file and its rotated copies.
const FileMode fs.FileMode = 0o600

// Defaults.
const (
	DefaultMaxMB   = 10
	DefaultBackups = 3
	DefaultBurst   = 20
	DefaultWindow  = time.Minute
)

// Options configure Open; zero values take the defaults.
type Options struct {
	// MaxMB is the size in megabytes at which the file is rotated:
	// id06desk.log is renamed id06desk-<UTC time>.log and a new file
	// starts.
	MaxMB int
	// Backups is how many rotated files are kept; older ones are deleted.
	Backups int
	// Burst records with the same level and message are written per
	// Window; the rest are counted and summed up in one record.
	Burst  int
	Window time.Duration
	Level  slog.Leveler
}

// Open opens (or creates) the log file at path, mode 0600 even if it
// existed with another mode, and returns a logger writing text records to
// the file and to also (when not nil), redacted (Redact) and with floods
// limited (Limit). Close the returned closer at exit.
func Open(path string, also io.Writer, o Options) (*slog.Logger, io.Closer, error) {
	f, err := OpenFile(path, o.MaxMB, o.Backups)
	if err != nil {
		return nil, nil, err
	}
	var w io.Writer = f
	if also != nil && also != io.Discard {
		w = io.MultiWriter(also, f)
	}
	level := o.Level
	if level == nil {
		level = slog.LevelInfo
	}
	h := Limit(Redact(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level})), o.Burst, o.Window)
	return slog.New(h), f, nil
}

// legacyBackup matches the rotated copies of releases before lumberjack
// (id06desk.log.1, .2, …), which lumberjack would never delete.
var legacyBackup = regexp.MustCompile(`^\.[0-9]+$`)

// OpenFile returns a writer appending to path and rotating it when it
// would grow past maxMB megabytes, keeping backups rotated files.
//
// lumberjack creates a missing file 0600 and gives every later file the
// mode of the one it replaces (the rotated copy keeps its own), so an
// existing file is tightened to 0600 here first: from then on the file
// and all its copies stay owner-only. The file is opened here, not at the
// first record, so that a folder that cannot be written is reported at
// start-up.
func OpenFile(path string, maxMB, backups int) (io.WriteCloser, error) {
	if maxMB <= 0 {
		maxMB = DefaultMaxMB
	}
	if backups <= 0 {
		backups = DefaultBackups
	}
	if err := tighten(path); err != nil {
		return nil, err
	}
	removeLegacyBackups(path)
	l := &lumberjack.Logger{Filename: path, MaxSize: maxMB, MaxBackups: backups}
	if _, err := l.Write(nil); err != nil {
		return nil, fmt.Errorf("open log: %w", err)
	}
	return l, nil
}

// tighten sets an existing log file (and rotated copies left by an older
// release or another umask) to 0600.
func tighten(path string) error {
	matches, _ := filepath.Glob(globFor(path))
	for _, name := range append([]string{path}, matches...) {
		if err := os.Chmod(name, FileMode); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("open log: %w", err)
		}
	}
	return nil
}

// globFor matches lumberjack's backups of path: name-<time>.ext.
func globFor(path string) string {
	ext := filepath.Ext(path)
	return path[:len(path)-len(ext)] + "-*" + ext
}

func removeLegacyBackups(path string) {
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		return
	}
	base := filepath.Base(path)
	for _, e := range entries {
		n := e.Name()
		if len(n) > len(base) && n[:len(base)] == base && legacyBackup.MatchString(n[len(base):]) {
			os.Remove(filepath.Join(filepath.Dir(path), n))
		}
	}
}
