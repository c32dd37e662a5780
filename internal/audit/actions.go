package audit

import "slices"

// Action is what an audit line records. The values are stored and shown
// (the console translates them as audit.action.<value>): never rename one,
// add a new one.
type Action string

// Actions on invitations.
const (
	InvitationsCreated  Action = "invitations.created"  // detail: how many
	InvitationQueued    Action = "invitation.queued"    // its mail was queued (Send)
	InvitationSent      Action = "invitation.sent"      // the mail server took its mail
	InvitationResent    Action = "invitation.resent"    // a new link was mailed
	InvitationExtended  Action = "invitation.extended"  // the link's expiry moved
	InvitationRevoked   Action = "invitation.revoked"   // the link was withdrawn
	InvitationExpired   Action = "invitation.expired"   // the link expired (system)
	InvitationOpened    Action = "invitation.opened"    // the cardholder opened the registration
	InvitationDeleted   Action = "invitation.deleted"   // an unsent draft was removed
	InvitationsExported Action = "invitations.exported" // detail: the filter
)

// Actions on orders.
const (
	OrderCreated              Action = "order.created"                // detail: where (web, kiosk)
	OrderViewed               Action = "order.viewed"                 // the admin opened its personal data
	OrderEdited               Action = "order.edited"                 // detail: the changed fields' names
	OrderIdentityChecked      Action = "order.identity_checked"       // the scanning partner's check recorded
	OrderRejectedToCardholder Action = "order.rejected_to_cardholder" // sent back to fix; detail: the reason code
	OrderStatusRecorded       Action = "order.status_recorded"        // Nexus's answer; detail: the status
	OrderResubmitted          Action = "order.resubmitted"            // the cardholder confirmed a reopened registration; detail: the changed fields' names
	OrdersExported            Action = "orders.exported"              // detail: the filter, "with personnummer"
	OrdersPurged              Action = "orders.purged"                // retention; detail: counts per status
	Sweep                     Action = "sweep"                        // housekeeping round; detail: counts
)

// Actions on batches to Nexus.
const (
	NexusBatchCreated      Action = "nexus.batch_created"       // subject: the batch id; detail: how many orders
	NexusBatchDownloaded   Action = "nexus.batch_downloaded"    // subject: the batch id
	NexusBatchFilesDeleted Action = "nexus.batch_files_deleted" // subject: the batch id; the saved files were deleted after nexus.file_days
)

// Actions of offline kiosks and their files (sync.*), sorted. Details
// never hold personal data. Console and kiosk share sync.kiosk_paired.
const (
	SyncBundleExported       Action = "sync.bundle_exported"       // kiosk; subject: the bundle's sequence number; detail: how many registrations
	SyncBundleImported       Action = "sync.bundle_imported"       // subject: the kiosk id; detail: its seq and counts
	SyncConflictHeld         Action = "sync.conflict_held"         // subject: the conflict id; detail: kiosk:<name>
	SyncConflictResolved     Action = "sync.conflict_resolved"     // subject: the conflict id; detail: which was kept
	SyncFileRefused          Action = "sync.file_refused"          // subject: the kiosk id (if known); detail: the refusal's code
	SyncKioskLeft            Action = "sync.kiosk_left"            // kiosk; subject: its kiosk id; detail: the console's name, and sealed registrations deleted unsent
	SyncKioskPaired          Action = "sync.kiosk_paired"          // subject: the kiosk id; detail: its name (on the kiosk: the console's)
	SyncKioskRevoked         Action = "sync.kiosk_revoked"         // subject: the kiosk id; detail: its name
	SyncRegistrationImported Action = "sync.registration_imported" // subject: the order id; detail: kiosk:<name>
	SyncRegistrationRefused  Action = "sync.registration_refused"  // subject: the registration id; detail: the refusal's code
	SyncRegistrationSealed   Action = "sync.registration_sealed"   // kiosk; subject: the invitation id
	SyncSitePackApplied      Action = "sync.site_pack_applied"     // kiosk; subject: the pack's sequence number; detail: counts
	SyncSitePackRefused      Action = "sync.site_pack_refused"     // kiosk; subject: the pack's sequence number (if read); detail: the refusal's code
	SyncSitePackExported     Action = "sync.site_pack_exported"    // subject: the kiosk id; detail: the pack's seq
	SyncSitePackMailed       Action = "sync.site_pack_mailed"      // subject: the kiosk id; detail: the pack's seq
	SyncBundleMailed         Action = "sync.bundle_mailed"         // subject: the bundle's seq; detail: registrations in it
	SyncMailRefused          Action = "sync.mail_refused"          // subject: the kiosk id or ""; detail: the refusal's code
	SyncKioskSilent          Action = "sync.kiosk_silent"          // subject: the kiosk id; detail: hours silent
)

// Actions on the app itself.
const (
	SettingsChanged  Action = "settings.changed" // detail: the keys
	CatalogChanged   Action = "catalog.changed"
	KeysRotated      Action = "keys.rotated"       // subject: the new key id
	BankIDFileStored Action = "bankid.file_stored" // subject: which file
	KioskPINSet      Action = "kiosk.pin_set"
	KioskExit        Action = "kiosk.exit"
	AdminPasswordSet Action = "admin.password_set"
	AdminLogin       Action = "admin.login"
	AdminLogout      Action = "admin.logout"
	AuditExported    Action = "audit.exported" // detail: the filter
)

// Actions lists every action, for the filter of the audit view.
func Actions() []Action {
	return []Action{
		InvitationsCreated, InvitationQueued, InvitationSent, InvitationResent, InvitationExtended, InvitationRevoked,
		InvitationExpired, InvitationOpened, InvitationDeleted, InvitationsExported,
		OrderCreated, OrderViewed, OrderEdited, OrderIdentityChecked, OrderRejectedToCardholder, OrderStatusRecorded, OrderResubmitted,
		OrdersExported, OrdersPurged, Sweep,
		NexusBatchCreated, NexusBatchDownloaded, NexusBatchFilesDeleted,
		SettingsChanged, CatalogChanged, KeysRotated, BankIDFileStored, KioskPINSet, KioskExit,
		AdminPasswordSet, AdminLogin, AdminLogout, AuditExported,
		SyncBundleExported, SyncBundleImported, SyncConflictHeld, SyncConflictResolved, SyncFileRefused, SyncKioskLeft, SyncKioskPaired, SyncKioskRevoked,
		SyncRegistrationImported, SyncRegistrationRefused, SyncRegistrationSealed, SyncSitePackApplied, SyncSitePackRefused, SyncSitePackExported,
		SyncSitePackMailed, SyncBundleMailed, SyncMailRefused, SyncKioskSilent,
	}
}

// Valid reports whether a is a known action.
func (a Action) Valid() bool { return slices.Contains(Actions(), a) }
