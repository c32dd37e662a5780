package photo

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// waitState spins (yielding, bounded) until the budget shows want waiters.
func waitState(t *testing.T, b *Budget, waiting int) {
	t.Helper()
	for range 1_000_000 {
		if _, _, w := b.state(); w == waiting {
			return
		}
		runtime.Gosched()
	}
	_, _, w := b.state()
	t.Fatalf("%d waiting, want %d", w, waiting)
}

// TestBudgetSlots: however many ask, no more than the slots hold the budget
// at once; the rest queue and get in one by one as others finish, in the
// order they came.
func TestBudgetSlots(t *testing.T) {
	const slots, callers = 3, 12
	b := NewBudget(300<<20, slots, time.Minute)
	var active, peak atomic.Int32
	var order []int
	var mu sync.Mutex
	gate := make(chan struct{})
	entered := make(chan int, callers)
	var wg sync.WaitGroup
	start := func(i int) {
		wg.Go(func() {
			release, err := b.Acquire(context.Background(), 1<<20)
			if err != nil {
				t.Errorf("caller %d: %v", i, err)
				return
			}
			n := active.Add(1)
			for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
			}
			mu.Lock()
			order = append(order, i)
			mu.Unlock()
			entered <- i
			<-gate
			active.Add(-1)
			release()
		})
	}
	for i := range slots {
		start(i)
	}
	for range slots {
		<-entered
	}
	// The others queue one after the other, so their order is known.
	for i := slots; i < callers; i++ {
		start(i)
		waitState(t, b, i-slots+1)
	}
	if n := active.Load(); n != slots {
		t.Fatalf("%d running, want %d", n, slots)
	}
	for i := slots; i < callers; i++ {
		gate <- struct{}{} // one finishes ...
		if got := <-entered; got != i {
			t.Errorf("caller %d got in, want %d (first come, first served)", got, i)
		}
		if n := active.Load(); n > slots {
			t.Errorf("%d running, want at most %d", n, slots)
		}
	}
	close(gate)
	wg.Wait()
	if p := peak.Load(); p != slots {
		t.Errorf("at most %d ran at once, want %d", p, slots)
	}
	if r, used, w := b.state(); r != 0 || used != 0 || w != 0 {
		t.Errorf("after all: %d running, %d bytes, %d waiting; want none", r, used, w)
	}
}

// TestBudgetBytes: large photos take a share of the bytes that fits their
// cost: two that together exceed the budget never run at once, one of the
// whole budget runs alone, and one larger than the whole budget is refused.
func TestBudgetBytes(t *testing.T) {
	b := NewBudget(400, 8, time.Minute)
	ctx := context.Background()
	r1, err := b.Acquire(ctx, 250)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan func(), 1)
	go func() {
		r, err := b.Acquire(ctx, 250)
		if err != nil {
			t.Error(err)
		}
		got <- r
	}()
	waitState(t, b, 1)
	if running, used, _ := b.state(); running != 1 || used != 250 {
		t.Fatalf("%d running with %d bytes, want 1 with 250", running, used)
	}
	r1()
	r2 := <-got
	// Too large for the whole budget: refused at once, nothing reserved.
	if _, err := b.Acquire(ctx, 10_000); !errors.Is(err, ErrDimensions) {
		t.Errorf("a photo costing 25 times the budget: %v, want ErrDimensions", err)
	}
	if running, used, waiting := b.state(); running != 1 || used != 250 || waiting != 0 {
		t.Errorf("%d running with %d bytes, %d waiting, want the one of 250 alone", running, used, waiting)
	}
	// Exactly the whole budget: waits for everything else, then runs.
	go func() {
		r, err := b.Acquire(ctx, 400)
		if err != nil {
			t.Error(err)
		}
		got <- r
	}()
	waitState(t, b, 1)
	r2()
	r3 := <-got
	if running, used, _ := b.state(); running != 1 || used != 400 {
		t.Errorf("%d running with %d bytes, want the large one alone with all 400", running, used)
	}
	r3() // a second release changes nothing
	if running, used, _ := b.state(); running != 0 || used != 0 {
		t.Errorf("%d running with %d bytes after release, want none", running, used)
	}
}

