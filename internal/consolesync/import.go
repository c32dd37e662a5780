package consolesync

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"

	"id06desk/internal/audit"
	"id06desk/internal/i18n"
	"id06desk/internal/invite"
	"id06desk/internal/order"
	"id06desk/internal/pairing"
	"id06desk/internal/photo"
	"id06desk/internal/registration"
	"id06desk/internal/settings"
	"id06desk/internal/syncwire"
	"id06desk/internal/token"
)

// Result is what an import did.
type Result struct {
	KioskID   string
	KioskName string
	Bundle    uint64 // the bundle's sequence number
	Applied   int    // orders made
	Already   int    // registrations received before (nothing changed)
	Conflicts int    // held for the admin: their invitation already had an order
	Refused   int    // not applied; Refusals says why
	Refusals  []RegistrationRefusal
}

// RegistrationRefusal is one refused registration of a bundle.
type RegistrationRefusal struct {
	Seq            uint64
	RegistrationID string
	Msg            i18n.Message
}

// Import reads a bundle a kiosk exported and applies its registrations:
// each exactly once (by its id), as a web registration would be (an order
// ready to be sent to Nexus, the admin's mail and the cardholder's receipt
// through the outbox). A file refused whole changes nothing and is recorded
// with its sentence (an *i18n.Error is returned); a refused registration is
// recorded and the others are applied.
func (s *Service) Import(ctx context.Context, r io.Reader) (*Result, error) {
	return s.ImportFrom(ctx, r, "")
}

// ImportFrom is Import of a bundle that must come from the kiosk kioskID
// (the one that logged in to the console's SMTP receiver): another kiosk's
// bundle is refused before anything is read. A file refused whole from a
// kiosk that is known (revoked, replayed, damaged after its header) comes
// with a Result naming only that kiosk, so that the refusal can be shown
// as its problem.
func (s *Service) ImportFrom(ctx context.Context, r io.Reader, kioskID string) (*Result, error) {
	cons, keys, err := s.console(ctx, false)
	if err != nil {
		s.recordFileRefusal(ctx, nil, 0, err)
		return nil, err
	}
	var k *pairing.Kiosk
	env, err := syncwire.Open(r, syncwire.OpenOptions{
		Kind: syncwire.KindBundle, Me: cons.ID, Console: cons.ID, Identity: keys, TempDir: s.c.TempDir, MaxBytes: s.c.MaxBundleBytes,
		SenderKey: func(h syncwire.Header) (ed25519.PublicKey, error) {
			if kioskID != "" && h.Sender != kioskID {
				// The refusal is the logged-in kiosk's: its login was used.
				if login, err := s.c.Store.Kiosk(ctx, kioskID); err == nil {
					k = &login
				}
				return nil, i18n.Wrap(fmt.Errorf("%w: sent with kiosk %s's login", syncwire.ErrUnknownSender, kioskID), msgOtherLogin)
			}
			found, err := s.c.Store.Kiosk(ctx, h.Sender)
			if err != nil {
				return nil, err // unknown: syncwire refuses with ErrUnknownSender
			}
			k = &found
			if found.Revoked() {
				return nil, i18n.Wrap(fmt.Errorf("%w: %w", syncwire.ErrUnknownSender, ErrRevoked), msgRevoked,
					"name", found.Name, "at", fmtTime(found.RevokedAt))
			}
			if found.SignPub != nil {
				if h.SenderKeys != nil && !bytes.Equal(h.SenderKeys.SignPub, found.SignPub) {
					return nil, errors.New("a first bundle with other keys than the kiosk proved")
				}
				return found.SignPub, nil
			}
			var secret syncwire.Secret
			if len(found.Secret) != len(secret) {
				return nil, errors.New("no pairing secret")
			}
			copy(secret[:], found.Secret)
			return syncwire.KeyFromProof(h, secret)
		},
	})
	if err != nil {
		s.recordFileRefusal(ctx, k, 0, err)
		return refusedFrom(k), err
	}
	defer env.Close()
	h := env.Header
	kiosk := *k
	if b, seen, err := s.c.Store.Bundle(ctx, kiosk.ID, h.Seq); err != nil {
		return nil, err
	} else if seen {
		err := i18n.Wrap(ErrReplayed, msgReplayed, "seq", strconv.FormatUint(h.Seq, 10), "name", kiosk.Name, "at", fmtTime(b.ImportedAt))
		s.recordFileRefusal(ctx, &kiosk, h.Seq, err)
		return refusedFrom(&kiosk), err
	}
	if kiosk.SignPub == nil {
		// The first bundle proved the pairing secret: from now on the
		// kiosk's keys are known and the secret is no longer kept.
		pub := *h.SenderKeys
		if kiosk, err = s.c.Store.UpdateKiosk(ctx, kiosk.ID, func(k *pairing.Kiosk) ([]audit.Entry, error) {
			if k.SignPub == nil {
				k.SignPub, k.AgeRecipient, k.KeysAt, k.Secret = pub.SignPub, pub.AgeRecipient, s.c.Now().UTC(), nil
			}
			return nil, nil
		}); err != nil {
			return nil, err
		}
	}
	br, err := syncwire.ReadBundle(env, keys)
	if err != nil {
		s.recordFileRefusal(ctx, &kiosk, h.Seq, err)
		return refusedFrom(&kiosk), err
	}
	vals, err := s.c.Settings(ctx)
	if err != nil {
		return nil, err
	}
	res := &Result{KioskID: kiosk.ID, KioskName: kiosk.Name, Bundle: h.Seq}
	items, stop := readAhead(br)
	defer stop() // before env.Close: the read-ahead reads from it
	for it := range items {
		if it.err == io.EOF {
			break
		}
		if it.err != nil {
			// The signature held, so the kiosk wrote this; what was applied
			// before stays applied (exactly once by id), the rest waits for
			// a corrected bundle.
			s.recordFileRefusal(ctx, &kiosk, h.Seq, it.err)
			return res, it.err
		}
		if err := s.apply(ctx, kiosk, vals, it, res); err != nil {
			return res, err
		}
	}
	detail := fmt.Sprintf("seq %d: %d applied, %d already, %d conflicts, %d refused", h.Seq, res.Applied, res.Already, res.Conflicts, res.Refused)
	if err := s.c.Store.RecordBundle(ctx, pairing.Bundle{KioskID: kiosk.ID, Seq: h.Seq, ImportedAt: s.c.Now().UTC(),
		Applied: res.Applied, Already: res.Already, Conflicts: res.Conflicts, Refused: res.Refused},
		audit.Entry{Action: audit.SyncBundleImported, Subject: kiosk.ID, Detail: detail}); err != nil {
		return res, err
	}
	s.c.Log.Info("bundle imported", "kiosk", kiosk.Name, "seq", h.Seq, "applied", res.Applied, "already", res.Already,
		"conflicts", res.Conflicts, "refused", res.Refused)
	return res, nil
}

