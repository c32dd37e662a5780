package kiosk

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"id06desk/internal/adminauth"
	"id06desk/internal/paths"
	"id06desk/internal/ratelimit"
)

// Errors of the kiosk PIN.
var (
	ErrNoPIN      = errors.New("no kiosk PIN is set")
	ErrWrongPIN   = errors.New("wrong PIN")
	ErrPINFormat  = errors.New("the PIN must be 4 to 12 digits")
	ErrPINLimited = errors.New("too many wrong PINs")
)

// LimitedError says how long to wait after too many wrong PINs.
type LimitedError struct{ Wait time.Duration }

func (e *LimitedError) Error() string {
	return fmt.Sprintf("too many wrong PINs: wait %s", e.Wait.Round(time.Second))
}

func (e *LimitedError) Unwrap() error { return ErrPINLimited }

// PINPolicy is the lock after wrong PINs: 5 wrong in a row lock the exit
// for a minute, each further wrong PIN doubles the lock, up to an hour. A
// day without a wrong PIN, or the right PIN, starts over.
var PINPolicy = ratelimit.BackoffPolicy{Free: 5, Base: time.Minute, Max: time.Hour, Forget: 24 * time.Hour}

// pinKey: the lock is one for the whole kiosk, not per client address. The
// PIN is typed on the kiosk's own screen; anyone else trying it is an
// attacker, and addresses are cheap (all of 127.0.0.0/8 is loopback).
const pinKey = "kiosk"

// PIN is the admin PIN that unlocks kiosk mode, stored as an argon2id hash
// in a 0600 file. Wrong attempts lock it (PINPolicy); the lock is kept in a
// file beside the PIN's (<file>.lock) so that a restart does not lift it.
type PIN struct {
	file   string
	hasher *adminauth.Hasher
	now    func() time.Time

	mu     sync.Mutex // guards loaded and the lock file
	loaded bool
	lock   *ratelimit.Backoff
}

// PINOption configures a PIN.
type PINOption func(*PIN)

// PINHasher makes the PIN share a Hasher (its cap on argon2 hashes at once)
// with the admin login.
func PINHasher(h *adminauth.Hasher) PINOption { return func(p *PIN) { p.hasher = h } }

// PINClock sets the clock of the lock (tests).
func PINClock(now func() time.Time) PINOption { return func(p *PIN) { p.now = now } }

// NewPIN keeps the PIN hash in file.
func NewPIN(file string, opts ...PINOption) *PIN {
	p := &PIN{file: file, now: time.Now}
	for _, o := range opts {
		o(p)
	}
	if p.hasher == nil {
		p.hasher = adminauth.NewHasher(adminauth.DefaultConcurrentHashes)
	}
	p.lock = ratelimit.NewBackoff(PINPolicy, p.now)
	return p
}

func validPIN(pin string) bool {
	if len(pin) < 4 || len(pin) > 12 {
		return false
	}
	return strings.Trim(pin, "0123456789") == ""
}

// Set stores a new PIN and lifts the lock (the admin set it).
func (p *PIN) Set(pin string) error {
	if !validPIN(pin) {
		return ErrPINFormat
	}
	hash, err := p.hasher.Hash(pin)
	if err != nil {
		return fmt.Errorf("hash kiosk PIN: %w", err)
	}
	if err := paths.WriteFile(p.file, []byte(hash+"\n")); err != nil {
		return fmt.Errorf("store kiosk PIN: %w", err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.load(); err != nil {
		return err
	}
	p.lock.Reset(pinKey)
	return p.save()
}

// IsSet reports whether a PIN has been set.
func (p *PIN) IsSet() bool {
	_, err := os.Stat(p.file)
	return err == nil
}

// Check verifies a PIN typed at the kiosk. The attempt is counted (and the
// count written down) before the slow hash runs; when the process already
// runs as many hashes as it may, it is refused with adminauth.ErrBusy and
// not counted. client is unused: the lock is the kiosk's, not a client's.
func (p *PIN) Check(client, pin string) error {
	b, err := os.ReadFile(p.file)
	if errors.Is(err, os.ErrNotExist) {
		return ErrNoPIN
	}
	if err != nil {
		return fmt.Errorf("read kiosk PIN: %w", err)
	}
	attempt, err := p.reserve()
	if err != nil {
		return err
	}
	ok, err := p.hasher.Verify(pin, strings.TrimSpace(string(b)))
	if err != nil {
		attempt.Release()
		if errors.Is(err, adminauth.ErrBusy) {
			return err
		}
		return fmt.Errorf("check kiosk PIN: %w", err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !ok {
		attempt.Fail()
		if err := p.save(); err != nil {
			return err
		}
		return ErrWrongPIN
	}
	attempt.Release()
	p.lock.Reset(pinKey)
	return p.save()
}

// Wait is how long the PIN is locked (0: it may be tried).
func (p *PIN) Wait() (time.Duration, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.load(); err != nil {
		return 0, err
	}
	return p.lock.Wait(pinKey), nil
}

func (p *PIN) reserve() (*ratelimit.Reservation, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.load(); err != nil {
		return nil, err
	}
	attempt, wait := p.lock.Reserve(pinKey)
	if attempt == nil {
		return nil, &LimitedError{Wait: wait}
	}
	// Written down before the hash: a crash during it counts as wrong.
	if err := p.save(); err != nil {
		attempt.Release()
		return nil, err
	}
	return attempt, nil
}

func (p *PIN) lockFile() string { return p.file + ".lock" }

// load reads the lock once; p.mu is held. A damaged lock file locks the
// PIN for PINPolicy.Base rather than lifting the lock.
func (p *PIN) load() error {
	if p.loaded {
		return nil
	}
	b, err := os.ReadFile(p.lockFile())
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return fmt.Errorf("read kiosk PIN lock: %w", err)
	default:
		var st ratelimit.BackoffState
		if json.Unmarshal(b, &st) != nil {
			now := p.now()
			st = ratelimit.BackoffState{Fails: PINPolicy.Free, Until: now.Add(PINPolicy.Base), Last: now}
		}
		p.lock.Restore(pinKey, st)
	}
	p.loaded = true
	return nil
}

// save writes the lock; p.mu is held.
func (p *PIN) save() error {
	st := p.lock.State(pinKey)
	if st.Fails == 0 && st.Until.IsZero() {
		if err := os.Remove(p.lockFile()); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("clear kiosk PIN lock: %w", err)
		}
		return nil
	}
	b, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("kiosk PIN lock: %w", err)
	}
	if err := paths.WriteFile(p.lockFile(), b); err != nil {
		return fmt.Errorf("store kiosk PIN lock: %w", err)
	}
	return nil
}
