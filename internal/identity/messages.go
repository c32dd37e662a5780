package identity

import "id06desk/internal/i18n"

// messages holds the sentence for every code. The numbers in too_long,
// too_young and too_old must follow maxTextLen, MinAge and MaxAge.
var messages = map[string]i18n.Text{
	CodeRequired: {
		Code: CodeRequired,
		SV:   "Fyll i det här fältet.",
		EN:   "Fill in this field.",
	},
	CodeFormat: {
		Code: CodeFormat,
		SV:   "Värdet har inte rätt format. Kontrollera det och försök igen.",
		EN:   "The value is not in the expected format. Check it and try again.",
	},
	CodeDate: {
		Code: CodeDate,
		SV:   "Datumet finns inte i kalendern. Kontrollera år, månad och dag.",
		EN:   "This date does not exist in the calendar. Check the year, month and day.",
	},
	CodeFuture: {
		Code: CodeFuture,
		SV:   "Födelsedatumet ligger i framtiden. Kontrollera årtalet.",
		EN:   "The date of birth is in the future. Check the year.",
	},
	CodeChecksum: {
		Code: CodeChecksum,
		SV:   "Sista siffran (kontrollsiffran) stämmer inte med resten av numret. Kontrollera att ingen siffra är felskriven.",
		EN:   "The last digit (the check digit) does not match the rest of the number. Check for a mistyped digit.",
	},
	CodeCharacters: {
		Code: CodeCharacters,
		SV:   "Texten innehåller tecken som inte är tillåtna här. Ta bort dem och försök igen.",
		EN:   "The text contains characters that are not allowed here. Remove them and try again.",
	},
	CodeNoLetter: {
		Code: CodeNoLetter,
		SV:   "Namnet måste innehålla minst en bokstav.",
		EN:   "The name must contain at least one letter.",
	},
	CodeTooLong: {
		Code: CodeTooLong,
		SV:   "Texten är för lång. Använd högst 100 tecken.",
		EN:   "The text is too long. Use at most 100 characters.",
	},
	CodeNotMobile: {
		Code: CodeNotMobile,
		SV:   "Det här är inte ett mobilnummer. Ange ett mobilnummer i stället för ett fast nummer.",
		EN:   "This is not a mobile number. Enter a mobile number instead of a landline.",
	},
	CodeTooYoung: {
		Code: CodeTooYoung,
		SV:   "Personen måste vara minst 15 år. Kontrollera födelsedatumet.",
		EN:   "The person must be at least 15 years old. Check the date of birth.",
	},
	CodeTooOld: {
		Code: CodeTooOld,
		SV:   "Födelsedatumet ger en ålder över 100 år. Kontrollera årtalet.",
		EN:   "The date of birth gives an age over 100 years. Check the year.",
	},
	CodeCountry: {
		Code: CodeCountry,
		SV:   "Välj ett land i listan.",
		EN:   "Choose a country from the list.",
	},
}

// fieldMessages overrides messages where the field tells the user more than
// the code alone: what to type and an example. Keys are "field/code".
var fieldMessages = map[string]i18n.Text{
	FieldPersonnummer + "/" + CodeFormat: {
		Code: CodeFormat,
		SV:   "Skriv personnumret eller samordningsnumret med 10 eller 12 siffror, till exempel 811218-9876 eller 19811218-9876.",
		EN:   "Enter the personal identity number or coordination number with 10 or 12 digits, for example 811218-9876 or 19811218-9876.",
	},
	FieldPersonnummer + "/" + CodeDate: {
		Code: CodeDate,
		SV:   "Numret innehåller inget giltigt födelsedatum. Kontrollera de första sex eller åtta siffrorna.",
		EN:   "The number does not contain a valid date of birth. Check the first six or eight digits.",
	},
	FieldFirstName + "/" + CodeCharacters: {
		Code: CodeCharacters,
		SV:   "Förnamnet får bara innehålla bokstäver, mellanslag, bindestreck (-), apostrof (') och punkt (.).",
		EN:   "The first name may only contain letters, spaces, hyphens (-), apostrophes (') and full stops (.).",
	},
	FieldLastName + "/" + CodeCharacters: {
		Code: CodeCharacters,
		SV:   "Efternamnet får bara innehålla bokstäver, mellanslag, bindestreck (-), apostrof (') och punkt (.).",
		EN:   "The last name may only contain letters, spaces, hyphens (-), apostrophes (') and full stops (.).",
	},
	FieldPhone + "/" + CodeFormat: {
		Code: CodeFormat,
		SV:   "Skriv ett giltigt mobilnummer, till exempel 070-123 45 67. Nummer utanför Sverige skrivs med + och landsnummer, till exempel +49 176 12345678.",
		EN:   "Enter a valid mobile number, for example 070-123 45 67. Write numbers outside Sweden with + and the country code, for example +49 176 12345678.",
	},
	FieldBirthDate + "/" + CodeDate: {
		Code: CodeDate,
		SV:   "Skriv ett giltigt födelsedatum som ÅÅÅÅ-MM-DD, till exempel 1981-12-18.",
		EN:   "Enter a valid date of birth as YYYY-MM-DD, for example 1981-12-18.",
	},
	FieldNationality + "/" + CodeCountry: {
		Code: CodeCountry,
		SV:   "Välj medborgarskap i listan över länder.",
		EN:   "Choose the nationality from the list of countries.",
	},
	FieldIDNumber + "/" + CodeFormat: {
		Code: CodeFormat,
		SV:   "Skriv numret på passet eller id-kortet: 5–20 tecken, bara bokstäverna A–Z, siffror och bindestreck.",
		EN:   "Enter the passport or ID card number: 5–20 characters, only the letters A–Z, digits and hyphens.",
	},
	FieldPostalCode + "/" + CodeFormat: {
		Code: CodeFormat,
		SV:   "Kontrollera postnumret. Ett svenskt postnummer har fem siffror, till exempel 114 55. I andra länder: 2–12 bokstäver, siffror, mellanslag eller bindestreck.",
		EN:   "Check the postal code. A Swedish postal code has five digits, for example 114 55. Other countries: 2–12 letters, digits, spaces or hyphens.",
	},
}

// unknownCode is shown for a code this package does not define.
var unknownCode = i18n.Text{
	Code: "invalid",
	SV:   "Värdet är inte giltigt. Kontrollera det och försök igen.",
	EN:   "The value is not valid. Check it and try again.",
}

// fieldText is the Text for code, made more specific for the field where
// possible; an unknown code gets a general Text with the code kept.
func fieldText(field, code string) i18n.Text {
	if t, ok := fieldMessages[field+"/"+code]; ok {
		return t
	}
	if t, ok := messages[code]; ok {
		return t
	}
	t := unknownCode
	t.Code = code
	return t
}
