package kiosksync_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"id06desk/internal/audit"
	"id06desk/internal/i18n"
	"id06desk/internal/invite"
	"id06desk/internal/kiosksync"
	"id06desk/internal/order"
	"id06desk/internal/photo/phototest"
	"id06desk/internal/registration"
	"id06desk/internal/settings"
	"id06desk/internal/sqlite"
	"id06desk/internal/syncwire"
	"id06desk/internal/token"
)

const (
	consoleID = "console-1"
	kioskID   = "kiosk-7"
)

// console is the console's side, as the test plays it: its sync keys and
// its invitation-signing key ring.
type console struct {
	keys   *syncwire.ConsoleKeys
	tokens *token.KeyRing
	secret syncwire.Secret
}

type fixture struct {
	console console
	dir     string
	db      *sqlite.DB
	ring    *token.KeyRing // the kiosk's own ring, as internal/core builds it
	reg     *registration.Service
	sync    *kiosksync.Service
	mu      sync.Mutex
	now     time.Time
}

func (f *fixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fixture) advance(d time.Duration) {
	f.mu.Lock()
	f.now = f.now.Add(d)
	f.mu.Unlock()
}

func newConsole(t testing.TB) console {
	t.Helper()
	ck, err := syncwire.NewConsoleKeys()
	if err != nil {
		t.Fatal(err)
	}
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	secret, err := syncwire.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	return console{keys: ck, tokens: token.New(priv), secret: secret}
}

