package syncwire_test

import (
	"strings"
	"testing"

	"id06desk/internal/syncwire"
)

func TestReceiverPassword(t *testing.T) {
	var s1, s2 syncwire.Secret
	s2[0] = 1
	p := syncwire.ReceiverPassword(s1, "kiosk-1")
	if len(p) != 43 || strings.ContainsAny(p, "+/=") {
		t.Fatalf("password %q is not 32 bytes of base64url", p)
	}
	if p != syncwire.ReceiverPassword(s1, "kiosk-1") {
		t.Fatal("not deterministic")
	}
	if p == syncwire.ReceiverPassword(s1, "kiosk-2") || p == syncwire.ReceiverPassword(s2, "kiosk-1") {
		t.Fatal("same password for another kiosk or secret")
	}
}
