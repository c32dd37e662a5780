package settings

import (
	"errors"

	"id06desk/internal/i18n"
	"id06desk/internal/invite"
)

// Messages of a setting that cannot be saved. They follow the setting's
// name in the form, so they are whole sentences about "the value".
var (
	msgUnknownKey = i18n.Text{Code: "settings.unknown_key",
		SV: "Det finns ingen sådan inställning. Kända inställningar: {keys}.",
		EN: "There is no such setting. Known settings: {keys}."}
	msgSingleLine = i18n.Text{Code: "settings.single_line",
		SV: "Värdet måste stå på en enda rad.",
		EN: "The value must be a single line."}
	msgTooLong = i18n.Text{Code: "settings.too_long",
		SV: "Värdet är för långt: högst {max} tecken.",
		EN: "The value is too long: at most {max} characters."}
	msgRange = i18n.Text{Code: "settings.range",
		SV: "Ange ett heltal från {min} till {max}.",
		EN: "Enter a whole number from {min} to {max}."}
	msgChoice = i18n.Text{Code: "settings.choice",
		SV: "Välj ett av: {choices}.",
		EN: "Choose one of: {choices}."}
	msgEmail = i18n.Text{Code: "settings.email",
		SV: "Det här är ingen giltig e-postadress. Skriv bara adressen, till exempel id06@foretaget.se.",
		EN: "This is not a valid email address. Enter only the address, for example id06@company.se."}
	msgEmailInList = i18n.Text{Code: "settings.email_in_list",
		SV: "”{address}” är ingen giltig e-postadress. Skilj flera adresser åt med kommatecken.",
		EN: "\"{address}\" is not a valid email address. Separate several addresses with commas."}
	msgURL = i18n.Text{Code: "settings.url",
		SV: "Ange en adress som börjar med https:// (eller http://), till exempel https://id06.example.se.",
		EN: "Enter an address starting with https:// (or http://), such as https://id06.example.se."}
	msgCountry = i18n.Text{Code: "settings.country",
		SV: "Ange en landskod med två bokstäver, till exempel SE.",
		EN: "Enter a two-letter country code such as SE."}
	msgAbsolutePath = i18n.Text{Code: "settings.absolute_path",
		SV: "Ange hela sökvägen från /, till exempel /home/anna/Dokument/id06.",
		EN: "Enter the full path from /, for example /home/anna/Documents/id06."}
	msgListenAddress = i18n.Text{Code: "settings.listen_address",
		SV: "Ange värd och port, till exempel :2525 (alla nätverkskort) eller 192.168.1.10:2525.",
		EN: "Enter host and port, for example :2525 (every network interface) or 192.168.1.10:2525."}
	msgPin = i18n.Text{Code: "settings.tls_pin",
		SV: "Ange certifikatets SHA-256-fingeravtryck: 64 hexadecimala tecken (kolon får stå emellan), till exempel från openssl x509 -fingerprint -sha256.",
		EN: "Enter the certificate's SHA-256 fingerprint: 64 hexadecimal digits (colons allowed between them), for example from openssl x509 -fingerprint -sha256."}
	msgPassphraseShort = i18n.Text{Code: "settings.passphrase_short",
		SV: "Lösenfrasen är för kort: minst {min} tecken. Några ord i en mening är lätta att minnas och svåra att gissa.",
		EN: "The passphrase is too short: at least {min} characters. A few words in a sentence are easy to remember and hard to guess."}
	msgRecipient = i18n.Text{Code: "settings.age_recipient",
		SV: "Ange en eller flera publika age-nycklar som börjar med age1 (från age-keygen); skilj flera åt med kommatecken.",
		EN: "Enter one or more age public keys starting with age1 (from age-keygen); separate several with commas."}
	msgOrgFormat = i18n.Text{Code: "org_number.format",
		SV: "Ett organisationsnummer har 10 siffror och skrivs NNNNNN-NNNN, till exempel 556036-0793.",
		EN: "An organisation number has 10 digits, written NNNNNN-NNNN, for example 556036-0793."}
	msgOrgChecksum = i18n.Text{Code: "org_number.checksum",
		SV: "Kontrollsiffran (den sista siffran) i organisationsnumret stämmer inte. Kontrollera att ingen siffra är felskriven.",
		EN: "The organisation number's check digit (the last digit) is wrong. Check for a mistyped digit."}
	msgOrgDate = i18n.Text{Code: "org_number.date",
		SV: "Numret är varken ett organisationsnummer eller ett giltigt personnummer (för enskild firma).",
		EN: "The number is neither an organisation number nor a valid personal identity number (for a sole trader)."}
)

// orgNumberText is the message for an error of invite.ValidateOrgNumber.
func orgNumberText(err error) i18n.Text {
	switch {
	case errors.Is(err, invite.ErrOrgNumberChecksum):
		return msgOrgChecksum
	case errors.Is(err, invite.ErrOrgNumberDate):
		return msgOrgDate
	}
	return msgOrgFormat
}
