package adminauth_test

import (
	"context"
	"encoding/base64"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"id06desk/internal/adminauth"
	"id06desk/internal/adminauth/adminauthtest"
	"id06desk/internal/sqlite"
)

// cheap: the tests below test the login, not the hash; TestProductionHash
// tests the hash with the production parameters.
func cheap() adminauth.Option { return adminauth.WithHasher(adminauthtest.Hasher()) }

// openDB is a database in a temporary folder on clock (nil: the real one),
// closed at cleanup.
func openDB(t *testing.T, clock func() time.Time) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "a.db"), sqlite.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestLoginFlow(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	db := openDB(t, clock)
	s := adminauth.New(db, clock, cheap())

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
	db := openDB(t, clock)
	s := adminauth.New(db, clock, cheap())
	s.SetPassword(ctx, "correct horse battery")
	for i := 0; i < 5; i++ {
		if _, _, err := s.Login(ctx, "1.2.3.4", "nope"); !errors.Is(err, adminauth.ErrWrongPassword) {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	_, _, err := s.Login(ctx, "1.2.3.4", "correct horse battery")
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
	h := adminauthtest.Hasher()
	if _, err := h.Verify("x", "plain"); err == nil {
		t.Fatal("garbage hash accepted")
	}
	enc, _ := h.Hash("1234")
	if ok, _ := h.Verify("1234", enc); !ok {
		t.Fatal("pin did not verify")
	}
	if ok, _ := h.Verify("1235", enc); ok {
		t.Fatal("wrong pin verified")
	}
}

// What production stores: a Service, a Hasher and HashPassword built
// without parameters (as main.go builds them) hash with 64 MiB and 3
// passes, and that hash verifies. This is the one test here that pays for
// production hashes (about 3 s each under -race), so that nobody can
// weaken them by accident while the other tests run cheap.
func TestProductionHash(t *testing.T) {
	want := adminauth.Params{Time: 3, Memory: 64 * 1024, Threads: 2, KeyLen: 32}
	if got := adminauth.DefaultParams(); got != want {
		t.Fatalf("DefaultParams() = %+v, want %+v (RFC 9106, second option)", got, want)
	}
	if got := adminauth.NewHasher(adminauth.DefaultConcurrentHashes).Params(); got != want {
		t.Fatalf("NewHasher without parameters: %+v", got)
	}
	ctx := context.Background()
	db := openDB(t, nil)
	if err := adminauth.New(db, nil).SetPassword(ctx, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	stored, _ := db.AdminPasswordHash(ctx)
	checkProductionHash(t, stored)
	if ok, err := adminauth.VerifyPassword("correct horse battery", stored); err != nil || !ok {
		t.Fatalf("the stored production hash does not verify: %v %v", ok, err)
	}
	cli, err := adminauth.HashPassword("4711")
	if err != nil {
		t.Fatal(err)
	}
	checkProductionHash(t, cli)
}

func checkProductionHash(t *testing.T, enc string) {
	t.Helper()
	parts := strings.Split(enc, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != "v=19" || parts[3] != "m=65536,t=3,p=2" {
		t.Fatalf("stored hash %q: not argon2id v=19 with m=65536,t=3,p=2", enc)
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	key, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) != 16 || len(key) != 32 {
		t.Fatalf("stored hash %q: salt %d bytes, key %d bytes, want 16 and 32", enc, len(salt), len(key))
	}
}
