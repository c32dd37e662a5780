package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// A database written before migration 0011 kept an order's photos in its
// row; opened now, the photos are in order_photos and read back the same,
// and an order with a 'produced' status (migration 0007) shows the new name.
func TestOrderPhotosMoveOutOfTheOrderRow(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open("sqlite", dsn(file, 0, false))
	if err != nil {
		t.Fatal(err)
	}
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT`); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.version == 7 {
			// The order is written as release 0006 wrote it, then 0007 on.
			if _, err := raw.Exec(`INSERT INTO invitations(id, code, email, card_type, language, status, token, created_at, updated_at, expires_at)
				VALUES ('i1', 'ABCD1234', 'a@example.se', 'id06-rfid', 'sv', 'produced', 't', 1, 1, 9)`); err != nil {
				t.Fatal(err)
			}
			if _, err := raw.Exec(`INSERT INTO orders(id, invitation_id, status, first_name, last_name, email, phone, card_type, language, delivery,
				photo, thumb, identity_method, identity_check, registered_at, registered_where, updated_at)
				VALUES ('o1', 'i1', 'produced', 'Anna', 'Berg', 'a@example.se', '+46701234567', 'id06-rfid', 'sv', '{}',
				x'FFD8FFE0AA55', x'FFD8FFE0BB66', 'manual', 'pending_partner', 1, 'web', 1)`); err != nil {
				t.Fatal(err)
			}
		}
		if m.version >= 11 {
			break
		}
		if _, err := raw.Exec(m.sql); err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
		if _, err := raw.Exec(`INSERT INTO schema_migrations VALUES (?, ?, 1)`, m.version, m.name); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()

	db, err := Open(ctx, file, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	o, err := db.GetOrder(ctx, "o1")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(o.Photo, []byte{0xFF, 0xD8, 0xFF, 0xE0, 0xAA, 0x55}) || !bytes.Equal(o.Thumb, []byte{0xFF, 0xD8, 0xFF, 0xE0, 0xBB, 0x66}) {
		t.Errorf("photos after the move: %x %x", o.Photo, o.Thumb)
	}
	if o.Status != "in_production" {
		t.Errorf("status %q", o.Status)
	}
	var cols int
	db.Reader().QueryRow(`SELECT count(*) FROM pragma_table_info('orders') WHERE name IN ('photo', 'thumb')`).Scan(&cols)
	if cols != 0 {
		t.Errorf("orders still has %d photo columns", cols)
	}
}
