package httpapi_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"id06desk/internal/adminauth/adminauthtest"
	"id06desk/internal/camera/cameratest"
	"id06desk/internal/httpapi"
	"id06desk/internal/kiosk"
)

func TestKioskAPI(t *testing.T) {
	dir := t.TempDir()
	db := openDB(t)
	tc, st := testStation(t, dir)
	pin := kiosk.NewPIN(filepath.Join(dir, "pin"), kiosk.PINHasher(adminauthtest.Hasher()))
	var exited atomic.Bool
	api := httpapi.New(httpapi.Config{Mode: httpapi.ModeServe, Kiosk: true, DB: db, Station: st, PIN: pin, TestCamera: tc.Play,
		OnKioskExit: func() { exited.Store(true) }})
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	e := &env{srv: srv, db: db, c: kioskScreen(t, srv, api)}

	_, m := e.do(t, "GET", "/api/kiosk/status", "")
	if m["camera"].(map[string]any)["state"] != "ready" || m["kiosk"] != true || m["pinSet"] != false {
		t.Fatalf("status %v", m)
	}
	r, err := e.c.Get(srv.URL + "/api/kiosk/camera/frame.jpg?width=400")
	if err != nil {
		t.Fatal(err)
	}
	pic, _, err := image.Decode(r.Body)
	r.Body.Close()
	if err != nil || r.Header.Get("X-Frame-Seq") == "" || pic.Bounds().Dx() > 400 {
		t.Fatalf("frame: %v %v %s", err, pic.Bounds(), r.Header.Get("X-Frame-Seq"))
	}
	resp, m := e.do(t, "GET", "/api/kiosk/scan", "")
	if resp.StatusCode != 200 || m["token"] != "" {
		t.Fatalf("scan of a plain picture: %d %v", resp.StatusCode, m)
	}
	resp, m = e.do(t, "POST", "/api/kiosk/test-camera", `{"file":"missing.png"}`)
	if resp.StatusCode != 400 {
		t.Fatalf("missing test picture: %d %v", resp.StatusCode, m)
	}

	resp, m = e.do(t, "POST", "/api/kiosk/exit", `{"pin":"1234"}`)
	if resp.StatusCode != 409 || errCode(m) != "no_pin" {
		t.Fatalf("exit without PIN: %d %v", resp.StatusCode, m)
	}
	resp, _ = e.do(t, "PUT", "/api/kiosk/pin", `{"pin":"1234"}`)
	if resp.StatusCode != 401 && resp.StatusCode != 403 {
		t.Fatalf("the kiosk set its own PIN: %d", resp.StatusCode)
	}
	if err := pin.Set("2468"); err != nil {
		t.Fatal(err)
	}
	resp, m = e.do(t, "POST", "/api/kiosk/exit", `{"pin":"1357"}`)
	if resp.StatusCode != 401 || errCode(m) != "invalid_pin" || exited.Load() {
		t.Fatalf("wrong PIN: %d %v", resp.StatusCode, m)
	}
	resp, _ = e.do(t, "POST", "/api/kiosk/exit", `{"pin":"2468"}`)
	if resp.StatusCode != 204 {
		t.Fatalf("right PIN: %d", resp.StatusCode)
	}
	deadline := time.Now().Add(3 * time.Second)
	for !exited.Load() && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if !exited.Load() {
		t.Fatal("the kiosk did not exit")
	}

	// Unplugged: the preview says why, with the state.
	tc.Close()
	deadline = time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		resp, m = e.do(t, "GET", "/api/kiosk/camera/frame.jpg", "")
		if resp.StatusCode == 503 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if resp.StatusCode != 503 || errCode(m) != "camera_unavailable" || m["error"].(map[string]any)["details"].(map[string]any)["state"] != "unplugged" {
		t.Fatalf("unplugged: %d %v", resp.StatusCode, m)
	}
}

// testStation is a camera station playing one grey picture.
func testStation(t *testing.T, dir string) (*cameratest.Folder, *kiosk.Station) {
	t.Helper()
	pics := filepath.Join(dir, "pics")
	os.Mkdir(pics, 0o700)
	img := image.NewRGBA(image.Rect(0, 0, 800, 600))
	draw.Draw(img, img.Rect, &image.Uniform{color.Gray{200}}, image.Point{}, draw.Src)
	f, _ := os.Create(filepath.Join(pics, "a.png"))
	png.Encode(f, img)
	f.Close()
	tc, err := cameratest.NewFolder(pics)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tc.Close)
	st := kiosk.NewStation(func(context.Context) kiosk.Choice { return kiosk.Choice{Label: cameratest.Label} })
	t.Cleanup(st.Close)
	return tc, st
}

// kioskScreen is a browser that opened the kiosk link of `serve --kiosk`.
func kioskScreen(t *testing.T, srv *httptest.Server, api *httpapi.Server) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	link := api.KioskURL(srv.URL)
	if link == "" {
		t.Fatal("serve --kiosk has no kiosk link")
	}
	resp, err := c.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/#/kiosk" {
		t.Fatalf("kiosk link: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	return c
}

// Outside kiosk mode only the admin may watch the camera or take a photo
// with it.
func TestCameraIsNotPublicOutsideTheKiosk(t *testing.T) {
	st := kiosk.NewStation(func(context.Context) kiosk.Choice { return kiosk.Choice{} })
	t.Cleanup(st.Close)
	api := httpapi.New(httpapi.Config{Mode: httpapi.ModeServe, Station: st, PIN: kiosk.NewPIN(filepath.Join(t.TempDir(), "pin"))})
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	e := &env{srv: srv, c: srv.Client()}
	for _, p := range []string{"/api/kiosk/status", "/api/kiosk/camera/frame.jpg", "/api/kiosk/scan"} {
		if resp, _ := e.do(t, "GET", p, ""); resp.StatusCode != 401 && resp.StatusCode != 403 {
			t.Errorf("%s without login outside kiosk mode: %d", p, resp.StatusCode)
		}
	}
}

// TestPreviewStartLoggedOnce: the first preview frame served is one log
// line (the start-up benchmark's "live preview" signal), not one per frame.
func TestPreviewStartLoggedOnce(t *testing.T) {
	dir := t.TempDir()
	_, st := testStation(t, dir)
	var logged bytes.Buffer
	var mu sync.Mutex
	log := slog.New(slog.NewTextHandler(lockedWriter{&mu, &logged}, nil))
	api := httpapi.New(httpapi.Config{Mode: httpapi.ModeServe, Kiosk: true, DB: openDB(t), Station: st, Log: log})
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	c := kioskScreen(t, srv, api)
	for range 3 {
		r, err := c.Get(srv.URL + "/api/kiosk/camera/frame.jpg?width=320")
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != 200 {
			t.Fatalf("frame: %d", r.StatusCode)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if n := strings.Count(logged.String(), `msg="camera preview started" width=320`); n != 1 {
		t.Fatalf("%d 'camera preview started' lines, want 1:\n%s", n, logged.String())
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
