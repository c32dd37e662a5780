package ratelimit

import (
	"sync"
	"time"
)

// BackoffPolicy says how a Backoff slows a client down.
type BackoffPolicy struct {
	// Free is how many failures in a row cost nothing.
	Free int
	// Base is the wait after failure number Free; each further failure
	// doubles it, up to Max.
	Base, Max time.Duration
	// Forget: a client whose last failure is this long ago (and who is not
	// waiting) starts over.
	Forget time.Duration
}

// Delay is the wait after n failures in a row.
func (p BackoffPolicy) Delay(n int) time.Duration {
	if n < p.Free || p.Free < 1 {
		return 0
	}
	d := p.Base
	for i := p.Free; i < n && d < p.Max; i++ {
		d *= 2
	}
	return min(d, p.Max)
}

// Backoff slows down a client after Free failures in a row with a growing
// wait. While a client is being slowed down, it has at most one attempt in
// flight. A success does not end the streak by itself: call Reset where a
// success proves the client is legitimate (the admin's PIN).
type Backoff struct {
	mu      sync.Mutex
	policy  BackoffPolicy
	now     func() time.Time
	clients map[string]*streak
}

type streak struct {
	fails, pending int
	until, last    time.Time
}

// BackoffState is what a Backoff knows of one client, to keep across a
// restart.
type BackoffState struct {
	Fails int       `json:"fails"`
	Until time.Time `json:"until"`
	Last  time.Time `json:"last"`
}

// NewBackoff returns a limiter; now is the clock (time.Now when nil).
func NewBackoff(p BackoffPolicy, now func() time.Time) *Backoff {
	if now == nil {
		now = time.Now
	}
	return &Backoff{policy: p, now: now, clients: map[string]*streak{}}
}

// get returns the client's streak (nil when there is none), forgetting
// one that is over.
func (b *Backoff) get(client string, now time.Time) *streak {
	s := b.clients[client]
	if s != nil && b.forgettable(s, now) {
		delete(b.clients, client)
		return nil
	}
	return s
}

func (b *Backoff) forgettable(s *streak, now time.Time) bool {
	return s.pending == 0 && !now.Before(s.until) &&
		(s.fails == 0 || (b.policy.Forget > 0 && now.Sub(s.last) >= b.policy.Forget))
}

func (b *Backoff) wait(s *streak, now time.Time) time.Duration {
	switch {
	case s == nil:
		return 0
	case now.Before(s.until):
		return s.until.Sub(now)
	case s.pending > 0 && s.fails+s.pending >= b.policy.Free:
		// Another attempt is being checked; if it fails, this is the wait.
		return max(b.policy.Delay(s.fails+s.pending), time.Second)
	}
	return 0
}

// Wait is how long client must wait before trying again (0: go ahead).
func (b *Backoff) Wait(client string) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	return b.wait(b.get(client, now), now)
}

// Reserve lets one attempt of client through, counted as a failure until
// it is settled, or says how long to wait.
func (b *Backoff) Reserve(client string) (*Reservation, time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	s := b.get(client, now)
	if d := b.wait(s, now); d > 0 {
		return nil, d
	}
	if s == nil {
		b.makeRoom(now)
		s = &streak{}
		b.clients[client] = s
	}
	s.pending++
	return &Reservation{
		fail: func() {
			b.mu.Lock()
			defer b.mu.Unlock()
			now := b.now()
			s.pending--
			s.fails++
			s.last = now
			if d := b.policy.Delay(s.fails); d > 0 {
				s.until = now.Add(d)
			}
		},
		release: func() {
			b.mu.Lock()
			defer b.mu.Unlock()
			s.pending--
			b.get(client, b.now())
		},
	}, 0
}

// Reset ends a client's streak (attempts in flight still count when they
// fail).
func (b *Backoff) Reset(client string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if s := b.clients[client]; s != nil {
		s.fails, s.until = 0, time.Time{}
		b.get(client, b.now())
	}
}

// State is what to keep of client across a restart. Attempts in flight
// count as failures: a crash during a check must not give a guess away.
func (b *Backoff) State(client string) BackoffState {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	s := b.get(client, now)
	if s == nil {
		return BackoffState{}
	}
	st := BackoffState{Fails: s.fails + s.pending, Until: s.until, Last: s.last}
	if s.pending > 0 {
		st.Last = now
		if d := b.policy.Delay(st.Fails); d > 0 && now.Add(d).After(st.Until) {
			st.Until = now.Add(d)
		}
	}
	return st
}

// Restore sets what is known of client (from State, before a restart). A
// wait longer than the policy allows (a clock set back) is cut to Max.
func (b *Backoff) Restore(client string, st BackoffState) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	if limit := now.Add(b.policy.Max); st.Until.After(limit) {
		st.Until = limit
	}
	if st.Last.After(now) {
		st.Last = now
	}
	s := b.clients[client]
	if s == nil {
		s = &streak{}
		b.clients[client] = s
	}
	s.fails, s.until, s.last = max(st.Fails, 0), st.Until, st.Last
	b.get(client, now)
}

// makeRoom keeps the table under maxClients, dropping first those who are
// not being slowed down; b.mu is held.
func (b *Backoff) makeRoom(now time.Time) {
	if len(b.clients) < maxClients {
		return
	}
	var cands []candidate
	for c := range b.clients {
		if s := b.get(c, now); s != nil && s.pending == 0 {
			cands = append(cands, candidate{c, s.until.After(now) || s.fails >= b.policy.Free, s.last})
		}
	}
	for _, c := range evict(len(b.clients), cands) {
		delete(b.clients, c)
	}
}
