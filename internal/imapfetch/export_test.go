package imapfetch

import "testing"

// SetBodyChunk makes bodies stream in pieces of n bytes for one test.
func SetBodyChunk(t testing.TB, n int) {
	old := bodyChunk
	bodyChunk = n
	t.Cleanup(func() { bodyChunk = old })
}
