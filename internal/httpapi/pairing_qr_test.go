package httpapi_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"image"
	"image/png"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"id06desk/internal/adminauth/adminauthtest"
	"id06desk/internal/camera"
	"id06desk/internal/httpapi"
	"id06desk/internal/invite"
	"id06desk/internal/kiosk"
	"id06desk/internal/kiosksync"
	"id06desk/internal/qr"
	"id06desk/internal/syncwire"
	"id06desk/internal/token"
)

// pngOfDataURL decodes a data: URL of a PNG.
func pngOfDataURL(t *testing.T, u string) image.Image {
	t.Helper()
	b64, ok := strings.CutPrefix(u, "data:image/png;base64,")
	if !ok {
		t.Fatalf("not a PNG data URL: %.40s", u)
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// decodeQRImage reads the code with the kiosk's own scanner.
func decodeQRImage(t *testing.T, img image.Image) string {
	t.Helper()
	text, ok := camera.Scanner{}.Scan(camera.Frame{Image: camera.YCbCr420(img)})
	if !ok {
		t.Fatal("the pairing QR does not decode with the kiosk's scanner")
	}
	return text
}

// The console shows a not-yet-joined kiosk's pairing QR again (the admin
// only), at a size with whole pixels a module; once the kiosk's first
// bundle is imported, or the kiosk is revoked, it is refused: the QR
// carries the one-time secret.
func TestPairingQRRoute(t *testing.T) {
	_, e := syncEnv(t)
	resp, m := e.do(t, "POST", "/api/sync/kiosks", `{"name":"Entrén","site":"Hus A"}`)
	if resp.StatusCode != 201 || m["qrTooLarge"] != nil {
		t.Fatalf("pair: %d %v", resp.StatusCode, m)
	}
	id := m["kiosk"].(map[string]any)["id"].(string)
	first := decodeQRImage(t, pngOfDataURL(t, m["qrPng"].(string)))

	resp, m = e.do(t, "GET", "/api/sync/kiosks/"+id+"/pairing/qr", "")
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Cache-Control"), "no-store") || m["pairingUrl"] != "/api/sync/kiosks/"+id+"/pairing" {
		t.Fatalf("pairing QR: %d %v %v", resp.StatusCode, resp.Header, m)
	}
	img := pngOfDataURL(t, m["qrPng"].(string))
	if b := img.Bounds(); b.Dx() != httpapi.PairingQRSize || b.Dy() != httpapi.PairingQRSize {
		t.Fatalf("QR image %v", b)
	}
	text := decodeQRImage(t, img)
	p, _, err := syncwire.ParsePairingQR(text)
	if err != nil || p.KioskID != id || p.KioskName != "Entrén" {
		t.Fatalf("the QR's pairing %+v %v", p, err)
	}
	if text != first {
		t.Fatal("the QR shown again is not the pairing's")
	}
	if mod := moduleSize(img); mod < 5 {
		t.Fatalf("%d pixels a module: too small for a webcam at arm's length", mod)
	}

	// The kiosk's first bundle (no registrations: it proves the pairing).
	kk, _ := syncwire.NewKioskKeys()
	now := time.Now().UTC()
	h := syncwire.FirstBundleHeader(syncwire.Header{Sender: p.KioskID, Recipient: p.ConsoleID, Console: p.ConsoleID, Seq: 1, Created: now}, p.Secret, kk)
	var b bytes.Buffer
	ew, err := syncwire.NewWriter(&b, syncwire.KindBundle, h, p.ConsoleKeys.AgeRecipient, kk)
	if err != nil {
		t.Fatal(err)
	}
	bw, _ := syncwire.NewBundleWriter(ew, syncwire.Manifest{KioskID: p.KioskID, Seq: 1, Created: now})
	if err := bw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ew.Close(); err != nil {
		t.Fatal(err)
	}
	if resp, m := e.send(t, "POST", "/api/sync/import", "application/octet-stream", b.String()); resp.StatusCode != 200 {
		t.Fatalf("import: %d %v", resp.StatusCode, m)
	}
	resp, m = e.do(t, "GET", "/api/sync/kiosks/"+id+"/pairing/qr", "")
	if resp.StatusCode != 409 || m["qrPng"] != nil || m["error"].(map[string]any)["details"].(map[string]any)["reason"] != "sync.kiosk_joined" {
		t.Fatalf("pairing QR after the join: %d %v", resp.StatusCode, m)
	}

	// A revoked kiosk that never joined: no QR either.
	_, m = e.do(t, "POST", "/api/sync/kiosks", `{"name":"Grind B"}`)
	other := m["kiosk"].(map[string]any)["id"].(string)
	e.do(t, "POST", "/api/sync/kiosks/"+other+"/revoke", "")
	if resp, m := e.do(t, "GET", "/api/sync/kiosks/"+other+"/pairing/qr", ""); resp.StatusCode != 409 || m["qrPng"] != nil {
		t.Fatalf("pairing QR of a revoked kiosk: %d %v", resp.StatusCode, m)
	}
	// Paired again under its name: the answer names the revoked one.
	resp, m = e.do(t, "POST", "/api/sync/kiosks", `{"name":"Grind B"}`)
	if resp.StatusCode != 201 || m["replaces"].(map[string]any)["id"] != other || m["kiosk"].(map[string]any)["id"] == other {
		t.Fatalf("pair again: %d %v", resp.StatusCode, m)
	}
}

// moduleSize is the width in pixels of the QR's top-left finder pattern's
// dark outer ring (one module), read along its middle row.
func moduleSize(img image.Image) int {
	b := img.Bounds()
	dark := func(x, y int) bool { r, _, _, _ := img.At(x, y).RGBA(); return r < 0x8000 }
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if dark(x, y) {
				n := 0
				for yy := y; yy < b.Max.Y && dark(x, yy); yy++ {
					n++
				}
				// The outer column of the finder is 7 modules high.
				return n / 7
			}
		}
	}
	return 0
}

