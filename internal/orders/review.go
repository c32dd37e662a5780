package orders

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"id06desk/internal/audit"
	"id06desk/internal/i18n"
	"id06desk/internal/identity"
	"id06desk/internal/invite"
	"id06desk/internal/order"
	"id06desk/internal/outbox"
	"id06desk/internal/settings"
)

// Audit actions of the review and of Nexus's answers.
const (
	ActionEdited               = audit.OrderEdited
	ActionRejectedToCardholder = audit.OrderRejectedToCardholder
	ActionStatusRecorded       = audit.OrderStatusRecorded
	ActionResubmitted          = audit.OrderResubmitted
)

// Limits of the admin's free text.
const (
	MaxCostCentre = 40  // characters of a cost centre
	MaxNote       = 500 // characters of a reason or note
	// MaxBulk is the most orders one status change takes.
	MaxBulk = 1000
)

// Actions are what the admin may do with an order now, from the
// transition table, so that no user interface repeats the rules.
type Actions struct {
	// Next are the statuses the order may move to.
	Next []order.Status
	// Edit: phone, delivery and cost centre may be corrected.
	Edit bool
	// EditNames: the names may be corrected too (a manual registration
	// before it is sent; never names BankID verified).
	EditNames bool
	// Reject: the order may go back to the cardholder.
	Reject bool
}

// ActionsOf says what may be done with o.
func ActionsOf(o order.Order) Actions {
	a := Actions{Next: o.Status.Next(), Edit: o.Status.Editable(), Reject: o.Status.CanReopen()}
	if a.Next == nil {
		a.Next = []order.Status{}
	}
	if !o.PurgedAt.IsZero() {
		a.Edit, a.Reject = false, false
	}
	a.EditNames = a.Edit && !o.IdentityVerified()
	return a
}

// Detail is an order with its photo, its timeline from invitation to card
// and what may be done with it now.
type Detail struct {
	Order   order.Order
	Events  []invite.Event
	Actions Actions
	// Partner is the scanning partner's name (settings), who checks the
	// identity of a manual registration.
	Partner string
}

// Detail returns an order with its timeline and actions;
// order.ErrNotFound for an unknown id.
func (s *Service) Detail(ctx context.Context, id string) (Detail, error) {
	o, err := s.store.GetOrder(ctx, id)
	if err != nil {
		return Detail{}, err
	}
	_, evs, err := s.store.GetInvitation(ctx, o.InvitationID)
	if err != nil {
		return Detail{}, fmt.Errorf("order %s timeline: %w", id, err)
	}
	d := Detail{Order: o, Events: evs, Actions: ActionsOf(o)}
	if s.settings != nil {
		v, err := s.settings.Load(ctx)
		if err != nil {
			return Detail{}, err
		}
		d.Partner = v.Get("identity.partner_name")
	}
	return d, nil
}

// ViewDetail is Detail for showing the order's personal data to the
// admin: it audits that it was shown (order.viewed, the actor from ctx).
func (s *Service) ViewDetail(ctx context.Context, id string) (Detail, error) {
	d, err := s.Detail(ctx, id)
	if err != nil {
		return d, err
	}
	if err := s.store.Audit(ctx, "", audit.OrderViewed, id, ""); err != nil {
		return d, fmt.Errorf("view order: %w", err)
	}
	return d, nil
}

// FieldErrors are the problems of an input, by field (the identity
// package's field names: phone, street, postal_code, …, and cost_centre,
// first_name, last_name, reason, note, status, ids, date), each a message
// with a stable code.
type FieldErrors map[string]i18n.Message

func (e FieldErrors) Error() string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(e)) {
		parts = append(parts, k+": "+e[k].In(i18n.EN))
	}
	return strings.Join(parts, " ")
}

// add records identity's field errors in e.
func (e FieldErrors) add(err error) {
	var many identity.Errors
	var one *identity.FieldError
	switch {
	case errors.As(err, &many):
		for _, f := range many {
			if _, dup := e[f.Field]; !dup {
				e[f.Field] = f.Msg()
			}
		}
	case errors.As(err, &one):
		e[one.Field] = one.Msg()
	}
}

func (e FieldErrors) err() error {
	if len(e) == 0 {
		return nil
	}
	return e
}

