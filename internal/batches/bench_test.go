package batches_test

import (
	"archive/zip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"id06desk/internal/batches"
)

// peakHeap samples the live heap until stop is called and returns the
// highest value seen (runtime/metrics reads it without stopping the world).
func peakHeap() (stop func() uint64) {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			peak = max(peak, s[0].Value.Uint64())
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() uint64 { close(done); wg.Wait(); return peak }
}

// BenchmarkBatch300 sends 300 ready orders with card-sized photos
// (840×1080 JPEG, the 35:45 crop of a 1080p still) to a folder: the
// photo check, the one transaction, and the zip streamed from SQLite
// (one excelize xlsx, 300 photos, the summary). Reported beside time and
// B/op: the peak live heap during a send, against the photos' total size
// (memory stays flat when it is far below it).
func BenchmarkBatch300(b *testing.B) {
	ctx := context.Background()
	f := newFixture(b, 0, nil)
	f.photo = photoJPEG(b, 840, 1080, 5)
	out := b.TempDir()
	var peak uint64
	for b.Loop() {
		b.StopTimer()
		f.addOrders(b, manyOrders(300)...)
		runtime.GC()
		stop := peakHeap()
		b.StartTimer()
		sent, err := f.svc.Send(ctx, batches.Request{Actor: "bench", Folder: out})
		b.StopTimer()
		peak = max(peak, stop())
		if err != nil || len(sent) != 1 || sent[0].Batch.OrderCount != 300 {
			b.Fatalf("%v %+v", err, sent)
		}
		for _, p := range sent[0].Files {
			os.Remove(p)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(300*len(f.photo))/(1<<20), "photos-MB")
}

// BenchmarkBatch300Baseline is the floor BenchmarkBatch300 is measured
// against in the same run: the same 300 photos read from the same SQLite
// file one at a time and stored in a zip on disk — no Excel file, no photo
// check, no status change. The README reports the batch as a ratio of it.
func BenchmarkBatch300Baseline(b *testing.B) {
	ctx := context.Background()
	f := newFixture(b, 0, nil)
	f.photo = photoJPEG(b, 840, 1080, 5)
	ids := f.addOrders(b, manyOrders(300)...)
	out := filepath.Join(b.TempDir(), "baseline.zip")
	for b.Loop() {
		w, err := os.Create(out)
		if err != nil {
			b.Fatal(err)
		}
		zw := zip.NewWriter(w)
		for i, id := range ids {
			p, err := f.db.OrderPhoto(ctx, id)
			if err != nil {
				b.Fatal(err)
			}
			e, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("%d.jpg", i), Method: zip.Store})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := e.Write(p); err != nil {
				b.Fatal(err)
			}
		}
		if err := zw.Close(); err != nil {
			b.Fatal(err)
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
