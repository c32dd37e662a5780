package consolesync_test

import (
	"bytes"
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"id06desk/internal/order"
	"id06desk/internal/pairing"
	"id06desk/internal/syncwire"
)

// kioskSide is one paired kiosk as the fixture plays it, to switch between
// two.
type kioskSide struct {
	pair *syncwire.Pairing
	keys *syncwire.KioskKeys
	seq  uint64
}

func (f *fixture) side() *kioskSide { return &kioskSide{pair: f.pair, keys: f.kiosk, seq: f.seq} }

// as makes k the kiosk the fixture's bundles come from, and keeps its
// sequence numbers.
func (f *fixture) as(k *kioskSide, fn func()) {
	f.pair, f.kiosk, f.seq = k.pair, k.keys, k.seq
	fn()
	k.seq = f.seq
}

// The same invitation registered at two kiosks (each had it offline: from
// the QR code or a site pack; by hand at one, with BankID at the other) is held as a conflict for the admin, never
// dropped; resolving it either way leaves exactly one order for the
// invitation with the kept registration's data, the other registration's
// copy gone from the database file, and both kiosks' acknowledgements
// still covering their registration (so each forgets it).
func TestSameInvitationAtTwoKiosks(t *testing.T) {
	for _, keep := range []string{pairing.KeepExisting, pairing.KeepKiosk} {
		t.Run("keep "+keep, func(t *testing.T) { sameInvitationAtTwoKiosks(t, keep) })
	}
}

