package httpapi_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"id06desk/internal/adminauth/adminauthtest"
	"id06desk/internal/httpapi"
	"id06desk/internal/kiosk"
	"id06desk/internal/kiosksync"
	"id06desk/internal/syncwire"
	"id06desk/internal/token"
)

// kioskCall is a call of the kiosk screen with the admin view's ticket.
func kioskCall(t *testing.T, e *env, method, path, ticket, contentType string, body []byte) (*http.Response, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, bytes.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if ticket != "" {
		req.Header.Set(httpapi.KioskTicketHeader, ticket)
	}
	resp, err := e.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	json.Unmarshal(raw, &m)
	return resp, m
}

// The kiosk's sync routes: only with the PIN's ticket on the kiosk screen;
// pair by uploading the pairing file, import a site pack (a stale one is
// refused with its sentence), export into an offered folder only.
func TestKioskSyncAPI(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := openDB(t)
	_, st := testStation(t, dir)
	pin := kiosk.NewPIN(filepath.Join(dir, "pin"), kiosk.PINHasher(adminauthtest.Hasher()))
	if err := pin.Set("2468"); err != nil {
		t.Fatal(err)
	}
	docs := filepath.Join(dir, "Documents")
	media := filepath.Join(dir, "media")
	stick := filepath.Join(media, "USBSTICK")
	if err := os.MkdirAll(stick, 0o700); err != nil {
		t.Fatal(err)
	}
	ks, err := kiosksync.New(kiosksync.Config{Store: db, Dir: filepath.Join(dir, "sync"), MediaRoots: []string{media}, Documents: docs})
	if err != nil {
		t.Fatal(err)
	}
	api := httpapi.New(httpapi.Config{Mode: httpapi.ModeServe, Kiosk: true, DB: db, Station: st, PIN: pin, KioskSync: ks})
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	e := &env{srv: srv, db: db, c: kioskScreen(t, srv, api)}

	// Without the ticket, or with a made-up one: refused.
	for _, tk := range []string{"", "made-up"} {
		if resp, m := kioskCall(t, e, "GET", "/api/kiosk/sync", tk, "", nil); resp.StatusCode != 401 || errCode(m) != "unauthorized" {
			t.Fatalf("sync status with ticket %q: %d %v", tk, resp.StatusCode, m)
		}
	}
	if resp, m := kioskCall(t, e, "POST", "/api/kiosk/admin", "", "application/json", []byte(`{"pin":"1357"}`)); resp.StatusCode != 401 || errCode(m) != "invalid_pin" {
		t.Fatalf("wrong PIN: %d %v", resp.StatusCode, m)
	}
	resp, m := kioskCall(t, e, "POST", "/api/kiosk/admin", "", "application/json", []byte(`{"pin":"2468"}`))
	ticket, _ := m["ticket"].(string)
	if resp.StatusCode != 200 || ticket == "" {
		t.Fatalf("right PIN: %d %v", resp.StatusCode, m)
	}
	resp, m = kioskCall(t, e, "GET", "/api/kiosk/sync", ticket, "", nil)
	if resp.StatusCode != 200 || m["paired"] != false {
		t.Fatalf("status unpaired: %d %v", resp.StatusCode, m)
	}
	folders, _ := m["folders"].([]any)
	if len(folders) != 2 || folders[0].(map[string]any)["path"] != stick || folders[0].(map[string]any)["removable"] != true ||
		folders[1].(map[string]any)["path"] != docs {
		t.Fatalf("folders %v", folders)
	}
	if resp, m = kioskCall(t, e, "POST", "/api/kiosk/sync/export", ticket, "application/json", []byte(`{"folder":"`+docs+`"}`)); resp.StatusCode != 409 || errCode(m) != "not_configured" {
		t.Fatalf("export unpaired: %d %v", resp.StatusCode, m)
	}

	// Pair.
	ck, _ := syncwire.NewConsoleKeys()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	secret, _ := syncwire.NewSecret()
	var pf bytes.Buffer
	if err := syncwire.WritePairing(&pf, &syncwire.Pairing{ConsoleID: "console-1", ConsoleName: "Office",
		TokenKeys: syncwire.TokenKeysOf(token.New(priv).PublicKeys()), KioskID: "kiosk-1", KioskName: "Gate A", Secret: secret, Created: time.Now()}, ck); err != nil {
		t.Fatal(err)
	}
	damaged := bytes.Clone(pf.Bytes())
	damaged[len(damaged)/2] ^= 1
	resp, m = kioskCall(t, e, "POST", "/api/kiosk/sync/join", ticket, "application/octet-stream", damaged)
	if resp.StatusCode != 400 || errCode(m) != "invalid" || !strings.Contains(m["error"].(map[string]any)["message"].(string), "changed or damaged") {
		t.Fatalf("damaged pairing file: %d %v", resp.StatusCode, m)
	}
	resp, m = kioskCall(t, e, "POST", "/api/kiosk/sync/join", ticket, "application/octet-stream", pf.Bytes())
	if resp.StatusCode != 200 || m["joined"].(map[string]any)["kioskName"] != "Gate A" || m["status"].(map[string]any)["paired"] != true {
		t.Fatalf("join: %d %v", resp.StatusCode, m)
	}
	if resp, m = kioskCall(t, e, "POST", "/api/kiosk/sync/join", ticket, "application/octet-stream", pf.Bytes()); resp.StatusCode != 409 {
		t.Fatalf("second join: %d %v", resp.StatusCode, m)
	}

	// Site packs: number 2, then 1 (stale).
	kb, _ := os.ReadFile(filepath.Join(dir, "sync", kiosksync.KeysFile))
	kk, _ := syncwire.ParseKioskKeys(kb)
	pack := func(seq uint64) []byte {
		var b bytes.Buffer
		h := syncwire.Header{Sender: "console-1", Recipient: "kiosk-1", Console: "console-1", Seq: seq, Created: time.Now()}
		if err := syncwire.WriteSitePack(&b, h, &syncwire.SitePack{KioskID: "kiosk-1", Seq: seq, ConsoleTime: time.Now(),
			TokenKeys: syncwire.TokenKeysOf(token.New(priv).PublicKeys())}, kk.Public().AgeRecipient, ck); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	resp, m = kioskCall(t, e, "POST", "/api/kiosk/sync/import", ticket, "application/octet-stream", pack(2))
	if resp.StatusCode != 200 || m["applied"].(map[string]any)["seq"] != 2.0 || m["status"].(map[string]any)["sitePackSeq"] != 2.0 {
		t.Fatalf("import: %d %v", resp.StatusCode, m)
	}
	resp, m = kioskCall(t, e, "POST", "/api/kiosk/sync/import", ticket, "application/octet-stream", pack(1))
	if resp.StatusCode != 409 || errCode(m) != "conflict" || !strings.Contains(m["error"].(map[string]any)["message"].(string), "older than the one already applied") {
		t.Fatalf("stale pack: %d %v", resp.StatusCode, m)
	}
	// The kiosk's admin view shows why the last pack was refused.
	resp, m = kioskCall(t, e, "GET", "/api/kiosk/sync", ticket, "", nil)
	if ref, _ := m["sitePackRefusal"].(map[string]any); resp.StatusCode != 200 || ref["code"] != "sync.stale" || ref["sv"] == "" || ref["en"] == "" || ref["at"] == nil {
		t.Fatalf("status after a stale pack: %d %v", resp.StatusCode, m)
	}

	// Export: an offered folder only; the file is 0600.
	outside := filepath.Join(dir, "elsewhere")
	if resp, m = kioskCall(t, e, "POST", "/api/kiosk/sync/export", ticket, "application/json", []byte(`{"folder":"`+outside+`"}`)); resp.StatusCode != 400 {
		t.Fatalf("export elsewhere: %d %v", resp.StatusCode, m)
	}
	if _, err := os.Stat(outside); err == nil {
		t.Fatal("the export wrote to a folder that was not offered")
	}
	resp, m = kioskCall(t, e, "POST", "/api/kiosk/sync/export", ticket, "application/json", []byte(`{"folder":"`+stick+`"}`))
	if resp.StatusCode != 200 {
		t.Fatalf("export: %d %v", resp.StatusCode, m)
	}
	file, _ := m["exported"].(map[string]any)["file"].(string)
	fi, err := os.Stat(file)
	if err != nil || filepath.Dir(file) != stick || fi.Mode().Perm() != 0o600 {
		t.Fatalf("bundle file %q: %v %v", file, err, fi)
	}
	st2, _ := ks.Status(ctx)
	if st2.LastExportSeq != 1 {
		t.Fatalf("status after export %+v", st2)
	}
}
