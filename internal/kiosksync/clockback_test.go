package kiosksync_test

import (
	"bytes"
	"context"
	"testing"
	"time"
)

// The kiosk's clock set back behind the time it applied the last site pack
// (after applying it, in tune with the console's): the status warns, since
// the offline expiry checks trust that clock. A minute back is tolerated.
// The same for a pack that came by file and one that came by mail.
func TestStatusClockWarningWhenTheClockGoesBack(t *testing.T) {
	for _, byMail := range []bool{false, true} {
		t.Run(map[bool]string{false: "file", true: "mail"}[byMail], func(t *testing.T) { clockGoesBack(t, byMail) })
	}
}

func clockGoesBack(t *testing.T, byMail bool) {
	ctx := context.Background()
	f := newKiosk(t)
	f.join(t)
	apply := f.sync.ApplySitePack
	if byMail {
		apply = f.sync.ApplySitePackMail
	}
	if _, err := apply(ctx, bytes.NewReader(f.pack(t, 1, kioskID, nil))); err != nil {
		t.Fatal(err)
	}
	f.advance(2 * time.Hour)
	if st, err := f.sync.Status(ctx); err != nil || st.ClockWarning || st.ClockSkewSeconds != 0 {
		t.Fatalf("status with the clock in tune: %+v %v", st, err)
	}
	f.advance(-2*time.Hour - 30*time.Second) // 30 s before the pack: tolerated
	if st, _ := f.sync.Status(ctx); st.ClockWarning {
		t.Fatalf("status 30 s behind the pack: %+v", st)
	}
	f.advance(-10 * time.Minute)
	st, err := f.sync.Status(ctx)
	// Said as a clock gone back: the skew at the pack (0) was fine.
	if err != nil || !st.ClockWarning || !st.ClockWentBack {
		t.Fatalf("status of a clock set back 10 minutes behind the pack: %+v %v", st, err)
	}
	// Put right again: the warning goes.
	f.advance(20 * time.Minute)
	if st, _ := f.sync.Status(ctx); st.ClockWarning || st.ClockWentBack {
		t.Fatalf("status with the clock put right: %+v", st)
	}
}
