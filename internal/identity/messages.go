package identity

// text is one sentence in each supported language.
type text struct{ sv, en string }

func (t text) in(lang string) string {
	if lang == "sv" {
		return t.sv
	}
	return t.en
}

// messages holds the sentence for every code. The numbers in too_long,
// too_young and too_old must follow maxTextLen, MinAge and MaxAge.
var messages = map[string]text{
	CodeRequired: {
		sv: "Fyll i det här fältet.",
		en: "Fill in this field.",
	},
	CodeFormat: {
		sv: "Värdet har inte rätt format. Kontrollera det och försök igen.",
		en: "The value is not in the expected format. Check it and try again.",
	},
	CodeDate: {
		sv: "Datumet finns inte i kalendern. Kontrollera år, månad och dag.",
		en: "This date does not exist in the calendar. Check the year, month and day.",
	},
	CodeFuture: {
		sv: "Födelsedatumet ligger i framtiden. Kontrollera årtalet.",
		en: "The date of birth is in the future. Check the year.",
	},
	CodeChecksum: {
		sv: "Sista siffran (kontrollsiffran) stämmer inte med resten av numret. Kontrollera att ingen siffra är felskriven.",
		en: "The last digit (the check digit) does not match the rest of the number. Check for a mistyped digit.",
	},
	CodeCharacters: {
		sv: "Texten innehåller tecken som inte är tillåtna här. Ta bort dem och försök igen.",
		en: "The text contains characters that are not allowed here. Remove them and try again.",
	},
	CodeNoLetter: {
		sv: "Namnet måste innehålla minst en bokstav.",
		en: "The name must contain at least one letter.",
	},
	CodeTooLong: {
		sv: "Texten är för lång. Använd högst 100 tecken.",
		en: "The text is too long. Use at most 100 characters.",
	},
	CodeNotMobile: {
		sv: "Det här är inte ett mobilnummer. Ange ett mobilnummer i stället för ett fast nummer.",
		en: "This is not a mobile number. Enter a mobile number instead of a landline.",
	},
	CodeTooYoung: {
		sv: "Personen måste vara minst 15 år. Kontrollera födelsedatumet.",
		en: "The person must be at least 15 years old. Check the date of birth.",
	},
	CodeTooOld: {
		sv: "Födelsedatumet ger en ålder över 100 år. Kontrollera årtalet.",
		en: "The date of birth gives an age over 100 years. Check the year.",
	},
	CodeCountry: {
		sv: "Välj ett land i listan.",
		en: "Choose a country from the list.",
	},
}

// fieldMessages overrides messages where the field tells the user more than
// the code alone: what to type and an example. Keys are "field/code".
var fieldMessages = map[string]text{
	FieldPersonnummer + "/" + CodeFormat: {
		sv: "Skriv personnumret eller samordningsnumret med 10 eller 12 siffror, till exempel 811218-9876 eller 19811218-9876.",
		en: "Enter the personal identity number or coordination number with 10 or 12 digits, for example 811218-9876 or 19811218-9876.",
	},
	FieldPersonnummer + "/" + CodeDate: {
		sv: "Numret innehåller inget giltigt födelsedatum. Kontrollera de första sex eller åtta siffrorna.",
		en: "The number does not contain a valid date of birth. Check the first six or eight digits.",
	},
	FieldFirstName + "/" + CodeCharacters: {
		sv: "Förnamnet får bara innehålla bokstäver, mellanslag, bindestreck (-), apostrof (') och punkt (.).",
		en: "The first name may only contain letters, spaces, hyphens (-), apostrophes (') and full stops (.).",
	},
	FieldLastName + "/" + CodeCharacters: {
		sv: "Efternamnet får bara innehålla bokstäver, mellanslag, bindestreck (-), apostrof (') och punkt (.).",
		en: "The last name may only contain letters, spaces, hyphens (-), apostrophes (') and full stops (.).",
	},
	FieldPhone + "/" + CodeFormat: {
		sv: "Skriv ett giltigt mobilnummer, till exempel 070-123 45 67. Nummer utanför Sverige skrivs med + och landsnummer, till exempel +49 176 12345678.",
		en: "Enter a valid mobile number, for example 070-123 45 67. Write numbers outside Sweden with + and the country code, for example +49 176 12345678.",
	},
	FieldBirthDate + "/" + CodeDate: {
		sv: "Skriv ett giltigt födelsedatum som ÅÅÅÅ-MM-DD, till exempel 1981-12-18.",
		en: "Enter a valid date of birth as YYYY-MM-DD, for example 1981-12-18.",
	},
	FieldNationality + "/" + CodeCountry: {
		sv: "Välj medborgarskap i listan över länder.",
		en: "Choose the nationality from the list of countries.",
	},
	FieldIDNumber + "/" + CodeFormat: {
		sv: "Skriv numret på passet eller id-kortet: 5–20 tecken, bara bokstäverna A–Z, siffror och bindestreck.",
		en: "Enter the passport or ID card number: 5–20 characters, only the letters A–Z, digits and hyphens.",
	},
	FieldPostalCode + "/" + CodeFormat: {
		sv: "Kontrollera postnumret. Ett svenskt postnummer har fem siffror, till exempel 114 55. I andra länder: 2–12 bokstäver, siffror, mellanslag eller bindestreck.",
		en: "Check the postal code. A Swedish postal code has five digits, for example 114 55. Other countries: 2–12 letters, digits, spaces or hyphens.",
	},
}

// unknownCode is shown for a code this package does not define.
var unknownCode = text{
	sv: "Värdet är inte giltigt. Kontrollera det och försök igen.",
	en: "The value is not valid. Check it and try again.",
}

// Message returns a sentence describing code in lang: "sv" for Swedish,
// anything else for English. An unknown code gets a general sentence rather
// than an empty string.
func Message(code, lang string) string {
	if t, ok := messages[code]; ok {
		return t.in(lang)
	}
	return unknownCode.in(lang)
}

// fieldMessage is Message, made more specific for the field where possible.
func fieldMessage(field, code, lang string) string {
	if t, ok := fieldMessages[field+"/"+code]; ok {
		return t.in(lang)
	}
	return Message(code, lang)
}
