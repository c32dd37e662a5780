package jobs_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"id06desk/internal/jobs"
)

// waitFor polls cond for up to 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func status(s *jobs.Scheduler, name string) jobs.Status {
	for _, st := range s.List() {
		if st.Name == name {
			return st
		}
	}
	return jobs.Status{}
}

// Each job runs at the start, its last run, duration and error are
// recorded, and a failing round does not stop the job.
func TestRoundsAreRecorded(t *testing.T) {
	s := jobs.New(nil)
	var fails atomic.Int32
	if err := s.Add("ok", time.Hour, func(ctx context.Context) error { time.Sleep(20 * time.Millisecond); return nil }); err != nil {
		t.Fatal(err)
	}
	if err := s.Add("bad", 60*time.Millisecond, func(ctx context.Context) error {
		fails.Add(1)
		return errors.New("disk full")
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.Add("ok", time.Hour, func(ctx context.Context) error { return nil }); err == nil {
		t.Fatal("a second job named ok was added")
	}
	if st := status(s, "ok"); st.Runs != 0 || !st.LastRun.IsZero() {
		t.Fatalf("ran before Start: %+v", st)
	}
	before := time.Now()
	s.Start(context.Background())
	defer s.Stop()
	if err := s.Add("late", time.Hour, func(ctx context.Context) error { return nil }); !errors.Is(err, jobs.ErrStarted) {
		t.Fatalf("Add after Start: %v", err)
	}
	waitFor(t, "the first round of ok", func() bool { return status(s, "ok").Runs == 1 })
	waitFor(t, "three rounds of bad", func() bool { return fails.Load() >= 3 })
	ok, bad := status(s, "ok"), status(s, "bad")
	if ok.LastRun.Before(before) || ok.LastDuration < 20*time.Millisecond || ok.LastError != "" || ok.Every != time.Hour {
		t.Fatalf("ok: %+v", ok)
	}
	if ok.NextRun.Before(ok.LastRun.Add(59 * time.Minute)) {
		t.Fatalf("ok runs again at %v", ok.NextRun)
	}
	if bad.LastError != "disk full" || bad.Runs < 2 {
		t.Fatalf("bad: %+v", bad)
	}
	if names := s.List(); len(names) != 2 || names[0].Name != "bad" || names[1].Name != "ok" {
		t.Fatalf("list %+v", names)
	}
}

// Sooner brings a round forward; WakeOn runs one at once; Stop waits for a
// running round and a round cut short by Stop is not an error.
func TestSoonerWakeAndStop(t *testing.T) {
	s := jobs.New(nil)
	var sooner, woken atomic.Int32
	wake := make(chan struct{}, 1)
	s.Add("sooner", time.Hour, func(ctx context.Context) error { sooner.Add(1); return nil },
		jobs.Sooner(func(ctx context.Context) time.Duration { return 0 }))
	s.Add("woken", time.Hour, func(ctx context.Context) error { woken.Add(1); return nil }, jobs.WakeOn(wake))
	stopped := make(chan struct{})
	s.Add("slow", time.Hour, func(ctx context.Context) error {
		<-ctx.Done()
		close(stopped)
		return ctx.Err()
	})
	s.Start(context.Background())
	waitFor(t, "sooner rounds", func() bool { return sooner.Load() >= 3 }) // the floor is MinWait, not an hour
	waitFor(t, "the first woken round", func() bool { return woken.Load() == 1 })
	wake <- struct{}{}
	waitFor(t, "the woken round", func() bool { return woken.Load() == 2 })
	s.Stop()
	select {
	case <-stopped:
	default:
		t.Fatal("Stop returned before the slow round")
	}
	if st := status(s, "slow"); st.LastError != "" || st.Running {
		t.Fatalf("slow after Stop: %+v", st)
	}
}
