package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"id06desk/internal/httpapi"
	"id06desk/internal/invitations"
)

// The registration endpoints over real HTTP: the error codes, statuses and
// details the pages rely on.
func TestRegisterAPI(t *testing.T) {
	ctx := context.Background()
	stack := newStack(t)
	srv, db, inv := stack.serve(t, true), stack.db, stack.inv
	e := &env{srv: srv, db: db, c: srv.Client()}

	created, err := inv.Create(ctx, "admin", []invitations.Row{{Email: "anna@example.se"}}, true)
	if err != nil {
		t.Fatal(err)
	}
	resp, m := e.do(t, "POST", "/api/register/lookup", `{"code":"`+strings.ToLower(created[0].Code)+`"}`)
	tok, _ := m["token"].(string)
	if resp.StatusCode != 200 || !strings.HasPrefix(tok, "v1.") {
		t.Fatalf("lookup: %d %v", resp.StatusCode, m)
	}
	resp, m = e.do(t, "GET", "/api/register/"+tok, "")
	if resp.StatusCode != 200 || m["step"] != "method" || m["kiosk"] != true || m["invitation"].(map[string]any)["company"] != "Bygg AB" {
		t.Fatalf("open: %d %v", resp.StatusCode, m)
	}
	r0, err := e.c.Get(srv.URL + "/api/register/countries?lang=sv")
	if err != nil {
		t.Fatal(err)
	}
	var countries []map[string]string
	json.NewDecoder(r0.Body).Decode(&countries)
	r0.Body.Close()
	if len(countries) != 249 || countries[0]["code"] == "" || countries[0]["name"] == "" {
		t.Fatalf("countries: %d %v", len(countries), countries[:1])
	}
	resp, m = e.do(t, "GET", "/api/register/v1.AAAA.BBBB", "")
	if resp.StatusCode != 400 || errCode(m) != "invalid_link" {
		t.Fatalf("bad token: %d %v", resp.StatusCode, m)
	}
	resp, m = e.do(t, "PUT", "/api/register/"+tok+"/personal", `{"firstName":"Anna","lastName":"B3rg","hasPersonnummer":true,"personnummer":"811218-9875","phone":"070-123 45 67"}`)
	fields, _ := m["error"].(map[string]any)["fieldCodes"].(map[string]any)
	if resp.StatusCode != 400 || fields["last_name"] != "characters" || fields["personnummer"] != "checksum" || fields["phone"] != nil {
		t.Fatalf("personal: %d %v", resp.StatusCode, m)
	}
	resp, m = e.do(t, "POST", "/api/register/"+tok+"/confirm", "")
	if resp.StatusCode != 409 || errCode(m) != "incomplete" || m["error"].(map[string]any)["details"].(map[string]any)["step"] != "method" {
		t.Fatalf("early confirm: %d %v", resp.StatusCode, m)
	}

	// 12 MB is refused before it is read in full; a renamed .exe by content.
	req, _ := http.NewRequest("POST", srv.URL+"/api/register/"+tok+"/photo", bytes.NewReader(append([]byte{0xFF, 0xD8, 0xFF}, make([]byte, 12<<20)...)))
	req.Header.Set("Content-Type", "image/jpeg")
	r, err := e.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("12 MB: %d", r.StatusCode)
	}
	resp, m = e.send(t, "POST", "/api/register/"+tok+"/photo", "image/jpeg", "MZ this is not a photo at all, just an executable renamed .jpg")
	if resp.StatusCode != 400 || errCode(m) != "photo_format" {
		t.Fatalf(".exe: %d %v", resp.StatusCode, m)
	}

	if err := inv.Revoke(ctx, "admin", created[0].ID); err != nil {
		t.Fatal(err)
	}
	resp, m = e.do(t, "GET", "/api/register/"+tok, "")
	if resp.StatusCode != 410 || errCode(m) != "invitation_revoked" || m["error"].(map[string]any)["details"].(map[string]any)["company"] != "Bygg AB" {
		t.Fatalf("revoked: %d %v", resp.StatusCode, m)
	}

	// Wrong codes are rate-limited per client.
	for i := 0; i < 10; i++ {
		e.do(t, "POST", "/api/register/lookup", `{"code":"ABCDE-FGHJK"}`)
	}
	resp, m = e.do(t, "POST", "/api/register/lookup", `{"code":"ABCDE-FGHJK"}`)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("rate limit: %d %v", resp.StatusCode, m)
	}

	// Kiosk mode: the orders (personal data) and the keys are not reachable.
	for _, p := range []string{"/api/orders", "/api/keys"} {
		resp, _ = e.do(t, "GET", p, "")
		if resp.StatusCode != 403 && resp.StatusCode != 401 {
			t.Fatalf("%s from the kiosk: %d", p, resp.StatusCode)
		}
	}
}

// The kiosk's idle wipe deletes the draft unless kiosk.idle_discard is off;
// "Cancel and start over" always does.
func TestIdleDiscardFollowsTheSetting(t *testing.T) {
	ctx := context.Background()
	s := newStack(t, withSettings(map[string]string{"kiosk.idle_discard": "off"}))
	db, inv := s.db, s.inv
	srv := httptest.NewServer(httpapi.New(httpapi.Config{Mode: httpapi.ModeServe, Kiosk: true, DB: db, Settings: s.st, Registration: s.reg}))
	t.Cleanup(srv.Close)
	e := &env{srv: srv, db: db, c: srv.Client()}
	created, err := inv.Create(ctx, "admin", []invitations.Row{{Email: "idle@example.se"}}, true)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := inv.Get(ctx, created[0].ID)
	tok := d.Invitation.Token
	e.do(t, "PUT", "/api/register/"+tok+"/personal", `{"firstName":"Ida","lastName":"Idle","hasPersonnummer":true,"personnummer":"811218-9876","phone":"0701234567"}`)
	if resp, _ := e.do(t, "DELETE", "/api/register/"+tok+"/draft?reason=idle", ""); resp.StatusCode != 204 {
		t.Fatalf("idle discard: %d", resp.StatusCode)
	}
	if _, m := e.do(t, "GET", "/api/register/"+tok, ""); m["personal"] == nil {
		t.Fatal("the draft was deleted although kiosk.idle_discard is off")
	}
	e.do(t, "DELETE", "/api/register/"+tok+"/draft?reason=cancel", "")
	if _, m := e.do(t, "GET", "/api/register/"+tok, ""); m["personal"] != nil {
		t.Fatal("cancel kept the draft")
	}
}
