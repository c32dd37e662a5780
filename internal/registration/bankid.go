package registration

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"id06desk/internal/bankid"
	"id06desk/internal/identity"
	"id06desk/internal/order"
)

// BankIDProvider gives the configured BankID client.
type BankIDProvider interface {
	Client(ctx context.Context) (*bankid.Client, error)
	MRTD(ctx context.Context) bool
	Available(ctx context.Context) (bool, string)
}

// bankIDTimeout bounds one identification: BankID itself gives up after
// about three minutes.
const bankIDTimeout = 4 * time.Minute

// bankIDRun is one identification in progress for an invitation.
type bankIDRun struct {
	order *bankid.Order
	mrtd  bool // the passport check was asked for
	stop  context.CancelFunc
	saved chan struct{} // closed once the outcome is in the draft
	err   error         // why the outcome could not be stored

	// mu orders storing the outcome against cancelling: once cancelled is
	// set, the outcome is never written, and a cancel waits for a store
	// already under way (so a wipe after it deletes what it wrote).
	mu        sync.Mutex
	cancelled bool
}

// cancel marks the run cancelled; it returns once no store is under way.
func (r *bankIDRun) cancel() {
	r.mu.Lock()
	r.cancelled = true
	r.mu.Unlock()
}

type bankIDRuns struct {
	mu   sync.Mutex
	runs map[string]*bankIDRun // by invitation id
}

// BankIDState is the progress the registration page shows.
type BankIDState struct {
	Status         string            `json:"status"` // pending, complete, failed
	HintCode       string            `json:"hintCode,omitempty"`
	RFA            string            `json:"rfa,omitempty"`
	Message        map[string]string `json:"message,omitempty"` // sv, en: what to tell the person
	QR             string            `json:"qr,omitempty"`      // current animated QR data
	AutoStartToken string            `json:"autoStartToken,omitempty"`
}

func stateOf(run *bankIDRun) BankIDState {
	st := run.order.State()
	out := BankIDState{Status: st.Status, HintCode: st.HintCode, RFA: st.RFA, AutoStartToken: run.order.AutoStartToken}
	if out.Status == "" {
		out.Status = bankid.StatusPending
	}
	if st.Done {
		select {
		case <-run.saved:
		case <-time.After(2 * time.Second):
		}
		if run.err != nil {
			out.Status, out.RFA = bankid.StatusFailed, bankid.RFA22
		}
		out.AutoStartToken = ""
	} else {
		out.QR = run.order.QRData()
	}
	if out.RFA != "" {
		out.Message = map[string]string{"sv": bankid.Message(out.RFA, "sv"), "en": bankid.Message(out.RFA, "en")}
	}
	return out
}

// StartBankID starts an identification for a valid link. endUserIP is the
// cardholder's address (the kiosk's own when at the kiosk); sameDevice when
// the page will open the BankID app on this device.
func (s *Service) StartBankID(ctx context.Context, tok, endUserIP string, sameDevice bool) (BankIDState, error) {
	inv, vals, err := s.authorize(ctx, tok)
	if err != nil {
		return BankIDState{}, err
	}
	if s.c.BankIDs == nil {
		return BankIDState{}, ErrBankIDUnavailable
	}
	client, err := s.c.BankIDs.Client(ctx)
	if err != nil {
		return BankIDState{}, fmt.Errorf("%w: %v", ErrBankIDUnavailable, err)
	}
	s.cancelBankID(inv.ID)
	mrtd := s.c.BankIDs.MRTD(ctx)
	o, err := (&bankid.Session{API: client, Interval: s.c.BankIDInterval, Logger: s.c.Log}).Start(ctx, bankid.StartRequest{
		EndUserIP: endUserIP, Company: vals.Get("company.name"), MRTD: mrtd, SameDevice: sameDevice,
	})
	if err != nil {
		return BankIDState{}, &BankIDError{Err: err}
	}
	pctx, stop := context.WithTimeout(context.Background(), bankIDTimeout)
	run := &bankIDRun{order: o, mrtd: mrtd, stop: stop, saved: make(chan struct{})}
	s.bank.mu.Lock()
	if s.bank.runs == nil {
		s.bank.runs = map[string]*bankIDRun{}
	}
	s.bank.runs[inv.ID] = run
	s.bank.mu.Unlock()
	go func() {
		defer stop()
		defer close(run.saved)
		res, err := o.Poll(pctx)
		if err != nil {
			return // the state says why
		}
		run.mu.Lock()
		defer run.mu.Unlock()
		if run.cancelled {
			// Cancelled or wiped while BankID completed: the person has
			// gone, and the next one must not find their identity.
			s.c.Log.Info("bankid: identification completed after it was cancelled; result discarded")
			return
		}
		run.err = s.storeBankID(context.Background(), inv.ID, res, mrtd)
		if run.err != nil {
			s.c.Log.Error("bankid: store the identified cardholder", "err", run.err)
		}
	}()
	return stateOf(run), nil
}

