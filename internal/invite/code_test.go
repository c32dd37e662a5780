package invite

import (
	"errors"
	"strings"
	"testing"
)

func TestNewCode(t *testing.T) {
	const n = 20000
	counts := map[rune]int{}
	seen := map[string]bool{}
	for i := 0; i < n; i++ {
		c, err := NewCode()
		if err != nil {
			t.Fatal(err)
		}
		if len(c) != CodeLength {
			t.Fatalf("code %q has length %d", c, len(c))
		}
		if got, err := NormalizeCode(c); err != nil || got != c {
			t.Fatalf("NormalizeCode(%q) = %q, %v", c, got, err)
		}
		if seen[c] {
			t.Fatalf("duplicate code %q after %d codes", c, i)
		}
		seen[c] = true
		for _, r := range c {
			counts[r]++
		}
	}
	// Every character of the alphabet appears, each close to 1/32 of the
	// draws (expected 6250; a biased generator would skew several letters).
	if len(counts) != 32 {
		t.Fatalf("only %d distinct characters used", len(counts))
	}
	exp := float64(n*CodeLength) / 32
	for r, c := range counts {
		if f := float64(c) / exp; f < 0.9 || f > 1.1 {
			t.Errorf("character %q drawn %d times, expected ≈ %.0f", r, c, exp)
		}
	}
}

func TestNormalizeCode(t *testing.T) {
	tests := []struct {
		name, in, want string
		err            error
	}{
		{"canonical", "ABCDE23456", "ABCDE23456", nil},
		{"lower case with dash", "abcde-23456", "ABCDE23456", nil},
		{"spaces", " abc de 234 56 ", "ABCDE23456", nil},
		{"eight characters", "2345-6789", "23456789", nil},
		{"zero is not used", "ABCDE0ABCD", "", ErrCodeChar},
		{"letter O is not used", "ABCDEOABCD", "", ErrCodeChar},
		{"one is not used", "ABCDE1ABCD", "", ErrCodeChar},
		{"I is not used", "ABCDEIABCD", "", ErrCodeChar},
		{"lower-case l is L, which is used", "abcdelabcd", "ABCDELABCD", nil},
		{"non-ASCII", "ABCDEÅABCD", "", ErrCodeChar},
		{"too short", "ABCDEFG", "", ErrCodeLength},
		{"too long", "ABCDEFGHJKM", "", ErrCodeLength},
		{"empty", "", "", ErrCodeLength},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizeCode(tt.in)
			if !errors.Is(err, tt.err) || got != tt.want {
				t.Fatalf("NormalizeCode(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.err)
			}
		})
	}
}

func TestFormatCode(t *testing.T) {
	if got := FormatCode("ABCDE23456"); got != "ABCDE-23456" {
		t.Fatalf("FormatCode = %q", got)
	}
	if got, _ := NormalizeCode(FormatCode("ABCDE23456")); got != "ABCDE23456" {
		t.Fatalf("formatted code does not normalize back: %q", got)
	}
	if strings.ContainsAny(CodeAlphabet, "01IO") {
		t.Fatal("alphabet contains ambiguous characters")
	}
}
