package invitations

import (
	"strings"
	"testing"

	"id06desk/internal/i18n"
)

func TestParseCSV(t *testing.T) {
	cases := []struct {
		name     string
		in       string
		rows     int
		errLine  int
		errMatch string
	}{
		{"comma with BOM", "\ufeffemail,card_type,industry,language,name\na@x.se,visitor,Bygg,sv,Anna Berg\n", 1, -1, ""},
		{"semicolon from Excel", "E-post;Namn\na@x.se;Åsa Öberg\nb@x.se;\n", 2, -1, ""},
		{"no email column", "name,card_type\nAnna,visitor\n", 0, 1, "email,card_type"},
		{"unknown column", "email,phone\na@x.se,070\n", 0, 1, "Unknown column: phone"},
		{"latin-1", "email,name\na@x.se,\xc5sa\n", 0, 0, "UTF-8"},
		{"too many fields", "email,name\na@x.se,Anna,extra\nb@x.se,Bo\n", 1, 2, "3 fields"},
		{"empty", "", 0, 0, "empty"},
		{"header only", "email\n", 0, 0, "no rows"},
		{"blank lines skipped", "email\n\na@x.se\n\n", 1, -1, ""},
		// Used to panic in csv.Reader.FieldPos, dropping the connection.
		{"unterminated quote", "email\n\"a@x.se\nb@x.se\n", 0, 2, "quotation mark"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows, errs := ParseCSV(strings.NewReader(c.in))
			if len(rows) != c.rows {
				t.Errorf("rows %d, want %d (%+v)", len(rows), c.rows, rows)
			}
			if c.errLine < 0 {
				if len(errs) > 0 {
					t.Errorf("unexpected errors %+v", errs)
				}
				return
			}
			if len(errs) == 0 || errs[0].Line != c.errLine || !strings.Contains(errs[0].Msg.In(i18n.EN), c.errMatch) {
				t.Errorf("errors %+v, want line %d with %q", errs, c.errLine, c.errMatch)
			}
		})
	}
}
