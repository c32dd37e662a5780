// Package kiosksync is an offline kiosk's side of sync with its console
// (issue 13): joining a console with its pairing file, adopting invitations
// from verified tokens, applying site packs, sealing registrations at
// Confirm and exporting them as bundles. The wire formats are
// internal/syncwire's; storage is internal/sqlite's.
//
// Where things live: <config>/sync/ (0700) holds kiosk.keys (the kiosk's
// signing key and age identity) and pairing.json (the console's id and
// public keys, the kiosk's id, name and site, and the one-time pairing
// secret until a site pack acknowledges the first bundle), both 0600. The
// database holds the console's token-verification keys, the sequence
// numbers, the last site pack and export, and the queue of sealed
// registrations.
package kiosksync

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"id06desk/internal/audit"
	"id06desk/internal/i18n"
	"id06desk/internal/invite"
	"id06desk/internal/kioskstate"
	"id06desk/internal/order"
	"id06desk/internal/paths"
	"id06desk/internal/settings"
	"id06desk/internal/syncwire"
	"id06desk/internal/token"
)

// ClockTolerance is how far the kiosk's clock may be from the console's
// (as the last site pack told it) before the status warns.
const ClockTolerance = 5 * time.Minute

// File names in the sync folder.
const (
	KeysFile    = "kiosk.keys"
	PairingFile = "pairing.json"
)

// Store persists the kiosk's sync (internal/kioskstate.DB).
type Store interface {
	KioskSyncState(ctx context.Context) (kioskstate.KioskSyncState, error)
	PairKiosk(ctx context.Context, p kioskstate.KioskPairing) error
	AdoptInvitation(ctx context.Context, inv invite.Invitation) (invite.Invitation, error)
	SealRegistration(ctx context.Context, registrationID, invitationID string,
		seal func(seq uint64) ([]byte, error), fn func(inv *invite.Invitation) (invite.Change, error)) (uint64, error)
	SealedSeqs(ctx context.Context) ([]uint64, error)
	SealedRegistration(ctx context.Context, seq uint64) (kioskstate.SealedRegistration, error)
	// SealedForMail lists those never mailed or mailed before resendBefore.
	SealedForMail(ctx context.Context, resendBefore time.Time) ([]kioskstate.SealedRef, error)
	RecordKioskExport(ctx context.Context, bundleSeq uint64, count int, at time.Time, e audit.Entry) error
	ApplyKioskSitePack(ctx context.Context, p kioskstate.KioskSitePack, check func(applied uint64) error) (kioskstate.SitePackResult, error)
	// RecordSitePackRefusal keeps a refused pack as the last refusal, with
	// its audit line.
	RecordSitePackRefusal(ctx context.Context, r kioskstate.PackRefusal, e audit.Entry) error
	UnpairKiosk(ctx context.Context, check func(pending int) error, e audit.Entry) (int, error)
	Audit(ctx context.Context, actor string, action audit.Action, subject, detail string) error
}

// Config wires a Service.
type Config struct {
	Store Store
	// Dir is the sync folder, <config>/sync.
	Dir string
	// TempDir holds a file while it is checked ("": Dir).
	TempDir string
	Log     *slog.Logger
	Now     func() time.Time
	// OnPaired runs after a join and, for a kiosk paired before, from
	// Hook: the App adds the console's token keys to its key ring and
	// switches the registration to sealing.
	OnPaired func(s *Service)
	// OnUnpaired runs after the kiosk left its console (Leave, or `pair
	// leave` in another process noticed by Refresh): the App stops sealing
	// and forgets the console's token keys.
	OnUnpaired func(s *Service)
	// MediaRoots are the folders whose subfolders are mounted removable
	// drives (/media/<user>, /run/media/<user>); Documents is the user's
	// Documents folder. Both are offered for exports.
	MediaRoots []string
	Documents  string
	// OnTokenKeys runs when a site pack brings the console's token keys.
	OnTokenKeys func(keys []token.PublicKey)
}

// Pairing is the kiosk's pairing as stored in pairing.json.
type Pairing struct {
	ConsoleID   string              `json:"consoleId"`
	ConsoleName string              `json:"consoleName"`
	ConsoleKeys syncwire.PublicKeys `json:"consoleKeys"`
	SyncAddress string              `json:"syncAddress,omitempty"`
	KioskID     string              `json:"kioskId"`
	KioskName   string              `json:"kioskName"`
	Site        string              `json:"site,omitempty"`
	// Secret is the one-time pairing secret, kept until a site pack
	// acknowledges a bundle (every bundle before that proves it).
	Secret   *syncwire.Secret `json:"secret,omitempty"`
	PairedAt time.Time        `json:"pairedAt"`
}

