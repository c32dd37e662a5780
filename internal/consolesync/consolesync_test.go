package consolesync_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"id06desk/internal/housekeeping"
	"id06desk/internal/invite"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"mime/quotedprintable"
	"os"
	"path/filepath"
	"testing"
	"time"

	"id06desk/internal/consolesync"
	"id06desk/internal/i18n"
	"id06desk/internal/invitations"
	"id06desk/internal/order"
	"id06desk/internal/pairing"
	"id06desk/internal/photo"
	"id06desk/internal/registration"
	"id06desk/internal/settings"
	"id06desk/internal/sqlite"
	"id06desk/internal/syncwire"
	"id06desk/internal/token"
)

type fixture struct {
	now   time.Time
	dir   string
	db    *sqlite.DB
	keys  *token.KeyRing
	inv   *invitations.Service
	reg   *registration.Service
	sync  *consolesync.Service
	cfg   consolesync.Config
	kiosk *syncwire.KioskKeys
	pair  *syncwire.Pairing
	seq   uint64 // the kiosk's last bundle
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{now: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC), dir: t.TempDir()}
	clock := func() time.Time { return f.now }
	db, err := sqlite.Open(ctx, filepath.Join(f.dir, "console.db"), sqlite.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f.db = db
	if f.keys, err = token.LoadOrCreate(filepath.Join(f.dir, "keys")); err != nil {
		t.Fatal(err)
	}
	st := settings.NewService(db, f.dir)
	if err := st.Set(ctx, "test", map[string]string{
		"company.name": "Bygg AB", "company.org_number": "556036-0793", "smtp.from": "id06@bygg.se",
		"company.notify_email": "admin@bygg.se", "company.address.street": "Storgatan 1",
		"company.address.postal_code": "111 22", "company.address.city": "Stockholm",
	}); err != nil {
		t.Fatal(err)
	}
	f.inv = invitations.New(invitations.Config{Store: db, Settings: st, Keys: f.keys, Now: clock})
	f.reg = registration.New(registration.Config{Store: db, Settings: st, Keys: f.keys, Now: clock})
	f.cfg = consolesync.Config{Store: db, Settings: st.Load, Keys: f.keys, Orders: f.reg,
		KeyDir: filepath.Join(f.dir, "sync"), TempDir: f.dir, Now: clock, MaxBundleBytes: 8 << 20}
	f.sync = consolesync.New(f.cfg)
	return f
}

// pairKiosk pairs a kiosk and joins it as the kiosk would (its keys).
func (f *fixture) pairKiosk(t testing.TB, name string) {
	t.Helper()
	p, err := f.sync.Pair(context.Background(), name, "Kvarteret Hästen", "")
	if err != nil {
		t.Fatal(err)
	}
	if f.pair, err = syncwire.OpenPairing(bytes.NewReader(p.File), f.dir); err != nil {
		t.Fatal(err)
	}
	qp, _, err := syncwire.ParsePairingQR(p.QR)
	if err != nil || qp.KioskID != f.pair.KioskID {
		t.Fatalf("QR: %v", err)
	}
	if f.kiosk, err = syncwire.NewKioskKeys(); err != nil {
		t.Fatal(err)
	}
	f.seq = 0
}

