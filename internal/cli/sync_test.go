package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"id06desk/internal/cli"
	"id06desk/internal/consolesync"
	"id06desk/internal/registration"
	"id06desk/internal/settings"
	"id06desk/internal/sqlite"
	"id06desk/internal/syncwire"
	"id06desk/internal/token"
)

func syncServices(t *testing.T) (cli.Services, string) {
	t.Helper()
	dir := t.TempDir()
	db, err := sqlite.Open(context.Background(), filepath.Join(dir, "c.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	keys, err := token.LoadOrCreate(filepath.Join(dir, "keys"))
	if err != nil {
		t.Fatal(err)
	}
	st := settings.NewService(db, dir)
	reg := registration.New(registration.Config{Store: db, Settings: st, Keys: keys})
	cs := consolesync.New(consolesync.Config{Store: db, Settings: st.Load, Keys: keys, Orders: reg, KeyDir: filepath.Join(dir, "sync"), TempDir: dir})
	return cli.Services{Settings: st, ConsoleSync: cs}, dir
}

func TestPairAndSyncCommands(t *testing.T) {
	s, dir := syncServices(t)
	file := filepath.Join(dir, "entren.id06sync")
	if _, _, err := run(s, "pair", "create", "--kiosk", "Entrén"); !errors.Is(err, cli.ErrUsage) {
		t.Fatalf("without --out: %v", err)
	}
	out, _, err := run(s, "pair", "create", "--kiosk", "Entrén", "--site", "Hus A", "--out", file)
	if err != nil || !strings.Contains(out, "paired kiosk Entrén") {
		t.Fatalf("pair create: %q %v", out, err)
	}
	if info, err := os.Stat(file); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("pairing file: %v %v", info, err)
	}
	if _, _, err := run(s, "pair", "create", "--kiosk", "Other", "--out", file); err == nil {
		t.Fatal("overwrote an existing file")
	}
	data, _ := os.ReadFile(file)
	p, err := syncwire.OpenPairing(bytes.NewReader(data), dir)
	if err != nil {
		t.Fatal(err)
	}
	if out, _, err := run(s, "pair", "list"); err != nil || !strings.Contains(out, "Entrén") || !strings.Contains(out, "not joined") {
		t.Fatalf("pair list: %q %v", out, err)
	}
	// No site pack before the kiosk's first bundle.
	if _, _, err := run(s, "sync", "export", "--kiosk", "Entrén", "--out", filepath.Join(dir, "pack")); err == nil || !strings.Contains(err.Error(), "first bundle") {
		t.Fatalf("early site pack: %v", err)
	}
	if _, _, err := run(s, "sync", "export", "--out", filepath.Join(dir, "pack")); !errors.Is(err, cli.ErrUsage) {
		t.Fatalf("export without --kiosk on a console: %v", err)
	}

	// The kiosk's first bundle (no registrations: it proves the pairing).
	kiosk, _ := syncwire.NewKioskKeys()
	now := time.Now().UTC()
	h := syncwire.FirstBundleHeader(syncwire.Header{Sender: p.KioskID, Recipient: p.ConsoleID, Console: p.ConsoleID, Seq: 1, Created: now}, p.Secret, kiosk)
	var b bytes.Buffer
	ew, err := syncwire.NewWriter(&b, syncwire.KindBundle, h, p.ConsoleKeys.AgeRecipient, kiosk)
	if err != nil {
		t.Fatal(err)
	}
	bw, _ := syncwire.NewBundleWriter(ew, syncwire.Manifest{KioskID: p.KioskID, Seq: 1, Count: 0, Created: now})
	if err := bw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ew.Close(); err != nil {
		t.Fatal(err)
	}
	bundle := filepath.Join(dir, "bundle.id06sync")
	os.WriteFile(bundle, b.Bytes(), 0o600)
	if out, _, err := run(s, "sync", "import", bundle); err != nil || !strings.Contains(out, "bundle 1 from kiosk Entrén: 0 applied") {
		t.Fatalf("sync import: %q %v", out, err)
	}
	if _, _, err := run(s, "sync", "import", bundle); err == nil || !strings.Contains(err.Error(), "already imported") {
		t.Fatalf("replay: %v", err)
	}
	pack := filepath.Join(dir, "pack.id06sync")
	if out, _, err := run(s, "sync", "export", "--kiosk", "Entrén", "--out", pack); err != nil || !strings.Contains(out, "site pack 1 for kiosk Entrén") {
		t.Fatalf("sync export: %q %v", out, err)
	}
	out, _, err = run(s, "sync", "status", "--json")
	var st struct {
		Role   string `json:"role"`
		Kiosks []struct {
			Name          string `json:"name"`
			Joined        bool   `json:"joined"`
			LastBundleSeq int    `json:"lastBundleSeq"`
		} `json:"kiosks"`
		Refusals []struct{ Code string } `json:"refusals"`
	}
	if err != nil || json.Unmarshal([]byte(out), &st) != nil || st.Role != "console" || len(st.Kiosks) != 1 || !st.Kiosks[0].Joined ||
		st.Kiosks[0].LastBundleSeq != 1 || len(st.Refusals) != 1 || st.Refusals[0].Code != "sync.replayed" {
		t.Fatalf("sync status: %q %v", out, err)
	}
	if out, _, err := run(s, "pair", "revoke", "Entrén"); err != nil || !strings.Contains(out, "revoked kiosk Entrén") {
		t.Fatalf("pair revoke: %q %v", out, err)
	}
	if _, _, err := run(s, "pair", "revoke", "Nobody"); err == nil || !strings.Contains(err.Error(), "no kiosk named Nobody") {
		t.Fatalf("revoke unknown: %v", err)
	}
	if out, _, _ := run(s, "sync", "status"); !strings.Contains(out, "revoked") {
		t.Fatalf("status text: %q", out)
	}
}

// pair create under the name of a revoked kiosk pairs it again and says
// so; pair list keeps the revoked one.
func TestPairCreateAfterRevoke(t *testing.T) {
	s, dir := syncServices(t)
	if _, _, err := run(s, "pair", "create", "--kiosk", "Entrén", "--out", filepath.Join(dir, "1.id06sync")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := run(s, "pair", "create", "--kiosk", "Entrén", "--out", filepath.Join(dir, "x.id06sync")); err == nil || !strings.Contains(err.Error(), "revoke it first") {
		t.Fatalf("the name of a paired kiosk: %v", err)
	}
	if _, _, err := run(s, "pair", "revoke", "Entrén"); err != nil {
		t.Fatal(err)
	}
	out, _, err := run(s, "pair", "create", "--kiosk", "Entrén", "--out", filepath.Join(dir, "2.id06sync"))
	if err != nil || !strings.Contains(out, "this pairs Entrén again") || !strings.Contains(out, "pair leave") {
		t.Fatalf("pair create after revoke: %q %v", out, err)
	}
	if out, _, err := run(s, "pair", "list"); err != nil || strings.Count(out, "Entrén") != 2 || !strings.Contains(out, "revoked") {
		t.Fatalf("pair list: %q %v", out, err)
	}
}
