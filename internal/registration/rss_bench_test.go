package registration_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"id06desk/internal/order"
	"id06desk/internal/registration"
)

// parallelUploads is how many registrations upload their photo at once in
// BenchmarkUploadParallelRSS.
const parallelUploads = 50

// BenchmarkUploadParallelRSS measures the peak resident memory (peak-RSS-MB)
// of a process in which 50 registrations upload a 12 MP photo at once
// through Service.UploadPhoto (Upload50), each with its own invitation,
// against the same process set up and idle (BaselineIdle) and the same
// process after one plain image/jpeg decode of the photo (BaselineDecode).
// Each runs in a child process (this test binary re-run with -test.run
// TestRSSChild), since a process's peak RSS only grows: Upload50's
// peak-RSS-MB is to be compared with BaselineIdle's. The target (issue 15) is
// Upload50 under 400 MB. busy/op counts uploads refused with photo_busy (the
// decoding budget's queue waited too long); it must be 0.
func BenchmarkUploadParallelRSS(b *testing.B) {
	file := filepath.Join(b.TempDir(), "12mp.jpg")
	if err := os.WriteFile(file, photo12MP(b), 0o600); err != nil {
		b.Fatal(err)
	}
	for _, mode := range []string{"BaselineIdle", "BaselineDecode", "Upload50"} {
		b.Run(mode, func(b *testing.B) {
			var peak, busy float64
			n := 0
			for b.Loop() {
				p, bz := rssChild(b, mode, file)
				peak, busy = max(peak, p), busy+bz
				n++
			}
			b.ReportMetric(peak, "peak-RSS-MB")
			b.ReportMetric(busy/float64(n), "busy/op")
		})
	}
}

// rssChild runs TestRSSChild in a child process and returns the peak RSS it
// measured (MB) and the uploads refused as busy.
func rssChild(b *testing.B, mode, file string) (peakMB, busy float64) {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestRSSChild$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "ID06DESK_RSS_CHILD="+mode, "ID06DESK_RSS_PHOTO="+file)
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("child %s: %v\n%s", mode, err, out)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var p, bz float64
		if _, err := fmt.Sscanf(strings.TrimSpace(sc.Text()), "rss-result peak-mb=%g busy=%g", &p, &bz); err == nil {
			return p, bz
		}
	}
	b.Fatalf("child %s printed no result:\n%s", mode, out)
	return 0, 0
}

// TestRSSChild is BenchmarkUploadParallelRSS's child process; it does
// nothing in a normal test run.
func TestRSSChild(t *testing.T) {
	mode := os.Getenv("ID06DESK_RSS_CHILD")
	if mode == "" {
		t.Skip("run by BenchmarkUploadParallelRSS in a child process")
	}
	data, err := os.ReadFile(os.Getenv("ID06DESK_RSS_PHOTO"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	f := newFixture(t)
	toks := make([]string, parallelUploads)
	for i := range toks {
		_, toks[i] = f.invite(t, fmt.Sprintf("rss%d@example.se", i))
		if _, err := f.reg.SetMethod(ctx, toks[i], order.MethodManual, false); err != nil {
			t.Fatal(err)
		}
	}
	runtime.GC()
	debug.FreeOSMemory()
	peak := startPeak(t)

	var busy atomic.Int64
	switch mode {
	case "BaselineIdle":
		time.Sleep(100 * time.Millisecond)
	case "BaselineDecode":
		if _, err := jpeg.Decode(bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
	case "Upload50":
		var wg sync.WaitGroup
		errs := make(chan error, len(toks))
		for _, tok := range toks {
			wg.Go(func() {
				// Each upload reads its own body; the bytes not yet
				// read are, as a request's, outside the heap (here one
				// shared copy, there the socket's buffers).
				body := bytes.NewReader(data)
				s, err := f.reg.UploadPhoto(ctx, tok, body, false)
				var pe *registration.PhotoError
				switch {
				case errors.As(err, &pe) && pe.Code == registration.PhotoBusy:
					busy.Add(1)
				case err != nil:
					errs <- err
				case !s.Photo.Usable():
					errs <- fmt.Errorf("photo not usable: %+v", s.Photo)
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	default:
		t.Fatalf("unknown mode %q", mode)
	}
	fmt.Printf("rss-result peak-mb=%.1f busy=%d\n", peak()/(1<<20), busy.Load())
}

// startPeak resets the process's peak RSS (VmHWM) to its current RSS where
// Linux allows it (/proc/self/clear_refs, "5") and also samples VmRSS every
// 2 ms; the returned func stops sampling and gives the peak in bytes since.
func startPeak(t *testing.T) func() float64 {
	reset := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	var mu sync.Mutex
	var sampled float64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			if v, ok := procStatus("VmRSS"); ok {
				mu.Lock()
				sampled = max(sampled, v)
				mu.Unlock()
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	return func() float64 {
		close(stop)
		<-done
		peak := sampled
		if hwm, ok := procStatus("VmHWM"); ok && reset {
			peak = max(peak, hwm)
		}
		if peak == 0 {
			t.Fatal("no RSS figure in /proc/self/status")
		}
		return peak
	}
}

// procStatus reads a "kB" field of /proc/self/status, in bytes.
func procStatus(field string) (float64, bool) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
			return kb * 1024, err == nil
		}
	}
	return 0, false
}
