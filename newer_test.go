package main

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"id06desk/internal/sqlite"
)

// A data folder whose database a newer release wrote: every way of
// starting the program refuses it with the message (in the locale's
// language, naming both database versions, this version and "upgrade
// id06desk"), exit code 1, no stack trace, and the database keeps every
// byte. The window says it in a window too, in both languages, since a
// program started from the menu has no terminal.
func TestNewerDatabaseRefusedEverywhere(t *testing.T) {
	d := filepath.Join(t.TempDir(), "D")
	file := filepath.Join(d, "data", "id06desk.db")
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db, err := sqlite.Open(ctx, file, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	known, _ := sqlite.KnownVersion()
	newer := known + 5
	err = db.RunInTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, 'newer.sql', 0)`, newer)
		return err
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	wants := map[string][]string{
		"C.UTF-8":     {"Upgrade id06desk", "database version " + strconv.Itoa(newer), "up to " + strconv.Itoa(known), version},
		"sv_SE.UTF-8": {"Uppgradera id06desk", "databasversion " + strconv.Itoa(newer), "upp till " + strconv.Itoa(known), version},
	}
	for _, tc := range []struct {
		name, locale string
		args         []string
	}{
		{"command", "C.UTF-8", []string{"settings", "get", "company.name"}},
		{"command in Swedish", "sv_SE.UTF-8", []string{"settings", "get", "company.name"}},
		{"serve", "C.UTF-8", []string{"serve", "--addr", "127.0.0.1:0"}},
		{"kiosk serve in Swedish", "sv_SE.UTF-8", []string{"--kiosk", "serve", "--addr", "127.0.0.1:0"}},
		{"window", "C.UTF-8", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("LC_ALL", tc.locale)
			want := wants[tc.locale]
			r := runMain(t, "", append([]string{"--data-dir", d}, tc.args...)...)
			if r.code != 1 {
				t.Fatalf("exit %d, want 1\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
			}
			for _, w := range want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q: %s", w, r.stderr)
				}
			}
			if strings.Contains(r.stderr, "goroutine") || strings.Contains(r.stderr, "panic") || strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("want one line, got: %s", r.stderr)
			}
			if tc.args == nil {
				if r.win.opts == nil {
					t.Fatal("the window showed nothing")
				}
				rec := httptest.NewRecorder()
				r.win.opts.AssetServer.Handler.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
				page, _ := io.ReadAll(rec.Body)
				for _, w := range []string{"Upgrade id06desk", "Uppgradera id06desk", `data-testid="message-sv"`, `data-testid="message-en"`, "id06desk kan inte starta"} {
					if !bytes.Contains(page, []byte(w)) {
						t.Errorf("the window's page lacks %q:\n%s", w, page)
					}
				}
			} else if r.win.opts != nil {
				t.Error("a command opened a window")
			}
			after, err := os.ReadFile(file)
			if err != nil || !bytes.Equal(before, after) {
				t.Fatalf("the database changed (%v)", err)
			}
			if _, err := os.Stat(file + "-wal"); err == nil {
				if b, _ := os.ReadFile(file + "-wal"); len(b) > 0 {
					t.Fatalf("a write-ahead log of %d bytes appeared", len(b))
				}
			}
		})
	}
}
