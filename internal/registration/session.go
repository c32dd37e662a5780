package registration

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"id06desk/internal/invite"
	"id06desk/internal/mail"
	"id06desk/internal/order"
	"id06desk/internal/orders"
	"id06desk/internal/outbox"
	"id06desk/internal/photo"
	"id06desk/internal/settings"
)

// Session is what the registration pages need to show the current step.
type Session struct {
	Invitation      InvitationInfo     `json:"invitation"`
	Step            string             `json:"step"`
	Method          string             `json:"method"`
	Personal        *Personal          `json:"personal"`
	Photo           *PhotoMeta         `json:"photo"`
	Delivery        *order.Delivery    `json:"delivery"`
	CompanyAddress  *order.Address     `json:"companyAddress"`
	BankID          BankIDAvailability `json:"bankid"`
	IdentityPartner Partner            `json:"identityPartner"`
	Kiosk           bool               `json:"kiosk"`
	// Reopen: the admin sent the confirmed registration back to be
	// corrected (reason, note, the step to fix); absent otherwise.
	Reopen *Reopen `json:"reopen,omitempty"`
}

// InvitationInfo is the invitation as the cardholder sees it.
type InvitationInfo struct {
	Email     string           `json:"email"`
	Company   string           `json:"company"`
	CardType  invite.CardType  `json:"cardType"`
	Industry  *invite.Industry `json:"industry"`
	Language  string           `json:"language"`
	ExpiresAt time.Time        `json:"expiresAt"`
}

// BankIDAvailability says whether BankID is offered.
type BankIDAvailability struct {
	Available bool   `json:"available"`
	Reason    string `json:"reason,omitempty"`
}

// Partner is the scanning partner for the identity check.
type Partner struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

func partnerOf(v settings.Values) Partner {
	return Partner{Name: v.Get("identity.partner_name"), URL: v.Get("identity.partner_url")}
}

// companyAddress is the default delivery address, nil until the street is set.
func companyAddress(v settings.Values) *order.Address { return orders.CompanyAddress(v) }

func (s *Service) session(ctx context.Context, inv invite.Invitation, vals settings.Values, d Draft, kiosk bool) (*Session, error) {
	cat, err := s.c.Store.LoadCatalog(ctx)
	if err != nil {
		return nil, err
	}
	info := InvitationInfo{Email: inv.Email, Company: vals.Get("company.name"), Language: inv.Language, ExpiresAt: inv.ExpiresAt,
		CardType: invite.CardType{Code: inv.CardType, NameSv: inv.CardType, NameEn: inv.CardType}}
	if c, ok := cat.CardType(inv.CardType); ok {
		info.CardType = c
	}
	if i, ok := cat.Industry(inv.Industry); ok {
		info.Industry = &i
	}
	ok, reason := s.bankIDAvailable(ctx)
	bank := BankIDAvailability{Available: ok}
	if !ok {
		bank.Reason = reason
	}
	return &Session{
		Invitation: info, Step: d.NextStep(), Method: d.Method, Personal: d.Personal, Photo: d.Photo, Delivery: d.Delivery,
		CompanyAddress: companyAddress(vals), BankID: bank, IdentityPartner: partnerOf(vals), Kiosk: kiosk, Reopen: d.Reopen,
	}, nil
}

func (s *Service) bankIDAvailable(ctx context.Context) (bool, string) {
	if s.c.BankIDs == nil {
		return false, "not_configured"
	}
	return s.c.BankIDs.Available(ctx)
}

// Receipt is what the cardholder is told after Confirm.
type Receipt struct {
	OrderID         string    `json:"orderId"`
	RegisteredAt    time.Time `json:"registeredAt"`
	IdentityCheck   string    `json:"identityCheck"`
	IdentityPartner Partner   `json:"identityPartner"`
	Email           string    `json:"email"`
	// Sealed: an offline kiosk sealed the registration; it reaches the
	// office with the next sync.
	Sealed bool `json:"sealed,omitempty"`
}

