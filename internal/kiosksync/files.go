package kiosksync

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"id06desk/internal/audit"
	"id06desk/internal/i18n"
	"id06desk/internal/invite"
	"id06desk/internal/kioskstate"
	"id06desk/internal/paths"
	"id06desk/internal/syncwire"
)

// Applied says what a site pack changed.
type Applied struct {
	Seq         uint64    `json:"seq"`
	ConsoleTime time.Time `json:"consoleTime"`
	Invitations int       `json:"invitations"` // stored or refreshed
	Revoked     int       `json:"revoked"`     // local invitations now revoked
	Forgotten   int       `json:"forgotten"`   // sealed registrations the console acknowledged, deleted
}

// ApplySitePack reads a site pack from the console and applies it when it
// is newer than the last one applied (syncwire.ErrStale otherwise): the
// site's active invitations (so their short codes work offline), the
// revoked ones (refused here from now on), catalogs, settings and token
// keys, and the acknowledgements (the acknowledged sealed registrations are
// deleted, securely). A pack for another kiosk or console, or one that was
// changed on the way, is refused by syncwire with its sentence; nothing
// changes then.
func (s *Service) ApplySitePack(ctx context.Context, r io.Reader) (*Applied, error) {
	return s.applyPack(ctx, r, false)
}

func (s *Service) applyPack(ctx context.Context, r io.Reader, viaMail bool) (*Applied, error) {
	unlock := s.lock()
	defer unlock()
	var seq uint64
	a, err := s.applySitePack(ctx, r, &seq, viaMail)
	var ie *i18n.Error
	if err != nil && errors.As(err, &ie) && !errors.Is(err, ErrNotPaired) {
		// A refused pack is recorded (nothing else changed): the admin
		// sees on the kiosk why a pack did not apply (Status's
		// SitePackRefusal), and the audit log has it.
		subject := ""
		if seq > 0 {
			subject = strconv.FormatUint(seq, 10)
		}
		r := kioskstate.PackRefusal{At: s.c.Now().UTC(), Seq: seq, Code: ie.Msg.Code(), SV: ie.Msg.In(i18n.SV), EN: ie.Msg.In(i18n.EN)}
		if rerr := s.c.Store.RecordSitePackRefusal(ctx, r, audit.Entry{Action: audit.SyncSitePackRefused, Subject: subject, Detail: r.Code}); rerr != nil {
			s.c.Log.Error("record a refused site pack", "err", rerr)
		}
		s.c.Log.Warn("site pack refused", "code", ie.Msg.Code(), "err", err)
	}
	return a, err
}

func (s *Service) applySitePack(ctx context.Context, r io.Reader, seq *uint64, viaMail bool) (*Applied, error) {
	p, keys, err := s.state()
	if err != nil {
		return nil, err
	}
	console := p.ConsoleKeys.SignPub
	env, err := syncwire.Open(r, syncwire.OpenOptions{
		Kind: syncwire.KindSitePack, Me: p.KioskID, Console: p.ConsoleID, Identity: keys, TempDir: s.c.TempDir,
		SenderKey: func(h syncwire.Header) (ed25519.PublicKey, error) { return console, nil },
	})
	if err != nil {
		return nil, err
	}
	defer env.Close()
	*seq = env.Header.Seq
	pack, err := syncwire.ReadSitePack(env)
	if err != nil {
		return nil, err
	}
	cat, err := catalogOf(pack.Catalogs)
	if err != nil {
		return nil, err
	}
	vals, err := settingsOf(pack.Company, pack.Settings, s.c.Log)
	if err != nil {
		return nil, err
	}
	tk, err := json.Marshal(pack.TokenKeys)
	if err != nil {
		return nil, fmt.Errorf("store the console's token keys: %w", err)
	}
	invs := make([]invite.Invitation, 0, len(pack.Invitations))
	for _, in := range pack.Invitations {
		lang := in.Language
		if lang == "" {
			lang = "sv"
		}
		invs = append(invs, invite.Invitation{ID: in.ID, Code: in.Code, CardType: in.CardType, Industry: in.Industry,
			Language: lang, Token: in.Token, ExpiresAt: in.ExpiresAt})
	}
	kp := kioskstate.KioskSitePack{
		Seq: pack.Seq, ConsoleTime: pack.ConsoleTime, TokenKeys: tk, Catalog: cat, Settings: vals,
		Invitations: invs, Revoked: pack.Revoked, AckRegistrations: pack.Acks.Registrations, AckBundle: len(pack.Acks.Bundles) > 0,
		ViaMail: viaMail,
		Audit: audit.Entry{Action: audit.SyncSitePackApplied, Subject: strconv.FormatUint(pack.Seq, 10),
			Detail: fmt.Sprintf("%d invitations, %d revoked, %d acknowledged", len(invs), len(pack.Revoked), len(pack.Acks.Registrations))},
	}
	res, err := s.c.Store.ApplyKioskSitePack(ctx, kp, pack.CheckNewer)
	if err != nil {
		return nil, err
	}
	if kp.AckBundle && p.Secret != nil {
		// The console holds the kiosk's keys: the one-time secret goes.
		q := *p
		q.Secret = nil
		if err := s.writePairing(&q); err != nil {
			return nil, err
		}
		s.pairing = &q
	}
	if s.c.OnTokenKeys != nil {
		s.c.OnTokenKeys(syncwire.PublicKeysOf(pack.TokenKeys))
	}
	s.c.Log.Info("site pack applied", "seq", pack.Seq, "invitations", res.Invitations, "revoked", res.Revoked, "forgotten", res.Forgotten)
	return &Applied{Seq: pack.Seq, ConsoleTime: pack.ConsoleTime, Invitations: res.Invitations, Revoked: res.Revoked, Forgotten: res.Forgotten}, nil
}

