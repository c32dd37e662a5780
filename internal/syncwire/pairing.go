package syncwire

import (
	"bytes"
	"compress/gzip"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Secret is the one-time pairing secret (32 random bytes, base64url in
// JSON). The kiosk's first bundle proves it knows it (ProofOfPairing).
type Secret [32]byte

// NewSecret draws a pairing secret.
func NewSecret() (Secret, error) {
	var s Secret
	if _, err := rand.Read(s[:]); err != nil {
		return Secret{}, fmt.Errorf("pairing secret: %w", err)
	}
	return s, nil
}

// MarshalText is base64url without padding.
func (s Secret) MarshalText() ([]byte, error) {
	return []byte(base64.RawURLEncoding.EncodeToString(s[:])), nil
}

// UnmarshalText reads what MarshalText wrote.
func (s *Secret) UnmarshalText(b []byte) error {
	raw, err := base64.RawURLEncoding.Strict().DecodeString(string(b))
	if err != nil || len(raw) != len(s) {
		return errors.New("pairing secret: not 32 bytes of base64url")
	}
	copy(s[:], raw)
	return nil
}

// Pairing is the payload of a pairing file: everything a kiosk needs to
// work alone, and the secret its first bundle proves.
type Pairing struct {
	ConsoleID   string     `json:"consoleId"`
	ConsoleName string     `json:"consoleName"`
	ConsoleKeys PublicKeys `json:"consoleKeys"`           // = the envelope header's SenderKeys
	SyncAddress string     `json:"syncAddress,omitempty"` // where the console takes bundles other than by file (part 2: e-mail)
	TokenKeys   []TokenKey `json:"tokenKeys"`

	Company  json.RawMessage   `json:"company,omitempty"`  // opaque to this package
	Catalogs json.RawMessage   `json:"catalogs,omitempty"` // opaque: card types and industries
	Settings map[string]string `json:"settings,omitempty"` // kiosk settings

	KioskID   string    `json:"kioskId"`
	KioskName string    `json:"kioskName"`
	Site      string    `json:"site,omitempty"`
	Secret    Secret    `json:"secret"`
	Created   time.Time `json:"created"`
}

// UnmarshalJSON decodes with the lists bounded while decoding.
func (p *Pairing) UnmarshalJSON(b []byte) error {
	type plain Pairing
	aux := struct {
		*plain
		TokenKeys *limited[TokenKey] `json:"tokenKeys"`
		Settings  *limitedMap        `json:"settings"`
	}{
		plain:     (*plain)(p),
		TokenKeys: &limited[TokenKey]{max: MaxTokenKeys, out: &p.TokenKeys},
		Settings:  &limitedMap{max: MaxSettings, out: &p.Settings},
	}
	return decodeStrictBytes(b, &aux)
}

func (p *Pairing) validate() error {
	switch {
	case !validID(p.ConsoleID) || !validID(p.KioskID):
		return errors.New("pairing: bad console or kiosk id")
	case p.ConsoleName == "" || len(p.ConsoleName) > maxNameLen || p.KioskName == "" || len(p.KioskName) > maxNameLen || len(p.Site) > maxNameLen:
		return errors.New("pairing: console and kiosk names are required, names at most 120 bytes")
	case len(p.SyncAddress) > maxSyncAddressLength:
		return errors.New("pairing: sync address too long")
	case p.Secret == Secret{}:
		return errors.New("pairing: no secret")
	case p.Created.IsZero():
		return errors.New("pairing: no creation time")
	}
	if err := p.ConsoleKeys.Validate(); err != nil {
		return fmt.Errorf("pairing: console keys: %w", err)
	}
	if err := validateTokenKeys(p.TokenKeys); err != nil {
		return fmt.Errorf("pairing: %w", err)
	}
	if err := validateBlob("company", p.Company); err != nil {
		return fmt.Errorf("pairing: %w", err)
	}
	if err := validateBlob("catalogs", p.Catalogs); err != nil {
		return fmt.Errorf("pairing: %w", err)
	}
	return validateSettings(p.Settings)
}

// pairingHeader is the envelope header of a pairing file.
func pairingHeader(p *Pairing) Header {
	keys := p.ConsoleKeys
	return Header{Sender: p.ConsoleID, Recipient: p.KioskID, Console: p.ConsoleID, Seq: 1,
		Created: p.Created, SenderKeys: &keys}
}

// WritePairing writes a pairing file, signed by the console (whose public
// keys it sets in the payload and the header). It is not encrypted: the
// kiosk has no key yet; carry it like a password (USB stick, screen).
func WritePairing(w io.Writer, p *Pairing, console *ConsoleKeys) error {
	q := *p
	q.ConsoleKeys = console.Public()
	if err := q.validate(); err != nil {
		return fmt.Errorf("syncwire: %w", err)
	}
	ew, err := NewWriter(w, KindPairing, pairingHeader(&q), "", console)
	if err != nil {
		return err
	}
	if err := json.NewEncoder(ew).Encode(&q); err != nil {
		return fmt.Errorf("syncwire: pairing: %w", err)
	}
	return ew.Close()
}

// KeyFromPairingHeader is the SenderKey of a pairing file: the console's key
// it carries itself (the file is trusted as the admin carried it; the
// signature guards against damage and changes on the way).
func KeyFromPairingHeader(h Header) (ed25519.PublicKey, error) {
	if h.SenderKeys == nil {
		return nil, errors.New("pairing file without the console's keys")
	}
	return h.SenderKeys.SignPub, nil
}

// ReadPairing decodes the pairing in an opened envelope and checks that it
// matches the header.
func ReadPairing(env *Envelope) (*Pairing, error) {
	if env.Kind != KindPairing {
		return nil, fmt.Errorf("syncwire: ReadPairing of a %s", env.Kind)
	}
	return decodePairing(env.Payload(), &env.Header)
}

func decodePairing(r io.Reader, h *Header) (*Pairing, error) {
	var p Pairing
	if err := decodePayload(r, MaxPairingBytes, &p, "pairing"); err != nil {
		return nil, err
	}
	if err := p.validate(); err != nil {
		return nil, malformed(err)
	}
	if h != nil && (p.ConsoleID != h.Sender || p.KioskID != h.Recipient || h.SenderKeys == nil || !p.ConsoleKeys.Equal(*h.SenderKeys)) {
		return nil, malformed(errors.New("pairing does not match its header"))
	}
	return &p, nil
}

// OpenPairing reads a whole pairing file (at most MaxPairingBytes), holding
// it in tempDir while it is checked.
func OpenPairing(r io.Reader, tempDir string) (*Pairing, error) {
	env, err := Open(r, OpenOptions{Kind: KindPairing, SenderKey: KeyFromPairingHeader, TempDir: tempDir})
	if err != nil {
		return nil, err
	}
	defer env.Close()
	return ReadPairing(env)
}

// The QR form of a pairing: a prefix that says whether it is whole, then
// base64url (no padding) of a gzip of the Pairing's JSON. The whole pairing
// when that fits in MaxPairingQRChars; otherwise only the essentials
// (console id, name, keys and sync address, token keys, kiosk id, name and
// site, secret), and the first site pack brings company data, catalogs and
// settings.
const (
	qrWhole      = "ID06P1W."
	qrEssentials = "ID06P1E."
)

// PairingQR returns the text to show as a QR code for the kiosk's camera.
func PairingQR(p *Pairing) (string, error) {
	if err := p.validate(); err != nil {
		return "", fmt.Errorf("syncwire: %w", err)
	}
	s, err := qrText(qrWhole, p)
	if err != nil {
		return "", err
	}
	if len(s) <= MaxPairingQRChars {
		return s, nil
	}
	e := *p
	e.Company, e.Catalogs, e.Settings = nil, nil, nil
	if s, err = qrText(qrEssentials, &e); err != nil {
		return "", err
	}
	if len(s) > MaxPairingQRChars {
		return "", refuse(ErrQRTooLarge, msgQRTooLarge, fmt.Errorf("pairing QR of %d characters even without catalogs", len(s)))
	}
	return s, nil
}

// IsPairingQR reports whether a scanned QR code's text looks like a pairing
// (PairingQR's prefix, a bounded length): the kiosk's camera then joins with
// it (ParsePairingQR checks the rest). An invitation's QR is not one.
func IsPairingQR(text string) bool {
	text = strings.TrimSpace(text)
	return len(text) <= 4*MaxPairingQRChars && (strings.HasPrefix(text, qrWhole) || strings.HasPrefix(text, qrEssentials))
}

func qrText(prefix string, p *Pairing) (string, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return "", err
	}
	if err := json.NewEncoder(zw).Encode(p); err != nil {
		return "", fmt.Errorf("syncwire: pairing QR: %w", err)
	}
	if err := zw.Close(); err != nil {
		return "", fmt.Errorf("syncwire: pairing QR: %w", err)
	}
	return prefix + base64.RawURLEncoding.EncodeToString(buf.Bytes()), nil
}

// ParsePairingQR reads what PairingQR made. whole is false when only the
// essentials were in it: company data, catalogs and settings then come with
// the first site pack.
func ParsePairingQR(s string) (p *Pairing, whole bool, err error) {
	s = strings.TrimSpace(s)
	var rest string
	switch {
	case strings.HasPrefix(s, qrWhole):
		rest, whole = s[len(qrWhole):], true
	case strings.HasPrefix(s, qrEssentials):
		rest = s[len(qrEssentials):]
	default:
		return nil, false, refuse(ErrNotSyncFile, msgNotSyncFile, errors.New("QR prefix"))
	}
	if len(rest) > 4*MaxPairingQRChars {
		return nil, false, refuse(ErrTooLarge, msgQRTooLong, errors.New("QR text"))
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(rest)
	if err != nil {
		return nil, false, tampered(fmt.Errorf("QR: %w", err))
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, false, tampered(fmt.Errorf("QR: %w", err))
	}
	zr.Multistream(false)
	p, err = decodeQRPairing(zr)
	if err != nil {
		return nil, false, err
	}
	if !whole && (p.Company != nil || p.Catalogs != nil || p.Settings != nil) {
		return nil, false, malformed(errors.New("QR: essentials with catalogs"))
	}
	return p, whole, nil
}

func decodeQRPairing(zr *gzip.Reader) (*Pairing, error) {
	// The gzip reader checks the CRC at the end: read through to it.
	var data bytes.Buffer
	if _, err := io.Copy(&data, io.LimitReader(zr, maxPairingQRDecoded+1)); err != nil {
		return nil, tampered(fmt.Errorf("QR: %w", err))
	}
	if data.Len() > maxPairingQRDecoded {
		return nil, refuse(ErrTooLarge, msgQRTooLong, errors.New("QR: decompresses to too much"))
	}
	return decodePairing(&data, nil)
}

// proofContext separates the pairing proof from any other use of the
// secret.
const proofContext = "id06desk pairing proof v1\x00"

// ProofOfPairing is HMAC-SHA256 under the pairing secret of the kiosk's
// public keys: the first bundle's header carries it (with the keys) to show
// that the kiosk holds the pairing file the console made for it.
func ProofOfPairing(secret Secret, kiosk PublicKeys) []byte {
	m := hmac.New(sha256.New, secret[:])
	m.Write([]byte(proofContext))
	m.Write(kiosk.SignPub)
	m.Write([]byte{0})
	m.Write([]byte(kiosk.AgeRecipient))
	return m.Sum(nil)
}

// VerifyProofOfPairing checks a proof (ErrPairingProof when it is wrong).
func VerifyProofOfPairing(secret Secret, kiosk PublicKeys, proof []byte) error {
	if !hmac.Equal(ProofOfPairing(secret, kiosk), proof) {
		return refuse(ErrPairingProof, msgPairingProof, nil)
	}
	return nil
}

// KeyFromProof is the SenderKey of a kiosk's first bundle: the kiosk's key
// from the header, once the header proves the pairing secret. The console
// looks up the secret of the kiosk named in h.Sender.
func KeyFromProof(h Header, secret Secret) (ed25519.PublicKey, error) {
	if !h.First || h.SenderKeys == nil {
		return nil, refuse(ErrPairingProof, msgPairingProof, errors.New("not a first bundle"))
	}
	if err := VerifyProofOfPairing(secret, *h.SenderKeys, h.Proof); err != nil {
		return nil, err
	}
	return h.SenderKeys.SignPub, nil
}

// FirstBundleHeader fills in what a kiosk's first bundle carries.
func FirstBundleHeader(h Header, secret Secret, kiosk *KioskKeys) Header {
	pub := kiosk.Public()
	h.First = true
	h.SenderKeys = &pub
	h.Proof = ProofOfPairing(secret, pub)
	return h
}
