package httpapi_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"id06desk/internal/httpapi"
)

func newInvitationEnv(t *testing.T) *env {
	t.Helper()
	s := newStack(t, noSettings(), wakeOutbox())
	db := s.db
	api := httpapi.New(httpapi.Config{Mode: httpapi.ModeWindow, DB: db, Settings: s.st, Invitations: s.inv, Outbox: s.mail, Keys: s.keys})
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	return &env{srv: srv, db: db, c: srv.Client()}
}

func TestKeysAPI(t *testing.T) {
	e := newInvitationEnv(t)
	_, m := e.do(t, "GET", "/api/keys", "")
	first, _ := m["active"].(string)
	if len(first) != 8 || len(m["keys"].([]any)) != 1 {
		t.Fatalf("keys: %v", m)
	}
	resp, m := e.do(t, "POST", "/api/keys/rotate", "")
	if resp.StatusCode != 200 || m["active"] == first || len(m["keys"].([]any)) != 2 {
		t.Fatalf("rotate: %d %v", resp.StatusCode, m)
	}
	_, m = e.do(t, "GET", "/api/audit", "")
	if !strings.Contains(fmt.Sprint(m), "keys.rotated") {
		t.Fatalf("rotation not audited: %v", m)
	}
}

func TestInvitationsAPI(t *testing.T) {
	e := newInvitationEnv(t)
	resp, m := e.do(t, "PUT", "/api/settings", `{"values":{"company.name":"Bygg AB","smtp.port":"x"}}`)
	if resp.StatusCode != 400 || errCode(m) != "invalid" || m["error"].(map[string]any)["fields"].(map[string]any)["smtp.port"] == nil {
		t.Fatalf("bad settings: %d %v", resp.StatusCode, m)
	}
	resp, m = e.do(t, "PUT", "/api/settings", `{"values":{"company.name":"Bygg AB","smtp.from":"id06@bygg.se"}}`)
	if resp.StatusCode != 200 || m["values"].(map[string]any)["company.name"] != "Bygg AB" {
		t.Fatalf("settings: %d %v", resp.StatusCode, m)
	}
	_, m = e.do(t, "GET", "/api/outbox/status", "")
	if m["configured"] != false {
		t.Fatalf("outbox status %v", m)
	}
	resp, m = e.do(t, "POST", "/api/invitations", `{"rows":[{"email":"a@example.se"},{"email":"nope"}],"send":true}`)
	if resp.StatusCode != 400 || errCode(m) != "invalid" || len(m["rows"].([]any)) != 2 {
		t.Fatalf("bad rows: %d %v", resp.StatusCode, m)
	}
	resp, m = e.do(t, "POST", "/api/invitations", `{"rows":[{"email":"a@example.se"},{"email":"b@example.se","cardType":"visitor"}],"send":true}`)
	if resp.StatusCode != 201 || len(m["created"].([]any)) != 2 {
		t.Fatalf("create: %d %v", resp.StatusCode, m)
	}
	id := m["created"].([]any)[0].(map[string]any)["id"].(string)
	_, m = e.do(t, "GET", "/api/invitations?status=queued&sort=email&dir=asc", "")
	if m["total"].(float64) != 2 || m["counts"].(map[string]any)["queued"].(float64) != 2 {
		t.Fatalf("list %v", m)
	}
	if first := m["items"].([]any)[0].(map[string]any); first["email"] != "a@example.se" {
		t.Fatalf("sort: %v", first)
	}
	_, m = e.do(t, "GET", "/api/invitations?q=b@ex", "")
	if m["total"].(float64) != 1 {
		t.Fatalf("text filter %v", m)
	}
	resp, _ = e.do(t, "GET", "/api/invitations?status=bogus", "")
	if resp.StatusCode != 400 {
		t.Fatalf("bogus status %d", resp.StatusCode)
	}
	r, err := e.c.Get(e.srv.URL + "/api/invitations/" + id + "/qr.png")
	if err != nil {
		t.Fatal(err)
	}
	png, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(string(png), "\x89PNG") {
		t.Fatal("qr is not a PNG")
	}
	resp, m = e.do(t, "POST", "/api/invitations/"+id+"/revoke", "")
	if resp.StatusCode != 200 || m["status"] != "revoked" || len(m["events"].([]any)) != 3 {
		t.Fatalf("revoke: %d %v", resp.StatusCode, m)
	}
	resp, m = e.do(t, "POST", "/api/invitations/"+id+"/revoke", "")
	if resp.StatusCode != 409 || errCode(m) != "conflict" {
		t.Fatalf("revoke twice: %d %v", resp.StatusCode, m)
	}
	resp, _ = e.do(t, "GET", "/api/invitations/00000000-0000-4000-8000-000000000000", "")
	if resp.StatusCode != 404 {
		t.Fatalf("unknown id %d", resp.StatusCode)
	}
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/invitations/parse-csv", strings.NewReader("email;name\nx@example.se;Xa\n"))
	req.Header.Set("Content-Type", "text/csv")
	r, _ = e.c.Do(req)
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != 200 || !strings.Contains(string(b), `"email":"x@example.se"`) {
		t.Fatalf("parse-csv %d %s", r.StatusCode, b)
	}
	resp, m = e.do(t, "POST", "/api/settings/test-mail", `{"to":"a@example.se"}`)
	if resp.StatusCode != 409 || errCode(m) != "not_configured" {
		t.Fatalf("test mail without server: %d %v", resp.StatusCode, m)
	}
}
