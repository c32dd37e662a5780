package identity

import (
	"strings"
	"time"
)

// Age limits, in whole years at the time of registration, for a person
// registered without a Swedish number.
const (
	MinAge = 15
	MaxAge = 100
)

// ForeignIdentity identifies a person who has no Swedish personal identity
// number or coordination number, by date of birth, nationality and the number
// of a passport or national ID card.
type ForeignIdentity struct {
	BirthDate   time.Time // midnight UTC
	Nationality string    // ISO 3166-1 alpha-2, upper case
	IDNumber    string    // upper case, without spaces
}

// ValidateForeign checks the identity of a person without a Swedish number
// and returns it normalised. It reports every problem at once, as Errors:
//
//   - FieldBirthDate (dob, written YYYY-MM-DD): CodeRequired; CodeDate when it
//     is not a real date in that form; CodeFuture when it is after now;
//     CodeTooYoung under MinAge and CodeTooOld over MaxAge at now. Age counts
//     whole years by calendar date, so someone born on 29 February has a
//     birthday on 1 March in other years.
//   - FieldNationality: CodeRequired; CodeCountry when it is not an ISO
//     3166-1 alpha-2 code (any case).
//   - FieldIDNumber: CodeRequired; CodeFormat unless, upper-cased and with
//     all white space removed, it is 5–20 of A–Z, 0–9 and "-".
func ValidateForeign(dob, nationality, idNumber string, now time.Time) (ForeignIdentity, error) {
	var errs Errors
	var f ForeignIdentity

	var code string
	f.BirthDate, code = checkBirthDate(dob, now)
	errs.add(FieldBirthDate, code)

	f.Nationality, code = checkCountry(nationality)
	errs.add(FieldNationality, code)

	f.IDNumber, code = checkIDNumber(idNumber)
	errs.add(FieldIDNumber, code)

	if err := errs.err(); err != nil {
		return ForeignIdentity{}, err
	}
	return f, nil
}

// checkBirthDate parses a YYYY-MM-DD date of birth and checks the age at now.
// It returns the date at midnight UTC, or an error code.
func checkBirthDate(s string, now time.Time) (time.Time, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, CodeRequired
	}
	if len(s) != len("YYYY-MM-DD") || s[4] != '-' || s[7] != '-' ||
		!allDigits(s[:4]) || !allDigits(s[5:7]) || !allDigits(s[8:]) {
		return time.Time{}, CodeDate
	}
	// time.Parse rejects days that do not exist, such as 2023-02-29.
	dob, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, CodeDate
	}
	y, m, d := now.Date()
	if dob.After(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)) {
		return time.Time{}, CodeFuture
	}
	age := y - dob.Year()
	if m < dob.Month() || (m == dob.Month() && d < dob.Day()) {
		age-- // birthday not reached yet this year
	}
	switch {
	case age < MinAge:
		return time.Time{}, CodeTooYoung
	case age > MaxAge:
		return time.Time{}, CodeTooOld
	}
	return dob, ""
}

// checkCountry returns a country code upper case, or an error code.
func checkCountry(s string) (string, string) {
	if strings.TrimSpace(s) == "" {
		return "", CodeRequired
	}
	code, ok := normCountry(s)
	if !ok {
		return "", CodeCountry
	}
	return code, ""
}

// checkIDNumber returns a passport or ID card number upper case without white
// space, or an error code.
func checkIDNumber(s string) (string, string) {
	s = strings.ToUpper(strings.Join(strings.Fields(s), ""))
	if s == "" {
		return "", CodeRequired
	}
	if len(s) < 5 || len(s) > 20 {
		return "", CodeFormat
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') && c != '-' {
			return "", CodeFormat
		}
	}
	return s, ""
}
