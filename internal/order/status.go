package order

import (
	"errors"
	"fmt"
	"id06desk/internal/lifecycle"
)

// Status is the state of an order. It is also the status its invitation
// shows once the cardholder has registered (invite.Status reuses these
// values): this file is the one place that names them and says which may
// follow which.
type Status string

// Order statuses. A confirmed registration starts as ready.
const (
	StatusReady           Status = "ready"             // ready to be sent to Nexus
	StatusSentToNexus     Status = "sent_to_nexus"     // sent, waiting for Nexus
	StatusRejectedByNexus Status = "rejected_by_nexus" // Nexus refused it; correct and resend
	StatusInProduction    Status = "in_production"     // in production at Nexus (the card is being made)
	StatusDelivered       Status = "delivered"         // card delivered
	StatusReopened        Status = "reopened"          // taken back by the admin to correct it
	StatusCancelled       Status = "cancelled"         // withdrawn by the company; no card
)

// Statuses lists every order status in life-cycle order.
func Statuses() []Status {
	return []Status{StatusReady, StatusSentToNexus, StatusRejectedByNexus, StatusInProduction, StatusDelivered, StatusReopened, StatusCancelled}
}

// ErrUnknownStatus is returned (wrapped) for a string that is no order
// status.
var ErrUnknownStatus = errors.New("unknown order status")

// ErrTransition is returned (wrapped) by Transition when a change of status
// is not allowed.
var ErrTransition = errors.New("order status change not allowed")

// transitions is the one table of the order life cycle:
//
//	ready → sent_to_nexus → in_production → delivered
//	              ↘ rejected_by_nexus → ready
//	ready, rejected_by_nexus → reopened → ready
//	ready, rejected_by_nexus, reopened → cancelled
//
// Decisions:
//   - ready → sent_to_nexus: the order went to Nexus. Nexus answers with
//     rejected_by_nexus or in_production; in_production → delivered.
//   - rejected_by_nexus → ready: the admin corrected what Nexus refused and
//     the order can be sent again.
//   - reopened: the admin takes an order back to correct it before (again)
//     sending it, from ready or after a rejection; it returns to ready when
//     corrected. Once at Nexus (sent_to_nexus, in_production) an order cannot be
//     reopened or cancelled here: that goes through Nexus.
//   - cancelled: the company withdraws an order that Nexus does not hold
//     (ready, rejected_by_nexus, reopened). No card follows.
//   - delivered and cancelled are terminal; a status never follows itself.
var transitions = lifecycle.Table[Status]{
	StatusReady:           {StatusSentToNexus, StatusReopened, StatusCancelled},
	StatusSentToNexus:     {StatusRejectedByNexus, StatusInProduction},
	StatusRejectedByNexus: {StatusReady, StatusReopened, StatusCancelled},
	StatusInProduction:    {StatusDelivered},
	StatusDelivered:       nil,
	StatusReopened:        {StatusReady, StatusCancelled},
	StatusCancelled:       nil,
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return transitions.Known(s) }

// ParseStatus returns the Status named s.
func ParseStatus(s string) (Status, error) {
	if st := Status(s); st.Valid() {
		return st, nil
	}
	return "", fmt.Errorf("%w: %q", ErrUnknownStatus, s)
}

// CanTransition reports whether an order in status from may move to status
// to.
func CanTransition(from, to Status) bool { return transitions.Can(from, to) }

// Transition returns nil if from → to is allowed, otherwise an error
// wrapping ErrTransition (or ErrUnknownStatus) that names both statuses.
func Transition(from, to Status) error {
	return transitions.Check(from, to, ErrUnknownStatus, ErrTransition)
}

// Next lists the statuses an order in status s may move to.
func (s Status) Next() []Status { return transitions.Next(s) }

// Terminal reports whether no status can follow s (delivered, cancelled).
func (s Status) Terminal() bool { return transitions.Terminal(s) }

// Finished reports whether the order's life is over, so the retention
// time of its personal data runs: it was delivered or cancelled.
func (s Status) Finished() bool { return s.Terminal() }

// Editable reports whether the admin may correct an order in status s: while
// it is not with Nexus and not finished (ready, rejected_by_nexus, reopened),
// that is, while it can still be (re)sent.
func (s Status) Editable() bool {
	return s == StatusReady || s == StatusRejectedByNexus || s == StatusReopened
}

// CanReopen reports whether an order in status s may go back to the
// cardholder to be corrected (ready, rejected_by_nexus), or — already
// back with them (reopened) — be sent a fresh link, with a new reason,
// when the first mail was lost or its link expired.
func (s Status) CanReopen() bool { return CanTransition(s, StatusReopened) || s == StatusReopened }
