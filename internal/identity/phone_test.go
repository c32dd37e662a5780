package identity

import "testing"

func TestParsePhone(t *testing.T) {
	tests := []struct {
		name, in, want, code string
	}{
		{"Swedish national with dash", "070-123 45 67", "+46701234567", ""},
		{"Swedish national digits", "0701234567", "+46701234567", ""},
		{"international with spaces", "+46 70 123 45 67", "+46701234567", ""},
		{"international with 00", "0046701234567", "+46701234567", ""},
		{"E.164 already", "+46701234567", "+46701234567", ""},
		{"surrounding spaces", "  070 123 45 67 ", "+46701234567", ""},
		{"Swedish 073", "073-987 65 43", "+46739876543", ""},
		{"German mobile", "+4917612345678", "+4917612345678", ""},
		{"Polish mobile", "+48 512 345 678", "+48512345678", ""},
		{"Norwegian mobile", "+47 412 34 567", "+4741234567", ""},
		{"US number, fixed line or mobile", "+1 650 253 0000", "+16502530000", ""},

		{"empty", "", "", CodeRequired},
		{"spaces only", "   ", "", CodeRequired},
		{"Stockholm landline", "08-123 456 78", "", CodeNotMobile},
		{"Stockholm landline international", "+46 8 123 456 78", "", CodeNotMobile},
		{"Gothenburg landline", "031-123 45 67", "", CodeNotMobile},
		{"German landline", "+49 30 12345678", "", CodeNotMobile},
		{"Swedish toll-free", "020-79 00 00", "", CodeNotMobile},
		{"Swedish premium rate", "0900-123 45 67", "", CodeNotMobile},
		{"Swedish personal number", "075-123 45 67", "", CodeNotMobile},
		{"too short", "12345", "", CodeFormat},
		{"letters", "abc", "", CodeFormat},
		{"incomplete mobile", "070-123", "", CodeFormat},
		{"too long mobile", "070-123 45 67 89", "", CodeFormat},
		{"country code only", "+46", "", CodeFormat},
		{"unknown country code", "+999 123 456 789", "", CodeFormat},
		{"with extension", "070-123 45 67 ext. 12", "", CodeFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePhone(tt.in)
			if tt.code == "" {
				if err != nil || got != tt.want {
					t.Fatalf("ParsePhone(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("ParsePhone(%q) = %q, want code %s", tt.in, got, tt.code)
			}
			if field, code := fieldCode(t, err); field != FieldPhone || code != tt.code || got != "" {
				t.Fatalf("ParsePhone(%q) = %q, %s/%s; want phone/%s", tt.in, got, field, code, tt.code)
			}
		})
	}
}
