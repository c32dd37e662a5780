// Package invite holds the domain types and rules of an invitation: its
// status and the transitions between statuses, the short code a cardholder can
// type at a kiosk, and validation of the e-mail addresses and Swedish
// organisation numbers an administrator enters.
//
// The package does no I/O. Storage lives in internal/sqlite, signing in
// internal/token, mail composition in internal/mail.
package invite
