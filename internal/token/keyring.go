package token

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// KeyRing holds the active signing key and the public keys of every key that
// still verifies (the active one included). It is safe for concurrent use.
type KeyRing struct {
	mu     sync.RWMutex
	dir    string // "" for a ring that lives only in memory
	active *signingKey
	serial int // serial of the active key
	public map[[kidLen]byte]ed25519.PublicKey
	// lastReload limits how often an unknown key id makes Verify re-read dir.
	lastReload time.Time
}

type signingKey struct {
	kid  [kidLen]byte
	priv ed25519.PrivateKey
}

// PublicKey is an exported verification key, e.g. for a paired kiosk.
type PublicKey struct {
	KeyID string
	Key   ed25519.PublicKey
}

// New returns an in-memory ring that signs with priv.
func New(priv ed25519.PrivateKey) *KeyRing {
	r := &KeyRing{public: map[[kidLen]byte]ed25519.PublicKey{}}
	r.setActive(priv)
	return r
}

// NewVerifier returns a ring that only verifies (Sign fails with
// ErrNoSigningKey), e.g. on a kiosk that received the admin's public keys.
func NewVerifier(keys ...PublicKey) (*KeyRing, error) {
	r := &KeyRing{public: map[[kidLen]byte]ed25519.PublicKey{}}
	for _, k := range keys {
		if err := r.AddPublicKey(k); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// AddPublicKey lets the ring verify tokens signed by another key.
func (r *KeyRing) AddPublicKey(k PublicKey) error {
	if len(k.Key) != ed25519.PublicKeySize {
		return fmt.Errorf("token: public key %q has %d bytes", k.KeyID, len(k.Key))
	}
	kid, err := parseKeyID(k.KeyID)
	if err != nil {
		return err
	}
	if kid != keyID(k.Key) {
		return fmt.Errorf("token: key id %q does not match its key", k.KeyID)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.public[kid] = append(ed25519.PublicKey(nil), k.Key...)
	return nil
}

// RemovePublicKey stops the ring verifying with a key AddPublicKey added
// (a kiosk that left its console). The active signing key stays; keys in
// the ring's directory come back with the next reload.
func (r *KeyRing) RemovePublicKey(k PublicKey) {
	kid, err := parseKeyID(k.KeyID)
	if err != nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.active != nil && r.active.kid == kid {
		return
	}
	delete(r.public, kid)
}

func (r *KeyRing) setActive(priv ed25519.PrivateKey) {
	pub := priv.Public().(ed25519.PublicKey)
	kid := keyID(pub)
	r.active = &signingKey{kid: kid, priv: priv}
	r.public[kid] = pub
}

// ActiveKeyID returns the id of the signing key ("" for a verify-only ring).
func (r *KeyRing) ActiveKeyID() string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.active == nil {
		return ""
	}
	return hex.EncodeToString(r.active.kid[:])
}

// PublicKeys returns every key the ring verifies with, sorted by key id.
func (r *KeyRing) PublicKeys() []PublicKey {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]PublicKey, 0, len(r.public))
	for kid, pub := range r.public {
		out = append(out, PublicKey{KeyID: hex.EncodeToString(kid[:]), Key: append(ed25519.PublicKey(nil), pub...)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].KeyID < out[j].KeyID })
	return out
}

// Key files: dir/signing-<kid>.key, PEM "PRIVATE KEY" (PKCS #8) with a
// "Serial" header. The key with the highest serial is the active one; a
// rotation writes a key with serial max+1. Files are 0600, the directory 0700.
const (
	filePrefix   = "signing-"
	fileSuffix   = ".key"
	serialHeader = "Serial"
)

