package adminauth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"
)

// First run: while no admin password exists, `serve` prints a one-time
// setup link. Whoever opens it in a browser on the same computer sets the
// first admin password there, instead of having to find the CLI command.
//
// The token lives only in this process (a new `serve` prints a new link and
// the old one stops working), and only its SHA-256 is kept. It is refused
// once it was used, after SetupLifetime, from a client that is not on
// loopback, and as soon as an admin password exists (set any way).

// SetupLifetime is how long a first-run setup link works.
const SetupLifetime = time.Hour

var (
	// ErrSetupInvalid: no such setup link (mistyped, used already, or from
	// an earlier start of `serve`).
	ErrSetupInvalid = errors.New("this setup link is not valid: it was used already or belongs to an earlier start of id06desk serve")
	// ErrSetupExpired: the link is older than SetupLifetime.
	ErrSetupExpired = errors.New("this setup link has expired: restart id06desk serve for a new one")
	// ErrSetupDone: an admin password exists; log in instead.
	ErrSetupDone = errors.New("an admin password is already set: log in with it")
	// ErrSetupNotLocal: the link works only in a browser on the computer
	// that runs id06desk.
	ErrSetupNotLocal = errors.New("the setup link works only in a browser on the computer that runs id06desk serve")
)

// setupToken is the one pending setup link. The mutex also makes a setup
// one operation: two browsers with the same link cannot both set a password.
type setupToken struct {
	mu      sync.Mutex
	hash    []byte
	expires time.Time
}

// FirstRunLink returns a new one-time link that sets the first admin
// password, for `serve` to print at start: ok is false (and no link made)
// when an admin password exists already. baseURL is where the console is
// served, e.g. "http://127.0.0.1:8080". A new link replaces any earlier one.
func (s *Service) FirstRunLink(ctx context.Context, baseURL string) (link string, ok bool, err error) {
	set, err := s.PasswordSet(ctx)
	if err != nil {
		return "", false, fmt.Errorf("first-run link: %w", err)
	}
	if set {
		return "", false, nil
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", false, fmt.Errorf("first-run link: %w", err)
	}
	tok := base64.RawURLEncoding.EncodeToString(raw)
	s.setup.mu.Lock()
	s.setup.hash = hashToken(tok)
	s.setup.expires = s.now().Add(SetupLifetime)
	s.setup.mu.Unlock()
	return strings.TrimRight(baseURL, "/") + "/#/setup?token=" + tok, true, nil
}

// Setup sets the first admin password with a setup link's token and logs
// in: it returns a session token like Login. client is the caller's IP
// address; only loopback clients may use the link. A weak password is
// refused (ErrWeakPassword) without using up the link.
func (s *Service) Setup(ctx context.Context, client, token, password string) (session string, expires time.Time, err error) {
	if ip := net.ParseIP(client); ip == nil || !ip.IsLoopback() {
		return "", time.Time{}, ErrSetupNotLocal
	}
	s.setup.mu.Lock()
	defer s.setup.mu.Unlock()
	if set, err := s.PasswordSet(ctx); err != nil {
		return "", time.Time{}, fmt.Errorf("first admin password: %w", err)
	} else if set {
		s.setup.hash = nil
		return "", time.Time{}, ErrSetupDone
	}
	if s.setup.hash == nil || token == "" || len(token) > 100 || subtle.ConstantTimeCompare(hashToken(token), s.setup.hash) != 1 {
		return "", time.Time{}, ErrSetupInvalid
	}
	if !s.now().Before(s.setup.expires) {
		s.setup.hash = nil
		return "", time.Time{}, ErrSetupExpired
	}
	if len([]rune(password)) < MinPasswordLength {
		return "", time.Time{}, ErrWeakPassword
	}
	h, err := s.hasher.Hash(password)
	if err != nil {
		return "", time.Time{}, err
	}
	created, err := s.store.SetFirstAdminPasswordHash(ctx, h)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("first admin password: %w", err)
	}
	// Used up either way: it set the password, or one exists already.
	s.setup.hash = nil
	if !created {
		return "", time.Time{}, ErrSetupDone
	}
	return s.newSession(ctx)
}

// newSession stores a new admin session and returns its cookie token.
func (s *Service) newSession(ctx context.Context) (token string, expires time.Time, err error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", time.Time{}, fmt.Errorf("new session: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(raw)
	expires = s.now().Add(SessionLifetime)
	if err := s.store.CreateAdminSession(ctx, hashToken(token), expires); err != nil {
		return "", time.Time{}, fmt.Errorf("new session: %w", err)
	}
	return token, expires, nil
}
