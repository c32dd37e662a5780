// Package orders is the orders service: it makes an order of a confirmed
// registration, lists and shows orders, records the identity check, and
// holds the order's retention rule. Its rules sit on order's one
// transition table; storage (package sqlite) only persists what it decides,
// in one transaction per change.
package orders

import (
	"context"
	"fmt"
	"time"

	"id06desk/internal/audit"
	"id06desk/internal/invite"
	"id06desk/internal/order"
	"id06desk/internal/outbox"
	"id06desk/internal/settings"
)

// Store is what the service needs from storage.
type Store interface {
	// CreateOrder stores o with the Change fn decides for its invitation,
	// in one transaction; order.ErrAlreadyRegistered when the invitation
	// already has an order.
	CreateOrder(ctx context.Context, o order.Order, fn func(inv *invite.Invitation) (invite.Change, error)) error
	// UpdateOrder lets fn change an order and stores it with fn's Change,
	// in one transaction (nothing when fn reports no change); a new status
	// is the invitation's too.
	UpdateOrder(ctx context.Context, id string, fn invite.OrderUpdate) (order.Order, error)
	// UpdateOrders is UpdateOrder for many orders in one transaction.
	UpdateOrders(ctx context.Context, ids []string, fn invite.OrderUpdate) error
	GetOrder(ctx context.Context, id string) (order.Order, error)
	OrderOf(ctx context.Context, invitationID string) (order.Order, error)
	ListOrders(ctx context.Context, q order.ListQuery) (order.Page, error)
	// Audit writes one audit line (actor "" : the context's).
	Audit(ctx context.Context, actor string, action audit.Action, subject, detail string) error
	// GetInvitation returns an invitation with its timeline (the order's
	// timeline, from invitation to card).
	GetInvitation(ctx context.Context, id string) (invite.Invitation, []invite.Event, error)
}

// Settings loads the current settings (the company's address, the
// scanning partner's name).
type Settings interface {
	Load(ctx context.Context) (settings.Values, error)
}

// Reopener gives an invitation a fresh signed link for an order sent back
// to the cardholder, and writes the mail that tells them why (the
// invitations service, which signs links and renders their mails). The
// mail is nil when no mail can be written (no sender configured).
type Reopener interface {
	ReopenLink(ctx context.Context, o order.Order, reason order.Reason, note string) (invite.Relink, *outbox.Message, error)
}

// Config builds a Service.
type Config struct {
	Store Store
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Settings (nil: no company address for a delivery correction, no
	// partner name in the detail).
	Settings Settings
	// Reopener (nil: orders cannot go back to the cardholder).
	Reopener Reopener
	// Wake tells the outbox worker new mail is waiting (may be nil).
	Wake func()
}

// Service is the orders service.
type Service struct {
	store    Store
	now      func() time.Time
	settings Settings
	reopener Reopener
	wake     func()
}

// New returns a Service.
func New(c Config) *Service {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Wake == nil {
		c.Wake = func() {}
	}
	return &Service{store: c.Store, now: c.Now, settings: c.Settings, reopener: c.Reopener, wake: c.Wake}
}

// Create turns a confirmed registration into an order, in one
// transaction: the invitation must still be open for registration; it
// becomes registered and then takes the order's first status (both on its
// timeline), the cardholder's draft is deleted, mails (the admin's notice,
// the cardholder's receipt; not tied to the invitation) are queued and the
// creation is audited. A second order for the same invitation, also from a
// race, gets order.ErrAlreadyRegistered and changes nothing.
func (s *Service) Create(ctx context.Context, o order.Order, mails []*outbox.Message) error {
	if o.Status != order.StatusReady {
		return fmt.Errorf("create order: a new order is %s, not %q", order.StatusReady, o.Status)
	}
	return s.store.CreateOrder(ctx, o, func(inv *invite.Invitation) (invite.Change, error) {
		// An expired invitation takes only a registration made before its
		// expiry (an offline kiosk's, arriving late): invite.OpenAt.
		if !inv.OpenAt(o.RegisteredAt) {
			return invite.Change{}, invite.Transition(inv.Status, invite.StatusRegistered)
		}
		if err := invite.Transition(invite.StatusRegistered, invite.Status(o.Status)); err != nil {
			return invite.Change{}, err
		}
		inv.Status = invite.Status(o.Status)
		return invite.Change{
			Events: []invite.Event{
				{Kind: invite.EventRegistered, Detail: o.RegisteredWhere},
				{Kind: invite.EventReady},
			},
			Mails:       mails,
			Audit:       []audit.Entry{{Actor: audit.Cardholder.Name, ActorKind: audit.KindCardholder, Action: audit.OrderCreated, Subject: o.ID, Detail: o.RegisteredWhere}},
			DeleteDraft: true,
		}, nil
	})
}

// Get returns an order with its photo; order.ErrNotFound for an unknown
// id.
func (s *Service) GetOrder(ctx context.Context, id string) (order.Order, error) {
	return s.store.GetOrder(ctx, id)
}

// ViewOrder returns an order for showing its personal data to the admin,
// and audits that it was shown (order.viewed, the actor from ctx).
func (s *Service) ViewOrder(ctx context.Context, id string) (order.Order, error) {
	o, err := s.store.GetOrder(ctx, id)
	if err != nil {
		return o, err
	}
	if err := s.store.Audit(ctx, "", audit.OrderViewed, o.ID, ""); err != nil {
		return o, fmt.Errorf("view order: %w", err)
	}
	return o, nil
}

// OrderOf returns the order made from an invitation; order.ErrNotFound when
// there is none.
func (s *Service) OrderOf(ctx context.Context, invitationID string) (order.Order, error) {
	return s.store.OrderOf(ctx, invitationID)
}

// ListOrders returns one page of orders, newest first.
func (s *Service) ListOrders(ctx context.Context, q order.ListQuery) (order.Page, error) {
	return s.store.ListOrders(ctx, q)
}

// RecordIdentityCheck records that the scanning partner checked the
// cardholder's identity, when that is still pending; an order verified
// with BankID, or already checked, stays as it is (no second audit line).
func (s *Service) RecordIdentityCheck(ctx context.Context, actor, id string) (order.Order, error) {
	o, err := s.store.UpdateOrder(ctx, id, func(o *order.Order) (invite.Change, bool, error) {
		if o.IdentityCheck != order.CheckPendingPartner {
			return invite.Change{}, false, nil
		}
		o.IdentityCheck, o.IdentityCheckedAt = order.CheckDone, s.now()
		return invite.Change{Audit: []audit.Entry{{Actor: actor, Action: audit.OrderIdentityChecked, Subject: o.ID}}}, true, nil
	})
	if err != nil {
		return o, fmt.Errorf("record identity check: %w", err)
	}
	return o, nil
}

// PurgedStatuses are the statuses whose orders lose their personal data
// once the retention time has passed since their last change: the
// finished ones (delivered, cancelled), whose card needs no more of it,
// and the abandoned ones: rejected by Nexus or reopened and then left
// unchanged for the whole retention time (nobody fixed them, nobody will).
func PurgedStatuses() []order.Status {
	var out []order.Status
	for _, st := range order.Statuses() {
		if st.Finished() || st == order.StatusRejectedByNexus || st == order.StatusReopened {
			out = append(out, st)
		}
	}
	return out
}