// refusedFrom is the Result of a file refused whole: the kiosk that sent
// it, when known, else nil.
func refusedFrom(k *pairing.Kiosk) *Result {
	if k == nil {
		return nil
	}
	return &Result{KioskID: k.ID, KioskName: k.Name}
}

// recordFileRefusal records a refused file (k nil when the sender is not
// known). Errors without a sentence (the disk failed) are not refusals.
func (s *Service) recordFileRefusal(ctx context.Context, k *pairing.Kiosk, seq uint64, err error) {
	var ie *i18n.Error
	if !errors.As(err, &ie) {
		return
	}
	r := pairing.Refusal{At: s.c.Now().UTC(), FileSeq: seq, Code: ie.Msg.Code(), SV: ie.Msg.In(i18n.SV), EN: ie.Msg.In(i18n.EN)}
	if k != nil {
		r.KioskID, r.KioskName = k.ID, k.Name
	}
	s.c.Log.Warn("sync file refused", "kiosk", r.KioskName, "code", r.Code, "err", err)
	if rerr := s.c.Store.RecordRefusal(ctx, r, audit.Entry{Action: audit.SyncFileRefused, Subject: r.KioskID, Detail: r.Code}); rerr != nil {
		s.c.Log.Error("record sync refusal", "err", rerr)
	}
}

// aheadCount is how many registrations the import reads, decrypts and
// makes the thumbnails of ahead of the one it stores: on a second core the
// photos are decoded and scaled while the database works (the thumbnails
// were two thirds of an import's CPU), and at most aheadCount+2 photos are
// in memory whatever the bundle's size.
const aheadCount = 2

// item is one registration of a bundle as the read-ahead prepared it.
type item struct {
	reg   syncwire.Registration
	card  []byte // the photo as the bundle holds it
	thumb []byte // its thumbnail; nil when the photo is not usable
	err   error  // the bundle cannot be read on (io.EOF after the last)
}

// readAhead reads br's registrations in order on another goroutine; the
// channel ends after the item with an error (io.EOF at the end). stop ends
// the reading and waits for it: call it before br's envelope is closed.
func readAhead(br *syncwire.BundleReader) (<-chan item, func()) {
	out := make(chan item, aheadCount)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(out)
		for {
			var it item
			if reg, ph, err := br.Next(); err != nil {
				it.err = err
			} else {
				it.reg = reg
				it.card, it.thumb, it.err = preparePhoto(ph)
			}
			select {
			case out <- it:
			case <-done:
				return
			}
			if it.err != nil {
				return
			}
		}
	})
	return out, func() { close(done); wg.Wait() }
}

