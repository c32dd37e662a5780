package order

import (
	"errors"
	"testing"
)

// TestTransitionTable checks every pair of statuses: the allowed ones are
// exactly those listed here, every other pair (self included) is refused.
func TestTransitionTable(t *testing.T) {
	type pair struct{ from, to Status }
	allowed := map[pair]string{
		{StatusReady, StatusSentToNexus}:           "sent to Nexus",
		{StatusReady, StatusReopened}:              "taken back to correct before sending",
		{StatusReady, StatusCancelled}:             "withdrawn before sending",
		{StatusSentToNexus, StatusRejectedByNexus}: "Nexus refuses",
		{StatusSentToNexus, StatusInProduction}:    "Nexus puts the card in production",
		{StatusRejectedByNexus, StatusReady}:       "corrected after the rejection",
		{StatusRejectedByNexus, StatusReopened}:    "taken back after the rejection",
		{StatusRejectedByNexus, StatusCancelled}:   "withdrawn after the rejection",
		{StatusInProduction, StatusDelivered}:      "card delivered",
		{StatusReopened, StatusReady}:              "correction done",
		{StatusReopened, StatusCancelled}:          "withdrawn while being corrected",
	}
	n := 0
	for _, from := range Statuses() {
		for _, to := range Statuses() {
			why, want := allowed[pair{from, to}]
			n++
			t.Run(string(from)+"→"+string(to), func(t *testing.T) {
				if got := CanTransition(from, to); got != want {
					t.Fatalf("CanTransition(%s, %s) = %v, want %v (%s)", from, to, got, want, why)
				}
				err := Transition(from, to)
				if want && err != nil {
					t.Fatalf("Transition(%s, %s) = %v, want nil", from, to, err)
				}
				if !want && !errors.Is(err, ErrTransition) {
					t.Fatalf("Transition(%s, %s) = %v, want ErrTransition", from, to, err)
				}
			})
		}
	}
	if want := len(Statuses()) * len(Statuses()); n != want || n != 49 {
		t.Fatalf("checked %d pairs, want %d (7 statuses)", n, want)
	}
	for p := range allowed {
		if !p.from.Valid() || !p.to.Valid() {
			t.Errorf("allowed pair %v names an unknown status", p)
		}
	}
}

func TestUnknownStatus(t *testing.T) {
	for _, tt := range []struct{ from, to Status }{{"bogus", StatusReady}, {StatusReady, "bogus"}, {"", StatusSentToNexus}} {
		if CanTransition(tt.from, tt.to) {
			t.Errorf("CanTransition(%q, %q) = true", tt.from, tt.to)
		}
		if err := Transition(tt.from, tt.to); !errors.Is(err, ErrUnknownStatus) {
			t.Errorf("Transition(%q, %q) = %v, want ErrUnknownStatus", tt.from, tt.to, err)
		}
	}
	if _, err := ParseStatus("in_production"); err != nil {
		t.Errorf("ParseStatus(produced) = %v", err)
	}
	if _, err := ParseStatus("Ready"); !errors.Is(err, ErrUnknownStatus) {
		t.Errorf("ParseStatus(Ready) = %v, want ErrUnknownStatus", err)
	}
}

func TestTerminal(t *testing.T) {
	for _, s := range Statuses() {
		want := s == StatusDelivered || s == StatusCancelled
		if s.Terminal() != want || s.Finished() != want {
			t.Errorf("%s: Terminal %v Finished %v, want %v", s, s.Terminal(), s.Finished(), want)
		}
		if len(s.Next()) == 0 != want {
			t.Errorf("%s: Next %v", s, s.Next())
		}
	}
}

// Which statuses the review may touch follows the table: editable while
// the order can still be (re)sent, back to the cardholder only from ready
// or after Nexus refused it (and again, with a fresh link, once there).
func TestReviewRules(t *testing.T) {
	for _, c := range []struct {
		st             Status
		editable, back bool
	}{
		{StatusReady, true, true},
		{StatusSentToNexus, false, false},
		{StatusRejectedByNexus, true, true},
		{StatusInProduction, false, false},
		{StatusDelivered, false, false},
		{StatusReopened, true, true}, // a fresh link when the first one is lost or expired
		{StatusCancelled, false, false},
	} {
		if c.st.Editable() != c.editable || c.st.CanReopen() != c.back {
			t.Errorf("%s: editable %v reopen %v, want %v %v", c.st, c.st.Editable(), c.st.CanReopen(), c.editable, c.back)
		}
	}
	if err := Transition(StatusDelivered, StatusReady); err == nil || err.Error() != "order status change not allowed: from delivered to ready" {
		t.Errorf("refusal %v: it must name both statuses", err)
	}
}

func TestIdentityProof(t *testing.T) {
	for _, c := range []struct{ method, check, want string }{
		{MethodBankID, CheckBankID, ProofBankID},
		{MethodBankID, CheckBankIDPassport, ProofBankIDPassport},
		{MethodManual, CheckPendingPartner, ProofManualPartner},
		{MethodManual, CheckDone, ProofManualPartner},
	} {
		o := Order{IdentityMethod: c.method, IdentityCheck: c.check}
		if got := o.IdentityProof(); got != c.want {
			t.Errorf("%s/%s: %s, want %s", c.method, c.check, got, c.want)
		}
		if o.IdentityVerified() != (c.method == MethodBankID) {
			t.Errorf("%s: verified %v", c.method, o.IdentityVerified())
		}
	}
}