// Edit is the admin's correction of an order: nil fields stay as they are.
type Edit struct {
	Phone      *string
	Delivery   *order.Delivery
	CostCentre *string
	FirstName  *string
	LastName   *string
}

// Edit corrects an order under review (ready, rejected by Nexus, or back
// with the cardholder): phone (a mobile number, as registration takes it),
// delivery (validated as registration's delivery step), cost centre (free
// text, at most 40 characters), and the names of a manual registration.
// Names BankID verified, and the personnummer, birth date and nationality
// of any order, are never edited here. The timeline and the audit log name
// the fields changed, never their values. An order back with the
// cardholder loses the cardholder's unconfirmed draft: the next opening of
// their link rebuilds it from the corrected order.
func (s *Service) Edit(ctx context.Context, actor, id string, e Edit) (order.Order, error) {
	in, err := s.checkEdit(ctx, e)
	if err != nil {
		return order.Order{}, err
	}
	o, err := s.store.UpdateOrder(ctx, id, func(o *order.Order) (invite.Change, bool, error) {
		if !o.Status.Editable() || !o.PurgedAt.IsZero() {
			return invite.Change{}, false, i18n.Wrap(order.ErrTransition, msgNotEditable, "status", statusWords[o.Status])
		}
		if (e.FirstName != nil || e.LastName != nil) && o.IdentityVerified() {
			fe := FieldErrors{}
			if e.FirstName != nil && *in.FirstName != o.FirstName {
				fe[identity.FieldFirstName] = msgNameVerified.With()
			}
			if e.LastName != nil && *in.LastName != o.LastName {
				fe[identity.FieldLastName] = msgNameVerified.With()
			}
			if err := fe.err(); err != nil {
				return invite.Change{}, false, err
			}
		}
		var fields []string
		set := func(name string, dst *string, v *string) {
			if v != nil && *v != *dst {
				*dst = *v
				fields = append(fields, name)
			}
		}
		set(identity.FieldFirstName, &o.FirstName, in.FirstName)
		set(identity.FieldLastName, &o.LastName, in.LastName)
		set(identity.FieldPhone, &o.Phone, in.Phone)
		if in.Delivery != nil && *in.Delivery != o.Delivery {
			o.Delivery = *in.Delivery
			fields = append(fields, "delivery")
		}
		set("cost_centre", &o.CostCentre, in.CostCentre)
		if len(fields) == 0 {
			return invite.Change{}, false, nil
		}
		what := strings.Join(fields, ",")
		return invite.Change{
			Events:      []invite.Event{{Kind: invite.EventEdited, Detail: what}},
			Audit:       []audit.Entry{{Actor: actor, Action: ActionEdited, Subject: o.ID, Detail: what}},
			DeleteDraft: o.Status == order.StatusReopened,
		}, true, nil
	})
	if err != nil {
		return o, fmt.Errorf("edit order: %w", err)
	}
	return o, nil
}

// checkEdit validates and normalises an edit's fields, all problems at
// once.
func (s *Service) checkEdit(ctx context.Context, e Edit) (Edit, error) {
	fe := FieldErrors{}
	var out Edit
	if e.Phone != nil {
		p, err := identity.ParsePhone(*e.Phone)
		fe.add(err)
		out.Phone = &p
	}
	for _, n := range []struct {
		field string
		in    *string
		out   **string
	}{{identity.FieldFirstName, e.FirstName, &out.FirstName}, {identity.FieldLastName, e.LastName, &out.LastName}} {
		if n.in != nil {
			v, err := identity.ValidateName(n.field, *n.in)
			fe.add(err)
			*n.out = &v
		}
	}
	if e.Delivery != nil {
		d, err := order.ValidateDelivery(*e.Delivery)
		fe.add(err)
		if err == nil && d.UseCompany {
			a, err := s.companyAddress(ctx)
			if err != nil {
				return out, err
			}
			if a == nil {
				fe["delivery"] = msgNoCompanyAddress.With()
			} else {
				d.Address = *a
			}
		}
		out.Delivery = &d
	}
	if e.CostCentre != nil {
		c, m := checkText(*e.CostCentre, MaxCostCentre)
		if !m.IsZero() {
			fe["cost_centre"] = m
		}
		out.CostCentre = &c
	}
	return out, fe.err()
}

