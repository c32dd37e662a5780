package order

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// NameDiffers reports whether the name on the order (from BankID, or as the
// cardholder typed it) is not the name the admin gave the invitation: the
// admin should check that the invited person registered. False when the
// invitation had no name or the personal data was purged.
func (o Order) NameDiffers() bool {
	if strings.TrimSpace(o.InvitationName) == "" || !o.PurgedAt.IsZero() {
		return false
	}
	return !SameName(o.InvitationName, o.FirstName+" "+o.LastName)
}

// SameName reports whether invited names the same person as registered:
// every word of invited appears in registered, ignoring case, accents,
// hyphens, punctuation and word order. So "Anna Svensson" matches BankID's
// "Anna Maria Svensson", and "A. Svensson" matches too (an initial stands
// for any word with that first letter); "Kalle Svensson" does not match
// "Karl Svensson".
func SameName(invited, registered string) bool {
	want, have := nameWords(invited), nameWords(registered)
	if len(want) == 0 || len(have) == 0 {
		return len(want) == 0
	}
	used := make([]bool, len(have))
next:
	for _, w := range want {
		for i, h := range have {
			if used[i] {
				continue
			}
			if h == w || (len([]rune(w)) == 1 && strings.HasPrefix(h, w)) {
				used[i] = true
				continue next
			}
		}
		return false
	}
	return true
}

// nameWords splits a name into lower-case words without accents
// ("Åsa-Li O'Brien" → "asa", "li", "obrien").
func nameWords(name string) []string {
	var b strings.Builder
	for _, r := range norm.NFKD.String(name) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// a combining accent: "å" is "a" + ring
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		case r == '\'' || r == '’':
			// apostrophes join: O'Brien is one word
		default:
			b.WriteRune(' ')
		}
	}
	return strings.Fields(b.String())
}
