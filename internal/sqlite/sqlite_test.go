package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func openTest(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "test.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestOpenAppliesMigrationsOnce(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "x.db")
	db, err := Open(ctx, file, Options{})
	if err != nil {
		t.Fatal(err)
	}
	st := db.Status(ctx)
	ms, _ := loadMigrations()
	if !st.OK || st.SchemaVersion != ms[len(ms)-1].version {
		t.Fatalf("status %+v", st)
	}
	db.Close()
	db, err = Open(ctx, file, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	db.Reader().QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&n)
	if n != len(ms) {
		t.Fatalf("%d migration rows, want %d", n, len(ms))
	}
	fi, _ := os.Stat(file)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("db mode %v", fi.Mode().Perm())
	}
}

func TestPragmasOnEveryConnection(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	// Hold several reader connections at once so the pool opens new ones.
	var conns []*sql.Conn
	for i := 0; i < 3; i++ {
		c, err := db.Reader().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	for _, c := range conns {
		var fk, busy, secure int
		var mode string
		c.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk)
		c.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&busy)
		c.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode)
		c.QueryRowContext(ctx, `PRAGMA secure_delete`).Scan(&secure)
		if fk != 1 || busy != 5000 || mode != "wal" || secure != 1 {
			t.Errorf("fk=%d busy=%d mode=%s secure_delete=%d", fk, busy, mode, secure)
		}
		if _, err := c.ExecContext(ctx, `INSERT INTO settings(key, value, updated_at) VALUES ('a','b',1)`); err == nil {
			t.Error("reader pool accepted a write")
		}
		c.Close()
	}
}

func TestRunInTxRollsBack(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	boom := errors.New("boom")
	err := db.RunInTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.Exec(`INSERT INTO settings(key, value, updated_at) VALUES ('k','v',1)`); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("got %v", err)
	}
	var n int
	db.Reader().QueryRow(`SELECT count(*) FROM settings`).Scan(&n)
	if n != 0 {
		t.Fatal("row survived a failed transaction")
	}
}

func TestCorruptFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "bad.db")
	junk := []byte(strings.Repeat("this is not a database ", 400))
	if err := os.WriteFile(file, junk, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(context.Background(), file, Options{})
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("want ErrCorrupt, got %v", err)
	}
	if !strings.Contains(err.Error(), file) {
		t.Errorf("message does not name the file: %v", err)
	}
	after, _ := os.ReadFile(file)
	if string(after) != string(junk) {
		t.Error("damaged file was modified")
	}
}

func TestTwoProcessesMigrateConcurrently(t *testing.T) {
	file := filepath.Join(t.TempDir(), "c.db")
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := Open(context.Background(), file, Options{})
			if err != nil {
				errs <- err
				return
			}
			db.Close()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestAdminSessions(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "a.db"), Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if h, _ := db.AdminPasswordHash(ctx); h != "" {
		t.Fatal("hash before any was set")
	}
	if err := db.SetAdminPasswordHash(ctx, "h1"); err != nil {
		t.Fatal(err)
	}
	tok := []byte("tokenhash")
	if err := db.CreateAdminSession(ctx, tok, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if ok, _ := db.AdminSessionValid(ctx, tok); !ok {
		t.Fatal("fresh session invalid")
	}
	now = now.Add(2 * time.Hour)
	if ok, _ := db.AdminSessionValid(ctx, tok); ok {
		t.Fatal("expired session valid")
	}
	now = now.Add(-2 * time.Hour)
	db.SetAdminPasswordHash(ctx, "h2")
	if ok, _ := db.AdminSessionValid(ctx, tok); ok {
		t.Fatal("session survived a password change")
	}
	entries, _ := db.RecentAudit(ctx, 10)
	if len(entries) != 2 || entries[0].Action != "admin.password_set" {
		t.Fatalf("audit %+v", entries)
	}
}
