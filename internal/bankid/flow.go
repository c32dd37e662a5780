package bankid

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode"

	"id06desk/internal/i18n"
)

// API is the part of the BankID API the flow uses; *Client implements it.
type API interface {
	Auth(ctx context.Context, req AuthRequest) (*AuthResponse, error)
	Collect(ctx context.Context, orderRef string) (*CollectResponse, error)
	Cancel(ctx context.Context, orderRef string) error
}

// DefaultInterval is the time between two collect calls the API asks for.
const DefaultInterval = 2 * time.Second

// maxCollectRetries is how many temporary collect failures in a row Poll
// rides out before giving up.
const maxCollectRetries = 3

// cancelTimeout bounds the cancel Poll sends when its context ends.
const cancelTimeout = 5 * time.Second

// Session holds the settings of the identification flow. The zero value
// with API set is ready to use.
type Session struct {
	API API
	// Interval between collect calls; 0 means DefaultInterval. Tests use
	// a few milliseconds.
	Interval time.Duration
	// Now is the clock for the QR code's seconds; nil means time.Now.
	Now func() time.Time
	// OnChange, if set, is called from Poll's goroutine each time the
	// order's State changes, and once when it ends. It must not block.
	OnChange func(State)
	// Logger gets operational lines (retries, failed cancels), never
	// personal data. nil discards.
	Logger *slog.Logger
}

// StartRequest starts an identification for one cardholder.
type StartRequest struct {
	// EndUserIP is the cardholder's IP address (the kiosk's own address
	// when they stand at the kiosk). Required.
	EndUserIP string
	// Company is the ordering company, named in the text the BankID app
	// shows.
	Company string
	// MRTD asks BankID to check the cardholder's passport or national ID
	// card (off by default). BankID may complete the order even when the
	// check fails: look at Result.MRTD.
	MRTD bool
	// SameDevice is true when the BankID app is started on the device that
	// shows the page (autostart token), false when the cardholder scans the
	// QR code with their phone (the kiosk). It only changes the messages.
	SameDevice bool
	// ReturnURL is where the BankID app returns in the same-device flow.
	ReturnURL string
}

// State is what a user interface needs to show an order's progress.
type State struct {
	Status   string // "" before the first collect, then pending, failed or complete
	HintCode string
	RFA      string // the message to show (see Message); "" when complete
	Done     bool
}

// Result is the identified cardholder.
type Result struct {
	PersonalNumber string // 12 digits
	GivenName      string
	Surname        string
	Name           string
	// MRTD is true if the passport/ID card check was performed and passed.
	MRTD bool
	// Completion is the full completion data (signature, OCSP response),
	// to keep as proof.
	Completion CompletionData
}

// String prints the result with the personal number redacted.
func (r Result) String() string {
	return fmt.Sprintf("{PersonalNumber:%s Name:%s MRTD:%v}", redacted(r.PersonalNumber), r.Name, r.MRTD)
}

// LogValue logs the result with the personal number redacted.
func (r Result) LogValue() slog.Value {
	return slog.GroupValue(slog.String("personalNumber", redacted(r.PersonalNumber)),
		slog.String("name", r.Name), slog.Bool("mrtd", r.MRTD))
}

// Start starts an identification order with the default session settings.
func Start(ctx context.Context, client API, req StartRequest) (*Order, error) {
	return (&Session{API: client}).Start(ctx, req)
}

// Start sends the auth request and returns the running order. Call Poll
// (typically in its own goroutine) to follow it to the end.
func (s *Session) Start(ctx context.Context, req StartRequest) (*Order, error) {
	if s == nil || s.API == nil {
		return nil, ErrNotConfigured
	}
	if c, ok := s.API.(*Client); ok && c == nil {
		return nil, ErrNotConfigured
	}
	ar := AuthRequest{
		EndUserIP:       req.EndUserIP,
		UserVisibleData: VisibleText(req.Company),
		ReturnURL:       req.ReturnURL,
	}
	if req.MRTD {
		ar.Requirement = &Requirement{MRTD: true}
	}
	resp, err := s.API.Auth(ctx, ar)
	if err != nil {
		return nil, err
	}
	now := s.Now
	if now == nil {
		now = time.Now
	}
	interval := s.Interval
	if interval <= 0 {
		interval = DefaultInterval
	}
	log := s.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Order{
		OrderRef:       resp.OrderRef,
		AutoStartToken: resp.AutoStartToken,
		api:            s.API,
		interval:       interval,
		now:            now,
		onChange:       s.OnChange,
		log:            log,
		qrToken:        resp.QRStartToken,
		qrSecret:       resp.QRStartSecret,
		started:        now(),
		qrFlow:         !req.SameDevice,
		done:           make(chan struct{}),
	}, nil
}