// Exported says what a bundle holds.
type Exported struct {
	Seq   uint64 `json:"seq"`
	Count int    `json:"count"`
	First bool   `json:"first"` // it proves the pairing (no bundle acknowledged yet)
	File  string `json:"file,omitempty"`
}

// ExportBundle writes every sealed registration not yet acknowledged as one
// bundle for the console, with the kiosk's next bundle sequence number.
// Until a site pack acknowledges a bundle, each bundle is a first bundle: it
// carries the kiosk's public keys and proves the pairing secret. The
// registrations stay queued until acknowledged.
func (s *Service) ExportBundle(ctx context.Context, w io.Writer) (*Exported, error) {
	unlock := s.lock()
	defer unlock()
	return s.exportBundle(ctx, w)
}

func (s *Service) exportBundle(ctx context.Context, w io.Writer) (*Exported, error) {
	if _, _, err := s.state(); err != nil {
		return nil, err
	}
	seqs, err := s.c.Store.SealedSeqs(ctx)
	if err != nil {
		return nil, err
	}
	return s.exportSeqs(ctx, w, seqs)
}

// exportSeqs writes these sealed registrations as the kiosk's next bundle.
func (s *Service) exportSeqs(ctx context.Context, w io.Writer, seqs []uint64) (*Exported, error) {
	p, keys, err := s.state()
	if err != nil {
		return nil, err
	}
	st, err := s.c.Store.KioskSyncState(ctx)
	if err != nil {
		return nil, err
	}
	now := s.c.Now().UTC()
	h := syncwire.Header{Sender: p.KioskID, Recipient: p.ConsoleID, Console: p.ConsoleID, Seq: st.NextBundleSeq, Created: now}
	first := p.Secret != nil
	if first {
		h = syncwire.FirstBundleHeader(h, *p.Secret, keys)
	}
	ew, err := syncwire.NewWriter(w, syncwire.KindBundle, h, p.ConsoleKeys.AgeRecipient, keys)
	if err != nil {
		return nil, err
	}
	bw, err := syncwire.NewBundleWriter(ew, syncwire.Manifest{KioskID: p.KioskID, Seq: h.Seq, Count: len(seqs), Created: now})
	if err != nil {
		return nil, err
	}
	for _, seq := range seqs {
		r, err := s.c.Store.SealedRegistration(ctx, seq)
		if err != nil {
			return nil, err
		}
		if err := bw.AddSealed(r.Seq, bytes.NewReader(r.Sealed), int64(len(r.Sealed))); err != nil {
			return nil, err
		}
	}
	if err := bw.Close(); err != nil {
		return nil, err
	}
	if err := ew.Close(); err != nil {
		return nil, err
	}
	err = s.c.Store.RecordKioskExport(ctx, h.Seq, len(seqs), now, audit.Entry{Action: audit.SyncBundleExported,
		Subject: strconv.FormatUint(h.Seq, 10), Detail: strconv.Itoa(len(seqs))})
	if err != nil {
		return nil, err
	}
	return &Exported{Seq: h.Seq, Count: len(seqs), First: first}, nil
}

