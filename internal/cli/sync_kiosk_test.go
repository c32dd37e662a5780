package cli_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"id06desk/internal/cli"
	"id06desk/internal/kiosksync"
	"id06desk/internal/sqlite"
	"id06desk/internal/syncwire"
	"id06desk/internal/token"
)

// On a kiosk: pair join, sync import (a site pack), sync export --out and
// sync status [--json], without a window.
func TestKioskSyncCommands(t *testing.T) {
	dir, s := kioskServices(t)
	if _, _, err := run(s, "sync", "export", "--out", filepath.Join(dir, "x")); err == nil {
		t.Fatal("export on an unpaired data folder")
	}

	ck, _ := syncwire.NewConsoleKeys()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	tokens := syncwire.TokenKeysOf(token.New(priv).PublicKeys())
	secret, _ := syncwire.NewSecret()
	var pf bytes.Buffer
	if err := syncwire.WritePairing(&pf, &syncwire.Pairing{ConsoleID: "console-1", ConsoleName: "Office", TokenKeys: tokens,
		KioskID: "kiosk-1", KioskName: "Gate A", Site: "Hagastaden", Secret: secret, Created: time.Now()}, ck); err != nil {
		t.Fatal(err)
	}
	pairing := filepath.Join(dir, "gate-a.id06pair")
	os.WriteFile(pairing, pf.Bytes(), 0o600)
	out, _, err := run(s, "pair", "join", pairing)
	if err != nil || !strings.Contains(out, `paired as kiosk "Gate A"`) {
		t.Fatalf("pair join: %q %v", out, err)
	}

	kb, _ := os.ReadFile(filepath.Join(dir, "sync", kiosksync.KeysFile))
	kk, _ := syncwire.ParseKioskKeys(kb)
	var pack bytes.Buffer
	h := syncwire.Header{Sender: "console-1", Recipient: "kiosk-1", Console: "console-1", Seq: 1, Created: time.Now()}
	if err := syncwire.WriteSitePack(&pack, h, &syncwire.SitePack{KioskID: "kiosk-1", Seq: 1, ConsoleTime: time.Now(), TokenKeys: tokens},
		kk.Public().AgeRecipient, ck); err != nil {
		t.Fatal(err)
	}
	packFile := filepath.Join(dir, "pack-1.id06sync")
	os.WriteFile(packFile, pack.Bytes(), 0o600)
	if out, _, err = run(s, "sync", "import", packFile); err != nil || !strings.Contains(out, "applied site pack 1") {
		t.Fatalf("sync import: %q %v", out, err)
	}
	if _, _, err = run(s, "sync", "import", packFile); err == nil || !strings.Contains(err.Error(), "older than the one already applied") {
		t.Fatalf("the same pack again: %v", err)
	}

	bundle := filepath.Join(dir, "usb", "bundle.id06sync")
	os.MkdirAll(filepath.Dir(bundle), 0o700)
	if _, _, err = run(s, "sync", "export"); err == nil {
		t.Fatal("export without --out")
	}
	if out, _, err = run(s, "sync", "export", "--out", bundle); err != nil || !strings.Contains(out, "wrote bundle 1 with 0 registration(s), proving the pairing") {
		t.Fatalf("sync export: %q %v", out, err)
	}
	if _, _, err = run(s, "sync", "export", "--out", bundle); err == nil {
		t.Fatal("sync export over an existing file")
	}
	if fi, err := os.Stat(bundle); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("bundle file: %v %v", fi, err)
	}

	out, _, err = run(s, "sync", "status", "--json")
	var st struct {
		Role string
		kiosksync.Status
	}
	if err != nil || json.Unmarshal([]byte(out), &st) != nil || st.Role != "kiosk" || st.KioskName != "Gate A" ||
		st.SitePackSeq != 1 || st.LastExportSeq != 1 || st.Pending != 0 {
		t.Fatalf("status --json: %q %v", out, err)
	}
	// The pack imported twice: the second is the last refusal.
	if r := st.SitePackRefusal; r == nil || r.Code != "sync.stale" || r.Seq != 1 || r.SV == "" || r.EN == "" {
		t.Fatalf("status --json: the refused pack %+v", r)
	}
	if out, _, err = run(s, "sync", "status"); err != nil || !strings.Contains(out, "pending registrations: 0") || !strings.Contains(out, "last site pack: 1") ||
		!strings.Contains(out, "last site pack refused on") || (!strings.Contains(out, st.SitePackRefusal.EN) && !strings.Contains(out, st.SitePackRefusal.SV)) {
		t.Fatalf("status: %q %v", out, err)
	}
}

// pair leave asks first, unpairs, and pair join takes a new pairing file
// afterwards (a revoked kiosk paired again).
func TestKioskPairLeave(t *testing.T) {
	dir, s := kioskServices(t)
	if _, _, err := run(s, "pair", "leave", "--yes"); err == nil || !strings.Contains(err.Error(), "not paired") {
		t.Fatalf("leave unpaired: %v", err)
	}
	ck, _ := syncwire.NewConsoleKeys()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	tokens := syncwire.TokenKeysOf(token.New(priv).PublicKeys())
	pairingFile := func(kiosk string) string {
		secret, _ := syncwire.NewSecret()
		var pf bytes.Buffer
		if err := syncwire.WritePairing(&pf, &syncwire.Pairing{ConsoleID: "console-1", ConsoleName: "Office", TokenKeys: tokens,
			KioskID: kiosk, KioskName: "Gate A", Secret: secret, Created: time.Now()}, ck); err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(dir, kiosk+".id06pair")
		os.WriteFile(name, pf.Bytes(), 0o600)
		return name
	}
	if _, _, err := run(s, "pair", "join", pairingFile("kiosk-1")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := run(s, "pair", "join", pairingFile("kiosk-2")); err == nil || !strings.Contains(err.Error(), "already paired") {
		t.Fatalf("a second join: %v", err)
	}
	// No answer on standard input: nothing changes.
	if _, stderr, err := run(s, "pair", "leave"); err == nil || !strings.Contains(err.Error(), "nothing was changed") || !strings.Contains(stderr, `Unpair kiosk "Gate A"`) {
		t.Fatalf("leave without yes: %v %q", err, stderr)
	}
	if !s.KioskSync.Paired(context.Background()) {
		t.Fatal("unpaired without confirmation")
	}
	out, _, err := run(s, "pair", "leave", "--yes")
	if err != nil || !strings.Contains(out, `unpaired kiosk "Gate A" (id kiosk-1)`) {
		t.Fatalf("pair leave: %q %v", out, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "sync", kiosksync.KeysFile)); !os.IsNotExist(err) {
		t.Fatalf("keys after leave: %v", err)
	}
	if out, _, err := run(s, "pair", "join", pairingFile("kiosk-2")); err != nil || !strings.Contains(out, "id kiosk-2") {
		t.Fatalf("join after leave: %q %v", out, err)
	}
}

// kioskServices is a kiosk's data folder (not paired yet) and the
// command line's services over it.
func kioskServices(t *testing.T) (string, cli.Services) {
	t.Helper()
	dir := t.TempDir()
	db, err := sqlite.Open(context.Background(), filepath.Join(dir, "k.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ks, err := kiosksync.New(kiosksync.Config{Store: db, Dir: filepath.Join(dir, "sync")})
	if err != nil {
		t.Fatal(err)
	}
	return dir, cli.Services{KioskSync: cli.KioskSyncOf(ks)}
}
