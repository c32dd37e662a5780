package syncwire

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"id06desk/internal/token"
)

// TokenKey is a console's invitation-verification public key on the wire
// (token.PublicKey with stable JSON names).
type TokenKey struct {
	KeyID string `json:"keyId"` // 8 lower-case hex characters
	Key   []byte `json:"key"`   // 32 bytes, standard base64 in JSON
}

// TokenKeysOf converts a key ring's public keys (token.KeyRing.PublicKeys).
func TokenKeysOf(keys []token.PublicKey) []TokenKey {
	out := make([]TokenKey, len(keys))
	for i, k := range keys {
		out[i] = TokenKey{KeyID: k.KeyID, Key: append([]byte(nil), k.Key...)}
	}
	return out
}

// PublicKeysOf converts the keys for token.NewVerifier.
func PublicKeysOf(keys []TokenKey) []token.PublicKey {
	out := make([]token.PublicKey, len(keys))
	for i, k := range keys {
		out[i] = token.PublicKey{KeyID: k.KeyID, Key: append([]byte(nil), k.Key...)}
	}
	return out
}

func validateTokenKeys(keys []TokenKey) error {
	if len(keys) == 0 || len(keys) > MaxTokenKeys {
		return fmt.Errorf("%d token keys, want 1..%d", len(keys), MaxTokenKeys)
	}
	if _, err := token.NewVerifier(PublicKeysOf(keys)...); err != nil {
		return err
	}
	return nil
}

func validateSettings(m map[string]string) error {
	if len(m) > MaxSettings {
		return fmt.Errorf("%d settings, at most %d", len(m), MaxSettings)
	}
	for k, v := range m {
		if k == "" || len(k) > MaxFieldLen || len(v) > MaxSettingLen {
			return fmt.Errorf("setting %.40q too long or empty", k)
		}
	}
	return nil
}

func validateBlob(name string, b json.RawMessage) error {
	if len(b) > maxBlobBytes {
		return fmt.Errorf("%s of %d bytes, at most %d", name, len(b), maxBlobBytes)
	}
	return nil
}

// Invitation is an active invitation of the kiosk's site: what the kiosk
// needs to find it by its short code and check it offline. It carries no
// e-mail address or name (nothing personal on the kiosk before the person
// registers).
type Invitation struct {
	ID        string    `json:"id"`
	Code      string    `json:"code"`  // the short code people type
	Token     string    `json:"token"` // the signed token (internal/token), verified on the kiosk
	ExpiresAt time.Time `json:"expiresAt"`
	CardType  string    `json:"cardType"`
	Industry  string    `json:"industry,omitempty"`
	Language  string    `json:"language,omitempty"`
}

func (inv *Invitation) validate() error {
	if !validID(inv.ID) || inv.Code == "" || len(inv.Code) > 16 || inv.Token == "" || len(inv.Token) > MaxTokenLen ||
		inv.ExpiresAt.IsZero() || inv.CardType == "" || len(inv.CardType) > MaxFieldLen ||
		len(inv.Industry) > MaxFieldLen || len(inv.Language) > 8 {
		return fmt.Errorf("invitation %.64q: a field is missing or too long", inv.ID)
	}
	return nil
}

// Acks are what the console holds of this kiosk's bundles: the kiosk may
// forget these sealed registrations.
type Acks struct {
	Bundles       []uint64 `json:"bundles,omitempty"`       // bundle sequence numbers imported
	Registrations []uint64 `json:"registrations,omitempty"` // registration sequence numbers received (imported or held as conflicts)
}

// UnmarshalJSON decodes with the lists bounded while decoding.
func (a *Acks) UnmarshalJSON(b []byte) error {
	type plain Acks
	aux := struct {
		*plain
		Bundles       *limited[uint64] `json:"bundles"`
		Registrations *limited[uint64] `json:"registrations"`
	}{
		plain:         (*plain)(a),
		Bundles:       &limited[uint64]{max: MaxAcks, out: &a.Bundles},
		Registrations: &limited[uint64]{max: MaxAcks, out: &a.Registrations},
	}
	return decodeStrictBytes(b, &aux)
}

// SitePack is the payload of a site pack (console → kiosk).
type SitePack struct {
	KioskID     string    `json:"kioskId"`     // = the envelope's recipient
	Seq         uint64    `json:"seq"`         // = the envelope's; applied only if newer than the last applied
	ConsoleTime time.Time `json:"consoleTime"` // the console's clock (the kiosk warns when its own differs)

	TokenKeys   []TokenKey        `json:"tokenKeys"`          // every key that verifies invitation tokens
	Company     json.RawMessage   `json:"company,omitempty"`  // opaque to this package
	Catalogs    json.RawMessage   `json:"catalogs,omitempty"` // opaque: card types and industries
	Settings    map[string]string `json:"settings,omitempty"` // kiosk settings
	Invitations []Invitation      `json:"invitations"`        // the site's active invitations (the full set, not a change)
	Revoked     []string          `json:"revoked,omitempty"`  // invitation ids revoked
	Acks        Acks              `json:"acks"`
}

