package registration_test

import (
	"bytes"
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"id06desk/internal/bankid"
	"id06desk/internal/bankid/bankidtest"
	"id06desk/internal/order"
	"id06desk/internal/registration"
	"id06desk/internal/sqlite"
)

type testBankID struct {
	c    *bankid.Client
	mrtd bool
}

func (t testBankID) Client(context.Context) (*bankid.Client, error) { return t.c, nil }
func (t testBankID) MRTD(context.Context) bool                      { return t.mrtd }
func (t testBankID) Available(context.Context) (bool, string)       { return true, "" }

// withBankID gives the fixture a registration service that identifies with
// the loopback BankID test server.
func withBankID(t *testing.T, f *fixture, mrtd bool) *bankidtest.Server {
	t.Helper()
	srv, err := bankidtest.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	c, err := bankid.NewClient(srv.Config())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	f.reg = registration.New(registration.Config{Store: f.db, Settings: f.st, Keys: f.keys, Now: f.clock,
		BankIDs: testBankID{c: c, mrtd: mrtd}, BankIDInterval: 10 * time.Millisecond})
	return srv
}

func waitBankID(t *testing.T, f *fixture, tok string) registration.BankIDState {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		st, err := f.reg.BankIDStatus(context.Background(), tok)
		if err != nil {
			t.Fatal(err)
		}
		if st.Status != bankid.StatusPending {
			return st
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("BankID identification did not finish")
	return registration.BankIDState{}
}

func TestBankIDRegistration(t *testing.T) {
	f := newFixture(t)
	srv := withBankID(t, f, true)
	ctx := context.Background()
	_, tok := f.invite(t, "bank@example.se")

	s, err := f.reg.Open(ctx, tok, false)
	if err != nil || !s.BankID.Available {
		t.Fatalf("open: %+v %v", s, err)
	}
	if _, err := f.reg.SetMethod(ctx, tok, order.MethodBankID, false); err != nil {
		t.Fatal(err)
	}
	st, err := f.reg.StartBankID(ctx, tok, "192.0.2.10", false)
	if err != nil || st.Status != bankid.StatusPending || st.QR == "" || st.Message["sv"] == "" {
		t.Fatalf("start: %+v %v", st, err)
	}
	auth := srv.Requests("auth")
	if len(auth) != 1 || !bytes.Contains(auth[0].Body, []byte(`"mrtd":true`)) || !bytes.Contains(auth[0].Body, []byte("192.0.2.10")) {
		t.Fatalf("auth request %+v", auth)
	}
	if st = waitBankID(t, f, tok); st.Status != bankid.StatusComplete {
		t.Fatalf("finished: %+v", st)
	}
	s, _ = f.reg.Open(ctx, tok, false)
	if s.Personal == nil || !s.Personal.Locked || s.Personal.Personnummer == "" || s.Personal.FirstName == "" || s.Step != registration.StepPersonal {
		t.Fatalf("after BankID: %+v step %s", s.Personal, s.Step)
	}
	locked := *s.Personal

	// Only the phone is taken now; name and personnummer cannot be changed.
	s, err = f.reg.SavePersonal(ctx, tok, registration.PersonalInput{FirstName: "Mallory", LastName: "Fake", HasPersonnummer: true,
		Personnummer: "811218-9876", Phone: "0701234567"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if s.Personal.FirstName != locked.FirstName || s.Personal.Personnummer != locked.Personnummer || s.Personal.Phone != "+46701234567" || s.Step != registration.StepPhoto {
		t.Fatalf("locked identity changed: %+v", s.Personal)
	}
	if _, err := f.reg.UploadPhoto(ctx, tok, bytes.NewReader(samplePhoto(t)), false); err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.SaveDelivery(ctx, tok, registration.DeliveryInput{UseCompany: true}, false); err != nil {
		t.Fatal(err)
	}
	rec, err := f.reg.Confirm(ctx, tok, false)
	if err != nil {
		t.Fatal(err)
	}
	o, _ := f.db.GetOrder(ctx, rec.OrderID)
	if o.IdentityMethod != order.MethodBankID || o.IdentityCheck != order.CheckBankIDPassport || o.Personnummer != locked.Personnummer {
		t.Fatalf("order %s %s", o.IdentityMethod, o.IdentityCheck)
	}
}

func TestBankIDFailuresAndCancel(t *testing.T) {
	f := newFixture(t)
	srv := withBankID(t, f, false)
	ctx := context.Background()
	_, tok := f.invite(t, "fail@example.se")
	if _, err := f.reg.SetMethod(ctx, tok, order.MethodBankID, false); err != nil {
		t.Fatal(err)
	}

	srv.Enqueue(bankidtest.FailScenario("userCancel"))
	if _, err := f.reg.StartBankID(ctx, tok, "192.0.2.10", false); err != nil {
		t.Fatal(err)
	}
	if st := waitBankID(t, f, tok); st.Status != bankid.StatusFailed || st.RFA != bankid.RFA6 || st.Message["en"] == "" {
		t.Fatalf("userCancel: %+v", st)
	}
	if s, _ := f.reg.Open(ctx, tok, false); s.Personal != nil {
		t.Fatal("a failed identification stored personal data")
	}

	// Cancel while pending: BankID is told, the run is gone.
	srv.Enqueue(bankidtest.Scenario{Steps: []bankidtest.Step{{Status: bankid.StatusPending, HintCode: "outstandingTransaction"}}})
	st, err := f.reg.StartBankID(ctx, tok, "192.0.2.10", false)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.reg.CancelBankID(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.BankIDStatus(ctx, tok); !errors.Is(err, registration.ErrNoBankID) {
		t.Fatalf("status after cancel: %v", err)
	}
	_ = st

	// Typing the data by hand instead is still possible; the order then
	// waits for the identity check at the partner.
	if _, err := f.reg.SavePersonal(ctx, tok, registration.PersonalInput{FirstName: "Fia", LastName: "Fel", HasPersonnummer: true,
		Personnummer: "811218-9876", Phone: "0701234567"}, false); err != nil {
		t.Fatal(err)
	}
	if s, _ := f.reg.Open(ctx, tok, false); s.Method != order.MethodManual || s.Personal.Locked {
		t.Fatalf("manual after BankID: %s %+v", s.Method, s.Personal)
	}

	// BankID refusing to start (maintenance) is a BankIDError with its RFA.
	srv.SetOutage(&bankidtest.Error{HTTPStatus: 503, Code: "maintenance", Details: "down"})
	_, err = f.reg.StartBankID(ctx, tok, "192.0.2.10", false)
	var be *registration.BankIDError
	if !errors.As(err, &be) || be.RFA() != bankid.RFA5 {
		t.Fatalf("maintenance: %v", err)
	}
}

// pendingThenComplete is an order the person approves after n collects.
func pendingThenComplete(n int) bankidtest.Scenario {
	var steps []bankidtest.Step
	for range n {
		steps = append(steps, bankidtest.Step{Status: bankid.StatusPending, HintCode: bankid.HintOutstandingTransaction})
	}
	return bankidtest.Scenario{Steps: append(steps, bankidtest.Step{Status: bankid.StatusComplete})}
}

// waitCollects waits until the server has answered at least n collects.
func waitCollects(t *testing.T, srv *bankidtest.Server, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(srv.Requests("collect")) < n {
		if time.Now().After(deadline) {
			t.Fatalf("fewer than %d collects", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Issue 10 item 12: at the kiosk "Cancel and delete" and the idle wipe left
// the BankID order running; when the person approved it a little later, the
// name and personnummer landed in the (deleted, so recreated) draft, where
// the next person typing the code saw them. Cancel and both wipes must tell
// BankID to cancel, stop polling, and never write the result.
func TestBankIDCancelAndWipeDiscardTheLateResult(t *testing.T) {
	for _, tc := range []struct {
		name   string
		end    func(f *fixture, tok string) error
		idleOn bool // kiosk.idle_discard (off keeps the draft on an idle wipe)
	}{
		{"cancel", func(f *fixture, tok string) error { return f.reg.CancelBankID(context.Background(), tok) }, true},
		{"cancel and delete", func(f *fixture, tok string) error { return f.reg.Discard(context.Background(), tok, false) }, true},
		{"idle wipe", func(f *fixture, tok string) error { return f.reg.Discard(context.Background(), tok, true) }, true},
		{"idle wipe keeping the draft", func(f *fixture, tok string) error { return f.reg.Discard(context.Background(), tok, true) }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			srv := withBankID(t, f, false)
			ctx := context.Background()
			if !tc.idleOn {
				if err := f.st.Set(ctx, "test", map[string]string{"kiosk.idle_discard": "off"}); err != nil {
					t.Fatal(err)
				}
			}
			id, tok := f.invite(t, "late@example.se")
			if _, err := f.reg.SetMethod(ctx, tok, order.MethodBankID, true); err != nil {
				t.Fatal(err)
			}
			// Approved after 20 collects (10 ms apart): well after the cancel.
			srv.Enqueue(pendingThenComplete(20))
			if _, err := f.reg.StartBankID(ctx, tok, "127.0.0.1", false); err != nil {
				t.Fatal(err)
			}
			waitCollects(t, srv, 2)
			if err := tc.end(f, tok); err != nil {
				t.Fatal(err)
			}
			if n := len(srv.Requests("cancel")); n != 1 {
				t.Errorf("%d cancel requests reached BankID, want 1", n)
			}
			// Long enough for the order to have completed had polling gone on
			// (20 × 10 ms), and polling has stopped.
			time.Sleep(100 * time.Millisecond)
			before := len(srv.Requests("collect"))
			time.Sleep(300 * time.Millisecond)
			if after := len(srv.Requests("collect")); after != before {
				t.Errorf("still polling after the cancel: %d more collects", after-before)
			}
			d, err := registration.LoadDraft(ctx, f.db, id)
			if err != nil {
				t.Fatal(err)
			}
			if d.Personal != nil {
				t.Fatalf("the cancelled identification was written to the draft: %s %s", d.Personal.FirstName, d.Personal.LastName)
			}
			if _, err := f.reg.BankIDStatus(ctx, tok); !errors.Is(err, registration.ErrNoBankID) {
				t.Errorf("status after the end: %v", err)
			}
		})
	}
}

// A wipe that comes while the completed identification is being stored
// waits for the store and then deletes what it wrote.
func TestBankIDWipeDuringStoreLeavesNothing(t *testing.T) {
	f := newFixture(t)
	srv := withBankID(t, f, false)
	ctx := context.Background()
	gate := &gatedStore{DB: f.db, entered: make(chan struct{}), release: make(chan struct{})}
	f.reg = registration.New(registration.Config{Store: gate, Settings: f.st, Keys: f.keys, Now: f.clock,
		BankIDs: testBankID{c: bankIDClient(t, srv)}, BankIDInterval: 10 * time.Millisecond})
	id, tok := f.invite(t, "race@example.se")
	if _, err := f.reg.SetMethod(ctx, tok, order.MethodBankID, true); err != nil {
		t.Fatal(err)
	}
	gate.armed.Store(true)
	srv.Enqueue(pendingThenComplete(1))
	if _, err := f.reg.StartBankID(ctx, tok, "127.0.0.1", false); err != nil {
		t.Fatal(err)
	}
	select {
	case <-gate.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the identification was never stored")
	}
	wiped := make(chan error, 1)
	go func() { wiped <- f.reg.Discard(ctx, tok, false) }()
	time.Sleep(50 * time.Millisecond) // the wipe is under way while the store waits
	close(gate.release)
	if err := <-wiped; err != nil {
		t.Fatal(err)
	}
	d, err := registration.LoadDraft(ctx, f.db, id)
	if err != nil {
		t.Fatal(err)
	}
	if d.Personal != nil {
		t.Fatal("the identification stored during the wipe survived it")
	}
}

// gatedStore holds the first SaveDraft after armed until release.
type gatedStore struct {
	*sqlite.DB
	armed   atomic.Bool
	entered chan struct{}
	release chan struct{}
}

func (g *gatedStore) SaveDraft(ctx context.Context, id string, fn func(d *order.DraftRecord) error) (order.DraftRecord, error) {
	if g.armed.CompareAndSwap(true, false) {
		close(g.entered)
		<-g.release
	}
	return g.DB.SaveDraft(ctx, id, fn)
}

func bankIDClient(t *testing.T, srv *bankidtest.Server) *bankid.Client {
	t.Helper()
	c, err := bankid.NewClient(srv.Config())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// Issue 10 item 13: BankID answering 500/503 to every collect made the app
// stop asking after four tries while the page kept showing "pending". The
// identification must end as failed, with a message in both languages, and
// a new start (the page's "Try again") must work.
func TestBankIDServerErrorsEndTheIdentification(t *testing.T) {
	f := newFixture(t)
	srv := withBankID(t, f, false)
	ctx := context.Background()
	_, tok := f.invite(t, "down@example.se")
	if _, err := f.reg.SetMethod(ctx, tok, order.MethodBankID, false); err != nil {
		t.Fatal(err)
	}
	srv.Enqueue(bankidtest.Scenario{Steps: []bankidtest.Step{
		{Status: bankid.StatusPending, HintCode: bankid.HintOutstandingTransaction},
		{Error: &bankidtest.Error{HTTPStatus: 503, Code: bankid.CodeMaintenance, Details: "down"}},
		{Error: &bankidtest.Error{HTTPStatus: 500, Code: bankid.CodeInternalError, Details: "oops"}},
	}})
	if _, err := f.reg.StartBankID(ctx, tok, "192.0.2.10", false); err != nil {
		t.Fatal(err)
	}
	st := waitBankID(t, f, tok)
	if st.Status != bankid.StatusFailed || st.RFA != bankid.RFA5 || st.QR != "" || st.Message["sv"] == "" || st.Message["en"] == "" {
		t.Fatalf("after the server errors: %+v", st)
	}
	if n := len(srv.Requests("cancel")); n != 1 {
		t.Errorf("%d cancel requests, want 1: the order given up on is ended at BankID", n)
	}
	// Try again: a new order, which completes.
	st, err := f.reg.StartBankID(ctx, tok, "192.0.2.10", false)
	if err != nil || st.Status != bankid.StatusPending {
		t.Fatalf("retry: %+v %v", st, err)
	}
	if n := len(srv.Requests("auth")); n != 2 {
		t.Errorf("%d auth requests, want 2", n)
	}
	if st := waitBankID(t, f, tok); st.Status != bankid.StatusComplete {
		t.Fatalf("retry finished: %+v", st)
	}
}
