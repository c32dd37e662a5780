package registration

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // the order's photo is a JPEG

	"id06desk/internal/i18n"
	"id06desk/internal/invite"
	"id06desk/internal/order"
	"id06desk/internal/orders"
	"id06desk/internal/photo"
	"id06desk/internal/settings"
)

// ErrMethodFixed: a reopened registration keeps the identity method it was
// confirmed with (BankID-verified data stays as it was).
var ErrMethodFixed = i18n.Wrap(errors.New("the identity method of a reopened registration cannot change"), msgMethodFixed)

// fixStep is the step a reason sends the cardholder to; "other" shows the
// review, from which every step can be changed.
func fixStep(r order.Reason) string {
	switch r {
	case order.ReasonPhoto:
		return StepPhoto
	case order.ReasonName:
		return StepPersonal
	case order.ReasonAddress:
		return StepDelivery
	}
	return ""
}

// fixed records that the cardholder saved step again: a reopened
// registration no longer waits there.
func (d *Draft) fixed(step string) {
	if d.Reopen != nil && d.Reopen.Fix == step {
		d.Reopen.Fix = ""
	}
	if step == StepPhoto && d.Photo != nil {
		d.Photo.FromOrder = false
	}
}

// reopenDraft returns the invitation's draft; for an order sent back to
// the cardholder with no draft yet, it first rebuilds one from the order
// (method, personal data, photo, delivery) that waits at the step to fix.
func (s *Service) reopenDraft(ctx context.Context, inv invite.Invitation) (Draft, error) {
	d, err := LoadDraft(ctx, s.c.Store, inv.ID)
	if err != nil || d.Method != "" || inv.Status != invite.StatusReopened {
		return d, err
	}
	o, err := s.c.Store.OrderOf(ctx, inv.ID)
	if err != nil {
		return d, err
	}
	if o.Status != order.StatusReopened {
		return d, nil
	}
	full, err := s.c.Store.GetOrder(ctx, o.ID) // with its photo
	if err != nil {
		return d, err
	}
	return SaveDraft(ctx, s.c.Store, inv.ID, func(d *Draft) error {
		*d = draftOf(full)
		return nil
	})
}

// draftOf is the draft of a confirmed order: everything kept, BankID data
// locked, the order's photo as both source and card photo.
func draftOf(o order.Order) Draft {
	p := &Personal{FirstName: o.FirstName, LastName: o.LastName, HasPersonnummer: o.Personnummer != "", Personnummer: o.Personnummer,
		BirthDate: o.BirthDate, Nationality: o.Nationality, IDNumber: o.IDNumber, Phone: o.Phone,
		Locked: o.IdentityVerified(), PassportChecked: o.IdentityCheck == order.CheckBankIDPassport}
	meta := &PhotoMeta{Version: 1, OK: true, Rendered: true, Problems: []Problem{}, FromOrder: true}
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(o.Photo)); err == nil {
		meta.SourceWidth, meta.SourceHeight = cfg.Width, cfg.Height
		meta.Crop = Rect{Width: cfg.Width, Height: cfg.Height}
	}
	del := o.Delivery
	if del.UseCompany {
		del.Address = order.Address{} // filled from the settings again at Confirm
	}
	return Draft{Method: o.IdentityMethod, Personal: p, Photo: meta, Delivery: &del,
		Reopen:      &Reopen{OrderID: o.ID, Reason: o.ReopenReason, Note: o.ReopenNote, Fix: fixStep(o.ReopenReason)},
		PhotoSource: o.Photo, PhotoJPEG: o.Photo}
}

// confirmReopened is Confirm of a reopened registration: the same order
// takes the corrections and is ready again (orders.Resubmit); a new photo
// replaces the old one. The admin's notice and the receipt go again.
func (s *Service) confirmReopened(ctx context.Context, inv invite.Invitation, vals settings.Values, d Draft, card []byte) (*Receipt, error) {
	o, err := s.c.Store.OrderOf(ctx, inv.ID)
	if err != nil {
		return nil, err
	}
	c := orders.Correction{FirstName: d.Personal.FirstName, LastName: d.Personal.LastName, Personnummer: d.Personal.Personnummer,
		BirthDate: d.Personal.BirthDate, Nationality: d.Personal.Nationality, IDNumber: d.Personal.IDNumber, Phone: d.Personal.Phone,
		Delivery: *d.Delivery}
	if c.Delivery.UseCompany {
		if a := companyAddress(vals); a != nil {
			c.Delivery.Address = *a
		}
	}
	if !d.Photo.FromOrder {
		thumb, err := photo.Thumbnail(card, ThumbWidth)
		if err != nil {
			return nil, fmt.Errorf("thumbnail: %w", err)
		}
		c.Photo, c.Thumb = card, thumb
	}
	next := o
	next.FirstName, next.LastName, next.Phone = c.FirstName, c.LastName, c.Phone
	if o.IdentityVerified() {
		next.FirstName, next.LastName = o.FirstName, o.LastName
	}
	mails, err := s.orderMails(ctx, next, vals)
	if err != nil {
		return nil, err
	}
	c.Mails = mails
	done, err := s.orders.Resubmit(ctx, o.ID, c)
	if errors.Is(err, order.ErrTransition) {
		return nil, &LinkError{Code: LinkAlreadyRegistered, Company: vals.Get("company.name"), At: o.RegisteredAt, Err: err}
	}
	if err != nil {
		return nil, err
	}
	if len(mails) > 0 {
		s.c.Wake()
	}
	return &Receipt{OrderID: done.ID, RegisteredAt: done.RegisteredAt, IdentityCheck: done.IdentityCheck, IdentityPartner: partnerOf(vals), Email: inv.Email}, nil
}