// Service is the kiosk's sync.
type Service struct {
	c Config

	mu      sync.Mutex // guards pairing, keys and loaded, and serialises joins, imports and exports
	pending change     // hooks a change made under mu asks for (fired by unlock)
	pairing *Pairing
	keys    *syncwire.KioskKeys
	// loaded is pairing.json as last read or written here (nil: none): a
	// different file on disk (`pair join` or `pair leave` run by another
	// process on this data folder) is read again (refresh).
	loaded os.FileInfo
}

// Refusals of this package (each an *i18n.Error with its sentence).
var (
	ErrNotPaired     = errors.New("kiosksync: not paired")
	ErrAlreadyPaired = errors.New("kiosksync: already paired")
	ErrBadPairing    = errors.New("kiosksync: unusable pairing contents")
	ErrNoSuchFolder  = errors.New("kiosksync: not a folder offered for exports")
	// ErrPending: Leave without force while sealed registrations wait for
	// the console's acknowledgement.
	ErrPending = errors.New("kiosksync: sealed registrations not acknowledged")
)

var (
	msgNotPaired = i18n.Text{Code: "sync.not_paired",
		SV: "Den här kiosken är inte parkopplad med någon konsol. Välj ”Parkoppla med konsol” först.",
		EN: "This kiosk is not paired with a console. Choose “Pair with console” first."}
	msgAlreadyPaired = i18n.Text{Code: "sync.already_paired",
		SV: "Den här kiosken är redan parkopplad med konsolen {console}.",
		EN: "This kiosk is already paired with the console {console}."}
	msgNoSuchFolder = i18n.Text{Code: "sync.no_such_folder",
		SV: "Mappen finns inte bland de enheter som kan väljas. Sätt i USB-minnet och försök igen.",
		EN: "The folder is not among the drives that can be chosen. Insert the USB stick and try again."}
	msgPending = i18n.Text{Code: "sync.unpair_pending",
		SV: "{count} förseglade registreringar har inte nått konsolen ännu (inget platspaket har bekräftat dem). Om kiosken kopplas bort raderas de och kan inte återskapas. Exportera dem och läs in konsolens nästa platspaket först, eller koppla bort ändå.",
		EN: "{count} sealed registrations have not reached the console yet (no site pack has acknowledged them). Unpairing deletes them and they cannot be recovered. Export them and import the console's next site pack first, or unpair anyway."}
	msgBadPairing = i18n.Text{Code: "sync.bad_pairing",
		SV: "Parkopplingsfilens företagsuppgifter eller kataloger kan inte läsas.",
		EN: "The pairing file's company data or catalogs cannot be read."}
)

