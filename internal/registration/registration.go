// Package registration is the cardholder's side of an invitation: opening
// the link (or typing the code), filling in the steps, each saved as a draft,
// and confirming, which turns the draft into an order ready to be sent to
// Nexus and queues the mails that say so.
package registration

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"log/slog"
	"strings"
	"time"

	"id06desk/internal/identity"
	"id06desk/internal/invite"
	"id06desk/internal/mail"
	"id06desk/internal/order"
	"id06desk/internal/outbox"
	"id06desk/internal/photo"
	"id06desk/internal/settings"
	"id06desk/internal/token"
)

// MaxPhotoBytes is the largest photo upload accepted.
const MaxPhotoBytes = 10 << 20

// ThumbWidth is the width of order list thumbnails.
const ThumbWidth = 140

// Store keeps invitations, drafts and orders.
type Store interface {
	GetInvitation(ctx context.Context, id string) (invite.Invitation, []invite.Event, error)
	InvitationByCode(ctx context.Context, code string) (invite.Invitation, error)
	LoadCatalog(ctx context.Context) (invite.Catalog, error)
	MarkOpened(ctx context.Context, id string) error
	LoadDraft(ctx context.Context, invitationID string) (Draft, error)
	SaveDraft(ctx context.Context, invitationID string, fn func(d *Draft) error) (Draft, error)
	DraftPhoto(ctx context.Context, invitationID string, source bool) ([]byte, error)
	DeleteRegistrationDraft(ctx context.Context, invitationID string) error
	CreateOrder(ctx context.Context, o order.Order, mails []*outbox.Message) error
	OrderOf(ctx context.Context, invitationID string) (order.Order, error)
}

// Settings reads the current settings.
type Settings interface {
	Load(ctx context.Context) (settings.Values, error)
}

// Config wires a Service.
type Config struct {
	Store    Store
	Settings Settings
	Keys     *token.KeyRing
	Renderer mail.Renderer
	Log      *slog.Logger
	Now      func() time.Time
	Wake     func() // tells the outbox worker new mail is waiting
	// DefaultPublicURL is used for console links when public_url is empty.
	DefaultPublicURL func() string
	// BankIDs is the configured BankID (nil: never offered).
	BankIDs BankIDProvider
	// BankIDInterval between collect calls (0: BankID's 2 s; tests use less).
	BankIDInterval time.Duration
}

// Service runs registrations.
type Service struct {
	c    Config
	bank bankIDRuns
}

