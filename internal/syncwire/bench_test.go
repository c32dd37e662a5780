package syncwire

import (
	"path/filepath"
	"testing"
)

// The 1,000-registration bundle with 150 KB card photos: sealing each and
// exporting them as one bundle (the kiosk), then opening, verifying,
// decrypting and reading it (the console). peak-heap-MB, far below the
// ~150 MB file, shows that nothing is held whole.

func BenchmarkBundle1000Write(b *testing.B) {
	f := newFixture(b)
	name := filepath.Join(f.dir, "bundle.id06sync")
	peak := watchHeap(b)
	var size int64
	b.ResetTimer()
	for range b.N {
		size = writeBigBundle(b, f, name, 1000, 150_000)
	}
	b.StopTimer()
	b.ReportMetric(float64(size)/1e6, "file-MB")
	b.ReportMetric(float64(peak())/1e6, "peak-heap-MB")
}

func BenchmarkBundle1000Read(b *testing.B) {
	f := newFixture(b)
	name := filepath.Join(f.dir, "bundle.id06sync")
	writeBigBundle(b, f, name, 1000, 150_000)
	peak := watchHeap(b)
	b.ResetTimer()
	for range b.N {
		if n := readBigBundle(b, f, name); n != 1000 {
			b.Fatalf("read %d", n)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(peak())/1e6, "peak-heap-MB")
}
