package invitations

import (
	"encoding/csv"
	"errors"

	"id06desk/internal/i18n"
)

// Messages about rows to invite (shown beside the row's field).
var (
	msgRowEmailEmpty = i18n.Text{Code: "email_invalid",
		SV: "Skriv en e-postadress.",
		EN: "Enter an email address."}
	msgRowEmail = i18n.Text{Code: "email_invalid",
		SV: "”{value}” är ingen giltig e-postadress.",
		EN: "\"{value}\" is not a valid email address."}
	msgRowDuplicate = i18n.Text{Code: "duplicate",
		SV: "Adressen finns redan på rad {row}.",
		EN: "This address is already in row {row}."}
	msgRowCardType = i18n.Text{Code: "card_type_unknown",
		SV: "Det finns ingen aktiv korttyp ”{value}”.",
		EN: "There is no active card type \"{value}\"."}
	msgRowIndustry = i18n.Text{Code: "industry_unknown",
		SV: "Det finns ingen aktiv bransch ”{value}”.",
		EN: "There is no active industry \"{value}\"."}
	msgRowLanguage = i18n.Text{Code: "language_invalid",
		SV: "Språket ska vara sv eller en.",
		EN: "The language must be sv or en."}
	msgRowNameProblem = i18n.Text{Code: "name_invalid",
		SV: "Namn: {problem}",
		EN: "Name: {problem}"}
	msgRowNameInvalid = i18n.Text{Code: "name_invalid",
		SV: "Namnet är inte giltigt.",
		EN: "The name is not valid."}
	msgRowActive = i18n.Text{Code: "active_invitation",
		SV: "Personen har redan en pågående inbjudan: skicka den igen eller dra tillbaka den i stället.",
		EN: "This person already has an invitation in progress: resend or revoke it instead."}
)

// Messages about an imported CSV file.
var (
	msgCSVRead = i18n.Text{Code: "csv.read",
		SV: "Filen kunde inte läsas. Försök igen.",
		EN: "The file could not be read. Try again."}
	msgCSVTooLarge = i18n.Text{Code: "csv.too_large",
		SV: "Filen är större än {max} MB; dela upp den i mindre filer.",
		EN: "The file is larger than {max} MB; split it into smaller files."}
	msgCSVNotUTF8 = i18n.Text{Code: "csv.not_utf8",
		SV: "Filen är inte UTF-8-text. Spara den i Excel som ”CSV UTF-8”.",
		EN: "The file is not UTF-8 text. In Excel, save it as \"CSV UTF-8\"."}
	msgCSVEmpty = i18n.Text{Code: "csv.empty",
		SV: "Filen är tom.",
		EN: "The file is empty."}
	msgCSVHeader = i18n.Text{Code: "csv.header",
		SV: "Första raden ska namnge kolumnerna: email,card_type,industry,language,name (bara email krävs).",
		EN: "The first line must name the columns: email,card_type,industry,language,name (only email is required)."}
	msgCSVUnknownColumn = i18n.Text{Code: "csv.unknown_column",
		SV: "Första raden ska namnge kolumnerna: email,card_type,industry,language,name (bara email krävs). Okänd kolumn: {columns}.",
		EN: "The first line must name the columns: email,card_type,industry,language,name (only email is required). Unknown column: {columns}."}
	msgCSVQuote = i18n.Text{Code: "csv.quote",
		SV: "Raden är inte giltig CSV: ett citattecken (\") saknas eller står fel.",
		EN: "This line is not valid CSV: a quotation mark (\") is missing or misplaced."}
	msgCSVLine = i18n.Text{Code: "csv.line",
		SV: "Raden är inte giltig CSV.",
		EN: "This line is not valid CSV."}
	msgCSVFields = i18n.Text{Code: "csv.fields",
		SV: "Raden har {fields} fält; rubrikraden har {header}.",
		EN: "This line has {fields} fields; the header has {header}."}
	msgCSVNoRows = i18n.Text{Code: "csv.no_rows",
		SV: "Filen har en rubrikrad men inga rader.",
		EN: "The file has a header but no rows."}
	msgCSVMoreErrors = i18n.Text{Code: "csv.more_errors",
		SV: "Ytterligare {count} rader har fel. Rätta raderna ovan och läs in filen igen för att se dem.",
		EN: "{count} more lines have errors. Fix the lines above and import the file again to see them."}
)

// csvLineText says what is wrong with a line encoding/csv could not read.
func csvLineText(err error) i18n.Text {
	if errors.Is(err, csv.ErrQuote) || errors.Is(err, csv.ErrBareQuote) {
		return msgCSVQuote
	}
	return msgCSVLine
}

// Messages about the catalog of card types and industries.
var (
	msgCatalogCode = i18n.Text{Code: "catalog.code",
		SV: "Använd 1–32 små bokstäver (a–z), siffror, - eller _.",
		EN: "Use 1–32 lower-case letters, digits, - or _."}
	msgCatalogCodeTwice = i18n.Text{Code: "catalog.code_twice",
		SV: "Koden används två gånger.",
		EN: "This code is used twice."}
	msgCatalogNameSv = i18n.Text{Code: "catalog.name_sv",
		SV: "Skriv ett svenskt namn (högst 80 tecken).",
		EN: "Enter a Swedish name (at most 80 characters)."}
	msgCatalogNameEn = i18n.Text{Code: "catalog.name_en",
		SV: "Skriv ett engelskt namn (högst 80 tecken).",
		EN: "Enter an English name (at most 80 characters)."}
	msgCatalogActive = i18n.Text{Code: "catalog.active",
		SV: "Behåll minst en aktiv korttyp.",
		EN: "Keep at least one active card type."}
)

// Messages about what can be done with an invitation.
var (
	msgNoCompanyName = i18n.Text{Code: "invitations.no_company_name",
		SV: "Ange företagsnamnet (Inställningar → Företag) innan du skickar inbjudningar.",
		EN: "Set the company name (Settings → Company) before sending invitations."}
	msgNoSender = i18n.Text{Code: "invitations.no_sender",
		SV: "Ange avsändaradressen (Inställningar → E-post) innan du skickar inbjudningar.",
		EN: "Set the sender address (Settings → Email) before sending invitations."}
	msgOnlyDrafts = i18n.Text{Code: "invitations.only_drafts",
		SV: "Bara utkast kan skickas; använd Skicka igen.",
		EN: "Only drafts can be sent; use resend."}
	msgCannotResend = i18n.Text{Code: "invitations.cannot_resend",
		SV: "Inbjudan kan inte skickas igen i det läge den är nu.",
		EN: "This invitation cannot be resent in its current state."}
	msgExpiredExtend = i18n.Text{Code: "invitations.expired_extend",
		SV: "Inbjudan har gått ut; förläng den i stället.",
		EN: "The invitation has expired; extend it instead."}
	msgExtendDays = i18n.Text{Code: "days_range",
		SV: "Förläng med {min} till {max} dagar.",
		EN: "Extend by {min} to {max} days."}
	msgCannotExtend = i18n.Text{Code: "invitations.cannot_extend",
		SV: "Inbjudan kan inte förlängas i det läge den är nu.",
		EN: "This invitation cannot be extended in its current state."}
	msgCannotRevoke = i18n.Text{Code: "invitations.cannot_revoke",
		SV: "Inbjudan kan inte dras tillbaka i det läge den är nu.",
		EN: "This invitation cannot be revoked in its current state."}
)
