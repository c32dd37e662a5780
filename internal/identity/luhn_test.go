package identity

import "testing"

func TestLuhn(t *testing.T) {
	for _, tc := range []struct {
		name   string
		digits string
		want   bool
	}{
		{"organisation number", "5560360793", true},
		{"organisation number 2", "5560160680", true},
		{"association", "2021005489", true},
		{"personnummer", "8112189876", true},
		{"coordination number", "7010632391", true},
		{"odd length", "79927398713", true}, // the textbook example
		{"wrong check digit", "5560360794", false},
		{"swapped digits", "5560360783", false},
		{"sequence", "1234567890", false},
		{"odd length wrong", "79927398710", false},
		{"not digits", "55603607a3", false},
		{"empty", "", false},
		{"one digit", "0", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Luhn(tc.digits); got != tc.want {
				t.Errorf("Luhn(%q) = %v, want %v", tc.digits, got, tc.want)
			}
		})
	}
	// The check digit the tests compute the textbook way is the one Luhn
	// accepts, and no other.
	for _, nine := range []string{"811218987", "811228987", "701063239", "121212121", "556036079"} {
		full := withCheck(nine)
		if !Luhn(full) {
			t.Errorf("Luhn(%s) = false", full)
		}
		for d := byte('0'); d <= '9'; d++ {
			if d != full[9] && Luhn(nine+string(d)) {
				t.Errorf("Luhn(%s%c) = true", nine, d)
			}
		}
	}
}
