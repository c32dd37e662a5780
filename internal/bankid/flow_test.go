package bankid_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"id06desk/internal/bankid"
	"id06desk/internal/bankid/bankidtest"
)

// recorder collects the states an order reports.
type recorder struct {
	mu     sync.Mutex
	states []bankid.State
}

func (r *recorder) add(s bankid.State) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.states = append(r.states, s)
}

func (r *recorder) get() []bankid.State {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bankid.State(nil), r.states...)
}

func fastSession(api bankid.API, rec *recorder) *bankid.Session {
	s := &bankid.Session{API: api, Interval: 5 * time.Millisecond}
	if rec != nil {
		s.OnChange = rec.add
	}
	return s
}

func TestFlowToCompletion(t *testing.T) {
	ts := newServer(t)
	c := newClient(t, ts.Config())
	ctx := testCtx(t)
	rec := &recorder{}

	o, err := fastSession(c, rec).Start(ctx, bankid.StartRequest{EndUserIP: "192.0.2.44", Company: "Bygg & Anläggning AB", MRTD: true})
	if err != nil {
		t.Fatal(err)
	}
	if st := o.State(); st.RFA != bankid.RFA1 || st.Done {
		t.Errorf("state before the first collect = %+v, want RFA1 (QR flow)", st)
	}
	if o.QRData() == "" || !strings.HasPrefix(o.QRData(), "bankid.") {
		t.Errorf("QRData = %q", o.QRData())
	}

	res, err := o.Poll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := bankidtest.Completion("192.0.2.44", true).User
	if res.PersonalNumber != want.PersonalNumber || res.GivenName != want.GivenName || res.Surname != want.Surname ||
		res.Name != want.Name || !res.MRTD || res.Completion.Signature == "" {
		t.Errorf("result %+v", res)
	}

	var got []string
	for _, s := range rec.get() {
		got = append(got, fmt.Sprintf("%s/%s/%s/%v", s.Status, s.HintCode, s.RFA, s.Done))
	}
	wantStates := []string{
		"pending/outstandingTransaction/RFA1/false",
		"pending/started/RFA14A/false",
		"pending/userSign/RFA9/false",
		"complete///false",
		"complete///true",
	}
	if strings.Join(got, " ") != strings.Join(wantStates, " ") {
		t.Errorf("states\n got %v\nwant %v", got, wantStates)
	}
	select {
	case <-o.Done():
	default:
		t.Error("Done not closed")
	}
	if o.QRData() != "" {
		t.Error("QR data after the end")
	}
	if r2, err := o.Result(); err != nil || r2 != res {
		t.Errorf("Result() = %v, %v", r2, err)
	}

	// The auth request named the company and asked for the passport check.
	body := decodeBody(t, ts.Requests("auth")[0])
	text, _ := base64.StdEncoding.DecodeString(body["userVisibleData"].(string))
	if !strings.Contains(string(text), "Bygg & Anläggning AB") || body["userVisibleDataFormat"] != "simpleMarkdownV1" {
		t.Errorf("visible data %q, format %v", text, body["userVisibleDataFormat"])
	}
	if req, _ := body["requirement"].(map[string]any); req["mrtd"] != true {
		t.Errorf("requirement %v", body["requirement"])
	}
	if n := len(ts.Requests("collect")); n != 4 {
		t.Errorf("%d collects, want 4", n)
	}
}

