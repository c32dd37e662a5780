package identity

import (
	"fmt"
	"strings"
	"time"
)

// Personnummer is a validated Swedish personal identity number
// (personnummer) or coordination number (samordningsnummer).
//
// The zero value is not a valid number; its String and Display are empty.
type Personnummer struct {
	// Coordination is true for a samordningsnummer: the day of birth is
	// written with 60 added (61–91).
	Coordination bool

	digits string    // YYYYMMDDNNNN as written, day + 60 for coordination numbers
	birth  time.Time // real date of birth, midnight UTC
}

// String returns the number as 12 digits, YYYYMMDDNNNN: the form to store.
func (p Personnummer) String() string {
	return p.digits
}

// Display returns the number as YYYYMMDD-NNNN.
func (p Personnummer) Display() string {
	if len(p.digits) != 12 {
		return ""
	}
	return p.digits[:8] + "-" + p.digits[8:]
}

// BirthDate returns the date of birth at midnight UTC. For a coordination
// number it is the real day, 60 less than the day written in the number.
func (p Personnummer) BirthDate() time.Time {
	return p.birth
}

// ParsePersonnummer validates a personnummer or samordningsnummer and returns
// it normalised. Errors are a *FieldError for FieldPersonnummer.
//
// Accepted forms, with surrounding spaces ignored: YYMMDD-NNNN, YYMMDD+NNNN,
// YYMMDDNNNN, YYYYMMDD-NNNN, YYYYMMDD+NNNN and YYYYMMDDNNNN.
//
// A 10-digit form gets the most recent century that does not put the birth
// date after now; the + separator, written from the year a person turns 100,
// moves it one century further back. A 12-digit form names its century and its
// separator, if any, means nothing.
//
// Checks, in order: the form (CodeRequired, CodeFormat), the Luhn check digit
// over the 10-digit form (CodeChecksum), that the date exists, leap years
// included, and for the 12-digit form a century of 18, 19 or 20 (CodeDate),
// and that it is not after now (CodeFuture).
func ParsePersonnummer(s string, now time.Time) (Personnummer, error) {
	fail := func(code string) (Personnummer, error) {
		return Personnummer{}, &FieldError{Field: FieldPersonnummer, Code: code}
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return fail(CodeRequired)
	}

	// The only separator position is before the last four digits.
	digits, plus := s, false
	if n := len(s); n == 11 || n == 13 {
		switch s[n-5] {
		case '+':
			plus = true
		case '-':
		default:
			return fail(CodeFormat)
		}
		digits = s[:n-5] + s[n-4:]
	}
	if !allDigits(digits) {
		return fail(CodeFormat)
	}

	var short string // YYMMDDNNNN
	year := -1       // full year, known only for the 12-digit form
	switch len(digits) {
	case 10:
		short = digits
	case 12:
		short = digits[2:]
		year = atoi(digits[:4])
	default:
		return fail(CodeFormat)
	}

	if !Luhn(short) {
		return fail(CodeChecksum)
	}

	month, day := atoi(short[2:4]), atoi(short[4:6])
	coordination := day > 60
	if coordination {
		day -= 60
	}
	if month < 1 || month > 12 || day < 1 || day > 31 {
		return fail(CodeDate)
	}
	if year >= 0 && (year < 1800 || year > 2099) {
		return fail(CodeDate) // a 12-digit form must start with 18, 19 or 20
	}

	nowY, nowM, nowD := now.Date()
	if year < 0 {
		yy := atoi(short[:2])
		year = nowY - (nowY%100-yy+100)%100 // latest year ≤ now ending in yy
		if year == nowY && (month > int(nowM) || (month == int(nowM) && day > nowD)) {
			year -= 100
		}
		if plus {
			year -= 100
		}
	}

	birth := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if birth.Day() != day { // time.Date normalised e.g. 30 February to March
		return fail(CodeDate)
	}
	if birth.After(time.Date(nowY, nowM, nowD, 0, 0, 0, 0, time.UTC)) {
		return fail(CodeFuture)
	}

	return Personnummer{
		Coordination: coordination,
		digits:       fmt.Sprintf("%04d", year) + short[2:],
		birth:        birth,
	}, nil
}

// allDigits reports whether s is one or more ASCII digits.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// atoi converts a string of ASCII digits, already checked by allDigits.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