// The kiosk joins by showing its camera the console's pairing QR (the test
// camera plays its PNG), with the PIN's ticket only; then unpairs: refused
// while a sealed registration waits, unless forced.
func TestKioskJoinByQRAndLeave(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := openDB(t)
	tc, st := testStation(t, dir)
	pin := kiosk.NewPIN(filepath.Join(dir, "pin"), kiosk.PINHasher(adminauthtest.Hasher()))
	if err := pin.Set("2468"); err != nil {
		t.Fatal(err)
	}
	ks, err := kiosksync.New(kiosksync.Config{Store: db, Dir: filepath.Join(dir, "sync")})
	if err != nil {
		t.Fatal(err)
	}
	api := httpapi.New(httpapi.Config{Mode: httpapi.ModeServe, Kiosk: true, DB: db, Station: st, PIN: pin, KioskSync: ks})
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	e := &env{srv: srv, db: db, c: kioskScreen(t, srv, api)}
	_, m := kioskCall(t, e, "POST", "/api/kiosk/admin", "", "application/json", []byte(`{"pin":"2468"}`))
	ticket := m["ticket"].(string)

	if resp, m := kioskCall(t, e, "POST", "/api/kiosk/sync/join/scan", "", "application/json", []byte(`{"after":0}`)); resp.StatusCode != 401 {
		t.Fatalf("scan without the ticket: %d %v", resp.StatusCode, m)
	}
	// A picture without a code: only the frame's number.
	resp, m := kioskCall(t, e, "POST", "/api/kiosk/sync/join/scan", ticket, "application/json", []byte(`{"after":0}`))
	if resp.StatusCode != 200 || m["joined"] != nil || m["seq"] == nil {
		t.Fatalf("scan of a grey picture: %d %v", resp.StatusCode, m)
	}

	ck, _ := syncwire.NewConsoleKeys()
	secret, _ := syncwire.NewSecret()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	text, err := syncwire.PairingQR(&syncwire.Pairing{ConsoleID: "console-1", ConsoleName: "Office", ConsoleKeys: ck.Public(),
		TokenKeys: syncwire.TokenKeysOf(token.New(priv).PublicKeys()), KioskID: "kiosk-1", KioskName: "Gate A", Secret: secret, Created: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	pic, err := qr.PNG(text, qr.Low, httpapi.PairingQRSize)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "pics", "pairing.png"), pic, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := tc.Play("pairing.png"); err != nil {
		t.Fatal(err)
	}
	st.Rescan(ctx)
	var after float64
	for i := 0; ; i++ {
		resp, m = kioskCall(t, e, "POST", "/api/kiosk/sync/join/scan", ticket, "application/json", []byte(`{"after":`+formatSeq(after)+`}`))
		if resp.StatusCode != 200 {
			t.Fatalf("scan: %d %v", resp.StatusCode, m)
		}
		if m["joined"] != nil {
			break
		}
		if i == 10 {
			t.Fatal("the pairing QR was not read in 10 scans")
		}
		after = m["seq"].(float64)
	}
	if m["joined"].(map[string]any)["kioskId"] != "kiosk-1" || m["status"].(map[string]any)["paired"] != true {
		t.Fatalf("joined: %v", m)
	}
	if !ks.Paired() {
		t.Fatal("not paired")
	}
	// Shown again: already paired, with its sentence.
	resp, m = kioskCall(t, e, "POST", "/api/kiosk/sync/join/scan", ticket, "application/json", []byte(`{"after":0}`))
	if resp.StatusCode != 409 || errCode(m) != "conflict" {
		t.Fatalf("the QR again: %d %v", resp.StatusCode, m)
	}

	if resp, m := kioskCall(t, e, "POST", "/api/kiosk/sync/leave", "", "application/json", []byte(`{}`)); resp.StatusCode != 401 {
		t.Fatalf("leave without the ticket: %d %v", resp.StatusCode, m)
	}
	// One sealed registration waits for the console.
	invID := "9b2f4c1e-3a5d-4e6f-8a7b-1c2d3e4f5a6b"
	if _, err := db.AdoptInvitation(ctx, invite.Invitation{ID: invID, Code: "~" + invID, CardType: "id06-rfid", Language: "sv",
		Status: invite.StatusSent, Token: "v1.a.b", ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SealRegistration(ctx, "reg-1", invID, func(uint64) ([]byte, error) { return []byte("sealed"), nil },
		func(inv *invite.Invitation) (invite.Change, error) {
			inv.Status = invite.StatusRegistered
			return invite.Change{}, nil
		}); err != nil {
		t.Fatal(err)
	}
	resp, m = kioskCall(t, e, "POST", "/api/kiosk/sync/leave", ticket, "application/json", []byte(`{}`))
	if resp.StatusCode != 409 || errCode(m) != "conflict" || m["error"].(map[string]any)["details"].(map[string]any)["reason"] != "sync.unpair_pending" ||
		!strings.Contains(m["error"].(map[string]any)["message"].(string), "1 ") {
		t.Fatalf("leave with a sealed registration waiting: %d %v", resp.StatusCode, m)
	}
	if !ks.Paired() {
		t.Fatal("a refused leave unpaired the kiosk")
	}
	resp, m = kioskCall(t, e, "POST", "/api/kiosk/sync/leave", ticket, "application/json", []byte(`{"force":true}`))
	if resp.StatusCode != 200 || m["status"].(map[string]any)["paired"] != false || m["left"].(map[string]any)["kioskId"] != "kiosk-1" ||
		m["left"].(map[string]any)["deleted"] != 1.0 {
		t.Fatalf("leave: %d %v", resp.StatusCode, m)
	}
	if resp, m := kioskCall(t, e, "POST", "/api/kiosk/sync/leave", ticket, "application/json", []byte(`{}`)); resp.StatusCode != 409 || errCode(m) != "not_configured" {
		t.Fatalf("leave unpaired: %d %v", resp.StatusCode, m)
	}
}

func formatSeq(f float64) string { return strconv.FormatFloat(f, 'f', 0, 64) }
