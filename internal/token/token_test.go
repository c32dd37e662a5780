package token

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func claims() Claims {
	return Claims{
		InvitationID: "0b9e6f3c-8d2a-4f61-9c3e-5a7b1d2e4f60",
		Company:      "556036-0793",
		CardType:     "ID06-RFID",
		Industry:     "BYGG",
		ExpiresAt:    now.Add(30 * 24 * time.Hour),
		EmailHash:    HashEmail("anna.svensson@bygg-soner.se"),
	}
}

func newRing(t *testing.T) *KeyRing {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return New(priv)
}

func TestRoundTrip(t *testing.T) {
	r := newRing(t)
	tests := []struct {
		name string
		edit func(*Claims)
	}{
		{"uuid id", func(*Claims) {}},
		{"free-form id", func(c *Claims) { c.InvitationID = "01JDQ8ZK3M7Y2V4T6R8P0N1B3C" }},
		{"upper-case uuid stays as typed", func(c *Claims) { c.InvitationID = strings.ToUpper(c.InvitationID) }},
		{"no industry", func(c *Claims) { c.Industry = "" }},
		{"longest fields", func(c *Claims) {
			c.InvitationID = strings.Repeat("i", 40)
			c.Company = strings.Repeat("c", 40)
			c.CardType = strings.Repeat("t", 40)
			c.Industry = strings.Repeat("n", 40)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := claims()
			tt.edit(&want)
			tok, err := r.Sign(want)
			if err != nil {
				t.Fatal(err)
			}
			got, err := r.Verify(tok, now)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			want.KeyID = r.ActiveKeyID()
			if got != want {
				t.Fatalf("claims differ:\n got %+v\nwant %+v", got, want)
			}
			for _, c := range tok {
				if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
					t.Fatalf("token has non-URL-safe character %q: %s", c, tok)
				}
			}
		})
	}
}

func TestTokenIsShort(t *testing.T) {
	r := newRing(t)
	for _, id := range []string{"0b9e6f3c-8d2a-4f61-9c3e-5a7b1d2e4f60", "01JDQ8ZK3M7Y2V4T6R8P0N1B3C"} {
		c := claims()
		c.InvitationID = id
		tok, err := r.Sign(c)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%d chars: %s", len(tok), tok)
		if len(tok) >= 200 {
			t.Fatalf("token for id %q has %d characters, want < 200", id, len(tok))
		}
	}
}

func TestSignRefusesBadClaims(t *testing.T) {
	r := newRing(t)
	for name, edit := range map[string]func(*Claims){
		"id too long":       func(c *Claims) { c.InvitationID = strings.Repeat("x", 41) },
		"no id":             func(c *Claims) { c.InvitationID = "" },
		"no company":        func(c *Claims) { c.Company = "" },
		"no card type":      func(c *Claims) { c.CardType = "" },
		"no expiry":         func(c *Claims) { c.ExpiresAt = time.Time{} },
		"industry too long": func(c *Claims) { c.Industry = strings.Repeat("x", 41) },
	} {
		t.Run(name, func(t *testing.T) {
			c := claims()
			edit(&c)
			if _, err := r.Sign(c); !errors.Is(err, ErrClaims) {
				t.Fatalf("Sign = %v, want ErrClaims", err)
			}
		})
	}
}

// Changing any single character of a token must make it invalid.
func TestTamperAnyCharacter(t *testing.T) {
	r := newRing(t)
	tok, err := r.Sign(claims())
	if err != nil {
		t.Fatal(err)
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."
	for i := range tok {
		for _, rep := range []byte{alphabet[(strings.IndexByte(alphabet, tok[i])+1)%len(alphabet)], tok[i] ^ 1} {
			if rep == tok[i] {
				continue
			}
			bad := tok[:i] + string(rep) + tok[i+1:]
			if _, err := r.Verify(bad, now); err == nil {
				t.Fatalf("tampered token accepted (position %d, %q→%q)", i, tok[i], rep)
			}
		}
	}
	// A valid encoding with one payload bit flipped is a bad signature,
	// not a parse error.
	p64, s64, _ := strings.Cut(strings.TrimPrefix(tok, prefix), ".")
	payload, _ := b64.DecodeString(p64)
	payload[len(payload)-1] ^= 0x01
	flipped := prefix + b64.EncodeToString(payload) + "." + s64
	if _, err := r.Verify(flipped, now); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("flipped payload bit: %v, want ErrBadSignature", err)
	}
}

func TestMalformed(t *testing.T) {
	r := newRing(t)
	tok, _ := r.Sign(claims())
	for name, s := range map[string]string{
		"empty":        "",
		"no prefix":    strings.TrimPrefix(tok, "v1."),
		"v2":           "v2." + strings.TrimPrefix(tok, "v1."),
		"no signature": tok[:strings.LastIndexByte(tok, '.')],
		"padding":      tok + "=",
		"short sig":    tok[:len(tok)-4],
		"extra part":   tok + ".AAAA",
		"not base64":   "v1.!!!!.????",
		"huge":         "v1." + strings.Repeat("A", 2000) + ".AAAA",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := r.Verify(s, now); !errors.Is(err, ErrMalformed) {
				t.Fatalf("Verify = %v, want ErrMalformed", err)
			}
		})
	}
}