// BundleFileName is the name of a bundle file: the kiosk's name
// (FileNamePart), and the bundle's sequence number.
func BundleFileName(kioskName string, seq uint64) string {
	return fmt.Sprintf("id06desk-%s-bundle-%d.id06sync", FileNamePart(kioskName), seq)
}

// FileNamePart is a kiosk's name as part of a file name that any file
// system and mail program takes: ASCII letters and digits, - and _, a space
// as -. Accented letters keep their base letter (Grind Väst → Grind-Vast,
// Åby → Aby), so that the file still names its kiosk; other characters are
// left out, and a name with nothing left is "kiosk".
func FileNamePart(name string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	if b.Len() == 0 {
		return "kiosk"
	}
	return b.String()
}

// ExportToFile writes the bundle to file (0600), through a temporary file
// beside it: a failed export leaves no partial file.
func (s *Service) ExportToFile(ctx context.Context, file string) (*Exported, error) {
	unlock := s.lock()
	defer unlock()
	tmp, err := os.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("write the bundle: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(paths.FileMode); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("write the bundle: %w", err)
	}
	ex, err := s.exportBundle(ctx, tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("write the bundle: %w", err)
	}
	if err := os.Rename(tmp.Name(), file); err != nil {
		return nil, fmt.Errorf("write the bundle: %w", err)
	}
	ex.File = file
	return ex, nil
}

// ExportToFolder writes the bundle into folder under BundleFileName.
func (s *Service) ExportToFolder(ctx context.Context, folder string) (*Exported, error) {
	p := s.Pairing()
	if p == nil {
		_, _, err := s.state()
		return nil, err
	}
	st, err := s.c.Store.KioskSyncState(ctx)
	if err != nil {
		return nil, err
	}
	return s.ExportToFile(ctx, filepath.Join(folder, BundleFileName(p.KioskName, st.NextBundleSeq)))
}

// Status is the kiosk's sync status (admin view after the PIN, `sync
// status`).
type Status struct {
	Paired      bool      `json:"paired"`
	KioskID     string    `json:"kioskId,omitempty"`
	KioskName   string    `json:"kioskName,omitempty"`
	Site        string    `json:"site,omitempty"`
	ConsoleName string    `json:"consoleName,omitempty"`
	PairedAt    time.Time `json:"pairedAt,omitzero"`
	// Pending is how many sealed registrations wait for the console's
	// acknowledgement.
	Pending int `json:"pending"`
	// AwaitingFirstAck: no bundle acknowledged yet (bundles prove the
	// pairing).
	AwaitingFirstAck bool      `json:"awaitingFirstAck"`
	LastExportAt     time.Time `json:"lastExportAt,omitzero"`
	LastExportSeq    uint64    `json:"lastExportSeq,omitempty"`
	LastExportCount  int       `json:"lastExportCount"`
	// The last site pack applied: its number, when, its age in seconds and
	// the console's clock in it.
	SitePackSeq        uint64    `json:"sitePackSeq,omitempty"`
	SitePackAppliedAt  time.Time `json:"sitePackAppliedAt,omitzero"`
	SitePackAgeSeconds int64     `json:"sitePackAgeSeconds,omitempty"`
	ConsoleTime        time.Time `json:"consoleTime,omitzero"`
	// ClockSkewSeconds is how far the kiosk's clock was ahead (+) or
	// behind (−) the console's when the last pack was applied;
	// ClockWarning when that is more than ClockTolerance, or the clock has
	// gone back since.
	ClockSkewSeconds int64 `json:"clockSkewSeconds"`
	ClockWarning     bool  `json:"clockWarning"`
	// ClockWentBack: the clock now shows a time before the last pack was
	// applied (set back since, or a dead CMOS battery): part of
	// ClockWarning, said apart because the skew at the pack was fine.
	ClockWentBack bool `json:"clockWentBack"`
	// SitePackRefusal is the last site pack the kiosk refused (older than
	// the one applied, for another kiosk, damaged …); nil when none was.
	// It stays after a later pack applied: compare At with
	// SitePackAppliedAt.
	SitePackRefusal *SitePackRefusal `json:"sitePackRefusal,omitempty"`
}

