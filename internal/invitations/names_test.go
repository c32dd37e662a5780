package invitations_test

import (
	"context"
	"strings"
	"testing"

	"id06desk/internal/i18n"
	"id06desk/internal/invitations"
)

// An invitation's name follows the cardholder name rules of
// internal/identity: a NUL, a right-to-left override (U+202E, which turns
// "Anna‮gnirts" around on screen) or zero-width characters are refused in
// the form's rows and in CSV files, each with its row's or line's error.
func TestInvitationNamesFollowTheCardholderNameRules(t *testing.T) {
	cases := []struct {
		name, in, code, stored string
	}{
		{"plain", "Anna Berg", "", "Anna Berg"},
		{"Swedish letters, hyphen, apostrophe", "  Åsa  Öberg-O'Neil ", "", "Åsa Öberg-O'Neil"},
		{"empty is fine", "", "", ""},
		{"NUL", "Anna\x00Berg", "name_characters", ""},
		{"right-to-left override", "Anna \u202eBerg", "name_characters", ""},
		{"zero-width space", "An\u200bna", "name_characters", ""},
		{"zero-width joiner", "An\u200dna", "name_characters", ""},
		{"byte order mark inside", "An\ufeffna", "name_characters", ""},
		{"digits", "Anna 2", "name_characters", ""},
		{"no letter", "- .", "name_no_letter", ""},
		{"too long", strings.Repeat("a", 101), "name_too_long", ""},
	}
	ctx := context.Background()
	f := newFixture(t, 0)
	rows := make([]invitations.Row, len(cases))
	for i, c := range cases {
		rows[i] = invitations.Row{Email: "p" + itoa(i) + "@example.se", Name: c.in}
	}
	norm, res, err := f.svc.Validate(ctx, rows)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		got := res[i].Errors["name"]
		if got.Code != c.code || (c.code == "") != res[i].OK {
			t.Errorf("%s: name error %+v, want %q", c.name, got, c.code)
		}
		if msg := got.Msg.In(i18n.EN); c.code != "" && (msg == "" || strings.Contains(msg, c.in) || got.Msg.In(i18n.SV) == msg) {
			t.Errorf("%s: message %q must say what is wrong, in each language, without repeating the value", c.name, msg)
		}
		if c.code == "" && norm[i].Name != c.stored {
			t.Errorf("%s: stored %q, want %q", c.name, norm[i].Name, c.stored)
		}
	}

	t.Run("CSV rows", func(t *testing.T) {
		csv := "email,name\r\n" +
			"a@example.se,Anna Berg\r\n" +
			"b@example.se,Bo \u202eBerg\r\n" +
			"c@example.se,Ce\x00cilia\r\n" +
			"d@example.se,Da\u200bvid\r\n" +
			"e@example.se,Eva\r\n"
		got, errs := invitations.ParseCSV(strings.NewReader(csv))
		if len(got) != 2 || got[0].Name != "Anna Berg" || got[1].Name != "Eva" {
			t.Errorf("rows %+v", got)
		}
		lines := []int{}
		for _, e := range errs {
			lines = append(lines, e.Line)
			if !strings.HasPrefix(e.Msg.In(i18n.EN), "Name: ") || !strings.HasPrefix(e.Msg.In(i18n.SV), "Namn: ") {
				t.Errorf("line %d: %q / %q", e.Line, e.Msg.In(i18n.EN), e.Msg.In(i18n.SV))
			}
		}
		if len(lines) != 3 || lines[0] != 3 || lines[1] != 4 || lines[2] != 5 {
			t.Errorf("line errors %+v, want lines 3, 4 and 5", errs)
		}
	})
}
