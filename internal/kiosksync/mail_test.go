package kiosksync_test

import (
	"reflect"
	"testing"

	"id06desk/internal/kioskstate"
	"id06desk/internal/kiosksync"
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