func TestFlowWithoutMRTDSendsNoRequirement(t *testing.T) {
	ts := newServer(t)
	c := newClient(t, ts.Config())
	o, err := fastSession(c, nil).Start(testCtx(t), bankid.StartRequest{EndUserIP: "192.0.2.44", Company: "X AB"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := o.Poll(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if res.MRTD {
		t.Error("MRTD true without a passport check")
	}
	if _, ok := decodeBody(t, ts.Requests("auth")[0])["requirement"]; ok {
		t.Error("requirement sent although MRTD is off")
	}
}

func TestFlowFailures(t *testing.T) {
	ts := newServer(t)
	c := newClient(t, ts.Config())
	for _, tc := range []struct {
		hint       string
		sameDevice bool
		rfa        string
	}{
		{bankid.HintUserCancel, false, bankid.RFA6},
		{bankid.HintExpiredTransaction, false, bankid.RFA8},
		{bankid.HintStartFailed, false, bankid.RFA17B},
		{bankid.HintStartFailed, true, bankid.RFA17A},
		{bankid.HintCertificateErr, false, bankid.RFA16},
		{bankid.HintCancelled, false, bankid.RFA3},
	} {
		t.Run(fmt.Sprintf("%s same device %v", tc.hint, tc.sameDevice), func(t *testing.T) {
			ts.Enqueue(bankidtest.FailScenario(tc.hint))
			ctx := testCtx(t)
			o, err := fastSession(c, nil).Start(ctx, bankid.StartRequest{EndUserIP: "192.0.2.1", SameDevice: tc.sameDevice})
			if err != nil {
				t.Fatal(err)
			}
			res, err := o.Poll(ctx)
			fe, ok := errors.AsType[*bankid.FailedError](err)
			if res != nil || !ok || fe.HintCode != tc.hint {
				t.Fatalf("Poll = %v, %v; want *FailedError %s", res, err, tc.hint)
			}
			if st := o.State(); st.RFA != tc.rfa || !st.Done || st.Status != bankid.StatusFailed {
				t.Errorf("state %+v, want RFA %s", st, tc.rfa)
			}
			if got := bankid.MessageFor("", "", err, !tc.sameDevice); got != tc.rfa {
				t.Errorf("MessageFor(err) = %s, want %s", got, tc.rfa)
			}
		})
	}
}

func TestFlowStartErrors(t *testing.T) {
	ts := newServer(t)
	c := newClient(t, ts.Config())
	ctx := testCtx(t)

	ts.Enqueue(bankidtest.Scenario{AuthError: &bankidtest.Error{HTTPStatus: 400, Code: bankid.CodeAlreadyInProgress, Details: "in progress"}})
	_, err := bankid.Start(ctx, c, bankid.StartRequest{EndUserIP: "192.0.2.1"})
	wantCode(t, err, bankid.CodeAlreadyInProgress)
	if bankid.MessageFor("", "", err, true) != bankid.RFA4 {
		t.Errorf("alreadyInProgress gives %s", bankid.MessageFor("", "", err, true))
	}

	if _, err := bankid.Start(ctx, nil, bankid.StartRequest{EndUserIP: "192.0.2.1"}); !errors.Is(err, bankid.ErrNotConfigured) {
		t.Errorf("nil client: %v", err)
	}
	var none *bankid.Client
	if _, err := bankid.Start(ctx, none, bankid.StartRequest{EndUserIP: "192.0.2.1"}); !errors.Is(err, bankid.ErrNotConfigured) {
		t.Errorf("nil *Client: %v", err)
	}
}

// pendingForever is an order that never ends by itself.
var pendingForever = bankidtest.Scenario{Steps: []bankidtest.Step{{Status: bankid.StatusPending, HintCode: bankid.HintOutstandingTransaction}}}

func TestFlowCancel(t *testing.T) {
	ts := newServer(t)
	c := newClient(t, ts.Config())
	ctx := testCtx(t)
	ts.Enqueue(pendingForever)
	rec := &recorder{}
	o, err := fastSession(c, rec).Start(ctx, bankid.StartRequest{EndUserIP: "192.0.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	type outcome struct {
		res *bankid.Result
		err error
	}
	polled := make(chan outcome, 1)
	go func() {
		r, err := o.Poll(ctx)
		polled <- outcome{r, err}
	}()
	for len(ts.Requests("collect")) < 3 {
		time.Sleep(2 * time.Millisecond)
	}
	if _, err := o.Poll(ctx); !errors.Is(err, bankid.ErrAlreadyPolling) {
		t.Errorf("second Poll: %v", err)
	}
	if err := o.Cancel(ctx); err != nil {
		t.Fatal(err)
	}
	out := <-polled
	if out.res != nil || !errors.Is(out.err, bankid.ErrCancelled) {
		t.Fatalf("Poll = %v, %v; want ErrCancelled", out.res, out.err)
	}
	if !ts.Cancelled(o.OrderRef) {
		t.Error("BankID was not told to cancel")
	}
	if st := o.State(); !st.Done || st.RFA != bankid.RFA6 {
		t.Errorf("state %+v", st)
	}
	if err := o.Cancel(ctx); err != nil {
		t.Errorf("second Cancel: %v", err)
	}
	if n := len(ts.Requests("cancel")); n != 1 {
		t.Errorf("%d cancel requests", n)
	}
	// Poll after the end gives the same outcome.
	if _, err := o.Poll(ctx); !errors.Is(err, bankid.ErrCancelled) {
		t.Errorf("Poll after the end: %v", err)
	}
}

func TestFlowCancelBeforePoll(t *testing.T) {
	ts := newServer(t)
	c := newClient(t, ts.Config())
	ctx := testCtx(t)
	o, err := fastSession(c, nil).Start(ctx, bankid.StartRequest{EndUserIP: "192.0.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Cancel(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := o.Poll(ctx); !errors.Is(err, bankid.ErrCancelled) {
		t.Errorf("Poll after Cancel: %v", err)
	}
	if !ts.Cancelled(o.OrderRef) || len(ts.Requests("collect")) != 0 {
		t.Error("want a cancel and no collect")
	}
}

func TestFlowContextEndCancelsTheOrder(t *testing.T) {
	ts := newServer(t)
	c := newClient(t, ts.Config())
	ts.Enqueue(pendingForever)
	o, err := fastSession(c, nil).Start(testCtx(t), bankid.StartRequest{EndUserIP: "192.0.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Millisecond)
	defer cancel()
	_, err = o.Poll(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Poll = %v, want deadline exceeded", err)
	}
	if !ts.Cancelled(o.OrderRef) {
		t.Error("the order was left running at BankID")
	}
}

func TestFlowRetriesTemporaryErrors(t *testing.T) {
	ts := newServer(t)
	c := newClient(t, ts.Config())
	ctx := testCtx(t)
	internal := &bankidtest.Error{HTTPStatus: 500, Code: bankid.CodeInternalError, Details: "oops"}
	maintenance := &bankidtest.Error{HTTPStatus: 503, Code: bankid.CodeMaintenance, Details: "later"}

	ts.Enqueue(bankidtest.Scenario{Steps: []bankidtest.Step{
		{Status: bankid.StatusPending, HintCode: bankid.HintOutstandingTransaction},
		{Error: internal}, {Error: maintenance}, {Error: internal},
		{Status: bankid.StatusComplete},
	}})
	o, err := fastSession(c, nil).Start(ctx, bankid.StartRequest{EndUserIP: "192.0.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.Poll(ctx); err != nil {
		t.Fatalf("three temporary errors in a row: %v", err)
	}

	ts.Enqueue(bankidtest.Scenario{Steps: []bankidtest.Step{
		{Status: bankid.StatusPending, HintCode: bankid.HintOutstandingTransaction},
		{Error: internal},
	}})
	o, err = fastSession(c, nil).Start(ctx, bankid.StartRequest{EndUserIP: "192.0.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = o.Poll(ctx)
	wantCode(t, err, bankid.CodeInternalError)
	if n := len(ts.Requests("collect")); n != 5+5 {
		t.Errorf("%d collects, want 5 + 5 (1 pending, 3 retried errors, 1 final)", n)
	}
	// Given up: the order has ended, failed, with a message to retry, and
	// BankID was told to stop it (the app must not keep asking).
	if st := o.State(); st.RFA != bankid.RFA5 || !st.Done || st.Status != bankid.StatusFailed {
		t.Errorf("state after giving up %+v, want done, failed, RFA5", st)
	}
	if !ts.Cancelled(o.OrderRef) {
		t.Error("the order given up on was left running at BankID")
	}

	ts.Enqueue(bankidtest.Scenario{Steps: []bankidtest.Step{{Error: &bankidtest.Error{HTTPStatus: 401, Code: bankid.CodeUnauthorized, Details: "no"}}}})
	o, err = fastSession(c, nil).Start(ctx, bankid.StartRequest{EndUserIP: "192.0.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	before := len(ts.Requests("collect"))
	_, err = o.Poll(ctx)
	wantCode(t, err, bankid.CodeUnauthorized)
	if n := len(ts.Requests("collect")) - before; n != 1 {
		t.Errorf("unauthorized retried: %d collects", n)
	}
}

// fakeClock is a settable clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestOrderQRDataCountsWholeSecondsSinceAuth(t *testing.T) {
	ts := newServer(t)
	c := newClient(t, ts.Config())
	clock := &fakeClock{now: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)}
	s := &bankid.Session{API: c, Now: clock.Now}
	o, err := s.Start(testCtx(t), bankid.StartRequest{EndUserIP: "192.0.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	qrToken, qrSecret := o.QRSecrets()
	for _, step := range []struct {
		advance time.Duration
		seconds int
	}{
		{0, 0}, {999 * time.Millisecond, 0}, {time.Millisecond, 1}, {1500 * time.Millisecond, 2}, {28 * time.Second, 30},
	} {
		clock.advance(step.advance)
		if got, want := o.QRData(), bankid.QRData(qrToken, qrSecret, step.seconds); got != want {
			t.Errorf("after +%v: %q, want seconds %d (%q)", step.advance, got, step.seconds, want)
		}
	}
}

// fakeAPI serves the flow without a network: collect blocks until its
// context ends, so Poll can only return through cancellation.
type fakeAPI struct{ cancels chan string }

func (f *fakeAPI) Auth(context.Context, bankid.AuthRequest) (*bankid.AuthResponse, error) {
	return &bankid.AuthResponse{OrderRef: uuid.NewString(), AutoStartToken: "a", QRStartToken: "q", QRStartSecret: "s"}, nil
}

func (f *fakeAPI) Collect(ctx context.Context, _ string) (*bankid.CollectResponse, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

func (f *fakeAPI) Cancel(_ context.Context, ref string) error {
	f.cancels <- ref
	return nil
}

func TestPollLeavesNoGoroutines(t *testing.T) {
	api := &fakeAPI{cancels: make(chan string, 100)}
	before := runtime.NumGoroutine()
	for i := range 20 {
		ctx, cancel := context.WithCancel(t.Context())
		o, err := fastSession(api, nil).Start(ctx, bankid.StartRequest{EndUserIP: "192.0.2.1"})
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() {
			_, err := o.Poll(ctx)
			done <- err
		}()
		if i%2 == 0 {
			if err := o.Cancel(t.Context()); err != nil {
				t.Fatal(err)
			}
			if err := <-done; !errors.Is(err, bankid.ErrCancelled) {
				t.Fatalf("Poll after Cancel: %v", err)
			}
		} else {
			cancel()
			if err := <-done; !errors.Is(err, context.Canceled) {
				t.Fatalf("Poll after context cancel: %v", err)
			}
		}
		cancel()
		select {
		case ref := <-api.cancels:
			if ref != o.OrderRef {
				t.Fatalf("cancelled %s, want %s", ref, o.OrderRef)
			}
		case <-time.After(2 * time.Second):
			t.Fatal("the order was not cancelled at BankID")
		}
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after, %d before", n, before)
	}
}

func TestPersonalNumberIsRedacted(t *testing.T) {
	d := bankidtest.Completion("192.0.2.1", true)
	res := bankid.ResultOf(&d)
	pn := d.User.PersonalNumber
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	log.Info("done", "result", res, "user", d.User, "completion", d)
	for name, s := range map[string]string{
		"fmt result":     fmt.Sprint(res),
		"fmt %+v result": fmt.Sprintf("%+v", *res),
		"fmt user":       fmt.Sprintf("%v", d.User),
		"fmt completion": fmt.Sprintf("%v", d),
		"slog":           buf.String(),
	} {
		if strings.Contains(s, pn) || strings.Contains(s, pn[2:]) {
			t.Errorf("%s shows the personal number: %s", name, s)
		}
		if !strings.Contains(s, "[redacted]") {
			t.Errorf("%s: %s", name, s)
		}
	}
}

func TestVisibleText(t *testing.T) {
	got := bankid.VisibleText("  Bygg\n#AB\t ")
	if want := "# ID06\n\nDu legitimerar dig hos Bygg #AB för att registrera ditt ID06-kort.\n\nYou are identifying yourself to Bygg #AB to register your ID06 card."; got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if got := bankid.VisibleText(""); strings.Contains(got, "hos ") || !strings.Contains(got, "ID06-kort") {
		t.Errorf("no company: %q", got)
	}
	long := bankid.VisibleText(strings.Repeat("å", 300))
	if strings.Count(long, "å") != 200 { // 100 in each language
		t.Errorf("long name not cut to 100 characters: %d", strings.Count(long, "å"))
	}
}