// TestBudgetBusy: a photo that cannot start within the wait gets ErrBusy
// and leaves the queue, so the one behind it moves up; a caller that goes
// away leaves too.
func TestBudgetBusy(t *testing.T) {
	b := NewBudget(100, 1, 30*time.Millisecond)
	hold, err := b.Acquire(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Acquire(context.Background(), 1); !errors.Is(err, ErrBusy) {
		t.Fatalf("Acquire while full = %v, want ErrBusy", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := b.Acquire(ctx, 1); !errors.Is(err, context.Canceled) {
		t.Fatalf("Acquire with a cancelled request = %v, want context.Canceled", err)
	}
	if _, _, w := b.state(); w != 0 {
		t.Fatalf("%d still waiting, want none", w)
	}
	hold()
	r, err := b.Acquire(context.Background(), 1)
	if err != nil {
		t.Fatalf("Acquire after release: %v", err)
	}
	r()
}

// TestBudgetCollects: a large photo's release collects its garbage before
// the next one starts, a webcam still's does not.
func TestBudgetCollects(t *testing.T) {
	b := NewBudget(1<<30, 2, time.Minute)
	gcs := func() uint32 {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.NumGC
	}
	small, err := b.Acquire(context.Background(), 30<<20)
	if err != nil {
		t.Fatal(err)
	}
	before := gcs()
	small()
	if n := gcs() - before; n != 0 {
		t.Errorf("releasing a 30 MB photo ran %d collections, want none", n)
	}
	large, err := b.Acquire(context.Background(), 300<<20)
	if err != nil {
		t.Fatal(err)
	}
	before = gcs()
	large()
	if gcs() == before {
		t.Error("releasing a 300 MB photo ran no collection")
	}
}

// TestDecodeCost: the estimate covers what decoding really allocates, and
// tells a progressive JPEG (coefficients kept) from a baseline one.
func TestDecodeCost(t *testing.T) {
	img := padded(scaled(loadSample(t), 2), image.Pt(1000, 900), image.Pt(180, 100))
	var pngBuf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&pngBuf, img); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"baseline JPEG 4:2:0": encodeJPEG(t, img, 90),
		"PNG RGBA":            pngBuf.Bytes(),
	} {
		t.Run(name, func(t *testing.T) {
			u, err := Read(bytes.NewReader(data), uploadLimit)
			if err != nil {
				t.Fatal(err)
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			if _, err := u.Decode(); err != nil {
				t.Fatal(err)
			}
			runtime.ReadMemStats(&after)
			alloc := int64(after.TotalAlloc - before.TotalAlloc)
			// libjpeg-turbo's own memory is C memory, which Go does not
			// count: its bound (turboMem) is allowed on top.
			slack := int64(0)
			if turbo && u.format == formatJPEG {
				slack = turboMem(u.data, int64(u.cfg.Width), int64(u.cfg.Height))
			}
			if c := decodeCost(u.data, u.format, u.cfg); c < alloc || c > 4*alloc+slack {
				t.Errorf("cost %d KB, decoding allocated %d KB: want between 1× and 4×", c>>10, alloc>>10)
			}
		})
	}

	cost := func(sofn, sampling byte) int64 {
		return decodeCost(jpegFrameHeader(sofn, sampling, 6000, 4000), formatJPEG, image.Config{Width: 6000, Height: 4000})
	}
	if p, comps, ok := jpegFrame(jpegHeader(6000, 4000)); !ok || !p || len(comps) != 3 || comps[0] != [2]int{2, 2} {
		t.Fatalf("jpegFrame of a SOF2 4:2:0 header: progressive %v, components %v, ok %v", p, comps, ok)
	}
	baseline, progressive, full := cost(0xC0, 0x22), cost(0xC2, 0x22), cost(0xC2, 0x11)
	// 24 MP: planes 36 MB (4:2:0) or 72 MB (4:4:4), coefficients four bytes
	// a sample (image/jpeg) or two (libjpeg-turbo).
	coef := int64(4)
	if turbo {
		coef = 2
	}
	if progressive < baseline+coef*36_000_000 || full < progressive+coef*36_000_000 {
		t.Errorf("24 MP: baseline %d MB, progressive %d MB, progressive 4:4:4 %d MB: want the coefficients counted",
			baseline>>20, progressive>>20, full>>20)
	}
	if progressive > DefaultBudgetBytes/2 {
		t.Errorf("a 24 MP progressive 4:2:0 JPEG costs %d MB, want two to fit the default budget (%d MB)", progressive>>20, DefaultBudgetBytes>>20)
	}
	if worst := decodeCost([]byte("\xFF\xD8"), formatJPEG, image.Config{Width: 6000, Height: 4000}); worst < full {
		t.Errorf("unreadable frame header costs %d MB, want at least the 4:4:4 progressive %d MB", worst>>20, full>>20)
	}
}