// SitePackRefusal is a refused site pack: when, its number (0 when it could
// not be read) and why, as a code and its sentence in Swedish and English.
type SitePackRefusal struct {
	At   time.Time `json:"at"`
	Seq  uint64    `json:"seq,omitempty"`
	Code string    `json:"code"`
	SV   string    `json:"sv"`
	EN   string    `json:"en"`
}

// Status reports the kiosk's sync status; Paired false on a console.
func (s *Service) Status(ctx context.Context) (*Status, error) {
	p := s.Pairing()
	if p == nil {
		return &Status{}, nil
	}
	unlock := s.lock()
	awaiting := s.pairing != nil && s.pairing.Secret != nil
	unlock()
	st, err := s.c.Store.KioskSyncState(ctx)
	if err != nil {
		if errors.Is(err, kioskstate.ErrKioskNotPaired) {
			return &Status{}, nil
		}
		return nil, err
	}
	out := &Status{Paired: true, KioskID: p.KioskID, KioskName: p.KioskName, Site: p.Site, ConsoleName: p.ConsoleName,
		PairedAt: p.PairedAt, Pending: st.Pending, AwaitingFirstAck: awaiting,
		LastExportAt: st.LastExportAt, LastExportSeq: st.LastExportSeq, LastExportCount: st.LastExportCount}
	if r := st.PackRefusal; !r.At.IsZero() {
		out.SitePackRefusal = &SitePackRefusal{At: r.At, Seq: r.Seq, Code: r.Code, SV: r.SV, EN: r.EN}
	}
	if st.PackSeq > 0 {
		now := s.c.Now()
		out.SitePackSeq, out.SitePackAppliedAt, out.ConsoleTime = st.PackSeq, st.PackAppliedAt, st.PackConsoleTime
		out.SitePackAgeSeconds = int64(now.Sub(st.PackAppliedAt) / time.Second)
		// The console's clock now is its time in the pack plus what the
		// kiosk counted since applying it; the difference is the skew at
		// applying (the pack's time on the way counts as skew: import a
		// pack soon after it is written).
		skew := st.PackAppliedAt.Sub(st.PackConsoleTime)
		out.ClockSkewSeconds = int64(skew / time.Second)
		out.ClockWentBack = now.Before(st.PackAppliedAt.Add(-time.Minute))
		out.ClockWarning = skew > ClockTolerance || skew < -ClockTolerance || out.ClockWentBack
		if st.PackViaMail {
			// A pack by mail may have waited in the mailbox for days: a
			// kiosk clock ahead cannot be told from it, one behind can.
			out.ClockWarning = skew < -ClockTolerance || out.ClockWentBack
		}
	}
	return out, nil
}

// Folder is a place a bundle can be exported to: a mounted removable drive
// or the Documents folder.
type Folder struct {
	Path      string `json:"path"`
	Label     string `json:"label"`
	Removable bool   `json:"removable"`
}

// Folders lists where a bundle may be written: every folder under the
// removable-media roots (/media/<user>, /run/media/<user>: one per mounted
// drive), then the Documents folder.
func (s *Service) Folders() []Folder {
	var out []Folder
	for _, root := range s.c.MediaRoots {
		entries, err := os.ReadDir(root)
		if err != nil {
			continue
		}
		for _, e := range entries {
			p := filepath.Join(root, e.Name())
			if fi, err := os.Stat(p); err == nil && fi.IsDir() {
				out = append(out, Folder{Path: p, Label: e.Name(), Removable: true})
			}
		}
	}
	if s.c.Documents != "" {
		out = append(out, Folder{Path: s.c.Documents, Label: filepath.Base(s.c.Documents)})
	}
	return out
}

// ExportToOfferedFolder is ExportToFolder for a folder Folders offers
// (the API takes no other: it must not write anywhere a caller names).
func (s *Service) ExportToOfferedFolder(ctx context.Context, folder string) (*Exported, error) {
	for _, f := range s.Folders() {
		if f.Path == folder {
			if !f.Removable {
				if err := os.MkdirAll(folder, 0o700); err != nil {
					return nil, fmt.Errorf("create %s: %w", folder, err)
				}
			}
			return s.ExportToFolder(ctx, folder)
		}
	}
	return nil, i18n.Wrap(fmt.Errorf("%w: %q", ErrNoSuchFolder, folder), msgNoSuchFolder)
}
