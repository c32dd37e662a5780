package identity

import (
	"strconv"
	"testing"
	"time"
)

// testNow is the "today" of the tests: 15 March 2026, noon UTC.
var testNow = time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)

// withCheck appends the Luhn check digit to nine digits. It is written apart
// from the package's own function, the textbook way: from the right, double
// every second digit starting with the rightmost payload digit and add up
// the digits of the products.
func withCheck(nine string) string {
	sum := 0
	for i := len(nine) - 1; i >= 0; i-- {
		d := int(nine[i] - '0')
		if (len(nine)-1-i)%2 == 0 {
			for _, c := range strconv.Itoa(2 * d) {
				sum += int(c - '0')
			}
		} else {
			sum += d
		}
	}
	return nine + strconv.Itoa((10-sum%10)%10)
}

func TestWithCheck(t *testing.T) {
	// Hand-checked: 8·2→1+6, 1, 1·2, 2, 1·2, 8, 9·2→1+8, 8, 7·2→1+4 = 44 → 6.
	for nine, want := range map[string]string{
		"811218987": "8112189876",
		"811228987": "8112289874",
		"701063239": "7010632391",
		"121212121": "1212121212",
	} {
		if got := withCheck(nine); got != want {
			t.Errorf("withCheck(%s) = %s, want %s", nine, got, want)
		}
	}
}

