package consolesync

import (
	"testing"
	"time"
)

// Refusals say times as the site's clocks show them (Swedish time, winter
// and summer), not in UTC.
func TestFmtTimeIsSwedishTime(t *testing.T) {
	for in, want := range map[time.Time]string{
		time.Date(2026, 12, 5, 4, 2, 0, 0, time.UTC): "2026-12-05 05:02",
		time.Date(2026, 7, 1, 10, 0, 0, 0, time.UTC): "2026-07-01 12:00",
	} {
		if got := fmtTime(in); got != want {
			t.Errorf("fmtTime(%s) = %q, want %q", in, got, want)
		}
	}
}
