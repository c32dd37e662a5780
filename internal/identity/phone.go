package identity

import (
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// defaultPhoneRegion is the region assumed for a number written without a
// country code, such as 070-123 45 67.
const defaultPhoneRegion = "SE"

// ParsePhone checks a mobile phone number and returns it in E.164 form, such
// as +46701234567. A number without a country code is read as Swedish; other
// countries are written with + or 00 and the country code.
//
// Errors are a *FieldError for FieldPhone: CodeRequired; CodeFormat for
// anything that is not a valid, complete number (or that has an extension,
// which E.164 cannot hold); CodeNotMobile for a valid number of another type,
// such as a landline. Numbers the numbering plan does not tell apart from
// mobiles (FIXED_LINE_OR_MOBILE, as in the United States) are accepted.
func ParsePhone(s string) (string, error) {
	fail := func(code string) (string, error) {
		return "", &FieldError{Field: FieldPhone, Code: code}
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return fail(CodeRequired)
	}
	num, err := phonenumbers.Parse(s, defaultPhoneRegion)
	if err != nil || !phonenumbers.IsValidNumber(num) || num.GetExtension() != "" {
		return fail(CodeFormat)
	}
	switch phonenumbers.GetNumberType(num) {
	case phonenumbers.MOBILE, phonenumbers.FIXED_LINE_OR_MOBILE:
		return phonenumbers.Format(num, phonenumbers.E164), nil
	default:
		return fail(CodeNotMobile)
	}
}