func (s *Service) companyAddress(ctx context.Context) (*order.Address, error) {
	if s.settings == nil {
		return nil, nil
	}
	v, err := s.settings.Load(ctx)
	if err != nil {
		return nil, err
	}
	return CompanyAddress(v), nil
}

// CompanyAddress is the company's delivery address from the settings, nil
// until its street is set.
func CompanyAddress(v settings.Values) *order.Address {
	if v.Get("company.address.street") == "" {
		return nil
	}
	return &order.Address{Name: v.Get("company.name"), Street: v.Get("company.address.street"),
		PostalCode: v.Get("company.address.postal_code"), City: v.Get("company.address.city"), Country: v.Get("company.address.country")}
}

// checkText trims a line of the admin's free text and checks it: at most
// max characters, no control or invisible formatting characters, one line.
func checkText(s string, max int) (string, i18n.Message) {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > max {
		return s, msgTextTooLong.With("max", max)
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return s, msgTextCharacters.With()
		}
	}
	return s, i18n.Message{}
}

// Reject sends an order back to the cardholder (from ready or after Nexus
// refused it): the order is reopened with the reason, the invitation gets
// a fresh signed link, and the cardholder a mail in their language with
// the reason and the link, which reopens their registration at the step
// to fix with everything else kept. Other is the reason that needs a note;
// a name BankID verified cannot be misspelt.
func (s *Service) RejectToCardholder(ctx context.Context, actor, id string, reason order.Reason, note string) (order.Order, error) {
	fe := FieldErrors{}
	if !reason.Valid() {
		fe["reason"] = msgReasonUnknown.With()
	}
	note, m := checkText(note, MaxNote)
	if !m.IsZero() {
		fe["note"] = m
	} else if reason == order.ReasonOther && note == "" {
		fe["note"] = msgNoteNeeded.With()
	}
	if err := fe.err(); err != nil {
		return order.Order{}, err
	}
	if s.reopener == nil {
		return order.Order{}, errors.New("reject order: no reopener configured")
	}
	cur, err := s.store.GetOrder(ctx, id)
	if err != nil {
		return cur, err
	}
	if err := checkReject(cur, reason); err != nil {
		return order.Order{}, err
	}
	link, mail, err := s.reopener.ReopenLink(ctx, cur, reason, note)
	if err != nil {
		return order.Order{}, fmt.Errorf("reject order %s: %w", id, err)
	}
	o, err := s.store.UpdateOrder(ctx, id, func(o *order.Order) (invite.Change, bool, error) {
		if err := checkReject(*o, reason); err != nil { // again, inside the transaction
			return invite.Change{}, false, err
		}
		o.Status, o.ReopenReason, o.ReopenNote = order.StatusReopened, reason, note
		detail := string(reason)
		if note != "" {
			detail += ": " + note
		}
		c := invite.Change{
			Events: []invite.Event{{Kind: invite.EventRejectedTo, Detail: detail}},
			Audit:  []audit.Entry{{Actor: actor, Action: ActionRejectedToCardholder, Subject: o.ID, Detail: string(reason)}},
			Relink: &link,
			// A draft left from before is stale: the link rebuilds it.
			DeleteDraft: true,
		}
		if mail != nil {
			c.Mails = []*outbox.Message{mail}
		}
		return c, true, nil
	})
	if err != nil {
		return o, fmt.Errorf("reject order: %w", err)
	}
	if mail != nil {
		s.wake()
	}
	return o, nil
}

func checkReject(o order.Order, reason order.Reason) error {
	if !o.Status.CanReopen() || !o.PurgedAt.IsZero() {
		return i18n.Wrap(order.ErrTransition, msgCannotReject, "status", statusWords[o.Status])
	}
	if reason == order.ReasonName && o.IdentityVerified() {
		return FieldErrors{"reason": msgNameVerified.With()}
	}
	return nil
}

// Correction is what the cardholder confirmed on a reopened registration.
type Correction struct {
	FirstName, LastName                            string
	Personnummer, BirthDate, Nationality, IDNumber string
	Phone                                          string
	Delivery                                       order.Delivery
	// Photo and Thumb: a new photo, nil when the cardholder kept the old.
	Photo, Thumb []byte
	// Mails go with the change (the admin's "order ready" notice and the
	// cardholder's receipt).
	Mails []*outbox.Message
}

