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
	"io"
	"log/slog"
	"sync/atomic"
	"time"

	"id06desk/internal/audit"
	"id06desk/internal/i18n"
	"id06desk/internal/identity"
	"id06desk/internal/invite"
	"id06desk/internal/mail"
	"id06desk/internal/order"
	"id06desk/internal/orders"
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
	DraftStore
	orders.Store
	GetInvitation(ctx context.Context, id string) (invite.Invitation, []invite.Event, error)
	InvitationByCode(ctx context.Context, code string) (invite.Invitation, error)
	LoadCatalog(ctx context.Context) (invite.Catalog, error)
	OpenInvitation(ctx context.Context, id string, fn func(inv *invite.Invitation, openedBefore bool) (invite.Change, error)) error
	DraftPhoto(ctx context.Context, invitationID string, source bool) ([]byte, error)
	DeleteRegistrationDraft(ctx context.Context, invitationID string) error
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
	// Sealer and Adopter are set on a kiosk paired with a console (nil
	// elsewhere; SetOffline sets them after a pairing at run time).
	Sealer  Sealer
	Adopter Adopter
	// PhotoBudget bounds the memory photo decoding takes across all
	// requests (nil: photo.SharedBudget, the process's).
	PhotoBudget *photo.Budget
}

// Sealer is an offline kiosk's Confirm: instead of an order, the
// registration (o, with its card photo) is sealed for the console and
// queued, the invitation marked registered and the draft deleted
// (internal/kiosksync).
type Sealer interface {
	Seal(ctx context.Context, o order.Order, token string) error
}

// Adopter makes a local invitation of a token the kiosk's database does not
// know, when it is signed by its console's keys and not expired
// (internal/kiosksync). invite.ErrNotFound when it cannot.
type Adopter interface {
	Adopt(ctx context.Context, token string) (invite.Invitation, error)
}

type offline struct {
	sealer  Sealer
	adopter Adopter
}

// Service runs registrations.
type Service struct {
	c       Config
	bank    bankIDRuns
	orders  *orders.Service
	offline atomic.Pointer[offline]
}

// SetOffline makes this an offline kiosk's registration (after a pairing);
// SetOffline(nil, nil) undoes it (the kiosk left its console).
func (s *Service) SetOffline(sl Sealer, a Adopter) {
	if sl == nil && a == nil {
		s.offline.Store(nil)
		return
	}
	s.offline.Store(&offline{sealer: sl, adopter: a})
}

func (s *Service) sealer() Sealer {
	if o := s.offline.Load(); o != nil {
		return o.sealer
	}
	return nil
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
	if c.PhotoBudget == nil {
		c.PhotoBudget = photo.SharedBudget()
	}
	if c.DefaultPublicURL == nil {
		c.DefaultPublicURL = func() string { return "http://127.0.0.1:8080" }
	}
	s := &Service{c: c, orders: orders.New(orders.Config{Store: c.Store, Now: c.Now})}
	if c.Sealer != nil || c.Adopter != nil {
		s.SetOffline(c.Sealer, c.Adopter)
	}
	return s
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
	if o := s.offline.Load(); errors.Is(err, invite.ErrNotFound) && verr == nil && o != nil && o.adopter != nil {
		// An offline kiosk learns an invitation from its console's token.
		inv, err = o.adopter.Adopt(ctx, tok)
	}
	if errors.Is(err, invite.ErrNotFound) {
		return inv, vals, &LinkError{Code: LinkInvalid, Company: company, Err: err}
	}
	if err != nil {
		return inv, vals, err
	}
	// An order sent back to the cardholder (reopened) opens its
	// registration again with the new link; any other order means done.
	reopened := false
	if o, err := s.c.Store.OrderOf(ctx, inv.ID); err == nil {
		if o.Status != order.StatusReopened || !o.PurgedAt.IsZero() {
			return inv, vals, &LinkError{Code: LinkAlreadyRegistered, Company: company, At: o.RegisteredAt}
		}
		reopened = true
	} else if !errors.Is(err, order.ErrNotFound) {
		return inv, vals, err
	}
	switch {
	case inv.Status == invite.StatusRegistered && s.sealer() != nil:
		// Sealed at this kiosk: no order here, the console has it.
		return inv, vals, &LinkError{Code: LinkAlreadyRegistered, Company: company, At: inv.UpdatedAt}
	case inv.Status == invite.StatusRevoked:
		return inv, vals, s.dropDraft(ctx, inv, &LinkError{Code: LinkRevoked, Company: company})
	case inv.Token != tok:
		return inv, vals, &LinkError{Code: LinkSuperseded, Company: company}
	case inv.Status == invite.StatusExpired || !s.c.Now().Before(inv.ExpiresAt) || verr != nil:
		return inv, vals, s.dropDraft(ctx, inv, &LinkError{Code: LinkExpired, Company: company, At: inv.ExpiresAt})
	case !reopened && !invite.CanTransition(inv.Status, invite.StatusRegistered) && inv.Status != invite.StatusOpened:
		// Drafts were never sent; anything past registered has an order.
		return inv, vals, &LinkError{Code: LinkInvalid, Company: company}
	}
	return inv, vals, nil
}

