// Package nexus holds what id06desk sends to Nexus, the ID06 card
// producer: the batch (a set of orders sent together, at most
// MaxRowsPerFile per import file), the import profile (the columns of
// Nexus's "Import personal data from Excel file", in one versioned place)
// and the rules an order must meet to be sent (its photo). It is a domain
// package: storage persists its types, the batches service decides.
package nexus

import (
	"errors"
	"time"
)

// Channels a batch is delivered by (setting nexus.channel).
const (
	ChannelFolder = "folder" // the zip and its summary are saved to a folder
	ChannelMail   = "mail"   // mailed through the outbox, split by size
)

// Batch is one sending to Nexus: at most MaxRowsPerFile orders, one import
// file (zip) for them.
type Batch struct {
	ID        string
	CreatedAt time.Time
	CreatedBy string
	// OrderIDs are the batch's orders, in the order of the file's rows.
	OrderIDs   []string
	OrderCount int
	Profile    string // ProfileVersion the file follows
	Channel    string
	MailedTo   string // the mail channel's address ("" for a folder)
	MailCount  int    // mails the batch was split into (mail channel)
	// ZipPath and SummaryPath are the saved files ("" when none are kept);
	// ZipBytes the zip's size.
	ZipPath     string
	SummaryPath string
	ZipBytes    int64
	// FilesDeletedAt is when the retention job deleted the saved files
	// (zero while they are kept, or when there were none).
	FilesDeletedAt time.Time
}

// Query selects a page of batches, newest first.
type Query struct {
	Page     int // from 1
	PageSize int // default 50, at most 200
}

// Page is one page of batches.
type Page struct {
	Items    []Batch
	Total    int
	Page     int
	PageSize int
}

// ErrBatchNotFound is returned for an unknown batch id.
var ErrBatchNotFound = errors.New("nexus batch not found")
