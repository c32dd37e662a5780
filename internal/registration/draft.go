package registration

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"time"

	"id06desk/internal/order"
	"id06desk/internal/photo"
)

// Steps of a registration, in order. Step is the first one not yet done.
const (
	StepMethod   = "method"
	StepPersonal = "personal"
	StepPhoto    = "photo"
	StepDelivery = "delivery"
	StepReview   = "review"
)

// Draft is what a cardholder has entered so far. It is stored per invitation
// after each step, so a reload or a crash resumes where they were.
type Draft struct {
	Method   string          `json:"method,omitempty"`
	Personal *Personal       `json:"personal,omitempty"`
	Photo    *PhotoMeta      `json:"photo,omitempty"`
	Delivery *order.Delivery `json:"delivery,omitempty"`
	// Reopen is set when the admin sent the order back: the draft was
	// rebuilt from the order, Fix is the step to correct (cleared when the
	// cardholder saves that step again).
	Reopen *Reopen `json:"reopen,omitempty"`

	// Photos are stored beside the JSON; nil means "unchanged" to SaveDraft
	// and "not loaded" from LoadDraft.
	PhotoSource []byte    `json:"-"`
	PhotoJPEG   []byte    `json:"-"`
	UpdatedAt   time.Time `json:"-"`
}

// Personal is the cardholder's identity and contact data, validated.
type Personal struct {
	FirstName       string `json:"firstName"`
	LastName        string `json:"lastName"`
	HasPersonnummer bool   `json:"hasPersonnummer"`
	Personnummer    string `json:"personnummer,omitempty"` // 12 digits
	BirthDate       string `json:"birthDate,omitempty"`    // YYYY-MM-DD, without personnummer
	Nationality     string `json:"nationality,omitempty"`
	IDNumber        string `json:"idNumber,omitempty"`
	Phone           string `json:"phone"` // E.164
	// Locked: name and personnummer come from BankID and cannot be edited.
	Locked bool `json:"locked,omitempty"`
	// PassportChecked: BankID also checked the passport or ID card (mrtd).
	PassportChecked bool `json:"passportChecked,omitempty"`
}

// Rect is a rectangle in source-photo pixels.
type Rect struct {
	X      int `json:"x"`
	Y      int `json:"y"`
	Width  int `json:"width"`
	Height int `json:"height"`
}

// Problem is one finding of the face check.
type Problem struct {
	Code     string `json:"code"`
	Blocking bool   `json:"blocking"`
}

// PhotoMeta describes the draft's photo.
type PhotoMeta struct {
	Version      int  `json:"version"`
	SourceWidth  int  `json:"sourceWidth"`
	SourceHeight int  `json:"sourceHeight"`
	Crop         Rect `json:"crop"`
	// Face is the one face found in the whole source; Faces all of them.
	Face     *Rect     `json:"face,omitempty"`
	Faces    []Rect    `json:"faces,omitempty"`
	OK       bool      `json:"ok"`
	Problems []Problem `json:"problems"`
	Rendered bool      `json:"rendered"`
	// FromOrder: the photo is the order's, put back in a reopened
	// registration; a new upload or crop clears it.
	FromOrder bool `json:"fromOrder,omitempty"`
}

// Usable reports whether the photo may go on the card: rendered, and no
// blocking problem (no face, several faces, the head cut off). Whether a
// code blocks is photo's rule, also for drafts saved before it changed.
func (p *PhotoMeta) Usable() bool {
	if p == nil || !p.Rendered {
		return false
	}
	for _, pr := range p.Problems {
		if pr.Blocking || photo.Problem(pr.Code).Blocking() {
			return false
		}
	}
	return true
}

// sourceFaces are the faces found in the whole source, in its pixels.
func (p *PhotoMeta) sourceFaces() []image.Rectangle {
	var faces []image.Rectangle
	for _, f := range p.Faces {
		faces = append(faces, f.rectangle())
	}
	if len(faces) == 0 && p.Face != nil { // saved before Faces existed
		faces = append(faces, p.Face.rectangle())
	}
	return faces
}

func (r Rect) rectangle() image.Rectangle {
	return image.Rect(r.X, r.Y, r.X+r.Width, r.Y+r.Height)
}

// Reopen is why a confirmed registration was opened again.
type Reopen struct {
	OrderID string       `json:"orderId"`
	Reason  order.Reason `json:"reason"`
	Note    string       `json:"note"`
	// Fix is the step to correct ("" once it was saved again).
	Fix string `json:"fix"`
}

