package consolesync

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"strconv"
	"time"

	"id06desk/internal/audit"
	"id06desk/internal/i18n"
	"id06desk/internal/invite"
	"id06desk/internal/order"
	"id06desk/internal/orders"
	"id06desk/internal/pairing"
	"id06desk/internal/photo"
	"id06desk/internal/registration"
	"id06desk/internal/syncwire"
)

// SitePack is a site pack file made for a kiosk.
type SitePack struct {
	Kiosk pairing.Kiosk
	Seq   uint64
	File  []byte
	// Invitations and Revoked count what it carries.
	Invitations int
	Revoked     int
	// Digest is a hash of what it carries but its number and time.
	Digest []byte
}

// SitePack makes the next site pack for a kiosk (by name or id): the
// console's time and token keys, company data, catalogs and kiosk
// settings, the invitations open for registration, the revoked invitation
// ids and the acknowledgements of what the console received from the kiosk.
// Invitations carry no site yet, so every open invitation goes to every
// kiosk. The kiosk must have sent its first bundle (its keys encrypt the
// pack).
func (s *Service) SitePack(ctx context.Context, nameOrID string) (*SitePack, error) {
	k, err := s.kiosk(ctx, nameOrID)
	if err != nil {
		return nil, err
	}
	c, err := s.packContent(ctx, k)
	if err != nil {
		return nil, err
	}
	return s.writePack(ctx, k.ID, c, audit.SyncSitePackExported)
}

// MailSitePack makes the kiosk's next site pack for its mailbox, only when
// what it would carry changed since the last one mailed (a new or revoked
// invitation, an acknowledgement, catalogs, settings or keys); nil when
// nothing changed.
func (s *Service) MailSitePack(ctx context.Context, k pairing.Kiosk) (*SitePack, error) {
	c, err := s.packContent(ctx, k)
	if err != nil {
		return nil, err
	}
	if bytes.Equal(c.digest, k.PackDigest) {
		return nil, nil
	}
	return s.writePack(ctx, k.ID, c, audit.SyncSitePackMailed)
}

// PackMailed records that a pack made by MailSitePack is queued to the
// kiosk's mailbox: the next MailSitePack makes one only when something
// changed since. Called after the mail is queued, so that a crash in
// between mails the pack again rather than never.
func (s *Service) PackMailed(ctx context.Context, p *SitePack) error {
	_, err := s.c.Store.UpdateKiosk(ctx, p.Kiosk.ID, func(k *pairing.Kiosk) ([]audit.Entry, error) {
		k.PackDigest, k.LastPackMailedAt, k.LastPackMailedSeq = p.Digest, s.c.Now().UTC(), p.Seq
		return nil, nil
	})
	return err
}

// packContent is what a site pack carries, but its number and time.
type packContent struct {
	pack   *syncwire.SitePack
	digest []byte
}

