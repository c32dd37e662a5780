package kiosksync_test

import (
	"context"
	"crypto/rand"
	"errors"
	"reflect"
	"testing"
	"time"

	"id06desk/internal/kioskstate"
	"id06desk/internal/kiosksync"
	"id06desk/internal/order"
)

// Sealed registrations are split over bundles under the mail size limit,
// in order; one larger than the limit goes alone.
func TestPackForMailSplitsUnderTheLimit(t *testing.T) {
	const kb = 1 << 10
	refs := []kioskstate.SealedRef{{Seq: 1, Size: 400 * kb}, {Seq: 2, Size: 400 * kb}, {Seq: 3, Size: 400 * kb},
		{Seq: 4, Size: 2000 * kb}, {Seq: 5, Size: 10 * kb}}
	got := kiosksync.PackForMail(refs, 1000*kb)
	want := [][]uint64{{1, 2}, {3}, {4}, {5}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("bundles %v, want %v", got, want)
	}
	if got := kiosksync.PackForMail(nil, 1000*kb); len(got) != 0 {
		t.Fatalf("bundles of nothing: %v", got)
	}
}

// BundlesForMail hands over each bundle before it writes the next, so one
// bundle is in memory at a time however long the backlog (before, every
// bundle was written and returned at once: a thousand registrations with
// photos held whole in memory); an error from the caller stops it there.
func TestBundlesForMailWritesOneBundleAtATime(t *testing.T) {
	ctx := context.Background()
	f := newKiosk(t)
	f.join(t)
	photo := make([]byte, 150_000)
	rand.Read(photo)
	for range 3 {
		id := newID(t)
		tok := f.token(t, id, f.clock().Add(24*time.Hour))
		if _, err := f.sync.Adopt(ctx, tok); err != nil {
			t.Fatal(err)
		}
		o := order.Order{ID: newID(t), InvitationID: id, FirstName: "Anna", LastName: "Berg", Personnummer: "198112189876",
			Phone: "+46701234567", Language: "sv", Delivery: order.Delivery{UseCompany: true}, Photo: photo,
			IdentityMethod: order.MethodManual, IdentityCheck: order.CheckPendingPartner, RegisteredAt: f.clock()}
		if err := f.sync.Seal(ctx, o, tok); err != nil {
			t.Fatal(err)
		}
	}
	nextSeq := func() uint64 {
		st, err := f.db.KioskSyncState(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return st.NextBundleSeq
	}
	// One registration (150 KB sealed) per bundle.
	const limit = 250 << 10
	stop := errors.New("stop")
	var seen []uint64
	err := f.sync.BundlesForMail(ctx, limit, f.clock(), func(b kiosksync.MailBundle) error {
		if n := nextSeq(); n != b.Seq+1 {
			t.Errorf("bundle %d handed over when the next bundle number is %d: later bundles were written first", b.Seq, n)
		}
		if b.Count != 1 || len(b.Seqs) != 1 || len(b.Data) < len(photo) {
			t.Errorf("bundle %d: %d registrations, %d bytes", b.Seq, b.Count, len(b.Data))
		}
		seen = append(seen, b.Seq)
		if len(seen) == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || len(seen) != 2 {
		t.Fatalf("BundlesForMail: %v after bundles %v; want the caller's error after two", err, seen)
	}
	if n := nextSeq(); n != seen[1]+1 {
		t.Fatalf("a bundle was written after the caller's error: next bundle number %d", n)
	}
}