// dropDraft deletes the unfinished registration of an invitation whose link
// can no longer be used, and returns refusal. Revoking deletes it at once;
// an expiry is noticed here, by the first use of the link after it, or by
// the housekeeping sweep, whichever comes first.
func (s *Service) dropDraft(ctx context.Context, inv invite.Invitation, refusal *LinkError) error {
	if err := s.c.Store.DeleteRegistrationDraft(ctx, inv.ID); err != nil {
		return fmt.Errorf("delete the draft of a closed invitation: %w", err)
	}
	return refusal
}

// Open checks a link, records the first opening and returns the session.
func (s *Service) Open(ctx context.Context, tok string, kiosk bool) (*Session, error) {
	inv, vals, err := s.authorize(ctx, tok)
	if err != nil {
		return nil, err
	}
	if err := s.c.Store.OpenInvitation(ctx, inv.ID, markOpened); err != nil {
		return nil, err
	}
	d, err := s.reopenDraft(ctx, inv)
	if err != nil {
		return nil, err
	}
	return s.session(ctx, inv, vals, d, kiosk)
}

// markOpened records the first opening of the registration: the event
// once, and the status opened where the life cycle allows it.
func markOpened(inv *invite.Invitation, openedBefore bool) (invite.Change, error) {
	if openedBefore {
		return invite.Change{}, nil
	}
	if invite.CanTransition(inv.Status, invite.StatusOpened) {
		inv.Status = invite.StatusOpened
	}
	return invite.Change{Events: []invite.Event{{Kind: invite.EventOpened}},
		Audit: []audit.Entry{{Actor: audit.Cardholder.Name, ActorKind: audit.KindCardholder, Action: audit.InvitationOpened, Subject: inv.ID}}}, nil
}

// save runs fn on the draft of an invitation whose link authorize has
// accepted, and returns the new session.
func (s *Service) save(ctx context.Context, inv invite.Invitation, vals settings.Values, kiosk bool, fn func(d *Draft) error) (*Session, error) {
	d, err := SaveDraft(ctx, s.c.Store, inv.ID, fn)
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
		if d.Reopen != nil && d.Method != method {
			return ErrMethodFixed
		}
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
			d.fixed(StepPersonal)
			return nil
		}
		p, err := ValidatePersonal(in, s.c.Now())
		if err != nil {
			return err
		}
		d.Method = order.MethodManual
		d.Personal = &p
		d.fixed(StepPersonal)
		return nil
	})
}

// PhotoError is a photo that cannot be used: Code is what the UI shows (it
// has its own sv and en text for each), Msg our sentence in each language.
// Err, the cause (image/jpeg's "short Huffman data" and the like), is for
// the log only.
type PhotoError struct {
	Code string // one of the Photo* codes
	Msg  i18n.Message
	Err  error
}

