package invitations_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"id06desk/internal/invitations"
	"id06desk/internal/invite"
	"id06desk/internal/outbox"
	"id06desk/internal/sqlite"
)

// queuedWithMail stores an invitation in status queued with its mail and
// claims the mail for worker "w".
func queuedWithMail(t *testing.T, db *sqlite.DB, now time.Time) (invite.Invitation, *outbox.Message) {
	t.Helper()
	ctx := context.Background()
	inv := invite.Invitation{ID: "00000000-0000-4000-8000-000000000001", Code: "RULES0001", Email: "p@example.se",
		CardType: "id06-rfid", Language: "sv", Status: invite.StatusQueued, Token: "v1.rules",
		CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(24 * time.Hour)}
	m := &outbox.Message{MessageID: "<r@x>", InvitationID: inv.ID, Kind: "invitation", From: "a@x.se", To: inv.Email, Body: []byte("hi")}
	if err := db.CreateInvitations(ctx, "admin", []invite.Invitation{inv}, []*outbox.Message{m}); err != nil {
		t.Fatal(err)
	}
	c, err := db.ClaimDue(ctx, "w", now, time.Minute, false, 0)
	if err != nil || c == nil || c.InvitationID != inv.ID {
		t.Fatalf("claim %+v %v", c, err)
	}
	return inv, c
}

// What a mail's result does to its invitation is the invitations service's
// rule, applied by storage in the mail's transaction.
func TestMailResults(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	open := func(t *testing.T) *sqlite.DB {
		db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "id06desk.db"), sqlite.Options{Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	tests := []struct {
		name       string
		revoked    bool // the admin revoked the invitation while the mail was out
		mark       func(st outbox.Store, id int64) error
		wantStatus invite.Status
		wantError  string
		wantEvent  string
	}{
		{"sent", false, func(st outbox.Store, id int64) error {
			return st.Record(ctx, "w", []outbox.Done{{ID: id, Outcome: outbox.Outcome{State: outbox.Sent, Reply: "250 ok"}}})
		}, invite.StatusSent, "", "sent:250 ok"},
		{"retry", false, func(st outbox.Store, id int64) error {
			return st.Record(ctx, "w", []outbox.Done{{ID: id, Outcome: outbox.Outcome{State: outbox.Retry, Reason: "busy", Next: now.Add(time.Minute)}}})
		}, invite.StatusQueued, "busy", "send_retry:busy"},
		{"failed", false, func(st outbox.Store, id int64) error {
			return st.Record(ctx, "w", []outbox.Done{{ID: id, Outcome: outbox.Outcome{State: outbox.Fail, Reason: "no such user"}}})
		}, invite.StatusFailed, "no such user", "send_failed:no such user"},
		{"sent after revoke", true, func(st outbox.Store, id int64) error {
			return st.Record(ctx, "w", []outbox.Done{{ID: id, Outcome: outbox.Outcome{State: outbox.Sent, Reply: "250 ok"}}})
		}, invite.StatusRevoked, "", "sent:250 ok"},
		{"failed after revoke", true, func(st outbox.Store, id int64) error {
			return st.Record(ctx, "w", []outbox.Done{{ID: id, Outcome: outbox.Outcome{State: outbox.Fail, Reason: "no such user"}}})
		}, invite.StatusRevoked, "", "send_failed:no such user"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := open(t)
			inv, m := queuedWithMail(t, db, now)
			if tt.revoked {
				if _, err := db.UpdateInvitation(ctx, inv.ID, func(i *invite.Invitation) (invite.Change, error) {
					i.Status = invite.StatusRevoked
					return invite.Change{}, nil
				}); err != nil {
					t.Fatal(err)
				}
			}
			if err := tt.mark(invitations.MailResults(db), m.ID); err != nil {
				t.Fatal(err)
			}
			got, evs, err := db.GetInvitation(ctx, inv.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != tt.wantStatus || got.LastError != tt.wantError {
				t.Errorf("status %s, last error %q; want %s, %q", got.Status, got.LastError, tt.wantStatus, tt.wantError)
			}
			var ks []string
			for _, e := range evs {
				ks = append(ks, e.Kind+":"+e.Detail)
			}
			if !slices.Contains(ks, tt.wantEvent) {
				t.Errorf("timeline %v, want %s", ks, tt.wantEvent)
			}
			// The claim is used up: a second result for it is refused.
			if err := tt.mark(invitations.MailResults(db), m.ID); err == nil {
				t.Error("a second result for the same claim was accepted")
			}
		})
	}
}

func TestExpiryRules(t *testing.T) {
	if got := invitations.Expirable(); !slices.Equal(got, []invite.Status{invite.StatusQueued, invite.StatusSent, invite.StatusOpened}) {
		t.Errorf("expirable %v", got)
	}
	inv := invite.Invitation{Status: invite.StatusOpened}
	c, err := invitations.Expire(&inv)
	if err != nil || inv.Status != invite.StatusExpired || len(c.Events) != 1 || c.Events[0].Kind != invite.EventExpired {
		t.Errorf("expire opened: %s %+v %v", inv.Status, c, err)
	}
	done := invite.Invitation{Status: invite.StatusReady}
	if _, err := invitations.Expire(&done); err == nil || done.Status != invite.StatusReady {
		t.Errorf("a ready invitation expired: %s %v", done.Status, err)
	}
}

func TestDeleteRuleKeepsSentInvitations(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "id06desk.db"), sqlite.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	inv, _ := queuedWithMail(t, db, now)
	if err := db.DeleteInvitation(ctx, inv.ID, invitations.DeleteRule("admin")); !errors.Is(err, invite.ErrTransition) {
		t.Fatalf("deleting a queued invitation: %v, want ErrTransition", err)
	}
	if _, _, err := db.GetInvitation(ctx, inv.ID); err != nil {
		t.Fatalf("the queued invitation is gone: %v", err)
	}
}
