package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"id06desk/internal/housekeeping"
	"id06desk/internal/invitations"
	"id06desk/internal/invite"
	"id06desk/internal/order"
	"id06desk/internal/orders"
	"id06desk/internal/outbox"
	"id06desk/internal/registration"
	"id06desk/internal/sqlite"
)

// fileBytes reads the database file with its write-ahead log and shared
// memory index, as anyone with the disk would, while the database is open.
func fileBytes(t *testing.T, db *sqlite.DB) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		b, err := os.ReadFile(db.Path + suffix)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		out[filepath.Base(db.Path+suffix)] = b
	}
	return out
}

// found lists which markers occur in which of the files.
func found(t *testing.T, db *sqlite.DB, markers ...[]byte) []string {
	t.Helper()
	var hits []string
	for name, b := range fileBytes(t, db) {
		for _, m := range markers {
			if bytes.Contains(b, m) {
				hits = append(hits, name+" holds "+string(m))
			}
		}
	}
	return hits
}

// photoWith is a photo-sized blob (many overflow pages) with the marker
// once in its middle.
func photoWith(marker []byte) []byte {
	b := bytes.Repeat([]byte{0xff, 0xd8, 0x17, 0x42}, 60_000)
	copy(b[120_000:], marker)
	return b
}

type eraseFixture struct {
	db  *sqlite.DB
	inv invite.Invitation
	now time.Time
	mu  sync.Mutex
}

func (f *eraseFixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *eraseFixture) advance(d time.Duration) {
	f.mu.Lock()
	f.now = f.now.Add(d)
	f.mu.Unlock()
}

// newEraseFixture opens a database file with one sent invitation whose
// email and name are the given ones.
func newEraseFixture(t *testing.T, status invite.Status, email, name string) *eraseFixture {
	t.Helper()
	ctx := context.Background()
	f := &eraseFixture{now: time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)}
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "id06desk.db"), sqlite.Options{Now: f.clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f.db = db
	f.inv = invite.Invitation{ID: "00000000-0000-4000-8000-000000000001", Code: "ERASE00001", Email: email, Name: name,
		CardType: "id06-rfid", Language: "sv", Status: status, Token: "v1.erase",
		CreatedAt: f.now, UpdatedAt: f.now, ExpiresAt: f.now.Add(30 * 24 * time.Hour)}
	if err := db.CreateInvitations(ctx, "admin", []invite.Invitation{f.inv}, []*outbox.Message{nil}); err != nil {
		t.Fatal(err)
	}
	return f
}