// Resubmit is the cardholder's Confirm of a reopened registration: the
// same order takes the corrections and is ready again, with a timeline
// event naming what changed (never the values). Identity fields BankID
// verified stay as they were, whatever the correction says.
func (s *Service) Resubmit(ctx context.Context, id string, c Correction) (order.Order, error) {
	o, err := s.store.UpdateOrder(ctx, id, func(o *order.Order) (invite.Change, bool, error) {
		if err := order.Transition(o.Status, order.StatusReady); err != nil || o.Status != order.StatusReopened || !o.PurgedAt.IsZero() {
			return invite.Change{}, false, i18n.Wrap(order.ErrTransition, msgNotReopened, "status", statusWords[o.Status])
		}
		var changed []string
		set := func(name string, dst *string, v string) {
			if *dst != v {
				*dst = v
				changed = append(changed, name)
			}
		}
		if !o.IdentityVerified() {
			set(identity.FieldFirstName, &o.FirstName, c.FirstName)
			set(identity.FieldLastName, &o.LastName, c.LastName)
			set(identity.FieldPersonnummer, &o.Personnummer, c.Personnummer)
			set(identity.FieldBirthDate, &o.BirthDate, c.BirthDate)
			set(identity.FieldNationality, &o.Nationality, c.Nationality)
			set(identity.FieldIDNumber, &o.IDNumber, c.IDNumber)
		}
		set(identity.FieldPhone, &o.Phone, c.Phone)
		if c.Delivery != o.Delivery {
			o.Delivery = c.Delivery
			changed = append(changed, "delivery")
		}
		if c.Photo != nil {
			o.Photo, o.Thumb = c.Photo, c.Thumb
			changed = append(changed, "photo")
		}
		o.Status, o.ReopenReason, o.ReopenNote = order.StatusReady, "", ""
		return invite.Change{
			Events: []invite.Event{{Kind: invite.EventReadyAgain, Detail: strings.Join(changed, ",")}},
			Audit: []audit.Entry{{Actor: audit.Cardholder.Name, ActorKind: audit.KindCardholder, Action: ActionResubmitted,
				Subject: o.ID, Detail: strings.Join(changed, ",")}},
			Mails:       c.Mails,
			DeleteDraft: true,
		}, true, nil
	})
	if err != nil {
		return o, fmt.Errorf("confirm reopened order: %w", err)
	}
	return o, nil
}

// Nexus's answers, and the company's withdrawal, as the admin records
// them.
var recordable = []order.Status{order.StatusRejectedByNexus, order.StatusInProduction, order.StatusDelivered, order.StatusCancelled}

// Recordable lists the statuses RecordStatus takes.
func Recordable() []order.Status { return slices.Clone(recordable) }

// StatusChange is Nexus's answer for one or many orders.
type StatusChange struct {
	IDs    []string
	Status order.Status
	// Reason: why Nexus refused (required for rejected_by_nexus) or why
	// the order is cancelled (optional).
	Reason string
	// Date the card was delivered, YYYY-MM-DD (delivered only; default
	// today).
	Date string
}

// RefusedError is a status change refused because some orders cannot make
// it: nothing was changed. IDs are those orders.
type RefusedError struct {
	IDs []string
	Msg i18n.Message
}

func (e *RefusedError) Error() string { return e.Msg.In(i18n.EN) }

// Unwrap makes it an order.ErrTransition.
func (e *RefusedError) Unwrap() error { return order.ErrTransition }

// UnknownOrdersError is a status change naming orders that do not exist:
// nothing was changed.
type UnknownOrdersError struct{ IDs []string }

func (e *UnknownOrdersError) Error() string { return e.Msg().In(i18n.EN) }

// Msg is the error as a message for people.
func (e *UnknownOrdersError) Msg() i18n.Message {
	return msgUnknownOrders.With("ids", strings.Join(e.IDs, ", "))
}

// Unwrap makes it an order.ErrNotFound.
func (e *UnknownOrdersError) Unwrap() error { return order.ErrNotFound }

