package consolesync_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	xdraw "golang.org/x/image/draw"

	"id06desk/internal/consolesync"
	"id06desk/internal/invitations"
	"id06desk/internal/photo"
	"id06desk/internal/photo/phototest"
	"id06desk/internal/syncwire"
)

// BenchmarkImport1000 imports a bundle of 1,000 registrations with card
// photos into a console: each verified, its order and two mails made in
// its own transaction (issue 13's target: under 10 s, memory flat —
// peak-heap-MB a small fraction of the file's size, see targets.txt).
// The photos are real card photos: a face at the card's 700×900, JPEG
// quality 90, as the registration makes them (~100 KB or more each).
func BenchmarkImport1000(b *testing.B) {
	const n = 1000
	for range b.N {
		b.StopTimer()
		f := newFixture(b)
		f.cfg.MaxBundleBytes = 0 // syncwire's
		f.sync = consolesync.New(f.cfg)
		f.pairKiosk(b, "Entrén")
		rows := make([]invitations.Row, n)
		for i := range rows {
			rows[i] = invitations.Row{Email: fmt.Sprintf("p%d@example.se", i), CardType: "id06-rfid", Industry: "civil"}
		}
		ctx := context.Background()
		created, err := f.inv.Create(ctx, "admin", rows, true)
		if err != nil {
			b.Fatal(err)
		}
		regs := make([]syncwire.Registration, n)
		photos := make([][]byte, n)
		ph := realCardPhoto(b)
		for i, c := range created {
			d, err := f.inv.Get(ctx, c.ID)
			if err != nil {
				b.Fatal(err)
			}
			regs[i] = f.registration(uint64(i+1), c.ID, d.Invitation.Token)
			photos[i] = ph
		}
		name := filepath.Join(f.dir, "bundle.id06sync")
		if err := os.WriteFile(name, f.bundle(b, regs, photos), 0o600); err != nil {
			b.Fatal(err)
		}
		info, _ := os.Stat(name)
		runtime.GC()
		peak := watchHeap(b)
		file, err := os.Open(name)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := f.sync.Import(ctx, file)
		b.StopTimer()
		file.Close()
		if err != nil || res.Applied != n {
			b.Fatalf("import: %+v %v", res, err)
		}
		b.ReportMetric(float64(info.Size())/1e6, "file-MB")
		b.ReportMetric(float64(peak())/1e6, "peak-heap-MB")
		b.StartTimer()
	}
}

// watchHeap samples the heap in use until the benchmark ends and returns
// the peak seen.
func watchHeap(b *testing.B) func() uint64 {
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	b.Cleanup(func() { close(done) })
	return func() uint64 { return peak.Load() }
}

// realCardPhoto is a face photo as a registration's card photo: scaled to
// photo.CardWidth×CardHeight and encoded at quality 90.
func realCardPhoto(b *testing.B) []byte {
	b.Helper()
	src, err := jpeg.Decode(bytes.NewReader(phototest.Face(b)))
	if err != nil {
		b.Fatal(err)
	}
	dst := image.NewRGBA(image.Rect(0, 0, photo.CardWidth, photo.CardHeight))
	xdraw.CatmullRom.Scale(dst, dst.Rect, src, src.Bounds(), xdraw.Src, nil)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: 90}); err != nil {
		b.Fatal(err)
	}
	return out.Bytes()
}
