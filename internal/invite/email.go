package invite

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
)

// MaxEmailLength is the longest address accepted (RFC 5321 path limit minus
// the angle brackets).
const MaxEmailLength = 254

// Errors returned (wrapped) by NormalizeEmail.
var (
	ErrEmailEmpty       = errors.New("the e-mail address is empty")
	ErrEmailTooLong     = errors.New("the e-mail address is longer than 254 characters")
	ErrEmailInvalid     = errors.New("this is not a valid e-mail address")
	ErrEmailDisplayName = errors.New("enter only the e-mail address, without a name or angle brackets")
	ErrEmailMultiple    = errors.New("enter one e-mail address per row")
)

// NormalizeEmail checks one e-mail address as an administrator typed or pasted
// it and returns it in canonical form: surrounding space trimmed, the domain
// in lower case (the local part is kept: it may be case sensitive).
//
// It refuses display names ("Anna <anna@example.se>"), lists of addresses,
// addresses without a dot in the domain (not deliverable on the Internet) and
// addresses over 254 characters.
func NormalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", ErrEmailEmpty
	}
	if len(s) > MaxEmailLength {
		return "", ErrEmailTooLong
	}
	if list, err := mail.ParseAddressList(s); err == nil && len(list) > 1 {
		return "", ErrEmailMultiple
	}
	addr, err := mail.ParseAddress(s)
	if err != nil {
		if strings.ContainsAny(s, ",;") && strings.Count(s, "@") > 1 {
			return "", ErrEmailMultiple
		}
		return "", fmt.Errorf("%w: %q", ErrEmailInvalid, s)
	}
	if addr.Name != "" || strings.ContainsAny(s, "<>") {
		return "", ErrEmailDisplayName
	}
	at := strings.LastIndexByte(addr.Address, '@')
	if at <= 0 || at == len(addr.Address)-1 {
		return "", fmt.Errorf("%w: %q", ErrEmailInvalid, s)
	}
	local, domain := addr.Address[:at], strings.ToLower(addr.Address[at+1:])
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") ||
		strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") ||
		strings.HasPrefix(domain, "[") {
		return "", fmt.Errorf("%w: %q", ErrEmailInvalid, s)
	}
	out := local + "@" + domain
	if len(out) > MaxEmailLength {
		return "", ErrEmailTooLong
	}
	return out, nil
}
