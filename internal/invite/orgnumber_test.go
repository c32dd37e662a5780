package invite

import (
	"errors"
	"testing"
)

func TestValidateOrgNumber(t *testing.T) {
	tests := []struct {
		name, in, want string
		legal          bool
		err            error
	}{
		// Luhn checked by hand: 5·2→1,5,6·2→3,0,3·2=6,6,0,7,9·2→9,3 = 40.
		{"Volvo with dash", "556036-0793", "556036-0793", true, nil},
		{"Volvo digits only", "5560360793", "556036-0793", true, nil},
		{"Volvo with 16 prefix", "16556036-0793", "556036-0793", true, nil},
		{"Volvo 12 digits", "165560360793", "556036-0793", true, nil},
		{"spaces", " 556036 - 0793 ", "556036-0793", true, nil},
		{"Ericsson", "556016-0680", "556016-0680", true, nil},
		{"Skatteverket (authority)", "202100-5489", "202100-5489", true, nil},
		{"sole trader personnummer", "811218-9876", "811218-9876", false, nil},
		{"sole trader with century", "19811218-9876", "811218-9876", false, nil},
		{"sole trader samordningsnummer", "701063-2391", "701063-2391", false, nil},

		{"wrong check digit", "556036-0794", "", false, ErrOrgNumberChecksum},
		{"swapped digits", "556063-0793", "", false, ErrOrgNumberChecksum},
		{"letters", "55603A-0793", "", false, ErrOrgNumberFormat},
		{"nine digits", "556036-079", "", false, ErrOrgNumberFormat},
		{"eleven digits", "55603607931", "", false, ErrOrgNumberFormat},
		{"legal entity with 19 prefix", "19556036-0793", "", false, ErrOrgNumberFormat},
		{"personnummer with 16 prefix", "16811218-9876", "", false, ErrOrgNumberFormat},
		{"empty", "", "", false, ErrOrgNumberFormat},
		// Passes Luhn but month 13 is no birth month and 13 < 20 is no legal entity.
		{"month 13", "131301-0009", "", false, ErrOrgNumberDate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ValidateOrgNumber(tt.in)
			if !errors.Is(err, tt.err) || got != tt.want {
				t.Fatalf("ValidateOrgNumber(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.err)
			}
			if err == nil && IsLegalEntity(got) != tt.legal {
				t.Fatalf("IsLegalEntity(%q) = %v, want %v", got, !tt.legal, tt.legal)
			}
		})
	}
}
