package nexus

import (
	"errors"
	"fmt"

	"id06desk/internal/i18n"
	"id06desk/internal/order"
)

// ErrNotReady is wrapped by NotReadyError.
var ErrNotReady = errors.New("order is not ready to be sent to Nexus")

// NotReadyError names an order that cannot go into a batch because it is
// not ready (already sent, in another batch, rejected, ...). Nothing is
// sent when one of the chosen orders is not ready.
type NotReadyError struct {
	OrderID string
	Name    string
	Status  order.Status
	BatchID string // the batch it is in already ("" if none)
}

func (e *NotReadyError) Error() string {
	return fmt.Sprintf("order %s is %s (batch %q), not ready", e.OrderID, e.Status, e.BatchID)
}

func (e *NotReadyError) Unwrap() error { return ErrNotReady }

// Msg is the message for people.
func (e *NotReadyError) Msg() i18n.Message {
	if e.BatchID != "" {
		return msgInBatch.With("name", e.Name, "batch", e.BatchID)
	}
	return msgNotReady.With("name", e.Name, "status", string(e.Status))
}

// Messages of the batch rules.
var (
	msgNotReady = i18n.Text{Code: "nexus.not_ready",
		SV: "Beställningen för {name} är inte klar att skickas till Nexus (status {status}). Ingenting skickades; välj bara beställningar som är klara.",
		EN: "The order for {name} is not ready to be sent to Nexus (status {status}). Nothing was sent; choose only orders that are ready."}
	msgInBatch = i18n.Text{Code: "nexus.in_batch",
		SV: "Beställningen för {name} har redan skickats till Nexus i batch {batch}. Ingenting skickades; en beställning skickas bara i en batch.",
		EN: "The order for {name} was already sent to Nexus in batch {batch}. Nothing was sent; an order goes in one batch only."}
	msgPhotoRefused = i18n.Text{Code: "nexus.photo",
		SV: "Fotot för {name} uppfyller inte Nexus krav: {reason} Ingenting skickades. Skicka tillbaka beställningen till kortinnehavaren för ett nytt foto.",
		EN: "The photo of {name} does not meet Nexus's rules: {reason} Nothing was sent. Send the order back to the cardholder for a new photo."}
	msgPhotoMissing = i18n.Text{Code: "nexus.photo_missing",
		SV: "det finns inget foto.",
		EN: "there is no photo."}
	msgPhotoTooBig = i18n.Text{Code: "nexus.photo_too_big",
		SV: "filen är {mb} MB, Nexus tar högst 5 MB.",
		EN: "the file is {mb} MB; Nexus takes at most 5 MB."}
	msgPhotoNotJPEG = i18n.Text{Code: "nexus.photo_format",
		SV: "det är ingen läsbar JPEG-bild.",
		EN: "it is not a readable JPEG picture."}
	msgPhotoSmall = i18n.Text{Code: "nexus.photo_small",
		SV: "bilden är {width}×{height} pixlar, Nexus kräver minst 300×410.",
		EN: "the picture is {width}×{height} pixels; Nexus needs at least 300×410."}
)
