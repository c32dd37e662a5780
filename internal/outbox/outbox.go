// Package outbox delivers mails durably. Every mail is written to the store
// before any attempt to send it; a Worker claims messages (so two senders on
// one data dir never send the same message), hands them to the mail server,
// and records the results. Temporary failures are retried
// with exponential backoff, permanent ones stop and show their reason.
package outbox

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Message is one mail in the outbox.
type Message struct {
	ID           int64
	MessageID    string
	InvitationID string // "" for mails not tied to an invitation
	Kind         string // "invitation", "order_ready", ...
	From         string
	To           string
	Body         []byte
	Attempts     int
}

// Recipients splits To: a mail to several recipients (the order-ready
// notice) stores them joined by ", ".
func (m *Message) Recipients() []string {
	var out []string
	for _, r := range strings.Split(m.To, ",") {
		if r = strings.TrimSpace(r); r != "" {
			out = append(out, r)
		}
	}
	return out
}

// Status summarises the outbox for the UI.
type Status struct {
	Configured bool
	Pending    int
	Failed     int
	LastError  Failure // the latest failure of a mail not sent yet
}

// Outcome is what happened to one claimed message.
type Outcome struct {
	State  State
	Reply  string    // the mail server's answer (sent)
	Reason string    // an encoded Failure (retry, failed)
	Next   time.Time // the next attempt (retry)
}

// State is the state a delivery attempt leaves a message in.
type State string

// States of a message after an attempt.
const (
	Sent  State = "sent"   // handed to the mail server
	Retry State = "retry"  // temporary failure, tried again at Next
	Fail  State = "failed" // permanent failure, or out of attempts
)

// Done is the outcome of one claimed message.
type Done struct {
	ID int64
	Outcome
}

// Store is the durable queue.
type Store interface {
	// ClaimDue claims up to limit pending messages with the lowest ids above
	// afterID that are due at now (any, when ignoreSchedule) and that no live
	// claim holds, in ascending id order, in one transaction.
	ClaimDue(ctx context.Context, worker string, now time.Time, lease time.Duration, ignoreSchedule bool, afterID int64, limit int) ([]*Message, error)
	// Record writes the outcomes of claimed messages in one transaction; a
	// message whose claim was lost is skipped and named in the error.
	Record(ctx context.Context, worker string, done []Done) error
	NextDue(ctx context.Context) (time.Time, bool, error)
	OutboxCounts(ctx context.Context) (pending, failed int, lastError string, err error)
	// ClaimHolders lists the workers holding a live claim at now.
	ClaimHolders(ctx context.Context, now time.Time) ([]string, error)
	// ReleaseClaims ends the claims a worker holds (its mails are due
	// again at once); it returns how many there were.
	ReleaseClaims(ctx context.Context, worker string) (int, error)
}

// Sender delivers one message; Classify says if an error is temporary and
// why it happened, as a Failure shown to the admin.
type Sender interface {
	Send(ctx context.Context, from string, to []string, msg []byte) (reply string, err error)
	Classify(err error) (temporary bool, why Failure)
}

// Session is one connection to the mail server kept for several mails.
type Session interface {
	Send(ctx context.Context, from string, to []string, msg []byte) (reply string, err error)
	Close() error
}

// Sessions is a Sender that can keep a connection for several mails: each
// of the worker's deliverers then sends over its own Session.
type Sessions interface {
	NewSession() Session
}

// SenderSource returns the current sender, or nil when no mail server is
// configured (mails then wait).
type SenderSource func(ctx context.Context) (Sender, error)

// Worker sends what the outbox holds.
type Worker struct {
	store       Store
	senders     SenderSource
	log         *slog.Logger
	now         func() time.Time
	name        string
	wake        chan struct{}
	lease       time.Duration
	maxAttempts int
	baseDelay   time.Duration
	maxDelay    time.Duration
	connections int
}

// Options tune a Worker; zero values take defaults.
type Options struct {
	Now         func() time.Time
	Lease       time.Duration // how long a claim holds (longer than a send)
	MaxAttempts int           // give up after this many temporary failures
	BaseDelay   time.Duration // first retry delay, doubled each time
	MaxDelay    time.Duration
	Connections int // parallel connections to the mail server (default 4)
}

