package adminauth_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"id06desk/internal/adminauth"
	"id06desk/internal/sqlite"
)

func TestLoginFlow(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "a.db"), sqlite.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := adminauth.New(db, clock)

	if _, _, err := s.Login(ctx, "c", "whatever"); !errors.Is(err, adminauth.ErrNoPassword) {
		t.Fatalf("login without password: %v", err)
	}
	if err := s.SetPassword(ctx, "short"); !errors.Is(err, adminauth.ErrWeakPassword) {
		t.Fatalf("weak password accepted: %v", err)
	}
	if err := s.SetPassword(ctx, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	h, _ := db.AdminPasswordHash(ctx)
	if !strings.HasPrefix(h, "$argon2id$") || strings.Contains(h, "horse") {
		t.Fatalf("stored hash %q", h)
	}
	if _, _, err := s.Login(ctx, "c", "wrong"); !errors.Is(err, adminauth.ErrWrongPassword) {
		t.Fatalf("wrong password: %v", err)
	}
	tok, exp, err := s.Login(ctx, "c", "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !exp.Equal(now.Add(adminauth.SessionLifetime)) || !s.Valid(ctx, tok) {
		t.Fatal("session not valid after login")
	}
	if s.Valid(ctx, tok+"x") || s.Valid(ctx, "") {
		t.Fatal("forged token valid")
	}
	s.Logout(ctx, tok)
	if s.Valid(ctx, tok) {
		t.Fatal("valid after logout")
	}
}

func TestRateLimit(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "a.db"), sqlite.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := adminauth.New(db, clock)
	s.SetPassword(ctx, "correct horse battery")
	for i := 0; i < 5; i++ {
		if _, _, err := s.Login(ctx, "1.2.3.4", "nope"); !errors.Is(err, adminauth.ErrWrongPassword) {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	_, _, err = s.Login(ctx, "1.2.3.4", "correct horse battery")
	var rl *adminauth.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != time.Minute {
		t.Fatalf("sixth attempt: %v", err)
	}
	// Another client is not affected.
	if _, _, err := s.Login(ctx, "5.6.7.8", "correct horse battery"); err != nil {
		t.Fatalf("other client: %v", err)
	}
	now = now.Add(61 * time.Second)
	if _, _, err := s.Login(ctx, "1.2.3.4", "correct horse battery"); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

func TestVerifyRejectsGarbage(t *testing.T) {
	if _, err := adminauth.VerifyPassword("x", "plain"); err == nil {
		t.Fatal("garbage hash accepted")
	}
	h, _ := adminauth.HashPassword("1234")
	if ok, _ := adminauth.VerifyPassword("1234", h); !ok {
		t.Fatal("pin did not verify")
	}
	if ok, _ := adminauth.VerifyPassword("1235", h); ok {
		t.Fatal("wrong pin verified")
	}
}
