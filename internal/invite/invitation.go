package invite

import (
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"

	"id06desk/internal/i18n"
)

// Invitation is one cardholder's invitation.
type Invitation struct {
	ID        string
	Code      string
	Email     string
	Name      string
	CardType  string
	Industry  string
	Language  string
	Status    Status
	Token     string
	CreatedAt time.Time
	UpdatedAt time.Time
	ExpiresAt time.Time
	LastError string
}

// Event is one line of an invitation's timeline.
type Event struct {
	At     time.Time
	Kind   string
	Detail string
}

// Timeline event kinds.
const (
	EventCreated    = "created"
	EventQueued     = "queued"
	EventSent       = "sent"
	EventSendRetry  = "send_retry"
	EventSendFailed = "send_failed"
	EventOpened     = "opened"
	EventRevoked    = "revoked"
	EventExtended   = "extended"
	EventResent     = "resent"
	EventRegistered = "registered" // detail: where (web, kiosk)
	EventReady      = "ready"
	EventExpired    = "expired"
	// EventSentToNexus: the order went to Nexus; detail: the batch id.
	EventSentToNexus = "sent_to_nexus"

	// The order's life, after ready. Details never hold personal data:
	// field names, reason codes, the admin's note, a date.
	EventEdited     = "edited"                 // the admin corrected the order; detail: the fields, comma-separated (never their values)
	EventRejectedTo = "rejected_to_cardholder" // sent back to the cardholder; detail: reason code, then ": " and the admin's note when there is one
	EventReadyAgain = "ready_again"            // the cardholder confirmed the reopened registration; detail: the steps they changed
	EventNexusNo    = "rejected_by_nexus"      // Nexus refused it; detail: the reason as recorded
	EventProduction = "in_production"          // Nexus makes the card
	EventDelivered  = "delivered"              // the card was delivered; detail: the date (YYYY-MM-DD)
	EventCancelled  = "cancelled"              // the company withdrew the order; detail: the reason, if any
)

// NewID returns a random (version 4) UUID, which the token packs into 16
// bytes.
func NewID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("new invitation id: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}

// CardType is an entry of the card type catalog.
type CardType struct {
	Code   string `json:"code"`
	NameSv string `json:"nameSv"`
	NameEn string `json:"nameEn"`
	RFID   bool   `json:"rfid"`
	Active bool   `json:"active"`
}

// Industry is an entry of the industry catalog.
type Industry struct {
	Code   string `json:"code"`
	NameSv string `json:"nameSv"`
	NameEn string `json:"nameEn"`
	Active bool   `json:"active"`
}

// Name returns the display name in lang.
func (c CardType) Name(lang string) string {
	if lang == "en" {
		return c.NameEn
	}
	return c.NameSv
}

// Name returns the display name in lang.
func (i Industry) Name(lang string) string {
	if lang == "en" {
		return i.NameEn
	}
	return i.NameSv
}

// Catalog is the card types and industries offered in invitations.
type Catalog struct {
	CardTypes  []CardType `json:"cardTypes"`
	Industries []Industry `json:"industries"`
}

// CardType finds the card type with this code.
func (c Catalog) CardType(code string) (CardType, bool) {
	for _, t := range c.CardTypes {
		if t.Code == code {
			return t, true
		}
	}
	return CardType{}, false
}

// Industry finds the industry with this code.
func (c Catalog) Industry(code string) (Industry, bool) {
	for _, i := range c.Industries {
		if i.Code == code {
			return i, true
		}
	}
	return Industry{}, false
}

// MatchCardType finds the active card type that v names: its code, or its
// Swedish or English name, ignoring case and surrounding space (what people
// write in a CSV file).
func (c Catalog) MatchCardType(v string) (CardType, bool) {
	v = strings.TrimSpace(v)
	for _, t := range c.CardTypes {
		if t.Active && (strings.EqualFold(t.Code, v) || strings.EqualFold(t.NameSv, v) || strings.EqualFold(t.NameEn, v)) {
			return t, true
		}
	}
	return CardType{}, false
}

// MatchIndustry finds the active industry that v names, as MatchCardType.
func (c Catalog) MatchIndustry(v string) (Industry, bool) {
	v = strings.TrimSpace(v)
	for _, i := range c.Industries {
		if i.Active && (strings.EqualFold(i.Code, v) || strings.EqualFold(i.NameSv, v) || strings.EqualFold(i.NameEn, v)) {
			return i, true
		}
	}
	return Industry{}, false
}

// ErrNotFound is returned for an unknown invitation.
var ErrNotFound = errors.New("invitation not found")

// ErrCatalogInUse is returned when a catalog entry that invitations use
// would be removed.
var ErrCatalogInUse = errors.New("catalog entry in use")

// ListQuery selects a page of invitations.
type ListQuery struct {
	Status   Status
	CardType string
	Text     string // matches email, name or code
	Sort     string // "created" (default), "email", "status", "expires"
	Desc     bool
	Page     int // from 1
	PageSize int
}

// Page is one page of a list.
type Page struct {
	Items    []Invitation
	Page     int // the page served, after defaults and bounds
	PageSize int
	Total    int
	Counts   map[Status]int // over all invitations, ignoring filters
}

// CatalogInUseError is an ErrCatalogInUse that names the entry and how many
// invitations use it.
type CatalogInUseError struct {
	Code string
	Uses int
}

func (e *CatalogInUseError) Error() string {
	return fmt.Sprintf("%v: %s is used by %d invitations", ErrCatalogInUse, e.Code, e.Uses)
}

// Is makes errors.Is(err, ErrCatalogInUse) true.
func (e *CatalogInUseError) Is(target error) bool { return target == ErrCatalogInUse }

// Msg is the error as a message for people.
func (e *CatalogInUseError) Msg() i18n.Message {
	return msgCatalogInUse.With("code", e.Code, "uses", e.Uses)
}

var msgCatalogInUse = i18n.Text{Code: "catalog.in_use",
	SV: "{code} används av {uses} inbjudningar och kan inte tas bort; gör den inaktiv i stället.",
	EN: "{code} is used by {uses} invitations and cannot be removed; deactivate it instead."}