// New returns a Service and loads a pairing made before (none: not paired).
func New(c Config) (*Service, error) {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.TempDir == "" {
		c.TempDir = c.Dir
	}
	s := &Service{c: c}
	if err := s.load(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Service) load() error {
	file := filepath.Join(s.c.Dir, PairingFile)
	fi, err := os.Stat(file)
	if errors.Is(err, fs.ErrNotExist) {
		s.pairing, s.keys, s.loaded = nil, nil, nil
		return nil
	}
	if err != nil {
		return fmt.Errorf("read the kiosk's pairing: %w", err)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("read the kiosk's pairing: %w", err)
	}
	var p Pairing
	if err := json.Unmarshal(b, &p); err != nil {
		return fmt.Errorf("read the kiosk's pairing %s: %w", filepath.Join(s.c.Dir, PairingFile), err)
	}
	kb, err := os.ReadFile(filepath.Join(s.c.Dir, KeysFile))
	if err != nil {
		return fmt.Errorf("read the kiosk's keys: %w", err)
	}
	k, err := syncwire.ParseKioskKeys(kb)
	if err != nil {
		return fmt.Errorf("read the kiosk's keys: %w", err)
	}
	s.pairing, s.keys, s.loaded = &p, k, fi
	return nil
}

// change is what a refresh found: the kiosk was paired or unpaired (or
// both: paired anew) by another process.
type change struct{ unpaired, paired bool }

// lock takes the service's lock after reading the pairing again when
// pairing.json changed on disk; unlock releases it and then runs the
// hooks of what changed (outside the lock: they may call the service).
func (s *Service) lock() (unlock func()) {
	s.mu.Lock()
	c := s.refreshLocked()
	return func() {
		// A join under the lock asks for its hook here (pending).
		c.paired = c.paired || s.pending.paired
		s.pending = change{}
		s.mu.Unlock()
		s.fire(c)
	}
}

func (s *Service) fire(c change) {
	if c.unpaired && s.c.OnUnpaired != nil {
		s.c.OnUnpaired(s)
	}
	if c.paired && s.c.OnPaired != nil {
		s.c.OnPaired(s)
	}
}

// refreshLocked reads pairing.json again when it is not the file last read
// or written here: one stat, cheap enough for every call. s.mu is held.
func (s *Service) refreshLocked() change {
	fi, err := os.Stat(filepath.Join(s.c.Dir, PairingFile))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if s.pairing == nil {
			return change{}
		}
		s.c.Log.Info("the kiosk's pairing was removed by another process", "kiosk_id", s.pairing.KioskID)
		s.pairing, s.keys, s.loaded = nil, nil, nil
		return change{unpaired: true}
	case err != nil:
		s.c.Log.Warn("check the kiosk's pairing", "err", err)
		return change{}
	case s.loaded != nil && os.SameFile(fi, s.loaded) && fi.ModTime().Equal(s.loaded.ModTime()) && fi.Size() == s.loaded.Size():
		return change{}
	}
	before := ""
	if s.pairing != nil {
		before = s.pairing.KioskID
	}
	if err := s.load(); err != nil {
		// Half-written by another process, or damaged: keep what we had
		// and look again next time.
		s.c.Log.Warn("read the kiosk's pairing again", "err", err)
		s.loaded = nil
		return change{}
	}
	after := ""
	if s.pairing != nil {
		after = s.pairing.KioskID
	}
	if before == after {
		return change{}
	}
	s.c.Log.Info("the kiosk's pairing changed in another process", "kiosk_id", after)
	return change{unpaired: before != "", paired: after != ""}
}

// Refresh picks up a pairing made or removed by another process on this
// data folder (`id06desk pair join` / `pair leave` while the kiosk runs):
// the App runs it as a short job, and every call of the service does the
// same first.
func (s *Service) Refresh(context.Context) error {
	s.lock()()
	return nil
}

// Paired reports whether this is a kiosk paired with a console.
func (s *Service) Paired() bool {
	unlock := s.lock()
	defer unlock()
	return s.pairing != nil
}

// Pairing returns a copy of the pairing (nil when not paired), without its
// secret.
func (s *Service) Pairing() *Pairing {
	unlock := s.lock()
	defer unlock()
	if s.pairing == nil {
		return nil
	}
	p := *s.pairing
	p.Secret = nil
	return &p
}

// Hook runs OnPaired when the kiosk was paired before (the App calls it once
// at start).
func (s *Service) Hook() {
	if s.Paired() && s.c.OnPaired != nil {
		s.c.OnPaired(s)
	}
}

// TokenKeys returns the console's token-verification keys.
func (s *Service) TokenKeys(ctx context.Context) ([]token.PublicKey, error) {
	st, err := s.c.Store.KioskSyncState(ctx)
	if err != nil {
		if errors.Is(err, kioskstate.ErrKioskNotPaired) {
			return nil, i18n.Wrap(ErrNotPaired, msgNotPaired)
		}
		return nil, err
	}
	var keys []syncwire.TokenKey
	if err := json.Unmarshal(st.TokenKeys, &keys); err != nil {
		return nil, fmt.Errorf("read the console's token keys: %w", err)
	}
	return syncwire.PublicKeysOf(keys), nil
}

// Joined is what a join stored.
type Joined struct {
	KioskID     string `json:"kioskId"`
	KioskName   string `json:"kioskName"`
	Site        string `json:"site"`
	ConsoleName string `json:"consoleName"`
}

// Join pairs this kiosk with the console that wrote the pairing file:
// checks the file (syncwire.OpenPairing), generates the kiosk's own keys and
// stores the pairing, the console's keys, company data, catalogs and kiosk
// settings. A kiosk already paired refuses (ErrAlreadyPaired).
func (s *Service) Join(ctx context.Context, pairingFile io.Reader) (*Joined, error) {
	unlock := s.lock()
	defer unlock()
	if s.pairing != nil {
		return nil, i18n.Wrap(ErrAlreadyPaired, msgAlreadyPaired, "console", s.pairing.ConsoleName)
	}
	if err := os.MkdirAll(s.c.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("create the sync folder: %w", err)
	}
	p, err := syncwire.OpenPairing(pairingFile, s.c.TempDir)
	if err != nil {
		return nil, err
	}
	return s.join(ctx, p)
}

