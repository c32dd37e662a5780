package invitations

import (
	"context"
	"fmt"
	"time"

	"id06desk/internal/audit"
	"id06desk/internal/invite"
	"id06desk/internal/outbox"
)

// The invitation's rules that storage applies inside its transactions:
// the expiry sweep, the drafts that go, and what a mail's result means for
// its invitation.

// DeleteRule is the rule for deleting an invitation: only one that was
// never sent (a draft) may go, audited for actor.
func DeleteRule(actor string) func(inv invite.Invitation) ([]audit.Entry, error) {
	return func(inv invite.Invitation) ([]audit.Entry, error) {
		if inv.Status != invite.StatusDraft {
			return nil, fmt.Errorf("%w: only drafts can be deleted (this one is %s)", invite.ErrTransition, inv.Status)
		}
		return []audit.Entry{{Actor: actor, Action: audit.InvitationDeleted, Subject: inv.ID}}, nil
	}
}

// pending lists the statuses of an invitation still waiting for its
// cardholder (draft, queued, sent, opened): a second invitation to the same
// address is then a duplicate.
func pending() []invite.Status {
	var out []invite.Status
	for _, s := range invite.Statuses() {
		if s.Pending() {
			out = append(out, s)
		}
	}
	return out
}

// Expirable lists the statuses from which an invitation expires when its
// link's time is up (queued, sent, opened: nobody registered yet).
func Expirable() []invite.Status {
	var out []invite.Status
	for _, s := range invite.Statuses() {
		if invite.CanTransition(s, invite.StatusExpired) {
			out = append(out, s)
		}
	}
	return out
}

// Expire moves an invitation whose link's time is up to expired, with a
// timeline event.
func Expire(inv *invite.Invitation) (invite.Change, error) {
	if err := invite.Transition(inv.Status, invite.StatusExpired); err != nil {
		return invite.Change{}, err
	}
	inv.Status = invite.StatusExpired
	return invite.Change{Events: []invite.Event{{Kind: invite.EventExpired}},
		Audit: []audit.Entry{{Action: audit.InvitationExpired, Subject: inv.ID}}}, nil
}

// Closed lists the statuses whose link can no longer be used and never
// will be again (expired, revoked): a registration draft of such an
// invitation is deleted at the next sweep. (Expired can be extended: that
// signs a new link, and the cardholder starts again.)
func Closed() []invite.Status {
	return []invite.Status{invite.StatusExpired, invite.StatusRevoked}
}

// MailStore is the durable mail queue with the invitations it serves.
type MailStore interface {
	ClaimMails(ctx context.Context, worker string, now time.Time, lease time.Duration, ignoreSchedule bool, afterID int64, limit int) ([]*outbox.Message, error)
	FinishMails(ctx context.Context, worker string, done []outbox.Done, fn func(d outbox.Done, inv *invite.Invitation) (invite.Change, error)) error
	NextDue(ctx context.Context) (time.Time, bool, error)
	OutboxCounts(ctx context.Context) (pending, failed int, lastError string, err error)
	ClaimHolders(ctx context.Context, now time.Time) ([]string, error)
	ReleaseClaims(ctx context.Context, worker string) (int, error)
}

// MailResults is the outbox's store with the invitation's rules for mail
// results: a sent mail moves its invitation from queued to sent, a
// permanently failed one to failed with the reason, a retry shows the
// reason; each adds a timeline event. An invitation that moved on
// meanwhile (revoked, opened) only gets the event.
func MailResults(st MailStore) outbox.Store { return mailResults{st} }

type mailResults struct{ MailStore }

func (m mailResults) ClaimDue(ctx context.Context, worker string, now time.Time, lease time.Duration, ignoreSchedule bool, afterID int64, limit int) ([]*outbox.Message, error) {
	return m.ClaimMails(ctx, worker, now, lease, ignoreSchedule, afterID, limit)
}

func (m mailResults) Record(ctx context.Context, worker string, done []outbox.Done) error {
	return m.FinishMails(ctx, worker, done, mailRule)
}

// mailRule is what one mail's outcome does to its invitation.
func mailRule(d outbox.Done, inv *invite.Invitation) (invite.Change, error) {
	switch d.State {
	case outbox.Sent:
		c := mailResult(inv, invite.StatusSent, invite.EventSent, "", d.Reply)
		c.Audit = append(c.Audit, audit.Entry{Action: audit.InvitationSent, Subject: inv.ID})
		return c, nil
	case outbox.Retry:
		inv.LastError = d.Reason
		return invite.Change{Events: []invite.Event{{Kind: invite.EventSendRetry, Detail: d.Reason}}}, nil
	case outbox.Fail:
		return mailResult(inv, invite.StatusFailed, invite.EventSendFailed, d.Reason, d.Reason), nil
	}
	return invite.Change{}, fmt.Errorf("mail %d: unknown outcome %q", d.ID, d.State)
}

// mailResult moves an invitation whose mail was handled, if it still waits
// for that mail.
func mailResult(inv *invite.Invitation, to invite.Status, kind, lastError, detail string) invite.Change {
	if inv.Status == invite.StatusQueued && invite.CanTransition(invite.StatusQueued, to) {
		inv.Status, inv.LastError = to, lastError
	}
	return invite.Change{Events: []invite.Event{{Kind: kind, Detail: detail}}}
}
