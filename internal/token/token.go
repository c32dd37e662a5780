// Package token signs and verifies invitation tokens.
//
// A token is compact and URL-safe so it fits in a registration link and a QR
// code:
//
//	v1.<base64url(payload)>.<base64url(signature)>
//
// The payload is a small binary encoding of Claims (see encode). The
// signature is Ed25519 over a domain-separation prefix and the payload bytes.
// The key id at the start of the payload selects the public key, so keys can
// be rotated while tokens signed with older keys keep verifying.
//
// Tokens carry no personal data in clear: the e-mail address is present only
// as the first 16 bytes of its SHA-256 (EmailHash).
package token

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Errors returned by Verify. ErrExpired is returned together with the claims
// so a caller can tell the person when the invitation expired.
var (
	ErrMalformed    = errors.New("token: malformed")
	ErrUnknownKey   = errors.New("token: signed with an unknown key")
	ErrBadSignature = errors.New("token: bad signature")
	ErrExpired      = errors.New("token: expired")
	ErrNoSigningKey = errors.New("token: key ring has no signing key")
	ErrClaims       = errors.New("token: claims cannot be encoded")
)

// MaxFieldLen is the longest string a claim field may hold.
const MaxFieldLen = 40

const (
	prefix     = "v1."
	sigContext = "id06desk invitation token v1\x00"
	kidLen     = 4 // bytes; shown as 8 hex characters
	idRaw      = 0 // invitation id stored as a length-prefixed string
	idUUID     = 1 // invitation id is a canonical lower-case UUID: 16 bytes
)

var b64 = base64.RawURLEncoding.Strict()

// Claims is what an invitation token asserts.
type Claims struct {
	InvitationID string    // ≤ 40 characters; a lower-case UUID is stored in 16 bytes
	Company      string    // organisation number or company id, ≤ 40 characters
	CardType     string    // card type code, ≤ 40 characters
	Industry     string    // industry code, optional, ≤ 40 characters
	ExpiresAt    time.Time // second precision
	KeyID        string    // set by Sign; 8 lower-case hex characters
	EmailHash    [16]byte  // HashEmail of the normalized recipient address
}

// HashEmail returns the first 16 bytes of the SHA-256 of an e-mail address
// that has already been normalized (invite.NormalizeEmail).
func HashEmail(normalizedEmail string) [16]byte {
	sum := sha256.Sum256([]byte(normalizedEmail))
	var h [16]byte
	copy(h[:], sum[:16])
	return h
}

// Expired reports whether the claims have expired at now. A token is valid up
// to, but not including, its expiry second.
func (c Claims) Expired(now time.Time) bool {
	return !now.Before(c.ExpiresAt)
}

