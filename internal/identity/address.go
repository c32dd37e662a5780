package identity

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Address is where a card is delivered.
type Address struct {
	Name       string // recipient
	CareOf     string // c/o line, optional
	Street     string
	PostalCode string
	City       string
	Country    string // ISO 3166-1 alpha-2, upper case
}

// ValidateAddress checks a delivery address and returns it normalised: every
// field trimmed with inner white space collapsed to one space, the country
// code upper case, and a Swedish postal code written NNN NN. It reports every
// problem at once, as Errors:
//
//   - FieldName, FieldStreet, FieldCity: CodeRequired; CodeCharacters for
//     control or other invisible characters; CodeTooLong over 100 characters.
//   - FieldCareOf: optional, otherwise as above.
//   - FieldCountry: CodeRequired; CodeCountry when it is not an ISO 3166-1
//     alpha-2 code. Choosing a default country is up to the caller.
//   - FieldPostalCode: CodeRequired; CodeFormat when, for Sweden, it is not
//     five digits (one space allowed, as in 114 55) starting with 1–9, or, for
//     other countries, not 2–12 of the ASCII letters and digits, space and
//     hyphen.
func ValidateAddress(a Address) (Address, error) {
	var errs Errors
	var out Address
	var code string

	out.Name, code = checkLine(a.Name, true)
	errs.add(FieldName, code)
	out.CareOf, code = checkLine(a.CareOf, false)
	errs.add(FieldCareOf, code)
	out.Street, code = checkLine(a.Street, true)
	errs.add(FieldStreet, code)

	// The postal code rule depends on the country, so check that first but
	// report in the order of the form.
	country, countryErr := checkCountry(a.Country)
	out.PostalCode, code = checkPostalCode(a.PostalCode, country)
	errs.add(FieldPostalCode, code)
	out.City, code = checkLine(a.City, true)
	errs.add(FieldCity, code)
	out.Country = country
	errs.add(FieldCountry, countryErr)

	if err := errs.err(); err != nil {
		return Address{}, err
	}
	return out, nil
}

// checkLine normalises one free-text address line and returns it, or an
// error code.
func checkLine(s string, required bool) (string, string) {
	s = collapseSpace(s)
	if s == "" {
		if required {
			return "", CodeRequired
		}
		return "", ""
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return "", CodeCharacters
		}
	}
	if utf8.RuneCountInString(s) > maxTextLen {
		return "", CodeTooLong
	}
	return s, ""
}

// checkPostalCode normalises a postal code for the given (already normalised)
// country code and returns it, or an error code. When the country is not
// known, the rule for other countries applies.
func checkPostalCode(s, country string) (string, string) {
	s = collapseSpace(s)
	if s == "" {
		return "", CodeRequired
	}
	if country == "SE" {
		d := strings.Replace(s, " ", "", 1)
		if len(d) != 5 || !allDigits(d) || d[0] == '0' {
			return "", CodeFormat
		}
		return d[:3] + " " + d[3:], ""
	}
	if len(s) < 2 || len(s) > 12 {
		return "", CodeFormat
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != ' ' && c != '-' {
			return "", CodeFormat
		}
	}
	return s, ""
}
