package invite

import (
	"errors"
	"fmt"
	"id06desk/internal/lifecycle"
	"time"

	"id06desk/internal/order"
)

// Status is the state of an invitation.
//
// The life of an invitation:
//
//	draft → queued → sent → opened → registered → ready → … (the order's life)
//
// plus the side states expired, revoked, bounced and failed. From ready on
// the invitation shows its order's status: those statuses and the moves
// between them are the order's (package order), not repeated here.
type Status string

// The statuses an invitation can have before it becomes an order.
const (
	StatusDraft      Status = "draft"      // created, not yet queued for sending
	StatusQueued     Status = "queued"     // mail written to the outbox
	StatusSent       Status = "sent"       // mail handed to the mail server
	StatusOpened     Status = "opened"     // registration page opened with the token
	StatusRegistered Status = "registered" // cardholder confirmed their data
	StatusExpired    Status = "expired"    // token expired before registration
	StatusRevoked    Status = "revoked"    // admin revoked the invitation
	StatusBounced    Status = "bounced"    // mail bounced back (delivery report)
	StatusFailed     Status = "failed"     // mail server refused the mail permanently
)

// The statuses of the invitation's order (see order.Status).
const (
	StatusReady           = Status(order.StatusReady)
	StatusSentToNexus     = Status(order.StatusSentToNexus)
	StatusRejectedByNexus = Status(order.StatusRejectedByNexus)
	StatusInProduction    = Status(order.StatusInProduction)
	StatusDelivered       = Status(order.StatusDelivered)
	StatusReopened        = Status(order.StatusReopened)
	StatusCancelled       = Status(order.StatusCancelled)
)

// Statuses lists every status in life-cycle order (useful for filters and
// status counts).
func Statuses() []Status {
	out := []Status{StatusDraft, StatusQueued, StatusSent, StatusOpened, StatusRegistered}
	for _, s := range order.Statuses() {
		out = append(out, Status(s))
	}
	return append(out, StatusExpired, StatusRevoked, StatusBounced, StatusFailed)
}

// ErrUnknownStatus is returned by ParseStatus for a string that is no status.
var ErrUnknownStatus = errors.New("unknown invitation status")

// ErrTransition is returned (wrapped) by Transition when a change of status is
// not allowed.
var ErrTransition = errors.New("invitation status change not allowed")

// ParseStatus returns the Status named s.
func ParseStatus(s string) (Status, error) {
	st := Status(s)
	if _, ok := transitions[st]; !ok {
		return "", fmt.Errorf("%w: %q", ErrUnknownStatus, s)
	}
	return st, nil
}

// Valid reports whether s is one of the known statuses.
func (s Status) Valid() bool { return transitions.Known(s) }

// transitions is the one place that says which status may follow which.
//
// Decisions:
//   - Resend (a new mail for the same invitation) moves the invitation back to
//     queued. It is allowed from sent, opened, bounced, failed and expired.
//     From expired the caller must first extend the expiry and sign a new
//     token (the expiry is inside the signed token, so extending always means
//     a new token and hence a new mail): "extend" is modelled as
//     expired → queued.
//   - Revoke is allowed while the cardholder has not registered yet: from
//     draft, queued, sent, opened, bounced, failed and expired. From
//     registered onwards the data belongs to an order and the order, not the
//     invitation, is what gets cancelled. revoked is terminal.
//   - expired is reached from queued, sent and opened (the token expired before
//     the cardholder registered).
//   - A cardholder can register straight from sent (typing the code at a
//     kiosk never "opens" the link in the admin's sense), and from queued,
//     bounced or failed too: the admin may have handed over the link or
//     code printed by `id06desk invite` while the mail was not delivered.
//   - registered → ready: the order is made in the same transaction.
//     From ready on, order.CanTransition decides (the order's one table).
//   - A status never transitions to itself.
var transitions = lifecycle.Table[Status]{
	StatusDraft:      {StatusQueued, StatusRevoked},
	StatusQueued:     {StatusSent, StatusOpened, StatusRegistered, StatusBounced, StatusFailed, StatusExpired, StatusRevoked},
	StatusSent:       {StatusOpened, StatusRegistered, StatusBounced, StatusFailed, StatusExpired, StatusRevoked, StatusQueued},
	StatusOpened:     {StatusRegistered, StatusExpired, StatusRevoked, StatusQueued},
	StatusRegistered: {StatusReady},
	StatusExpired:    {StatusQueued, StatusRevoked},
	StatusRevoked:    nil,
	StatusBounced:    {StatusQueued, StatusOpened, StatusRegistered, StatusRevoked},
	StatusFailed:     {StatusQueued, StatusOpened, StatusRegistered, StatusRevoked},
}

func init() {
	// The order phase comes from the order's table.
	for _, s := range order.Statuses() {
		var next []Status
		for _, n := range s.Next() {
			next = append(next, Status(n))
		}
		transitions[Status(s)] = next
	}
}

// CanTransition reports whether an invitation in status from may move to
// status to.
func CanTransition(from, to Status) bool { return transitions.Can(from, to) }

// Transition returns nil if from → to is allowed, otherwise an error wrapping
// ErrTransition that names both statuses.
func Transition(from, to Status) error {
	return transitions.Check(from, to, ErrUnknownStatus, ErrTransition)
}

// Next lists the statuses an invitation in status s may move to.
func (s Status) Next() []Status { return transitions.Next(s) }

// Terminal reports whether no status can follow s (revoked, delivered,
// cancelled).
func (s Status) Terminal() bool {
	return transitions.Terminal(s)
}

// CanResend reports whether a new invitation mail may be sent (see the notes
// on transitions: from expired only after the expiry was extended).
func (s Status) CanResend() bool { return CanTransition(s, StatusQueued) && s != StatusDraft }

// CanRevoke reports whether the invitation may still be revoked.
func (s Status) CanRevoke() bool { return CanTransition(s, StatusRevoked) }

// OpenAt reports whether inv could take a registration made at t: its
// status allows registering, or it expired after t — a registration an
// offline kiosk made before the expiry may reach the console after
// housekeeping marked the invitation expired. (The table keeps expired →
// registered out: nothing made now may register an expired invitation.)
func (inv Invitation) OpenAt(t time.Time) bool {
	return CanTransition(inv.Status, StatusRegistered) || (inv.Status == StatusExpired && t.Before(inv.ExpiresAt))
}

// LinkUsable reports whether the invitation's registration link (and its
// QR code) can take a cardholder to registration: once sent, until it is
// used, revoked or expired. A draft's link works as soon as it is sent.
// The admin is shown the link only while this holds.
func (s Status) LinkUsable() bool {
	return s == StatusDraft || CanTransition(s, StatusRegistered)
}

// Pending reports whether the invitation is still waiting for the cardholder
// (draft, queued, sent, opened): a second invitation for the same address is
// then a duplicate.
func (s Status) Pending() bool {
	switch s {
	case StatusDraft, StatusQueued, StatusSent, StatusOpened:
		return true
	}
	return false
}
