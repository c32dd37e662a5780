// Package adminauth guards the admin console in `serve` mode: one admin
// password stored as an argon2id hash, sessions identified by a random
// cookie value of which only a hash is stored, and login attempts limited
// per client address.
package adminauth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"id06desk/internal/ratelimit"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/argon2"
)

// Store keeps the credential and sessions.
type Store interface {
	AdminPasswordHash(ctx context.Context) (string, error)
	SetAdminPasswordHash(ctx context.Context, hash string) error
	// SetFirstAdminPasswordHash stores hash only if no password is set;
	// created says whether it did.
	SetFirstAdminPasswordHash(ctx context.Context, hash string) (created bool, err error)
	CreateAdminSession(ctx context.Context, tokenHash []byte, expires time.Time) error
	AdminSessionValid(ctx context.Context, tokenHash []byte) (bool, error)
	DeleteAdminSession(ctx context.Context, tokenHash []byte) error
}

var (
	ErrNoPassword    = errors.New("no admin password is set")
	ErrWrongPassword = errors.New("wrong password")
	ErrWeakPassword  = errors.New("the password must be at least 10 characters")
)

// RateLimitedError says how long to wait: after too many wrong passwords,
// or (Busy) while the server checks as many passwords as it may at once.
type RateLimitedError struct {
	RetryAfter time.Duration
	Busy       bool
}

func (e *RateLimitedError) Error() string {
	if e.Busy {
		return "the server is checking other passwords: try again in a moment"
	}
	return fmt.Sprintf("too many login attempts: wait %d seconds", int(e.RetryAfter.Seconds()+0.999))
}

// MinPasswordLength is the shortest accepted admin password.
const MinPasswordLength = 10

// SessionLifetime is how long a login lasts.
const SessionLifetime = 12 * time.Hour

// Service is the admin login.
type Service struct {
	store   Store
	now     func() time.Time
	limiter *ratelimit.Failures
	hasher  *Hasher
	setup   setupToken
}

// Option configures a Service.
type Option func(*Service)

// WithHasher makes the Service share a Hasher (and so its cap on hashes
// at once) with the other users of argon2 in the process: the kiosk PIN.
func WithHasher(h *Hasher) Option { return func(s *Service) { s.hasher = h } }

// New returns a Service. now may be nil. Without WithHasher it has a
// Hasher of its own.
func New(store Store, now func() time.Time, opts ...Option) *Service {
	if now == nil {
		now = time.Now
	}
	s := &Service{
		store:   store,
		now:     now,
		limiter: ratelimit.NewFailures(5, time.Minute, now),
	}
	for _, o := range opts {
		o(s)
	}
	if s.hasher == nil {
		s.hasher = NewHasher(DefaultConcurrentHashes)
	}
	return s
}

// PasswordSet reports whether an admin password exists.
func (s *Service) PasswordSet(ctx context.Context) (bool, error) {
	h, err := s.store.AdminPasswordHash(ctx)
	return h != "", err
}

// SetPassword hashes and stores a new admin password, ending all sessions.
func (s *Service) SetPassword(ctx context.Context, password string) error {
	if len([]rune(password)) < MinPasswordLength {
		return ErrWeakPassword
	}
	h, err := s.hasher.Hash(password)
	if err != nil {
		return err
	}
	if err := s.store.SetAdminPasswordHash(ctx, h); err != nil {
		return fmt.Errorf("set admin password: %w", err)
	}
	return nil
}

// Login checks the password for a client (its address, used for rate
// limiting) and returns a new session token for the cookie. The attempt is
// counted before the slow hash runs, so parallel guesses cannot overtake
// the limit; when the process already runs as many hashes as it may, the
// attempt is refused at once (a RateLimitedError) and not counted.
func (s *Service) Login(ctx context.Context, client, password string) (token string, expires time.Time, err error) {
	attempt, wait := s.limiter.Reserve(client)
	if attempt == nil {
		return "", time.Time{}, &RateLimitedError{RetryAfter: wait}
	}
	defer attempt.Release() // unless it failed below: not evaluated, or right
	h, err := s.store.AdminPasswordHash(ctx)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("login: %w", err)
	}
	if h == "" {
		return "", time.Time{}, ErrNoPassword
	}
	ok, err := s.hasher.Verify(password, h)
	if errors.Is(err, ErrBusy) {
		return "", time.Time{}, &RateLimitedError{RetryAfter: BusyRetryAfter, Busy: true}
	}
	if err != nil {
		return "", time.Time{}, fmt.Errorf("login: %w", err)
	}
	if !ok {
		attempt.Fail()
		return "", time.Time{}, ErrWrongPassword
	}
	token, expires, err = s.newSession(ctx)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("login: %w", err)
	}
	return token, expires, nil
}

// Valid reports whether a cookie token belongs to a live session.
func (s *Service) Valid(ctx context.Context, token string) bool {
	if token == "" || len(token) > 100 {
		return false
	}
	ok, err := s.store.AdminSessionValid(ctx, hashToken(token))
	return err == nil && ok
}

// Logout ends the session.
func (s *Service) Logout(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	return s.store.DeleteAdminSession(ctx, hashToken(token))
}

func hashToken(t string) []byte {
	h := sha256.Sum256([]byte(t))
	return h[:]
}

