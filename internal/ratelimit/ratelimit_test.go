package ratelimit_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"id06desk/internal/ratelimit"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)} }

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// reserveAll asks n times at once (all goroutines released together) and
// returns the reservations that were let through.
func reserveAll(n int, reserve func() (*ratelimit.Reservation, time.Duration)) []*ratelimit.Reservation {
	var (
		mu    sync.Mutex
		got   []*ratelimit.Reservation
		start = make(chan struct{})
		wg    sync.WaitGroup
	)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if r, _ := reserve(); r != nil {
				mu.Lock()
				got = append(got, r)
				mu.Unlock()
			}
		}()
	}
	close(start)
	wg.Wait()
	return got
}

// An attempt counts from the moment it is let through, not when its (slow)
// check ends: 40 at once get 5 through, whatever the timing.
func TestFailuresCountsAttemptsInFlight(t *testing.T) {
	c := newClock()
	l := ratelimit.NewFailures(5, time.Minute, c.now)
	got := reserveAll(40, func() (*ratelimit.Reservation, time.Duration) { return l.Reserve("1.2.3.4") })
	if len(got) != 5 {
		t.Fatalf("%d of 40 parallel attempts let through, want 5", len(got))
	}
	if r, d := l.Reserve("1.2.3.4"); r != nil || d <= 0 {
		t.Fatalf("a sixth attempt while five are in flight: %v %v", r, d)
	}
	if r, _ := l.Reserve("5.6.7.8"); r == nil {
		t.Fatal("another client is limited too")
	}
	// One was not evaluated (or succeeded): its place is free again.
	got[0].Release()
	got[0].Fail() // settled already: no effect
	r, _ := l.Reserve("1.2.3.4")
	if r == nil {
		t.Fatal("a released reservation was not given back")
	}
	r.Fail()
	for _, r := range got[1:] {
		r.Fail()
	}
	if w := l.Wait("1.2.3.4"); w != time.Minute {
		t.Fatalf("after 5 failures: wait %v", w)
	}
	c.add(time.Minute)
	if r, _ := l.Reserve("1.2.3.4"); r == nil {
		t.Fatal("still limited after the window")
	}
}

// A success gives back its own reservation only: the failures before it
// stay counted (one valid code must not buy more guesses).
func TestSuccessKeepsEarlierFailures(t *testing.T) {
	c := newClock()
	l := ratelimit.NewFailures(5, time.Minute, c.now)
	for range 4 {
		r, _ := l.Reserve("a")
		r.Fail()
	}
	for range 3 {
		r, _ := l.Reserve("a")
		if r == nil {
			t.Fatal("the fifth attempt was refused")
		}
		r.Release()
	}
	r, _ := l.Reserve("a")
	r.Fail()
	if r, _ := l.Reserve("a"); r != nil {
		t.Fatal("successes erased the earlier failures")
	}
}

func TestBackoffSchedule(t *testing.T) {
	c := newClock()
	p := ratelimit.BackoffPolicy{Free: 3, Base: 2 * time.Second, Max: time.Minute}
	b := ratelimit.NewBackoff(p, c.now)
	fail := func() {
		t.Helper()
		r, d := b.Reserve("v")
		if r == nil {
			t.Fatalf("refused, wait %v", d)
		}
		r.Fail()
	}
	for range 3 {
		fail()
	}
	for _, want := range []time.Duration{2, 4, 8, 16, 32, 60, 60} {
		want *= time.Second
		if w := b.Wait("v"); w != want {
			t.Fatalf("wait %v, want %v", w, want)
		}
		if r, _ := b.Reserve("v"); r != nil {
			t.Fatal("let through while waiting")
		}
		c.add(want - time.Millisecond)
		if r, _ := b.Reserve("v"); r != nil {
			t.Fatal("let through before the wait is over")
		}
		c.add(time.Millisecond)
		fail()
	}
	// Not erased by a success; Reset does.
	c.add(time.Minute)
	r, _ := b.Reserve("v")
	r.Release()
	if b.Wait("v") != 0 {
		t.Fatal("waiting after a success")
	}
	fail()
	if w := b.Wait("v"); w != time.Minute {
		t.Fatalf("a success ended the streak: wait %v", w)
	}
	b.Reset("v")
	if b.Wait("v") != 0 {
		t.Fatal("waiting after Reset")
	}
	if got := p.Delay(1000); got != time.Minute {
		t.Fatalf("Delay(1000) = %v", got)
	}
}

// Once a client is being slowed down, parallel attempts do not get around
// the wait: one at a time.
func TestBackoffOneAtATimeWhenSlowedDown(t *testing.T) {
	c := newClock()
	b := ratelimit.NewBackoff(ratelimit.BackoffPolicy{Free: 3, Base: 2 * time.Second, Max: time.Minute}, c.now)
	if got := reserveAll(50, func() (*ratelimit.Reservation, time.Duration) { return b.Reserve("v") }); len(got) != 3 {
		t.Fatalf("%d of 50 let through, want 3", len(got))
	} else {
		for _, r := range got {
			r.Fail()
		}
	}
	c.add(2 * time.Second)
	if got := reserveAll(50, func() (*ratelimit.Reservation, time.Duration) { return b.Reserve("v") }); len(got) != 1 {
		t.Fatalf("%d of 50 let through after the wait, want 1", len(got))
	}
}