// draftWith stores a registration draft with the personnummer and a photo
// carrying photoMarker.
func (f *eraseFixture) draftWith(t *testing.T, pnr string, photoMarker []byte) {
	t.Helper()
	if _, err := registration.SaveDraft(context.Background(), f.db, f.inv.ID, func(d *registration.Draft) error {
		d.Method = order.MethodManual
		d.Personal = &registration.Personal{FirstName: "Test", LastName: "Person", HasPersonnummer: true, Personnummer: pnr, Phone: "+46701234567"}
		d.PhotoSource = photoWith(photoMarker)
		d.PhotoJPEG = photoWith(append([]byte("card-"), photoMarker...))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

func testOrder(invitationID, pnr string, photo []byte) order.Order {
	return order.Order{ID: "00000000-0000-4000-8000-0000000000aa", InvitationID: invitationID, Status: order.StatusReady,
		FirstName: "Test", LastName: "Person", Personnummer: pnr, Email: "x@example.se", Phone: "+46700000000",
		CardType: "id06-rfid", Language: "sv", Photo: photo, Thumb: photo[:1000],
		IdentityMethod: order.MethodManual, IdentityCheck: order.CheckPendingPartner, RegisteredAt: time.Now(), RegisteredWhere: order.WhereWeb}
}

// What the app deletes is gone from the bytes on disk: not left in the
// database file's free pages (secure_delete) nor in old page versions in
// the write-ahead log (checkpoint). Each case writes unique markers, checks
// they are in the files, deletes them the way the app does, and reads the
// raw files again while the database is still open.
func TestDeletedPersonalDataLeavesTheFile(t *testing.T) {
	const pnr = "19121212X7Q1"                           // no real personnummer: cannot occur elsewhere
	photoMarker := []byte("\x00PHOTO-MARKER-5b1f0e\x00") // a byte run inside the photo
	draftJSON := []byte(`"personnummer":"` + pnr + `"`)  // the draft's JSON
	ctx := context.Background()

	draftCases := []struct {
		name   string
		status invite.Status
		erase  func(t *testing.T, f *eraseFixture)
	}{
		{"confirm deletes the draft", invite.StatusSent, func(t *testing.T, f *eraseFixture) {
			// The order keeps what it needs (its own values here), never the
			// uploaded original photo or the draft.
			if err := orders.New(orders.Config{Store: f.db}).Create(ctx, testOrder(f.inv.ID, "198112189876", photoWith([]byte("order-photo"))), nil); err != nil {
				t.Fatal(err)
			}
		}},
		{"cancel and idle wipe delete the draft", invite.StatusOpened, func(t *testing.T, f *eraseFixture) {
			if err := f.db.DeleteRegistrationDraft(ctx, f.inv.ID); err != nil {
				t.Fatal(err)
			}
		}},
		{"revoke deletes the draft at once", invite.StatusOpened, func(t *testing.T, f *eraseFixture) {
			if _, err := f.db.UpdateInvitation(ctx, f.inv.ID, func(inv *invite.Invitation) (invite.Change, error) {
				// What the invitations service decides for a revoke
				// (its rule is tested through it in registration).
				inv.Status = invite.StatusRevoked
				return invite.Change{Events: []invite.Event{{Kind: invite.EventRevoked}}, DeleteDraft: true}, nil
			}); err != nil {
				t.Fatal(err)
			}
		}},
		{"sweep deletes a stale draft", invite.StatusSent, func(t *testing.T, f *eraseFixture) {
			f.advance(2 * 24 * time.Hour)
			res, err := housekeeping.Sweep(ctx, f.db, f.clock(), f.clock().Add(-24*time.Hour), time.Time{})
			if err != nil || res.DraftsDeleted != 1 {
				t.Fatalf("sweep %+v %v", res, err)
			}
		}},
		{"sweep deletes an expired invitation's draft", invite.StatusSent, func(t *testing.T, f *eraseFixture) {
			f.advance(31 * 24 * time.Hour)
			res, err := housekeeping.Sweep(ctx, f.db, f.clock(), f.clock().Add(-365*24*time.Hour), time.Time{})
			if err != nil || res.Expired != 1 || res.DraftsDeleted != 1 {
				t.Fatalf("sweep %+v %v", res, err)
			}
		}},
	}
	for _, c := range draftCases {
		t.Run(c.name, func(t *testing.T) {
			f := newEraseFixture(t, c.status, "someone@example.se", "Test Person")
			f.draftWith(t, pnr, photoMarker)
			if hits := found(t, f.db, photoMarker, draftJSON); len(hits) < 2 {
				t.Fatalf("the markers are not in the files before deletion (%v): the test cannot see them", hits)
			}
			c.erase(t, f)
			if d, err := registration.LoadDraft(ctx, f.db, f.inv.ID); err != nil || d.Personal != nil {
				t.Fatalf("draft still there: %+v %v", d, err)
			}
			if hits := found(t, f.db, photoMarker, draftJSON, []byte(pnr)); len(hits) > 0 {
				t.Errorf("deleted personal data still readable on disk: %s", strings.Join(hits, "; "))
			}
		})
	}

	t.Run("retention purges a delivered order", func(t *testing.T) {
		f := newEraseFixture(t, invite.StatusSent, "someone@example.se", "Test Person")
		orderPhoto := []byte("\x00ORDER-PHOTO-MARKER-91c2\x00")
		if err := orders.New(orders.Config{Store: f.db}).Create(ctx, testOrder(f.inv.ID, pnr, photoWith(orderPhoto)), nil); err != nil {
			t.Fatal(err)
		}
		if err := f.db.RunInTx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE orders SET status = 'delivered'`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if hits := found(t, f.db, orderPhoto, []byte(pnr)); len(hits) == 0 {
			t.Fatal("the markers are not in the files before the purge")
		}
		f.advance(91 * 24 * time.Hour)
		res, err := housekeeping.Sweep(ctx, f.db, f.clock(), f.clock(), f.clock().Add(-90*24*time.Hour))
		if err != nil || res.OrdersPurged != 1 {
			t.Fatalf("sweep %+v %v", res, err)
		}
		if hits := found(t, f.db, orderPhoto, []byte(pnr)); len(hits) > 0 {
			t.Errorf("purged personal data still readable on disk: %s", strings.Join(hits, "; "))
		}
	})

	// Rejected by Nexus (or reopened) and then left: purged like a finished
	// order, names, email and the invitation's address included, and what
	// is left is status, card type and dates.
	for _, st := range []order.Status{order.StatusRejectedByNexus, order.StatusReopened} {
		t.Run("retention purges an abandoned order: "+string(st), func(t *testing.T) {
			email, name := "abandon-marker-4e2a@example.se", "Övergiven Markörsson"
			f := newEraseFixture(t, invite.StatusSent, email, name)
			orderPhoto := []byte("\x00ABANDONED-PHOTO-MARKER-3d8b\x00")
			o := testOrder(f.inv.ID, pnr, photoWith(orderPhoto))
			o.FirstName, o.LastName, o.Email = "Övergiven", "Markörsson", email
			if err := orders.New(orders.Config{Store: f.db}).Create(ctx, o, nil); err != nil {
				t.Fatal(err)
			}
			if err := f.db.RunInTx(ctx, func(tx *sql.Tx) error {
				_, err := tx.ExecContext(ctx, `UPDATE orders SET status = ?`, string(st))
				return err
			}); err != nil {
				t.Fatal(err)
			}
			markers := [][]byte{orderPhoto, []byte(pnr), []byte(email), []byte(name), []byte("Markörsson")}
			if hits := found(t, f.db, markers...); len(hits) < len(markers) {
				t.Fatalf("the markers are not all in the files before the purge: %v", hits)
			}
			f.advance(91 * 24 * time.Hour)
			res, err := housekeeping.Sweep(ctx, f.db, f.clock(), f.clock(), f.clock().Add(-90*24*time.Hour))
			if err != nil || res.OrdersPurged != 1 || res.Purged[st] != 1 {
				t.Fatalf("sweep %+v %v", res, err)
			}
			if hits := found(t, f.db, markers...); len(hits) > 0 {
				t.Errorf("purged personal data still readable on disk: %s", strings.Join(hits, "; "))
			}
			got, err := f.db.GetOrder(ctx, o.ID)
			if err != nil || got.Status != st || got.CardType != "id06-rfid" || got.RegisteredAt.IsZero() || got.PurgedAt.IsZero() {
				t.Fatalf("what should stay: %+v %v", got, err)
			}
		})
	}

	t.Run("deleting an unsent invitation", func(t *testing.T) {
		email, name := "erase-marker-7c3d@example.se", "Markör Raderasson"
		f := newEraseFixture(t, invite.StatusDraft, email, name)
		if hits := found(t, f.db, []byte(email), []byte(name)); len(hits) == 0 {
			t.Fatal("the markers are not in the files before deletion")
		}
		if err := f.db.DeleteInvitation(ctx, f.inv.ID, invitations.DeleteRule("admin")); err != nil {
			t.Fatal(err)
		}
		if hits := found(t, f.db, []byte(email), []byte(name)); len(hits) > 0 {
			t.Errorf("deleted invitation still readable on disk: %s", strings.Join(hits, "; "))
		}
	})
}

// A reader that still uses the pages from before the deletion keeps the
// write-ahead log from being cleared; the next sweep clears it.
func TestEraseRetriedWhenAReaderHeldTheLog(t *testing.T) {
	ctx := context.Background()
	f := &eraseFixture{now: time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)}
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "id06desk.db"), sqlite.Options{Now: f.clock, BusyTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	f.db = db
	f.inv = invite.Invitation{ID: "00000000-0000-4000-8000-000000000002", Code: "ERASE00002", Email: "r@example.se",
		CardType: "id06-rfid", Language: "sv", Status: invite.StatusSent, Token: "v1.r", ExpiresAt: f.now.Add(time.Hour)}
	if err := db.CreateInvitations(ctx, "admin", []invite.Invitation{f.inv}, []*outbox.Message{nil}); err != nil {
		t.Fatal(err)
	}
	marker := []byte("\x00HELD-PHOTO-MARKER-0a9e\x00")
	f.draftWith(t, "19121212X7Q2", marker)

	// A long read holds a snapshot from before the deletion.
	conn, err := db.Reader().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `BEGIN`); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := conn.QueryRowContext(ctx, `SELECT length(photo_source) FROM registration_drafts`).Scan(&n); err != nil || n == 0 {
		t.Fatalf("read: %d %v", n, err)
	}
	if err := db.DeleteRegistrationDraft(ctx, f.inv.ID); err != nil {
		t.Fatalf("the deletion must not fail because the log could not be cleared: %v", err)
	}
	if len(found(t, db, marker)) == 0 {
		t.Fatal("the log was cleared under a reader's snapshot")
	}
	conn.ExecContext(ctx, `COMMIT`)
	conn.Close()

	if _, err := housekeeping.Sweep(ctx, db, f.clock(), f.clock().Add(-24*time.Hour), time.Time{}); err != nil {
		t.Fatal(err)
	}
	if hits := found(t, db, marker); len(hits) > 0 {
		t.Errorf("the sweep did not clear what an earlier deletion left: %v", hits)
	}
}

// An order whose invitation had no draft (a kiosk's registration imported
// on the console) deleted nothing: its transaction does not checkpoint and
// truncate the write-ahead log, which cost three fsyncs per order and most
// of the waiting in an import of a thousand. An order that deleted a draft
// still does (TestDeletedPersonalDataLeavesTheFile checks the bytes).
func TestCreateOrderClearsTheLogOnlyWhenItDeletedADraft(t *testing.T) {
	ctx := context.Background()
	walSize := func(t *testing.T, db *sqlite.DB) int64 {
		t.Helper()
		fi, err := os.Stat(db.Path + "-wal")
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	t.Run("no draft", func(t *testing.T) {
		f := newEraseFixture(t, invite.StatusSent, "kiosk@example.se", "Kiosk Person")
		if err := orders.New(orders.Config{Store: f.db}).Create(ctx, testOrder(f.inv.ID, "198112189876", photoWith([]byte("order-photo"))), nil); err != nil {
			t.Fatal(err)
		}
		if n := walSize(t, f.db); n == 0 {
			t.Error("the write-ahead log was checkpointed and truncated after an order that deleted no draft")
		}
	})
	t.Run("draft", func(t *testing.T) {
		f := newEraseFixture(t, invite.StatusSent, "web@example.se", "Web Person")
		f.draftWith(t, "19121212X7Q3", []byte("\x00DRAFT-MARKER-77c1\x00"))
		if err := orders.New(orders.Config{Store: f.db}).Create(ctx, testOrder(f.inv.ID, "198112189876", photoWith([]byte("order-photo"))), nil); err != nil {
			t.Fatal(err)
		}
		if n := walSize(t, f.db); n != 0 {
			t.Errorf("the write-ahead log holds %d bytes after an order that deleted the draft, want 0", n)
		}
	})
}
