// Package consolesync is the console's side of offline kiosks (issue 13):
// pairing a kiosk (a pairing file and its QR), importing the bundles of
// sealed registrations a kiosk exports (each registration applied exactly
// once, as a web registration would be, conflicts held for the admin,
// refusals recorded), and the site packs the console makes for a kiosk.
// The file formats are internal/syncwire's; the records internal/pairing's.
package consolesync

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"id06desk/internal/audit"
	"id06desk/internal/i18n"
	"id06desk/internal/invite"
	"id06desk/internal/order"
	"id06desk/internal/pairing"
	"id06desk/internal/paths"
	"id06desk/internal/registration"
	"id06desk/internal/settings"
	"id06desk/internal/syncwire"
	"id06desk/internal/token"
)

// KeysFile is the console's key file in the sync key folder.
const KeysFile = "console.keys"

// Store keeps the console's records of kiosks, and the invitations and
// orders the import works on.
type Store interface {
	SyncConsole(ctx context.Context) (pairing.Console, error)
	CreateSyncConsole(ctx context.Context, c pairing.Console) (pairing.Console, error)
	CreateKiosk(ctx context.Context, k pairing.Kiosk, e audit.Entry) error
	Kiosk(ctx context.Context, id string) (pairing.Kiosk, error)
	KioskByName(ctx context.Context, name string) (pairing.Kiosk, error)
	ListKiosks(ctx context.Context) ([]pairing.Kiosk, error)
	UpdateKiosk(ctx context.Context, id string, fn func(k *pairing.Kiosk) ([]audit.Entry, error)) (pairing.Kiosk, error)
	ReceivedRegistration(ctx context.Context, id string) (pairing.Received, bool, error)
	RecordReceived(ctx context.Context, r pairing.Received, refusal *pairing.Refusal, conflict *pairing.HeldConflict, entries []audit.Entry) (bool, error)
	RecordRefusal(ctx context.Context, r pairing.Refusal, e audit.Entry) error
	ListRefusals(ctx context.Context, kioskID string, limit int) ([]pairing.Refusal, error)
	Bundle(ctx context.Context, kioskID string, seq uint64) (pairing.Bundle, bool, error)
	RecordBundle(ctx context.Context, b pairing.Bundle, e audit.Entry) error
	SyncAcks(ctx context.Context, kioskID string) (bundles, registrations []uint64, err error)
	ListConflicts(ctx context.Context, pending bool) ([]pairing.HeldConflict, error)
	Conflict(ctx context.Context, id string) (pairing.HeldConflict, error)
	ResolveConflict(ctx context.Context, id, resolution string, entries []audit.Entry) error

	GetInvitation(ctx context.Context, id string) (invite.Invitation, []invite.Event, error)
	EachInvitation(ctx context.Context, q invite.ListQuery, fn func(invite.Invitation) error) error
	LoadCatalog(ctx context.Context) (invite.Catalog, error)
	OrderOf(ctx context.Context, invitationID string) (order.Order, error)
	GetOrder(ctx context.Context, id string) (order.Order, error)
	UpdateOrder(ctx context.Context, id string, fn invite.OrderUpdate) (order.Order, error)
}

// OrderMaker makes the order of a confirmed registration, as a web Confirm
// does (registration.Service).
type OrderMaker interface {
	CreateOrder(ctx context.Context, vals settings.Values, in registration.OrderInput) (order.Order, error)
}

// Config wires a Service.
type Config struct {
	Store    Store
	Settings func(ctx context.Context) (settings.Values, error)
	Keys     *token.KeyRing // the invitation-token keys
	Orders   OrderMaker
	// KeyDir is where the console's sync keys live (<config>/sync, 0700).
	KeyDir string
	// TempDir holds a file while it is checked ("" is os.TempDir()).
	TempDir string
	// MaxBundleBytes limits a bundle (0: syncwire.MaxBundleBytes).
	MaxBundleBytes int64
	Now            func() time.Time
	Log            *slog.Logger
}

// Service is the console's side of sync.
type Service struct {
	c Config
}

// New returns a Service.
func New(c Config) *Service {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{c: c}
}

// HasConsoleKeys reports whether this installation has console sync keys
// (it has paired a kiosk).
func HasConsoleKeys(keyDir string) bool {
	_, err := os.Stat(filepath.Join(keyDir, KeysFile))
	return err == nil
}

