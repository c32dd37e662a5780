package httpapi_test

import (
	"context"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"id06desk/internal/bankid/bankidtest"
	"id06desk/internal/bankidconf"
	"id06desk/internal/httpapi"
	"id06desk/internal/invitations"
)

// Settings → BankID over HTTP: certificate files uploaded, status, test
// connection; then a cardholder identifies through the loopback test server.
func TestBankIDAPI(t *testing.T) {
	ctx := context.Background()
	s := newStack(t, noSettings(), withBankID(20*time.Millisecond))
	db, st, inv, prov := s.db, s.st, s.inv, s.bankid
	bsrv, err := bankidtest.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bsrv.Close() })
	api := httpapi.New(httpapi.Config{Mode: httpapi.ModeWindow, DB: db, Settings: st, Invitations: inv, Registration: s.reg, BankID: prov})
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	e := &env{srv: srv, db: db, c: srv.Client()}

	_, m := e.do(t, "GET", "/api/bankid/status", "")
	if m["configured"] != false {
		t.Fatalf("fresh status %v", m)
	}
	_, m = e.do(t, "POST", "/api/bankid/test", "")
	if m["ok"] != false || m["code"] != "not_configured" {
		t.Fatalf("test unconfigured %v", m)
	}
	if err := st.Set(ctx, "t", map[string]string{"company.name": "Bygg AB", "smtp.from": "id06@bygg.se", "bankid.url": bsrv.URL}); err != nil {
		t.Fatal(err)
	}
	created, err := inv.Create(ctx, "admin", []invitations.Row{{Email: "c@example.se"}}, true)
	if err != nil {
		t.Fatal(err)
	}
	tok := mustToken(t, inv, created[0].ID)
	_, m = e.do(t, "GET", "/api/register/"+tok, "")
	if b := m["bankid"].(map[string]any); b["available"] != false || b["reason"] != "not_configured" {
		t.Fatalf("bankid before configuration %v", b)
	}

	cfg := bsrv.Config()
	for name, data := range map[string][]byte{bankidconf.FileClientCert: cfg.CertPEM, bankidconf.FileClientKey: cfg.KeyPEM, bankidconf.FileRootCA: cfg.RootCAPEM} {
		resp, m := e.send(t, "PUT", "/api/bankid/files/"+name, "application/octet-stream", string(data))
		if resp.StatusCode != 200 {
			t.Fatalf("store %s: %d %v", name, resp.StatusCode, m)
		}
	}
	resp, _ := e.send(t, "PUT", "/api/bankid/files/evil.sh", "application/octet-stream", "x")
	if resp.StatusCode != 400 {
		t.Fatalf("unknown file name: %d", resp.StatusCode)
	}
	_, m = e.do(t, "GET", "/api/bankid/status", "")
	if m["configured"] != true {
		t.Fatalf("configured status %v", m)
	}
	_, m = e.do(t, "POST", "/api/bankid/test", "")
	if m["ok"] != true {
		t.Fatalf("test connection %v", m)
	}

	_, m = e.do(t, "GET", "/api/register/"+tok, "")
	if m["bankid"].(map[string]any)["available"] != true {
		t.Fatalf("bankid offered? %v", m["bankid"])
	}
	e.do(t, "PUT", "/api/register/"+tok+"/method", `{"method":"bankid"}`)
	resp, m = e.do(t, "POST", "/api/register/"+tok+"/bankid", `{}`)
	if resp.StatusCode != 200 || m["status"] != "pending" || !strings.HasPrefix(m["qr"].(string), "bankid.") {
		t.Fatalf("start: %d %v", resp.StatusCode, m)
	}
	r, err := e.c.Get(srv.URL + "/api/register/" + tok + "/bankid/qr.png")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(r.Body); err != nil || r.StatusCode != 200 {
		t.Fatalf("qr: %d %v", r.StatusCode, err)
	}
	r.Body.Close()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		_, m = e.do(t, "GET", "/api/register/"+tok+"/bankid", "")
		if m["status"] != "pending" {
			break
		}
		time.Sleep(30 * time.Millisecond)
	}
	if m["status"] != "complete" {
		t.Fatalf("status %v", m)
	}
	_, m = e.do(t, "GET", "/api/register/"+tok, "")
	p := m["personal"].(map[string]any)
	if p["locked"] != true || p["personnummer"] == "" || m["step"] != "personal" {
		t.Fatalf("after BankID %v", m)
	}
	resp, _ = e.do(t, "GET", "/api/register/"+tok+"/bankid/qr.png", "")
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("qr after completion: %d", resp.StatusCode)
	}
}

func mustToken(t *testing.T, inv *invitations.Service, id string) string {
	t.Helper()
	d, err := inv.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return d.Invitation.Token
}
