package kiosk

import (
	"errors"
	"fmt"
	"os"
	"strings"
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

// PIN is the admin PIN that unlocks kiosk mode, stored as an argon2id hash
// in a 0600 file. Wrong attempts are limited to 5 a minute.
type PIN struct {
	file    string
	limiter *ratelimit.Failures
}

// NewPIN keeps the PIN hash in file.
func NewPIN(file string) *PIN {
	return &PIN{file: file, limiter: ratelimit.NewFailures(5, time.Minute, nil)}
}

func validPIN(pin string) bool {
	if len(pin) < 4 || len(pin) > 12 {
		return false
	}
	return strings.Trim(pin, "0123456789") == ""
}

// Set stores a new PIN.
func (p *PIN) Set(pin string) error {
	if !validPIN(pin) {
		return ErrPINFormat
	}
	hash, err := adminauth.HashPassword(pin)
	if err != nil {
		return fmt.Errorf("hash kiosk PIN: %w", err)
	}
	if err := paths.WriteFile(p.file, []byte(hash+"\n")); err != nil {
		return fmt.Errorf("store kiosk PIN: %w", err)
	}
	return nil
}

// IsSet reports whether a PIN has been set.
func (p *PIN) IsSet() bool {
	_, err := os.Stat(p.file)
	return err == nil
}

// Check verifies a PIN typed at the kiosk; client names who typed it for
// the rate limit.
func (p *PIN) Check(client, pin string) error {
	if wait := p.limiter.Wait(client); wait > 0 {
		return &LimitedError{Wait: wait}
	}
	b, err := os.ReadFile(p.file)
	if errors.Is(err, os.ErrNotExist) {
		return ErrNoPIN
	}
	if err != nil {
		return fmt.Errorf("read kiosk PIN: %w", err)
	}
	ok, err := adminauth.VerifyPassword(pin, strings.TrimSpace(string(b)))
	if err != nil {
		return fmt.Errorf("check kiosk PIN: %w", err)
	}
	if !ok {
		p.limiter.Fail(client)
		return ErrWrongPIN
	}
	p.limiter.Reset(client)
	return nil
}
