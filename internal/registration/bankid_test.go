package registration_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"id06desk/internal/bankid"
	"id06desk/internal/order"
	"id06desk/internal/registration"
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
func withBankID(t *testing.T, f *fixture, mrtd bool) *bankid.TestServer {
	t.Helper()
	srv, err := bankid.NewTestServer()
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

	srv.Enqueue(bankid.FailScenario("userCancel"))
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
	srv.Enqueue(bankid.Scenario{Steps: []bankid.Step{{Status: bankid.StatusPending, HintCode: "outstandingTransaction"}}})
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
	srv.SetOutage(&bankid.TestError{HTTPStatus: 503, Code: "maintenance", Details: "down"})
	_, err = f.reg.StartBankID(ctx, tok, "192.0.2.10", false)
	var be *registration.BankIDError
	if !errors.As(err, &be) || be.RFA() != bankid.RFA5 {
		t.Fatalf("maintenance: %v", err)
	}
}
