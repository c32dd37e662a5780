package invite

import (
	"errors"
	"fmt"
	"strings"

	"id06desk/internal/identity"
)

// Errors returned (wrapped) by ValidateOrgNumber.
var (
	ErrOrgNumberFormat   = errors.New("an organisation number has 10 digits, written NNNNNN-NNNN")
	ErrOrgNumberChecksum = errors.New("the organisation number's check digit is wrong")
	ErrOrgNumberDate     = errors.New("the number is neither an organisation number nor a valid personal identity number")
)

// ValidateOrgNumber checks a Swedish organisation number and returns it in the
// form NNNNNN-NNNN.
//
// Accepted input: "556036-0793", "5560360793", "16556036-0793",
// "165560360793", with surrounding or inner spaces.
//
// Legal entities have a third digit ≥ 2 (the "month" 20–99 cannot be a birth
// month). A sole trader (enskild firma) uses the owner's personnummer as
// organisation number, so a number whose third digit is 0 or 1 is accepted
// too when it is a plausible personal identity number: month 01–12 and day
// 01–31, or 61–91 for a samordningsnummer. A 12-digit form must start with 16
// for legal entities and with 18, 19 or 20 for personal numbers. In all cases
// the last digit is the Luhn check digit over the 10-digit form.
func ValidateOrgNumber(s string) (string, error) {
	raw := strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	// Split an optional separator before the last four digits.
	digits := raw
	if n := len(raw); n >= 5 && (raw[n-5] == '-' || raw[n-5] == '+') {
		digits = raw[:n-5] + raw[n-4:]
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return "", fmt.Errorf("%w: %q", ErrOrgNumberFormat, s)
		}
	}
	century := ""
	switch len(digits) {
	case 10:
	case 12:
		century, digits = digits[:2], digits[2:]
	default:
		return "", fmt.Errorf("%w: %q", ErrOrgNumberFormat, s)
	}
	if !identity.Luhn(digits) {
		return "", fmt.Errorf("%w: %q", ErrOrgNumberChecksum, s)
	}
	legal := digits[2] >= '2'
	switch {
	case legal && century != "" && century != "16":
		return "", fmt.Errorf("%w: %q", ErrOrgNumberFormat, s)
	case !legal && century != "" && century != "18" && century != "19" && century != "20":
		return "", fmt.Errorf("%w: %q", ErrOrgNumberFormat, s)
	case !legal:
		month := int(digits[2]-'0')*10 + int(digits[3]-'0')
		day := int(digits[4]-'0')*10 + int(digits[5]-'0')
		if day > 60 {
			day -= 60 // samordningsnummer
		}
		if month < 1 || month > 12 || day < 1 || day > 31 {
			return "", fmt.Errorf("%w: %q", ErrOrgNumberDate, s)
		}
	}
	return digits[:6] + "-" + digits[6:], nil
}

// IsLegalEntity reports whether a normalized organisation number belongs to a
// legal entity (company, association, authority) rather than to a sole trader
// using a personal identity number.
func IsLegalEntity(normalized string) bool {
	return len(normalized) == 11 && normalized[2] >= '2'
}
