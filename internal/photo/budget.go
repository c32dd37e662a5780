package photo

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"
)

// ErrBusy: the photo could not start within the Budget's wait because others
// hold the memory; the person should try again in a moment.
var ErrBusy = errors.New("too many photos are being processed right now")

// Budget bounds the memory that photo work takes across all requests: at
// most Slots photos at once, and their estimated peak memory (Upload.Cost)
// together at most Bytes. A photo that costs more than Bytes is refused
// (ErrDimensions): it could never run beside anything, and waiting for the
// whole budget would stall every other upload behind it.
// Waiting requests queue first come, first served, for at most Wait; then
// they get ErrBusy. A Budget is safe for concurrent use.
type Budget struct {
	bytes int64
	slots int
	wait  time.Duration

	mu      sync.Mutex
	used    int64
	running int
	waiters list.List // of *budgetWaiter, in arrival order
}

type budgetWaiter struct {
	n     int64
	ready chan struct{} // closed when the reservation is made
}

// Defaults for NewBudget: two full-size progressive JPEGs of MaxPixels
// (4:2:0, ~230 MB each) fit at once, or eight 1080p webcam stills.
const (
	DefaultBudgetBytes = 480 << 20
	DefaultBudgetWait  = 15 * time.Second
)

// NewBudget returns a Budget of bytes for at most slots photos at once
// (slots < 1: one), whose queue waits at most wait.
func NewBudget(bytes int64, slots int, wait time.Duration) *Budget {
	return &Budget{bytes: max(bytes, 1), slots: max(slots, 1), wait: wait}
}

// weight is what a photo of this cost (at most the budget's bytes)
// reserves: at least an equal share of the bytes, so no more than slots run
// at once.
func (b *Budget) weight(cost int64) int64 {
	return min(max(cost, b.bytes/int64(b.slots)), b.bytes)
}

// Acquire reserves the memory for a photo of the given cost. It waits its
// turn for at most the Budget's wait (ErrBusy) or until ctx is done (ctx's
// error). A cost larger than the whole budget is refused at once
// (ErrDimensions). Call release exactly once when the photo's work is done.
func (b *Budget) Acquire(ctx context.Context, cost int64) (release func(), err error) {
	if cost > b.bytes {
		return nil, fmt.Errorf("photo: decoding needs %d MB, more than the %d MB for all photos: %w",
			cost>>20, b.bytes>>20, ErrDimensions)
	}
	n := b.weight(cost)
	b.mu.Lock()
	if b.waiters.Len() == 0 && b.fits(n) {
		b.take(n)
		b.mu.Unlock()
		return b.releaser(n, cost), nil
	}
	w := &budgetWaiter{n: n, ready: make(chan struct{})}
	elem := b.waiters.PushBack(w)
	b.mu.Unlock()

	timer := time.NewTimer(b.wait)
	defer timer.Stop()
	select {
	case <-w.ready:
		return b.releaser(n, cost), nil
	case <-ctx.Done():
		err = ctx.Err()
	case <-timer.C:
		err = fmt.Errorf("photo: waited %s for memory: %w", b.wait, ErrBusy)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	select {
	case <-w.ready:
		// Granted while giving up: keep it rather than waste the turn.
		return b.releaser(n, cost), nil
	default:
	}
	front := b.waiters.Front() == elem
	b.waiters.Remove(elem)
	if front {
		// The next in line may fit where this one did not.
		b.grant()
	}
	return nil, err
}

func (b *Budget) fits(n int64) bool {
	return b.running < b.slots && b.used+n <= b.bytes
}

func (b *Budget) take(n int64) {
	b.used += n
	b.running++
}

// grant hands the freed memory to the waiters at the front of the queue, in
// order; a large photo at the front holds back smaller ones behind it, so
// it is never starved. b.mu must be held.
func (b *Budget) grant() {
	for e := b.waiters.Front(); e != nil; e = b.waiters.Front() {
		w := e.Value.(*budgetWaiter)
		if !b.fits(w.n) {
			return
		}
		b.take(w.n)
		b.waiters.Remove(e)
		close(w.ready)
	}
}

// collectAbove is the cost above which a release runs the garbage
// collector before handing the memory on. Without it the next decode
// allocates beside the last one's garbage, which the collector lets grow to
// the size of the live heap (GOGC=100): 20 parallel 25 MP uploads peaked at
// 961 MB RSS, with it at about the size of one decode.
const collectAbove = 64 << 20

// releaser gives back a reservation of n bytes for a photo of this cost.
func (b *Budget) releaser(n, cost int64) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			if cost > collectAbove {
				runtime.GC()
			}
			b.mu.Lock()
			b.used -= n
			b.running--
			b.grant()
			b.mu.Unlock()
		})
	}
}

// state is what the Budget holds now: photos running, bytes reserved and
// requests waiting.
func (b *Budget) state() (running int, used int64, waiting int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.running, b.used, b.waiters.Len()
}

// shared is the process's Budget (see SharedBudget).
var shared = sync.OnceValue(func() *Budget {
	return NewBudget(DefaultBudgetBytes, runtime.GOMAXPROCS(0), DefaultBudgetWait)
})

// SharedBudget is the process-wide Budget: DefaultBudgetBytes for as many
// photos at once as there are cores, waiting at most DefaultBudgetWait. All
// decoding that is given no Budget of its own shares it, so the bound holds
// for the process, not per service.
func SharedBudget() *Budget { return shared() }