// Codes of a PhotoError.
const (
	PhotoTooLarge   = "photo_too_large"
	PhotoFormat     = "photo_format"
	PhotoDimensions = "photo_dimensions"
	PhotoTooSmall   = "photo_too_small"
	PhotoResolution = "photo_resolution"
	PhotoBusy       = "photo_busy"
)

// PhotoBusyRetry is how long a person whose photo found the decoders busy
// is asked to wait before trying again.
const PhotoBusyRetry = 5 * time.Second

func (e *PhotoError) Error() string { return e.Msg.In(i18n.EN) }
func (e *PhotoError) Unwrap() error { return e.Err }

var photoErrors = []struct {
	err  error
	code string
	msg  i18n.Message
}{
	{photo.ErrTooLarge, PhotoTooLarge, msgPhotoTooLarge.With("mb", MaxPhotoBytes>>20)},
	{photo.ErrFormat, PhotoFormat, msgPhotoFormat.With()},
	{photo.ErrDimensions, PhotoDimensions, msgPhotoDimensions.With("mp", photo.MaxPixels/1_000_000, "side", photo.MaxSide)},
	{photo.ErrTooSmall, PhotoTooSmall, msgPhotoTooSmall.With("w", photo.MinCropWidth, "h", photo.MinCropHeight)},
	{photo.ErrResolution, PhotoResolution, msgPhotoResolution.With("w", photo.MinCropWidth, "h", photo.MinCropHeight)},
	{photo.ErrCrop, PhotoResolution, msgPhotoResolution.With("w", photo.MinCropWidth, "h", photo.MinCropHeight)},
	{photo.ErrBusy, PhotoBusy, msgPhotoBusy.With()},
}

// photoError turns the photo package's errors into a PhotoError with our
// sentence, logging the cause; other errors are returned as they are.
func (s *Service) photoError(err error) error {
	for _, m := range photoErrors {
		if errors.Is(err, m.err) {
			// No personal data in it: sizes, limits and the decoder's words.
			s.c.Log.Info("photo refused", "code", m.code, "err", err)
			return &PhotoError{Code: m.code, Msg: m.msg, Err: err}
		}
	}
	return err
}

// photoJob is a photo's work under the decoding budget: decoded, framed,
// rendered and checked.
type photoJob struct {
	src    *photo.Source
	crop   image.Rectangle
	faces  []image.Rectangle
	card   []byte
	meta   *PhotoMeta
	source []byte // the upright source re-encoded, for a new upload
}

// decodeWithin reads a photo's header, waits for its share of the decoding
// budget and decodes it; release gives the share back.
func (s *Service) decodeWithin(ctx context.Context, r io.Reader) (src *photo.Source, release func(), err error) {
	u, err := photo.Read(r, MaxPhotoBytes)
	if err != nil {
		return nil, nil, s.photoError(err)
	}
	release, err = s.c.PhotoBudget.Acquire(ctx, u.Cost())
	if err != nil {
		return nil, nil, s.photoError(err)
	}
	src, err = u.Decode()
	if err != nil {
		release()
		return nil, nil, s.photoError(err)
	}
	return src, release, nil
}

// UploadPhoto decodes an uploaded photo (or a camera still), finds the
// face, suggests a crop, renders the card photo and checks it. Refusals are
// PhotoErrors; photo_busy when the decoding budget stays full.
func (s *Service) UploadPhoto(ctx context.Context, tok string, r io.Reader, kiosk bool) (*Session, error) {
	inv, vals, err := s.authorize(ctx, tok)
	if err != nil {
		return nil, err
	}
	src, release, err := s.decodeWithin(ctx, r)
	if err != nil {
		return nil, err
	}
	job, err := func() (*photoJob, error) {
		defer release()
		// The upright source is kept (as JPEG) for later crops; encoding it
		// runs beside the face check and the render.
		type encoded struct {
			b   []byte
			err error
		}
		srcJPEG := make(chan encoded, 1)
		go func() {
			b, err := photo.EncodeJPEG(src.Image, 90)
			srcJPEG <- encoded{b, err}
		}()
		var faces []image.Rectangle
		for _, f := range photo.DetectFaces(src.Image) {
			faces = append(faces, f.Rect)
		}
		var crop image.Rectangle
		if len(faces) == 1 {
			crop = photo.SuggestCrop(src.Size, faces[0])
		} else {
			crop = centreCrop(src.Size)
		}
		job, err := s.renderPhoto(src, crop, faces)
		e := <-srcJPEG // always collect the encoder, also on a render error
		if err != nil {
			return nil, err
		}
		if e.err != nil {
			return nil, fmt.Errorf("store photo: %w", e.err)
		}
		job.source = e.b
		return job, nil
	}()
	if err != nil {
		return nil, err
	}
	return s.savePhoto(ctx, inv, vals, kiosk, job)
}

