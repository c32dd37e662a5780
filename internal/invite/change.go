package invite

import (
	"time"

	"id06desk/internal/audit"
	"id06desk/internal/order"
	"id06desk/internal/outbox"
)

// Change is what a service decided about one invitation inside a storage
// transaction, besides the invitation's own fields: storage hands the
// service the stored invitation in a callback (UpdateInvitation,
// CreateOrder, FinishMail, the expiry sweep), the service changes it and
// returns a Change, and storage writes the invitation with all of this in
// the same transaction, or nothing. Storage applies no rule of its own.
type Change struct {
	Events []Event           // timeline lines; storage sets At
	Mails  []*outbox.Message // mails to queue; storage sets InvitationID
	Audit  []audit.Entry     // audit lines; storage sets At
	// DeleteDraft discards the cardholder's unfinished registration (it
	// holds personal data and photos); storage also clears it from the file.
	DeleteDraft bool
	// Relink, when set, gives the invitation a new signed link: an order
	// sent back to the cardholder reopens the registration with it.
	Relink *Relink
}

// Relink is an invitation's new link: its token and the expiry signed
// into it.
type Relink struct {
	Token     string
	ExpiresAt time.Time
}

// Add returns c with ev as a further timeline event.
func (c Change) Add(ev Event) Change {
	c.Events = append(c.Events, ev)
	return c
}

// OrderUpdate is a service's decision about an invitation's order, made
// inside storage's transaction: it changes o (its status, the fields the
// admin may correct) and returns what goes with the change — timeline
// events, mails and audit lines, written against the order's invitation —
// and whether anything changed at all. When o.Status changes, storage gives
// the invitation the same status. The type lives here, not in order,
// because it returns a Change (order cannot import invite).
type OrderUpdate func(o *order.Order) (c Change, changed bool, err error)