// Params are the cost of an argon2id hash. A hash keeps the parameters
// it was made with, so Verify follows the stored hash; Params only decide
// the cost of new hashes (a password or PIN being set).
type Params struct {
	// Time is the number of passes over the memory.
	Time uint32
	// Memory is in KiB.
	Memory uint32
	// Threads is the parallelism.
	Threads uint8
	// KeyLen is the length of the derived key in bytes.
	KeyLen uint32
}

// DefaultParams returns the production parameters: RFC 9106's second
// recommended option (64 MiB, 3 passes, 2 lanes, 32-byte key). Every
// Hasher uses them unless told otherwise (HashParams).
func DefaultParams() Params { return Params{Time: 3, Memory: 64 * 1024, Threads: 2, KeyLen: 32} }

// validate keeps parameters, ours or read from a stored hash, within what
// a hash may cost: never more than 1 GiB or 16 passes.
func (p Params) validate() error {
	if p.Memory > 1<<20 || p.Time > 16 || p.Time == 0 || p.Threads == 0 {
		return errors.New("parameters out of range")
	}
	return nil
}

// DefaultConcurrentHashes is how many argon2id hashes (64 MiB each) a
// process runs at once: enough for an admin and a kiosk PIN at the same
// moment, and a bounded amount of memory under a flood of guesses.
const DefaultConcurrentHashes = 2

// BusyRetryAfter is what to tell a client refused with ErrBusy.
const BusyRetryAfter = time.Second

// ErrBusy: as many hashes as allowed are running; try again in a moment.
var ErrBusy = errors.New("too many password checks at once")

// Hasher runs the argon2id hashes of passwords and PINs, at most n at
// once. One more is refused at once with ErrBusy rather than queued: a
// queue of waiting requests would hold their memory and connections.
type Hasher struct {
	slots  chan struct{}
	params Params
	// kdf is argon2.IDKey; tests of this package replace it.
	kdf func(pw, salt []byte, time, memory uint32, threads uint8, keyLen uint32) []byte

	running, peak atomic.Int64
	hashes, busy  atomic.Int64
}

// HasherOption configures a Hasher.
type HasherOption func(*Hasher)

// HashParams sets the cost of new hashes (default: DefaultParams). Only
// tests that do not test the hash itself have a reason to lower it.
func HashParams(p Params) HasherOption { return func(h *Hasher) { h.params = p } }

// NewHasher returns a Hasher that runs at most n hashes at once. It
// panics on parameters out of range (a programming error).
func NewHasher(n int, opts ...HasherOption) *Hasher {
	h := &Hasher{slots: make(chan struct{}, max(n, 1)), params: DefaultParams(), kdf: argon2.IDKey}
	for _, o := range opts {
		o(h)
	}
	if err := h.params.validate(); err != nil || h.params.KeyLen < 16 || h.params.KeyLen > 64 {
		panic(fmt.Sprintf("adminauth: hash %+v: parameters out of range", h.params))
	}
	return h
}

// Params returns the parameters of the hashes h makes.
func (h *Hasher) Params() Params { return h.params }

// HasherStats counts what a Hasher did.
type HasherStats struct {
	// Hashes is how many hashes ran (each a password or PIN evaluated).
	Hashes int64
	// Peak is the most that ran at the same time.
	Peak int64
	// Busy is how many were refused because the cap was reached.
	Busy int64
}

// Stats returns the counters.
func (h *Hasher) Stats() HasherStats {
	return HasherStats{Hashes: h.hashes.Load(), Peak: h.peak.Load(), Busy: h.busy.Load()}
}

func (h *Hasher) key(pw, salt []byte, p Params, keyLen uint32) ([]byte, error) {
	select {
	case h.slots <- struct{}{}:
	default:
		h.busy.Add(1)
		return nil, ErrBusy
	}
	defer func() { <-h.slots }()
	n := h.running.Add(1)
	defer h.running.Add(-1)
	for {
		p := h.peak.Load()
		if n <= p || h.peak.CompareAndSwap(p, n) {
			break
		}
	}
	h.hashes.Add(1)
	return h.kdf(pw, salt, p.Time, p.Memory, p.Threads, keyLen), nil
}

// Hash returns the encoded argon2id hash of pw (ErrBusy: try again).
func (h *Hasher) Hash(pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	p := h.params
	key, err := h.key([]byte(pw), salt, p, p.KeyLen)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// Verify checks pw against an encoded argon2id hash (ErrBusy: not checked,
// try again).
func (h *Hasher) Verify(pw, encoded string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errors.New("stored password hash has an unknown format")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errors.New("stored password hash has an unknown version")
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return false, errors.New("stored password hash has bad parameters")
	}
	if p.validate() != nil {
		// A stored hash is ours; never let one ask for more than 1 GiB.
		return false, errors.New("stored password hash has parameters out of range")
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false, errors.New("stored password hash has a bad salt")
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(want) == 0 || len(want) > 64 {
		return false, errors.New("stored password hash is damaged")
	}
	got, err := h.key([]byte(pw), salt, p, uint32(len(want)))
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// HashPassword hashes with a Hasher of its own (no shared cap): for the
// command line, which runs one hash and exits.
func HashPassword(pw string) (string, error) { return NewHasher(1).Hash(pw) }

// VerifyPassword checks pw against an encoded argon2id hash with a Hasher
// of its own (no shared cap).
func VerifyPassword(pw, encoded string) (bool, error) { return NewHasher(1).Verify(pw, encoded) }