// NewWorker returns a Worker.
func NewWorker(store Store, senders SenderSource, log *slog.Logger, opt Options) *Worker {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Lease == 0 {
		opt.Lease = 3 * time.Minute
	}
	if opt.MaxAttempts == 0 {
		opt.MaxAttempts = 10
	}
	if opt.BaseDelay == 0 {
		opt.BaseDelay = 30 * time.Second
	}
	if opt.MaxDelay == 0 {
		opt.MaxDelay = time.Hour
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opt.Connections <= 0 {
		opt.Connections = 4
	}
	var rnd [4]byte
	rand.Read(rnd[:])
	return &Worker{
		store: store, senders: senders, log: log, now: opt.Now,
		name:  fmt.Sprintf("%s/%d/%x", hostname(), os.Getpid(), rnd),
		wake:  make(chan struct{}, 1),
		lease: opt.Lease, maxAttempts: opt.MaxAttempts, baseDelay: opt.BaseDelay, maxDelay: opt.MaxDelay,
		connections: opt.Connections,
	}
}

// Wake tells a running worker that new mail is waiting.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Status reports the outbox state.
func (w *Worker) Status(ctx context.Context) (Status, error) {
	s, err := w.senders(ctx)
	if err != nil {
		return Status{}, err
	}
	p, f, last, err := w.store.OutboxCounts(ctx)
	if err != nil {
		return Status{}, err
	}
	return Status{Configured: s != nil, Pending: p, Failed: f, LastError: ParseFailure(last)}, nil
}

// Run sends until ctx ends, waking on Wake, on the next due retry, and at
// least every poll interval (another process may have queued mail).
func (w *Worker) Run(ctx context.Context, poll time.Duration) {
	for {
		if err := w.Round(ctx); err != nil && ctx.Err() == nil {
			w.log.Error("outbox", "err", err)
		}
		t := time.NewTimer(w.Wait(ctx, poll))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-w.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// Round sends every message that is due now (one round of Run, for a job
// scheduler); the error is the caller's to log or record.
func (w *Worker) Round(ctx context.Context) error {
	_, err := w.drain(ctx, false)
	return err
}

// Wait is how long until the next round: poll, or less when a retry is
// due sooner.
func (w *Worker) Wait(ctx context.Context, poll time.Duration) time.Duration {
	wait := poll
	if next, ok, err := w.store.NextDue(ctx); err == nil && ok {
		if d := next.Sub(w.now()); d < wait {
			wait = max(d, 50*time.Millisecond)
		}
	}
	return wait
}

// Woken receives after Wake: new mail is waiting.
func (w *Worker) Woken() <-chan struct{} { return w.wake }

// Result counts what one drain did.
type Result struct {
	Sent, Retrying, Failed int
	NotConfigured          bool
}

// Flush tries every pending message once now, ignoring retry schedules
// (`id06desk outbox flush`).
func (w *Worker) Flush(ctx context.Context) (Result, error) { return w.drain(ctx, true) }

// claimBatch is how many messages one claim takes, and recordBatch the
// most outcomes one transaction records: per-message transactions on the
// one writer were the serial part of a large batch of mails.
const (
	claimBatch  = 32
	recordBatch = 64
)

func (w *Worker) drain(ctx context.Context, ignoreSchedule bool) (Result, error) {
	var res Result
	sender, err := w.senders(ctx)
	if err != nil {
		return res, fmt.Errorf("mail settings: %w", err)
	}
	if sender == nil {
		res.NotConfigured = true
		return res, nil
	}
	w.releaseDead(ctx)
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	// One loop claims batches in ascending id order (so each message is
	// tried at most once per drain); up to `connections` goroutines deliver,
	// each over its own connection to the mail server, kept for the whole
	// drain when the sender can (Sessions); one recorder writes the outcomes,
	// as many as have arrived per transaction. Outcomes are recorded even
	// when ctx ends meanwhile: a sent mail that stayed unrecorded would be
	// sent again.
	claimed := make(chan *Message, claimBatch)
	results := make(chan Done, recordBatch)
	recorded := make(chan struct{})
	go func() {
		defer close(recorded)
		record := context.WithoutCancel(ctx)
		for d := range results {
			batch := []Done{d}
		more:
			for len(batch) < recordBatch {
				select {
				case d, ok := <-results:
					if !ok {
						break more
					}
					batch = append(batch, d)
				default:
					break more
				}
			}
			if err := w.store.Record(record, w.name, batch); err != nil {
				cancel(fmt.Errorf("record mail results: %w", err))
				continue
			}
			for _, d := range batch {
				switch d.State {
				case Sent:
					res.Sent++
				case Retry:
					res.Retrying++
				default:
					res.Failed++
				}
			}
		}
	}()
	var wg sync.WaitGroup
	for range w.connections {
		wg.Go(func() {
			send := sender.Send
			if ss, ok := sender.(Sessions); ok {
				s := ss.NewSession()
				defer s.Close()
				send = s.Send
			}
			for m := range claimed {
				if ctx.Err() != nil {
					continue // claimed but not tried: the lease runs out
				}
				results <- w.attempt(ctx, sender, send, m)
			}
		})
	}
	var after int64
	for ctx.Err() == nil {
		ms, err := w.store.ClaimDue(ctx, w.name, w.now(), w.lease, ignoreSchedule, after, claimBatch)
		if err != nil {
			cancel(fmt.Errorf("claim mail: %w", err))
			break
		}
		if len(ms) == 0 {
			break
		}
		after = ms[len(ms)-1].ID
		for _, m := range ms {
			claimed <- m
		}
	}
	close(claimed)
	wg.Wait()
	close(results)
	<-recorded
	return res, context.Cause(ctx)
}

// attempt sends one claimed message and says what became of it.
func (w *Worker) attempt(ctx context.Context, sender Sender, send func(context.Context, string, []string, []byte) (string, error), m *Message) Done {
	sendCtx, cancel := context.WithTimeout(ctx, w.lease/2)
	reply, err := send(sendCtx, m.From, m.Recipients(), m.Body)
	cancel()
	if err == nil {
		w.log.Info("mail sent", "outbox_id", m.ID, "kind", m.Kind)
		return Done{ID: m.ID, Outcome: Outcome{State: Sent, Reply: reply}}
	}
	temporary, why := sender.Classify(err)
	reason := why.Encode()
	attempts := m.Attempts + 1
	if temporary && attempts < w.maxAttempts {
		next := w.now().Add(w.backoff(attempts))
		w.log.Warn("mail delayed", "outbox_id", m.ID, "attempt", attempts, "retry_at", next, "reason", why.Code, "detail", why.Detail)
		return Done{ID: m.ID, Outcome: Outcome{State: Retry, Reason: reason, Next: next}}
	}
	w.log.Warn("mail failed", "outbox_id", m.ID, "attempts", attempts, "reason", why.Code, "detail", why.Detail)
	return Done{ID: m.ID, Outcome: Outcome{State: Fail, Reason: reason}}
}

// backoff is base·2^(attempt-1), capped.
func (w *Worker) backoff(attempt int) time.Duration {
	d := w.baseDelay
	for i := 1; i < attempt && d < w.maxDelay; i++ {
		d *= 2
	}
	return min(d, w.maxDelay)
}

func hostname() string {
	h, _ := os.Hostname()
	return h
}

// releaseDead ends the claims of senders that no longer run: a process on
// this machine (a worker's name is host/pid/random) that was killed or
// crashed between its claim and its record. Its mails go now instead of
// when the lease runs out (minutes after a restart). A claim of a running
// process (`outbox flush` beside the app), of another machine, or of a
// pid that a new process took meanwhile waits for its lease as before.
// Errors only delay the mails: they are logged.
func (w *Worker) releaseDead(ctx context.Context) {
	holders, err := w.store.ClaimHolders(ctx, w.now())
	if err != nil {
		w.log.Warn("outbox: list mail claims", "err", err)
		return
	}
	for _, h := range holders {
		if h == w.name || !processGone(h) {
			continue
		}
		n, err := w.store.ReleaseClaims(ctx, h)
		if err != nil {
			w.log.Warn("outbox: release the mail claims of a stopped sender", "worker", h, "err", err)
			continue
		}
		if n > 0 {
			w.log.Info("outbox: released the mail claims of a sender that stopped", "worker", h, "mails", n)
		}
	}
}

// processGone says that worker names a process of this machine that does
// not run any more.
func processGone(worker string) bool {
	host, rest, ok := strings.Cut(worker, "/")
	if !ok || host != hostname() {
		return false
	}
	pidText, _, ok := strings.Cut(rest, "/")
	if !ok {
		return false
	}
	pid, err := strconv.Atoi(pidText)
	if err != nil || pid <= 0 || pid == os.Getpid() {
		return false
	}
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}
