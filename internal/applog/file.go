// Package applog is id06desk's log: a text log to a file that stays
// owner-only and is rotated by size, behind a handler that suppresses floods
// of the same record (anyone who can reach `serve` can cause log records).
package applog

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"sync"
	"time"
)

// FileMode is the mode of the log file and its rotated copies.
const FileMode fs.FileMode = 0o600

// Defaults.
const (
	DefaultMaxBytes = 10 << 20
	DefaultBackups  = 3
	DefaultBurst    = 20
	DefaultWindow   = time.Minute
)

// Options configure Open; zero values take the defaults.
type Options struct {
	// MaxBytes is the size at which the file is rotated: id06desk.log
	// becomes id06desk.log.1 (.1 becomes .2, …) and a new file starts.
	MaxBytes int64
	// Backups is how many rotated files are kept.
	Backups int
	// Burst records with the same level and message are written per
	// Window; the rest are counted and summed up in one record.
	Burst  int
	Window time.Duration
	Level  slog.Leveler
}

// Open opens (or creates) the log file at path, mode 0600 even if it
// existed with another mode, and returns a logger writing text records to
// the file and to also (when not nil). Close the returned closer at exit.
func Open(path string, also io.Writer, o Options) (*slog.Logger, io.Closer, error) {
	f, err := OpenFile(path, o.MaxBytes, o.Backups)
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
	h := Limit(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}), o.Burst, o.Window)
	return slog.New(h), f, nil
}

// File is a log file rotated by size. Safe for concurrent use.
type File struct {
	path    string
	max     int64
	backups int

	mu   sync.Mutex
	f    *os.File
	size int64
}

// OpenFile opens path for appending with mode 0600 (an existing file is
// tightened to 0600), rotating when it would grow past maxBytes and keeping
// backups rotated files.
func OpenFile(path string, maxBytes int64, backups int) (*File, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	if backups <= 0 {
		backups = DefaultBackups
	}
	l := &File{path: path, max: maxBytes, backups: backups}
	if err := l.open(); err != nil {
		return nil, err
	}
	return l, nil
}

func (l *File) open() error {
	f, err := os.OpenFile(l.path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, FileMode)
	if err != nil {
		return fmt.Errorf("open log: %w", err)
	}
	// O_CREATE's mode applies only to a new file.
	if err := f.Chmod(FileMode); err != nil {
		f.Close()
		return fmt.Errorf("open log: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("open log: %w", err)
	}
	l.f, l.size = f, st.Size()
	return nil
}

// Write appends p, rotating first if p would take the file past its size.
func (l *File) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return 0, errors.New("log file is closed")
	}
	if l.size > 0 && l.size+int64(len(p)) > l.max {
		if err := l.rotate(); err != nil {
			return 0, err
		}
	}
	n, err := l.f.Write(p)
	l.size += int64(n)
	return n, err
}

// rotate shifts path.N-1 → path.N … path → path.1 (the oldest falls off)
// and starts a new file.
func (l *File) rotate() error {
	if err := l.f.Close(); err != nil {
		return fmt.Errorf("rotate log: %w", err)
	}
	l.f = nil
	os.Remove(fmt.Sprintf("%s.%d", l.path, l.backups))
	for i := l.backups - 1; i >= 1; i-- {
		os.Rename(fmt.Sprintf("%s.%d", l.path, i), fmt.Sprintf("%s.%d", l.path, i+1))
	}
	if err := os.Rename(l.path, l.path+".1"); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("rotate log: %w", err)
	}
	return l.open()
}

// Close closes the file.
func (l *File) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}