// What is in flight at a restart counts as failed.
func TestBackoffStateCountsAttemptsInFlight(t *testing.T) {
	c := newClock()
	p := ratelimit.BackoffPolicy{Free: 5, Base: time.Minute, Max: time.Hour}
	b := ratelimit.NewBackoff(p, c.now)
	for range 4 {
		r, _ := b.Reserve("pin")
		r.Fail()
	}
	b.Reserve("pin") // the process dies while this one is checked
	st := b.State("pin")
	if st.Fails != 5 || !st.Until.Equal(c.now().Add(time.Minute)) {
		t.Fatalf("state %+v", st)
	}
	again := ratelimit.NewBackoff(p, c.now)
	again.Restore("pin", st)
	if w := again.Wait("pin"); w != time.Minute {
		t.Fatalf("after a restart: wait %v", w)
	}
	// A wait beyond the policy (a clock set back) is cut to Max.
	st.Until = c.now().Add(100 * time.Hour)
	again.Restore("pin", st)
	if w := again.Wait("pin"); w != time.Hour {
		t.Fatalf("wait %v", w)
	}
}

func TestCodesPolicy(t *testing.T) {
	c := newClock()
	p := ratelimit.CodePolicy{
		PerAddr: 10,
		Visit:   ratelimit.BackoffPolicy{Free: 3, Base: 2 * time.Second, Max: time.Minute, Forget: 15 * time.Minute},
		Ceiling: 20,
		Window:  10 * time.Minute,
	}
	l := ratelimit.NewCodes(p, c.now)
	wrong := func(addr, visit string) time.Duration {
		r, d := l.Reserve(addr, visit)
		if r != nil {
			r.Fail()
		}
		return d
	}

	t.Run("one visit waits longer and longer", func(t *testing.T) {
		for i := range 3 {
			if d := wrong("kiosk", "anna"); d != 0 {
				t.Fatalf("wrong code %d refused: %v", i+1, d)
			}
		}
		for _, want := range []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second} {
			if d := wrong("kiosk", "anna"); d != want {
				t.Fatalf("wait %v, want %v", d, want)
			}
			c.add(want)
			if d := wrong("kiosk", "anna"); d != 0 {
				t.Fatalf("refused after the wait: %v", d)
			}
		}
	})
	t.Run("the next person at the same kiosk is not slowed down", func(t *testing.T) {
		for i := range 3 {
			if d := wrong("kiosk", "bo"); d != 0 {
				t.Fatalf("wrong code %d of the next person refused: %v", i+1, d)
			}
		}
		r, _ := l.Reserve("kiosk", "cecilia")
		r.Release() // a right code
	})
	t.Run("a script inventing visits meets the ceiling", func(t *testing.T) {
		// 3+3+3 = 9 wrong codes so far from "kiosk"; 11 more reach 20.
		for i := range 11 {
			if d := wrong("kiosk", fmt.Sprint("script", i)); d != 0 {
				t.Fatalf("refused below the ceiling: %v", d)
			}
		}
		if d := wrong("kiosk", "script-new"); d <= 0 {
			t.Fatal("the ceiling let a 21st wrong code through")
		}
		if d := wrong("other-kiosk", "x"); d != 0 {
			t.Fatalf("another address is limited: %v", d)
		}
	})
	t.Run("without a visit the address allows 10 a minute", func(t *testing.T) {
		for range 10 {
			if d := wrong("phone", ""); d != 0 {
				t.Fatalf("refused: %v", d)
			}
		}
		if d := wrong("phone", ""); d <= 0 {
			t.Fatal("an 11th wrong code from a browser")
		}
	})
}

// A flood of new clients does not push out the one being limited.
func TestFloodDoesNotResetALimitedClient(t *testing.T) {
	c := newClock()
	l := ratelimit.NewFailures(5, time.Hour, c.now)
	b := ratelimit.NewBackoff(ratelimit.BackoffPolicy{Free: 2, Base: time.Hour, Max: time.Hour, Forget: 2 * time.Hour}, c.now)
	for range 5 {
		l.Fail("target")
	}
	for range 2 {
		r, _ := b.Reserve("target")
		r.Fail()
	}
	var refused atomic.Int32
	for i := range 10500 { // just past the table's 10000 clients
		c.add(time.Millisecond)
		l.Fail(fmt.Sprint("flood", i))
		if r, _ := b.Reserve(fmt.Sprint("flood", i)); r != nil {
			r.Fail()
		} else {
			refused.Add(1)
		}
	}
	if l.Wait("target") <= 0 || b.Wait("target") <= 0 {
		t.Fatalf("the flood reset the limited client: %v %v", l.Wait("target"), b.Wait("target"))
	}
	if refused.Load() != 0 {
		t.Fatalf("%d new clients refused", refused.Load())
	}
}
