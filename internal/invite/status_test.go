package invite

import (
	"errors"
	"testing"
)

func TestTransitions(t *testing.T) {
	tests := []struct {
		name     string
		from, to Status
		want     bool
	}{
		{"queue a draft", StatusDraft, StatusQueued, true},
		{"draft cannot skip the outbox", StatusDraft, StatusSent, false},
		{"mail handed to server", StatusQueued, StatusSent, true},
		{"permanent failure", StatusQueued, StatusFailed, true},
		{"link opened", StatusSent, StatusOpened, true},
		{"register from sent (code typed at kiosk)", StatusSent, StatusRegistered, true},
		{"register after opening", StatusOpened, StatusRegistered, true},
		{"registration becomes ready order", StatusRegistered, StatusReady, true},
		{"order sent", StatusReady, StatusSentToNexus, true},
		{"nexus rejects", StatusSentToNexus, StatusRejectedByNexus, true},
		{"rejected order corrected", StatusRejectedByNexus, StatusReady, true},
		{"in_production", StatusSentToNexus, StatusInProduction, true},
		{"delivered", StatusInProduction, StatusDelivered, true},
		{"delivered is terminal", StatusDelivered, StatusQueued, false},

		{"resend from sent", StatusSent, StatusQueued, true},
		{"resend from opened", StatusOpened, StatusQueued, true},
		{"resend after bounce", StatusBounced, StatusQueued, true},
		{"resend after failure", StatusFailed, StatusQueued, true},
		{"extend expired", StatusExpired, StatusQueued, true},
		{"no resend once registered", StatusRegistered, StatusQueued, false},
		{"expired cannot register", StatusExpired, StatusRegistered, false},
		{"expired cannot be marked sent directly", StatusExpired, StatusSent, false},

		{"revoke draft", StatusDraft, StatusRevoked, true},
		{"revoke queued", StatusQueued, StatusRevoked, true},
		{"revoke sent", StatusSent, StatusRevoked, true},
		{"revoke opened", StatusOpened, StatusRevoked, true},
		{"revoke bounced", StatusBounced, StatusRevoked, true},
		{"revoke failed", StatusFailed, StatusRevoked, true},
		{"revoke expired", StatusExpired, StatusRevoked, true},
		{"no revoke once registered", StatusRegistered, StatusRevoked, false},
		{"no revoke when ready", StatusReady, StatusRevoked, false},
		{"no revoke at nexus", StatusSentToNexus, StatusRevoked, false},
		{"revoked is terminal: no resend", StatusRevoked, StatusQueued, false},
		{"revoked is terminal: no register", StatusRevoked, StatusRegistered, false},
		{"revoked is terminal: no unrevoke", StatusRevoked, StatusDraft, false},

		{"no self transition", StatusSent, StatusSent, false},
		{"no way back to draft", StatusQueued, StatusDraft, false},
		{"unknown from", Status("bogus"), StatusQueued, false},
		{"unknown to", StatusDraft, Status("bogus"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CanTransition(tt.from, tt.to); got != tt.want {
				t.Fatalf("CanTransition(%s, %s) = %v, want %v", tt.from, tt.to, got, tt.want)
			}
			err := Transition(tt.from, tt.to)
			if (err == nil) != tt.want {
				t.Fatalf("Transition(%s, %s) = %v, want allowed=%v", tt.from, tt.to, err, tt.want)
			}
			if err != nil && !errors.Is(err, ErrTransition) && !errors.Is(err, ErrUnknownStatus) {
				t.Fatalf("Transition error %v wraps neither sentinel", err)
			}
		})
	}
}

func TestEveryTransitionTargetIsAStatus(t *testing.T) {
	seen := map[Status]bool{}
	for _, s := range Statuses() {
		if seen[s] {
			t.Fatalf("status %s listed twice", s)
		}
		seen[s] = true
		for _, n := range s.Next() {
			if !n.Valid() {
				t.Errorf("%s → %s: target unknown", s, n)
			}
		}
	}
	if len(seen) != len(transitions) {
		t.Fatalf("Statuses() has %d entries, transition table %d", len(seen), len(transitions))
	}
}

func TestStatusHelpers(t *testing.T) {
	terminal := map[Status]bool{StatusRevoked: true, StatusDelivered: true, StatusCancelled: true}
	resend := map[Status]bool{StatusSent: true, StatusOpened: true, StatusBounced: true, StatusFailed: true, StatusExpired: true}
	revoke := map[Status]bool{StatusDraft: true, StatusQueued: true, StatusSent: true, StatusOpened: true, StatusBounced: true, StatusFailed: true, StatusExpired: true}
	// Revoked, expired and registered-or-later invitations hand out no link.
	link := map[Status]bool{StatusDraft: true, StatusQueued: true, StatusSent: true, StatusOpened: true, StatusBounced: true, StatusFailed: true}
	for _, s := range Statuses() {
		if got := s.LinkUsable(); got != link[s] {
			t.Errorf("%s.LinkUsable() = %v", s, got)
		}
		if got := s.Terminal(); got != terminal[s] {
			t.Errorf("%s.Terminal() = %v", s, got)
		}
		if got := s.CanResend(); got != resend[s] {
			t.Errorf("%s.CanResend() = %v", s, got)
		}
		if got := s.CanRevoke(); got != revoke[s] {
			t.Errorf("%s.CanRevoke() = %v", s, got)
		}
	}
	if _, err := ParseStatus("sent_to_nexus"); err != nil {
		t.Fatal(err)
	}
	if _, err := ParseStatus("Sent"); !errors.Is(err, ErrUnknownStatus) {
		t.Fatalf("ParseStatus(Sent) = %v", err)
	}
	// Next returns a copy: changing it must not change the table.
	n := StatusDraft.Next()
	n[0] = StatusDelivered
	if !CanTransition(StatusDraft, StatusQueued) {
		t.Fatal("Next leaked the transition table")
	}
}

func TestCatalogLookup(t *testing.T) {
	cat := Catalog{CardTypes: []CardType{{Code: "a", NameSv: "A-kort"}, {Code: "b"}}, Industries: []Industry{{Code: "civil", NameEn: "Civil"}}}
	if c, ok := cat.CardType("a"); !ok || c.Name("sv") != "A-kort" {
		t.Fatalf("card type a: %+v %v", c, ok)
	}
	if _, ok := cat.CardType("x"); ok {
		t.Fatal("unknown card type found")
	}
	if i, ok := cat.Industry("civil"); !ok || i.Name("en") != "Civil" {
		t.Fatalf("industry: %+v %v", i, ok)
	}
	if _, ok := cat.Industry(""); ok {
		t.Fatal("empty industry found")
	}
}
