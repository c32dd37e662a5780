package identity

import (
	"slices"
	"strings"
	"testing"
)

func TestValidateAddress(t *testing.T) {
	se := Address{Name: "Anna Svensson", Street: "Storgatan 1", PostalCode: "114 55", City: "Stockholm", Country: "SE"}
	with := func(change func(a *Address)) Address {
		a := se
		change(&a)
		return a
	}
	long := strings.Repeat("ö", 100)
	tests := []struct {
		name string
		in   Address
		want Address
		errs []string // field:code in order; nil when valid
	}{
		{"Swedish", se, se, nil},
		{"normalised", Address{
			Name: "  Anna   Svensson ", CareOf: " Bygg\tAB ", Street: "Storgatan\n1",
			PostalCode: "11455", City: " Stockholm ", Country: "se",
		}, Address{
			Name: "Anna Svensson", CareOf: "Bygg AB", Street: "Storgatan 1",
			PostalCode: "114 55", City: "Stockholm", Country: "SE",
		}, nil},
		{"postal code with one space elsewhere", with(func(a *Address) { a.PostalCode = "1145 5" }), se, nil},
		{"postal code with spaces collapsed", with(func(a *Address) { a.PostalCode = " 114   55 " }), se, nil},
		{"digits in the name line", with(func(a *Address) { a.Name = "Bygg & Montage 2 AB" }),
			with(func(a *Address) { a.Name = "Bygg & Montage 2 AB" }), nil},
		{"100 characters everywhere", with(func(a *Address) { a.Name, a.CareOf, a.Street, a.City = long, long, long, long }),
			with(func(a *Address) { a.Name, a.CareOf, a.Street, a.City = long, long, long, long }), nil},
		{"German", Address{Name: "Jan Kowalski", Street: "Unter den Linden 77", PostalCode: "10117", City: "Berlin", Country: "de"},
			Address{Name: "Jan Kowalski", Street: "Unter den Linden 77", PostalCode: "10117", City: "Berlin", Country: "DE"}, nil},
		{"British", Address{Name: "Jan Kowalski", Street: "10 Downing Street", PostalCode: "SW1A  2AA", City: "London", Country: "GB"},
			Address{Name: "Jan Kowalski", Street: "10 Downing Street", PostalCode: "SW1A 2AA", City: "London", Country: "GB"}, nil},
		{"Polish", Address{Name: "Jan Kowalski", Street: "ul. Marszałkowska 1", PostalCode: "00-950", City: "Warszawa", Country: "PL"},
			Address{Name: "Jan Kowalski", Street: "ul. Marszałkowska 1", PostalCode: "00-950", City: "Warszawa", Country: "PL"}, nil},
		{"two characters abroad", with(func(a *Address) { a.Country, a.PostalCode = "IE", "D2" }),
			with(func(a *Address) { a.Country, a.PostalCode = "IE", "D2" }), nil},

		{"empty", Address{}, Address{}, []string{"name:required", "street:required", "postal_code:required", "city:required", "country:required"}},
		{"blank", Address{Name: " ", CareOf: " ", Street: "\t", PostalCode: " ", City: "\n", Country: " "}, Address{},
			[]string{"name:required", "street:required", "postal_code:required", "city:required", "country:required"}},
		{"too long", with(func(a *Address) { a.Name, a.CareOf, a.Street, a.City = long+"x", long+"x", long+"x", long+"x" }), Address{},
			[]string{"name:too_long", "care_of:too_long", "street:too_long", "city:too_long"}},
		{"control characters", with(func(a *Address) { a.Name, a.CareOf, a.Street, a.City = "A\x00", "B\u200b", "C\x1b", "D\u00ad" }), Address{},
			[]string{"name:characters", "care_of:characters", "street:characters", "city:characters"}},
		{"unknown country", with(func(a *Address) { a.Country = "XX" }), Address{}, []string{"country:country"}},
		{"three-letter country", with(func(a *Address) { a.Country = "SWE" }), Address{}, []string{"country:country"}},
		{"Swedish postal code, four digits", with(func(a *Address) { a.PostalCode = "1145" }), Address{}, []string{"postal_code:format"}},
		{"Swedish postal code, six digits", with(func(a *Address) { a.PostalCode = "114 556" }), Address{}, []string{"postal_code:format"}},
		{"Swedish postal code, two spaces", with(func(a *Address) { a.PostalCode = "11 4 55" }), Address{}, []string{"postal_code:format"}},
		{"Swedish postal code, SE- prefix", with(func(a *Address) { a.PostalCode = "SE-114 55" }), Address{}, []string{"postal_code:format"}},
		{"Swedish postal code, dash", with(func(a *Address) { a.PostalCode = "114-55" }), Address{}, []string{"postal_code:format"}},
		{"Swedish postal code, leading zero", with(func(a *Address) { a.PostalCode = "014 55" }), Address{}, []string{"postal_code:format"}},
		{"Swedish postal code, letters", with(func(a *Address) { a.PostalCode = "ABC DE" }), Address{}, []string{"postal_code:format"}},
		{"foreign postal code, one character", with(func(a *Address) { a.Country, a.PostalCode = "DE", "1" }), Address{}, []string{"postal_code:format"}},
		{"foreign postal code, 13 characters", with(func(a *Address) { a.Country, a.PostalCode = "DE", "1234567890123" }), Address{}, []string{"postal_code:format"}},
		{"foreign postal code, symbol", with(func(a *Address) { a.Country, a.PostalCode = "DE", "10117!" }), Address{}, []string{"postal_code:format"}},
		{"foreign postal code, non-ASCII", with(func(a *Address) { a.Country, a.PostalCode = "DE", "ÅÄÖ12" }), Address{}, []string{"postal_code:format"}},
		{"unknown country, postal code by the general rule", with(func(a *Address) { a.Country, a.PostalCode = "XX", "1" }), Address{},
			[]string{"postal_code:format", "country:country"}},
		{"unknown country, Swedish rule not applied", with(func(a *Address) { a.Country, a.PostalCode = "XX", "SW1A 2AA" }), Address{},
			[]string{"country:country"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ValidateAddress(tt.in)
			if tt.errs == nil {
				if err != nil {
					t.Fatalf("ValidateAddress: %v", err)
				}
				if got != tt.want {
					t.Fatalf("ValidateAddress = %+v, want %+v", got, tt.want)
				}
				return
			}
			if list := errorList(t, err); !slices.Equal(list, tt.errs) {
				t.Fatalf("errors %v, want %v", list, tt.errs)
			}
			if got != (Address{}) {
				t.Fatalf("returned %+v with an error", got)
			}
		})
	}
}
