// Package pairing holds the console's records of offline kiosks (issue 13):
// the kiosks it paired, the registrations it received from them, what it
// refused and why, and the conflicts the admin resolves. Domain types only:
// internal/consolesync decides, internal/sqlite persists.
package pairing

import (
	"errors"
	"time"
)

// Errors of the store.
var (
	ErrNotFound  = errors.New("pairing: not found")
	ErrNameTaken = errors.New("pairing: a kiosk that is not revoked already has this name")
)

// Console is this console's sync identity.
type Console struct {
	ID        string
	Name      string
	CreatedAt time.Time
}

// Kiosk is a paired kiosk as the console knows it.
type Kiosk struct {
	ID        string
	Name      string
	Site      string
	PairedAt  time.Time
	RevokedAt time.Time // zero while paired

	// Secret is the one-time pairing secret until the kiosk's first bundle
	// proves it (nil afterwards); SecretHash stays.
	Secret     []byte
	SecretHash []byte
	// The kiosk's public keys, from its first bundle (nil before).
	SignPub      []byte
	AgeRecipient string
	KeysAt       time.Time

	NextPackSeq   uint64
	LastBundleSeq uint64
	LastBundleAt  time.Time
	Received      int // registrations received (any outcome)

	// Sync by mail (issue 14). MailAddress is the kiosk's mailbox site
	// packs are mailed to ("": packs go by file). SMTPAuthHash is the
	// SHA-256 of the password the kiosk gives the console's SMTP receiver
	// (derived from the pairing secret; nil for kiosks paired before).
	MailAddress       string
	SMTPAuthHash      []byte
	LastMailAt        time.Time // the last bundle mail received from it
	LastPackMailedAt  time.Time // the last site pack queued to its mailbox
	LastPackMailedSeq uint64
	PackDigest        []byte      // what that pack carried (not its number or time)
	LastMailError     MailProblem // the last mail problem with this kiosk, as shown
	SilenceMailedAt   time.Time

	// Counted when listed.
	Refusals         int
	PendingConflicts int
}

// MailProblem is a mail problem with a kiosk as shown: a stable code and
// the sentence in Swedish and English (with the server's words, if any).
type MailProblem struct {
	Code string `json:"code"`
	SV   string `json:"sv"`
	EN   string `json:"en"`
}

// IsZero reports whether p holds no problem.
func (p MailProblem) IsZero() bool { return p == MailProblem{} }

// Revoked reports whether the kiosk's pairing was revoked.
func (k Kiosk) Revoked() bool { return !k.RevokedAt.IsZero() }

// Outcome is what became of a registration received from a kiosk.
type Outcome string

// The outcomes.
const (
	Applied  Outcome = "applied"  // an order was made
	Conflict Outcome = "conflict" // held: its invitation already had an order
	Refused  Outcome = "refused"  // not applied (the refusal says why)
)

// Received is one registration received from a kiosk.
type Received struct {
	ID           string // the registration's id (the kiosk's UUID)
	KioskID      string
	Seq          uint64 // the kiosk's sequence number of it
	InvitationID string
	Outcome      Outcome
	OrderID      string // when applied
	At           time.Time
}

// Refusal is a refused file, or one refused registration of a bundle, with
// the sentence shown for it. It holds no personal data.
type Refusal struct {
	ID             int64
	At             time.Time
	KioskID        string // "" when the sender is unknown
	KioskName      string
	FileSeq        uint64
	RegistrationID string // "" for a whole file
	Code           string
	SV, EN         string
}

// Bundle is an imported bundle and what became of its registrations.
type Bundle struct {
	KioskID    string
	Seq        uint64
	ImportedAt time.Time
	Applied    int
	Already    int
	Conflicts  int
	Refused    int
}

// Resolutions of a conflict.
const (
	KeepExisting = "existing" // the order that was there stays; the kiosk's copy is deleted
	KeepKiosk    = "kiosk"    // the kiosk's registration replaces the order's data
)

// HeldConflict is a kiosk's registration held because its invitation
// already had an order.
type HeldConflict struct {
	ID              string
	RegistrationID  string
	KioskID         string
	KioskName       string
	InvitationID    string
	ExistingOrderID string
	RegisteredAt    time.Time
	CreatedAt       time.Time
	ResolvedAt      time.Time
	Resolution      string
	// The registration (syncwire JSON) and its photo, until resolved.
	Data  []byte
	Photo []byte
}

// Via is how a sync mail reached the console.
type Via string

// The ways.
const (
	ViaIMAP     Via = "imap"
	ViaReceiver Via = "receiver"
)

// Verdicts on a sync mail.
const (
	MailProcessed = "processed"
	MailRefused   = "refused"
	MailKept      = "kept" // left in the mailbox to try again
)

// MailLog is one sync mail the console collected: its id and subject (a
// kiosk name and a count, nothing personal), the verdict and why.
type MailLog struct {
	ID        int64
	At        time.Time
	Via       Via
	MessageID string
	Subject   string
	KioskID   string
	KioskName string
	Verdict   string
	Code      string
	SV, EN    string
}