// encode writes the payload:
//
//	kid[4] | exp uvarint | emailHash[16] | idTag byte | id | company | cardType | industry
//
// where id is 16 bytes when idTag is idUUID, and every other string is a
// uvarint length followed by its bytes.
func encode(c Claims, kid [kidLen]byte) ([]byte, error) {
	for name, v := range map[string]string{"invitation id": c.InvitationID, "company": c.Company, "card type": c.CardType, "industry": c.Industry} {
		if len(v) > MaxFieldLen {
			return nil, fmt.Errorf("%w: %s longer than %d bytes", ErrClaims, name, MaxFieldLen)
		}
	}
	if c.InvitationID == "" || c.Company == "" || c.CardType == "" {
		return nil, fmt.Errorf("%w: invitation id, company and card type are required", ErrClaims)
	}
	exp := c.ExpiresAt.Unix()
	if exp <= 0 {
		return nil, fmt.Errorf("%w: no expiry", ErrClaims)
	}
	b := make([]byte, 0, 96)
	b = append(b, kid[:]...)
	b = binary.AppendUvarint(b, uint64(exp))
	b = append(b, c.EmailHash[:]...)
	if u, ok := parseUUID(c.InvitationID); ok {
		b = append(b, idUUID)
		b = append(b, u[:]...)
	} else {
		b = append(b, idRaw)
		b = appendString(b, c.InvitationID)
	}
	b = appendString(b, c.Company)
	b = appendString(b, c.CardType)
	b = appendString(b, c.Industry)
	return b, nil
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// decoder reads a payload; the first error sticks.
type decoder struct {
	b   []byte
	err bool
}

func (d *decoder) bytes(n int) []byte {
	if d.err || len(d.b) < n {
		d.err = true
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) uvarint() uint64 {
	if d.err {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = true
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) string() string {
	n := d.uvarint()
	if n > MaxFieldLen {
		d.err = true
		return ""
	}
	return string(d.bytes(int(n)))
}

func decode(p []byte) (Claims, error) {
	d := decoder{b: p}
	var c Claims
	c.KeyID = hex.EncodeToString(d.bytes(kidLen))
	exp := d.uvarint()
	copy(c.EmailHash[:], d.bytes(16))
	switch tag := d.bytes(1); {
	case d.err:
	case tag[0] == idUUID:
		if u := d.bytes(16); !d.err {
			c.InvitationID = formatUUID(u)
		}
	case tag[0] == idRaw:
		c.InvitationID = d.string()
	default:
		d.err = true
	}
	c.Company = d.string()
	c.CardType = d.string()
	c.Industry = d.string()
	if d.err || len(d.b) != 0 || exp == 0 || exp > 1<<40 || c.InvitationID == "" {
		return Claims{}, ErrMalformed
	}
	c.ExpiresAt = time.Unix(int64(exp), 0).UTC()
	return c, nil
}

// parseUUID accepts only the canonical lower-case 8-4-4-4-12 form, so that
// formatUUID gives back exactly the same string.
func parseUUID(s string) ([16]byte, bool) {
	var u [16]byte
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return u, false
	}
	h := s[:8] + s[9:13] + s[14:18] + s[19:23] + s[24:]
	if strings.ToLower(h) != h {
		return u, false
	}
	if _, err := hex.Decode(u[:], []byte(h)); err != nil {
		return u, false
	}
	return u, true
}

func formatUUID(u []byte) string {
	h := hex.EncodeToString(u)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func signedMessage(payload []byte) []byte {
	return append([]byte(sigContext), payload...)
}

// Sign returns a token for c signed with the ring's active key. c.KeyID is
// ignored: the active key's id is used.
func (r *KeyRing) Sign(c Claims) (string, error) {
	r.mu.RLock()
	active := r.active
	r.mu.RUnlock()
	if active == nil {
		return "", ErrNoSigningKey
	}
	payload, err := encode(c, active.kid)
	if err != nil {
		return "", err
	}
	sig := ed25519.Sign(active.priv, signedMessage(payload))
	return prefix + b64.EncodeToString(payload) + "." + b64.EncodeToString(sig), nil
}

// Verify checks a token and returns its claims. Errors: ErrMalformed,
// ErrUnknownKey (signed by a key this ring does not know), ErrBadSignature
// (altered), ErrExpired (the claims are returned as well).
func (r *KeyRing) Verify(tok string, now time.Time) (Claims, error) {
	rest, ok := strings.CutPrefix(tok, prefix)
	if !ok || len(tok) > 1024 {
		return Claims{}, ErrMalformed
	}
	p64, s64, ok := strings.Cut(rest, ".")
	if !ok {
		return Claims{}, ErrMalformed
	}
	payload, err := b64.DecodeString(p64)
	if err != nil || len(payload) < kidLen {
		return Claims{}, ErrMalformed
	}
	sig, err := b64.DecodeString(s64)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return Claims{}, ErrMalformed
	}
	var kid [kidLen]byte
	copy(kid[:], payload)
	r.mu.RLock()
	pub, ok := r.public[kid]
	r.mu.RUnlock()
	if !ok && r.reloadForUnknown(kid) {
		r.mu.RLock()
		pub, ok = r.public[kid]
		r.mu.RUnlock()
	}
	if !ok {
		return Claims{}, fmt.Errorf("%w: key id %x", ErrUnknownKey, kid)
	}
	if !ed25519.Verify(pub, signedMessage(payload), sig) {
		return Claims{}, ErrBadSignature
	}
	c, err := decode(payload)
	if err != nil {
		return Claims{}, err
	}
	if c.Expired(now) {
		return c, fmt.Errorf("%w on %s", ErrExpired, c.ExpiresAt.Format(time.RFC3339))
	}
	return c, nil
}

// keyID derives a key id from a public key: the first 4 bytes of its SHA-256.
func keyID(pub ed25519.PublicKey) [kidLen]byte {
	sum := sha256.Sum256(pub)
	var k [kidLen]byte
	copy(k[:], sum[:])
	return k
}

func parseKeyID(s string) ([kidLen]byte, error) {
	var k [kidLen]byte
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != kidLen || !bytes.Equal([]byte(hex.EncodeToString(b)), []byte(s)) {
		return k, fmt.Errorf("token: bad key id %q", s)
	}
	copy(k[:], b)
	return k, nil
}