func TestForeignKey(t *testing.T) {
	mine, theirs := newRing(t), newRing(t)
	tok, err := theirs.Sign(claims())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mine.Verify(tok, now); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("Verify = %v, want ErrUnknownKey", err)
	}
}

func TestExpiry(t *testing.T) {
	r := newRing(t)
	c := claims()
	tok, _ := r.Sign(c)
	if _, err := r.Verify(tok, c.ExpiresAt.Add(-time.Second)); err != nil {
		t.Fatalf("one second before expiry: %v", err)
	}
	got, err := r.Verify(tok, c.ExpiresAt)
	if !errors.Is(err, ErrExpired) {
		t.Fatalf("at expiry: %v, want ErrExpired", err)
	}
	if !got.ExpiresAt.Equal(c.ExpiresAt) || got.InvitationID != c.InvitationID {
		t.Fatalf("expired token must still return claims, got %+v", got)
	}
}

func TestVerifierFromPublicKeys(t *testing.T) {
	r := newRing(t)
	tok, _ := r.Sign(claims())
	v, err := NewVerifier(r.PublicKeys()...)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(tok, now); err != nil {
		t.Fatalf("verifier: %v", err)
	}
	if _, err := v.Sign(claims()); !errors.Is(err, ErrNoSigningKey) {
		t.Fatalf("verifier Sign = %v, want ErrNoSigningKey", err)
	}
	k := r.PublicKeys()[0]
	k.KeyID = "00000000"
	if _, err := NewVerifier(k); err == nil {
		t.Fatal("key id not matching the key was accepted")
	}
}

func TestLoadOrCreateRotateReload(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	r1, err := LoadOrCreate(dir)
	if err != nil {
		t.Fatal(err)
	}
	old, _ := r1.Sign(claims())
	oldKID := r1.ActiveKeyID()

	if err := r1.Rotate(); err != nil {
		t.Fatal(err)
	}
	if r1.ActiveKeyID() == oldKID {
		t.Fatal("Rotate did not change the active key")
	}
	fresh, _ := r1.Sign(claims())
	for name, tok := range map[string]string{"old": old, "new": fresh} {
		if _, err := r1.Verify(tok, now); err != nil {
			t.Fatalf("%s token after rotation: %v", name, err)
		}
	}

	// A second process loading the same directory: same active key, both
	// tokens verify, nothing new is created.
	r2, err := LoadOrCreate(dir)
	if err != nil {
		t.Fatal(err)
	}
	if r2.ActiveKeyID() != r1.ActiveKeyID() {
		t.Fatalf("reload picked key %s, want the rotated %s", r2.ActiveKeyID(), r1.ActiveKeyID())
	}
	for name, tok := range map[string]string{"old": old, "new": fresh} {
		if _, err := r2.Verify(tok, now); err != nil {
			t.Fatalf("%s token after reload: %v", name, err)
		}
	}
	if got := len(r2.PublicKeys()); got != 2 {
		t.Fatalf("reloaded ring has %d keys, want 2", got)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) != 2 {
		t.Fatalf("key dir holds %v, want two key files", files)
	}

	if runtime.GOOS != "windows" {
		st, err := os.Stat(dir)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o700 {
			t.Errorf("key dir mode %o, want 700", st.Mode().Perm())
		}
		for _, f := range files {
			st, err := os.Stat(f)
			if err != nil {
				t.Fatal(err)
			}
			if st.Mode().Perm() != 0o600 {
				t.Errorf("%s mode %o, want 600", f, st.Mode().Perm())
			}
		}
	}
}

func TestLoadRefusesDamagedKey(t *testing.T) {
	dir := t.TempDir()
	r, err := LoadOrCreate(dir)
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(dir, "signing-"+r.ActiveKeyID()+".key")
	if err := os.WriteFile(name, []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreate(dir); err == nil {
		t.Fatal("damaged key file loaded without error")
	}
}

// The running app and `id06desk keys rotate` each hold a ring on the same
// directory: a token signed with the other process's new key verifies after
// an automatic reload, which also makes the newest key the signing one.
func TestRingPicksUpKeysRotatedByAnotherProcess(t *testing.T) {
	dir := t.TempDir()
	app, err := LoadOrCreate(dir)
	if err != nil {
		t.Fatal(err)
	}
	cli, err := LoadOrCreate(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := cli.Rotate(); err != nil {
		t.Fatal(err)
	}
	tok, err := cli.Sign(Claims{InvitationID: "0b0e6f4e-3d6c-4b8a-9a51-2f7c8e1d9a00", Company: "x", CardType: "id06-rfid",
		ExpiresAt: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.Verify(tok, time.Now()); err != nil {
		t.Fatalf("token signed with the rotated key: %v", err)
	}
	if err := app.Reload(); err != nil {
		t.Fatal(err)
	}
	if app.ActiveKeyID() != cli.ActiveKeyID() || len(app.PublicKeys()) != 2 {
		t.Fatalf("after reload: active %s (want %s), %d keys", app.ActiveKeyID(), cli.ActiveKeyID(), len(app.PublicKeys()))
	}
}