// JoinQR is Join with the text of the pairing QR code the console shows
// (syncwire.PairingQR), as the kiosk's camera read it. A QR with only the
// essentials leaves company data, catalogs and settings to the first site
// pack.
func (s *Service) JoinQR(ctx context.Context, text string) (*Joined, error) {
	unlock := s.lock()
	defer unlock()
	if s.pairing != nil {
		return nil, i18n.Wrap(ErrAlreadyPaired, msgAlreadyPaired, "console", s.pairing.ConsoleName)
	}
	if err := os.MkdirAll(s.c.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("create the sync folder: %w", err)
	}
	p, _, err := syncwire.ParsePairingQR(text)
	if err != nil {
		return nil, err
	}
	return s.join(ctx, p)
}

// join stores a checked pairing (s.mu held, not paired).
func (s *Service) join(ctx context.Context, p *syncwire.Pairing) (*Joined, error) {
	cat, err := catalogOf(p.Catalogs)
	if err != nil {
		return nil, err
	}
	vals, err := settingsOf(p.Company, p.Settings, s.c.Log)
	if err != nil {
		return nil, err
	}
	tk, err := json.Marshal(p.TokenKeys)
	if err != nil {
		return nil, fmt.Errorf("store the console's token keys: %w", err)
	}
	keys, err := syncwire.NewKioskKeys()
	if err != nil {
		return nil, err
	}
	kb, err := keys.MarshalText()
	if err != nil {
		return nil, err
	}
	err = s.c.Store.PairKiosk(ctx, kioskstate.KioskPairing{KioskID: p.KioskID, TokenKeys: tk, Catalog: cat, Settings: vals,
		Audit: audit.Entry{Action: audit.SyncKioskPaired, Subject: p.KioskID, Detail: p.ConsoleName}})
	if err != nil {
		return nil, err
	}
	if err := paths.WriteFile(filepath.Join(s.c.Dir, KeysFile), kb); err != nil {
		return nil, err
	}
	secret := p.Secret
	stored := &Pairing{ConsoleID: p.ConsoleID, ConsoleName: p.ConsoleName, ConsoleKeys: p.ConsoleKeys, SyncAddress: p.SyncAddress,
		KioskID: p.KioskID, KioskName: p.KioskName, Site: p.Site, Secret: &secret, PairedAt: s.c.Now().UTC()}
	// pairing.json last: its presence is "paired".
	if err := s.writePairing(stored); err != nil {
		return nil, err
	}
	s.pairing, s.keys = stored, keys
	s.c.Log.Info("kiosk paired", "kiosk_id", p.KioskID, "console_id", p.ConsoleID)
	s.pending.paired = true // the hook runs once the lock is released
	return &Joined{KioskID: p.KioskID, KioskName: p.KioskName, Site: p.Site, ConsoleName: p.ConsoleName}, nil
}

// writePairing writes pairing.json and remembers it as read (s.mu held).
func (s *Service) writePairing(p *Pairing) error {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return fmt.Errorf("store the pairing: %w", err)
	}
	file := filepath.Join(s.c.Dir, PairingFile)
	if err := paths.WriteFile(file, b); err != nil {
		return err
	}
	fi, err := os.Stat(file)
	if err != nil {
		return fmt.Errorf("store the pairing: %w", err)
	}
	s.loaded = fi
	return nil
}

// Left says what Leave removed.
type Left struct {
	KioskID     string `json:"kioskId"`
	KioskName   string `json:"kioskName"`
	ConsoleName string `json:"consoleName"`
	// Deleted is how many sealed registrations were deleted unsent (only
	// with force).
	Deleted int `json:"deleted"`
}

