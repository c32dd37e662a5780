// Package lifecycle is a status transition table: which status may follow
// which. The invitation's and the order's life cycles (internal/invite,
// internal/order) each keep their one table in it.
package lifecycle

import (
	"fmt"
	"slices"
)

// Table maps each known status to the statuses that may follow it; a known
// status with no successors is terminal.
type Table[S ~string] map[S][]S

// Known reports whether s is a status of the table.
func (t Table[S]) Known(s S) bool {
	_, ok := t[s]
	return ok
}

// Can reports whether from may move to to.
func (t Table[S]) Can(from, to S) bool { return slices.Contains(t[from], to) }

// Next lists the statuses that may follow s (a copy).
func (t Table[S]) Next(s S) []S { return slices.Clone(t[s]) }

// Terminal reports whether s is known and nothing may follow it.
func (t Table[S]) Terminal(s S) bool { return t.Known(s) && len(t[s]) == 0 }

// Check returns nil when from → to is allowed. Otherwise it returns an error
// that wraps unknown (a status the table does not know) or refused, and
// names both statuses.
func (t Table[S]) Check(from, to S, unknown, refused error) error {
	for _, s := range []S{from, to} {
		if !t.Known(s) {
			return fmt.Errorf("%w: %q", unknown, s)
		}
	}
	if !t.Can(from, to) {
		return fmt.Errorf("%w: from %s to %s", refused, from, to)
	}
	return nil
}
