package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"id06desk/internal/adminauth"
	"id06desk/internal/adminauth/adminauthtest"
	"id06desk/internal/httpapi"
	"id06desk/internal/sqlite"
)

type env struct {
	srv  *httptest.Server
	db   *sqlite.DB
	auth *adminauth.Service
	c    *http.Client
}

func newEnv(t *testing.T, mode httpapi.Mode, kiosk bool) *env {
	t.Helper()
	db := openDB(t)
	auth := adminauth.New(db, nil, adminauth.WithHasher(adminauthtest.Hasher())) // TestLoginWithProductionHash: the real cost
	api := httpapi.New(httpapi.Config{
		Version: "9.9.9", Mode: mode, Kiosk: kiosk, DataDir: "/data", DB: db, Auth: auth,
		Assets: fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>id06desk</title>")}},
	})
	srv := httptest.NewServer(api.Site())
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	return &env{srv: srv, db: db, auth: auth, c: &http.Client{Jar: jar}}
}

func (e *env) do(t *testing.T, method, path, body string) (*http.Response, map[string]any) {
	t.Helper()
	ct := ""
	if body != "" {
		ct = "application/json"
	}
	return e.send(t, method, path, ct, body)
}

// send is do with a body of the given Content-Type ("": none).
func (e *env) send(t *testing.T, method, path, contentType, body string) (*http.Response, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
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

func errCode(m map[string]any) string {
	e, _ := m["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

func TestHealth(t *testing.T) {
	e := newEnv(t, httpapi.ModeWindow, false)
	resp, m := e.do(t, "GET", "/api/health", "")
	if resp.StatusCode != 200 || m["version"] != "9.9.9" || m["status"] != "ok" {
		t.Fatalf("%d %v", resp.StatusCode, m)
	}
	db := m["database"].(map[string]any)
	if db["ok"] != true || db["path"] != e.db.Path {
		t.Fatalf("database %v", db)
	}
	if resp.Header.Get("Content-Security-Policy") != httpapi.CSP {
		t.Error("no CSP header")
	}
}

func TestHealthDegradedWhenDatabaseClosed(t *testing.T) {
	e := newEnv(t, httpapi.ModeWindow, false)
	e.db.Close()
	resp, m := e.do(t, "GET", "/api/health", "")
	if resp.StatusCode != 503 || m["status"] != "degraded" {
		t.Fatalf("%d %v", resp.StatusCode, m)
	}
}

func TestUnknownAndWrongMethod(t *testing.T) {
	e := newEnv(t, httpapi.ModeWindow, false)
	resp, m := e.do(t, "GET", "/api/nope", "")
	if resp.StatusCode != 404 || errCode(m) != "not_found" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("%d %v", resp.StatusCode, m)
	}
	resp, m = e.do(t, "DELETE", "/api/health", "")
	if resp.StatusCode != 405 || errCode(m) != "method_not_allowed" {
		t.Fatalf("%d %v", resp.StatusCode, m)
	}
}

func TestStaticAssets(t *testing.T) {
	e := newEnv(t, httpapi.ModeServe, false)
	resp, err := e.c.Get(e.srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "<title>id06desk</title>") {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	if resp.Header.Get("Content-Security-Policy") == "" {
		t.Error("index.html without CSP")
	}
}

func TestServeModeNeedsLogin(t *testing.T) {
	e := newEnv(t, httpapi.ModeServe, false)
	resp, m := e.do(t, "GET", "/api/audit", "")
	if resp.StatusCode != 401 || errCode(m) != "unauthorized" {
		t.Fatalf("%d %v", resp.StatusCode, m)
	}
	_, m = e.do(t, "GET", "/api/session", "")
	if m["authenticated"] != false || m["passwordSet"] != false || m["mode"] != "serve" {
		t.Fatalf("session %v", m)
	}
	resp, m = e.do(t, "POST", "/api/login", `{"password":"x"}`)
	if resp.StatusCode != 409 || errCode(m) != "no_password" {
		t.Fatalf("%d %v", resp.StatusCode, m)
	}
	if err := e.auth.SetPassword(context.Background(), "a long admin secret"); err != nil {
		t.Fatal(err)
	}
	resp, m = e.do(t, "POST", "/api/login", `{"password":"wrong one"}`)
	if resp.StatusCode != 401 || errCode(m) != "invalid_password" {
		t.Fatalf("%d %v", resp.StatusCode, m)
	}
	resp, _ = e.do(t, "POST", "/api/login", `{"password":"a long admin secret"}`)
	if resp.StatusCode != 200 {
		t.Fatalf("login %d", resp.StatusCode)
	}
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == httpapi.SessionCookie {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode {
		t.Fatalf("cookie %+v", cookie)
	}
	resp, m = e.do(t, "GET", "/api/audit", "")
	if resp.StatusCode != 200 {
		t.Fatalf("audit after login: %d %v", resp.StatusCode, m)
	}
	entries := m["items"].([]any)
	if len(entries) < 2 || entries[0].(map[string]any)["action"] != "admin.login" || entries[0].(map[string]any)["actorKind"] != "admin" ||
		entries[1].(map[string]any)["action"] != "admin.password_set" {
		t.Fatalf("audit %v", entries)
	}
	_, m = e.do(t, "GET", "/api/health", "")
	if m["dataDir"] != "/data" {
		t.Fatalf("admin does not see data dir: %v", m)
	}
	e.do(t, "POST", "/api/logout", "")
	resp, _ = e.do(t, "GET", "/api/audit", "")
	if resp.StatusCode != 401 {
		t.Fatalf("after logout %d", resp.StatusCode)
	}
	_, m = e.do(t, "GET", "/api/health", "")
	if _, ok := m["dataDir"]; ok {
		t.Fatal("anonymous client sees the data dir")
	}
}

func TestLoginRateLimited(t *testing.T) {
	e := newEnv(t, httpapi.ModeServe, false)
	e.auth.SetPassword(context.Background(), "a long admin secret")
	for i := 0; i < 5; i++ {
		e.do(t, "POST", "/api/login", `{"password":"guess"}`)
	}
	resp, m := e.do(t, "POST", "/api/login", `{"password":"a long admin secret"}`)
	if resp.StatusCode != 429 || errCode(m) != "rate_limited" || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("%d %v %v", resp.StatusCode, m, resp.Header)
	}
}

func TestKioskCannotReachAdmin(t *testing.T) {
	e := newEnv(t, httpapi.ModeWindow, true)
	resp, m := e.do(t, "GET", "/api/audit", "")
	if resp.StatusCode != 403 || errCode(m) != "forbidden" {
		t.Fatalf("%d %v", resp.StatusCode, m)
	}
	_, m = e.do(t, "GET", "/api/session", "")
	if m["kiosk"] != true || m["authenticated"] != false {
		t.Fatalf("session %v", m)
	}
}

func TestWindowIsAdmin(t *testing.T) {
	e := newEnv(t, httpapi.ModeWindow, false)
	resp, _ := e.do(t, "GET", "/api/audit", "")
	if resp.StatusCode != 200 {
		t.Fatalf("%d", resp.StatusCode)
	}
}

func TestBodyLimitAndBadJSON(t *testing.T) {
	e := newEnv(t, httpapi.ModeServe, false)
	big := `{"password":"` + strings.Repeat("a", httpapi.MaxBodyBytes) + `"}`
	resp, m := e.do(t, "POST", "/api/login", big)
	if resp.StatusCode != 413 || errCode(m) != "too_large" {
		t.Fatalf("%d %v", resp.StatusCode, m)
	}
	resp, m = e.do(t, "POST", "/api/login", `{"password":`)
	if resp.StatusCode != 400 || errCode(m) != "bad_request" {
		t.Fatalf("%d %v", resp.StatusCode, m)
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	e := newEnv(t, httpapi.ModeServe, false)
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/login", strings.NewReader(`{"password":"x"}`))
	req.Header.Set("Origin", "http://evil.example")
	resp, err := e.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Fatalf("%d", resp.StatusCode)
	}
}

func TestUIReadyOnce(t *testing.T) {
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	calls := 0
	api := httpapi.New(httpapi.Config{Mode: httpapi.ModeWindow, DB: db, OnUIReady: func(string) { calls++ }})
	for i := 0; i < 3; i++ {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("POST", "/api/ui-ready", strings.NewReader(`{"route":"#/"}`))
		req.Header.Set("Content-Type", "application/json")
		api.ServeHTTP(rec, req)
		if rec.Code != 204 {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
	if calls != 1 {
		t.Fatalf("OnUIReady called %d times", calls)
	}
}

// The first page's route is logged by its name only: a registration or
// setup token in it stays out of the log.
func TestUIReadyLogsThePageNotItsToken(t *testing.T) {
	for route, want := range map[string]string{
		"#/register/v1.SECRETtoken.sig": "route=#/register\n",
		"#/setup?token=SECRETsetup":     "route=#/setup\n",
		"#/orders/SECRET-id":            "route=#/orders\n",
		"#/":                            "route=#/\n",
		"SECRET":                        "route=#/\n",
	} {
		db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"), sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		api := httpapi.New(httpapi.Config{Mode: httpapi.ModeWindow, DB: db, Log: slog.New(slog.NewTextHandler(&buf, nil))})
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("POST", "/api/ui-ready", strings.NewReader(`{"route":"`+route+`"}`))
		req.Header.Set("Content-Type", "application/json")
		api.ServeHTTP(rec, req)
		db.Close()
		if rec.Code != 204 || !strings.HasSuffix(buf.String(), want) || strings.Contains(buf.String(), "SECRET") {
			t.Errorf("%s: %d, logged %q, want %q", route, rec.Code, buf.String(), want)
		}
	}
}