// RecordStatus records Nexus's answer (rejected with a reason, in
// production, delivered on a date) or the company's withdrawal
// (cancelled) for one or many orders at once, all or nothing: when any
// order cannot make the move (the transition table says so), nothing
// changes and the error names every such order. Each order gets a timeline
// event and an audit line.
func (s *Service) RecordStatus(ctx context.Context, actor string, c StatusChange) (int, error) {
	ids, err := s.checkStatusChange(&c)
	if err != nil {
		return 0, err
	}
	type refused struct {
		id, name string
		from     order.Status
	}
	var bad []refused
	seen := map[string]bool{}
	detail := c.Reason
	auditDetail := string(c.Status)
	if c.Status == order.StatusDelivered {
		detail, auditDetail = c.Date, auditDetail+" "+c.Date
	}
	err = s.store.UpdateOrders(ctx, ids, func(o *order.Order) (invite.Change, bool, error) {
		seen[o.ID] = true
		if err := order.Transition(o.Status, c.Status); err != nil {
			bad = append(bad, refused{o.ID, strings.TrimSpace(o.FirstName + " " + o.LastName), o.Status})
			return invite.Change{}, false, err
		}
		o.Status = c.Status
		return invite.Change{
			Events: []invite.Event{{Kind: statusEvents[c.Status], Detail: detail}},
			Audit:  []audit.Entry{{Actor: actor, Action: ActionStatusRecorded, Subject: o.ID, Detail: auditDetail}},
		}, true, nil
	})
	switch {
	case err == nil:
		return len(ids), nil
	case errors.Is(err, order.ErrNotFound):
		var unknown []string
		for _, id := range ids {
			if !seen[id] {
				unknown = append(unknown, id)
			}
		}
		return 0, &UnknownOrdersError{IDs: unknown}
	case len(bad) == 0:
		return 0, fmt.Errorf("record order status: %w", err)
	}
	var refusedIDs, others []string
	for i, b := range bad {
		refusedIDs = append(refusedIDs, b.id)
		if i > 0 {
			others = append(others, b.name)
		}
	}
	params := []any{"name", bad[0].name, "from", statusWords[bad[0].from], "to", statusWords[c.Status], "others", ""}
	if len(others) > 0 {
		params[len(params)-1] = msgRefusedOthers.With("names", strings.Join(others, ", "))
	}
	return 0, &RefusedError{IDs: refusedIDs, Msg: msgRefused.With(params...)}
}

// checkStatusChange validates a status change and returns its ids without
// duplicates.
func (s *Service) checkStatusChange(c *StatusChange) ([]string, error) {
	fe := FieldErrors{}
	if !slices.Contains(recordable, c.Status) {
		fe["status"] = msgStatusNotRecordable.With()
	}
	var ids []string
	for _, id := range c.IDs {
		id = strings.TrimSpace(id)
		if id != "" && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	switch {
	case len(ids) == 0:
		fe["ids"] = msgNoOrders.With()
	case len(ids) > MaxBulk:
		fe["ids"] = msgTooManyOrders.With("max", MaxBulk)
	}
	reason, m := checkText(c.Reason, MaxNote)
	switch {
	case !m.IsZero():
		fe["reason"] = m
	case reason == "" && c.Status == order.StatusRejectedByNexus:
		fe["reason"] = msgReasonNeeded.With()
	case reason != "" && c.Status != order.StatusRejectedByNexus && c.Status != order.StatusCancelled:
		fe["reason"] = msgReasonNotHere.With()
	}
	c.Reason = reason
	c.Date = strings.TrimSpace(c.Date)
	if c.Status == order.StatusDelivered {
		today := s.now().In(time.Local).Format(time.DateOnly)
		if c.Date == "" {
			c.Date = today
		}
		if d, err := time.Parse(time.DateOnly, c.Date); err != nil || d.Format(time.DateOnly) != c.Date {
			fe["date"] = msgDateFormat.With()
		} else if c.Date > today {
			fe["date"] = msgDateFuture.With()
		}
	} else if c.Date != "" {
		fe["date"] = msgDateNotHere.With()
	}
	return ids, fe.err()
}

// statusEvents are the timeline kinds of the recorded statuses.
var statusEvents = map[order.Status]string{
	order.StatusRejectedByNexus: invite.EventNexusNo,
	order.StatusInProduction:    invite.EventProduction,
	order.StatusDelivered:       invite.EventDelivered,
	order.StatusCancelled:       invite.EventCancelled,
}
