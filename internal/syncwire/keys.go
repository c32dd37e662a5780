package syncwire

import (
	"bytes"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"filippo.io/age"
)

// Role says whose keys a key file holds.
type Role string

// The two roles.
const (
	RoleKiosk   Role = "kiosk"
	RoleConsole Role = "console"
)

// keyFileFormat names the key file's format (its "format" field).
const keyFileFormat = "id06desk-sync-keys-1"

// PublicKeys are the public halves of a kiosk's or console's keys: what the
// other side stores to check signatures (SignPub) and to encrypt to
// (AgeRecipient, "age1…").
type PublicKeys struct {
	SignPub      ed25519.PublicKey `json:"signPub"` // standard base64 in JSON
	AgeRecipient string            `json:"ageRecipient"`
}

// Validate checks that both keys are well-formed.
func (p PublicKeys) Validate() error {
	if len(p.SignPub) != ed25519.PublicKeySize {
		return fmt.Errorf("signing key has %d bytes, want %d", len(p.SignPub), ed25519.PublicKeySize)
	}
	if _, err := age.ParseX25519Recipient(p.AgeRecipient); err != nil {
		return fmt.Errorf("age recipient: %w", err)
	}
	return nil
}

// Equal reports whether p and q are the same keys.
func (p PublicKeys) Equal(q PublicKeys) bool {
	return bytes.Equal(p.SignPub, q.SignPub) && p.AgeRecipient == q.AgeRecipient
}

// Keys is a signing key and an age identity. KioskKeys and ConsoleKeys wrap
// it so that one cannot be passed where the other is meant.
type Keys struct {
	sign ed25519.PrivateKey
	age  *age.X25519Identity
}

// KioskKeys are a kiosk's keys: it signs bundles and decrypts site packs.
type KioskKeys struct{ Keys }

// ConsoleKeys are a console's keys: it signs pairing files and site packs
// and decrypts bundles.
type ConsoleKeys struct{ Keys }

// Sender is a key set that can sign an envelope (*KioskKeys, *ConsoleKeys).
type Sender interface {
	signingKey() ed25519.PrivateKey
}

// Identity is a key set that can decrypt an envelope (*KioskKeys,
// *ConsoleKeys).
type Identity interface {
	ageIdentity() *age.X25519Identity
}

func (k *Keys) signingKey() ed25519.PrivateKey   { return k.sign }
func (k *Keys) ageIdentity() *age.X25519Identity { return k.age }

// Public returns the public halves.
func (k *Keys) Public() PublicKeys {
	return PublicKeys{
		SignPub:      append(ed25519.PublicKey(nil), k.sign.Public().(ed25519.PublicKey)...),
		AgeRecipient: k.age.Recipient().String(),
	}
}

func newKeys() (Keys, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return Keys{}, fmt.Errorf("generate signing key: %w", err)
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return Keys{}, fmt.Errorf("generate age identity: %w", err)
	}
	return Keys{sign: priv, age: id}, nil
}

// NewKioskKeys generates a kiosk's keys (at pairing).
func NewKioskKeys() (*KioskKeys, error) {
	k, err := newKeys()
	if err != nil {
		return nil, err
	}
	return &KioskKeys{k}, nil
}

// NewConsoleKeys generates a console's keys (once per console).
func NewConsoleKeys() (*ConsoleKeys, error) {
	k, err := newKeys()
	if err != nil {
		return nil, err
	}
	return &ConsoleKeys{k}, nil
}

// keyFile is the stored form: a small JSON document the services write 0600.
type keyFile struct {
	Format string `json:"format"`
	Role   Role   `json:"role"`
	Sign   string `json:"sign"` // base64url of the 32-byte Ed25519 seed
	Age    string `json:"age"`  // AGE-SECRET-KEY-1…
}

func (k *Keys) marshal(role Role) ([]byte, error) {
	if k.sign == nil || k.age == nil {
		return nil, errors.New("syncwire: no keys to marshal")
	}
	return json.MarshalIndent(keyFile{
		Format: keyFileFormat,
		Role:   role,
		Sign:   base64.RawURLEncoding.EncodeToString(k.sign.Seed()),
		Age:    k.age.String(),
	}, "", "  ")
}

func parseKeys(data []byte, role Role) (Keys, error) {
	var f keyFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return Keys{}, fmt.Errorf("syncwire: key file: %w", err)
	}
	if f.Format != keyFileFormat {
		return Keys{}, fmt.Errorf("syncwire: key file format %q, want %q", f.Format, keyFileFormat)
	}
	if f.Role != role {
		return Keys{}, fmt.Errorf("syncwire: key file holds %s keys, want %s keys", f.Role, role)
	}
	seed, err := base64.RawURLEncoding.Strict().DecodeString(f.Sign)
	if err != nil || len(seed) != ed25519.SeedSize {
		return Keys{}, errors.New("syncwire: key file: bad signing key")
	}
	id, err := age.ParseX25519Identity(f.Age)
	if err != nil {
		return Keys{}, fmt.Errorf("syncwire: key file: age identity: %w", err)
	}
	return Keys{sign: ed25519.NewKeyFromSeed(seed), age: id}, nil
}

// MarshalText returns the key file's contents (secret: store it 0600).
func (k *KioskKeys) MarshalText() ([]byte, error) { return k.marshal(RoleKiosk) }

// MarshalText returns the key file's contents (secret: store it 0600).
func (k *ConsoleKeys) MarshalText() ([]byte, error) { return k.marshal(RoleConsole) }

// ParseKioskKeys reads what KioskKeys.MarshalText wrote.
func ParseKioskKeys(data []byte) (*KioskKeys, error) {
	k, err := parseKeys(data, RoleKiosk)
	if err != nil {
		return nil, err
	}
	return &KioskKeys{k}, nil
}

// ParseConsoleKeys reads what ConsoleKeys.MarshalText wrote.
func ParseConsoleKeys(data []byte) (*ConsoleKeys, error) {
	k, err := parseKeys(data, RoleConsole)
	if err != nil {
		return nil, err
	}
	return &ConsoleKeys{k}, nil
}

// ReceiverPassword is the password a kiosk gives the console's own SMTP
// receiver (issue 14), derived from the pairing secret so that neither
// side has to carry it:
// base64url(HMAC-SHA256(secret, "id06desk smtp auth v1\x00" ‖ kioskID)).
// The console keeps only its SHA-256.
func ReceiverPassword(secret Secret, kioskID string) string {
	m := hmac.New(sha256.New, secret[:])
	m.Write([]byte("id06desk smtp auth v1\x00"))
	m.Write([]byte(kioskID))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
