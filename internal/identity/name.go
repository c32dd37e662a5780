package identity

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxTextLen is the maximum length, in characters (runes), of a name and of
// each free-text address line.
const maxTextLen = 100

// ValidateName checks a first or last name and returns it normalised:
// surrounding whitespace removed, every inner run of whitespace made one
// space, and Unicode in composed form (NFC), so that "Å" typed as A plus a
// combining ring is stored like a precomposed "Å". field names the field in
// the error, FieldFirstName or FieldLastName.
//
// A name may contain letters of any script, combining marks, spaces, hyphens,
// apostrophes (' and ’) and full stops, and must contain at least one letter.
// Codes, first match wins: CodeRequired, CodeCharacters (a digit or other
// symbol), CodeNoLetter, CodeTooLong (more than 100 characters).
func ValidateName(field, s string) (string, error) {
	fail := func(code string) (string, error) {
		return "", &FieldError{Field: field, Code: code}
	}
	s = collapseSpace(norm.NFC.String(s))
	if s == "" {
		return fail(CodeRequired)
	}
	letter := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			letter = true
		case unicode.IsMark(r), r == ' ', r == '-', r == '\'', r == '’', r == '.':
		default:
			return fail(CodeCharacters)
		}
	}
	if !letter {
		return fail(CodeNoLetter)
	}
	if utf8.RuneCountInString(s) > maxTextLen {
		return fail(CodeTooLong)
	}
	return s, nil
}

// collapseSpace trims s and replaces each inner run of Unicode white space
// (spaces, tabs, line breaks, no-break spaces) with one ASCII space.
func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
