package housekeeping_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"id06desk/internal/housekeeping"
	"id06desk/internal/invitations"
	"id06desk/internal/invite"
	"id06desk/internal/order"
	"id06desk/internal/outbox"
	"id06desk/internal/registration"
	"id06desk/internal/sqlite"
)

func openDB(t *testing.T) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "id06desk.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// invitationWithDraft stores an opened invitation expiring at expires with
// a registration draft holding a personnummer.
func invitationWithDraft(t *testing.T, db *sqlite.DB, n int, expires time.Time) invite.Invitation {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	inv := invite.Invitation{ID: "00000000-0000-4000-8000-00000000000" + string(rune('0'+n)), Code: "HOUSE0000" + string(rune('0'+n)),
		Email: "p" + string(rune('0'+n)) + "@example.se", CardType: "id06-rfid", Language: "sv", Status: invite.StatusOpened,
		Token: "v1.house", CreatedAt: now, UpdatedAt: now, ExpiresAt: expires}
	if err := db.CreateInvitations(ctx, "admin", []invite.Invitation{inv}, []*outbox.Message{nil}); err != nil {
		t.Fatal(err)
	}
	if _, err := registration.SaveDraft(ctx, db, inv.ID, func(d *registration.Draft) error {
		d.Method = order.MethodManual
		d.Personal = &registration.Personal{FirstName: "Test", LastName: "Person", HasPersonnummer: true, Personnummer: "198112189876"}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return inv
}

func hasDraft(t *testing.T, db *sqlite.DB, id string) bool {
	t.Helper()
	d, err := registration.LoadDraft(context.Background(), db, id)
	if err != nil {
		t.Fatal(err)
	}
	return d.Personal != nil
}

// The README promises that drafts of expired invitations go at once: the
// job wakes when the next invitation expires, not only once an hour.
func TestExpiredInvitationsDraftGoesAtExpiryNotAtTheNextHour(t *testing.T) {
	db := openDB(t)
	soon := invitationWithDraft(t, db, 1, time.Now().Add(1500*time.Millisecond))
	later := invitationWithDraft(t, db, 2, time.Now().Add(24*time.Hour))

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		housekeeping.Run(ctx, housekeeping.Config{Store: db, Every: time.Hour, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		close(done)
	}()
	defer func() { cancel(); <-done }()

	if !hasDraft(t, db, soon.ID) {
		t.Fatal("the draft is gone before its invitation expired")
	}
	deadline := time.Now().Add(10 * time.Second) // bounded: expiry is 1.5 s away
	for hasDraft(t, db, soon.ID) {
		if time.Now().After(deadline) {
			t.Fatal("the expired invitation's draft was still there 8 s after expiry (the job waits for its hourly round)")
		}
		time.Sleep(100 * time.Millisecond)
	}
	got, _, err := db.GetInvitation(context.Background(), soon.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != invite.StatusExpired {
		t.Errorf("status %s, want expired", got.Status)
	}
	if !hasDraft(t, db, later.ID) {
		t.Error("the draft of an invitation that has not expired was deleted")
	}
}

func TestNextExpiry(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	now := time.Now()
	if _, ok, err := db.NextExpiry(ctx, now, invitations.Expirable()); err != nil || ok {
		t.Fatalf("empty database: ok=%v err=%v", ok, err)
	}
	a := now.Add(2 * time.Hour).Truncate(time.Millisecond)
	invitationWithDraft(t, db, 1, now.Add(-time.Hour)) // already past: not next
	invitationWithDraft(t, db, 2, now.Add(5*time.Hour))
	invitationWithDraft(t, db, 3, a)
	at, ok, err := db.NextExpiry(ctx, now, invitations.Expirable())
	if err != nil || !ok || !at.Equal(a) {
		t.Fatalf("next expiry %v ok=%v err=%v, want %v", at, ok, err, a)
	}
}
