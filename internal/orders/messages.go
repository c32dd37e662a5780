package orders

import (
	"id06desk/internal/i18n"
	"id06desk/internal/order"
)

// statusWords name the order statuses inside sentences.
var statusWords = map[order.Status]i18n.Text{
	order.StatusReady:           {Code: "order.status.ready", SV: "klar att skickas", EN: "ready to send"},
	order.StatusSentToNexus:     {Code: "order.status.sent_to_nexus", SV: "skickad till Nexus", EN: "sent to Nexus"},
	order.StatusRejectedByNexus: {Code: "order.status.rejected_by_nexus", SV: "avvisad av Nexus", EN: "rejected by Nexus"},
	order.StatusInProduction:    {Code: "order.status.in_production", SV: "i produktion", EN: "in production"},
	order.StatusDelivered:       {Code: "order.status.delivered", SV: "levererad", EN: "delivered"},
	order.StatusReopened:        {Code: "order.status.reopened", SV: "tillbaka hos kortinnehavaren", EN: "back with the cardholder"},
	order.StatusCancelled:       {Code: "order.status.cancelled", SV: "avbeställd", EN: "cancelled"},
}

var (
	msgNotEditable = i18n.Text{Code: "order.not_editable",
		SV: "Ordern är {status} och kan inte ändras nu; det går bara innan den skickas till Nexus.",
		EN: "The order is {status} and cannot be changed now; that is only possible before it is sent to Nexus."}
	msgNameVerified = i18n.Text{Code: "locked",
		SV: "Namnet är verifierat med BankID och kan inte ändras.",
		EN: "The name was verified with BankID and cannot be changed."}
	msgNoCompanyAddress = i18n.Text{Code: "no_company_address",
		SV: "Företagets adress är inte inställd; ange en adress eller fyll i företagets adress under Inställningar.",
		EN: "The company's address is not set; enter an address or fill in the company's address in Settings."}
	msgTextTooLong = i18n.Text{Code: "too_long",
		SV: "Texten är för lång. Använd högst {max} tecken.",
		EN: "The text is too long. Use at most {max} characters."}
	msgTextCharacters = i18n.Text{Code: "characters",
		SV: "Texten innehåller tecken som inte är tillåtna här, till exempel radbrytningar. Ta bort dem och försök igen.",
		EN: "The text contains characters that are not allowed here, such as line breaks. Remove them and try again."}
	msgReasonUnknown = i18n.Text{Code: "reason_unknown",
		SV: "Välj ett skäl: fotot godtogs inte, namnet är felstavat, adressen är fel eller annat.",
		EN: "Choose a reason: photo not accepted, name misspelt, address wrong or other."}
	msgNoteNeeded = i18n.Text{Code: "required",
		SV: "Skriv vad kortinnehavaren ska rätta.",
		EN: "Write what the cardholder should correct."}
	msgCannotReject = i18n.Text{Code: "order.cannot_reject",
		SV: "Ordern är {status}; bara en order som är klar att skickas eller avvisad av Nexus kan skickas tillbaka till kortinnehavaren.",
		EN: "The order is {status}; only an order that is ready to send or rejected by Nexus can go back to the cardholder."}
	msgNotReopened = i18n.Text{Code: "order.not_reopened",
		SV: "Registreringen är inte öppen för ändringar längre (ordern är {status}).",
		EN: "The registration is no longer open for changes (the order is {status})."}
	msgStatusNotRecordable = i18n.Text{Code: "status_not_recordable",
		SV: "Välj en status: avvisad av Nexus, i produktion, levererad eller avbeställd.",
		EN: "Choose a status: rejected by Nexus, in production, delivered or cancelled."}
	msgNoOrders = i18n.Text{Code: "required",
		SV: "Välj minst en order.",
		EN: "Choose at least one order."}
	msgTooManyOrders = i18n.Text{Code: "too_many",
		SV: "Högst {max} ordrar åt gången.",
		EN: "At most {max} orders at a time."}
	msgReasonNeeded = i18n.Text{Code: "required",
		SV: "Skriv varför Nexus avvisade ordern.",
		EN: "Write why Nexus rejected the order."}
	msgReasonNotHere = i18n.Text{Code: "not_allowed",
		SV: "Ett skäl anges bara när Nexus avvisar en order eller när den avbeställs.",
		EN: "A reason is only given when Nexus rejects an order or when it is cancelled."}
	msgDateFormat = i18n.Text{Code: "format",
		SV: "Skriv datumet som ÅÅÅÅ-MM-DD.",
		EN: "Write the date as YYYY-MM-DD."}
	msgDateFuture = i18n.Text{Code: "future",
		SV: "Leveransdatumet ligger i framtiden.",
		EN: "The delivery date is in the future."}
	msgDateNotHere = i18n.Text{Code: "not_allowed",
		SV: "Ett datum anges bara för en levererad order.",
		EN: "A date is only given for a delivered order."}
	msgRefused = i18n.Text{Code: "order.status_refused",
		SV: "Inget ändrades: {name} är {from} och kan inte bli {to}.{others}",
		EN: "Nothing was changed: {name} is {from} and cannot become {to}.{others}"}
	msgRefusedOthers = i18n.Text{Code: "order.status_refused_others",
		SV: " Det kan inte heller: {names}.",
		EN: " Neither can: {names}."}
	msgUnknownOrders = i18n.Text{Code: "order.unknown",
		SV: "Inget ändrades: det finns ingen order med id {ids}.",
		EN: "Nothing was changed: there is no order with the id {ids}."}
)
