package ratelimit

import "time"

// CodePolicy limits the lookup of invitation codes by the people who type
// them.
type CodePolicy struct {
	// PerAddr: wrong codes per client address in Window, for requests that
	// name no visit (a browser at home, a phone).
	PerAddr int
	// Visit: the growing wait for one person at the kiosk (one visit).
	Visit BackoffPolicy
	// Ceiling: wrong codes per address in Window over all its visits
	// together, so that a script inventing visits still cannot enumerate
	// codes.
	Ceiling int
	Window  time.Duration
}

// DefaultCodePolicy: 10 wrong codes a minute from a browser; at the kiosk,
// three wrong codes per person for free, then 2 s, 4 s, 8 s … up to a
// minute, and at most 100 wrong codes in 10 minutes from the kiosk as a
// whole. Codes have 8–10 characters of 32 symbols: 100 guesses in 10
// minutes find none.
var DefaultCodePolicy = CodePolicy{
	PerAddr: 10,
	Visit:   BackoffPolicy{Free: 3, Base: 2 * time.Second, Max: time.Minute, Forget: 15 * time.Minute},
	Ceiling: 100,
	Window:  10 * time.Minute,
}

// Codes limits invitation code lookups: per address, or per visit under a
// per-address ceiling.
type Codes struct {
	addr    *Failures
	ceiling *Failures
	visit   *Backoff
}

// NewCodes returns the limiter; now is the clock (time.Now when nil).
func NewCodes(p CodePolicy, now func() time.Time) *Codes {
	return &Codes{
		addr:    NewFailures(p.PerAddr, time.Minute, now),
		ceiling: NewFailures(p.Ceiling, p.Window, now),
		visit:   NewBackoff(p.Visit, now),
	}
}

// Reserve lets one lookup from addr through, or says how long to wait.
// visit is the kiosk screen's id for the person in front of it ("" where
// there is none; the caller decides whether to trust it). Fail the
// reservation on a wrong code; Release it on a right one — that keeps the
// wrong ones before it counted.
func (c *Codes) Reserve(addr, visit string) (*Reservation, time.Duration) {
	if visit == "" {
		return c.addr.Reserve(addr)
	}
	ceil, d := c.ceiling.Reserve(addr)
	if ceil == nil {
		return nil, d
	}
	v, d := c.visit.Reserve(addr + "\x00" + visit)
	if v == nil {
		ceil.Release()
		return nil, d
	}
	return join(ceil, v), 0
}
