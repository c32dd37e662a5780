package identity

import (
	"strings"
	"testing"
)

func TestValidateName(t *testing.T) {
	tests := []struct {
		name, in, want, code string
	}{
		{"plain", "Anna", "Anna", ""},
		{"trimmed and collapsed", "  Anna   Maria  ", "Anna Maria", ""},
		{"tabs, line breaks and no-break spaces", "Anna\tMaria\n\u00a0Lind", "Anna Maria Lind", ""},
		{"Swedish letters and hyphen", "Åsa-Britt Öberg", "Åsa-Britt Öberg", ""},
		{"ASCII apostrophe", "O'Brien", "O'Brien", ""},
		{"typographic apostrophe", "D’Angelo", "D’Angelo", ""},
		{"initials with full stops", "J. R. R.", "J. R. R.", ""},
		{"Polish", "Łukasz Żółkiewski", "Łukasz Żółkiewski", ""},
		{"Lithuanian", "Žygimantas Čiurlionis", "Žygimantas Čiurlionis", ""},
		{"Icelandic", "Þórður", "Þórður", ""},
		{"Cyrillic", "Олександр", "Олександр", ""},
		{"Greek", "Αλέξανδρος", "Αλέξανδρος", ""},
		{"Arabic", "محمد", "محمد", ""},
		{"Chinese", "李小龍", "李小龍", ""},
		{"Vietnamese", "Nguyễn", "Nguyễn", ""},
		{"decomposed Å becomes composed", "A\u030asa", "\u00c5sa", ""},
		{"combining mark without precomposed form", "Ja\u0332n", "Ja\u0332n", ""},
		{"100 characters", strings.Repeat("å", 100), strings.Repeat("å", 100), ""},
		{"long only before collapsing", "A" + strings.Repeat(" ", 200) + "B", "A B", ""},

		{"empty", "", "", CodeRequired},
		{"spaces only", " \t\u00a0 ", "", CodeRequired},
		{"digit", "Anna2", "", CodeCharacters},
		{"exclamation mark", "Anna!", "", CodeCharacters},
		{"underscore", "Anna_Maria", "", CodeCharacters},
		{"at sign", "anna@example.com", "", CodeCharacters},
		{"emoji", "Anna 😀", "", CodeCharacters},
		{"zero-width space", "An\u200bna", "", CodeCharacters},
		{"control character", "An\x00na", "", CodeCharacters},
		{"comma", "Svensson, Anna", "", CodeCharacters},
		{"hyphen only", "-", "", CodeNoLetter},
		{"punctuation only", ". ' ’", "", CodeNoLetter},
		{"combining mark only", "\u0332", "", CodeNoLetter},
		{"101 characters", strings.Repeat("å", 101), "", CodeTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, field := range []string{FieldFirstName, FieldLastName} {
				got, err := ValidateName(field, tt.in)
				if tt.code == "" {
					if err != nil || got != tt.want {
						t.Fatalf("ValidateName(%s, %q) = %q, %v; want %q", field, tt.in, got, err, tt.want)
					}
					continue
				}
				if err == nil {
					t.Fatalf("ValidateName(%s, %q) = %q, want code %s", field, tt.in, got, tt.code)
				}
				if f, code := fieldCode(t, err); f != field || code != tt.code || got != "" {
					t.Fatalf("ValidateName(%s, %q) = %q, %s/%s; want %s/%s", field, tt.in, got, f, code, field, tt.code)
				}
			}
		})
	}
}
