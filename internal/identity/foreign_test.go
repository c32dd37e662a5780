package identity

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestValidateForeign(t *testing.T) {
	tests := []struct {
		name         string
		dob, nat, id string
		now          time.Time
		want         ForeignIdentity
		errs         []string // field:code in order; nil when valid
	}{
		{"valid", "1981-12-18", "PL", "AB1234567", testNow,
			ForeignIdentity{date(1981, 12, 18), "PL", "AB1234567"}, nil},
		{"normalised", " 1981-12-18 ", " lt ", " ab 12-34 567 ", testNow,
			ForeignIdentity{date(1981, 12, 18), "LT", "AB12-34567"}, nil},
		{"15 today", "2011-03-15", "UA", "FA123456", testNow,
			ForeignIdentity{date(2011, 3, 15), "UA", "FA123456"}, nil},
		{"exactly 100", "1926-03-15", "EE", "12345", testNow,
			ForeignIdentity{date(1926, 3, 15), "EE", "12345"}, nil},
		{"100, 101st birthday tomorrow", "1925-03-16", "EE", "12345", testNow,
			ForeignIdentity{date(1925, 3, 16), "EE", "12345"}, nil},
		{"leap day 2000", "2000-02-29", "DE", "C01X00T47", testNow,
			ForeignIdentity{date(2000, 2, 29), "DE", "C01X00T47"}, nil},
		{"born 29 Feb, turns 15 on 1 March", "2008-02-29", "NO", "12345", date(2023, 3, 1),
			ForeignIdentity{date(2008, 2, 29), "NO", "12345"}, nil},
		{"20 characters", "1981-12-18", "FI", strings.Repeat("A", 20), testNow,
			ForeignIdentity{date(1981, 12, 18), "FI", strings.Repeat("A", 20)}, nil},

		{"15 tomorrow", "2011-03-16", "UA", "FA123456", testNow, ForeignIdentity{}, []string{"birth_date:too_young"}},
		{"born 29 Feb, still 14 on 28 Feb", "2008-02-29", "NO", "12345", date(2023, 2, 28), ForeignIdentity{}, []string{"birth_date:too_young"}},
		{"101", "1925-03-15", "EE", "12345", testNow, ForeignIdentity{}, []string{"birth_date:too_old"}},
		{"year 0000", "0000-01-01", "EE", "12345", testNow, ForeignIdentity{}, []string{"birth_date:too_old"}},
		{"future", "2027-01-01", "EE", "12345", testNow, ForeignIdentity{}, []string{"birth_date:future"}},
		{"tomorrow", "2026-03-16", "EE", "12345", testNow, ForeignIdentity{}, []string{"birth_date:future"}},
		{"no date", "", "EE", "12345", testNow, ForeignIdentity{}, []string{"birth_date:required"}},
		{"30 February", "1981-02-30", "EE", "12345", testNow, ForeignIdentity{}, []string{"birth_date:date"}},
		{"29 February 2023", "2003-02-29", "EE", "12345", testNow, ForeignIdentity{}, []string{"birth_date:date"}},
		{"29 February 1900", "1900-02-29", "EE", "12345", testNow, ForeignIdentity{}, []string{"birth_date:date"}},
		{"month 13", "1981-13-01", "EE", "12345", testNow, ForeignIdentity{}, []string{"birth_date:date"}},
		{"day first", "18-12-1981", "EE", "12345", testNow, ForeignIdentity{}, []string{"birth_date:date"}},
		{"slashes", "1981/12/18", "EE", "12345", testNow, ForeignIdentity{}, []string{"birth_date:date"}},
		{"single-digit month", "1981-1-18", "EE", "12345", testNow, ForeignIdentity{}, []string{"birth_date:date"}},
		{"no separators", "19811218", "EE", "12345", testNow, ForeignIdentity{}, []string{"birth_date:date"}},
		{"signed year", "+981-12-18", "EE", "12345", testNow, ForeignIdentity{}, []string{"birth_date:date"}},
		{"time included", "1981-12-18T00:00:00Z", "EE", "12345", testNow, ForeignIdentity{}, []string{"birth_date:date"}},
		{"no nationality", "1981-12-18", " ", "12345", testNow, ForeignIdentity{}, []string{"nationality:required"}},
		{"unknown nationality", "1981-12-18", "XX", "12345", testNow, ForeignIdentity{}, []string{"nationality:country"}},
		{"three-letter nationality", "1981-12-18", "SWE", "12345", testNow, ForeignIdentity{}, []string{"nationality:country"}},
		{"no ID number", "1981-12-18", "EE", "  ", testNow, ForeignIdentity{}, []string{"id_number:required"}},
		{"four characters", "1981-12-18", "EE", "1234", testNow, ForeignIdentity{}, []string{"id_number:format"}},
		{"21 characters", "1981-12-18", "EE", strings.Repeat("A", 21), testNow, ForeignIdentity{}, []string{"id_number:format"}},
		{"symbol", "1981-12-18", "EE", "AB#12345", testNow, ForeignIdentity{}, []string{"id_number:format"}},
		{"slash", "1981-12-18", "EE", "AB/12345", testNow, ForeignIdentity{}, []string{"id_number:format"}},
		{"non-ASCII letter", "1981-12-18", "EE", "ÅB12345", testNow, ForeignIdentity{}, []string{"id_number:format"}},
		{"everything wrong", "1981-02-30", "XX", "12", testNow, ForeignIdentity{},
			[]string{"birth_date:date", "nationality:country", "id_number:format"}},
		{"everything missing", "", "", "", testNow, ForeignIdentity{},
			[]string{"birth_date:required", "nationality:required", "id_number:required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ValidateForeign(tt.dob, tt.nat, tt.id, tt.now)
			if tt.errs == nil {
				if err != nil {
					t.Fatalf("ValidateForeign: %v", err)
				}
				if !got.BirthDate.Equal(tt.want.BirthDate) || got.Nationality != tt.want.Nationality || got.IDNumber != tt.want.IDNumber {
					t.Fatalf("ValidateForeign = %+v, want %+v", got, tt.want)
				}
				return
			}
			if list := errorList(t, err); !slices.Equal(list, tt.errs) {
				t.Fatalf("errors %v, want %v", list, tt.errs)
			}
			if got != (ForeignIdentity{}) {
				t.Fatalf("returned %+v with an error", got)
			}
		})
	}
}
