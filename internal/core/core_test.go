package core_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"id06desk/internal/core"
	"id06desk/internal/instancelock"
)

// A host's App holds the single-instance lock until Close; a command's App
// does not take it. Both register the same jobs, which run only after
// Start and stop with Close.
func TestOpenStartClose(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "D")
	host, err := core.Open(context.Background(), core.Options{DataDir: dir, Lock: true, Version: "1.2.3"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := core.Open(context.Background(), core.Options{DataDir: dir, Lock: true}); !errors.Is(err, instancelock.ErrHeld) {
		t.Fatalf("a second host on the folder: %v", err)
	}
	cmd, err := core.Open(context.Background(), core.Options{DataDir: dir})
	if err != nil {
		t.Fatalf("a command beside a running host: %v", err)
	}
	cmd.Close()

	names := func(a *core.App) (out []string) {
		for _, j := range a.Jobs() {
			out = append(out, j.Name)
		}
		return out
	}
	if got := names(host); len(got) != 6 || got[0] != core.JobBackup || got[1] != core.JobHousekeeping || got[2] != core.JobKioskPairing || got[3] != core.JobNexusFiles ||
		got[4] != core.JobOutbox || got[5] != core.JobSyncMail {
		t.Fatalf("jobs %v", got)
	}
	for _, j := range host.Jobs() {
		if j.Runs != 0 {
			t.Fatalf("%s ran before Start", j.Name)
		}
	}
	host.Start(context.Background())
	deadline := time.Now().Add(10 * time.Second)
	for ran := 0; ran < 3; {
		ran = 0
		for _, j := range host.Jobs() {
			if j.Runs > 0 {
				if j.LastError != "" {
					t.Fatalf("%s: %s", j.Name, j.LastError)
				}
				ran++
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("jobs did not run: %+v", host.Jobs())
		}
		time.Sleep(20 * time.Millisecond)
	}
	host.Close()
	host.Close() // twice is harmless
	if l, err := instancelock.Acquire(host.Paths.LockFile()); err != nil {
		t.Fatalf("the lock is held after Close: %v", err)
	} else {
		l.Release()
	}
}
