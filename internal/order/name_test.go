package order

import (
	"testing"
	"time"
)

func TestSameName(t *testing.T) {
	for _, c := range []struct {
		name, invited, registered string
		same                      bool
	}{
		{"identical", "Anna Svensson", "Anna Svensson", true},
		{"case and spacing", "  anna   SVENSSON ", "Anna Svensson", true},
		{"BankID adds middle names", "Anna Svensson", "Anna Maria Svensson", true},
		{"word order", "Svensson Anna", "Anna Svensson", true},
		{"accents", "Asa Ostlund", "Åsa Östlund", true},
		{"accents the other way", "José Müller", "Jose Muller", true},
		{"hyphen or space", "Anna Karin Berg", "Anna-Karin Berg", true},
		{"apostrophe", "Sean OBrien", "Seán O'Brien", true},
		{"initial", "A. Svensson", "Anna Maria Svensson", true},
		{"first name only", "Anna", "Anna Svensson", true},
		{"another first name", "Kalle Svensson", "Karl Svensson", false},
		{"another surname", "Anna Svensson", "Anna Berg", false},
		{"someone else", "Anna Svensson", "Per Olsson", false},
		{"more words than registered", "Anna Maria Svensson", "Anna Svensson", false},
		{"a word twice needs it twice", "Anna Anna", "Anna Svensson", false},
		{"wrong initial", "B. Svensson", "Anna Svensson", false},
		{"no registered name", "Anna Svensson", "", false},
		{"no invited name", "", "Anna Svensson", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := SameName(c.invited, c.registered); got != c.same {
				t.Fatalf("SameName(%q, %q) = %v", c.invited, c.registered, got)
			}
		})
	}
}

func TestNameDiffers(t *testing.T) {
	o := Order{FirstName: "Karl", LastName: "Svensson", InvitationName: "Kalle Svensson"}
	if !o.NameDiffers() {
		t.Fatal("Kalle vs Karl not pointed out")
	}
	o.InvitationName = ""
	if o.NameDiffers() {
		t.Fatal("flagged although the invitation had no name")
	}
	o.InvitationName, o.FirstName = "Kalle Svensson", "Kalle"
	if o.NameDiffers() {
		t.Fatal("same name flagged")
	}
	purged := Order{InvitationName: "Kalle Svensson", PurgedAt: time.Now()}
	if purged.NameDiffers() {
		t.Fatal("flagged after the personal data was purged")
	}
}
