// Package instancelock keeps a second app (window or serve) off a data dir
// that one is already using. Wails' own single-instance lock needs a D-Bus
// session bus and silently does nothing without one, so this is a plain
// flock(2) on a file in the state directory. The kernel drops the lock when
// the process dies, so a crash never leaves a stale lock behind.
package instancelock

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// Lock is a held instance lock.
type Lock struct {
	f *os.File
}

// ErrHeld is returned (wrapped in *HeldError) when another process holds the lock.
var ErrHeld = errors.New("another id06desk is running")

// HeldError names the lock file and, when known, the other process.
type HeldError struct {
	Path string
	PID  int
}

func (e *HeldError) Error() string {
	who := "another id06desk"
	if e.PID > 0 {
		who = fmt.Sprintf("another id06desk (pid %d)", e.PID)
	}
	return fmt.Sprintf("%s is already running on this data folder (lock %s): close it first, or start this one with another --data-dir", who, e.Path)
}

func (e *HeldError) Unwrap() error { return ErrHeld }

// Acquire takes the lock at path without waiting.
func Acquire(path string) (*Lock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		pid := readPID(f)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &HeldError{Path: path, PID: pid}
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &Lock{f: f}, nil
}

func readPID(f *os.File) int {
	buf := make([]byte, 32)
	n, _ := f.ReadAt(buf, 0)
	pid, _ := strconv.Atoi(strings.TrimSpace(string(buf[:n])))
	return pid
}

// Release drops the lock.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	err := l.f.Close()
	l.f = nil
	return err
}
