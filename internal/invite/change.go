package invite

import (
	"id06desk/internal/audit"
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
}

// Add returns c with ev as a further timeline event.
func (c Change) Add(ev Event) Change {
	c.Events = append(c.Events, ev)
	return c
}