// preparePhoto reads a registration's photo and makes its thumbnail. The
// header's pixel size is checked before anything decodes it (a
// decompression bomb stops there); a photo that is not a JPEG or does not
// decode gets no thumbnail and its registration is refused. Only a failure
// to read is returned.
func preparePhoto(ph io.Reader) (card, thumb []byte, err error) {
	card, err = io.ReadAll(io.LimitReader(ph, syncwire.MaxPhotoBytes+1))
	if err != nil {
		return nil, nil, fmt.Errorf("read photo: %w", err)
	}
	if _, err := photo.Read(bytes.NewReader(card), syncwire.MaxPhotoBytes); err != nil || !bytes.HasPrefix(card, []byte{0xff, 0xd8, 0xff}) {
		return card, nil, nil
	}
	if thumb, err = photo.Thumbnail(card, registration.ThumbWidth); err != nil {
		return card, nil, nil
	}
	return card, thumb, nil
}

// refusal is one registration's refusal.
type refusal struct{ msg i18n.Message }

// apply applies one registration; only storage failures are returned.
func (s *Service) apply(ctx context.Context, k pairing.Kiosk, vals settings.Values, it item, res *Result) error {
	reg, card := it.reg, it.card
	if _, found, err := s.c.Store.ReceivedRegistration(ctx, reg.ID); err != nil {
		return err
	} else if found {
		res.Already++
		return nil
	}
	rec := pairing.Received{ID: reg.ID, KioskID: k.ID, Seq: reg.Seq, InvitationID: reg.InvitationID, At: s.c.Now().UTC()}
	refuse := func(msg i18n.Message) error {
		rec.Outcome = pairing.Refused
		ref := &pairing.Refusal{At: rec.At, KioskID: k.ID, KioskName: k.Name, RegistrationID: reg.ID,
			Code: msg.Code(), SV: msg.In(i18n.SV), EN: msg.In(i18n.EN)}
		found, err := s.c.Store.RecordReceived(ctx, rec, ref, nil,
			[]audit.Entry{{Action: audit.SyncRegistrationRefused, Subject: reg.ID, Detail: msg.Code()}})
		if err != nil {
			return err
		}
		if found {
			res.Already++
			return nil
		}
		res.Refused++
		res.Refusals = append(res.Refusals, RegistrationRefusal{Seq: reg.Seq, RegistrationID: reg.ID, Msg: msg})
		return nil
	}
	inv, ref, err := s.checkInvitation(ctx, reg)
	if err != nil {
		return err
	}
	if ref != nil {
		return refuse(ref.msg)
	}
	rec.InvitationID = inv.ID
	seq := strconv.FormatUint(reg.Seq, 10)
	if it.thumb == nil { // preparePhoto found it unusable
		return refuse(msgRegPhoto.With("seq", seq))
	}
	in, ok := orderInput(inv, reg, card)
	if !ok {
		return refuse(msgRegData.With("seq", seq))
	}
	in.Thumb, in.Kiosk = it.thumb, k.Name
	existing, err := s.c.Store.OrderOf(ctx, inv.ID)
	switch {
	case err == nil && existing.ID == reg.ID:
		// Applied before, its receipt not recorded (the import stopped
		// between the two): record it now.
		rec.Outcome, rec.OrderID = pairing.Applied, existing.ID
		if _, err := s.c.Store.RecordReceived(ctx, rec, nil, nil, nil); err != nil {
			return err
		}
		res.Already++
		return nil
	case err == nil:
		return s.hold(ctx, k, reg, rec, existing.ID, card, res)
	case !errors.Is(err, order.ErrNotFound):
		return err
	}
	if !inv.OpenAt(reg.RegisteredAt) {
		return refuse(msgRegNotOpen.With("seq", seq, "status", string(inv.Status)))
	}
	o, err := s.c.Orders.CreateOrder(ctx, vals, in)
	if errors.Is(err, order.ErrAlreadyRegistered) {
		existing, oerr := s.c.Store.OrderOf(ctx, inv.ID)
		if oerr != nil {
			return oerr
		}
		return s.hold(ctx, k, reg, rec, existing.ID, card, res)
	}
	if err != nil {
		return fmt.Errorf("registration %d: %w", reg.Seq, err)
	}
	rec.Outcome, rec.OrderID = pairing.Applied, o.ID
	if _, err := s.c.Store.RecordReceived(ctx, rec, nil, nil,
		[]audit.Entry{{Action: audit.SyncRegistrationImported, Subject: o.ID, Detail: "kiosk:" + k.Name}}); err != nil {
		return err
	}
	res.Applied++
	return nil
}

