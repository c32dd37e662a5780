// Package audit holds the audit log's domain type: who did what, when.
// Storage (internal/sqlite) writes and reads it; the API shows it.
package audit

import "time"

// Entry is one line of the audit log. Detail never holds personal data.
type Entry struct {
	At      time.Time
	Actor   string
	Action  string
	Subject string
	Detail  string
}