// CropPhoto re-renders the card photo from the stored source with the
// cardholder's crop frame.
func (s *Service) CropPhoto(ctx context.Context, tok string, c Rect, kiosk bool) (*Session, error) {
	inv, vals, err := s.authorize(ctx, tok)
	if err != nil {
		return nil, err
	}
	d, err := LoadDraft(ctx, s.c.Store, inv.ID)
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
	src, release, err := s.decodeWithin(ctx, bytes.NewReader(b))
	if err != nil {
		var pe *PhotoError
		if errors.As(err, &pe) && pe.Code == PhotoBusy {
			return nil, err
		}
		return nil, fmt.Errorf("read stored photo: %w", err)
	}
	job, err := func() (*photoJob, error) {
		defer release()
		return s.renderPhoto(src, FitCrop(src.Size, c), d.Photo.sourceFaces())
	}()
	if err != nil {
		return nil, err
	}
	return s.savePhoto(ctx, inv, vals, kiosk, job)
}

// renderPhoto renders the card photo of crop and checks it, knowing the
// faces found in the whole source.
func (s *Service) renderPhoto(src *photo.Source, crop image.Rectangle, faces []image.Rectangle) (*photoJob, error) {
	card, err := photo.Render(src, crop)
	if err != nil {
		return nil, s.photoError(err)
	}
	res := photo.CheckFramed(card, photo.Framing{Crop: crop, Faces: faces})
	meta := &PhotoMeta{SourceWidth: src.Size.X, SourceHeight: src.Size.Y, Crop: rectOf(crop), OK: res.OK, Rendered: true, Problems: []Problem{}}
	if len(faces) == 1 {
		f := rectOf(faces[0])
		meta.Face = &f
	}
	for _, f := range faces {
		meta.Faces = append(meta.Faces, rectOf(f))
	}
	for _, p := range res.Problems {
		meta.Problems = append(meta.Problems, Problem{Code: string(p), Blocking: p.Blocking()})
	}
	return &photoJob{src: src, crop: crop, faces: faces, card: card, meta: meta}, nil
}

// savePhoto stores a rendered and checked photo in the draft.
func (s *Service) savePhoto(ctx context.Context, inv invite.Invitation, vals settings.Values, kiosk bool, job *photoJob) (*Session, error) {
	return s.save(ctx, inv, vals, kiosk, func(d *Draft) error {
		if d.Photo != nil {
			job.meta.Version = d.Photo.Version + 1
		} else {
			job.meta.Version = 1
		}
		d.Photo = job.meta
		d.PhotoJPEG = job.card
		d.fixed(StepPhoto)
		if job.source != nil {
			d.PhotoSource = job.source
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
// at least ID06's minimum (photo.MinCropWidth) wide, the height following
// the width (or the width the height, when the image is not tall enough),
// centred on the request, then moved inside the image.
func FitCrop(size image.Point, c Rect) image.Rectangle {
	w, h := max(c.Width, photo.MinCropWidth), 0
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
	del, err := order.ValidateDelivery(order.Delivery{UseCompany: in.UseCompany, Address: in.Address})
	if err != nil {
		return nil, err
	}
	return s.save(ctx, inv, vals, kiosk, func(d *Draft) error {
		d.Delivery = &del
		d.fixed(StepDelivery)
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