// hold keeps a registration whose invitation already has an order as a
// conflict for the admin.
func (s *Service) hold(ctx context.Context, k pairing.Kiosk, reg syncwire.Registration, rec pairing.Received, existingID string, card []byte, res *Result) error {
	data, err := json.Marshal(reg)
	if err != nil {
		return err
	}
	rec.Outcome = pairing.Conflict
	c := &pairing.HeldConflict{ID: reg.ID, RegistrationID: reg.ID, KioskID: k.ID, KioskName: k.Name, InvitationID: rec.InvitationID,
		ExistingOrderID: existingID, RegisteredAt: reg.RegisteredAt.UTC(), CreatedAt: rec.At, Data: data, Photo: card}
	found, err := s.c.Store.RecordReceived(ctx, rec, nil, c,
		[]audit.Entry{{Action: audit.SyncConflictHeld, Subject: c.ID, Detail: "kiosk:" + k.Name}})
	if err != nil {
		return err
	}
	if found {
		res.Already++
	} else {
		res.Conflicts++
	}
	return nil
}

// checkInvitation checks that the registration's invitation was open for
// registration when the kiosk registered it: the token signed by this
// console's keys and not expired then, the invitation known and not revoked
// before.
func (s *Service) checkInvitation(ctx context.Context, reg syncwire.Registration) (invite.Invitation, *refusal, error) {
	seq := strconv.FormatUint(reg.Seq, 10)
	at := reg.RegisteredAt.UTC()
	claims, err := s.c.Keys.Verify(reg.Token, at)
	if errors.Is(err, token.ErrExpired) {
		return invite.Invitation{}, &refusal{msgRegExpired.With("seq", seq, "at", fmtTime(at))}, nil
	}
	if err != nil || (reg.InvitationID != "" && reg.InvitationID != claims.InvitationID) {
		return invite.Invitation{}, &refusal{msgRegTokenInvalid.With("seq", seq)}, nil
	}
	inv, events, err := s.c.Store.GetInvitation(ctx, claims.InvitationID)
	if errors.Is(err, invite.ErrNotFound) {
		return inv, &refusal{msgRegUnknownInvitation.With("seq", seq)}, nil
	}
	if err != nil {
		return inv, nil, err
	}
	if inv.Status == invite.StatusRevoked {
		var revoked time.Time
		for _, e := range events {
			if e.Kind == invite.EventRevoked {
				revoked = e.At
			}
		}
		if revoked.IsZero() || !revoked.After(at) {
			return inv, &refusal{msgRegRevokedBefore.With("seq", seq, "revoked", fmtTime(revoked), "at", fmtTime(at))}, nil
		}
		return inv, &refusal{msgRegRevokedAfter.With("seq", seq, "revoked", fmtTime(revoked))}, nil
	}
	return inv, nil, nil
}

// orderInput maps a sealed registration onto what CreateOrder takes,
// checking its personal data by the web's rules.
func orderInput(inv invite.Invitation, reg syncwire.Registration, card []byte) (registration.OrderInput, bool) {
	p, err := registration.ValidatePersonal(registration.PersonalInput{
		FirstName: reg.FirstName, LastName: reg.LastName, HasPersonnummer: reg.Personnummer != "", Personnummer: reg.Personnummer,
		BirthDate: reg.BirthDate, Nationality: reg.Nationality, IDNumber: reg.IDNumber, Phone: reg.Phone,
	}, reg.RegisteredAt)
	if err != nil {
		return registration.OrderInput{}, false
	}
	if reg.IdentityMethod != order.MethodManual && reg.IdentityMethod != order.MethodBankID {
		return registration.OrderInput{}, false
	}
	check := ""
	switch reg.IdentityCheck {
	case "":
	case order.CheckBankID, order.CheckBankIDPassport:
		if reg.IdentityMethod != order.MethodBankID {
			return registration.OrderInput{}, false
		}
		check = reg.IdentityCheck
	case order.CheckPendingPartner:
		check = reg.IdentityCheck
	default:
		return registration.OrderInput{}, false
	}
	if check == "" && reg.IdentityMethod == order.MethodBankID {
		check = order.CheckBankID
	}
	a := reg.Delivery.Address
	d := order.Delivery{UseCompany: reg.Delivery.UseCompany, Address: order.Address{Name: a.Name, CareOf: a.CareOf, Street: a.Street,
		PostalCode: a.PostalCode, City: a.City, Country: a.Country}}
	if !d.UseCompany && (d.Address.Street == "" || d.Address.PostalCode == "" || d.Address.City == "") {
		return registration.OrderInput{}, false
	}
	return registration.OrderInput{Invitation: inv, Personal: p, Method: reg.IdentityMethod, Delivery: d, Card: card,
		RegisteredAt: reg.RegisteredAt, Where: order.WhereKiosk, ID: reg.ID, IdentityCheck: check, IdentityCheckedAt: reg.IdentityCheckedAt}, true
}
