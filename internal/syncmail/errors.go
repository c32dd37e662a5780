package syncmail

import (
	"errors"
	"fmt"

	"id06desk/internal/i18n"
)

// Why a mail was refused. Each error Files returns for a bad mail wraps
// exactly one of these (errors.Is) and is an *i18n.Error with the sentence
// to show in the console.
var (
	ErrNoSyncFile = errors.New("syncmail: the mail carries no id06desk sync file")
	ErrMalformed  = errors.New("syncmail: the mail is not valid MIME")
	ErrTooLarge   = errors.New("syncmail: an attachment is over the size limit")
	// ErrRejected is what a ReceiverConfig.Deliver wraps to refuse a mail
	// for good (SMTP 5xx, the reason goes back to the sender); any other
	// error is temporary (4xx, the sender tries again later).
	ErrRejected = errors.New("syncmail: rejected")
)

var (
	msgNoSyncFile = i18n.Text{Code: "syncmail.no_sync_file",
		SV: "Mejlet innehåller ingen synkfil från id06desk (ett vanligt mejl, skräppost eller en studsning).",
		EN: "The mail holds no id06desk sync file (an ordinary mail, spam or a bounce)."}
	msgMalformed = i18n.Text{Code: "syncmail.malformed",
		SV: "Mejlet är trasigt och kan inte läsas: {detail}.",
		EN: "The mail is damaged and cannot be read: {detail}."}
	msgTooLarge = i18n.Text{Code: "syncmail.too_large",
		SV: "En bilaga i mejlet är större än {max} MB, det största en synkfil får vara här.",
		EN: "An attachment in the mail is larger than {max} MB, the most a sync file may be here."}
	msgOnlySync = i18n.Text{Code: "syncmail.only_sync",
		SV: "Den här mottagaren tar bara emot synkmejl från id06desk.",
		EN: "Only id06desk sync mails are accepted here."}
)

func noSyncFile() error { return i18n.Wrap(ErrNoSyncFile, msgNoSyncFile) }

// malformed wraps ErrMalformed with a short technical detail (a MIME
// library's words: not a sentence for people, shown as a detail).
func malformed(detail error) error {
	return i18n.Wrap(fmt.Errorf("%w: %v", ErrMalformed, detail), msgMalformed, "detail", detail.Error())
}

func tooLarge(limit int64) error {
	return i18n.Wrap(fmt.Errorf("%w of %d bytes", ErrTooLarge, limit), msgTooLarge,
		"max", fmt.Sprintf("%.1f", float64(limit)/(1<<20)))
}
