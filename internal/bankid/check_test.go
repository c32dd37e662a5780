package bankid_test

import (
	"errors"
	"net"
	"regexp"
	"testing"

	"id06desk/internal/bankid"
	"id06desk/internal/bankid/bankidtest"
)

func TestCheck(t *testing.T) {
	ts := newServer(t)
	other, err := bankidtest.NewCA("other")
	if err != nil {
		t.Fatal(err)
	}

	t.Run("configured and reachable", func(t *testing.T) {
		c := newClient(t, ts.Config())
		if err := bankid.Check(testCtx(t), c); err != nil {
			t.Fatal(err)
		}
		reqs := ts.Requests("collect")
		ref, _ := decodeBody(t, reqs[len(reqs)-1])["orderRef"].(string)
		if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(ref) {
			t.Errorf("orderRef %q is not a random UUID", ref)
		}
	})

	t.Run("not configured", func(t *testing.T) {
		if err := bankid.Check(testCtx(t), nil); !errors.Is(err, bankid.ErrNotConfigured) {
			t.Errorf("err = %v", err)
		}
	})

	t.Run("certificate refused", func(t *testing.T) {
		cfg := ts.Config()
		var err error
		cfg.CertPEM, cfg.KeyPEM, err = other.IssuePEM("stranger", false)
		if err != nil {
			t.Fatal(err)
		}
		wantCode(t, bankid.Check(testCtx(t), newClient(t, cfg)), bankid.CodeCertificateRefused)
	})

	t.Run("server not signed by the pinned root", func(t *testing.T) {
		cfg := ts.Config()
		cfg.RootCAPEM = other.CertPEM
		wantCode(t, bankid.Check(testCtx(t), newClient(t, cfg)), bankid.CodeTLS)
	})

	t.Run("RP not allowed", func(t *testing.T) {
		ts.SetOutage(&bankidtest.Error{HTTPStatus: 401, Code: bankid.CodeUnauthorized, Details: "Unauthorized"})
		defer ts.SetOutage(nil)
		wantCode(t, bankid.Check(testCtx(t), newClient(t, ts.Config())), bankid.CodeUnauthorized)
	})

	t.Run("maintenance", func(t *testing.T) {
		ts.SetOutage(&bankidtest.Error{HTTPStatus: 503, Code: bankid.CodeMaintenance, Details: "Maintenance"})
		defer ts.SetOutage(nil)
		e := wantCode(t, bankid.Check(testCtx(t), newClient(t, ts.Config())), bankid.CodeMaintenance)
		if !e.Temporary() {
			t.Error("maintenance not temporary")
		}
	})

	t.Run("nothing listening", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		cfg := ts.Config()
		cfg.BaseURL = "https://" + ln.Addr().String() + "/rp/v6.0"
		ln.Close()
		wantCode(t, bankid.Check(testCtx(t), newClient(t, cfg)), bankid.CodeConnectionRefused)
	})
}