// storeBankID puts the identity BankID vouched for into the draft, locked.
func (s *Service) storeBankID(ctx context.Context, invitationID string, res *bankid.Result, mrtd bool) error {
	pn, err := identity.ParsePersonnummer(res.PersonalNumber, s.c.Now())
	if err != nil {
		return fmt.Errorf("BankID returned a personal number that does not check: %w", err)
	}
	_, err = SaveDraft(ctx, s.c.Store, invitationID, func(d *Draft) error {
		phone := ""
		if d.Personal != nil {
			phone = d.Personal.Phone
		}
		d.Method = order.MethodBankID
		d.Personal = &Personal{FirstName: res.GivenName, LastName: res.Surname, HasPersonnummer: true, Personnummer: pn.String(),
			Phone: phone, Locked: true, PassportChecked: mrtd && res.MRTD}
		return nil
	})
	return err
}

// BankIDStatus is the progress of the link's identification.
func (s *Service) BankIDStatus(ctx context.Context, tok string) (BankIDState, error) {
	inv, _, err := s.authorize(ctx, tok)
	if err != nil {
		return BankIDState{}, err
	}
	s.bank.mu.Lock()
	run := s.bank.runs[inv.ID]
	s.bank.mu.Unlock()
	if run == nil {
		return BankIDState{}, ErrNoBankID
	}
	return stateOf(run), nil
}

// CancelBankID stops the link's identification: BankID is told to cancel
// it, and its outcome is never written to the draft.
func (s *Service) CancelBankID(ctx context.Context, tok string) error {
	inv, _, err := s.authorize(ctx, tok)
	if err != nil {
		return err
	}
	s.cancelBankID(inv.ID)
	return nil
}

// cancelBankID ends the invitation's identification, if one runs: first the
// outcome is barred from the draft, then BankID is told (its /cancel), then
// the polling stops.
func (s *Service) cancelBankID(invitationID string) {
	s.bank.mu.Lock()
	run := s.bank.runs[invitationID]
	delete(s.bank.runs, invitationID)
	s.bank.mu.Unlock()
	if run == nil {
		return
	}
	run.cancel()
	cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	if err := run.order.Cancel(cctx); err != nil {
		s.c.Log.Warn("bankid: could not cancel the order at BankID", "err", err)
	}
	cancel()
	run.stop()
}

// ErrNoBankID: no identification was started for this link.
var ErrNoBankID = errors.New("no BankID identification was started")

// BankIDError is BankID refusing to start (alreadyInProgress, maintenance,
// a certificate problem): RFA says what to tell the person.
type BankIDError struct{ Err error }

func (e *BankIDError) Error() string { return "BankID: " + e.Err.Error() }
func (e *BankIDError) Unwrap() error { return e.Err }

// RFA is the message code for the error.
func (e *BankIDError) RFA() string { return bankid.MessageFor("", "", e.Err, true) }
