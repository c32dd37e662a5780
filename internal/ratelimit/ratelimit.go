// Package ratelimit slows down guessing: passwords, PINs, invitation codes.
package ratelimit

import (
	"sync"
	"time"
)

// Failures allows max failures per client within window; after that the
// client waits until the oldest failure leaves the window.
type Failures struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	now    func() time.Time
	fails  map[string][]time.Time
}

// NewFailures returns a limiter; now is the clock (time.Now when nil).
func NewFailures(max int, window time.Duration, now func() time.Time) *Failures {
	if now == nil {
		now = time.Now
	}
	return &Failures{max: max, window: window, now: now, fails: map[string][]time.Time{}}
}

func (l *Failures) prune(client string) []time.Time {
	cut := l.now().Add(-l.window)
	f := l.fails[client]
	i := 0
	for i < len(f) && !f[i].After(cut) {
		i++
	}
	f = f[i:]
	if len(f) == 0 {
		delete(l.fails, client)
	} else {
		l.fails[client] = f
	}
	return f
}

// Wait is how long client must wait before trying again (0: go ahead).
func (l *Failures) Wait(client string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.prune(client)
	if len(f) < l.max {
		return 0
	}
	return f[0].Add(l.window).Sub(l.now())
}

// Fail records a failed attempt.
func (l *Failures) Fail(client string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.prune(client)
	// Bound memory under a flood of distinct addresses.
	if len(l.fails) > 10000 {
		l.fails = map[string][]time.Time{}
	}
	l.fails[client] = append(l.fails[client], l.now())
}

// Reset forgets a client's failures (after a success).
func (l *Failures) Reset(client string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, client)
}