// invite creates and queues an invitation; returns its id and token.
func (f *fixture) invite(t *testing.T, email string) (string, string) {
	t.Helper()
	ctx := context.Background()
	created, err := f.inv.Create(ctx, "admin", []invitations.Row{{Email: email, CardType: "id06-rfid", Industry: "civil"}}, true)
	if err != nil {
		t.Fatal(err)
	}
	d, err := f.inv.Get(ctx, created[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	return created[0].ID, d.Invitation.Token
}

func cardPhoto(t testing.TB) []byte {
	t.Helper()
	return cardPhotoTinted(t, 120)
}

// bombPhoto is a small JPEG whose header says 30000×30000 pixels.
func bombPhoto(t *testing.T) []byte {
	t.Helper()
	b := cardPhoto(t)
	i := bytes.Index(b, []byte{0xff, 0xc0})
	if i < 0 {
		t.Fatal("no SOF0")
	}
	b[i+5], b[i+6], b[i+7], b[i+8] = 30000>>8, 30000&0xff, 30000>>8, 30000&0xff
	return b
}

var regN int

func (f *fixture) registration(seq uint64, invID, tok string) syncwire.Registration {
	regN++
	return syncwire.Registration{
		ID: fmt.Sprintf("0b7e4a52-1c2d-4e5f-8a9b-%012d", regN), KioskID: f.pair.KioskID, Seq: seq,
		Token: tok, InvitationID: invID, RegisteredAt: f.now.Add(-time.Hour),
		FirstName: "Åsa", LastName: "Öberg", Personnummer: "199001011239", Phone: "+46701234567", Language: "sv",
		Delivery: syncwire.Delivery{UseCompany: true}, IdentityMethod: "manual",
	}
}

// bundle writes the kiosk's next bundle (the first one proves the
// pairing) with these registrations.
func (f *fixture) bundle(t testing.TB, regs []syncwire.Registration, photos [][]byte) []byte {
	t.Helper()
	f.seq++
	return f.bundleAs(t, f.seq, f.pair.ConsoleID, f.pair.ConsoleKeys.AgeRecipient, regs, photos)
}

func (f *fixture) bundleAs(t testing.TB, seq uint64, consoleID, to string, regs []syncwire.Registration, photos [][]byte) []byte {
	t.Helper()
	h := syncwire.Header{Sender: f.pair.KioskID, Recipient: consoleID, Console: consoleID, Seq: seq, Created: f.now}
	if seq == 1 {
		h = syncwire.FirstBundleHeader(h, f.pair.Secret, f.kiosk)
	}
	var out bytes.Buffer
	ew, err := syncwire.NewWriter(&out, syncwire.KindBundle, h, to, f.kiosk)
	if err != nil {
		t.Fatal(err)
	}
	bw, err := syncwire.NewBundleWriter(ew, syncwire.Manifest{KioskID: f.pair.KioskID, Seq: seq, Count: len(regs), Created: f.now})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range regs {
		var sealed bytes.Buffer
		if err := syncwire.Seal(&sealed, r, bytes.NewReader(photos[i]), int64(len(photos[i])), to); err != nil {
			t.Fatal(err)
		}
		if err := bw.AddSealed(r.Seq, bytes.NewReader(sealed.Bytes()), int64(sealed.Len())); err != nil {
			t.Fatal(err)
		}
	}
	if err := bw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ew.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// state is what an import may change, to show that a refusal changed
// nothing.
type state struct{ orders, mails, received, conflicts, bundles int }

func (f *fixture) state(t *testing.T) state {
	t.Helper()
	var s state
	r := f.db.Reader()
	for q, p := range map[string]*int{
		`SELECT count(*) FROM orders`: &s.orders, `SELECT count(*) FROM outbox WHERE kind IN ('order_ready', 'registration_receipt')`: &s.mails,
		`SELECT count(*) FROM sync_registrations`: &s.received, `SELECT count(*) FROM sync_conflicts`: &s.conflicts,
		`SELECT count(*) FROM sync_bundles`: &s.bundles,
	} {
		if err := r.QueryRow(q).Scan(p); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func (f *fixture) refusals(t *testing.T) []pairing.Refusal {
	t.Helper()
	rs, err := f.sync.Refusals(context.Background(), "", 100)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func (f *fixture) auditCount(t *testing.T, action string) int {
	t.Helper()
	var n int
	if err := f.db.Reader().QueryRow(`SELECT count(*) FROM audit_log WHERE action = ?`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPairListRevoke(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.pairKiosk(t, "Entrén")
	if f.pair.KioskName != "Entrén" || f.pair.Site != "Kvarteret Hästen" || len(f.pair.TokenKeys) == 0 || f.pair.Company == nil || f.pair.Settings["company.name"] != "Bygg AB" {
		t.Fatalf("pairing %+v", f.pair)
	}
	info, err := os.Stat(filepath.Join(f.dir, "sync", consolesync.KeysFile))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("console keys: %v %v", info, err)
	}
	if _, err := f.sync.Pair(ctx, "Entrén", "", ""); !errors.Is(err, consolesync.ErrNameTaken) {
		t.Fatalf("same name: %v", err)
	}
	if _, err := f.sync.Pair(ctx, " ", "", ""); !errors.Is(err, consolesync.ErrName) {
		t.Fatalf("empty name: %v", err)
	}
	ks, err := f.sync.List(ctx)
	if err != nil || len(ks) != 1 || ks[0].Name != "Entrén" || ks[0].Revoked() || ks[0].Secret == nil {
		t.Fatalf("list %+v %v", ks, err)
	}
	if _, err := f.sync.Revoke(ctx, "Entrén"); err != nil {
		t.Fatal(err)
	}
	ks, _ = f.sync.List(ctx)
	if !ks[0].Revoked() || ks[0].Secret != nil {
		t.Fatalf("after revoke %+v", ks[0])
	}
	if _, err := f.sync.Revoke(ctx, "Nowhere"); !errors.Is(err, consolesync.ErrNotPaired) {
		t.Fatalf("unknown: %v", err)
	}
	// The name is free again for a new pairing.
	if _, err := f.sync.Pair(ctx, "Entrén", "", ""); err != nil {
		t.Fatal(err)
	}
	if n := f.auditCount(t, "sync.kiosk_paired"); n != 2 {
		t.Fatalf("%d paired audit lines", n)
	}
}

func TestImportExactlyOnceAndSitePack(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.pairKiosk(t, "Entrén")
	if _, err := f.sync.SitePack(ctx, "Entrén"); !errors.Is(err, consolesync.ErrNoKeysYet) {
		t.Fatalf("site pack before the first bundle: %v", err)
	}
	id1, tok1 := f.invite(t, "a@example.se")
	id2, tok2 := f.invite(t, "b@example.se")
	regs := []syncwire.Registration{f.registration(1, id1, tok1), f.registration(2, id2, tok2)}
	ph := cardPhoto(t)
	data := f.bundle(t, regs, [][]byte{ph, ph})

	res, err := f.sync.Import(ctx, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if res.Applied != 2 || res.Already != 0 || res.Conflicts != 0 || res.Refused != 0 || res.KioskName != "Entrén" {
		t.Fatalf("result %+v", res)
	}
	st := f.state(t)
	if st.orders != 2 || st.mails != 4 || st.received != 2 {
		t.Fatalf("state %+v", st)
	}
	o, err := f.db.OrderOf(ctx, id1)
	if err != nil || o.Status != order.StatusReady || o.RegisteredWhere != order.WhereKiosk || o.RegisteredKiosk != "Entrén" || o.ID != regs[0].ID ||
		!o.RegisteredAt.Equal(regs[0].RegisteredAt) || o.Delivery.Address.Street != "Storgatan 1" {
		t.Fatalf("order %+v %v", o, err)
	}
	// The admin's mail says which kiosk it came from.
	var body []byte
	if err := f.db.Reader().QueryRow(`SELECT body FROM outbox WHERE kind = 'order_ready' LIMIT 1`).Scan(&body); err != nil {
		t.Fatal(err)
	}
	// Both parts are quoted-printable: read the whole message through it.
	if text, _ := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(body))); !bytes.Contains(text, []byte("registreringskiosken Entrén")) &&
		!bytes.Contains(text, []byte("registration kiosk Entrén")) {
		t.Fatalf("the ready mail does not name the kiosk:\n%s", text)
	}
	if n := f.auditCount(t, "sync.registration_imported"); n != 2 {
		t.Fatalf("%d imported audit lines", n)
	}

	// The same file again: refused as seen before, nothing new.
	if _, err := f.sync.Import(ctx, bytes.NewReader(data)); !errors.Is(err, consolesync.ErrReplayed) {
		t.Fatalf("second import: %v", err)
	}
	if got := f.state(t); got != st {
		t.Fatalf("state after the replay %+v, want %+v", got, st)
	}
	// The kiosk's next bundle still holds them (not yet acknowledged):
	// already had, nothing new.
	res, err = f.sync.Import(ctx, bytes.NewReader(f.bundle(t, regs, [][]byte{ph, ph})))
	if err != nil || res.Applied != 0 || res.Already != 2 {
		t.Fatalf("bundle 2: %+v %v", res, err)
	}
	if got := f.state(t); got.orders != 2 || got.mails != 4 || got.received != 2 {
		t.Fatalf("state after bundle 2 %+v", got)
	}

	// The site pack: encrypted to the kiosk, acknowledging both.
	id3, _ := f.invite(t, "c@example.se")
	if err := f.inv.Revoke(ctx, "admin", id3); err != nil {
		t.Fatal(err)
	}
	id4, _ := f.invite(t, "d@example.se")
	sp, err := f.sync.SitePack(ctx, "Entrén")
	if err != nil {
		t.Fatal(err)
	}
	cpub := f.pair.ConsoleKeys.SignPub
	env, err := syncwire.Open(bytes.NewReader(sp.File), syncwire.OpenOptions{Kind: syncwire.KindSitePack, Me: f.pair.KioskID,
		Console: f.pair.ConsoleID, Identity: f.kiosk, TempDir: f.dir,
		SenderKey: func(syncwire.Header) (ed25519.PublicKey, error) { return cpub, nil }})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	p, err := syncwire.ReadSitePack(env)
	if err != nil {
		t.Fatal(err)
	}
	if p.Seq != 1 || len(p.Invitations) != 1 || p.Invitations[0].ID != id4 || len(p.Revoked) != 1 || p.Revoked[0] != id3 ||
		fmt.Sprint(p.Acks.Registrations) != "[1 2]" || fmt.Sprint(p.Acks.Bundles) != "[1 2]" || len(p.TokenKeys) == 0 || !p.ConsoleTime.Equal(f.now) {
		t.Fatalf("site pack %+v", p)
	}
	if sp2, err := f.sync.SitePack(ctx, "Entrén"); err != nil || sp2.Seq != 2 {
		t.Fatalf("next pack: %v", err)
	}
}

func TestConflictWebThenKiosk(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.pairKiosk(t, "Entrén")
	id, tok := f.invite(t, "a@example.se")
	inv, _, err := f.db.GetInvitation(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	// Registered on the web first (the same code as a web Confirm).
	web, err := f.reg.CreateOrder(ctx, nil, registration.OrderInput{Invitation: inv, Method: order.MethodManual,
		Personal: registration.Personal{FirstName: "Web", LastName: "Person", Personnummer: "199001011239", Phone: "+46701234567"},
		Delivery: order.Delivery{UseCompany: true}, Card: cardPhoto(t), RegisteredAt: f.now, Where: order.WhereWeb})
	if err != nil {
		t.Fatal(err)
	}
	before := f.state(t)
	res, err := f.sync.Import(ctx, bytes.NewReader(f.bundle(t, []syncwire.Registration{f.registration(1, id, tok)}, [][]byte{cardPhoto(t)})))
	if err != nil || res.Conflicts != 1 || res.Applied != 0 {
		t.Fatalf("import %+v %v", res, err)
	}
	after := f.state(t)
	if after.orders != before.orders || after.mails != before.mails || after.conflicts != 1 {
		t.Fatalf("state %+v", after)
	}
	cs, err := f.sync.Conflicts(ctx, true)
	if err != nil || len(cs) != 1 || cs[0].ExistingOrderID != web.ID || cs[0].KioskName != "Entrén" {
		t.Fatalf("conflicts %+v %v", cs, err)
	}
	ks, _ := f.sync.List(ctx)
	if ks[0].PendingConflicts != 1 || ks[0].Received != 1 {
		t.Fatalf("kiosk %+v", ks[0])
	}
	// Keep the kiosk's: the order now holds the kiosk's registration.
	if err := f.sync.Resolve(ctx, cs[0].ID, pairing.KeepKiosk); err != nil {
		t.Fatal(err)
	}
	o, err := f.db.GetOrder(ctx, web.ID)
	// ... and says where and when that was: at the kiosk, by its name.
	if err != nil || o.FirstName != "Åsa" || o.Delivery.Address.Street != "Storgatan 1" ||
		o.RegisteredWhere != order.WhereKiosk || o.RegisteredKiosk != ks[0].Name || o.RegisteredKiosk == "" {
		t.Fatalf("order after keeping the kiosk's: %+v %v", o, err)
	}
	var held int
	if err := f.db.Reader().QueryRow(`SELECT count(*) FROM sync_conflicts WHERE data IS NOT NULL OR photo IS NOT NULL`).Scan(&held); err != nil || held != 0 {
		t.Fatalf("conflict data kept: %d %v", held, err)
	}
	if err := f.sync.Resolve(ctx, cs[0].ID, pairing.KeepExisting); !errors.Is(err, consolesync.ErrConflictGone) {
		t.Fatalf("resolved twice: %v", err)
	}
}

// TestBadInput: each bad input of issue 13 is refused with a sentence in
// Swedish and English, changes nothing else, and is visible in both places:
// the refusals Kiosks & sync lists (Service.Refusals) and the audit log (by
// its code). A file refused whole changes nothing; a registration refused in
// a bundle that was read is recorded as received (so the kiosk's next pack
// acknowledges it) and makes no order, mail or conflict.
func TestBadInput(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.pairKiosk(t, "Entrén")
	id, tok := f.invite(t, "a@example.se")
	ph := cardPhoto(t)
	good := f.bundle(t, []syncwire.Registration{f.registration(1, id, tok)}, [][]byte{ph})

	other, err := syncwire.NewConsoleKeys()
	if err != nil {
		t.Fatal(err)
	}
	flipped := bytes.Clone(good)
	flipped[len(flipped)/2] ^= 0x01
	// An unpaired kiosk: paired with another console (g), its bundle
	// addressed to g, then to f's console, which never paired it.
	g := newFixture(t)
	g.pairKiosk(t, "Kiosk")
	unpaired := g.bundle(t, []syncwire.Registration{g.registration(1, id, tok)}, [][]byte{ph})
	g.pair.ConsoleID, g.pair.ConsoleKeys, g.seq = f.pair.ConsoleID, f.pair.ConsoleKeys, 0
	unpairedHere := g.bundle(t, []syncwire.Registration{g.registration(1, id, tok)}, [][]byte{ph})

	// A registration whose invitation was revoked before it was registered,
	// and one whose photo is a decompression bomb.
	var refusedReg syncwire.Registration
	revokedBefore := func(t *testing.T) []byte {
		id2, tok2 := f.invite(t, "b@example.se")
		refusedReg = f.registration(0, id2, tok2)
		if err := f.inv.Revoke(ctx, "admin", id2); err != nil {
			t.Fatal(err)
		}
		f.now = f.now.Add(2 * time.Hour) // registered after the revocation
		refusedReg.RegisteredAt = f.now.Add(-time.Minute)
		refusedReg.Seq = f.seq + 1
		return f.bundle(t, []syncwire.Registration{refusedReg}, [][]byte{ph})
	}
	bomb := func(t *testing.T) []byte {
		id3, tok3 := f.invite(t, "c@example.se")
		refusedReg = f.registration(f.seq+1, id3, tok3)
		return f.bundle(t, []syncwire.Registration{refusedReg}, [][]byte{bombPhoto(t)})
	}

	cases := []struct {
		name  string
		setup func(t *testing.T)
		data  func(t *testing.T) []byte
		want  error  // a file refused whole; nil: one registration refused
		code  string // the refusal's code
		kiosk string // the kiosk the refusal names ("": not known)
	}{
		{name: "flipped byte", data: func(*testing.T) []byte { return flipped }, want: syncwire.ErrTampered, code: "sync.tampered"},
		{name: "truncated", data: func(*testing.T) []byte { return good[:len(good)-100] }, want: syncwire.ErrTruncated, code: "sync.truncated"},
		{name: "empty", data: func(*testing.T) []byte { return nil }, want: syncwire.ErrEmpty, code: "sync.empty"},
		{name: "over the size limit", data: func(*testing.T) []byte { return append(bytes.Clone(good), make([]byte, 8<<20)...) },
			want: syncwire.ErrTooLarge, code: "sync.too_large"},
		{name: "another console", data: func(t *testing.T) []byte {
			return f.bundleAs(t, 1, "console-other", other.Public().AgeRecipient, []syncwire.Registration{f.registration(1, id, tok)}, [][]byte{ph})
		}, want: syncwire.ErrWrongRecipient, code: "sync.wrong_recipient"},
		{name: "unpaired kiosk, for its own console", data: func(*testing.T) []byte { return unpaired },
			want: syncwire.ErrWrongRecipient, code: "sync.wrong_recipient"},
		{name: "unpaired kiosk, for this console", data: func(*testing.T) []byte { return unpairedHere },
			want: syncwire.ErrUnknownSender, code: "sync.unknown_sender"},
		{name: "replayed", setup: func(t *testing.T) {
			if res, err := f.sync.Import(ctx, bytes.NewReader(good)); err != nil || res.Applied != 1 {
				t.Fatalf("the good bundle: %+v %v", res, err)
			}
		}, data: func(*testing.T) []byte { return good }, want: consolesync.ErrReplayed, code: "sync.replayed", kiosk: "Entrén"},
		{name: "invitation revoked before registration", data: revokedBefore, code: "sync.reg.revoked_before", kiosk: "Entrén"},
		{name: "decompression bomb photo", data: bomb, code: "sync.reg.photo", kiosk: "Entrén"},
		// Last: the kiosk stays revoked.
		{name: "revoked kiosk", setup: func(t *testing.T) {
			if _, err := f.sync.Revoke(ctx, "Entrén"); err != nil {
				t.Fatal(err)
			}
		}, data: func(t *testing.T) []byte { return f.bundle(t, nil, nil) }, want: consolesync.ErrRevoked, code: "sync.kiosk_revoked", kiosk: "Entrén"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.setup != nil {
				c.setup(t)
			}
			data := c.data(t)
			action := "sync.file_refused"
			if c.want == nil {
				action = "sync.registration_refused"
			}
			before, nref, naudit := f.state(t), len(f.refusals(t)), f.auditCount(t, action)
			res, err := f.sync.Import(ctx, bytes.NewReader(data))
			var sv, en string
			if c.want != nil {
				wantRefusal(t, err, c.want)
				var ie *i18n.Error
				errors.As(err, &ie)
				sv, en = ie.Msg.In(i18n.SV), ie.Msg.In(i18n.EN)
				if got := f.state(t); got != before {
					t.Fatalf("state %+v, want %+v", got, before)
				}
			} else {
				if err != nil || res.Refused != 1 || res.Applied != 0 || len(res.Refusals) != 1 || res.Refusals[0].Msg.Code() != c.code {
					t.Fatalf("import %+v %v", res, err)
				}
				sv, en = res.Refusals[0].Msg.In(i18n.SV), res.Refusals[0].Msg.In(i18n.EN)
				want := before
				want.received++
				want.bundles++
				if got := f.state(t); got != want {
					t.Fatalf("state %+v, want %+v (no order, mail or conflict)", got, want)
				}
				if _, err := f.db.OrderOf(ctx, refusedReg.InvitationID); !errors.Is(err, order.ErrNotFound) {
					t.Fatalf("order of the refused registration: %v", err)
				}
			}
			// On Kiosks & sync: the newest refusal, with both sentences.
			rs := f.refusals(t)
			if len(rs) != nref+1 {
				t.Fatalf("%d refusals, want %d", len(rs), nref+1)
			}
			r := rs[0]
			if r.Code != c.code || r.SV != sv || r.EN != en || r.SV == "" || r.EN == "" || r.SV == r.EN || !r.At.Equal(f.now) {
				t.Fatalf("refusal %+v, want %s with its sentences %q / %q", r, c.code, sv, en)
			}
			if c.kiosk != "" && r.KioskName != c.kiosk {
				t.Fatalf("refusal names kiosk %q, want %q", r.KioskName, c.kiosk)
			}
			if c.want == nil && r.RegistrationID != refusedReg.ID {
				t.Fatalf("refusal of registration %q, want %q", r.RegistrationID, refusedReg.ID)
			}
			// In the audit log: one line more, naming the refusal's code.
			if n := f.auditCount(t, action); n != naudit+1 {
				t.Fatalf("%d %s audit lines, want %d", n, action, naudit+1)
			}
			var detail string
			if err := f.db.Reader().QueryRow(`SELECT detail FROM audit_log WHERE action = ? ORDER BY id DESC LIMIT 1`, action).Scan(&detail); err != nil || detail != c.code {
				t.Fatalf("audit line %q %v, want %s", detail, err, c.code)
			}
		})
	}
}

func wantRefusal(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error %v, want %v", err, target)
	}
	var ie *i18n.Error
	if !errors.As(err, &ie) || ie.Msg.In(i18n.SV) == "" || ie.Msg.In(i18n.EN) == "" {
		t.Fatalf("error %v carries no sentence", err)
	}
}

var _ = io.EOF

// A kiosk registered the person the day before the invitation expired; its
// bundle reaches the console a week later, after housekeeping marked the
// invitation expired. The registration was valid when it was made, so it
// becomes an order (it was refused as "not open").
func TestRegistrationMadeBeforeExpiryArrivesAfterIt(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.pairKiosk(t, "Entrén")
	id, tok := f.invite(t, "late@example.se")
	inv, _, err := f.db.GetInvitation(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	reg := f.registration(1, id, tok)
	reg.RegisteredAt = inv.ExpiresAt.Add(-24 * time.Hour)
	f.now = inv.ExpiresAt.Add(7 * 24 * time.Hour)
	if _, err := housekeeping.Sweep(ctx, f.db, f.now, f.now.Add(-30*24*time.Hour), f.now.Add(-90*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if inv, _, _ := f.db.GetInvitation(ctx, id); inv.Status != invite.StatusExpired {
		t.Fatalf("status %s, want expired before the import", inv.Status)
	}
	res, err := f.sync.Import(ctx, bytes.NewReader(f.bundle(t, []syncwire.Registration{reg}, [][]byte{cardPhoto(t)})))
	if err != nil || res.Applied != 1 || res.Refused != 0 {
		t.Fatalf("import %+v %v", res, err)
	}
	if o, err := f.db.OrderOf(ctx, id); err != nil || o.Status != order.StatusReady {
		t.Fatalf("order %+v %v", o, err)
	}
	// One made after the expiry is still refused.
	id2, tok2 := f.invite(t, "later@example.se")
	inv2, _, _ := f.db.GetInvitation(ctx, id2)
	f.now = inv2.ExpiresAt.Add(2 * time.Hour)
	reg2 := f.registration(2, id2, tok2)
	reg2.RegisteredAt = inv2.ExpiresAt.Add(time.Hour)
	res, err = f.sync.Import(ctx, bytes.NewReader(f.bundle(t, []syncwire.Registration{reg2}, [][]byte{cardPhoto(t)})))
	if err != nil || res.Applied != 0 || res.Refused != 1 {
		t.Fatalf("import after the expiry %+v %v", res, err)
	}
}

// A photo whose header passes (a JPEG of a fine size) but whose image data
// does not decode is that registration's refusal, like any unusable photo:
// the registrations after it in the bundle are applied. Each applied order
// has its own photo's thumbnail (made ahead of the database work).
func TestUndecodablePhotoRefusesOnlyItsRegistration(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.pairKiosk(t, "Entrén")
	id1, tok1 := f.invite(t, "a@example.se")
	id2, tok2 := f.invite(t, "b@example.se")
	id3, tok3 := f.invite(t, "c@example.se")
	good := cardPhoto(t)
	broken := good[:len(good)/2] // the scan ends half way
	if _, err := jpeg.DecodeConfig(bytes.NewReader(broken)); err != nil {
		t.Fatalf("the broken photo's header must pass: %v", err)
	}
	other := cardPhotoTinted(t, 30)
	regs := []syncwire.Registration{f.registration(1, id1, tok1), f.registration(2, id2, tok2), f.registration(3, id3, tok3)}
	res, err := f.sync.Import(ctx, bytes.NewReader(f.bundle(t, regs, [][]byte{good, broken, other})))
	if err != nil || res.Applied != 2 || res.Refused != 1 || len(res.Refusals) != 1 {
		t.Fatalf("import %+v %v", res, err)
	}
	if r := res.Refusals[0]; r.Seq != 2 || r.Msg.Code() != "sync.reg.photo" {
		t.Fatalf("refusal %+v", r)
	}
	if _, err := f.db.OrderOf(ctx, id2); !errors.Is(err, order.ErrNotFound) {
		t.Fatalf("order of the refused registration: %v", err)
	}
	for id, card := range map[string][]byte{id1: good, id3: other} {
		o, err := f.db.OrderOf(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		want, err := photo.Thumbnail(card, registration.ThumbWidth)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(o.Photo, card) || !bytes.Equal(o.Thumb, want) {
			t.Errorf("order of %s: photo %d bytes, thumbnail %d bytes: not its own photo's (%d, %d)", id, len(o.Photo), len(o.Thumb), len(card), len(want))
		}
	}
}

// cardPhotoTinted is cardPhoto with another blue.
func cardPhotoTinted(t testing.TB, blue uint8) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 350, 450))
	for y := range 450 {
		for x := range 350 {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), blue, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
