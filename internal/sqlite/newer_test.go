package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"id06desk/internal/i18n"
	"id06desk/internal/sqlite"
)

// newerImage makes, in dir, the files a newer release leaves behind when
// it stops without closing: id06desk.db and an id06desk.db-wal holding a
// migration this build does not know (and an invitation-sized row), as a
// crash image (copied while the newer release still had them open).
func newerImage(t *testing.T, dir string, version int) string {
	t.Helper()
	ctx := context.Background()
	src := filepath.Join(t.TempDir(), "id06desk.db")
	db, err := sqlite.Open(ctx, src, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.RunInTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.Exec(`CREATE TABLE newer_things (id INTEGER PRIMARY KEY, what TEXT) STRICT`); err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO newer_things(what) VALUES (?)`, strings.Repeat("x", 5000)); err != nil {
			return err
		}
		_, err := tx.Exec(`INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, 0)`, version, strconv.Itoa(version)+"_newer.sql")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "id06desk.db")
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(src + suffix)
		if err != nil {
			t.Fatal(err)
		}
		if suffix == "-wal" && len(b) == 0 {
			t.Fatal("the newer release's write-ahead log is empty: the image tests nothing")
		}
		if err := os.WriteFile(file+suffix, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return file
}

func snapshot(t *testing.T, file string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(file + suffix)
		if err != nil {
			t.Fatal(err)
		}
		out[suffix] = b
	}
	return out
}

// A database from a newer release (its schema_migrations name a version
// this build does not know, here only in its write-ahead log) is refused
// with a message naming both versions and "upgrade id06desk", in Swedish
// and English, and is not changed at all: the file and its write-ahead
// log keep every byte (no migration, no checkpoint, no journal switch).
func TestNewerDatabaseIsRefusedUntouched(t *testing.T) {
	known, err := sqlite.KnownVersion()
	if err != nil || known < 15 {
		t.Fatalf("known version %d %v", known, err)
	}
	file := newerImage(t, t.TempDir(), known+3)
	before := snapshot(t, file)
	for range 2 { // and again: the first refusal changed nothing either
		_, err = sqlite.Open(context.Background(), file, sqlite.Options{Program: "1.4.0"})
		var newer *sqlite.NewerError
		if !errors.As(err, &newer) || !errors.Is(err, sqlite.ErrNewer) {
			t.Fatalf("open a newer database: %v", err)
		}
		if newer.Version != known+3 || newer.Known != known {
			t.Fatalf("versions %+v, known %d", newer, known)
		}
		for lang, want := range map[i18n.Lang][]string{
			i18n.EN: {"Upgrade id06desk", "newer id06desk", "database version " + strconv.Itoa(known+3), "up to " + strconv.Itoa(known), "1.4.0", file},
			i18n.SV: {"Uppgradera id06desk", "nyare id06desk", "databasversion " + strconv.Itoa(known+3), "upp till " + strconv.Itoa(known), "1.4.0", file},
		} {
			msg := newer.Msg().In(lang)
			for _, w := range want {
				if !strings.Contains(msg, w) {
					t.Errorf("%s message lacks %q: %s", lang, w, msg)
				}
			}
		}
		after := snapshot(t, file)
		for suffix, b := range before {
			if !bytes.Equal(b, after[suffix]) {
				t.Fatalf("id06desk.db%s changed (%d → %d bytes)", suffix, len(b), len(after[suffix]))
			}
		}
	}
}

// The same version, or an older one, opens as before (migrations apply
// forward), and a new file is still created.
func TestKnownAndNewDatabasesOpen(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "id06desk.db")
	for range 2 {
		db, err := sqlite.Open(context.Background(), file, sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		known, _ := sqlite.KnownVersion()
		if st := db.Status(context.Background()); !st.OK || st.SchemaVersion != known {
			t.Fatalf("status %+v, known %d", st, known)
		}
		db.Close()
	}
}
