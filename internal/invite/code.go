package invite

import (
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
)

// CodeAlphabet is the set of characters in a short code: digits and upper
// case letters without the easily confused 0/O and 1/I. It has exactly 32
// characters, so 5 random bits pick one character without bias.
const CodeAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

// Code lengths. New codes have CodeLength characters (50 bits); NormalizeCode
// accepts MinCodeLength..MaxCodeLength so the length can change later without
// breaking codes already handed out.
const (
	CodeLength    = 10
	MinCodeLength = 8
	MaxCodeLength = 10
)

// Errors returned (wrapped) by NormalizeCode.
var (
	ErrCodeLength = errors.New("the code must have 8 to 10 characters")
	ErrCodeChar   = errors.New("the code contains a character that is not used in codes")
)

// compile-time check that the alphabet has 32 characters.
var _ [32]struct{} = [len(CodeAlphabet)]struct{}{}

// NewCode returns a new random short code of CodeLength characters from
// CodeAlphabet, drawn from crypto/rand.
func NewCode() (string, error) {
	var b [CodeLength]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("new code: %w", err)
	}
	for i := range b {
		// 256 is a multiple of 32: the low 5 bits are uniform.
		b[i] = CodeAlphabet[b[i]&31]
	}
	return string(b[:]), nil
}

// NormalizeCode turns what a person typed into the canonical form of a code:
// upper case, without spaces and dashes. It returns ErrCodeChar (wrapped, with
// the character) for characters outside CodeAlphabet — 0, 1, I and O
// included: they are never used, so mapping them to a look-alike would only
// guess — and ErrCodeLength when the length is not 8 to 10.
func NormalizeCode(s string) (string, error) {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch {
		case r == ' ' || r == '-' || r == '\t' || r == '\u00a0':
			continue
		case r < 0x80 && strings.IndexByte(CodeAlphabet, byte(r)) >= 0:
			b.WriteRune(r)
		default:
			return "", fmt.Errorf("%w: %q", ErrCodeChar, r)
		}
	}
	code := b.String()
	if len(code) < MinCodeLength || len(code) > MaxCodeLength {
		return "", fmt.Errorf("%w (got %d)", ErrCodeLength, len(code))
	}
	return code, nil
}

// FormatCode groups a normalized 10-character code as "ABCDE-FGHJK" for
// display; other lengths are returned unchanged.
func FormatCode(code string) string {
	if len(code) != 10 {
		return code
	}
	return code[:5] + "-" + code[5:]
}
