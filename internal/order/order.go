// Package order holds what a confirmed registration becomes: an order for an
// ID06 card, ready to be sent to Nexus once the admin has reviewed it.
package order

import (
	"errors"
	"time"
)

// How the cardholder's identity was established.
const (
	MethodManual = "manual" // typed in; the identity check at the scanning partner follows
	MethodBankID = "bankid" // approved with Swedish BankID
)

// State of the identity check.
const (
	CheckPendingPartner = "pending_partner" // the cardholder still has to visit the scanning partner
	CheckDone           = "done"            // the admin recorded the partner's check as done
	CheckBankID         = "bankid"          // verified with BankID at registration
	CheckBankIDPassport = "bankid_passport" // verified with BankID, passport or ID card checked too (mrtd)
)

// Where the registration was made.
const (
	WhereWeb   = "web"
	WhereKiosk = "kiosk"
)

// Address is a delivery address.
type Address struct {
	Name       string `json:"name"`
	CareOf     string `json:"careOf"`
	Street     string `json:"street"`
	PostalCode string `json:"postalCode"`
	City       string `json:"city"`
	Country    string `json:"country"`
}

// Delivery says where the card goes.
type Delivery struct {
	UseCompany bool    `json:"useCompany"`
	Address    Address `json:"address"` // the company's when UseCompany
}

// Order is a confirmed registration. Personal data lives here until the
// retention setting purges it.
type Order struct {
	ID           string
	InvitationID string
	Status       Status
	FirstName    string
	LastName     string
	Personnummer string // 12 digits; "" when the cardholder has none
	BirthDate    string // YYYY-MM-DD, for cardholders without personnummer
	Nationality  string // ISO 3166 alpha-2
	IDNumber     string // foreign ID document number
	Email        string
	Phone        string // E.164
	CardType     string
	Industry     string
	Language     string
	Delivery     Delivery
	CostCentre   string // set by the admin at review; "" when none
	// NexusBatchID is the batch the order was sent to Nexus in ("" until
	// then); an order is in at most one batch.
	NexusBatchID      string
	Photo             []byte // 35:45 JPEG; not filled by List
	Thumb             []byte // list thumbnail; not filled by List
	IdentityMethod    string
	IdentityCheck     string
	IdentityCheckedAt time.Time
	RegisteredAt      time.Time
	RegisteredWhere   string
	// RegisteredKiosk is the name of the paired kiosk whose bundle brought
	// the registration ("" for the web and the console's own kiosk).
	RegisteredKiosk string
	UpdatedAt       time.Time
	// PurgedAt is when the retention time emptied the personal data and
	// photos (zero while they are kept).
	PurgedAt time.Time
	// InvitationName is the name the admin gave the invitation ("" if
	// none), read with the order to point out a different name (NameDiffers).
	InvitationName string
	// ReopenReason and ReopenNote say why the admin sent the order back to
	// the cardholder (a Reason and the admin's text) while it is reopened;
	// both "" otherwise. The registration reopens at the step the reason
	// names.
	ReopenReason Reason
	ReopenNote   string
}

// Reason is why the admin sends an order back to the cardholder.
type Reason string

// The reasons an order goes back to the cardholder.
const (
	ReasonPhoto   Reason = "photo_not_accepted" // the photo does not meet ID06's rules
	ReasonName    Reason = "name_misspelt"      // a name is misspelt
	ReasonAddress Reason = "address_wrong"      // the delivery address is wrong
	ReasonOther   Reason = "other"              // anything else; the note says what
)

// Reasons lists every reason in the order the admin is offered them.
func Reasons() []Reason { return []Reason{ReasonPhoto, ReasonName, ReasonAddress, ReasonOther} }

// Valid reports whether r is a known reason.
func (r Reason) Valid() bool {
	for _, k := range Reasons() {
		if r == k {
			return true
		}
	}
	return false
}

// How the cardholder's identity was proven, as the console names it: one
// of three, from IdentityMethod and IdentityCheck.
const (
	ProofBankID         = "bankid"          // BankID
	ProofBankIDPassport = "bankid_passport" // BankID, with the passport or ID card checked too
	ProofManualPartner  = "manual_partner"  // typed by hand; ID document scanned at the scanning partner (Sistec)
)

// IdentityProof is how the cardholder's identity was (or will be) proven:
// ProofBankID, ProofBankIDPassport or ProofManualPartner.
func (o Order) IdentityProof() string {
	switch {
	case o.IdentityMethod == MethodBankID && o.IdentityCheck == CheckBankIDPassport:
		return ProofBankIDPassport
	case o.IdentityMethod == MethodBankID:
		return ProofBankID
	}
	return ProofManualPartner
}

// IdentityVerified reports whether BankID verified the names,
// personnummer and birth date: nobody may change them afterwards, not the
// admin and not the cardholder on a reopened registration.
func (o Order) IdentityVerified() bool { return o.IdentityMethod == MethodBankID }

// ListQuery selects a page of orders. Empty fields do not filter.
type ListQuery struct {
	Status   Status
	CardType string // card type code
	Industry string // industry code
	// Where is where the registration was made (WhereWeb, WhereKiosk; a
	// string so that named kiosks can be told apart later).
	Where string
	// From and To bound the registration time: From <= registered < To
	// (zero: open).
	From, To time.Time
	Text     string // substring of name or email
	Page     int    // from 1
	PageSize int    // default 50, at most 500
}

// Page is one page of orders with the filtered total and the per-status
// counts of all orders.
type Page struct {
	Items    []Order
	Total    int
	Page     int
	PageSize int
	Counts   map[Status]int
}

// ErrNotFound is returned for an unknown order id.
var ErrNotFound = errors.New("order not found")

// ErrAlreadyRegistered is returned when an invitation already became an
// order: at most one order exists per invitation (storage enforces it).
var ErrAlreadyRegistered = errors.New("this invitation has already been used to register")

// DraftRecord is a registration draft as storage keeps it: the
// cardholder's steps as JSON (their shape belongs to the registration
// service) beside the two photos.
type DraftRecord struct {
	// Data is the JSON of the steps; "{}" for a new draft.
	Data []byte
	// PhotoSource (the upright uploaded photo) and PhotoJPEG (the card
	// photo): nil means "unchanged" to SaveDraft and "not loaded" from
	// LoadDraft.
	PhotoSource []byte
	PhotoJPEG   []byte
	UpdatedAt   time.Time
}
