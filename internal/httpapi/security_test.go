package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"id06desk/internal/adminauth"
	"id06desk/internal/adminauth/adminauthtest"
	"id06desk/internal/httpapi"
	"id06desk/internal/invitations"
	"id06desk/internal/kiosk"
	"id06desk/internal/settings"
)

// A `serve --kiosk` reachable over the network: nobody but the kiosk's own
// screen may watch its camera, read what it scanned or take a picture.
func TestStationRoutesRefusedWithoutKioskCookie(t *testing.T) {
	k := newKioskServer(t)
	e := &env{srv: k.srv, c: k.srv.Client()}
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/api/kiosk/status", ""},
		{"GET", "/api/kiosk/camera/frame.jpg", ""},
		{"GET", "/api/kiosk/scan", ""},
		{"POST", "/api/kiosk/camera/rescan", ""},
		{"POST", "/api/kiosk/test-camera", `{"file":"a.png"}`},
		{"POST", "/api/kiosk/exit", `{"pin":"2468"}`},
		{"POST", "/api/register/" + k.token + "/photo/capture", ""},
	} {
		resp, m := e.do(t, c.method, c.path, c.body)
		if resp.StatusCode != http.StatusForbidden || errCode(m) != "kiosk_only" {
			t.Errorf("%s %s without the kiosk cookie: %d %v", c.method, c.path, resp.StatusCode, m)
		}
	}
	// A cookie from somewhere else is no key either.
	req, _ := http.NewRequest("GET", k.srv.URL+"/api/kiosk/camera/frame.jpg", nil)
	req.AddCookie(&http.Cookie{Name: "id06desk_kiosk", Value: "guessed"})
	if resp, err := k.srv.Client().Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("guessed kiosk cookie: %v %v", resp.StatusCode, err)
	}
	_, m := e.do(t, "GET", "/api/session", "")
	if m["kiosk"] != true || m["station"] != false {
		t.Fatalf("session of another browser: %v", m)
	}
}

// kioskServer is `serve --kiosk` with the test camera and one invitation.
type kioskServer struct {
	api   *httpapi.Server
	srv   *httptest.Server
	token string
}

func newKioskServer(t *testing.T) *kioskServer {
	t.Helper()
	s := newStack(t)
	tok := s.invite(t, "k@example.se")
	tc, station := s.station(t)
	pin := kiosk.NewPIN(filepath.Join(s.dir, "pin"), kiosk.PINHasher(adminauthtest.Hasher()))
	if err := pin.Set("2468"); err != nil {
		t.Fatal(err)
	}
	api := httpapi.New(httpapi.Config{Mode: httpapi.ModeServe, Kiosk: true, DB: s.db, Settings: s.st, Registration: s.reg,
		Station: station, PIN: pin, TestCamera: tc.Play, Log: slog.New(slog.DiscardHandler)})
	srv := httptest.NewServer(api.Site())
	t.Cleanup(srv.Close)
	return &kioskServer{api: api, srv: srv, token: tok}
}

