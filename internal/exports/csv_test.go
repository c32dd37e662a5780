package exports

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

// Every cell a spreadsheet would read as a formula gets an apostrophe;
// the file starts with the UTF-8 BOM and reads back as the same cells.
func TestCellsAreSafeInASpreadsheet(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, []string{"a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	in := [][2]string{{"=1+1", "+46701234567"}, {"-2", "@SUM(A1)"}, {"\tx", "\rx"}, {"Åsa Öberg", "a=b"}, {"", "x,\"y\"\nz"}}
	for _, r := range in {
		if err := w.Row(r[0], r[1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\xEF\xBB\xBFa,b\r\n")) {
		t.Fatalf("start %q", buf.String()[:10])
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), bom))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// (encoding/csv drops a lone CR inside a cell; the apostrophe stays.)
	want := [][]string{{"a", "b"}, {"'=1+1", "'+46701234567"}, {"'-2", "'@SUM(A1)"}, {"'\tx", "'x"}, {"Åsa Öberg", "a=b"}, {"", "x,\"y\"\nz"}}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d: %q, want %q", i, rows[i], want[i])
		}
	}
}
