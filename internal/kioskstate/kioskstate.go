// Package kioskstate holds the domain types of an offline kiosk's sync
// state, shared by its service (internal/kiosksync) and storage
// (internal/sqlite), so that neither the API nor the service needs the
// storage package for them.
package kioskstate

import (
	"errors"
	"time"

	"id06desk/internal/audit"
	"id06desk/internal/invite"
)

// KioskSyncState is the kiosk's sync row and its queue's size.
type KioskSyncState struct {
	KioskID         string
	TokenKeys       []byte // JSON, as the service stored it
	NextRegSeq      uint64
	NextBundleSeq   uint64
	LastExportAt    time.Time // zero: never exported
	LastExportSeq   uint64
	LastExportCount int
	PackSeq         uint64    // 0: no site pack applied
	PackAppliedAt   time.Time // the kiosk's clock
	PackConsoleTime time.Time // the console's clock in the pack
	PackViaMail     bool      // that pack came by mail (it may have waited)
	FirstAcked      bool
	Pending         int // sealed registrations not yet acknowledged
	// PackRefusal is the last site pack refused (zero At: none).
	PackRefusal PackRefusal
}

// PackRefusal is a site pack the kiosk refused: when, its number (0 when it
// could not be read) and why, with the sentence in both languages.
type PackRefusal struct {
	At           time.Time
	Seq          uint64
	Code, SV, EN string
}

// KioskPairing is what a join stores in the database.
type KioskPairing struct {
	KioskID   string
	TokenKeys []byte
	Catalog   *invite.Catalog   // nil: keep the catalog
	Settings  map[string]string // validated by the service
	Audit     audit.Entry
}

// KioskSitePack is what applying a site pack changes, decided by the
// service.
type KioskSitePack struct {
	Seq         uint64
	ConsoleTime time.Time
	TokenKeys   []byte
	Catalog     *invite.Catalog
	Settings    map[string]string
	// Invitations are the site's active invitations (full set); Email and
	// Name are empty.
	Invitations []invite.Invitation
	Revoked     []string
	// AckRegistrations are the sealed registrations' sequence numbers the
	// console holds: deleted here.
	AckRegistrations []uint64
	// AckBundle: the console acknowledged a bundle (the pairing secret may go).
	AckBundle bool
	// ViaMail: the pack came by mail.
	ViaMail bool
	Audit   audit.Entry
}

// SitePackResult says what a site pack changed.
type SitePackResult struct {
	Invitations int // inserted or updated
	Revoked     int // local invitations marked revoked
	Forgotten   int // sealed registrations deleted
}

// ErrKioskNotPaired: the kiosk_sync row does not exist.
var ErrKioskNotPaired = errors.New("the kiosk is not paired")

// SealedRegistration is one row of the kiosk's outbound queue.
type SealedRegistration struct {
	Seq            uint64
	RegistrationID string
	InvitationID   string
	Sealed         []byte
	CreatedAt      time.Time
}

// SealedRef is a queued sealed registration's number and size, for
// packing bundles under a mail's size limit.
type SealedRef struct {
	Seq  uint64
	Size int64
}

// MailState is the kiosk's last mail round (issue 14).
type MailState struct {
	LastRoundAt     time.Time
	LastQueuedAt    time.Time
	LastQueuedCount int
	LastCollectAt   time.Time
	LastPackMailAt  time.Time
	// The last error of a round ("" when the last round went well), with
	// its sentence in both languages.
	ErrorCode, ErrorSV, ErrorEN string
}