// console returns the console's identity and keys, creating both when
// create is set (on the first pairing).
func (s *Service) console(ctx context.Context, create bool) (pairing.Console, *syncwire.ConsoleKeys, error) {
	file := filepath.Join(s.c.KeyDir, KeysFile)
	cons, err := s.c.Store.SyncConsole(ctx)
	if err != nil && !errors.Is(err, pairing.ErrNotFound) {
		return cons, nil, err
	}
	data, ferr := os.ReadFile(file)
	if ferr == nil && err == nil {
		keys, err := syncwire.ParseConsoleKeys(data)
		if err != nil {
			return cons, nil, fmt.Errorf("console sync keys %s: %w", file, err)
		}
		return cons, keys, nil
	}
	if !create {
		return cons, nil, i18n.Wrap(syncwire.ErrUnknownSender, msgNoConsole)
	}
	var keys *syncwire.ConsoleKeys
	if ferr == nil {
		if keys, err = syncwire.ParseConsoleKeys(data); err != nil {
			return cons, nil, fmt.Errorf("console sync keys %s: %w", file, err)
		}
	} else {
		if !errors.Is(ferr, os.ErrNotExist) {
			return cons, nil, fmt.Errorf("console sync keys: %w", ferr)
		}
		if keys, err = syncwire.NewConsoleKeys(); err != nil {
			return cons, nil, err
		}
		text, err := keys.MarshalText()
		if err != nil {
			return cons, nil, err
		}
		if err := os.MkdirAll(s.c.KeyDir, 0o700); err != nil {
			return cons, nil, fmt.Errorf("sync key folder: %w", err)
		}
		if err := os.Chmod(s.c.KeyDir, 0o700); err != nil {
			return cons, nil, fmt.Errorf("sync key folder: %w", err)
		}
		if err := paths.WriteFile(file, text); err != nil {
			return cons, nil, fmt.Errorf("console sync keys: %w", err)
		}
	}
	vals, err := s.c.Settings(ctx)
	if err != nil {
		return cons, nil, err
	}
	name := vals.Get("company.name")
	if name == "" {
		name = "id06desk"
	}
	if len(name) > 120 {
		name = name[:120]
	}
	cons, err = s.c.Store.CreateSyncConsole(ctx, pairing.Console{ID: uuid.NewString(), Name: name, CreatedAt: s.c.Now().UTC()})
	return cons, keys, err
}

func cleanName(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) || len(s) > 120 {
		return "", false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return "", false
		}
	}
	return s, true
}

// Paired is a new kiosk's pairing: the file to carry to it and the same as
// a QR code's text.
type Paired struct {
	Kiosk pairing.Kiosk
	File  []byte // the pairing file (syncwire)
	// QR is syncwire.PairingQR's text; "" when the pairing does not fit one
	// QR code (QRTooLarge: the file carries it).
	QR         string
	QRTooLarge *i18n.Error
	// Replaces is the revoked kiosk of the same name a new pairing
	// follows (its history stays); nil when none.
	Replaces *pairing.Kiosk
}

// Pair pairs a new kiosk: it stores the kiosk with a one-time secret and
// returns the pairing file the kiosk joins with.
//
// mailAddress, when not empty, is the kiosk's own mailbox: site packs are
// mailed there (issue 14), and the pairing tells the kiosk to collect them
// from it with this console's IMAP server settings.
func (s *Service) Pair(ctx context.Context, name, site, mailAddress string) (*Paired, error) {
	name, okName := cleanName(name)
	site, okSite := cleanName(site)
	if !okName || !okSite || name == "" {
		return nil, i18n.Wrap(ErrName, msgName)
	}
	if mailAddress != "" {
		a, err := invite.NormalizeEmail(mailAddress)
		if err != nil {
			return nil, i18n.Wrap(ErrMailAddress, msgMailAddress, "address", mailAddress)
		}
		mailAddress = a
	}
	cons, keys, err := s.console(ctx, true)
	if err != nil {
		return nil, err
	}
	var replaces *pairing.Kiosk
	if old, err := s.c.Store.KioskByName(ctx, name); err == nil && old.Revoked() {
		replaces = &old
	} else if err != nil && !errors.Is(err, pairing.ErrNotFound) {
		return nil, err
	}
	secret, err := syncwire.NewSecret()
	if err != nil {
		return nil, err
	}
	hash := sha256.Sum256(secret[:])
	k := pairing.Kiosk{ID: uuid.NewString(), Name: name, Site: site, PairedAt: s.c.Now().UTC().Truncate(time.Millisecond),
		Secret: append([]byte(nil), secret[:]...), SecretHash: hash[:], NextPackSeq: 1, MailAddress: mailAddress}
	auth := sha256.Sum256([]byte(syncwire.ReceiverPassword(secret, k.ID)))
	k.SMTPAuthHash = auth[:]
	err = s.c.Store.CreateKiosk(ctx, k, audit.Entry{Action: audit.SyncKioskPaired, Subject: k.ID, Detail: name})
	if errors.Is(err, pairing.ErrNameTaken) {
		return nil, i18n.Wrap(ErrNameTaken, msgNameTaken, "name", name)
	}
	if err != nil {
		return nil, err
	}
	p, err := s.pairingOf(ctx, k, cons, keys)
	if err != nil {
		return nil, err
	}
	p.Replaces = replaces
	return p, nil
}