// Leave unpairs this kiosk from its console, so that it can join again
// with a new pairing file (after the console revoked it, or to move it to
// another console). Sealed registrations the console has not acknowledged
// would be lost: without force it refuses while there are any
// (ErrPending, saying how many). It removes the sync rows (the queue of
// sealed registrations, erased from the file, the console's revocations)
// and then pairing.json and kiosk.keys. ErrNotPaired when not paired.
func (s *Service) Leave(ctx context.Context, force bool) (*Left, error) {
	unlock := s.lock()
	defer unlock()
	p, _, err := s.state()
	if err != nil {
		return nil, err
	}
	detail := p.ConsoleName
	deleted, err := s.c.Store.UnpairKiosk(ctx, func(pending int) error {
		if pending > 0 && !force {
			return i18n.Wrap(fmt.Errorf("%w: %d", ErrPending, pending), msgPending, "count", pending)
		}
		if pending > 0 {
			detail = fmt.Sprintf("%s; %d sealed registrations deleted unsent", p.ConsoleName, pending)
		}
		return nil
	}, audit.Entry{Action: audit.SyncKioskLeft, Subject: p.KioskID, Detail: detail})
	if err != nil {
		return nil, err
	}
	// pairing.json first: its absence is "not paired".
	for _, name := range []string{PairingFile, KeysFile} {
		if err := os.Remove(filepath.Join(s.c.Dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("remove the kiosk's pairing: %w", err)
		}
	}
	s.pairing, s.keys, s.loaded = nil, nil, nil
	if deleted > 0 {
		s.c.Log.Warn("kiosk unpaired: sealed registrations deleted unsent", "kiosk_id", p.KioskID, "count", deleted)
	} else {
		s.c.Log.Info("kiosk unpaired", "kiosk_id", p.KioskID)
	}
	if s.c.OnUnpaired != nil {
		s.c.OnUnpaired(s)
	}
	return &Left{KioskID: p.KioskID, KioskName: p.KioskName, ConsoleName: p.ConsoleName, Deleted: deleted}, nil
}

// catalogOf reads the pairing's or site pack's catalogs: invite.Catalog's
// JSON ({"cardTypes": […], "industries": […]}); nil when absent.
func catalogOf(raw json.RawMessage) (*invite.Catalog, error) {
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		return nil, nil
	}
	var cat invite.Catalog
	if err := json.Unmarshal(raw, &cat); err != nil {
		return nil, i18n.Wrap(fmt.Errorf("%w: catalogs: %v", ErrBadPairing, err), msgBadPairing)
	}
	for _, c := range cat.CardTypes {
		if c.Code == "" || len(c.Code) > 40 {
			return nil, i18n.Wrap(fmt.Errorf("%w: a card type without a code", ErrBadPairing), msgBadPairing)
		}
	}
	for _, c := range cat.Industries {
		if c.Code == "" || len(c.Code) > 40 {
			return nil, i18n.Wrap(fmt.Errorf("%w: an industry without a code", ErrBadPairing), msgBadPairing)
		}
	}
	return &cat, nil
}

// companyKeys name the settings of the company data's fields: the
// console's shape {"name", "orgNumber", "address": {"street", "postalCode",
// "city", "country"}}; a key that already names a setting ("company.…")
// is taken as it is.
var companyKeys = map[string]string{
	"name": "company.name", "orgNumber": "company.org_number",
	"street": "company.address.street", "postalCode": "company.address.postal_code",
	"city": "company.address.city", "country": "company.address.country",
}

// settingsOf turns the company data (see companyKeys) and the kiosk
// settings (setting keys; they win) into setting changes. Unknown keys and
// secrets are skipped (logged), values that do not validate too: a
// console's newer setting must not stop a kiosk from working.
func settingsOf(company json.RawMessage, kiosk map[string]string, log *slog.Logger) (map[string]string, error) {
	all := map[string]string{}
	if t := bytes.TrimSpace(company); len(t) > 0 && string(t) != "null" {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(t, &m); err != nil {
			return nil, i18n.Wrap(fmt.Errorf("%w: company: %v", ErrBadPairing, err), msgBadPairing)
		}
		var walk func(m map[string]json.RawMessage) error
		walk = func(m map[string]json.RawMessage) error {
			for k, raw := range m {
				var v string
				if err := json.Unmarshal(raw, &v); err == nil {
					if key, ok := companyKeys[k]; ok {
						all[key] = v
					} else if strings.HasPrefix(k, "company.") {
						all[k] = v
					}
					continue
				}
				var sub map[string]json.RawMessage
				if err := json.Unmarshal(raw, &sub); err != nil {
					return fmt.Errorf("company field %q", k)
				}
				if err := walk(sub); err != nil {
					return err
				}
			}
			return nil
		}
		if err := walk(m); err != nil {
			return nil, i18n.Wrap(fmt.Errorf("%w: %v", ErrBadPairing, err), msgBadPairing)
		}
	}
	for k, v := range kiosk {
		all[k] = v
	}
	out := map[string]string{}
	for k, v := range all {
		d, ok := settings.Lookup(k)
		if !ok || d.Kind == settings.KindSecret {
			log.Warn("setting from the console skipped", "key", k)
			continue
		}
		n, err := settings.Normalize(k, v)
		if err != nil {
			log.Warn("setting from the console skipped", "key", k, "err", err)
			continue
		}
		out[k] = n
	}
	return out, nil
}