// Confirm turns a complete draft into an order "ready to be sent to Nexus"
// and queues the admin's notice and the cardholder's receipt, all in one
// transaction. A second Confirm (or a race of two) gets a LinkError
// already_registered; at most one order exists per invitation.
func (s *Service) Confirm(ctx context.Context, tok string, kiosk bool) (*Receipt, error) {
	inv, vals, err := s.authorize(ctx, tok)
	if err != nil {
		return nil, err
	}
	d, err := LoadDraft(ctx, s.c.Store, inv.ID)
	if err != nil {
		return nil, err
	}
	if step := d.NextStep(); step != StepReview {
		return nil, &IncompleteError{Step: step}
	}
	card, err := s.c.Store.DraftPhoto(ctx, inv.ID, false)
	if err != nil {
		return nil, err
	}
	if card == nil {
		return nil, &IncompleteError{Step: StepPhoto}
	}
	if d.Reopen != nil {
		return s.confirmReopened(ctx, inv, vals, d, card)
	}
	now := s.c.Now().UTC()
	where := order.WhereWeb
	if kiosk {
		where = order.WhereKiosk
	}
	in := OrderInput{
		Invitation: inv, Personal: *d.Personal, Method: d.Method, Delivery: *d.Delivery, Card: card,
		RegisteredAt: now, Where: where,
	}
	if sl := s.sealer(); sl != nil {
		// An offline kiosk: sealed for the console instead of an order.
		return s.confirmSealed(ctx, sl, vals, in, tok)
	}
	o, err := s.CreateOrder(ctx, vals, in)
	if err != nil {
		if errors.Is(err, ErrAlreadyRegistered) {
			existing, oerr := s.orders.OrderOf(ctx, inv.ID)
			if oerr == nil {
				now = existing.RegisteredAt
			}
			return nil, &LinkError{Code: LinkAlreadyRegistered, Company: vals.Get("company.name"), At: now, Err: err}
		}
		return nil, err
	}
	return &Receipt{OrderID: o.ID, RegisteredAt: now, IdentityCheck: o.IdentityCheck, IdentityPartner: partnerOf(vals), Email: inv.Email}, nil
}

// OrderInput is a confirmed registration: what CreateOrder turns into an
// order. A web or kiosk Confirm builds it from the draft; the console's
// import of a kiosk's bundle from the sealed registration.
type OrderInput struct {
	Invitation invite.Invitation
	Personal   Personal
	Method     string // order.MethodManual or order.MethodBankID
	Delivery   order.Delivery
	Card       []byte // the card photo (JPEG)
	// Thumb is the card photo's thumbnail (photo.Thumbnail at ThumbWidth)
	// when the caller made it already: the import of a kiosk's bundle makes
	// the next registrations' while this one is stored. nil: CreateOrder
	// makes it.
	Thumb        []byte
	RegisteredAt time.Time
	Where        string // order.WhereWeb or order.WhereKiosk
	// Kiosk is the paired kiosk's name for a registration a bundle brought.
	Kiosk string
	// ID is the order's id; "" draws a new one. The import uses the
	// registration's id, so a registration applied before is recognised.
	ID string
	// IdentityCheck overrides the check derived from Method (a kiosk's
	// BankID check travels with its registration); "" derives it.
	IdentityCheck     string
	IdentityCheckedAt time.Time
}

// CreateOrder makes the order "ready to be sent to Nexus" of a confirmed
// registration and queues the admin's notice and the cardholder's receipt,
// all in one transaction: exactly what a web Confirm does. A second order
// for the invitation gets ErrAlreadyRegistered and changes nothing.
func (s *Service) CreateOrder(ctx context.Context, vals settings.Values, in OrderInput) (order.Order, error) {
	o, err := s.buildOrder(vals, in)
	if err != nil {
		return order.Order{}, err
	}
	mails, err := s.orderMails(ctx, o, vals)
	if err != nil {
		return order.Order{}, err
	}
	if err := s.orders.Create(ctx, o, mails); err != nil {
		return order.Order{}, err
	}
	if len(mails) > 0 {
		s.c.Wake()
	}
	return o, nil
}