// newKiosk opens a kiosk's database and services, wired as internal/core
// wires them: a pairing adds the console's token keys to the kiosk's ring
// and makes the registration seal.
func newKiosk(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	f := &fixture{console: newConsole(t), dir: dir, now: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}
	db, err := sqlite.Open(ctx, filepath.Join(dir, "k.db"), sqlite.Options{Now: f.clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f.db = db
	if f.ring, err = token.LoadOrCreate(filepath.Join(dir, "keys")); err != nil {
		t.Fatal(err)
	}
	st := settings.NewService(db, dir)
	f.reg = registration.New(registration.Config{Store: db, Settings: st, Keys: f.ring, Now: f.clock})
	addKeys := func(keys []token.PublicKey) {
		for _, k := range keys {
			if err := f.ring.AddPublicKey(k); err != nil {
				t.Error(err)
			}
		}
	}
	f.sync, err = kiosksync.New(kiosksync.Config{Store: db, Dir: filepath.Join(dir, "sync"), Now: f.clock,
		OnPaired: func(s *kiosksync.Service) {
			keys, err := s.TokenKeys(ctx)
			if err != nil {
				t.Error(err)
			}
			addKeys(keys)
			f.reg.SetOffline(s, s)
		},
		OnTokenKeys: addKeys,
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) pairingFile(t testing.TB, kiosk string) []byte {
	t.Helper()
	cat, _ := json.Marshal(invite.Catalog{
		CardTypes:  []invite.CardType{{Code: "id06-rfid", NameSv: "ID06-kort", NameEn: "ID06 card", RFID: true, Active: true}, {Code: "guest", NameSv: "Gäst", NameEn: "Guest", Active: true}},
		Industries: []invite.Industry{{Code: "civil", NameSv: "Anläggning", NameEn: "Civil engineering", Active: true}},
	})
	// The console's shape of the company data (internal/consolesync).
	company := []byte(`{"name": "Bygg & Söner AB", "orgNumber": "556036-0793",
		"address": {"street": "Storgatan 1", "postalCode": "111 22", "city": "Stockholm"}}`)
	var buf bytes.Buffer
	err := syncwire.WritePairing(&buf, &syncwire.Pairing{
		ConsoleID: consoleID, ConsoleName: "Office", TokenKeys: syncwire.TokenKeysOf(f.console.tokens.PublicKeys()),
		Company: company, Catalogs: cat, Settings: map[string]string{"kiosk.idle_discard": "on", "smtp.password": "never"},
		KioskID: kiosk, KioskName: "Gate A", Site: "Hagastaden", Secret: f.console.secret, Created: f.clock(),
	}, f.console.keys)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func (f *fixture) join(t testing.TB) {
	t.Helper()
	if _, err := f.sync.Join(context.Background(), bytes.NewReader(f.pairingFile(t, kioskID))); err != nil {
		t.Fatal(err)
	}
}

// kioskRecipient is the kiosk's age recipient (the console learns it from
// the first bundle).
func (f *fixture) kioskRecipient(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(f.dir, "sync", kiosksync.KeysFile))
	if err != nil {
		t.Fatal(err)
	}
	k, err := syncwire.ParseKioskKeys(b)
	if err != nil {
		t.Fatal(err)
	}
	return k.Public().AgeRecipient
}

func (f *fixture) token(t testing.TB, id string, expires time.Time) string {
	t.Helper()
	tok, err := f.console.tokens.Sign(token.Claims{InvitationID: id, Company: "5560360793", CardType: "id06-rfid", Industry: "civil", ExpiresAt: expires})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func newID(t testing.TB) string {
	t.Helper()
	id, err := invite.NewID()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// pack writes a site pack from the console; mod changes it before writing.
func (f *fixture) pack(t testing.TB, seq uint64, recipient string, mod func(p *syncwire.SitePack)) []byte {
	t.Helper()
	p := &syncwire.SitePack{KioskID: recipient, Seq: seq, ConsoleTime: f.clock(),
		TokenKeys: syncwire.TokenKeysOf(f.console.tokens.PublicKeys())}
	if mod != nil {
		mod(p)
	}
	var buf bytes.Buffer
	h := syncwire.Header{Sender: consoleID, Recipient: recipient, Console: consoleID, Seq: seq, Created: f.clock()}
	if err := syncwire.WriteSitePack(&buf, h, p, f.kioskRecipient(t), f.console.keys); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func linkCode(err error) string {
	var le *registration.LinkError
	if errors.As(err, &le) {
		return le.Code
	}
	return ""
}

func TestJoinStoresThePairing(t *testing.T) {
	ctx := context.Background()
	f := newKiosk(t)
	if f.sync.Paired() {
		t.Fatal("paired before joining")
	}
	f.join(t)
	for _, name := range []string{kiosksync.KeysFile, kiosksync.PairingFile} {
		fi, err := os.Stat(filepath.Join(f.dir, "sync", name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", name, fi.Mode().Perm())
		}
	}
	st, err := f.sync.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Paired || st.KioskID != kioskID || st.KioskName != "Gate A" || st.Site != "Hagastaden" || st.ConsoleName != "Office" || !st.AwaitingFirstAck {
		t.Fatalf("status %+v", st)
	}
	cat, err := f.db.LoadCatalog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := cat.CardType("guest"); !ok || !c.Active {
		t.Errorf("catalog not applied: %+v", cat)
	}
	vals, err := f.db.LoadSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if vals["company.name"] != "Bygg & Söner AB" || vals["company.address.postal_code"] != "111 22" || vals["kiosk.idle_discard"] != "on" {
		t.Errorf("company data and kiosk settings not applied: %v", vals)
	}
	if _, ok := vals["smtp.password"]; ok {
		t.Error("a secret setting from the pairing file was stored")
	}
	// A second join is refused, with its sentence.
	_, err = f.sync.Join(ctx, bytes.NewReader(f.pairingFile(t, "kiosk-8")))
	var ie *i18n.Error
	if !errors.Is(err, kiosksync.ErrAlreadyPaired) || !errors.As(err, &ie) {
		t.Fatalf("second join: %v", err)
	}
	// A restarted kiosk is still paired.
	again, err := kiosksync.New(kiosksync.Config{Store: f.db, Dir: filepath.Join(f.dir, "sync")})
	if err != nil || !again.Paired() || again.Pairing().KioskID != kioskID {
		t.Fatalf("reloaded pairing: %v %+v", err, again.Pairing())
	}
}

func TestJoinRefusesADamagedFile(t *testing.T) {
	f := newKiosk(t)
	b := f.pairingFile(t, kioskID)
	b[len(b)/2] ^= 1
	if _, err := f.sync.Join(context.Background(), bytes.NewReader(b)); !errors.Is(err, syncwire.ErrTampered) {
		t.Fatalf("damaged pairing file: %v", err)
	}
	if f.sync.Paired() {
		t.Fatal("paired from a damaged file")
	}
}

func TestAdoptATokenOffline(t *testing.T) {
	ctx := context.Background()
	f := newKiosk(t)
	f.join(t)
	id := newID(t)
	tok := f.token(t, id, f.clock().Add(30*24*time.Hour))
	s, err := f.reg.Open(ctx, tok, true)
	if err != nil {
		t.Fatalf("QR token of the console: %v", err)
	}
	if s.Invitation.CardType.Code != "id06-rfid" || s.Invitation.CardType.NameEn != "ID06 card" || s.Invitation.Industry == nil ||
		s.Invitation.Industry.Code != "civil" || s.Invitation.Company != "Bygg & Söner AB" || s.Invitation.Email != "" {
		t.Fatalf("session of an adopted invitation: %+v", s.Invitation)
	}
	inv, _, err := f.db.GetInvitation(ctx, id)
	if err != nil || inv.Status != invite.StatusOpened {
		t.Fatalf("adopted invitation: %+v %v", inv, err)
	}

	// Signed by another key: not adopted.
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	stranger, _ := token.New(priv).Sign(token.Claims{InvitationID: newID(t), Company: "5560360793", CardType: "id06-rfid", ExpiresAt: f.clock().Add(time.Hour)})
	if _, err := f.reg.Open(ctx, stranger, true); linkCode(err) != registration.LinkInvalid {
		t.Fatalf("token of another key: %v", err)
	}
	// Expired: not adopted.
	old := newID(t)
	expired := f.token(t, old, f.clock().Add(-time.Hour))
	if _, err := f.reg.Open(ctx, expired, true); linkCode(err) == "" {
		t.Fatalf("expired token: %v", err)
	}
	if _, _, err := f.db.GetInvitation(ctx, old); !errors.Is(err, invite.ErrNotFound) {
		t.Fatalf("expired token adopted: %v", err)
	}

	// Revoked by a site pack: one adopted before, and one never seen.
	never := newID(t)
	if _, err := f.sync.ApplySitePack(ctx, bytes.NewReader(f.pack(t, 1, kioskID, func(p *syncwire.SitePack) {
		p.Revoked = []string{id, never}
	}))); err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.Open(ctx, tok, true); linkCode(err) != registration.LinkRevoked {
		t.Fatalf("adopted, then revoked: %v", err)
	}
	if _, err := f.reg.Open(ctx, f.token(t, never, f.clock().Add(time.Hour)), true); linkCode(err) != registration.LinkRevoked {
		t.Fatalf("revoked before the kiosk saw it: %v", err)
	}
}

func TestSitePack(t *testing.T) {
	ctx := context.Background()
	f := newKiosk(t)
	f.join(t)
	id := newID(t)
	tok := f.token(t, id, f.clock().Add(30*24*time.Hour))
	code := "K7M2Q9TX"
	applied, err := f.sync.ApplySitePack(ctx, bytes.NewReader(f.pack(t, 2, kioskID, func(p *syncwire.SitePack) {
		p.Invitations = []syncwire.Invitation{{ID: id, Code: code, Token: tok, ExpiresAt: f.clock().Add(30 * 24 * time.Hour), CardType: "id06-rfid", Industry: "civil", Language: "en"}}
		p.Settings = map[string]string{"kiosk.idle_discard": "off"}
	})))
	if err != nil {
		t.Fatal(err)
	}
	if applied.Seq != 2 || applied.Invitations != 1 {
		t.Fatalf("applied %+v", applied)
	}
	// The short code works offline.
	got, err := f.reg.Lookup(ctx, code)
	if err != nil || got != tok {
		t.Fatalf("code lookup: %q %v", got, err)
	}
	if s, err := f.reg.Open(ctx, got, true); err != nil || s.Invitation.Language != "en" {
		t.Fatalf("open by code: %+v %v", s, err)
	}
	vals, _ := f.db.LoadSettings(ctx)
	if vals["kiosk.idle_discard"] != "off" {
		t.Errorf("settings not applied: %v", vals)
	}

	// Older or the same: refused with its sentence, nothing changed.
	for _, seq := range []uint64{1, 2} {
		_, err := f.sync.ApplySitePack(ctx, bytes.NewReader(f.pack(t, seq, kioskID, func(p *syncwire.SitePack) { p.Revoked = []string{id} })))
		var ie *i18n.Error
		if !errors.Is(err, syncwire.ErrStale) || !errors.As(err, &ie) {
			t.Fatalf("stale pack %d: %v", seq, err)
		}
		if ie.Msg.In(i18n.EN) == "" || ie.Msg.In(i18n.SV) == ie.Msg.In(i18n.EN) {
			t.Errorf("stale pack's sentence: %q", ie.Msg.In(i18n.EN))
		}
	}
	if inv, _, _ := f.db.GetInvitation(ctx, id); inv.Status == invite.StatusRevoked {
		t.Fatal("a stale pack revoked an invitation")
	}
	// For another kiosk: refused.
	if _, err := f.sync.ApplySitePack(ctx, bytes.NewReader(f.pack(t, 9, "kiosk-8", nil))); !errors.Is(err, syncwire.ErrWrongRecipient) {
		t.Fatalf("pack for another kiosk: %v", err)
	}
	// Changed on the way: refused.
	b := f.pack(t, 9, kioskID, nil)
	b[len(b)-100] ^= 1
	if _, err := f.sync.ApplySitePack(ctx, bytes.NewReader(b)); !errors.Is(err, syncwire.ErrTampered) {
		t.Fatalf("damaged pack: %v", err)
	}
	st, _ := f.sync.Status(ctx)
	if st.SitePackSeq != 2 {
		t.Fatalf("a refused pack changed the applied one: %+v", st)
	}
	// Each refusal is in the kiosk's audit log with its code.
	page, err := f.db.ListAudit(ctx, audit.Query{Actions: []audit.Action{audit.SyncSitePackRefused}})
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, e := range page.Items {
		codes = append(codes, e.Subject+":"+e.Detail)
	}
	slices.Sort(codes)
	if want := []string{"1:sync.stale", "2:sync.stale", ":sync.tampered", ":sync.wrong_recipient"}; !slices.Equal(codes, want) {
		t.Fatalf("refusals in the audit log %v, want %v", codes, want)
	}
}

func TestStatusClockWarning(t *testing.T) {
	ctx := context.Background()
	f := newKiosk(t)
	f.join(t)
	b := f.pack(t, 1, kioskID, nil) // console time: now
	f.advance(2 * time.Minute)      // carried over: within the tolerance
	if _, err := f.sync.ApplySitePack(ctx, bytes.NewReader(b)); err != nil {
		t.Fatal(err)
	}
	f.advance(3 * time.Hour) // time passes on the kiosk: no warning for that
	st, _ := f.sync.Status(ctx)
	if st.ClockWarning || st.SitePackAgeSeconds != 3*3600 || st.ClockSkewSeconds != 120 {
		t.Fatalf("status %+v", st)
	}
	// A kiosk whose clock is 10 minutes behind the console's.
	f.advance(-10*time.Minute - 3*time.Hour - 2*time.Minute)
	if _, err := f.sync.ApplySitePack(ctx, bytes.NewReader(f.pack(t, 2, kioskID, func(p *syncwire.SitePack) {
		p.ConsoleTime = f.clock().Add(10 * time.Minute)
	}))); err != nil {
		t.Fatal(err)
	}
	st, _ = f.sync.Status(ctx)
	if !st.ClockWarning || st.ClockSkewSeconds != -600 {
		t.Fatalf("status of a kiosk 10 minutes behind: %+v", st)
	}
}

func (f *fixture) register(t *testing.T, tok string) {
	t.Helper()
	ctx := context.Background()
	if _, err := f.reg.SetMethod(ctx, tok, order.MethodManual, true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.SavePersonal(ctx, tok, registration.PersonalInput{FirstName: "Anna", LastName: "Berg",
		HasPersonnummer: true, Personnummer: "811218-9876", Phone: "070-123 45 67"}, true); err != nil {
		t.Fatal(err)
	}
	s, err := f.reg.UploadPhoto(ctx, tok, bytes.NewReader(phototest.Face(t)), true)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Photo.Usable() {
		t.Fatalf("sample photo not usable: %+v", s.Photo)
	}
	if _, err := f.reg.SaveDelivery(ctx, tok, registration.DeliveryInput{UseCompany: true}, true); err != nil {
		t.Fatal(err)
	}
}

// onDisk reports which runs are in the database file, its write-ahead log
// or its shared-memory index, read raw while the database is open.
func (f *fixture) onDisk(t *testing.T, runs map[string][]byte) []string {
	t.Helper()
	var hits []string
	for _, suffix := range []string{"", "-wal", "-shm"} {
		b, err := os.ReadFile(f.db.Path + suffix)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		for name, run := range runs {
			if bytes.Contains(b, run) {
				hits = append(hits, name+" in the database"+suffix)
			}
		}
	}
	return hits
}

// readBundle opens a bundle as the console does and returns its
// registrations and photos.
func (f *fixture) readBundle(t *testing.T, b []byte) (syncwire.Header, []syncwire.Registration, [][]byte) {
	t.Helper()
	var kioskKey ed25519.PublicKey
	env, err := syncwire.Open(bytes.NewReader(b), syncwire.OpenOptions{Kind: syncwire.KindBundle, Me: consoleID, Console: consoleID,
		Identity: f.console.keys, TempDir: t.TempDir(), SenderKey: func(h syncwire.Header) (ed25519.PublicKey, error) {
			if h.First {
				k, err := syncwire.KeyFromProof(h, f.console.secret)
				kioskKey = k
				return k, err
			}
			return kioskKey, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	br, err := syncwire.ReadBundle(env, f.console.keys)
	if err != nil {
		t.Fatal(err)
	}
	var regs []syncwire.Registration
	var photos [][]byte
	for {
		r, photo, err := br.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		p, err := io.ReadAll(photo)
		if err != nil {
			t.Fatal(err)
		}
		regs, photos = append(regs, r), append(photos, p)
	}
	return env.Header, regs, photos
}

func TestSealAtConfirmExportAndAcknowledge(t *testing.T) {
	ctx := context.Background()
	f := newKiosk(t)
	f.join(t)
	id := newID(t)
	tok := f.token(t, id, f.clock().Add(30*24*time.Hour))
	f.register(t, tok)
	card, err := f.reg.Photo(ctx, tok, false)
	if err != nil {
		t.Fatal(err)
	}
	runs := map[string][]byte{"personnummer": []byte("8112189876"), "card photo": card[len(card)/2 : len(card)/2+64]}
	if hits := f.onDisk(t, runs); len(hits) == 0 {
		t.Fatal("the draft is not on disk before Confirm: the check below could not fail")
	}

	rc, err := f.reg.Confirm(ctx, tok, true)
	if err != nil {
		t.Fatal(err)
	}
	if !rc.Sealed || rc.OrderID != "" {
		t.Fatalf("receipt %+v", rc)
	}
	if hits := f.onDisk(t, runs); len(hits) > 0 {
		t.Fatalf("after Confirm on a paired kiosk: %v", hits)
	}
	if _, err := f.db.OrderOf(ctx, id); !errors.Is(err, order.ErrNotFound) {
		t.Fatalf("an order was made on the kiosk: %v", err)
	}
	inv, _, _ := f.db.GetInvitation(ctx, id)
	if inv.Status != invite.StatusRegistered {
		t.Fatalf("invitation %s after sealing", inv.Status)
	}
	// The token used here is refused a second time.
	if _, err := f.reg.Open(ctx, tok, true); linkCode(err) != registration.LinkAlreadyRegistered {
		t.Fatalf("the same QR again: %v", err)
	}
	if _, err := f.reg.Confirm(ctx, tok, true); linkCode(err) != registration.LinkAlreadyRegistered {
		t.Fatalf("Confirm again: %v", err)
	}

	// Export: a bundle the console reads with its keys.
	var bundle bytes.Buffer
	ex, err := f.sync.ExportBundle(ctx, &bundle)
	if err != nil {
		t.Fatal(err)
	}
	if ex.Seq != 1 || ex.Count != 1 || !ex.First {
		t.Fatalf("exported %+v", ex)
	}
	h, regs, photos := f.readBundle(t, bundle.Bytes())
	if !h.First || h.Sender != kioskID || len(regs) != 1 {
		t.Fatalf("bundle header %+v, %d registrations", h, len(regs))
	}
	r := regs[0]
	if r.InvitationID != id || r.Token != tok || r.Personnummer != "198112189876" || r.FirstName != "Anna" || r.Seq != 1 ||
		r.KioskID != kioskID || !r.Delivery.UseCompany || r.Delivery.Address.Street != "Storgatan 1" || r.IdentityMethod != order.MethodManual {
		t.Fatalf("registration %+v", r)
	}
	if !bytes.Equal(photos[0], card) {
		t.Fatal("the bundle's photo is not the card photo")
	}
	st, _ := f.sync.Status(ctx)
	if st.Pending != 1 || st.LastExportSeq != 1 || st.LastExportCount != 1 || st.LastExportAt.IsZero() {
		t.Fatalf("status after export %+v", st)
	}
	// Exporting again (the stick was lost) carries it again, with the
	// next sequence number, still proving the pairing.
	bundle.Reset()
	if ex, err = f.sync.ExportBundle(ctx, &bundle); err != nil || ex.Seq != 2 || ex.Count != 1 || !ex.First {
		t.Fatalf("second export %+v %v", ex, err)
	}

	// The console acknowledges: the sealed row is deleted, the secret goes.
	sealed, err := f.db.SealedRegistration(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	runs = map[string][]byte{"sealed registration": sealed.Sealed[len(sealed.Sealed)/2 : len(sealed.Sealed)/2+64]}
	applied, err := f.sync.ApplySitePack(ctx, bytes.NewReader(f.pack(t, 1, kioskID, func(p *syncwire.SitePack) {
		p.Acks = syncwire.Acks{Bundles: []uint64{1}, Registrations: []uint64{1}}
	})))
	if err != nil {
		t.Fatal(err)
	}
	if applied.Forgotten != 1 {
		t.Fatalf("applied %+v", applied)
	}
	if hits := f.onDisk(t, runs); len(hits) > 0 {
		t.Fatalf("after the acknowledgement: %v", hits)
	}
	st, _ = f.sync.Status(ctx)
	if st.Pending != 0 || st.AwaitingFirstAck {
		t.Fatalf("status after the acknowledgement %+v", st)
	}
	pb, _ := os.ReadFile(filepath.Join(f.dir, "sync", kiosksync.PairingFile))
	if bytes.Contains(pb, []byte(`"secret"`)) {
		t.Fatal("the pairing secret is kept after the first bundle was acknowledged")
	}
	// The used token stays refused after its sealed copy is gone.
	if _, err := f.reg.Open(ctx, tok, true); linkCode(err) != registration.LinkAlreadyRegistered {
		t.Fatalf("the same QR after the acknowledgement: %v", err)
	}
	// The next bundle is not a first one.
	bundle.Reset()
	if ex, err = f.sync.ExportBundle(ctx, &bundle); err != nil || ex.First || ex.Count != 0 {
		t.Fatalf("export after the acknowledgement %+v %v", ex, err)
	}
}

func TestNotPaired(t *testing.T) {
	ctx := context.Background()
	f := newKiosk(t)
	var ie *i18n.Error
	if _, err := f.sync.ExportBundle(ctx, io.Discard); !errors.Is(err, kiosksync.ErrNotPaired) || !errors.As(err, &ie) {
		t.Fatalf("export unpaired: %v", err)
	}
	if _, err := f.sync.ApplySitePack(ctx, bytes.NewReader(nil)); !errors.Is(err, kiosksync.ErrNotPaired) {
		t.Fatalf("import unpaired: %v", err)
	}
	if st, err := f.sync.Status(ctx); err != nil || st.Paired {
		t.Fatalf("status unpaired: %+v %v", st, err)
	}
}
