package identity

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

func TestCountriesCount(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range countryTable {
		if len(c.code) != 2 || c.code[0] < 'A' || c.code[0] > 'Z' || c.code[1] < 'A' || c.code[1] > 'Z' {
			t.Errorf("code %q is not two upper-case letters", c.code)
		}
		if seen[c.code] {
			t.Errorf("code %s listed twice", c.code)
		}
		seen[c.code] = true
		if c.sv == "" || c.en == "" {
			t.Errorf("%s: empty name %q / %q", c.code, c.sv, c.en)
		}
	}
	for _, lang := range []string{"sv", "en", "de"} {
		if n := len(Countries(lang)); n != 249 {
			t.Errorf("len(Countries(%q)) = %d, want 249", lang, n)
		}
	}
}

func TestCountryNames(t *testing.T) {
	tests := []struct{ code, sv, en string }{
		{"SE", "Sverige", "Sweden"},
		{"NO", "Norge", "Norway"},
		{"FI", "Finland", "Finland"},
		{"DK", "Danmark", "Denmark"},
		{"DE", "Tyskland", "Germany"},
		{"PL", "Polen", "Poland"},
		{"LT", "Litauen", "Lithuania"},
		{"EE", "Estland", "Estonia"},
		{"UA", "Ukraina", "Ukraine"},
		{"AX", "Åland", "Åland Islands"},
		{"AT", "Österrike", "Austria"},
	}
	sv, en := byCode(Countries("sv")), byCode(Countries("en"))
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			if sv[tt.code] != tt.sv || en[tt.code] != tt.en {
				t.Errorf("Countries: %s = %q / %q, want %q / %q", tt.code, sv[tt.code], en[tt.code], tt.sv, tt.en)
			}
			for _, code := range []string{tt.code, strings.ToLower(tt.code)} {
				if got, ok := CountryName(code, "sv"); !ok || got != tt.sv {
					t.Errorf("CountryName(%q, sv) = %q, %v", code, got, ok)
				}
				if got, ok := CountryName(code, "en"); !ok || got != tt.en {
					t.Errorf("CountryName(%q, en) = %q, %v", code, got, ok)
				}
			}
		})
	}
	if got, ok := CountryName("XX", "sv"); ok || got != "" {
		t.Errorf("CountryName(XX) = %q, %v", got, ok)
	}
	if got, _ := CountryName("SE", "fr"); got != "Sweden" {
		t.Errorf("CountryName(SE, fr) = %q, want English", got)
	}
}

func TestCountriesOrder(t *testing.T) {
	tests := []struct {
		lang   string
		before []string // names that must appear in this order
	}{
		// Swedish: Å, Ä, Ö after Z.
		{"sv", []string{"Zambia", "Zimbabwe", "Åland", "Österrike", "Östtimor"}},
		{"sv", []string{"Afghanistan", "Albanien", "Zimbabwe"}},
		{"sv", []string{"Schweiz", "Sverige", "Tyskland"}},
		// English: Å sorts as A.
		{"en", []string{"Afghanistan", "Åland Islands", "Albania"}},
		{"en", []string{"Austria", "Zimbabwe"}},
		{"en", []string{"Côte d’Ivoire", "Croatia", "Cuba", "Curaçao", "Cyprus"}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			names := names(Countries(tt.lang))
			last := -1
			for _, n := range tt.before {
				i := slices.Index(names, n)
				if i < 0 {
					t.Fatalf("%q not in Countries(%q)", n, tt.lang)
				}
				if i <= last {
					t.Fatalf("%q at %d, not after %q at %d", n, i, tt.before[slices.Index(tt.before, n)-1], last)
				}
				last = i
			}
		})
	}
	// And the whole list is in collation order for its language.
	for lang, tag := range map[string]language.Tag{"sv": language.Swedish, "en": language.English} {
		col := collate.New(tag)
		list := names(Countries(lang))
		if !slices.IsSortedFunc(list, col.CompareString) {
			t.Errorf("Countries(%q) is not sorted", lang)
		}
	}
}

func TestCountriesReturnsACopy(t *testing.T) {
	a := Countries("sv")
	a[0] = Country{Code: "XX", Name: "Changed"}
	if b := Countries("sv"); b[0].Code == "XX" {
		t.Fatal("Countries shares its slice between calls")
	}
}

func TestIsCountry(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"SE", true}, {"se", true}, {"Se", true}, {"AX", true}, {"ZW", true},
		{"", false}, {"S", false}, {"SWE", false}, {"XX", false},
		{"UK", false}, // reserved for the UK, but the code is GB
		{"XK", false}, // Kosovo: user-assigned, not in ISO 3166-1
		{"EU", false}, {" SE", false},
	}
	for _, tt := range tests {
		if got := IsCountry(tt.in); got != tt.want {
			t.Errorf("IsCountry(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func byCode(list []Country) map[string]string {
	m := make(map[string]string, len(list))
	for _, c := range list {
		m[c.Code] = c.Name
	}
	return m
}

func names(list []Country) []string {
	out := make([]string, len(list))
	for i, c := range list {
		out[i] = c.Name
	}
	return out
}