// VisibleText is the simpleMarkdownV1 text the BankID app shows: who asks
// and why, in Swedish and English. The company name is put on one line and
// cut to 100 characters. Assumption: a name in the middle of a paragraph
// needs no escaping (simpleMarkdownV1 formats only paired markers and
// markers at the start of a line).
func VisibleText(company string) string {
	company = strings.Join(strings.FieldsFunc(company, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}), " ")
	if r := []rune(company); len(r) > 100 {
		company = strings.TrimSpace(string(r[:100]))
	}
	m := msgVisible.With()
	if company != "" {
		m = msgVisibleCompany.With("company", company)
	}
	return "# ID06\n\n" + m.In(i18n.SV) + "\n\n" + m.In(i18n.EN)
}

// Order is a started identification. Its methods are safe for concurrent
// use: one goroutine runs Poll while others read State and QRData or call
// Cancel.
type Order struct {
	OrderRef       string
	AutoStartToken string

	api      API
	interval time.Duration
	now      func() time.Time
	onChange func(State)
	log      *slog.Logger
	qrToken  string
	qrSecret string
	started  time.Time
	qrFlow   bool
	done     chan struct{}

	mu        sync.Mutex
	status    string
	hintCode  string
	polling   bool
	cancelled bool
	abort     context.CancelFunc
	finished  bool
	result    *Result
	err       error
}

// QRData returns the QR code content for now: the whole seconds since the
// auth answer. Redraw it every second; it is "" once the order has ended.
func (o *Order) QRData() string {
	if o.State().Done {
		return ""
	}
	return QRData(o.qrToken, o.qrSecret, int(o.now().Sub(o.started)/time.Second))
}

// Done is closed when the order has ended (complete, failed, cancelled or
// given up).
func (o *Order) Done() <-chan struct{} { return o.done }

// State returns the order's progress now.
func (o *Order) State() State {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.stateLocked()
}

func (o *Order) stateLocked() State {
	st := State{Status: o.status, HintCode: o.hintCode, Done: o.finished}
	switch {
	case o.finished && o.err != nil:
		st.RFA = MessageFor(o.status, o.hintCode, o.err, o.qrFlow)
	case o.status == "" && !o.finished:
		// Nothing collected yet: the user has not started the app.
		st.RFA = MessageFor(StatusPending, HintOutstandingTransaction, nil, o.qrFlow)
	default:
		st.RFA = MessageFor(o.status, o.hintCode, nil, o.qrFlow)
	}
	return st
}

// Result returns the outcome once Done is closed: the identified user, or
// the error (*FailedError, ErrCancelled, an *Error, a context error).
func (o *Order) Result() (*Result, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.finished {
		return nil, errors.New("bankid: order still running")
	}
	return o.result, o.err
}

// Poll collects the order's state every Interval until it is complete or
// failed, Cancel is called, or ctx ends, and returns the identified user or
// why there is none: *FailedError (failed, with the hint code), ErrCancelled,
// an *Error, or ctx's error. When ctx ends first, Poll also cancels the order
// at BankID so the app stops waiting. Temporary errors (see Error.Temporary)
// are retried up to three times in a row; when Poll gives up on errors it
// also cancels the order at BankID, and State reports it failed.
//
// Poll runs once: a call while it runs returns ErrAlreadyPolling, a call
// after it returned gives the same outcome again. It starts no goroutines.
func (o *Order) Poll(ctx context.Context) (*Result, error) {
	o.mu.Lock()
	switch {
	case o.finished:
		defer o.mu.Unlock()
		return o.result, o.err
	case o.polling:
		o.mu.Unlock()
		return nil, ErrAlreadyPolling
	case o.cancelled:
		o.mu.Unlock()
		o.finish(nil, ErrCancelled)
		return nil, ErrCancelled
	}
	pctx, stop := context.WithCancel(ctx)
	defer stop()
	o.polling, o.abort = true, stop
	o.mu.Unlock()

	res, err := o.loop(pctx)
	if res == nil {
		o.mu.Lock()
		cancelled := o.cancelled
		o.mu.Unlock()
		_, failed := errors.AsType[*FailedError](err)
		switch {
		case cancelled:
			err = ErrCancelled
		case ctx.Err() != nil:
			o.cancelAtBankID(ctx, "polling stopped")
			err = fmt.Errorf("bankid: polling stopped: %w", ctx.Err())
		case !failed:
			// Given up on errors (BankID down, too many 5xx in a row): the
			// order ends here too, so the app does not keep asking.
			o.cancelAtBankID(ctx, "collect failed")
		}
	}
	o.finish(res, err)
	return res, err
}