// UnmarshalJSON decodes with the lists bounded while decoding.
func (p *SitePack) UnmarshalJSON(b []byte) error {
	type plain SitePack
	aux := struct {
		*plain
		TokenKeys   *limited[TokenKey]   `json:"tokenKeys"`
		Settings    *limitedMap          `json:"settings"`
		Invitations *limited[Invitation] `json:"invitations"`
		Revoked     *limited[string]     `json:"revoked"`
	}{
		plain:       (*plain)(p),
		TokenKeys:   &limited[TokenKey]{max: MaxTokenKeys, out: &p.TokenKeys},
		Settings:    &limitedMap{max: MaxSettings, out: &p.Settings},
		Invitations: &limited[Invitation]{max: MaxInvitations, out: &p.Invitations},
		Revoked:     &limited[string]{max: MaxRevoked, out: &p.Revoked},
	}
	return decodeStrictBytes(b, &aux)
}

// Newer reports whether the pack is newer than the one applied last
// (applied: its sequence number, 0 for none).
func (p *SitePack) Newer(applied uint64) bool { return p.Seq > applied }

// CheckNewer is Newer as an error: ErrStale when the pack is not newer.
func (p *SitePack) CheckNewer(applied uint64) error {
	if p.Newer(applied) {
		return nil
	}
	return refuse(ErrStale, msgStale, fmt.Errorf("pack %d, applied %d", p.Seq, applied),
		"seq", strconv.FormatUint(p.Seq, 10), "applied", strconv.FormatUint(applied, 10))
}

func (p *SitePack) validate() error {
	if !validID(p.KioskID) || p.Seq == 0 || p.ConsoleTime.IsZero() {
		return errors.New("site pack: kiosk id, sequence number and console time are required")
	}
	if err := validateTokenKeys(p.TokenKeys); err != nil {
		return fmt.Errorf("site pack: %w", err)
	}
	if err := validateBlob("company", p.Company); err != nil {
		return fmt.Errorf("site pack: %w", err)
	}
	if err := validateBlob("catalogs", p.Catalogs); err != nil {
		return fmt.Errorf("site pack: %w", err)
	}
	if err := validateSettings(p.Settings); err != nil {
		return fmt.Errorf("site pack: %w", err)
	}
	if len(p.Invitations) > MaxInvitations || len(p.Revoked) > MaxRevoked ||
		len(p.Acks.Bundles) > MaxAcks || len(p.Acks.Registrations) > MaxAcks {
		return fmt.Errorf("site pack: %w", errTooMany)
	}
	for i := range p.Invitations {
		if err := p.Invitations[i].validate(); err != nil {
			return fmt.Errorf("site pack: %w", err)
		}
	}
	for _, id := range p.Revoked {
		if !validID(id) {
			return errors.New("site pack: bad revoked invitation id")
		}
	}
	return nil
}

// EncodeSitePack writes the payload of a site pack (into an envelope writer
// of kind KindSitePack).
func EncodeSitePack(w io.Writer, p *SitePack) error {
	if err := p.validate(); err != nil {
		return fmt.Errorf("syncwire: %w", err)
	}
	if err := json.NewEncoder(w).Encode(p); err != nil {
		return fmt.Errorf("syncwire: site pack: %w", err)
	}
	return nil
}

// DecodeSitePack reads and checks a site pack payload.
func DecodeSitePack(r io.Reader) (*SitePack, error) {
	var p SitePack
	if err := decodePayload(r, MaxSitePackBytes, &p, "site pack"); err != nil {
		return nil, err
	}
	if err := p.validate(); err != nil {
		if errors.Is(err, errTooMany) {
			return nil, refuse(ErrTooLarge, msgTooMany, err)
		}
		return nil, malformed(err)
	}
	return &p, nil
}

// WriteSitePack writes a whole site pack file for a kiosk: h names the
// console (Sender, Console), the kiosk (Recipient) and the pack's Seq (=
// p.Seq); to is the kiosk's age recipient.
func WriteSitePack(w io.Writer, h Header, p *SitePack, to string, console *ConsoleKeys) error {
	if h.Seq != p.Seq || h.Recipient != p.KioskID {
		return errors.New("syncwire: the header's seq and recipient must be the pack's")
	}
	ew, err := NewWriter(w, KindSitePack, h, to, console)
	if err != nil {
		return err
	}
	if err := EncodeSitePack(ew, p); err != nil {
		return err
	}
	return ew.Close()
}

// ReadSitePack decodes the site pack in an opened envelope and checks that
// it matches the header (the kiosk and the sequence number). Whether it is
// newer than the last applied is the caller's CheckNewer.
func ReadSitePack(env *Envelope) (*SitePack, error) {
	if env.Kind != KindSitePack {
		return nil, fmt.Errorf("syncwire: ReadSitePack of a %s", env.Kind)
	}
	p, err := DecodeSitePack(env.Payload())
	if err != nil {
		return nil, err
	}
	if p.KioskID != env.Header.Recipient || p.Seq != env.Header.Seq {
		return nil, malformed(errors.New("site pack does not match its header"))
	}
	return p, nil
}