// New returns a Service.
func New(c Config) *Service {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Wake == nil {
		c.Wake = func() {}
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.DefaultPublicURL == nil {
		c.DefaultPublicURL = func() string { return "http://127.0.0.1:8080" }
	}
	return &Service{c: c}
}

// Lookup returns the token of the invitation with this short code.
// invite.ErrNotFound when there is none (or it is an unsent draft);
// invite.ErrCodeChar / ErrCodeLength for malformed input.
func (s *Service) Lookup(ctx context.Context, code string) (string, error) {
	norm, err := invite.NormalizeCode(code)
	if err != nil {
		return "", err
	}
	inv, err := s.c.Store.InvitationByCode(ctx, norm)
	if err != nil {
		return "", err
	}
	if inv.Status == invite.StatusDraft {
		return "", invite.ErrNotFound
	}
	return inv.Token, nil
}

// authorize checks a token against the signature and the invitation's
// current state.
func (s *Service) authorize(ctx context.Context, tok string) (invite.Invitation, settings.Values, error) {
	vals, err := s.c.Settings.Load(ctx)
	if err != nil {
		return invite.Invitation{}, nil, err
	}
	company := vals.Get("company.name")
	claims, verr := s.c.Keys.Verify(tok, s.c.Now())
	if verr != nil && !errors.Is(verr, token.ErrExpired) {
		return invite.Invitation{}, vals, &LinkError{Code: LinkInvalid, Company: company, Err: verr}
	}
	inv, _, err := s.c.Store.GetInvitation(ctx, claims.InvitationID)
	if errors.Is(err, invite.ErrNotFound) {
		return inv, vals, &LinkError{Code: LinkInvalid, Company: company, Err: err}
	}
	if err != nil {
		return inv, vals, err
	}
	if o, err := s.c.Store.OrderOf(ctx, inv.ID); err == nil {
		return inv, vals, &LinkError{Code: LinkAlreadyRegistered, Company: company, At: o.RegisteredAt}
	} else if !errors.Is(err, order.ErrNotFound) {
		return inv, vals, err
	}
	switch {
	case inv.Status == invite.StatusRevoked:
		return inv, vals, &LinkError{Code: LinkRevoked, Company: company}
	case inv.Token != tok:
		return inv, vals, &LinkError{Code: LinkSuperseded, Company: company}
	case inv.Status == invite.StatusExpired || !s.c.Now().Before(inv.ExpiresAt) || verr != nil:
		return inv, vals, &LinkError{Code: LinkExpired, Company: company, At: inv.ExpiresAt}
	case !invite.CanTransition(inv.Status, invite.StatusRegistered) && inv.Status != invite.StatusOpened:
		// Drafts were never sent; anything past registered has an order.
		return inv, vals, &LinkError{Code: LinkInvalid, Company: company}
	}
	return inv, vals, nil
}

// Open checks a link, records the first opening and returns the session.
func (s *Service) Open(ctx context.Context, tok string, kiosk bool) (*Session, error) {
	inv, vals, err := s.authorize(ctx, tok)
	if err != nil {
		return nil, err
	}
	if err := s.c.Store.MarkOpened(ctx, inv.ID); err != nil {
		return nil, err
	}
	d, err := s.c.Store.LoadDraft(ctx, inv.ID)
	if err != nil {
		return nil, err
	}
	return s.session(ctx, inv, vals, d, kiosk)
}

// save runs fn on the draft of an invitation whose link authorize has
// accepted, and returns the new session.
func (s *Service) save(ctx context.Context, inv invite.Invitation, vals settings.Values, kiosk bool, fn func(d *Draft) error) (*Session, error) {
	d, err := s.c.Store.SaveDraft(ctx, inv.ID, fn)
	if err != nil {
		return nil, err
	}
	return s.session(ctx, inv, vals, d, kiosk)
}

// SetMethod records the choice between BankID and manual registration.
func (s *Service) SetMethod(ctx context.Context, tok, method string, kiosk bool) (*Session, error) {
	inv, vals, err := s.authorize(ctx, tok)
	if err != nil {
		return nil, err
	}
	switch method {
	case order.MethodManual:
	case order.MethodBankID:
		if ok, _ := s.bankIDAvailable(ctx); !ok {
			return nil, ErrBankIDUnavailable
		}
	default:
		return nil, identity.Errors{{Field: "method", Code: identity.CodeRequired}}
	}
	return s.save(ctx, inv, vals, kiosk, func(d *Draft) error {
		if d.Method != method {
			d.Personal = nil // the identity source changed
		}
		if method == order.MethodManual {
			s.cancelBankID(inv.ID)
		}
		d.Method = method
		return nil
	})
}

// PersonalInput is the personal step as typed.
type PersonalInput struct {
	FirstName       string `json:"firstName"`
	LastName        string `json:"lastName"`
	HasPersonnummer bool   `json:"hasPersonnummer"`
	Personnummer    string `json:"personnummer"`
	BirthDate       string `json:"birthDate"`
	Nationality     string `json:"nationality"`
	IDNumber        string `json:"idNumber"`
	Phone           string `json:"phone"`
}

// ValidatePersonal checks every field and returns all problems at once.
func ValidatePersonal(in PersonalInput, now time.Time) (Personal, error) {
	var errs identity.Errors
	add := func(err error) {
		var fe *identity.FieldError
		var many identity.Errors
		switch {
		case errors.As(err, &many):
			errs = append(errs, many...)
		case errors.As(err, &fe):
			errs = append(errs, fe)
		}
	}
	var p Personal
	var err error
	if p.FirstName, err = identity.ValidateName(identity.FieldFirstName, in.FirstName); err != nil {
		add(err)
	}
	if p.LastName, err = identity.ValidateName(identity.FieldLastName, in.LastName); err != nil {
		add(err)
	}
	p.HasPersonnummer = in.HasPersonnummer
	if in.HasPersonnummer {
		pn, err := identity.ParsePersonnummer(in.Personnummer, now)
		if err != nil {
			add(err)
		}
		p.Personnummer = pn.String()
	} else {
		f, err := identity.ValidateForeign(in.BirthDate, in.Nationality, in.IDNumber, now)
		if err != nil {
			add(err)
		} else {
			p.BirthDate, p.Nationality, p.IDNumber = f.BirthDate.Format(time.DateOnly), f.Nationality, f.IDNumber
		}
	}
	if p.Phone, err = identity.ParsePhone(in.Phone); err != nil {
		add(err)
	}
	if len(errs) > 0 {
		return Personal{}, errs
	}
	return p, nil
}

// SavePersonal validates and stores the personal step. After a BankID
// identification only the phone number is taken: name and personnummer stay
// as BankID gave them.
func (s *Service) SavePersonal(ctx context.Context, tok string, in PersonalInput, kiosk bool) (*Session, error) {
	inv, vals, err := s.authorize(ctx, tok) // a dead link says so before any field error
	if err != nil {
		return nil, err
	}
	return s.save(ctx, inv, vals, kiosk, func(d *Draft) error {
		if d.Personal != nil && d.Personal.Locked {
			phone, err := identity.ParsePhone(in.Phone)
			if err != nil {
				return err
			}
			d.Personal.Phone = phone
			return nil
		}
		p, err := ValidatePersonal(in, s.c.Now())
		if err != nil {
			return err
		}
		d.Method = order.MethodManual
		d.Personal = &p
		return nil
	})
}

// PhotoError is a photo that cannot be used; Code is what the UI shows.
type PhotoError struct {
	Code string // photo_format, photo_too_large, photo_dimensions, photo_too_small, photo_resolution
	Err  error
}

func (e *PhotoError) Error() string { return e.Err.Error() }
func (e *PhotoError) Unwrap() error { return e.Err }

func photoError(err error) error {
	for _, m := range []struct {
		err  error
		code string
	}{
		{photo.ErrTooLarge, "photo_too_large"},
		{photo.ErrFormat, "photo_format"},
		{photo.ErrDimensions, "photo_dimensions"},
		{photo.ErrTooSmall, "photo_too_small"},
		{photo.ErrResolution, "photo_resolution"},
		{photo.ErrCrop, "photo_resolution"},
	} {
		if errors.Is(err, m.err) {
			return &PhotoError{Code: m.code, Err: err}
		}
	}
	return err
}

// UploadPhoto decodes an uploaded photo (or a camera still), finds the
// face, suggests a crop, renders the card photo and checks it.
func (s *Service) UploadPhoto(ctx context.Context, tok string, r io.Reader, kiosk bool) (*Session, error) {
	inv, vals, err := s.authorize(ctx, tok)
	if err != nil {
		return nil, err
	}
	src, err := photo.Decode(r, MaxPhotoBytes)
	if err != nil {
		return nil, photoError(err)
	}
	// The upright source is kept (as JPEG) for later crops; encoding it runs
	// beside the face check and the render.
	type encoded struct {
		b   []byte
		err error
	}
	srcJPEG := make(chan encoded, 1)
	go func() {
		var buf bytes.Buffer
		err := jpeg.Encode(&buf, src.Image, &jpeg.Options{Quality: 90})
		srcJPEG <- encoded{buf.Bytes(), err}
	}()
	faces := photo.DetectFaces(src.Image)
	var crop image.Rectangle
	var face *Rect
	if len(faces) == 1 {
		crop = photo.SuggestCrop(src.Size, faces[0].Rect)
		f := rectOf(faces[0].Rect)
		face = &f
	} else {
		crop = centreCrop(src.Size)
	}
	return s.renderPhoto(ctx, inv, vals, kiosk, src, crop, face, func() ([]byte, error) {
		e := <-srcJPEG
		if e.err != nil {
			return nil, fmt.Errorf("store photo: %w", e.err)
		}
		return e.b, nil
	})
}

// CropPhoto re-renders the card photo from the stored source with the
// cardholder's crop frame.
func (s *Service) CropPhoto(ctx context.Context, tok string, c Rect, kiosk bool) (*Session, error) {
	inv, vals, err := s.authorize(ctx, tok)
	if err != nil {
		return nil, err
	}
	d, err := s.c.Store.LoadDraft(ctx, inv.ID)
	if err != nil {
		return nil, err
	}
	b, err := s.c.Store.DraftPhoto(ctx, inv.ID, true)
	if err != nil {
		return nil, err
	}
	if b == nil || d.Photo == nil {
		return nil, ErrNoPhoto
	}
	src, err := photo.Decode(bytes.NewReader(b), MaxPhotoBytes)
	if err != nil {
		return nil, fmt.Errorf("read stored photo: %w", err)
	}
	return s.renderPhoto(ctx, inv, vals, kiosk, src, FitCrop(src.Size, c), d.Photo.Face, nil)
}

// renderPhoto renders and checks the card photo and stores it; srcJPEG,
// when not nil, yields a new source photo to store with it.
func (s *Service) renderPhoto(ctx context.Context, inv invite.Invitation, vals settings.Values, kiosk bool, src *photo.Source, crop image.Rectangle, face *Rect, srcJPEG func() ([]byte, error)) (*Session, error) {
	card, err := photo.Render(src, crop)
	var source []byte
	if srcJPEG != nil {
		// Always collect the encoder, also on a render error.
		b, serr := srcJPEG()
		if err == nil && serr != nil {
			return nil, serr
		}
		source = b
	}
	if err != nil {
		if srcJPEG != nil && errors.Is(err, photo.ErrResolution) {
			// Even the largest frame of a fresh upload is too small.
			return nil, &PhotoError{Code: "photo_too_small", Err: err}
		}
		return nil, photoError(err)
	}
	res := photo.Check(card)
	meta := &PhotoMeta{SourceWidth: src.Size.X, SourceHeight: src.Size.Y, Crop: rectOf(crop), Face: face, OK: res.OK, Rendered: true, Problems: []Problem{}}
	for _, p := range res.Problems {
		meta.Problems = append(meta.Problems, Problem{Code: string(p), Blocking: p == photo.NoFace || p == photo.SeveralFaces || p == photo.Unreadable})
	}
	return s.save(ctx, inv, vals, kiosk, func(d *Draft) error {
		if d.Photo != nil {
			meta.Version = d.Photo.Version + 1
		} else {
			meta.Version = 1
		}
		d.Photo = meta
		d.PhotoJPEG = card
		if source != nil {
			d.PhotoSource = source
		}
		return nil
	})
}

// Photo returns the draft's card photo, or its source when source is true.
func (s *Service) Photo(ctx context.Context, tok string, source bool) ([]byte, error) {
	inv, _, err := s.authorize(ctx, tok)
	if err != nil {
		return nil, err
	}
	b, err := s.c.Store.DraftPhoto(ctx, inv.ID, source)
	if err != nil {
		return nil, err
	}
	if b == nil {
		return nil, ErrNoPhoto
	}
	return b, nil
}

func rectOf(r image.Rectangle) Rect {
	return Rect{X: r.Min.X, Y: r.Min.Y, Width: r.Dx(), Height: r.Dy()}
}

// centreCrop is the largest 35:45 rectangle in the middle of the image.
func centreCrop(size image.Point) image.Rectangle {
	return FitCrop(size, Rect{X: 0, Y: 0, Width: size.X, Height: size.Y})
}

// FitCrop turns a requested frame into a 35:45 rectangle inside the image:
// the height follows the width (or the width the height, when the image is
// not tall enough), centred on the request, then moved inside the image.
func FitCrop(size image.Point, c Rect) image.Rectangle {
	w, h := max(c.Width, 35), 0
	h = w * 45 / 35
	if h > size.Y {
		h = size.Y
		w = h * 35 / 45
	}
	if w > size.X {
		w = size.X
		h = w * 45 / 35
	}
	cx, cy := c.X+c.Width/2, c.Y+c.Height/2
	x := min(max(cx-w/2, 0), size.X-w)
	y := min(max(cy-h/2, 0), size.Y-h)
	return image.Rect(x, y, x+w, y+h)
}

// DeliveryInput is the delivery step as entered.
type DeliveryInput struct {
	UseCompany bool          `json:"useCompany"`
	Address    order.Address `json:"address"`
}

// SaveDelivery validates and stores the delivery step.
func (s *Service) SaveDelivery(ctx context.Context, tok string, in DeliveryInput, kiosk bool) (*Session, error) {
	inv, vals, err := s.authorize(ctx, tok)
	if err != nil {
		return nil, err
	}
	var del order.Delivery
	if in.UseCompany {
		del.UseCompany = true
	} else {
		a := in.Address
		if strings.TrimSpace(a.Country) == "" {
			a.Country = "SE"
		}
		v, err := identity.ValidateAddress(identity.Address{Name: a.Name, CareOf: a.CareOf, Street: a.Street, PostalCode: a.PostalCode, City: a.City, Country: a.Country})
		if err != nil {
			return nil, err
		}
		del.Address = order.Address{Name: v.Name, CareOf: v.CareOf, Street: v.Street, PostalCode: v.PostalCode, City: v.City, Country: v.Country}
	}
	return s.save(ctx, inv, vals, kiosk, func(d *Draft) error {
		d.Delivery = &del
		return nil
	})
}

// Discard ends the visit of a valid link: "Cancel and start over", or the
// kiosk's idle wipe (idle true). A BankID identification still running is
// cancelled either way, so its result never lands in the draft. The draft
// is deleted, except after an idle wipe when the kiosk.idle_discard setting
// is off.
func (s *Service) Discard(ctx context.Context, tok string, idle bool) error {
	inv, vals, err := s.authorize(ctx, tok)
	if err != nil {
		return err
	}
	s.cancelBankID(inv.ID)
	if idle && vals.Get("kiosk.idle_discard") == "off" {
		return nil
	}
	if err := s.c.Store.DeleteRegistrationDraft(ctx, inv.ID); err != nil {
		return fmt.Errorf("discard draft: %w", err)
	}
	return nil
}
