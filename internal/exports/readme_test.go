package exports_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"id06desk/internal/exports"
)

// The README lists each export's columns for people who script against
// the CSV files: the lists must be the columns written, in their order.
func TestREADMEListsTheColumns(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	// "- Order columns: `a, b,\n  c` (+ `d, e`)." — the backticked lists
	// of one bullet, line breaks and indentation folded.
	bullet := func(name string) []string {
		m := regexp.MustCompile("(?s)- " + name + " columns: (.*?)\\.\n").FindSubmatch(b)
		if m == nil {
			t.Fatalf("README has no %q columns bullet", name)
		}
		var lists []string
		for _, q := range regexp.MustCompile("`([^`]*)`").FindAllSubmatch(m[1], -1) {
			lists = append(lists, strings.Join(strings.Fields(string(q[1])), " "))
		}
		return lists
	}
	join := func(cols []string) string { return strings.Join(cols, ", ") }
	for _, tc := range []struct {
		name string
		want []string
	}{
		{"Invitation", []string{join(exports.InvitationColumns)}},
		{"Order", []string{join(exports.OrderColumns), join(exports.OrderIdentityColumns)}},
		{"Audit", []string{join(exports.AuditColumns)}},
	} {
		if got := bullet(tc.name); strings.Join(got, " | ") != strings.Join(tc.want, " | ") {
			t.Errorf("README's %s columns:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}