// NextStep is the first step not yet completed; on a reopened
// registration, the step to fix until it was saved again.
func (d Draft) NextStep() string {
	if d.Reopen != nil && d.Reopen.Fix != "" {
		return d.Reopen.Fix
	}
	switch {
	case d.Method == "":
		return StepMethod
	case d.Personal == nil || d.Personal.Phone == "" || (d.Method == order.MethodBankID && !d.Personal.Locked):
		return StepPersonal
	case !d.Photo.Usable():
		return StepPhoto
	case d.Delivery == nil:
		return StepDelivery
	}
	return StepReview
}

// Errors of the registration steps.
var (
	// ErrAlreadyRegistered: the invitation already became an order.
	// (at most one order exists per invitation).
	ErrAlreadyRegistered = order.ErrAlreadyRegistered
	// ErrBankIDUnavailable: BankID is not configured or not reachable here.
	ErrBankIDUnavailable = errors.New("BankID is not available here")
	// ErrNoPhoto: a crop was asked for before any photo was uploaded.
	ErrNoPhoto = errors.New("upload a photo first")
)

// IncompleteError is returned by Confirm when a step is missing.
type IncompleteError struct{ Step string }

func (e *IncompleteError) Error() string {
	return fmt.Sprintf("the registration is not complete: the %s step is missing", e.Step)
}

// LinkError says why an invitation link cannot be used. Code is one of the
// Link* constants.
type LinkError struct {
	Code    string
	Company string
	At      time.Time // expiry or registration time
	Err     error
}

// Link error codes.
const (
	LinkInvalid           = "invalid_link"
	LinkExpired           = "invitation_expired"
	LinkRevoked           = "invitation_revoked"
	LinkSuperseded        = "invitation_superseded"
	LinkAlreadyRegistered = "already_registered"
)

func (e *LinkError) Error() string {
	msg := map[string]string{
		LinkInvalid:           "this invitation link is not valid: it may have been changed or cut short",
		LinkExpired:           "this invitation expired on " + e.At.Format("2 January 2006") + "; ask " + e.Company + " for a new one",
		LinkRevoked:           "this invitation was withdrawn by " + e.Company,
		LinkSuperseded:        "a newer invitation was sent to you; use the link in the latest mail",
		LinkAlreadyRegistered: "you already registered with this invitation on " + e.At.Format("2 January 2006"),
	}[e.Code]
	if msg == "" {
		msg = e.Code
	}
	return msg
}

func (e *LinkError) Unwrap() error { return e.Err }

// DraftStore keeps registration drafts; their JSON shape is Draft's.
type DraftStore interface {
	LoadDraft(ctx context.Context, invitationID string) (order.DraftRecord, error)
	SaveDraft(ctx context.Context, invitationID string, fn func(r *order.DraftRecord) error) (order.DraftRecord, error)
}

// LoadDraft returns the draft of an invitation without its photos; the zero
// Draft when there is none.
func LoadDraft(ctx context.Context, st DraftStore, invitationID string) (Draft, error) {
	var d Draft
	r, err := st.LoadDraft(ctx, invitationID)
	if err != nil || r.Data == nil {
		return d, err
	}
	if err := json.Unmarshal(r.Data, &d); err != nil {
		return d, fmt.Errorf("load registration draft: %w", err)
	}
	d.UpdatedAt = r.UpdatedAt
	return d, nil
}

// SaveDraft changes a draft in one transaction. fn sees the stored draft
// (without photos); photos it sets (non-nil) replace the stored ones. The
// result has no photos.
func SaveDraft(ctx context.Context, st DraftStore, invitationID string, fn func(d *Draft) error) (Draft, error) {
	var d Draft
	r, err := st.SaveDraft(ctx, invitationID, func(r *order.DraftRecord) error {
		d = Draft{}
		if err := json.Unmarshal(r.Data, &d); err != nil {
			return err
		}
		if err := fn(&d); err != nil {
			return err
		}
		b, err := json.Marshal(d)
		if err != nil {
			return err
		}
		r.Data, r.PhotoSource, r.PhotoJPEG = b, d.PhotoSource, d.PhotoJPEG
		return nil
	})
	if err != nil {
		return Draft{}, err
	}
	d.UpdatedAt = r.UpdatedAt
	d.PhotoSource, d.PhotoJPEG = nil, nil
	return d, nil
}