// PairingFile makes a kiosk's pairing file and QR again (by name or id),
// only while the kiosk has not yet joined (its first bundle has not proven
// the secret) and is not revoked: both carry the one-time secret.
func (s *Service) PairingFile(ctx context.Context, nameOrID string) (*Paired, error) {
	k, err := s.kiosk(ctx, nameOrID)
	if err != nil {
		return nil, err
	}
	if k.Revoked() {
		return nil, i18n.Wrap(ErrRevoked, msgRevoked, "name", k.Name, "at", fmtTime(k.RevokedAt))
	}
	if k.Secret == nil {
		return nil, i18n.Wrap(ErrJoined, msgJoined, "name", k.Name)
	}
	cons, keys, err := s.console(ctx, false)
	if err != nil {
		return nil, err
	}
	return s.pairingOf(ctx, k, cons, keys)
}

func (s *Service) pairingOf(ctx context.Context, k pairing.Kiosk, cons pairing.Console, keys *syncwire.ConsoleKeys) (*Paired, error) {
	company, catalogs, kioskSettings, err := s.siteData(ctx)
	if err != nil {
		return nil, err
	}
	vals, err := s.c.Settings(ctx)
	if err != nil {
		return nil, err
	}
	for key, v := range MailSetup(vals, k) {
		kioskSettings[key] = v
	}
	// A receiver with STARTTLS: the kiosk pins its certificate.
	if vals.Get("sync.receiver.tls_cert") != "" {
		if err := receiverPinSetting(vals, kioskSettings); err != nil {
			return nil, err
		}
	}
	var secret syncwire.Secret
	copy(secret[:], k.Secret)
	p := &syncwire.Pairing{
		ConsoleID: cons.ID, ConsoleName: cons.Name, TokenKeys: syncwire.TokenKeysOf(s.c.Keys.PublicKeys()),
		SyncAddress: syncAddressOf(vals),
		Company:     company, Catalogs: catalogs, Settings: kioskSettings,
		KioskID: k.ID, KioskName: k.Name, Site: k.Site, Secret: secret, Created: k.PairedAt,
	}
	var file bytes.Buffer
	if err := syncwire.WritePairing(&file, p, keys); err != nil {
		return nil, err
	}
	p.ConsoleKeys = keys.Public()
	out := &Paired{Kiosk: k, File: file.Bytes()}
	qr, err := syncwire.PairingQR(p)
	var ie *i18n.Error
	switch {
	case errors.Is(err, syncwire.ErrQRTooLarge) && errors.As(err, &ie):
		out.QRTooLarge = ie
	case err != nil:
		return nil, err
	default:
		out.QR = qr
	}
	return out, nil
}

// Company is the company data a kiosk gets (pairing file, site pack).
type Company struct {
	Name      string  `json:"name"`
	OrgNumber string  `json:"orgNumber,omitempty"`
	Address   Address `json:"address"`
}

// Address is the company's postal address.
type Address struct {
	Street     string `json:"street,omitempty"`
	PostalCode string `json:"postalCode,omitempty"`
	City       string `json:"city,omitempty"`
	Country    string `json:"country,omitempty"`
}

// KioskSettings are the settings a kiosk gets from its console.
var KioskSettings = []string{
	"company.name", "company.org_number", "company.address.street", "company.address.postal_code",
	"company.address.city", "company.address.country", "language", "identity.partner_name", "identity.partner_url",
	"kiosk.idle_seconds", "kiosk.idle_discard",
}

