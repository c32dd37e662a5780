// Package jobs runs the App's background jobs: each is registered by name
// with the longest wait between two rounds (like pocketbase's
// app.Cron().Add), may bring its next round forward (the outbox at the next
// due retry, housekeeping at the next invitation expiry) or be woken, and
// has its last run, duration and error recorded for Settings → About.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"
)

// Round is one run of a job. An error is recorded and logged; the job runs
// again at its next time all the same.
type Round func(ctx context.Context) error

// Option tunes a job.
type Option func(*job)

// Sooner lets a job bring its next round forward: next returns how long
// until the next round is due. The scheduler waits the smaller of that and
// the job's interval, and never less than MinWait.
func Sooner(next func(ctx context.Context) time.Duration) Option {
	return func(j *job) { j.next = next }
}

// WakeOn runs the job's next round as soon as wake receives (the outbox
// when new mail is queued).
func WakeOn(wake <-chan struct{}) Option {
	return func(j *job) { j.wake = wake }
}

// MinWait is the least time between two rounds of one job.
const MinWait = 50 * time.Millisecond

// Status is what the scheduler knows of one job.
type Status struct {
	Name  string
	Every time.Duration
	// Runs counts the finished rounds since the start.
	Runs    int
	Running bool
	// LastRun is when the last finished round started (zero before the first).
	LastRun      time.Time
	LastDuration time.Duration
	// LastError is the last round's error ("" when it succeeded).
	LastError string
	// NextRun is when the next round is due (zero while one runs or
	// before the start).
	NextRun time.Time
}

type job struct {
	name  string
	every time.Duration
	round Round
	next  func(ctx context.Context) time.Duration
	wake  <-chan struct{}

	st Status // guarded by Scheduler.mu
}

// Scheduler holds the jobs and runs them between Start and Stop.
type Scheduler struct {
	log *slog.Logger
	now func() time.Time

	mu      sync.Mutex
	jobs    []*job
	started bool
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

// New returns a Scheduler; log may be nil.
func New(log *slog.Logger) *Scheduler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Scheduler{log: log, now: time.Now}
}

// ErrStarted is returned by Add once the scheduler runs.
var ErrStarted = errors.New("jobs: the scheduler has started")

// Add registers a job that runs round at the start and then at least every
// interval. Names are unique.
func (s *Scheduler) Add(name string, every time.Duration, round Round, opts ...Option) error {
	if name == "" || every <= 0 || round == nil {
		return fmt.Errorf("jobs: job %q needs a name, an interval and a round", name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return ErrStarted
	}
	for _, j := range s.jobs {
		if j.name == name {
			return fmt.Errorf("jobs: a job named %q exists already", name)
		}
	}
	j := &job{name: name, every: every, round: round}
	for _, o := range opts {
		o(j)
	}
	j.st = Status{Name: name, Every: every}
	s.jobs = append(s.jobs, j)
	return nil
}

// Start runs every job in its own goroutine until ctx ends or Stop.
// A second Start does nothing.
func (s *Scheduler) Start(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return
	}
	s.started = true
	ctx, s.cancel = context.WithCancel(ctx)
	for _, j := range s.jobs {
		s.wg.Go(func() { s.loop(ctx, j) })
	}
}

// Stop ends the jobs and waits for a running round to return.
func (s *Scheduler) Stop() {
	s.mu.Lock()
	cancel := s.cancel
	s.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	s.wg.Wait()
}

// List reports every job, by name.
func (s *Scheduler) List() []Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Status, 0, len(s.jobs))
	for _, j := range s.jobs {
		out = append(out, j.st)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Name < out[b].Name })
	return out
}

func (s *Scheduler) loop(ctx context.Context, j *job) {
	for ctx.Err() == nil {
		s.run(ctx, j)
		wait := j.every
		if j.next != nil {
			if d := j.next(ctx); d < wait {
				wait = max(d, MinWait)
			}
		}
		s.mu.Lock()
		j.st.NextRun = s.now().Add(wait)
		s.mu.Unlock()
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
		case <-j.wake: // a nil channel never receives
		case <-t.C:
		}
		t.Stop()
	}
}

// run does one round and records it.
func (s *Scheduler) run(ctx context.Context, j *job) {
	start := s.now()
	s.mu.Lock()
	j.st.Running, j.st.NextRun = true, time.Time{}
	s.mu.Unlock()
	err := j.round(ctx)
	took := s.now().Sub(start)
	if err != nil && ctx.Err() != nil {
		// Stopped mid-round: the round did not fail.
		err = nil
	}
	s.mu.Lock()
	j.st.Running = false
	j.st.Runs++
	j.st.LastRun, j.st.LastDuration, j.st.LastError = start, took, ""
	if err != nil {
		j.st.LastError = err.Error()
	}
	s.mu.Unlock()
	if err != nil {
		s.log.Error("job failed", "job", j.name, "took", took, "err", err)
	}
}
