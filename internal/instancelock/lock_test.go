package instancelock

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSecondAcquireRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.lock")
	l, err := Acquire(path)
	if err != nil {
		t.Fatal(err)
	}
	// flock locks belong to the open file description, so a second open in
	// the same process conflicts just like another process would.
	_, err = Acquire(path)
	var held *HeldError
	if !errors.As(err, &held) || !errors.Is(err, ErrHeld) {
		t.Fatalf("second acquire: got %v", err)
	}
	if held.PID != os.Getpid() {
		t.Errorf("pid %d, want %d", held.PID, os.Getpid())
	}
	if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "--data-dir") {
		t.Errorf("message does not name the lock and the fix: %v", err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	l2, err := Acquire(path)
	if err != nil {
		t.Fatalf("acquire after release: %v", err)
	}
	l2.Release()
}
