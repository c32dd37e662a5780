package httpapi_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"id06desk/internal/httpapi"
	"id06desk/internal/syncwire"
)

// syncEnv is the console window with the sync routes.
func syncEnv(t *testing.T) (*stack, *env) {
	t.Helper()
	s := newStack(t)
	cfg := s.config(false)
	cfg.Mode = httpapi.ModeWindow
	cfg.ConsoleSync = s.consoleSync()
	srv := httptest.NewServer(httpapi.New(cfg))
	t.Cleanup(srv.Close)
	return s, &env{srv: srv, db: s.db, c: srv.Client()}
}

func (e *env) raw(t *testing.T, method, path, contentType string, body []byte) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, bytes.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := e.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func testCardPhoto(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 350, 450))
	for y := range 450 {
		for x := range 350 {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 90, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestSyncConsoleRoutes(t *testing.T) {
	s, e := syncEnv(t)
	resp, m := e.do(t, "POST", "/api/sync/kiosks", `{"name":"Entrén","site":"Hus A"}`)
	if resp.StatusCode != 201 || !strings.HasPrefix(m["qrPng"].(string), "data:image/png;base64,") {
		t.Fatalf("pair: %d %v", resp.StatusCode, m)
	}
	if resp, m := e.do(t, "POST", "/api/sync/kiosks", `{"name":"Entrén"}`); resp.StatusCode != 409 || errCode(m) != "conflict" {
		t.Fatalf("same name: %d %v", resp.StatusCode, m)
	}
	resp, file := e.raw(t, "GET", m["pairingUrl"].(string), "", nil)
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), "id06desk-pairing-Entren.id06sync") {
		t.Fatalf("pairing file: %d %v", resp.StatusCode, resp.Header)
	}
	p, err := syncwire.OpenPairing(bytes.NewReader(file), t.TempDir())
	if err != nil || p.KioskName != "Entrén" || p.Site != "Hus A" {
		t.Fatalf("pairing %+v %v", p, err)
	}

	// The kiosk's first bundle, with one registration.
	kiosk, err := syncwire.NewKioskKeys()
	if err != nil {
		t.Fatal(err)
	}
	tok := s.invite(t, "a@example.se")
	now := time.Now().UTC()
	reg := syncwire.Registration{ID: "0b7e4a52-1c2d-4e5f-8a9b-000000000001", KioskID: p.KioskID, Seq: 1, Token: tok, RegisteredAt: now,
		FirstName: "Åsa", LastName: "Öberg", Personnummer: "199001011239", Phone: "+46701234567",
		Delivery: syncwire.Delivery{UseCompany: true}, IdentityMethod: "manual"}
	h := syncwire.FirstBundleHeader(syncwire.Header{Sender: p.KioskID, Recipient: p.ConsoleID, Console: p.ConsoleID, Seq: 1, Created: now}, p.Secret, kiosk)
	var bundle bytes.Buffer
	ew, err := syncwire.NewWriter(&bundle, syncwire.KindBundle, h, p.ConsoleKeys.AgeRecipient, kiosk)
	if err != nil {
		t.Fatal(err)
	}
	bw, err := syncwire.NewBundleWriter(ew, syncwire.Manifest{KioskID: p.KioskID, Seq: 1, Count: 1, Created: now})
	if err != nil {
		t.Fatal(err)
	}
	ph := testCardPhoto(t)
	var sealed bytes.Buffer
	if err := syncwire.Seal(&sealed, reg, bytes.NewReader(ph), int64(len(ph)), p.ConsoleKeys.AgeRecipient); err != nil {
		t.Fatal(err)
	}
	if err := bw.AddSealed(1, bytes.NewReader(sealed.Bytes()), int64(sealed.Len())); err != nil {
		t.Fatal(err)
	}
	if err := bw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ew.Close(); err != nil {
		t.Fatal(err)
	}

	if resp, _ := e.raw(t, "POST", "/api/sync/import", "text/plain", bundle.Bytes()); resp.StatusCode != 415 {
		t.Fatalf("text/plain import: %d", resp.StatusCode)
	}
	resp, m = e.send(t, "POST", "/api/sync/import", "application/octet-stream", bundle.String())
	if resp.StatusCode != 200 || m["applied"] != 1.0 || m["kioskName"] != "Entrén" {
		t.Fatalf("import: %d %v", resp.StatusCode, m)
	}
	resp, m = e.send(t, "POST", "/api/sync/import", "application/octet-stream", bundle.String())
	if resp.StatusCode != 422 || errCode(m) != "sync_refused" || m["error"].(map[string]any)["details"].(map[string]any)["reason"] != "sync.replayed" {
		t.Fatalf("replay: %d %v", resp.StatusCode, m)
	}

	resp, m = e.do(t, "GET", "/api/sync/kiosks", "")
	items := m["items"].([]any)
	k := items[0].(map[string]any)
	if resp.StatusCode != 200 || len(items) != 1 || k["joined"] != true || k["received"] != 1.0 || k["lastBundleSeq"] != 1.0 ||
		len(m["refusals"].([]any)) != 1 || k["sitePackUrl"] == nil {
		t.Fatalf("list: %d %v", resp.StatusCode, m)
	}
	id := k["id"].(string)
	if resp, m := e.do(t, "GET", "/api/sync/kiosks/"+id+"/pairing", ""); resp.StatusCode != 409 || errCode(m) != "conflict" {
		t.Fatalf("pairing after joining: %d %v", resp.StatusCode, m)
	}
	resp, pack := e.raw(t, "GET", k["sitePackUrl"].(string), "", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("site pack: %d %s", resp.StatusCode, pack)
	}
	cpub := p.ConsoleKeys.SignPub
	env2, err := syncwire.Open(bytes.NewReader(pack), syncwire.OpenOptions{Kind: syncwire.KindSitePack, Me: p.KioskID, Console: p.ConsoleID,
		Identity: kiosk, TempDir: t.TempDir(), SenderKey: func(syncwire.Header) (ed25519.PublicKey, error) { return cpub, nil }})
	if err != nil {
		t.Fatal(err)
	}
	sp, err := syncwire.ReadSitePack(env2)
	env2.Close()
	if err != nil || len(sp.Acks.Registrations) != 1 {
		t.Fatalf("site pack %+v %v", sp, err)
	}

	if resp, m := e.do(t, "GET", "/api/sync/conflicts", ""); resp.StatusCode != 200 || len(m["items"].([]any)) != 0 {
		t.Fatalf("conflicts: %d %v", resp.StatusCode, m)
	}
	if resp, m := e.do(t, "POST", "/api/sync/conflicts/nope/resolve", `{"keep":"existing"}`); resp.StatusCode != 404 || errCode(m) != "not_found" {
		t.Fatalf("resolve unknown: %d %v", resp.StatusCode, m)
	}
	if resp, m := e.do(t, "POST", "/api/sync/kiosks/"+id+"/revoke", ""); resp.StatusCode != 200 || m["kiosk"].(map[string]any)["revokedAt"] == nil {
		t.Fatalf("revoke: %d %v", resp.StatusCode, m)
	}
	if resp, m := e.do(t, "DELETE", "/api/sync/kiosks/nowhere", ""); resp.StatusCode != 404 {
		t.Fatalf("revoke unknown: %d %v", resp.StatusCode, m)
	}
	var orders int
	if err := s.db.Reader().QueryRowContext(context.Background(), `SELECT count(*) FROM orders WHERE registered_where = 'kiosk'`).Scan(&orders); err != nil || orders != 1 {
		t.Fatalf("%d kiosk orders %v", orders, err)
	}
}

func TestSyncRoutesNeedTheAdmin(t *testing.T) {
	s := newStack(t)
	cfg := s.config(false)
	cfg.ConsoleSync = s.consoleSync()
	srv := httptest.NewServer(httpapi.New(cfg))
	t.Cleanup(srv.Close)
	e := &env{srv: srv, db: s.db, c: srv.Client()}
	for _, p := range []string{"/api/sync/kiosks", "/api/sync/conflicts", "/api/sync/kiosks/x/pairing/qr"} {
		if resp, m := e.do(t, "GET", p, ""); resp.StatusCode != 401 {
			t.Fatalf("%s without login: %d %v", p, resp.StatusCode, m)
		}
	}
}