func date(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func TestParsePersonnummer(t *testing.T) {
	// 10-digit forms whose check digit the test computes.
	feb30 := withCheck("810230123")
	tests := []struct {
		name  string
		in    string
		now   time.Time
		want  string // String(); empty when an error is expected
		birth time.Time
		coord bool
		code  string
	}{
		{"with dash", "811218-9876", testNow, "198112189876", date(1981, 12, 18), false, ""},
		{"digits only", "8112189876", testNow, "198112189876", date(1981, 12, 18), false, ""},
		{"surrounding spaces", "  811218-9876\t", testNow, "198112189876", date(1981, 12, 18), false, ""},
		{"12 digits with dash", "19811218-9876", testNow, "198112189876", date(1981, 12, 18), false, ""},
		{"12 digits", "198112189876", testNow, "198112189876", date(1981, 12, 18), false, ""},
		{"12 digits, plus ignored", "19811218+9876", testNow, "198112189876", date(1981, 12, 18), false, ""},
		{"another hand-checked", "811228-9874", testNow, "198112289874", date(1981, 12, 28), false, ""},
		{"samordningsnummer day 63", "701063-2391", testNow, "197010632391", date(1970, 10, 3), true, ""},
		{"samordningsnummer 12 digits", "197010632391", testNow, "197010632391", date(1970, 10, 3), true, ""},
		{"samordningsnummer day 91", withCheck("701091123"), testNow, "19" + withCheck("701091123"), date(1970, 10, 31), true, ""},
		{"plus: 100 or older", "121212+1212", testNow, "191212121212", date(1912, 12, 12), false, ""},
		{"dash: this century", "121212-1212", testNow, "201212121212", date(2012, 12, 12), false, ""},
		{"born today", withCheck("260315123"), testNow, "20" + withCheck("260315123"), date(2026, 3, 15), false, ""},
		{"tomorrow's date is last century", withCheck("260316123"), testNow, "19" + withCheck("260316123"), date(1926, 3, 16), false, ""},
		{"plus with tomorrow's date", withCheck("260316123")[:6] + "+" + withCheck("260316123")[6:], testNow, "18" + withCheck("260316123"), date(1826, 3, 16), false, ""},
		{"same number, earlier now", "121212-1212", date(2000, 1, 1), "191212121212", date(1912, 12, 12), false, ""},
		{"12 digits in 1800s", "18" + withCheck("600101123"), testNow, "18" + withCheck("600101123"), date(1860, 1, 1), false, ""},
		{"leap day 2000", withCheck("000229123"), testNow, "20" + withCheck("000229123"), date(2000, 2, 29), false, ""},
		{"leap day 1904", "19" + withCheck("040229123"), testNow, "19" + withCheck("040229123"), date(1904, 2, 29), false, ""},
		{"leap day samordningsnummer", withCheck("960289123"), testNow, "19" + withCheck("960289123"), date(1996, 2, 29), true, ""},

		{"empty", "", testNow, "", time.Time{}, false, CodeRequired},
		{"spaces only", "   ", testNow, "", time.Time{}, false, CodeRequired},
		{"nine digits", "811218-987", testNow, "", time.Time{}, false, CodeFormat},
		{"eleven digits", "81121898761", testNow, "", time.Time{}, false, CodeFormat},
		{"thirteen digits", "1981121898761", testNow, "", time.Time{}, false, CodeFormat},
		{"separator in wrong place", "81121-89876", testNow, "", time.Time{}, false, CodeFormat},
		{"underscore separator", "811218_9876", testNow, "", time.Time{}, false, CodeFormat},
		{"inner space", "811218 9876", testNow, "", time.Time{}, false, CodeFormat},
		{"two separators", "811218--9876", testNow, "", time.Time{}, false, CodeFormat},
		{"letter", "81121A-9876", testNow, "", time.Time{}, false, CodeFormat},
		{"leading plus", "+8112189876", testNow, "", time.Time{}, false, CodeFormat},
		{"full-width digits", "８１１２１８-９８７６", testNow, "", time.Time{}, false, CodeFormat},
		{"wrong check digit", "811218-9875", testNow, "", time.Time{}, false, CodeChecksum},
		{"wrong check digit, 12 digits", "19811218-9875", testNow, "", time.Time{}, false, CodeChecksum},
		{"swapped digits", "812118-9876", testNow, "", time.Time{}, false, CodeChecksum},
		{"30 February", feb30[:6] + "-" + feb30[6:], testNow, "", time.Time{}, false, CodeDate},
		{"29 February 2005", withCheck("050229123"), testNow, "", time.Time{}, false, CodeDate},
		{"29 February 1900", "19" + withCheck("000229123"), testNow, "", time.Time{}, false, CodeDate},
		{"31 April", withCheck("810431123"), testNow, "", time.Time{}, false, CodeDate},
		{"month 00", withCheck("810012123"), testNow, "", time.Time{}, false, CodeDate},
		{"month 13", withCheck("811312123"), testNow, "", time.Time{}, false, CodeDate},
		{"day 00", withCheck("811200123"), testNow, "", time.Time{}, false, CodeDate},
		{"day 32", withCheck("811232123"), testNow, "", time.Time{}, false, CodeDate},
		{"day 60", withCheck("811260123"), testNow, "", time.Time{}, false, CodeDate},
		{"day 92", withCheck("811292123"), testNow, "", time.Time{}, false, CodeDate},
		{"samordningsnummer 31 February", withCheck("810291123"), testNow, "", time.Time{}, false, CodeDate},
		{"century 17", "17811218-9876", testNow, "", time.Time{}, false, CodeDate},
		{"century 21", "21811218-9876", testNow, "", time.Time{}, false, CodeDate},
		{"future year", "20" + withCheck("301212123"), testNow, "", time.Time{}, false, CodeFuture},
		{"tomorrow", "20" + withCheck("260316123"), testNow, "", time.Time{}, false, CodeFuture},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePersonnummer(tt.in, tt.now)
			if tt.code != "" {
				if err == nil {
					t.Fatalf("ParsePersonnummer(%q) = %s, want code %s", tt.in, p, tt.code)
				}
				if field, code := fieldCode(t, err); field != FieldPersonnummer || code != tt.code {
					t.Fatalf("ParsePersonnummer(%q): %s/%s, want personnummer/%s", tt.in, field, code, tt.code)
				}
				if p != (Personnummer{}) {
					t.Fatalf("ParsePersonnummer(%q) returned %+v with an error", tt.in, p)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParsePersonnummer(%q): %v", tt.in, err)
			}
			if p.String() != tt.want {
				t.Errorf("String() = %q, want %q", p.String(), tt.want)
			}
			if want := tt.want[:8] + "-" + tt.want[8:]; p.Display() != want {
				t.Errorf("Display() = %q, want %q", p.Display(), want)
			}
			if !p.BirthDate().Equal(tt.birth) {
				t.Errorf("BirthDate() = %v, want %v", p.BirthDate(), tt.birth)
			}
			if p.Coordination != tt.coord {
				t.Errorf("Coordination = %v, want %v", p.Coordination, tt.coord)
			}
		})
	}
}

