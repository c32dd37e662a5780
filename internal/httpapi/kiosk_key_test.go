package httpapi_test

import (
	"image/jpeg"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"id06desk/internal/httpapi"
	"id06desk/internal/kiosk"
)

// `serve --kiosk` prints a one-time link; the browser that opens it is the
// kiosk's screen (a cookie) and may use the camera, nobody else.
func TestKioskLinkMakesTheKioskScreen(t *testing.T) {
	k := newKioskServer(t)
	link := k.api.KioskURL(k.srv.URL + "/")
	if !strings.HasPrefix(link, k.srv.URL+"/api/kiosk/open?key=") || len(link) < len(k.srv.URL)+40 {
		t.Fatalf("kiosk link %q", link)
	}
	browser := func() *http.Client {
		jar, _ := cookiejar.New(nil)
		return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	get := func(c *http.Client, url string) (*http.Response, string) {
		resp, err := c.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}

	kioskScreen, other := browser(), browser()
	wrong := link[:strings.Index(link, "key=")+4] + "AAAAAAAAAAAAAAAAAAAAAAAAAA"
	if resp, body := get(other, wrong); resp.StatusCode != 403 || len(resp.Cookies()) != 0 || !strings.Contains(body, "kiosk link") || !strings.Contains(body, "kiosklänken") {
		t.Fatalf("wrong key: %d %v %s", resp.StatusCode, resp.Cookies(), body)
	}
	resp, _ := get(kioskScreen, link)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/#/kiosk" {
		t.Fatalf("kiosk link: %d %v", resp.StatusCode, resp.Header)
	}
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == httpapi.KioskCookie {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode || cookie.Path != "/" || cookie.Secure {
		t.Fatalf("kiosk cookie %+v", cookie)
	}
	if k.api.KioskURL(k.srv.URL) != "" {
		t.Fatal("the kiosk link is still offered after its use")
	}

	// The kiosk's screen: camera, scan and status work.
	if resp, body := get(kioskScreen, k.srv.URL+"/api/kiosk/status"); resp.StatusCode != 200 || !strings.Contains(body, `"state":"ready"`) {
		t.Fatalf("status on the kiosk screen: %d %s", resp.StatusCode, body)
	}
	resp, err := kioskScreen.Get(k.srv.URL + "/api/kiosk/camera/frame.jpg?width=320")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := jpeg.Decode(resp.Body); err != nil || resp.StatusCode != 200 {
		t.Fatalf("frame on the kiosk screen: %d %v", resp.StatusCode, err)
	}
	resp.Body.Close()
	if resp, body := get(kioskScreen, k.srv.URL+"/api/kiosk/scan"); resp.StatusCode != 200 || !strings.Contains(body, `"token":""`) {
		t.Fatalf("scan on the kiosk screen: %d %s", resp.StatusCode, body)
	}
	if _, body := get(kioskScreen, k.srv.URL+"/api/session"); !strings.Contains(body, `"station":true`) {
		t.Fatalf("session on the kiosk screen: %s", body)
	}
	// Opening the link again on the kiosk's screen just goes on to the kiosk.
	if resp, _ := get(kioskScreen, link); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("link again on the kiosk screen: %d", resp.StatusCode)
	}

	// The link works once: another browser gets nothing from it.
	if resp, body := get(other, link); resp.StatusCode != 403 || len(resp.Cookies()) != 0 {
		t.Fatalf("used link in another browser: %d %s", resp.StatusCode, body)
	}
	if resp, _ := get(other, k.srv.URL+"/api/kiosk/camera/frame.jpg"); resp.StatusCode != 403 {
		t.Fatalf("frame in another browser: %d", resp.StatusCode)
	}
}

// Inside the window the requests are in-process: the kiosk window uses the
// camera without any link; `serve` without --kiosk has no kiosk link.
func TestKioskLinkOnlyForServeKiosk(t *testing.T) {
	db := openDB(t)
	_, st := testStation(t, t.TempDir())
	pin := kiosk.NewPIN(filepath.Join(t.TempDir(), "pin"))
	window := httpapi.New(httpapi.Config{Mode: httpapi.ModeWindow, Kiosk: true, DB: db, Station: st, PIN: pin, Log: slog.New(slog.DiscardHandler)})
	rec := httptest.NewRecorder()
	window.ServeHTTP(rec, httptest.NewRequest("GET", "/api/kiosk/status", nil))
	if rec.Code != 200 || window.KioskURL("http://x") != "" {
		t.Fatalf("kiosk window: %d %s", rec.Code, rec.Body)
	}
	serve := httpapi.New(httpapi.Config{Mode: httpapi.ModeServe, DB: db, Station: st, PIN: pin, Log: slog.New(slog.DiscardHandler)})
	srv := httptest.NewServer(serve)
	t.Cleanup(srv.Close)
	if serve.KioskURL(srv.URL) != "" {
		t.Fatal("serve without --kiosk offers a kiosk link")
	}
	resp, err := srv.Client().Get(srv.URL + "/api/kiosk/open?key=x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Fatalf("kiosk link outside kiosk mode: %d", resp.StatusCode)
	}
}