// siteData is what a kiosk needs to work alone: company data, catalogs
// (invite.Catalog's JSON) and kiosk settings.
func (s *Service) siteData(ctx context.Context) (company, catalogs json.RawMessage, set map[string]string, err error) {
	vals, err := s.c.Settings(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	cat, err := s.c.Store.LoadCatalog(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	if company, err = json.Marshal(Company{Name: vals.Get("company.name"), OrgNumber: vals.Get("company.org_number"),
		Address: Address{Street: vals.Get("company.address.street"), PostalCode: vals.Get("company.address.postal_code"),
			City: vals.Get("company.address.city"), Country: vals.Get("company.address.country")}}); err != nil {
		return nil, nil, nil, err
	}
	if catalogs, err = json.Marshal(cat); err != nil {
		return nil, nil, nil, err
	}
	set = map[string]string{}
	for _, k := range KioskSettings {
		set[k] = vals.Get(k)
	}
	return company, catalogs, set, nil
}

// kiosk finds a kiosk by name (the one not revoked first) or id.
func (s *Service) kiosk(ctx context.Context, nameOrID string) (pairing.Kiosk, error) {
	k, err := s.c.Store.KioskByName(ctx, nameOrID)
	if errors.Is(err, pairing.ErrNotFound) {
		k, err = s.c.Store.Kiosk(ctx, nameOrID)
	}
	if errors.Is(err, pairing.ErrNotFound) {
		return k, i18n.Wrap(ErrNotPaired, msgNotPaired, "name", nameOrID)
	}
	return k, err
}

// Revoke revokes a kiosk's pairing (by name or id): its files are refused
// from now on. Revoking a revoked kiosk changes nothing.
func (s *Service) Revoke(ctx context.Context, nameOrID string) (pairing.Kiosk, error) {
	k, err := s.kiosk(ctx, nameOrID)
	if err != nil || k.Revoked() {
		return k, err
	}
	return s.c.Store.UpdateKiosk(ctx, k.ID, func(k *pairing.Kiosk) ([]audit.Entry, error) {
		if k.Revoked() {
			return nil, nil
		}
		k.RevokedAt = s.c.Now().UTC()
		k.Secret = nil
		return []audit.Entry{{Action: audit.SyncKioskRevoked, Subject: k.ID, Detail: k.Name}}, nil
	})
}

// List returns every kiosk with its counts.
func (s *Service) List(ctx context.Context) ([]pairing.Kiosk, error) {
	return s.c.Store.ListKiosks(ctx)
}

// Refusals returns the newest refusals, of one kiosk ("" for all).
func (s *Service) Refusals(ctx context.Context, kioskID string, limit int) ([]pairing.Refusal, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	return s.c.Store.ListRefusals(ctx, kioskID, limit)
}

// Conflicts returns the conflicts (pending only when pending is set).
func (s *Service) Conflicts(ctx context.Context, pending bool) ([]pairing.HeldConflict, error) {
	return s.c.Store.ListConflicts(ctx, pending)
}

// fmtTime is a time in a refusal's sentence: Swedish time (the company's),
// as people on the site read their clocks, not UTC.
func fmtTime(t time.Time) string { return t.In(stockholm).Format("2006-01-02 15:04") }

// stockholm is Europe/Stockholm (tzdata is linked into the binary by
// internal/mail); UTC+1 should it ever be missing.
var stockholm = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Stockholm"); err == nil {
		return loc
	}
	return time.FixedZone("CET", 3600)
}()

// MailSetup is the mail part of a kiosk's pairing (issue 14): the
// settings that let it mail bundles to this console and collect site packs
// from its own mailbox. Passwords are never in it: with the console's own
// SMTP receiver the kiosk derives its password from the pairing secret
// (syncwire.ReceiverPassword); a mailbox or relay password is typed in at
// the kiosk.
func MailSetup(vals settings.Values, k pairing.Kiosk) map[string]string {
	out := map[string]string{}
	switch vals.Get("sync.transport") {
	case "imap":
		// Bundles go through the company's relay to the sync mailbox.
		for _, key := range []string{"smtp.host", "smtp.port", "smtp.security"} {
			out[key] = vals.Get(key)
		}
		out["smtp.from"] = firstOf(k.MailAddress, vals.Get("sync.address"))
	case "receiver":
		// Bundles go straight to this console's receiver.
		out["smtp.host"] = vals.Get("sync.receiver.host")
		if _, port, err := net.SplitHostPort(vals.Get("sync.receiver.listen")); err == nil {
			out["smtp.port"] = port
		}
		out["smtp.security"] = "none"
		if vals.Get("sync.receiver.tls_cert") != "" {
			out["smtp.security"] = "starttls"
		}
		out["smtp.username"] = k.ID
		out["smtp.from"] = firstOf(k.MailAddress, vals.Get("sync.address"))
	default:
		return out
	}
	if k.MailAddress != "" && vals.Get("sync.imap.host") != "" {
		// Site packs come back to the kiosk's own mailbox, on the same
		// IMAP server as the console's.
		out["sync.imap.host"] = vals.Get("sync.imap.host")
		out["sync.imap.port"] = vals.Get("sync.imap.port")
		out["sync.imap.security"] = vals.Get("sync.imap.security")
		out["sync.imap.username"] = k.MailAddress
	}
	out["sync.mail_max_mb"] = vals.Get("sync.mail_max_mb")
	out["sync.poll_minutes"] = vals.Get("sync.poll_minutes")
	for key, v := range out {
		if v == "" {
			delete(out, key)
		}
	}
	return out
}

// syncAddressOf is where kiosks mail bundles: none when bundles come by
// file only.
func syncAddressOf(vals settings.Values) string {
	if vals.Get("sync.transport") == "file" {
		return ""
	}
	return vals.Get("sync.address")
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
