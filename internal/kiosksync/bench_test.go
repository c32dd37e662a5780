package kiosksync_test

import (
	"context"
	"crypto/rand"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"id06desk/internal/order"
)

// The kiosk's side of the 1,000-registration bundle (issue 13's make
// bench): 1,000 registrations with 150 KB card photos sealed at Confirm
// (each its own transaction, with the draft's deletion and the WAL
// cleared), then exported as one bundle file. peak-heap-MB far below the
// ~150 MB file shows the export streams (one sealed registration in memory
// at a time).
func BenchmarkSealAndExport1000(b *testing.B) {
	ctx := context.Background()
	photo := make([]byte, 150_000)
	rand.Read(photo)
	for range b.N {
		b.StopTimer()
		f := newKiosk(b)
		f.join(b)
		toks := make([]string, 1000)
		ids := make([]string, 1000)
		for i := range toks {
			ids[i] = newID(b)
			toks[i] = f.token(b, ids[i], f.clock().Add(30*24*time.Hour))
			if _, err := f.sync.Adopt(ctx, toks[i]); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		start := time.Now()
		for i := range toks {
			o := order.Order{ID: newID(b), InvitationID: ids[i], FirstName: "Anna", LastName: "Berg", Personnummer: "198112189876",
				Phone: "+46701234567", Language: "sv", Delivery: order.Delivery{UseCompany: true}, Photo: photo,
				IdentityMethod: order.MethodManual, IdentityCheck: order.CheckPendingPartner, RegisteredAt: f.clock()}
			if err := f.sync.Seal(ctx, o, toks[i]); err != nil {
				b.Fatal(err)
			}
		}
		sealed := time.Since(start)
		peak := heapWatch(b)
		ex, err := f.sync.ExportToFile(ctx, filepath.Join(b.TempDir(), "bundle.id06sync"))
		if err != nil || ex.Count != 1000 {
			b.Fatalf("export %+v %v", ex, err)
		}
		b.ReportMetric(sealed.Seconds(), "seal-s")
		b.ReportMetric(time.Since(start).Seconds()-sealed.Seconds(), "export-s")
		b.ReportMetric(float64(peak())/1e6, "export-peak-heap-MB")
	}
}

// heapWatch samples the heap in use until the returned function is called;
// it returns the highest value seen.
func heapWatch(b *testing.B) func() uint64 {
	runtime.GC()
	var peak atomic.Uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	b.Cleanup(func() {
		select {
		case <-done:
		default:
			close(done)
		}
	})
	return func() uint64 {
		close(done)
		<-stopped
		return peak.Load()
	}
}
