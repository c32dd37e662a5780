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
	"time"

	"golang.org/x/crypto/argon2"
)

// Store keeps the credential and sessions.
type Store interface {
	AdminPasswordHash(ctx context.Context) (string, error)
	SetAdminPasswordHash(ctx context.Context, hash string) error
	CreateAdminSession(ctx context.Context, tokenHash []byte, expires time.Time) error
	AdminSessionValid(ctx context.Context, tokenHash []byte) (bool, error)
	DeleteAdminSession(ctx context.Context, tokenHash []byte) error
}

var (
	ErrNoPassword    = errors.New("no admin password is set")
	ErrWrongPassword = errors.New("wrong password")
	ErrWeakPassword  = errors.New("the password must be at least 10 characters")
)

// RateLimitedError says how long to wait.
type RateLimitedError struct{ RetryAfter time.Duration }

func (e *RateLimitedError) Error() string {
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
	params  argonParams
}

// New returns a Service. now may be nil.
func New(store Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{
		store:   store,
		now:     now,
		limiter: ratelimit.NewFailures(5, time.Minute, now),
		params:  defaultParams,
	}
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
	h, err := hashPassword(password, s.params)
	if err != nil {
		return err
	}
	if err := s.store.SetAdminPasswordHash(ctx, h); err != nil {
		return fmt.Errorf("set admin password: %w", err)
	}
	return nil
}

// Login checks the password for a client (its address, used for rate
// limiting) and returns a new session token for the cookie.
func (s *Service) Login(ctx context.Context, client, password string) (token string, expires time.Time, err error) {
	if wait := s.limiter.Wait(client); wait > 0 {
		return "", time.Time{}, &RateLimitedError{RetryAfter: wait}
	}
	h, err := s.store.AdminPasswordHash(ctx)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("login: %w", err)
	}
	if h == "" {
		return "", time.Time{}, ErrNoPassword
	}
	ok, err := verifyPassword(password, h)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("login: %w", err)
	}
	if !ok {
		s.limiter.Fail(client)
		return "", time.Time{}, ErrWrongPassword
	}
	s.limiter.Reset(client)
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", time.Time{}, fmt.Errorf("login: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(raw)
	expires = s.now().Add(SessionLifetime)
	if err := s.store.CreateAdminSession(ctx, hashToken(token), expires); err != nil {
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

type argonParams struct {
	time, memory uint32
	threads      uint8
	keyLen       uint32
}

// RFC 9106 second recommended option (64 MiB, 3 passes).
var defaultParams = argonParams{time: 3, memory: 64 * 1024, threads: 2, keyLen: 32}

func hashPassword(pw string, p argonParams) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, p.keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.memory, p.time, p.threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// HashPassword exposes hashing for other secrets guarded the same way (the
// kiosk PIN).
func HashPassword(pw string) (string, error) { return hashPassword(pw, defaultParams) }

// VerifyPassword checks pw against an encoded argon2id hash.
func VerifyPassword(pw, encoded string) (bool, error) { return verifyPassword(pw, encoded) }

func verifyPassword(pw, encoded string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errors.New("stored password hash has an unknown format")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errors.New("stored password hash has an unknown version")
	}
	var p argonParams
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &p.threads); err != nil {
		return false, errors.New("stored password hash has bad parameters")
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false, errors.New("stored password hash has a bad salt")
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil {
		return false, errors.New("stored password hash is damaged")
	}
	got := argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