// LoadOrCreate loads the keys stored in dir, creating dir (0700) and a first
// key (0600) when there is none.
func LoadOrCreate(dir string) (*KeyRing, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create key directory: %w", err)
	}
	r := &KeyRing{dir: dir, public: map[[kidLen]byte]ed25519.PublicKey{}}
	if err := r.load(); err != nil {
		return nil, err
	}
	if r.active == nil {
		if err := r.Rotate(); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// load reads every key file in dir into the ring; the highest serial signs.
// The caller holds r.mu (or owns r alone).
func (r *KeyRing) load() error {
	names, err := filepath.Glob(filepath.Join(r.dir, filePrefix+"*"+fileSuffix))
	if err != nil {
		return err
	}
	for _, name := range names {
		priv, serial, err := readKeyFile(name)
		if err != nil {
			return err
		}
		pub := priv.Public().(ed25519.PublicKey)
		kid := keyID(pub)
		if filepath.Base(name) != fileName(kid) {
			return fmt.Errorf("key file %s: key id is %x", name, kid)
		}
		r.public[kid] = pub
		if r.active == nil || serial > r.serial {
			r.active, r.serial = &signingKey{kid: kid, priv: priv}, serial
		}
	}
	return nil
}

// Reload picks up keys another process (`id06desk keys rotate`) wrote to the
// ring's directory since it was loaded. A no-op for in-memory rings.
func (r *KeyRing) Reload() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.dir == "" {
		return nil
	}
	r.lastReload = time.Now()
	return r.load()
}

// reloadForUnknown re-reads the directory when a token names a key the ring
// does not know, at most once a second, and reports whether kid is known
// afterwards.
func (r *KeyRing) reloadForUnknown(kid [kidLen]byte) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.dir == "" || time.Since(r.lastReload) < time.Second {
		return false
	}
	r.lastReload = time.Now()
	if err := r.load(); err != nil {
		return false
	}
	_, ok := r.public[kid]
	return ok
}

// Rotate creates a new signing key and makes it the active one. Tokens signed
// with earlier keys keep verifying. For a ring loaded from a directory the new
// key is written there before it is used.
func (r *KeyRing) Rotate() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for {
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return fmt.Errorf("generate signing key: %w", err)
		}
		kid := keyID(pub)
		if _, dup := r.public[kid]; dup {
			continue // 1 in 2^32 per existing key; draw again
		}
		if r.dir != "" {
			if err := writeKeyFile(filepath.Join(r.dir, fileName(kid)), priv, r.serial+1); err != nil {
				return err
			}
		}
		r.serial++
		r.setActive(priv)
		return nil
	}
}

func fileName(kid [kidLen]byte) string {
	return filePrefix + hex.EncodeToString(kid[:]) + fileSuffix
}

func readKeyFile(name string) (ed25519.PrivateKey, int, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, 0, fmt.Errorf("read signing key: %w", err)
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, 0, fmt.Errorf("signing key %s: no PEM private key", name)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, 0, fmt.Errorf("signing key %s: %w", name, err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, 0, fmt.Errorf("signing key %s: not an Ed25519 key", name)
	}
	serial, err := strconv.Atoi(block.Headers[serialHeader])
	if err != nil {
		return nil, 0, fmt.Errorf("signing key %s: bad %s header", name, serialHeader)
	}
	return priv, serial, nil
}

// writeKeyFile writes the key to a temporary file (0600) and renames it into
// place, so a crash never leaves a half-written key behind.
func writeKeyFile(name string, priv ed25519.PrivateKey, serial int) error {
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return err
	}
	data := pem.EncodeToMemory(&pem.Block{
		Type:    "PRIVATE KEY",
		Headers: map[string]string{serialHeader: strconv.Itoa(serial)},
		Bytes:   der,
	})
	if _, err := os.Stat(name); !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("write signing key: %s already exists", name)
	}
	f, err := os.CreateTemp(filepath.Dir(name), ".tmp-"+strings.TrimSuffix(filepath.Base(name), fileSuffix)+"-*")
	if err != nil {
		return fmt.Errorf("write signing key: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after a successful rename
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return fmt.Errorf("write signing key: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write signing key: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("write signing key: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write signing key: %w", err)
	}
	if err := os.Rename(tmp, name); err != nil {
		return fmt.Errorf("write signing key: %w", err)
	}
	return nil
}
