package invite

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalizeEmail(t *testing.T) {
	long := strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 63) + ".se"
	tests := []struct {
		name, in, want string
		err            error
	}{
		{"plain", "anna@example.se", "anna@example.se", nil},
		{"trim and lower domain", "  Anna.Svensson@Bygg-Soner.SE \n", "Anna.Svensson@bygg-soner.se", nil},
		{"plus tag", "anna+id06@example.se", "anna+id06@example.se", nil},
		{"unicode domain lowered", "kalle@BYGG-ÖST.se", "kalle@bygg-öst.se", nil},
		{"empty", "   ", "", ErrEmailEmpty},
		{"no at", "anna.example.se", "", ErrEmailInvalid},
		{"no domain dot", "anna@localhost", "", ErrEmailInvalid},
		{"trailing dot", "anna@example.se.", "", ErrEmailInvalid},
		{"double dot", "anna@example..se", "", ErrEmailInvalid},
		{"space inside", "anna svensson@example.se", "", ErrEmailInvalid},
		{"display name", "Anna Svensson <anna@example.se>", "", ErrEmailDisplayName},
		{"angle brackets", "<anna@example.se>", "", ErrEmailDisplayName},
		{"two with comma", "anna@example.se, bo@example.se", "", ErrEmailMultiple},
		{"two with semicolon", "anna@example.se; bo@example.se", "", ErrEmailMultiple},
		{"too long", long, "", ErrEmailTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizeEmail(tt.in)
			if !errors.Is(err, tt.err) || got != tt.want {
				t.Fatalf("NormalizeEmail(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.err)
			}
		})
	}
}