// buildOrder is the order of a confirmed registration, not yet stored.
func (s *Service) buildOrder(vals settings.Values, in OrderInput) (order.Order, error) {
	thumb, err := in.Thumb, error(nil)
	if thumb == nil {
		if thumb, err = photo.Thumbnail(in.Card, ThumbWidth); err != nil {
			return order.Order{}, fmt.Errorf("thumbnail: %w", err)
		}
	}
	id := in.ID
	if id == "" {
		if id, err = invite.NewID(); err != nil {
			return order.Order{}, err
		}
	}
	inv, p := in.Invitation, in.Personal
	o := order.Order{
		ID: id, InvitationID: inv.ID, Status: order.StatusReady,
		FirstName: p.FirstName, LastName: p.LastName, Personnummer: p.Personnummer,
		BirthDate: p.BirthDate, Nationality: p.Nationality, IDNumber: p.IDNumber,
		Email: inv.Email, Phone: p.Phone, CardType: inv.CardType, Industry: inv.Industry, Language: inv.Language,
		Delivery: in.Delivery, Photo: in.Card, Thumb: thumb,
		IdentityMethod: in.Method, IdentityCheck: order.CheckPendingPartner,
		RegisteredAt: in.RegisteredAt.UTC(), RegisteredWhere: in.Where, RegisteredKiosk: in.Kiosk,
	}
	if in.Method == order.MethodBankID {
		o.IdentityCheck = order.CheckBankID
		if p.PassportChecked {
			o.IdentityCheck = order.CheckBankIDPassport
		}
	}
	if in.IdentityCheck != "" {
		o.IdentityCheck, o.IdentityCheckedAt = in.IdentityCheck, in.IdentityCheckedAt
	}
	if o.Delivery.UseCompany {
		if a := companyAddress(vals); a != nil {
			o.Delivery.Address = *a
		}
	}
	return o, nil
}

// orderMails renders the admin's "order ready" notice and the cardholder's
// receipt. Without a sender address no mail can be written: the order is
// still created and the console shows it.
func (s *Service) orderMails(ctx context.Context, o order.Order, vals settings.Values) ([]*outbox.Message, error) {
	sender, from := vals.Sender()
	company := vals.Get("company.name")
	if from == "" || company == "" {
		s.c.Log.Warn("order ready but no mail written: set the company name and sender address", "order_id", o.ID)
		return nil, nil
	}
	cat, err := s.c.Store.LoadCatalog(ctx)
	if err != nil {
		return nil, err
	}
	names := func(lang string) (card, industry string) {
		card = o.CardType
		if c, ok := cat.CardType(o.CardType); ok {
			card = c.Name(lang)
		}
		if i, ok := cat.Industry(o.Industry); ok {
			industry = i.Name(lang)
		}
		return card, industry
	}
	partner := partnerOf(vals)
	var out []*outbox.Message

	notify := splitList(vals.Get("company.notify_email"))
	if len(notify) == 0 {
		notify = []string{from}
	}
	adminLang := vals.Get("language")
	card, industry := names(adminLang)
	r, err := s.c.Renderer.RenderOrderReady(mail.OrderReadyMail{
		Lang: adminLang, CompanyName: company, SenderName: sender, SenderAddress: from, Recipients: notify,
		CardholderName: o.FirstName + " " + o.LastName, CardholderEmail: o.Email, CardType: card, Industry: industry,
		Where: o.RegisteredWhere, Kiosk: o.RegisteredKiosk, IdentityMethod: o.IdentityMethod, PartnerName: partner.Name, RegisteredAt: o.RegisteredAt,
		OrderLink: vals.PublicURL(s.c.DefaultPublicURL()) + "/#/orders/" + o.ID,
	})
	if err != nil {
		return nil, fmt.Errorf("render order-ready mail: %w", err)
	}
	out = append(out, &outbox.Message{MessageID: r.MessageID, Kind: "order_ready", From: r.From, To: strings.Join(r.Recipients, ", "), Body: r.Message})

	card, _ = names(o.Language)
	r, err = s.c.Renderer.RenderRegistrationReceipt(mail.ReceiptMail{
		Lang: o.Language, CompanyName: company, SenderName: sender, SenderAddress: from, Recipient: o.Email,
		CardholderName: o.FirstName + " " + o.LastName, CardType: card, IdentityMethod: o.IdentityMethod,
		PartnerName: partner.Name, PartnerURL: partner.URL, RegisteredAt: o.RegisteredAt,
	})
	if err != nil {
		return nil, fmt.Errorf("render registration receipt: %w", err)
	}
	out = append(out, &outbox.Message{MessageID: r.MessageID, Kind: "registration_receipt", From: r.From, To: r.To, Body: r.Message})
	return out, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' }) {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}
