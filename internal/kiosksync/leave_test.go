package kiosksync_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"id06desk/internal/i18n"
	"id06desk/internal/invite"
	"id06desk/internal/kiosksync"
	"id06desk/internal/syncwire"
)

func (f *fixture) auditCount(t *testing.T, action string) int {
	t.Helper()
	var n int
	if err := f.db.Reader().QueryRow(`SELECT count(*) FROM audit_log WHERE action = ?`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// sealOne registers and confirms one invitation at the kiosk: one sealed
// registration waits for the console.
func (f *fixture) sealOne(t *testing.T) {
	t.Helper()
	tok := f.token(t, newID(t), f.clock().Add(30*24*time.Hour))
	f.register(t, tok)
	if rc, err := f.reg.Confirm(context.Background(), tok, true); err != nil || !rc.Sealed {
		t.Fatalf("confirm: %+v %v", rc, err)
	}
}

func TestLeaveRefusesUnacknowledgedRegistrationsUnlessForced(t *testing.T) {
	ctx := context.Background()
	f := newKiosk(t)
	f.join(t)
	f.sealOne(t)
	f.sealOne(t)
	sealed, err := f.db.SealedRegistration(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	run := map[string][]byte{"sealed registration": sealed.Sealed[len(sealed.Sealed)/2 : len(sealed.Sealed)/2+64]}
	if len(f.onDisk(t, run)) == 0 {
		t.Fatal("the sealed registration is not on disk: the check below could not fail")
	}

	// Exported but not acknowledged still counts: the console may never
	// have imported the stick.
	var bundle bytes.Buffer
	if _, err := f.sync.ExportBundle(ctx, &bundle); err != nil {
		t.Fatal(err)
	}
	_, err = f.sync.Leave(ctx, false)
	var ie *i18n.Error
	if !errors.Is(err, kiosksync.ErrPending) || !errors.As(err, &ie) {
		t.Fatalf("leave with 2 pending: %v", err)
	}
	for _, lang := range []i18n.Lang{i18n.SV, i18n.EN} {
		if msg := ie.Msg.In(lang); !strings.Contains(msg, "2 ") {
			t.Fatalf("the refusal does not say how many (%s): %q", lang, msg)
		}
	}
	if st, _ := f.sync.Status(ctx); !st.Paired || st.Pending != 2 {
		t.Fatalf("a refused leave changed the kiosk: %+v", st)
	}
	if _, err := os.Stat(filepath.Join(f.dir, "sync", kiosksync.KeysFile)); err != nil {
		t.Fatalf("a refused leave removed the keys: %v", err)
	}

	left, err := f.sync.Leave(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	if left.Deleted != 2 || left.KioskID != kioskID {
		t.Fatalf("left %+v", left)
	}
	if st, err := f.sync.Status(ctx); err != nil || st.Paired {
		t.Fatalf("status after leave: %+v %v", st, err)
	}
	for _, name := range []string{kiosksync.PairingFile, kiosksync.KeysFile} {
		if _, err := os.Stat(filepath.Join(f.dir, "sync", name)); !os.IsNotExist(err) {
			t.Fatalf("%s after leave: %v", name, err)
		}
	}
	if _, err := f.db.KioskSyncState(ctx); err == nil {
		t.Fatal("the sync row is left after leave")
	}
	if hits := f.onDisk(t, run); len(hits) > 0 {
		t.Fatalf("after leave: %v", hits)
	}
	if n := f.auditCount(t, "sync.kiosk_left"); n != 1 {
		t.Fatalf("%d sync.kiosk_left entries", n)
	}
	if _, err := f.sync.Leave(ctx, true); !errors.Is(err, kiosksync.ErrNotPaired) {
		t.Fatalf("leave twice: %v", err)
	}

	// A new pairing file (the console paired it again: a new kiosk id)
	// joins; its first bundle is empty and proves the new pairing.
	j, err := f.sync.Join(ctx, bytes.NewReader(f.pairingFile(t, "kiosk-8")))
	if err != nil {
		t.Fatalf("join again after leave: %v", err)
	}
	if j.KioskID != "kiosk-8" {
		t.Fatalf("joined %+v", j)
	}
	bundle.Reset()
	ex, err := f.sync.ExportBundle(ctx, &bundle)
	if err != nil || ex.Count != 0 || !ex.First {
		t.Fatalf("first bundle of the new pairing %+v %v", ex, err)
	}
}

func TestLeaveWithNothingPendingNeedsNoForce(t *testing.T) {
	ctx := context.Background()
	f := newKiosk(t)
	f.join(t)
	if _, err := f.sync.Leave(ctx, false); err != nil {
		t.Fatal(err)
	}
	if f.sync.Paired() {
		t.Fatal("still paired")
	}
}

// pairingQR is the console's pairing QR text for kiosk (whole, or only the
// essentials).
func (f *fixture) pairingQR(t *testing.T, kiosk string, large bool) string {
	t.Helper()
	p := &syncwire.Pairing{ConsoleID: consoleID, ConsoleName: "Office", ConsoleKeys: f.console.keys.Public(),
		TokenKeys: syncwire.TokenKeysOf(f.console.tokens.PublicKeys()),
		KioskID:   kiosk, KioskName: "Gate A", Site: "Hagastaden", Secret: f.console.secret, Created: f.clock()}
	cat := invite.Catalog{CardTypes: []invite.CardType{{Code: "id06-rfid", NameSv: "ID06-kort", NameEn: "ID06 card", Active: true}}}
	if large {
		// Names gzip cannot shrink: the whole pairing is too long for
		// one QR code, the essentials are not.
		for range 40 {
			cat.Industries = append(cat.Industries, invite.Industry{Code: newID(t)[:20], NameSv: newID(t), NameEn: newID(t), Active: true})
		}
	}
	p.Catalogs, _ = json.Marshal(cat)
	p.Company = []byte(`{"name": "Bygg & Söner AB"}`)
	qr, err := syncwire.PairingQR(p)
	if err != nil {
		t.Fatal(err)
	}
	return qr
}

func TestJoinByQR(t *testing.T) {
	ctx := context.Background()
	t.Run("whole", func(t *testing.T) {
		f := newKiosk(t)
		j, err := f.sync.JoinQR(ctx, f.pairingQR(t, kioskID, false))
		if err != nil {
			t.Fatal(err)
		}
		if j.KioskID != kioskID || j.ConsoleName != "Office" {
			t.Fatalf("joined %+v", j)
		}
		cat, err := f.db.LoadCatalog(ctx)
		if err != nil || len(cat.CardTypes) == 0 || cat.CardTypes[0].Code != "id06-rfid" {
			t.Fatalf("catalog from the QR: %+v %v", cat, err)
		}
		// Exactly as from the file: the console's tokens are adopted
		// offline, and the first bundle proves the secret of the QR.
		id := newID(t)
		if _, err := f.reg.Open(ctx, f.token(t, id, f.clock().Add(time.Hour)), true); err != nil {
			t.Fatalf("a console token after joining by QR: %v", err)
		}
		var bundle bytes.Buffer
		if _, err := f.sync.ExportBundle(ctx, &bundle); err != nil {
			t.Fatal(err)
		}
		h, _, _ := f.readBundle(t, bundle.Bytes())
		if !h.First || h.SenderKeys == nil || syncwire.VerifyProofOfPairing(f.console.secret, *h.SenderKeys, h.Proof) != nil {
			t.Fatalf("the first bundle does not prove the QR's secret: %+v", h)
		}
		if _, err := f.sync.JoinQR(ctx, f.pairingQR(t, kioskID, false)); !errors.Is(err, kiosksync.ErrAlreadyPaired) {
			t.Fatalf("a second QR: %v", err)
		}
	})
	t.Run("essentials only", func(t *testing.T) {
		f := newKiosk(t)
		qr := f.pairingQR(t, kioskID, true)
		if !strings.HasPrefix(qr, "ID06P1E.") {
			t.Fatalf("a large pairing should carry only the essentials: %.12s", qr)
		}
		if _, err := f.sync.JoinQR(ctx, qr); err != nil {
			t.Fatal(err)
		}
		// The console's tokens verify; catalogs come with the first site pack.
		if _, err := f.reg.Open(ctx, f.token(t, newID(t), f.clock().Add(time.Hour)), true); err != nil {
			t.Fatalf("a console token after joining by an essentials QR: %v", err)
		}
	})
	t.Run("damaged", func(t *testing.T) {
		f := newKiosk(t)
		qr := f.pairingQR(t, kioskID, false)
		bad := qr[:len(qr)-6] + "AAAAAA"
		var ie *i18n.Error
		if _, err := f.sync.JoinQR(ctx, bad); err == nil || !errors.As(err, &ie) {
			t.Fatalf("a damaged QR: %v", err)
		}
		if f.sync.Paired() {
			t.Fatal("a damaged QR paired the kiosk")
		}
		if _, err := f.sync.JoinQR(ctx, "https://example.com/#/register/v1.a.b"); !errors.Is(err, syncwire.ErrNotSyncFile) {
			t.Fatalf("an invitation's QR: %v", err)
		}
	})
}

// A running kiosk (f.sync) sees `pair join` and `pair leave` of another
// process on the same data folder (a second Service, as the CLI opens it)
// without a restart: the registration seals once the other process joined,
// and stops when it left.
func TestAnotherProcessJoinsAndLeaves(t *testing.T) {
	ctx := context.Background()
	f := newKiosk(t)
	var paired, unpaired atomic.Int32
	running, err := kiosksync.New(kiosksync.Config{Store: f.db, Dir: filepath.Join(f.dir, "sync"), Now: f.clock,
		OnPaired:   func(*kiosksync.Service) { paired.Add(1) },
		OnUnpaired: func(*kiosksync.Service) { unpaired.Add(1) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if running.Paired() {
		t.Fatal("paired before the join")
	}

	f.join(t) // the CLI's service
	if err := running.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if paired.Load() != 1 || unpaired.Load() != 0 {
		t.Fatalf("after the other process joined: OnPaired %d, OnUnpaired %d", paired.Load(), unpaired.Load())
	}
	st, err := running.Status(ctx)
	if err != nil || !st.Paired || st.KioskID != kioskID {
		t.Fatalf("the running kiosk's status: %+v %v", st, err)
	}
	// Nothing changed: no hook again.
	running.Refresh(ctx)
	running.Paired()
	if paired.Load() != 1 {
		t.Fatalf("OnPaired ran %d times", paired.Load())
	}
	// The running kiosk exports with the keys the other process made.
	var bundle bytes.Buffer
	if _, err := running.ExportBundle(ctx, &bundle); err != nil {
		t.Fatal(err)
	}
	if h, _, _ := f.readBundle(t, bundle.Bytes()); h.Sender != kioskID {
		t.Fatalf("bundle from %q", h.Sender)
	}

	if _, err := f.sync.Leave(ctx, true); err != nil {
		t.Fatal(err)
	}
	if running.Paired() {
		t.Fatal("the running kiosk still paired after the other process left")
	}
	if unpaired.Load() != 1 {
		t.Fatalf("OnUnpaired ran %d times", unpaired.Load())
	}
	// And joins again through the running one.
	if _, err := running.Join(ctx, bytes.NewReader(f.pairingFile(t, "kiosk-9"))); err != nil {
		t.Fatal(err)
	}
	if !f.sync.Paired() || f.sync.Pairing().KioskID != "kiosk-9" {
		t.Fatalf("the other process does not see the new pairing: %+v", f.sync.Pairing())
	}
}
