package consolesync_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"id06desk/internal/consolesync"
	"id06desk/internal/i18n"
	"id06desk/internal/syncwire"
)

// A revoked kiosk is paired again under its name: a new kiosk id, the
// answer names the revoked pairing it follows, and the revoked one stays
// in the list with its history; its bundles stay refused.
func TestPairARevokedKioskAgain(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.pairKiosk(t, "Entrén")
	old := f.pair.KioskID
	id, tok := f.invite(t, "a@example.se")
	first := f.bundle(t, []syncwire.Registration{f.registration(1, id, tok)}, [][]byte{cardPhoto(t)})
	if _, err := f.sync.Import(ctx, bytes.NewReader(first)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.sync.Revoke(ctx, "Entrén"); err != nil {
		t.Fatal(err)
	}
	p, err := f.sync.Pair(ctx, "Entrén", "Kvarteret Hästen", "")
	if err != nil {
		t.Fatalf("pair a revoked kiosk's name again: %v", err)
	}
	if p.Kiosk.ID == old || p.Replaces == nil || p.Replaces.ID != old || !p.Replaces.Revoked() {
		t.Fatalf("new pairing %+v, replaces %+v", p.Kiosk, p.Replaces)
	}
	ks, err := f.sync.List(ctx)
	if err != nil || len(ks) != 2 {
		t.Fatalf("list %+v %v", ks, err)
	}
	if ks[0].ID != p.Kiosk.ID || ks[0].Revoked() || ks[1].ID != old || !ks[1].Revoked() || ks[1].Received != 1 {
		t.Fatalf("the new kiosk first, the revoked one with its history: %+v", ks)
	}
	// By name, the commands and routes find the new one.
	if again, err := f.sync.PairingFile(ctx, "Entrén"); err != nil || again.Kiosk.ID != p.Kiosk.ID {
		t.Fatalf("pairing file by name: %+v %v", again, err)
	}
	// The old pairing's files stay refused.
	f.seq++
	late := f.bundle(t, nil, nil)
	if _, err := f.sync.Import(ctx, bytes.NewReader(late)); err == nil {
		t.Fatal("a bundle of the revoked pairing was accepted")
	}
	// A name that was never revoked replaces nothing.
	if p, err := f.sync.Pair(ctx, "Grind B", "", ""); err != nil || p.Replaces != nil {
		t.Fatalf("a new name: %+v %v", p, err)
	}
}

// The pairing QR and file are given only until the kiosk joined (its
// first bundle imported), and never for a revoked kiosk: both carry the
// one-time secret.
func TestPairingQROnlyUntilJoined(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.pairKiosk(t, "Entrén")
	p, err := f.sync.PairingFile(ctx, "Entrén")
	if err != nil || p.QR == "" || p.QRTooLarge != nil {
		t.Fatalf("before the join: %+v %v", p, err)
	}
	if qp, _, err := syncwire.ParsePairingQR(p.QR); err != nil || qp.Secret != f.pair.Secret {
		t.Fatalf("QR: %v", err)
	}
	if _, err := f.sync.Import(ctx, bytes.NewReader(f.bundle(t, nil, nil))); err != nil {
		t.Fatal(err)
	}
	if _, err := f.sync.PairingFile(ctx, "Entrén"); !errors.Is(err, consolesync.ErrJoined) {
		t.Fatalf("after the first bundle: %v", err)
	}
	f.pairKiosk(t, "Grind B")
	if _, err := f.sync.Revoke(ctx, "Grind B"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.sync.PairingFile(ctx, "Grind B"); !errors.Is(err, consolesync.ErrRevoked) {
		t.Fatalf("revoked: %v", err)
	}
}

// A pairing too large for one QR code still pairs: the file carries it,
// and the answer says to use the file, in Swedish and English.
func TestPairingTooLargeForAQR(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	// Every token key the console verifies with goes in the pairing, even
	// the essentials: many rotated keys make it too long for a QR code.
	for range 20 {
		if err := f.keys.Rotate(); err != nil {
			t.Fatal(err)
		}
	}
	p, err := f.sync.Pair(ctx, "Entrén", "", "")
	if err != nil {
		t.Fatalf("pairing with a pairing too large for a QR: %v", err)
	}
	if p.QR != "" || p.QRTooLarge == nil || !errors.Is(p.QRTooLarge, syncwire.ErrQRTooLarge) || len(p.File) == 0 {
		t.Fatalf("paired %+v", p)
	}
	for _, lang := range []i18n.Lang{i18n.SV, i18n.EN} {
		if msg := p.QRTooLarge.Msg.In(lang); msg == "" || !bytes.Contains([]byte(msg), []byte("QR")) {
			t.Fatalf("%s: %q", lang, msg)
		}
	}
	if _, err := syncwire.OpenPairing(bytes.NewReader(p.File), f.dir); err != nil {
		t.Fatalf("the file of a large pairing: %v", err)
	}
}
