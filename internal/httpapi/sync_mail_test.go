package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"id06desk/internal/adminauth/adminauthtest"
	"id06desk/internal/httpapi"
	"id06desk/internal/kiosk"
)

// The console's mail routes: the status lists a kiosk paired with a
// mailbox; a bad mailbox is invalid with its reason; a round answers what
// it did and the status; the mailbox check is 200 with ok false and the
// sentence when no server is set or the server cannot be reached.
func TestSyncMailConsoleRoutes(t *testing.T) {
	s := newStack(t)
	cfg := s.everything(t)
	srv := httptest.NewServer(httpapi.New(cfg))
	t.Cleanup(srv.Close)
	e := &env{srv: srv, db: s.db, c: srv.Client()}

	resp, m := e.do(t, "GET", "/api/sync/mail", "")
	if resp.StatusCode != 200 || m["transport"] != "file" || len(m["kiosks"].([]any)) != 0 || m["mails"] == nil {
		t.Fatalf("status: %d %v", resp.StatusCode, m)
	}
	resp, m = e.do(t, "POST", "/api/sync/kiosks", `{"name":"Grind","mailAddress":"not an address"}`)
	if resp.StatusCode != 400 || errCode(m) != "invalid" || m["error"].(map[string]any)["details"].(map[string]any)["reason"] != "sync.kiosk_mail" {
		t.Fatalf("bad mailbox: %d %v", resp.StatusCode, m)
	}
	resp, m = e.do(t, "POST", "/api/sync/kiosks", `{"name":"Grind","site":"Hus B","mailAddress":"Grind@Bygg.se"}`)
	if resp.StatusCode != 201 {
		t.Fatalf("pair: %d %v", resp.StatusCode, m)
	}
	id := m["kiosk"].(map[string]any)["id"].(string)
	resp, m = e.do(t, "GET", "/api/sync/mail", "")
	ks := m["kiosks"].([]any)
	if resp.StatusCode != 200 || len(ks) != 1 || ks[0].(map[string]any)["id"] != id || ks[0].(map[string]any)["mailAddress"] != "Grind@bygg.se" ||
		ks[0].(map[string]any)["silent"] != false {
		t.Fatalf("status with a kiosk: %d %v", resp.StatusCode, m)
	}

	resp, m = e.do(t, "POST", "/api/sync/mail/run", "")
	if resp.StatusCode != 200 || m["round"].(map[string]any)["transport"] != "file" || m["status"].(map[string]any)["lastRound"] == nil {
		t.Fatalf("run: %d %v", resp.StatusCode, m)
	}

	resp, m = e.do(t, "POST", "/api/sync/mail/test", "")
	if resp.StatusCode != 200 || m["ok"] != false || m["code"] == "" || m["message"] == "" {
		t.Fatalf("test without a server: %d %v", resp.StatusCode, m)
	}
	// A port nobody listens on (loopback): the sentence and the cause.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	if err := s.st.Set(context.Background(), "t", map[string]string{"sync.imap.host": "127.0.0.1",
		"sync.imap.port": strconv.Itoa(port), "sync.imap.security": "none", "sync.imap.username": "u", "sync.imap.password": "p"}); err != nil {
		t.Fatal(err)
	}
	resp, m = e.call(t, "POST", "/api/sync/mail/test", "en", "")
	if resp.StatusCode != 200 || m["ok"] != false || m["message"] == "" || m["detail"] == "" {
		t.Fatalf("test, nobody listening: %d %v", resp.StatusCode, m)
	}
}

