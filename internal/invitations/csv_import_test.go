package invitations_test

import (
	"context"
	"strings"
	"testing"
)

// A CSV file may name card types and industries by code or by their Swedish
// or English name, in any case: the imported rows carry the codes, so the
// form's dropdowns show them chosen. Unknown values stay as written and
// validation reports them.
func TestImportCSVAcceptsCatalogNames(t *testing.T) {
	f := newFixture(t, 0)
	csv := "email;card_type;industry\n" +
		"a@example.se;id06-rfid;civil\n" +
		"b@example.se;ID06-KORT MED RFID (PERSONALLIGGARE);bygg\n" +
		"c@example.se;visitor card without rfid;Civil Engineering\n" +
		"d@example.se;Besökskort utan RFID;måleri\n" +
		"e@example.se;gold;fishing\n" +
		"f@example.se;;\n"
	rows, errs, err := f.svc.ImportCSV(context.Background(), strings.NewReader(csv))
	if err != nil || len(errs) != 0 {
		t.Fatalf("%v %+v", err, errs)
	}
	want := []string{"id06-rfid/civil", "id06-rfid/construction", "visitor/civil", "visitor/painting", "gold/fishing", "/"}
	if len(rows) != len(want) {
		t.Fatalf("rows %+v", rows)
	}
	for i, w := range want {
		if got := rows[i].CardType + "/" + rows[i].Industry; got != w {
			t.Errorf("row %d: %s, want %s", i+1, got, w)
		}
	}
	_, res, err := f.svc.Validate(context.Background(), rows)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.OK != (i != 4) {
			t.Errorf("row %d: ok=%v %+v", i+1, r.OK, r.Errors)
		}
	}
}