// The calendar date of now counts in now's own time zone: at 00:30 on 16 March
// in Stockholm it is still 15 March in UTC, but someone born that day in
// Sweden was born today, not a hundred years ago.
func TestParsePersonnummerUsesNowsDate(t *testing.T) {
	cet := time.FixedZone("CET", 3600)
	now := time.Date(2026, 3, 16, 0, 30, 0, 0, cet)
	n := withCheck("260316123")
	p, err := ParsePersonnummer(n, now)
	if err != nil {
		t.Fatal(err)
	}
	if want := date(2026, 3, 16); !p.BirthDate().Equal(want) {
		t.Fatalf("BirthDate() = %v, want %v", p.BirthDate(), want)
	}
	if _, err := ParsePersonnummer("20"+n, now.In(time.UTC)); err == nil {
		t.Fatal("in UTC the same instant is 15 March; 16 March must be in the future")
	}
}

// Every day of the last hundred years, written with "-", as a personnummer and
// as a samordningsnummer, must parse to that day; with the check digit changed
// it must fail the checksum. And every day from 100 to 199 years ago parses
// with "+".
func TestParsePersonnummerEveryDay(t *testing.T) {
	ymd := func(d time.Time) string { return d.Format("060102") }
	check := func(in string, want time.Time, coord bool) {
		t.Helper()
		p, err := ParsePersonnummer(in, testNow)
		if err != nil {
			t.Fatalf("ParsePersonnummer(%q): %v", in, err)
		}
		if !p.BirthDate().Equal(want) || p.Coordination != coord {
			t.Fatalf("ParsePersonnummer(%q) born %v coordination %v, want %v %v", in, p.BirthDate(), p.Coordination, want, coord)
		}
		if p.String() != want.Format("2006")+in[2:6]+in[7:] {
			t.Fatalf("ParsePersonnummer(%q).String() = %s", in, p)
		}
	}
	first := date(1926, 3, 16)
	for d := first; !d.After(date(2026, 3, 15)); d = d.AddDate(0, 0, 1) {
		n := withCheck(ymd(d) + "987")
		check(n[:6]+"-"+n[6:], d, false)

		day, _ := strconv.Atoi(n[4:6])
		c := withCheck(n[:4] + strconv.Itoa(day+60) + "987")
		check(c[:6]+"-"+c[6:], d, true)

		bad := n[:9] + strconv.Itoa((int(n[9]-'0')+1)%10)
		if _, err := ParsePersonnummer(bad, testNow); err == nil {
			t.Fatalf("ParsePersonnummer(%q) with a wrong check digit succeeded", bad)
		} else if _, code := fieldCode(t, err); code != CodeChecksum {
			t.Fatalf("ParsePersonnummer(%q): code %s, want checksum", bad, code)
		}

		old := d.AddDate(-100, 0, 0)
		if old.Day() != d.Day() {
			continue // 29 February in a year whose previous century year is not leap
		}
		check(n[:6]+"+"+n[6:], old, false)
	}
}

func TestPersonnummerZeroValue(t *testing.T) {
	var p Personnummer
	if p.String() != "" || p.Display() != "" || !p.BirthDate().IsZero() {
		t.Fatalf("zero Personnummer = %q, %q, %v", p.String(), p.Display(), p.BirthDate())
	}
}
