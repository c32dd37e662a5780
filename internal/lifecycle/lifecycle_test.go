package lifecycle

import (
	"errors"
	"testing"
)

type st string

var (
	errUnknown = errors.New("unknown")
	errRefused = errors.New("refused")
	table      = Table[st]{"a": {"b", "c"}, "b": {"c"}, "c": nil}
)

func TestTable(t *testing.T) {
	cases := []struct {
		name     string
		from, to st
		want     error
	}{
		{"allowed", "a", "b", nil},
		{"allowed to terminal", "b", "c", nil},
		{"not listed", "b", "a", errRefused},
		{"to itself", "a", "a", errRefused},
		{"from terminal", "c", "a", errRefused},
		{"unknown from", "x", "a", errUnknown},
		{"unknown to", "a", "x", errUnknown},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := table.Check(c.from, c.to, errUnknown, errRefused)
			if !errors.Is(err, c.want) || (c.want == nil) != (err == nil) {
				t.Fatalf("Check(%s, %s) = %v, want %v", c.from, c.to, err, c.want)
			}
			if table.Can(c.from, c.to) != (c.want == nil) {
				t.Errorf("Can(%s, %s) disagrees with Check", c.from, c.to)
			}
		})
	}
	if !table.Terminal("c") || table.Terminal("a") || table.Terminal("x") {
		t.Error("Terminal: only a known status without successors is terminal")
	}
	next := table.Next("a")
	next[0] = "z"
	if table["a"][0] != "b" {
		t.Error("Next must return a copy")
	}
}