// cancelAtBankID tells BankID to end the order (best effort, bounded): the
// order is over on this side whatever BankID answers.
func (o *Order) cancelAtBankID(ctx context.Context, why string) {
	cctx, done := context.WithTimeout(context.WithoutCancel(ctx), cancelTimeout)
	defer done()
	if err := o.api.Cancel(cctx, o.OrderRef); err != nil && ErrorCode(err) != CodeInvalidParameters {
		o.log.Warn("bankid: could not cancel the order", "why", why, "err", err)
	}
}

func (o *Order) loop(ctx context.Context) (*Result, error) {
	failures := 0
	for {
		resp, err := o.api.Collect(ctx, o.OrderRef)
		switch {
		case err != nil && ctx.Err() != nil:
			return nil, ctx.Err()
		case err != nil:
			e, ok := errors.AsType[*Error](err)
			if !ok || !e.Temporary() || failures >= maxCollectRetries {
				return nil, err
			}
			failures++
			o.log.Warn("bankid: collect failed, will retry", "code", e.Code, "attempt", failures)
		default:
			failures = 0
			o.update(resp.Status, resp.HintCode)
			switch resp.Status {
			case StatusComplete:
				return resultOf(resp.CompletionData), nil
			case StatusFailed:
				return nil, &FailedError{HintCode: resp.HintCode}
			}
		}
		t := time.NewTimer(o.interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

func resultOf(d *CompletionData) *Result {
	return &Result{
		PersonalNumber: d.User.PersonalNumber,
		GivenName:      d.User.GivenName,
		Surname:        d.User.Surname,
		Name:           d.User.Name,
		MRTD:           d.StepUp != nil && d.StepUp.MRTD,
		Completion:     *d,
	}
}

// update records a collect answer and reports a change.
func (o *Order) update(status, hintCode string) {
	o.mu.Lock()
	if o.status == status && o.hintCode == hintCode {
		o.mu.Unlock()
		return
	}
	o.status, o.hintCode = status, hintCode
	st := o.stateLocked()
	o.mu.Unlock()
	if o.onChange != nil {
		o.onChange(st)
	}
}

// finish records the outcome once, closes Done and reports the end.
func (o *Order) finish(res *Result, err error) {
	o.mu.Lock()
	if o.finished {
		o.mu.Unlock()
		return
	}
	o.finished, o.result, o.err = true, res, err
	if err != nil {
		// Whatever ended it (BankID's failed, a cancel, errors given up
		// on), an order without a result has failed: a page never keeps
		// showing "pending" for an order nobody follows any more.
		o.status = StatusFailed
	}
	o.polling, o.abort = false, nil
	st := o.stateLocked()
	close(o.done)
	o.mu.Unlock()
	if o.onChange != nil {
		o.onChange(st)
	}
}

// Cancel ends the order: Poll returns ErrCancelled and BankID is told to
// cancel (so the app stops asking the user). Cancelling an order that has
// already ended does nothing. An order BankID no longer knows
// (invalidParameters) counts as cancelled.
func (o *Order) Cancel(ctx context.Context) error {
	o.mu.Lock()
	if o.finished || o.cancelled {
		o.mu.Unlock()
		return nil
	}
	o.cancelled = true
	abort, polling := o.abort, o.polling
	o.mu.Unlock()
	if abort != nil {
		abort()
	}
	if !polling {
		o.finish(nil, ErrCancelled)
	}
	if err := o.api.Cancel(ctx, o.OrderRef); err != nil && ErrorCode(err) != CodeInvalidParameters {
		return err
	}
	return nil
}

// The text the BankID app shows while the person identifies, in both
// languages at once (the app does not know the page's language).
var (
	msgVisible = i18n.Text{Code: "bankid.visible",
		SV: "Du legitimerar dig för att registrera ditt ID06-kort.",
		EN: "You are identifying yourself to register your ID06 card."}
	msgVisibleCompany = i18n.Text{Code: "bankid.visible_company",
		SV: "Du legitimerar dig hos {company} för att registrera ditt ID06-kort.",
		EN: "You are identifying yourself to {company} to register your ID06 card."}
)
