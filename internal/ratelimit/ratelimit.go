// Package ratelimit slows down guessing: passwords, PINs, invitation codes.
//
// Every limiter here works by reservation: an attempt is counted when it is
// let through, before the check it guards runs (an argon2 hash takes a
// noticeable fraction of a second), and then settled. A failure keeps its
// reservation as a counted failure; a success or an attempt that was never
// evaluated gives it back. Without this, N parallel requests all pass the
// "may I?" test before the first of them records its failure.
//
// Giving a reservation back never erases earlier failures: one right answer
// (a valid invitation code the attacker knows) must not buy more guesses.
package ratelimit

import (
	"slices"
	"sync"
	"time"
)

// maxClients bounds the memory of a limiter under a flood of distinct
// clients. When full, entries that no longer limit anything go first, then
// the one touched longest ago — never all at once (that would be a reset
// button for an attacker).
const maxClients = 10000

// Reservation is one attempt let through. Settle it exactly once with Fail
// or Release; later calls do nothing.
type Reservation struct {
	once    sync.Once
	fail    func()
	release func()
}

// Fail keeps the reservation as a failed attempt.
func (r *Reservation) Fail() { r.once.Do(r.fail) }

// Release gives the reservation back: the attempt succeeded, or was not
// evaluated at all. Earlier failures stay counted.
func (r *Reservation) Release() { r.once.Do(r.release) }

func join(rs ...*Reservation) *Reservation {
	return &Reservation{
		fail: func() {
			for _, r := range rs {
				r.Fail()
			}
		},
		release: func() {
			for _, r := range rs {
				r.Release()
			}
		},
	}
}

// Failures allows max failures per client within window; after that the
// client waits until the oldest failure leaves the window. Attempts in
// flight count as failures until they are settled.
type Failures struct {
	mu      sync.Mutex
	max     int
	window  time.Duration
	now     func() time.Time
	clients map[string]*attempts
}

type attempts struct {
	fails   []time.Time
	pending int
}

// NewFailures returns a limiter; now is the clock (time.Now when nil).
func NewFailures(max int, window time.Duration, now func() time.Time) *Failures {
	if now == nil {
		now = time.Now
	}
	return &Failures{max: max, window: window, now: now, clients: map[string]*attempts{}}
}

// prune drops failures that left the window and returns the client's
// entry (nil when nothing is left of it).
func (l *Failures) prune(client string, now time.Time) *attempts {
	w := l.clients[client]
	if w == nil {
		return nil
	}
	cut := now.Add(-l.window)
	i := 0
	for i < len(w.fails) && !w.fails[i].After(cut) {
		i++
	}
	w.fails = w.fails[i:]
	if len(w.fails) == 0 && w.pending == 0 {
		delete(l.clients, client)
		return nil
	}
	return w
}

func (l *Failures) wait(w *attempts, now time.Time) time.Duration {
	if w == nil || len(w.fails)+w.pending < l.max {
		return 0
	}
	if len(w.fails) == 0 {
		// Only attempts in flight: if they all fail, the first frees up a
		// whole window from now.
		return l.window
	}
	return max(w.fails[0].Add(l.window).Sub(now), time.Millisecond)
}

// Wait is how long client must wait before trying again (0: go ahead).
// It only looks: use Reserve for an attempt.
func (l *Failures) Wait(client string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	return l.wait(l.prune(client, now), now)
}

// Reserve lets one attempt of client through and counts it at once, or
// says how long to wait (and returns no reservation).
func (l *Failures) Reserve(client string) (*Reservation, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	w := l.prune(client, now)
	if d := l.wait(w, now); d > 0 {
		return nil, d
	}
	if w == nil {
		l.makeRoom(now)
		w = &attempts{}
		l.clients[client] = w
	}
	w.pending++
	return &Reservation{
		fail: func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			w.pending--
			w.fails = append(w.fails, l.now())
		},
		release: func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			w.pending--
			l.prune(client, l.now())
		},
	}, 0
}

// Fail records a failed attempt that was not reserved (a check so quick
// that no parallel attempt can overtake it).
func (l *Failures) Fail(client string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	w := l.prune(client, now)
	if w == nil {
		l.makeRoom(now)
		w = &attempts{}
		l.clients[client] = w
	}
	w.fails = append(w.fails, now)
}

// makeRoom keeps the table under maxClients; l.mu is held.
func (l *Failures) makeRoom(now time.Time) {
	if len(l.clients) < maxClients {
		return
	}
	var cands []candidate
	for c := range l.clients {
		if w := l.prune(c, now); w != nil && w.pending == 0 {
			cands = append(cands, candidate{c, len(w.fails) >= l.max, w.fails[len(w.fails)-1]})
		}
	}
	for _, c := range evict(len(l.clients), cands) {
		delete(l.clients, c)
	}
}

type candidate struct {
	client   string
	limiting bool
	last     time.Time
}

// evict picks whom to drop from a full table of n clients so that it is
// down to 90 %: first those not being limited, then the ones whose last
// failure is oldest. (In batches, so a flood costs one sort per thousand
// new clients, not a scan per client.)
func evict(n int, cands []candidate) []string {
	k := n - maxClients*9/10
	if k <= 0 {
		return nil
	}
	slices.SortFunc(cands, func(a, b candidate) int {
		if a.limiting != b.limiting {
			if a.limiting {
				return 1
			}
			return -1
		}
		return a.last.Compare(b.last)
	})
	out := make([]string, 0, k)
	for _, c := range cands[:min(k, len(cands))] {
		out = append(out, c.client)
	}
	return out
}
