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

// A file of bad lines gets at most MaxCSVLineErrors errors one by one and
// one that counts the rest, in both languages (a 2 MB file of bad lines made
// a 6 MB answer before).
func TestParseCSVCapsLineErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString("email,name\n")
	const bad = 5000
	for i := 0; i < bad; i++ {
		b.WriteString("a@x.se,Anna 1\n") // digits break the name rule
	}
	rows, errs := ParseCSV(strings.NewReader(b.String()))
	if len(rows) != 0 {
		t.Fatalf("%d rows parsed, want none", len(rows))
	}
	if len(errs) != MaxCSVLineErrors+1 {
		t.Fatalf("%d errors, want %d and one summary", len(errs), MaxCSVLineErrors+1)
	}
	last := errs[len(errs)-1]
	want := bad - MaxCSVLineErrors
	if last.Line != 0 || !strings.Contains(last.Msg.In(i18n.EN), "4900 more lines") || !strings.Contains(last.Msg.In(i18n.SV), "Ytterligare 4900 rader") {
		t.Errorf("summary %d %q / %q, want %d more lines", last.Line, last.Msg.In(i18n.EN), last.Msg.In(i18n.SV), want)
	}
	if errs[0].Line != 2 || errs[MaxCSVLineErrors-1].Line != MaxCSVLineErrors+1 {
		t.Errorf("first/last line errors at %d and %d", errs[0].Line, errs[MaxCSVLineErrors-1].Line)
	}
}