func (s *Service) packContent(ctx context.Context, k pairing.Kiosk) (*packContent, error) {
	if k.Revoked() {
		return nil, i18n.Wrap(ErrRevoked, msgRevoked, "name", k.Name, "at", fmtTime(k.RevokedAt))
	}
	if k.AgeRecipient == "" {
		return nil, i18n.Wrap(ErrNoKeysYet, msgNoKeysYet, "name", k.Name)
	}
	company, catalogs, set, err := s.siteData(ctx)
	if err != nil {
		return nil, err
	}
	// The receiver's certificate as it is now: a kiosk paired before it
	// changed learns the new one here (an unreadable one is left out: the
	// receiver does not run then, and acks must still go).
	vals, err := s.c.Settings(ctx)
	if err != nil {
		return nil, err
	}
	if err := receiverPinSetting(vals, set); err != nil {
		s.c.Log.Warn("site pack without the receiver's certificate", "err", err)
	}
	now := s.c.Now().UTC()
	invs := []syncwire.Invitation{}
	var revoked []string
	err = s.c.Store.EachInvitation(ctx, invite.ListQuery{}, func(inv invite.Invitation) error {
		switch {
		case inv.Status == invite.StatusRevoked:
			if len(revoked) < syncwire.MaxRevoked {
				revoked = append(revoked, inv.ID)
			}
		case invite.CanTransition(inv.Status, invite.StatusRegistered) && now.Before(inv.ExpiresAt) && inv.Token != "":
			if len(invs) < syncwire.MaxInvitations {
				invs = append(invs, syncwire.Invitation{ID: inv.ID, Code: inv.Code, Token: inv.Token, ExpiresAt: inv.ExpiresAt,
					CardType: inv.CardType, Industry: inv.Industry, Language: inv.Language})
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	bundles, regs, err := s.c.Store.SyncAcks(ctx, k.ID)
	if err != nil {
		return nil, err
	}
	p := &syncwire.SitePack{KioskID: k.ID, TokenKeys: syncwire.TokenKeysOf(s.c.Keys.PublicKeys()),
		Company: company, Catalogs: catalogs, Settings: set, Invitations: invs, Revoked: revoked,
		Acks: syncwire.Acks{Bundles: bundles, Registrations: regs}}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(b)
	return &packContent{pack: p, digest: sum[:]}, nil
}

// writePack numbers, dates and writes a pack.
func (s *Service) writePack(ctx context.Context, kioskID string, c *packContent, action audit.Action) (*SitePack, error) {
	cons, keys, err := s.console(ctx, false)
	if err != nil {
		return nil, err
	}
	var seq uint64
	k, err := s.c.Store.UpdateKiosk(ctx, kioskID, func(k *pairing.Kiosk) ([]audit.Entry, error) {
		seq = k.NextPackSeq
		k.NextPackSeq++
		return []audit.Entry{{Action: action, Subject: k.ID, Detail: "seq " + strconv.FormatUint(seq, 10)}}, nil
	})
	if err != nil {
		return nil, err
	}
	now := s.c.Now().UTC()
	p := *c.pack
	p.Seq, p.ConsoleTime = seq, now
	var buf bytes.Buffer
	h := syncwire.Header{Sender: cons.ID, Recipient: k.ID, Console: cons.ID, Seq: seq, Created: now}
	if err := syncwire.WriteSitePack(&buf, h, &p, k.AgeRecipient, keys); err != nil {
		return nil, err
	}
	return &SitePack{Kiosk: k, Seq: seq, File: buf.Bytes(), Invitations: len(p.Invitations), Revoked: len(p.Revoked), Digest: c.digest}, nil
}

// Resolve resolves a pending conflict by keeping one registration:
// pairing.KeepExisting (the order that was there stays) or
// pairing.KeepKiosk (the kiosk's registration replaces the order's personal
// data and photo, while that order has not gone on to Nexus). Either way
// the kiosk's copy held for the conflict is deleted.
func (s *Service) Resolve(ctx context.Context, id, keep string) error {
	c, err := s.c.Store.Conflict(ctx, id)
	if err != nil {
		if err == pairing.ErrNotFound {
			return i18n.Wrap(ErrConflictGone, msgConflictGone)
		}
		return err
	}
	switch keep {
	case pairing.KeepExisting:
	case pairing.KeepKiosk:
		if err := s.replaceOrder(ctx, c); err != nil {
			return err
		}
	default:
		return i18n.Wrap(ErrResolution, msgResolution)
	}
	err = s.c.Store.ResolveConflict(ctx, id, keep, []audit.Entry{{Action: audit.SyncConflictResolved, Subject: id, Detail: "kept " + keep}})
	if err == pairing.ErrNotFound {
		return i18n.Wrap(ErrConflictGone, msgConflictGone)
	}
	return err
}

// replaceOrder puts the kiosk's registration of a conflict into the order
// that was there.
func (s *Service) replaceOrder(ctx context.Context, c pairing.HeldConflict) error {
	var reg syncwire.Registration
	if err := json.Unmarshal(c.Data, &reg); err != nil {
		return err
	}
	inv, _, err := s.c.Store.GetInvitation(ctx, c.InvitationID)
	if err != nil {
		return err
	}
	in, ok := orderInput(inv, reg, c.Photo)
	if !ok {
		return i18n.Wrap(ErrCannotReplace, msgRegData, "seq", strconv.FormatUint(reg.Seq, 10))
	}
	thumb, err := photo.Thumbnail(c.Photo, registration.ThumbWidth)
	if err != nil {
		return err
	}
	if in.Delivery.UseCompany {
		vals, err := s.c.Settings(ctx)
		if err != nil {
			return err
		}
		if a := orders.CompanyAddress(vals); a != nil {
			in.Delivery.Address = *a
		}
	}
	_, err = s.c.Store.UpdateOrder(ctx, c.ExistingOrderID, func(o *order.Order) (invite.Change, bool, error) {
		if o.Status != order.StatusReady || o.NexusBatchID != "" {
			return invite.Change{}, false, i18n.Wrap(ErrCannotReplace, msgCannotReplace, "status", string(o.Status))
		}
		p := in.Personal
		o.FirstName, o.LastName, o.Personnummer, o.BirthDate = p.FirstName, p.LastName, p.Personnummer, p.BirthDate
		o.Nationality, o.IDNumber, o.Phone, o.Delivery = p.Nationality, p.IDNumber, p.Phone, in.Delivery
		o.IdentityMethod, o.IdentityCheck, o.IdentityCheckedAt = in.Method, order.CheckPendingPartner, time.Time{}
		if in.Method == order.MethodBankID {
			o.IdentityCheck = order.CheckBankID
		}
		if in.IdentityCheck != "" {
			o.IdentityCheck, o.IdentityCheckedAt = in.IdentityCheck, in.IdentityCheckedAt
		}
		// The order is now the kiosk's registration: where and when it was made.
		o.RegisteredAt, o.RegisteredWhere, o.RegisteredKiosk = in.RegisteredAt.UTC(), order.WhereKiosk, c.KioskName
		o.Photo, o.Thumb = c.Photo, thumb
		return invite.Change{Audit: []audit.Entry{{Action: audit.OrderEdited, Subject: o.ID, Detail: "replaced by kiosk:" + c.KioskName}}}, true, nil
	})
	return err
}