func sameInvitationAtTwoKiosks(t *testing.T, keep string) {
	f := newFixture(t)
	ctx := context.Background()
	f.pairKiosk(t, "Entrén")
	gate := f.side()
	f.pairKiosk(t, "Utgången")
	exit := f.side()
	id, tok := f.invite(t, "a@example.se")

	var atGate, atExit syncwire.Registration
	gatePhoto := cardPhoto(t)
	f.as(gate, func() {
		atGate = f.registration(1, id, tok)
		res, err := f.sync.Import(ctx, bytes.NewReader(f.bundle(t, []syncwire.Registration{atGate}, [][]byte{gatePhoto})))
		if err != nil || res.Applied != 1 {
			t.Fatalf("the gate's bundle: %+v %v", res, err)
		}
	})
	before := f.state(t)

	// The same person's invitation, registered at the exit too (by
	// someone else's hand: other data, photo and delivery).
	exitPhoto := cardPhotoTinted(t, 30)
	f.as(exit, func() {
		atExit = f.registration(1, id, tok)
		atExit.FirstName, atExit.LastName, atExit.Personnummer = "Bo", "Ek", "198112189876"
		atExit.RegisteredAt = f.now.Add(-30 * time.Minute)
		atExit.Delivery = syncwire.Delivery{Address: syncwire.Address{Name: "Bo Ek", Street: "Byggvägen 3", PostalCode: "123 45", City: "Solna"}}
		atExit.IdentityMethod, atExit.IdentityCheck, atExit.IdentityCheckedAt = order.MethodBankID, order.CheckBankID, atExit.RegisteredAt
		res, err := f.sync.Import(ctx, bytes.NewReader(f.bundle(t, []syncwire.Registration{atExit}, [][]byte{exitPhoto})))
		if err != nil || res.Conflicts != 1 || res.Applied != 0 || res.Refused != 0 {
			t.Fatalf("the exit's bundle: %+v %v", res, err)
		}
	})
	if got := f.state(t); got.orders != before.orders || got.mails != before.mails || got.conflicts != 1 || got.received != before.received+1 {
		t.Fatalf("state %+v after the conflict, was %+v", got, before)
	}
	existing, err := f.db.OrderOf(ctx, id)
	if err != nil || existing.ID != atGate.ID {
		t.Fatalf("order %+v %v", existing, err)
	}
	cs, err := f.sync.Conflicts(ctx, true)
	if err != nil || len(cs) != 1 || cs[0].KioskName != "Utgången" || cs[0].ExistingOrderID != atGate.ID || cs[0].RegistrationID != atExit.ID ||
		cs[0].InvitationID != id {
		t.Fatalf("conflicts %+v %v", cs, err)
	}
	ks, _ := f.sync.List(ctx)
	for _, k := range ks {
		if want := map[string]int{"Entrén": 0, "Utgången": 1}[k.Name]; k.PendingConflicts != want {
			t.Errorf("kiosk %s: %d pending conflicts, want %d", k.Name, k.PendingConflicts, want)
		}
	}
	acks := func() {
		t.Helper()
		for _, k := range []*kioskSide{gate, exit} {
			bundles, regs, err := f.db.SyncAcks(ctx, k.pair.KioskID)
			if err != nil || !slices.Equal(bundles, []uint64{1}) || !slices.Equal(regs, []uint64{1}) {
				t.Errorf("acknowledgements for %s: bundles %v, registrations %v, %v", k.pair.KioskName, bundles, regs, err)
			}
		}
	}
	acks()
	onDisk := func(digits string) bool {
		t.Helper()
		for _, suffix := range []string{"", "-wal"} {
			b, err := os.ReadFile(f.db.Path + suffix)
			if err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			if bytes.Contains(b, []byte(digits)) {
				return true
			}
		}
		return false
	}
	if !onDisk("198112189876") {
		t.Fatal("the held registration is not in the database file: the check below could not fail")
	}

	if err := f.sync.Resolve(ctx, cs[0].ID, keep); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := f.db.Reader().QueryRow(`SELECT count(*) FROM orders WHERE invitation_id = ?`, id).Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d orders for the invitation, want 1 (%v)", n, err)
	}
	o, err := f.db.GetOrder(ctx, atGate.ID)
	if err != nil {
		t.Fatal(err)
	}
	switch keep {
	case pairing.KeepExisting:
		if o.FirstName != "Åsa" || o.Personnummer != "199001011239" || !bytes.Equal(o.Photo, gatePhoto) || o.Delivery.Address.Street != "Storgatan 1" ||
			!o.RegisteredAt.Equal(atGate.RegisteredAt) || o.RegisteredKiosk != "Entrén" || o.IdentityMethod != order.MethodManual ||
			o.IdentityCheck != order.CheckPendingPartner {
			t.Fatalf("order after keeping the existing one: %+v", o)
		}
		if onDisk("198112189876") {
			t.Error("the discarded registration's personnummer is still in the database file")
		}
	case pairing.KeepKiosk:
		if o.FirstName != "Bo" || o.LastName != "Ek" || o.Personnummer != "198112189876" || !bytes.Equal(o.Photo, exitPhoto) ||
			o.Delivery.UseCompany || o.Delivery.Address.Street != "Byggvägen 3" || o.Status != order.StatusReady ||
			!o.RegisteredAt.Equal(atExit.RegisteredAt) || o.RegisteredWhere != order.WhereKiosk || o.RegisteredKiosk != "Utgången" ||
			o.IdentityMethod != order.MethodBankID || o.IdentityCheck != order.CheckBankID || !o.IdentityCheckedAt.Equal(atExit.RegisteredAt) {
			t.Fatalf("order after keeping the kiosk's: %+v", o)
		}
	}
	if got := f.state(t); got.orders != before.orders || got.conflicts != 1 {
		t.Fatalf("state %+v after resolving", got)
	}
	var held int
	if err := f.db.Reader().QueryRow(`SELECT count(*) FROM sync_conflicts WHERE data IS NOT NULL OR photo IS NOT NULL OR resolved_at IS NULL`).Scan(&held); err != nil || held != 0 {
		t.Fatalf("%d conflicts still hold data or are pending (%v)", held, err)
	}
	if cs, _ := f.sync.Conflicts(ctx, true); len(cs) != 0 {
		t.Fatalf("pending conflicts after resolving: %+v", cs)
	}
	// Each kiosk's next pack still acknowledges its registration.
	acks()
	// A bundle of the exit that still holds it (not yet acknowledged)
	// changes nothing.
	f.as(exit, func() {
		res, err := f.sync.Import(ctx, bytes.NewReader(f.bundle(t, []syncwire.Registration{atExit}, [][]byte{exitPhoto})))
		if err != nil || res.Already != 1 || res.Conflicts != 0 || res.Applied != 0 {
			t.Fatalf("the exit's bundle again: %+v %v", res, err)
		}
	})
	if cs, _ := f.sync.Conflicts(ctx, true); len(cs) != 0 {
		t.Fatalf("a conflict held again: %+v", cs)
	}
}