// The kiosk's mail routes: only with the PIN's ticket on the kiosk screen;
// PUT changes the relay and mailbox, refuses any other key (nothing is
// changed then) and keeps a stored password when it is sent empty;
// passwords are answered only as set.
func TestSyncMailKioskRoutes(t *testing.T) {
	ctx := context.Background()
	s := newStack(t)
	full := s.everything(t)
	pin := kiosk.NewPIN(filepath.Join(s.dir, "kpin"), kiosk.PINHasher(adminauthtest.Hasher()))
	if err := pin.Set("2468"); err != nil {
		t.Fatal(err)
	}
	cfg := s.config(true)
	cfg.Station, cfg.PIN, cfg.KioskSync, cfg.KioskMail = full.Station, pin, full.KioskSync, full.KioskMail
	api := httpapi.New(cfg)
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	e := &env{srv: srv, db: s.db, c: kioskScreen(t, srv, api)}

	for _, r := range [][2]string{{"GET", "/api/kiosk/sync/mail"}, {"POST", "/api/kiosk/sync/mail/run"}, {"PUT", "/api/kiosk/sync/mail"}} {
		for _, tk := range []string{"", "made-up"} {
			if resp, m := kioskCall(t, e, r[0], r[1], tk, "application/json", []byte(`{"values":{"smtp.host":"evil"}}`)); resp.StatusCode != 401 || errCode(m) != "unauthorized" {
				t.Fatalf("%s %s with ticket %q: %d %v", r[0], r[1], tk, resp.StatusCode, m)
			}
		}
	}
	if v, _ := s.st.Load(ctx); v.Get("smtp.host") != "" {
		t.Fatalf("changed without the ticket: %q", v.Get("smtp.host"))
	}
	_, m := kioskCall(t, e, "POST", "/api/kiosk/admin", "", "application/json", []byte(`{"pin":"2468"}`))
	ticket, _ := m["ticket"].(string)
	if ticket == "" {
		t.Fatalf("ticket: %v", m)
	}

	resp, m := kioskCall(t, e, "GET", "/api/kiosk/sync/mail", ticket, "", nil)
	if resp.StatusCode != 200 || m["sendConfigured"] != false || m["values"].(map[string]any)["smtp.from"] != "id06@bygg.se" {
		t.Fatalf("status: %d %v", resp.StatusCode, m)
	}
	put := func(values map[string]string) (int, map[string]any) {
		b, _ := json.Marshal(map[string]any{"values": values})
		resp, m := kioskCall(t, e, "PUT", "/api/kiosk/sync/mail", ticket, "application/json", b)
		return resp.StatusCode, m
	}
	code, m := put(map[string]string{"smtp.host": "relay.bygg.se", "smtp.password": "hemligt", "sync.imap.host": "imap.bygg.se"})
	vals := m["values"].(map[string]any)
	if code != 200 || vals["smtp.host"] != "relay.bygg.se" || vals["sync.imap.host"] != "imap.bygg.se" || strings.Contains(vals["smtp.password"].(string), "hemligt") || vals["smtp.password"] == "" {
		t.Fatalf("put: %d %v", code, m)
	}
	// Begun but unfinished: the relay has its host and sender but the
	// kiosk is not paired (no sync address), the mailbox has no user.
	if got := fmt.Sprint(m["missing"]); got != "[syncAddress sync.imap.username]" || m["sendConfigured"] != false || m["collectConfigured"] != true {
		t.Fatalf("missing after a half-filled put: %s, send %v, collect %v", got, m["sendConfigured"], m["collectConfigured"])
	}
	// Another key: 400, and nothing of the request is stored.
	code, m = put(map[string]string{"smtp.host": "other.bygg.se", "company.name": "Evil AB"})
	if code != 400 || errCode(m) != "invalid" || !strings.Contains(m["error"].(map[string]any)["message"].(string), "company.name") {
		t.Fatalf("other key: %d %v", code, m)
	}
	v, _ := s.st.Load(ctx)
	if v.Get("smtp.host") != "relay.bygg.se" || v.Get("company.name") != "Bygg AB" {
		t.Fatalf("after the refused put: %q %q", v.Get("smtp.host"), v.Get("company.name"))
	}
	// An empty password keeps the stored one.
	if code, m = put(map[string]string{"smtp.port": "2525", "smtp.password": ""}); code != 200 {
		t.Fatalf("put empty password: %d %v", code, m)
	}
	if v, _ = s.st.Load(ctx); v.Get("smtp.password") != "hemligt" || v.Get("smtp.port") != "2525" {
		t.Fatalf("password %q port %q", v.Get("smtp.password"), v.Get("smtp.port"))
	}

	resp, m = kioskCall(t, e, "POST", "/api/kiosk/sync/mail/run", ticket, "", nil)
	if resp.StatusCode != 200 || m["round"].(map[string]any)["paired"] != false || m["values"] == nil {
		t.Fatalf("run unpaired: %d %v", resp.StatusCode, m)
	}
}