// state returns the pairing and keys, or ErrNotPaired.
func (s *Service) state() (*Pairing, *syncwire.KioskKeys, error) {
	if s.pairing == nil {
		return nil, nil, i18n.Wrap(ErrNotPaired, msgNotPaired)
	}
	return s.pairing, s.keys, nil
}

// Adopt makes a local invitation of a token this kiosk's database does not
// know: its signature must verify with the console's keys and it must not
// have expired. Card type, industry and expiry come from the token; the
// e-mail address is unknown (""). A token of an invitation the console
// revoked is stored revoked (the registration then says so).
// invite.ErrNotFound when the token cannot be adopted.
func (s *Service) Adopt(ctx context.Context, tok string) (invite.Invitation, error) {
	keys, err := s.TokenKeys(ctx)
	if err != nil {
		return invite.Invitation{}, fmt.Errorf("%w: %v", invite.ErrNotFound, err)
	}
	v, err := token.NewVerifier(keys...)
	if err != nil {
		return invite.Invitation{}, fmt.Errorf("%w: %v", invite.ErrNotFound, err)
	}
	claims, err := v.Verify(tok, s.c.Now())
	if err != nil {
		return invite.Invitation{}, fmt.Errorf("%w: token not adopted: %v", invite.ErrNotFound, err)
	}
	return s.c.Store.AdoptInvitation(ctx, invite.Invitation{
		ID: claims.InvitationID, Code: "~" + claims.InvitationID, CardType: claims.CardType, Industry: claims.Industry,
		Language: "sv", Status: invite.StatusSent, Token: tok, ExpiresAt: claims.ExpiresAt,
	})
}

// Seal is the kiosk's Confirm (registration.Sealer): the registration and
// its card photo are sealed to the console's age recipient and queued with
// the next sequence number; the invitation becomes registered here and the
// draft (clear data and photos) is deleted, its pages and the write-ahead
// log cleared. o.ID is the registration's id.
func (s *Service) Seal(ctx context.Context, o order.Order, tok string) error {
	unlock := s.lock()
	p, _, err := s.state()
	unlock()
	if err != nil {
		return err
	}
	reg := syncwire.Registration{
		ID: o.ID, KioskID: p.KioskID, Token: tok, InvitationID: o.InvitationID, RegisteredAt: o.RegisteredAt,
		FirstName: o.FirstName, LastName: o.LastName, Personnummer: o.Personnummer, BirthDate: o.BirthDate,
		Nationality: o.Nationality, IDNumber: o.IDNumber, Phone: o.Phone, Language: o.Language,
		Delivery: syncwire.Delivery{UseCompany: o.Delivery.UseCompany, Address: syncwire.Address{
			Name: o.Delivery.Address.Name, CareOf: o.Delivery.Address.CareOf, Street: o.Delivery.Address.Street,
			PostalCode: o.Delivery.Address.PostalCode, City: o.Delivery.Address.City, Country: o.Delivery.Address.Country}},
		IdentityMethod: o.IdentityMethod, IdentityCheck: o.IdentityCheck, IdentityCheckedAt: o.IdentityCheckedAt,
	}
	seal := func(seq uint64) ([]byte, error) {
		reg.Seq = seq
		var buf bytes.Buffer
		if err := syncwire.Seal(&buf, reg, bytes.NewReader(o.Photo), int64(len(o.Photo)), p.ConsoleKeys.AgeRecipient); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	_, err = s.c.Store.SealRegistration(ctx, o.ID, o.InvitationID, seal, func(inv *invite.Invitation) (invite.Change, error) {
		if inv.Status == invite.StatusRegistered {
			return invite.Change{}, order.ErrAlreadyRegistered
		}
		if !invite.CanTransition(inv.Status, invite.StatusRegistered) {
			return invite.Change{}, fmt.Errorf("%w: %s to registered", invite.ErrTransition, inv.Status)
		}
		inv.Status = invite.StatusRegistered
		return invite.Change{
			Events: []invite.Event{{Kind: invite.EventRegistered, Detail: "kiosk:" + p.KioskName}},
			Audit: []audit.Entry{{Actor: audit.Cardholder.Name, ActorKind: audit.KindCardholder,
				Action: audit.SyncRegistrationSealed, Subject: inv.ID}},
		}, nil
	})
	return err
}