// Every serve request names this server's address, or the public_url's
// host: another name (DNS rebinding) gets 421, for the API and the pages.
func TestForeignHostRefused(t *testing.T) {
	db := openDB(t)
	st := settings.NewService(db, t.TempDir())
	if err := st.Set(context.Background(), "t", map[string]string{"public_url": "https://id06.bygg.example"}); err != nil {
		t.Fatal(err)
	}
	api := httpapi.New(httpapi.Config{Mode: httpapi.ModeServe, DB: db, Settings: st, Log: slog.New(slog.DiscardHandler),
		Assets: fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>id06desk</title>")}}})
	srv := httptest.NewServer(api.Site())
	t.Cleanup(srv.Close)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())

	get := func(host, path string) (int, string) {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Host = host
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, host := range []string{"127.0.0.1:" + port, "localhost:" + port, "LOCALHOST:" + port, "id06.bygg.example", "id06.bygg.example:443"} {
		for _, path := range []string{"/api/health", "/"} {
			if code, body := get(host, path); code != 200 {
				t.Errorf("Host %s %s: %d %s", host, path, code, body)
			}
		}
	}
	for _, host := range []string{"evil.example:" + port, "evil.example", "127.0.0.1:1", "localhost", "id06.bygg.example:" + port, "127.0.0.1.evil.example:" + port} {
		for _, path := range []string{"/api/health", "/", "/api/kiosk/scan", "/assets/x.js"} {
			code, body := get(host, path)
			if code != http.StatusMisdirectedRequest || !strings.Contains(body, "does not answer for the address") {
				t.Errorf("Host %q %s: %d %s", host, path, code, body)
			}
		}
	}
	if code, body := get("evil.example:"+port, "/"); !strings.Contains(body, "svarar inte") {
		t.Errorf("the page says it only in English: %d %s", code, body)
	}
}

// The cross-site check: only the exact origins of the app's own pages.
func TestOriginMustBeExact(t *testing.T) {
	post := func(e *env, origin string) int {
		req, _ := http.NewRequest("POST", e.srv.URL+"/api/ui-ready", strings.NewReader(`{"route":"#/"}`))
		req.Header.Set("Content-Type", "application/json")
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		resp, err := e.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	serve := newEnv(t, httpapi.ModeServe, false)
	for origin, want := range map[string]int{
		"":                    204,
		serve.srv.URL:         204,
		"null":                403,
		"wails://wails":       403,
		"wails://evil":        403,
		"http://evil.example": 403,
		strings.Replace(serve.srv.URL, "http:", "https:", 1): 403,
		serve.srv.URL + ".evil.example":                      403,
	} {
		if got := post(serve, origin); got != want {
			t.Errorf("serve, Origin %q: %d, want %d", origin, got, want)
		}
	}
	window := newEnv(t, httpapi.ModeWindow, false)
	for origin, want := range map[string]int{
		"":                       204,
		"wails://wails":          204,
		"null":                   403,
		"wails://evil":           403,
		"wails://wails.evil":     403,
		"wails://wails:1":        403,
		window.srv.URL:           403,
		"http://wails.localhost": 403,
	} {
		if got := post(window, origin); got != want {
			t.Errorf("window, Origin %q: %d, want %d", origin, got, want)
		}
	}
}

// 5xx answers are logged with the route's pattern: the path would put the
// invitation token (a bearer credential) into the log.
func TestServerErrorLogNamesRouteNotPath(t *testing.T) {
	s := newStack(t)
	tok := s.invite(t, "log@example.se")
	var logBuf bytes.Buffer
	api := httpapi.New(httpapi.Config{Mode: httpapi.ModeServe, DB: s.db, Settings: s.st, Registration: s.reg,
		Log: slog.New(slog.NewTextHandler(&logBuf, nil))})
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	e := &env{srv: srv, c: srv.Client()}
	s.db.Close() // every query fails from here on: 500

	resp, m := e.do(t, "GET", "/api/register/"+tok, "")
	if resp.StatusCode != 500 || errCode(m) != "internal" {
		t.Fatalf("with the database closed: %d %v", resp.StatusCode, m)
	}
	resp, _ = e.do(t, "PUT", "/api/register/"+tok+"/personal", `{"firstName":"Anna"}`)
	if resp.StatusCode != 500 {
		t.Fatalf("with the database closed: %d", resp.StatusCode)
	}
	log := logBuf.String()
	if strings.Contains(log, tok) || strings.Contains(log, tok[:20]) {
		t.Fatalf("the log holds the token:\n%s", log)
	}
	if !strings.Contains(log, `route="GET /api/register/{token}"`) || !strings.Contains(log, `route="PUT /api/register/{token}/personal"`) {
		t.Fatalf("the log does not name the route:\n%s", log)
	}
}

// The session cookie is Secure when the public address is https (a TLS
// proxy in front of serve), and only then on plain HTTP.
func TestSessionCookieSecureWithHTTPSPublicURL(t *testing.T) {
	for _, c := range []struct {
		publicURL string
		secure    bool
	}{{"", false}, {"http://10.0.0.5:8080", false}, {"https://id06.bygg.example", true}} {
		t.Run(c.publicURL, func(t *testing.T) {
			db := openDB(t)
			st := settings.NewService(db, t.TempDir())
			if c.publicURL != "" {
				if err := st.Set(context.Background(), "t", map[string]string{"public_url": c.publicURL}); err != nil {
					t.Fatal(err)
				}
			}
			auth := adminauth.New(db, nil, adminauth.WithHasher(adminauthtest.Hasher()))
			if err := auth.SetPassword(context.Background(), "a long admin secret"); err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(httpapi.New(httpapi.Config{Mode: httpapi.ModeServe, DB: db, Auth: auth, Settings: st}))
			t.Cleanup(srv.Close)
			e := &env{srv: srv, c: srv.Client()}
			resp, _ := e.do(t, "POST", "/api/login", `{"password":"a long admin secret"}`)
			var got *http.Cookie
			for _, ck := range resp.Cookies() {
				if ck.Name == httpapi.SessionCookie {
					got = ck
				}
			}
			if resp.StatusCode != 200 || got == nil || got.Secure != c.secure || !got.HttpOnly {
				t.Fatalf("login: %d, cookie %+v, want Secure=%v", resp.StatusCode, got, c.secure)
			}
		})
	}
}

// No folder of the built UI is listed, whichever way it is named.
func TestNoDirectoryListings(t *testing.T) {
	db := openDB(t)
	api := httpapi.New(httpapi.Config{Mode: httpapi.ModeServe, DB: db, Assets: fstest.MapFS{
		"index.html":           {Data: []byte("<!doctype html><title>id06desk</title>")},
		"assets/index-abc.js":  {Data: []byte("console.log(1)")},
		"assets/fonts/a.woff2": {Data: []byte("woff")},
	}})
	srv := httptest.NewServer(api.Site())
	t.Cleanup(srv.Close)
	for _, p := range []string{"/assets/", "/assets", "/assets/fonts/", "/assets/fonts", "/assets/./", "/assets/fonts/..", "/x/../assets/"} {
		resp, err := srv.Client().Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 404 || strings.Contains(string(b), "index-abc.js") {
			t.Errorf("%s: %d %q", p, resp.StatusCode, b)
		}
	}
	for _, p := range []string{"/", "/assets/index-abc.js", "/assets/fonts/a.woff2"} {
		resp, err := srv.Client().Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
	}
}

// A CSV import takes files up to its 2 MB limit; a larger one is 413 and
// names that limit (it was 200 with "request body too large" above 1 MB).
func TestCSVImportUpToItsLimit(t *testing.T) {
	e := newInvitationEnv(t)
	csvOf := func(size int) string {
		var b strings.Builder
		b.WriteString("email,name\n")
		for i := 0; b.Len() < size; i++ {
			fmt.Fprintf(&b, "person%07d@example.se,Anna Berg\n", i) // names follow the cardholder rules: no digits
		}
		return b.String()[:size]
	}
	body := csvOf(invitations.MaxCSVBytes)
	body = body[:strings.LastIndexByte(body, '\n')+1]
	body += strings.Repeat(" ", invitations.MaxCSVBytes-len(body)) // exactly the limit
	resp, m := e.send(t, "POST", "/api/invitations/parse-csv", "text/csv; charset=utf-8", body)
	rows, _ := m["rows"].([]any)
	errs, _ := m["errors"].([]any)
	if resp.StatusCode != 200 || len(rows) < 50000 || len(errs) > 1 {
		t.Fatalf("%d-byte CSV: %d, %d rows, errors %v", len(body), resp.StatusCode, len(rows), errs)
	}
	resp, m = e.send(t, "POST", "/api/invitations/parse-csv", "text/csv", body+"x")
	e2, _ := m["error"].(map[string]any)
	details, _ := e2["details"].(map[string]any)
	if resp.StatusCode != 413 || errCode(m) != "too_large" || details["limit"] != fmt.Sprint(invitations.MaxCSVBytes) || !strings.Contains(fmt.Sprint(e2["message"]), "2 MB") {
		t.Fatalf("CSV one byte over the limit: %d %v", resp.StatusCode, m)
	}
}

// A JSON body of the wrong shape is answered in plain words naming the
// field, never with Go's own text.
func TestJSONErrorsInPlainWords(t *testing.T) {
	k := newKioskServer(t)
	e := &env{srv: k.srv, c: k.srv.Client()}
	crop := "/api/register/" + k.token + "/photo/crop"
	for _, c := range []struct {
		method, path, body string
		want, field        string
	}{
		{"PUT", crop, `{"x":"a","y":0,"width":10,"height":10}`, `The field "x" must be`, "x"},
		{"PUT", crop, `{"x":1.5}`, `The field "x" must be a whole number`, "x"},
		{"PUT", crop, `{"x":1,"z":2}`, `The field "z" is not known`, "z"},
		{"PUT", crop, `[1,2]`, "must be an object", ""},
		{"PUT", crop, `{"x":`, "before its JSON is complete", ""},
		{"PUT", crop, `{"x" 1}`, "not valid JSON", ""},
		{"PUT", crop, `{} {}`, "more after its JSON value", ""},
		{"PUT", "/api/register/" + k.token + "/method", `{"method":true}`, `The field "method" must be text, not true or false`, "method"},
		{"POST", "/api/register/lookup", `{"code":["A"]}`, `The field "code" must be text, not a list`, "code"},
	} {
		resp, m := e.do(t, c.method, c.path, c.body)
		e2, _ := m["error"].(map[string]any)
		msg := fmt.Sprint(e2["message"])
		if resp.StatusCode != 400 || errCode(m) != "bad_request" || !strings.Contains(msg, c.want) {
			t.Errorf("%s: %d %v", c.body, resp.StatusCode, m)
		}
		for _, goText := range []string{"json:", "Go ", "struct", "unmarshal", "registration.", "int", "float64", "[]"} {
			if strings.Contains(msg, goText) {
				t.Errorf("%s: the message shows Go's text %q: %s", c.body, goText, msg)
			}
		}
		if fields, _ := e2["fields"].(map[string]any); c.field != "" && fields[c.field] == nil {
			t.Errorf("%s: no field named: %v", c.body, e2)
		}
	}
}
