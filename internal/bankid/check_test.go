package bankid

import (
	"errors"
	"net"
	"regexp"
	"testing"
)

func TestCheck(t *testing.T) {
	ts := newServer(t)
	other, err := newTestCA("other")
	if err != nil {
		t.Fatal(err)
	}

	t.Run("configured and reachable", func(t *testing.T) {
		c := newClient(t, ts.Config())
		if err := Check(testCtx(t), c); err != nil {
			t.Fatal(err)
		}
		reqs := ts.Requests("collect")
		ref, _ := decodeBody(t, reqs[len(reqs)-1])["orderRef"].(string)
		if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(ref) {
			t.Errorf("orderRef %q is not a random UUID", ref)
		}
	})

	t.Run("not configured", func(t *testing.T) {
		if err := Check(testCtx(t), nil); !errors.Is(err, ErrNotConfigured) {
			t.Errorf("err = %v", err)
		}
	})

	t.Run("certificate refused", func(t *testing.T) {
		cfg := ts.Config()
		var err error
		cfg.CertPEM, cfg.KeyPEM, err = other.issuePEM("stranger", false)
		if err != nil {
			t.Fatal(err)
		}
		wantCode(t, Check(testCtx(t), newClient(t, cfg)), CodeCertificateRefused)
	})

	t.Run("server not signed by the pinned root", func(t *testing.T) {
		cfg := ts.Config()
		cfg.RootCAPEM = other.certPEM
		wantCode(t, Check(testCtx(t), newClient(t, cfg)), CodeTLS)
	})

	t.Run("RP not allowed", func(t *testing.T) {
		ts.SetOutage(&TestError{401, CodeUnauthorized, "Unauthorized"})
		defer ts.SetOutage(nil)
		wantCode(t, Check(testCtx(t), newClient(t, ts.Config())), CodeUnauthorized)
	})

	t.Run("maintenance", func(t *testing.T) {
		ts.SetOutage(&TestError{503, CodeMaintenance, "Maintenance"})
		defer ts.SetOutage(nil)
		e := wantCode(t, Check(testCtx(t), newClient(t, ts.Config())), CodeMaintenance)
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
		wantCode(t, Check(testCtx(t), newClient(t, cfg)), CodeConnectionRefused)
	})
}
