package httpapi_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"id06desk/internal/httpapi"
)

// setupToken asks the service for a first-run link, as `serve` does at start.
func (e *env) setupToken(t *testing.T) string {
	t.Helper()
	link, ok, err := e.auth.FirstRunLink(context.Background(), e.srv.URL)
	if err != nil || !ok {
		t.Fatalf("FirstRunLink: %v %v", ok, err)
	}
	_, frag, _ := strings.Cut(link, "#/setup?")
	q, _ := url.ParseQuery(frag)
	return q.Get("token")
}

func setupBody(token, password string) string {
	b, _ := json.Marshal(map[string]string{"token": token, "password": password})
	return string(b)
}

func TestSetupLinkOverHTTP(t *testing.T) {
	e := newEnv(t, httpapi.ModeServe, false)
	tok := e.setupToken(t)

	_, m := e.do(t, "GET", "/api/session", "")
	if m["passwordSet"] != false || m["authenticated"] != false {
		t.Fatalf("session before setup: %v", m)
	}
	for _, c := range []struct {
		name, body, code string
		status           int
	}{
		{"wrong token", setupBody(tok+"A", "a long first password"), "setup_invalid", 410},
		{"no token", setupBody("", "a long first password"), "setup_invalid", 410},
		{"weak password", setupBody(tok, "short"), "weak_password", 400},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, m := e.do(t, "POST", "/api/setup", c.body)
			if resp.StatusCode != c.status || errCode(m) != c.code {
				t.Fatalf("%d %v", resp.StatusCode, m)
			}
		})
	}

	resp, m := e.do(t, "POST", "/api/setup", setupBody(tok, "a long first password"))
	if resp.StatusCode != 200 || m["authenticated"] != true {
		t.Fatalf("setup: %d %v", resp.StatusCode, m)
	}
	// Logged in by the setup: the admin API answers with the cookie it set.
	if resp, _ := e.do(t, "GET", "/api/audit", ""); resp.StatusCode != 200 {
		t.Fatalf("admin API after setup: %d", resp.StatusCode)
	}
	_, m = e.do(t, "GET", "/api/session", "")
	if m["passwordSet"] != true || m["authenticated"] != true {
		t.Fatalf("session after setup: %v", m)
	}
	// Used once: the same link is refused now.
	resp, m = e.do(t, "POST", "/api/setup", setupBody(tok, "another long password"))
	if resp.StatusCode != 409 || errCode(m) != "setup_done" {
		t.Fatalf("second use: %d %v", resp.StatusCode, m)
	}
	// And the password it set is the one that logs in.
	e.c.Jar = nil
	if resp, m := e.do(t, "POST", "/api/login", `{"password":"a long first password"}`); resp.StatusCode != 200 {
		t.Fatalf("login with the new password: %d %v", resp.StatusCode, m)
	}
}

func TestSetupLinkRefusedFromAnotherComputer(t *testing.T) {
	e := newEnv(t, httpapi.ModeServe, false)
	tok := e.setupToken(t)
	api := e.srv.Config.Handler
	for _, c := range []struct {
		name, remote, header string
	}{
		{"LAN address", "192.168.1.20:51000", ""},
		{"public address", "203.0.113.5:4444", ""},
		{"IPv6 address", "[2001:db8::1]:4444", ""},
		{"through a local proxy", "127.0.0.1:4444", "X-Forwarded-For"},
		{"through a local proxy (Forwarded)", "127.0.0.1:4444", "Forwarded"},
	} {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", "/api/setup", strings.NewReader(setupBody(tok, "a long first password")))
			req.Header.Set("Content-Type", "application/json")
			// As it arrives at the server: its own address and Host.
			u, _ := url.Parse(e.srv.URL)
			local, _ := net.ResolveTCPAddr("tcp", u.Host)
			req = req.WithContext(context.WithValue(req.Context(), http.LocalAddrContextKey, local))
			req.Host = u.Host
			req.RemoteAddr = c.remote
			if c.header != "" {
				req.Header.Set(c.header, "for=198.51.100.7")
			}
			rec := httptest.NewRecorder()
			api.ServeHTTP(rec, req)
			var m map[string]any
			json.Unmarshal(rec.Body.Bytes(), &m)
			if rec.Code != http.StatusForbidden || errCode(m) != "setup_not_local" {
				t.Fatalf("%d %v", rec.Code, m)
			}
			if len(rec.Result().Cookies()) != 0 {
				t.Fatal("a session cookie was set")
			}
		})
	}
	if set, _ := e.auth.PasswordSet(context.Background()); set {
		t.Fatal("a remote request set the password")
	}
	// The refused attempts did not use up the link.
	if resp, m := e.do(t, "POST", "/api/setup", setupBody(tok, "a long first password")); resp.StatusCode != 200 {
		t.Fatalf("local setup after remote attempts: %d %v", resp.StatusCode, m)
	}
}

func TestSetupOnlyInServeMode(t *testing.T) {
	for _, c := range []struct {
		name  string
		mode  httpapi.Mode
		kiosk bool
	}{{"window", httpapi.ModeWindow, false}, {"kiosk", httpapi.ModeServe, true}} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, c.mode, c.kiosk)
			tok := e.setupToken(t)
			resp, m := e.do(t, "POST", "/api/setup", setupBody(tok, "a long first password"))
			if resp.StatusCode != 400 {
				t.Fatalf("%d %v", resp.StatusCode, m)
			}
		})
	}
}
