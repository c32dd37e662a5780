package registration

import (
	"id06desk/internal/i18n"
)

// Msg is the error as a message for the cardholder. Dates are written
// YYYY-MM-DD in both languages (the page itself shows them in words).
func (e *LinkError) Msg() i18n.Message {
	date := e.At.Format("2006-01-02")
	switch e.Code {
	case LinkExpired:
		if e.Company == "" {
			return msgLinkExpiredPlain.With("date", date)
		}
		return msgLinkExpired.With("date", date, "company", e.Company)
	case LinkRevoked:
		if e.Company == "" {
			return msgLinkRevokedPlain.With()
		}
		return msgLinkRevoked.With("company", e.Company)
	case LinkSuperseded:
		return msgLinkSuperseded.With()
	case LinkAlreadyRegistered:
		return msgLinkAlreadyRegistered.With("date", date)
	}
	return msgLinkInvalid.With()
}

var (
	msgMethodFixed = i18n.Text{Code: "method_fixed",
		SV: "Din registrering bekräftades redan med det här sättet att styrka identiteten; det kan inte bytas när du rättar den.",
		EN: "Your registration was already confirmed with this way of proving your identity; it cannot change while you correct it."}
	msgLinkInvalid = i18n.Text{Code: LinkInvalid,
		SV: "Länken till inbjudan är inte giltig: den kan ha ändrats eller kortats av. Öppna länken i mejlet igen.",
		EN: "This invitation link is not valid: it may have been changed or cut short. Open the link in the mail again."}
	msgLinkExpired = i18n.Text{Code: LinkExpired,
		SV: "Den här inbjudan gick ut {date}. Be {company} om en ny.",
		EN: "This invitation expired on {date}. Ask {company} for a new one."}
	msgLinkExpiredPlain = i18n.Text{Code: LinkExpired,
		SV: "Den här inbjudan gick ut {date}. Be företaget som bjöd in dig om en ny.",
		EN: "This invitation expired on {date}. Ask the company that invited you for a new one."}
	msgLinkRevoked = i18n.Text{Code: LinkRevoked,
		SV: "Inbjudan har dragits tillbaka av {company}.",
		EN: "This invitation was withdrawn by {company}."}
	msgLinkRevokedPlain = i18n.Text{Code: LinkRevoked,
		SV: "Inbjudan har dragits tillbaka av företaget som skickade den.",
		EN: "This invitation was withdrawn by the company that sent it."}
	msgLinkSuperseded = i18n.Text{Code: LinkSuperseded,
		SV: "Du har fått en nyare inbjudan: använd länken i det senaste mejlet.",
		EN: "A newer invitation was sent to you: use the link in the latest mail."}
	msgLinkAlreadyRegistered = i18n.Text{Code: LinkAlreadyRegistered,
		SV: "Du registrerade dig redan med den här inbjudan {date}.",
		EN: "You already registered with this invitation on {date}."}
)

// The sentences of a PhotoError.
var (
	msgPhotoTooLarge = i18n.Text{Code: PhotoTooLarge,
		SV: "Fotot är större än {mb} MB. Välj ett mindre foto.",
		EN: "The photo is larger than {mb} MB. Choose a smaller photo."}
	msgPhotoFormat = i18n.Text{Code: PhotoFormat,
		SV: "Fotot går inte att läsa: bara hela JPEG- och PNG-filer kan användas. Välj ett annat foto.",
		EN: "The photo cannot be read: only complete JPEG and PNG files can be used. Choose another photo."}
	msgPhotoDimensions = i18n.Text{Code: PhotoDimensions,
		SV: "Fotot har för många bildpunkter (högst {mp} megapixel och {side} bildpunkter på en sida). Välj ett mindre foto.",
		EN: "The photo has too many pixels (at most {mp} megapixels and {side} pixels a side). Choose a smaller photo."}
	msgPhotoTooSmall = i18n.Text{Code: PhotoTooSmall,
		SV: "Fotot är för litet för ett ID06-kort: det behöver minst {w} × {h} bildpunkter. Använd ett foto direkt från en kamera eller mobil.",
		EN: "The photo is too small for an ID06 card: it needs at least {w} × {h} pixels. Use a photo straight from a camera or phone."}
	msgPhotoResolution = i18n.Text{Code: PhotoResolution,
		SV: "Det valda utsnittet är för litet för ett ID06-kort (minst {w} × {h} bildpunkter). Gör ramen större.",
		EN: "The chosen area is too small for an ID06 card (at least {w} × {h} pixels). Make the frame larger."}
	msgPhotoBusy = i18n.Text{Code: PhotoBusy,
		SV: "Många foton kontrolleras just nu. Försök igen om några sekunder.",
		EN: "Many photos are being checked right now. Try again in a few seconds."}
)

// Msg is the error as a message for the cardholder.
func (e *IncompleteError) Msg() i18n.Message {
	if t, ok := incompleteMessages[e.Step]; ok {
		return t.With()
	}
	return msgIncomplete.With()
}

var msgIncomplete = i18n.Text{Code: "incomplete",
	SV: "Registreringen är inte klar: något steg saknas. Gå igenom stegen och försök igen.",
	EN: "The registration is not complete: a step is missing. Go through the steps and try again."}

// incompleteMessages names the missing step.
var incompleteMessages = map[string]i18n.Text{
	StepMethod: {Code: "incomplete",
		SV: "Registreringen är inte klar: välj först hur du vill registrera dig.",
		EN: "The registration is not complete: first choose how to register."},
	StepPersonal: {Code: "incomplete",
		SV: "Registreringen är inte klar: fyll i dina personuppgifter.",
		EN: "The registration is not complete: fill in your personal details."},
	StepPhoto: {Code: "incomplete",
		SV: "Registreringen är inte klar: ta eller ladda upp ett foto.",
		EN: "The registration is not complete: take or upload a photo."},
	StepDelivery: {Code: "incomplete",
		SV: "Registreringen är inte klar: välj vart kortet ska skickas.",
		EN: "The registration is not complete: choose where the card is sent."},
}
