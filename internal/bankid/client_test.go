package bankid_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"id06desk/internal/bankid"
	"id06desk/internal/bankid/bankidtest"
)

func TestAuthSendsTheDocumentedBody(t *testing.T) {
	ts := newServer(t)
	c := newClient(t, ts.Config())
	ctx := testCtx(t)

	t.Run("with mrtd, visible data and returnUrl", func(t *testing.T) {
		text := "# ID06\n\nDu legitimerar dig hos Bygg & Co AB."
		resp, err := c.Auth(ctx, bankid.AuthRequest{
			EndUserIP:       "192.0.2.7",
			Requirement:     &bankid.Requirement{MRTD: true},
			UserVisibleData: text,
			ReturnURL:       "https://kiosk.example/return",
		})
		if err != nil {
			t.Fatal(err)
		}
		if resp.OrderRef == "" || resp.AutoStartToken == "" || resp.QRStartToken == "" || resp.QRStartSecret == "" {
			t.Fatalf("auth answer incomplete: %+v", resp)
		}
		reqs := ts.Requests("auth")
		body := decodeBody(t, reqs[len(reqs)-1])
		if reqs[len(reqs)-1].Path != "/rp/v6.0/auth" {
			t.Errorf("path %q", reqs[len(reqs)-1].Path)
		}
		if body["endUserIp"] != "192.0.2.7" {
			t.Errorf("endUserIp = %v", body["endUserIp"])
		}
		req, _ := body["requirement"].(map[string]any)
		if req["mrtd"] != true {
			t.Errorf("requirement = %v, want mrtd true", body["requirement"])
		}
		if body["userVisibleDataFormat"] != "simpleMarkdownV1" {
			t.Errorf("userVisibleDataFormat = %v", body["userVisibleDataFormat"])
		}
		raw, err := base64.StdEncoding.DecodeString(body["userVisibleData"].(string))
		if err != nil || string(raw) != text {
			t.Errorf("userVisibleData decodes to %q (%v), want %q", raw, err, text)
		}
		if body["returnUrl"] != "https://kiosk.example/return" {
			t.Errorf("returnUrl = %v", body["returnUrl"])
		}
	})

	t.Run("minimal: no requirement, no visible data", func(t *testing.T) {
		if _, err := c.Auth(ctx, bankid.AuthRequest{EndUserIP: "2001:db8::1", Requirement: &bankid.Requirement{}}); err != nil {
			t.Fatal(err)
		}
		reqs := ts.Requests("auth")
		body := decodeBody(t, reqs[len(reqs)-1])
		for _, k := range []string{"requirement", "userVisibleData", "userVisibleDataFormat", "returnUrl", "returnRisk"} {
			if _, ok := body[k]; ok {
				t.Errorf("%s sent although not asked for: %s", k, reqs[len(reqs)-1].Body)
			}
		}
	})
}

func TestAuthRefusesBadRequestsBeforeSending(t *testing.T) {
	ts := newServer(t)
	c := newClient(t, ts.Config())
	for name, req := range map[string]bankid.AuthRequest{
		"no endUserIp":       {},
		"endUserIp not IP":   {EndUserIP: "kiosk-3"},
		"visible data large": {EndUserIP: "192.0.2.1", UserVisibleData: strings.Repeat("å", 600)},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := c.Auth(testCtx(t), req)
			if !errors.Is(err, bankid.ErrInvalidRequest) {
				t.Fatalf("err = %v, want ErrInvalidRequest", err)
			}
		})
	}
	if n := len(ts.Requests("")); n != 0 {
		t.Errorf("%d requests reached the server", n)
	}
}

// The test server checks bodies the way the API documents, so a client bug
// would show up in tests of other packages too.
func TestTestServerChecksAuthBodies(t *testing.T) {
	ts := newServer(t)
	c := newClient(t, ts.Config())
	for name, body := range map[string]any{
		"missing endUserIp":   map[string]any{"userVisibleData": "aGVq", "userVisibleDataFormat": "simpleMarkdownV1"},
		"endUserIp not an IP": map[string]any{"endUserIp": "kiosk"},
		"visible not base64":  map[string]any{"endUserIp": "192.0.2.1", "userVisibleData": "inte base64!"},
		"wrong format":        map[string]any{"endUserIp": "192.0.2.1", "userVisibleData": "aGVq", "userVisibleDataFormat": "markdown"},
		"mrtd not a bool":     map[string]any{"endUserIp": "192.0.2.1", "requirement": map[string]any{"mrtd": "yes"}},
	} {
		t.Run(name, func(t *testing.T) {
			err := c.Call(testCtx(t), "auth", body, nil)
			e := wantCode(t, err, bankid.CodeInvalidParameters)
			if e.HTTPStatus != 400 || e.Details == "" {
				t.Errorf("error %+v, want HTTP 400 with details", e)
			}
		})
	}
}

func TestCollectWalksAnOrderToCompletion(t *testing.T) {
	ts := newServer(t)
	c := newClient(t, ts.Config())
	ctx := testCtx(t)

	auth, err := c.Auth(ctx, bankid.AuthRequest{EndUserIP: "192.0.2.9", Requirement: &bankid.Requirement{MRTD: true}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{bankid.HintOutstandingTransaction, bankid.HintStarted, bankid.HintUserSign} {
		got, err := c.Collect(ctx, auth.OrderRef)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != bankid.StatusPending || got.HintCode != want || got.OrderRef != auth.OrderRef {
			t.Fatalf("collect = %+v, want pending %s", got, want)
		}
	}
	got, err := c.Collect(ctx, auth.OrderRef)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != bankid.StatusComplete || got.CompletionData == nil {
		t.Fatalf("collect = %+v, want complete with completionData", got)
	}
	d := got.CompletionData
	want := bankidtest.Completion("192.0.2.9", true)
	if d.User != want.User || d.Device.IPAddress != "192.0.2.9" || d.BankIDIssueDate != want.BankIDIssueDate ||
		d.Signature == "" || d.OCSPResponse == "" {
		t.Errorf("completion data %+v, want %+v", *d, want)
	}
	if d.StepUp == nil || !d.StepUp.MRTD {
		t.Errorf("stepUp = %+v, want {mrtd: true}", d.StepUp)
	}

	// The order is gone once its final state was collected.
	_, err = c.Collect(ctx, auth.OrderRef)
	wantCode(t, err, bankid.CodeInvalidParameters)

	// Collect sent exactly {"orderRef": ...}.
	body := decodeBody(t, ts.Requests("collect")[0])
	if len(body) != 1 || body["orderRef"] != auth.OrderRef {
		t.Errorf("collect body %v", body)
	}
}

// stepUp is an object in the API; decoding must not depend on it being a
// bool (the bug in several public Go clients).
func TestCollectResponseDecodesStepUpObject(t *testing.T) {
	const answer = `{
	  "orderRef": "131daac9-16c6-4618-beb0-365768f37288",
	  "status": "complete",
	  "completionData": {
	    "user": {"personalNumber": "190000000000", "name": "Karl Karlsson", "givenName": "Karl", "surname": "Karlsson"},
	    "device": {"ipAddress": "192.168.0.1", "uhi": "OZvYM9VvyiAmG7NA5jU5zRGcBQ+Iq9pUMwbUJjvnHlE="},
	    "stepUp": {"mrtd": true},
	    "bankIdIssueDate": "2020-02-01",
	    "signature": "PD94bWwgdmVyc2lvbj0iMS4wIj8+",
	    "ocspResponse": "MIIHfgoBAKCCB3cw",
	    "risk": "low"
	  }
	}`
	var r bankid.CollectResponse
	if err := json.Unmarshal([]byte(answer), &r); err != nil {
		t.Fatal(err)
	}
	d := r.CompletionData
	if d == nil || d.StepUp == nil || !d.StepUp.MRTD || d.Device.UHI == "" || d.Risk != "low" || d.User.GivenName != "Karl" {
		t.Fatalf("decoded %+v", d)
	}
	if bankid.ResultOf(d).MRTD != true {
		t.Error("Result.MRTD false for stepUp {mrtd: true}")
	}

	var bad bankid.CollectResponse
	if err := json.Unmarshal([]byte(`{"status":"complete","completionData":{"stepUp":true}}`), &bad); err == nil {
		t.Error("stepUp as a bool decoded without error; the field type is wrong")
	}
}

func TestCollectFailures(t *testing.T) {
	ts := newServer(t)
	c := newClient(t, ts.Config())
	ctx := testCtx(t)
	for _, hint := range []string{bankid.HintUserCancel, bankid.HintExpiredTransaction, bankid.HintStartFailed, bankid.HintCertificateErr} {
		t.Run(hint, func(t *testing.T) {
			ts.Enqueue(bankidtest.FailScenario(hint))
			auth, err := c.Auth(ctx, bankid.AuthRequest{EndUserIP: "192.0.2.1"})
			if err != nil {
				t.Fatal(err)
			}
			if got, err := c.Collect(ctx, auth.OrderRef); err != nil || got.Status != bankid.StatusPending {
				t.Fatalf("first collect = %+v, %v", got, err)
			}
			got, err := c.Collect(ctx, auth.OrderRef)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != bankid.StatusFailed || got.HintCode != hint || got.CompletionData != nil {
				t.Fatalf("collect = %+v, want failed %s", got, hint)
			}
		})
	}
}

func TestHTTPErrorsAreTyped(t *testing.T) {
	ts := newServer(t)
	c := newClient(t, ts.Config())
	ctx := testCtx(t)

	t.Run("alreadyInProgress", func(t *testing.T) {
		ts.Enqueue(bankidtest.Scenario{AuthError: &bankidtest.Error{HTTPStatus: 400, Code: bankid.CodeAlreadyInProgress, Details: "Order already in progress for pno"}})
		_, err := c.Auth(ctx, bankid.AuthRequest{EndUserIP: "192.0.2.1"})
		e := wantCode(t, err, bankid.CodeAlreadyInProgress)
		if e.HTTPStatus != 400 || e.Details != "Order already in progress for pno" || e.Temporary() {
			t.Errorf("error %+v", e)
		}
		if !strings.HasPrefix(err.Error(), "bankid auth: alreadyInProgress (HTTP 400)") {
			t.Errorf("message %q lacks context", err)
		}
	})
	t.Run("invalidParameters for an unknown order", func(t *testing.T) {
		_, err := c.Collect(ctx, "8b6a5b1e-0000-4000-8000-000000000000")
		e := wantCode(t, err, bankid.CodeInvalidParameters)
		if e.HTTPStatus != 400 || e.Temporary() {
			t.Errorf("error %+v", e)
		}
	})
	for _, te := range []bankidtest.Error{
		{HTTPStatus: 401, Code: bankid.CodeUnauthorized, Details: "RP not allowed"},
		{HTTPStatus: 500, Code: bankid.CodeInternalError, Details: "Internal error"},
		{HTTPStatus: 503, Code: bankid.CodeMaintenance, Details: "Maintenance"},
		{HTTPStatus: 408, Code: bankid.CodeRequestTimeout, Details: "Timeout"},
	} {
		t.Run(te.Code, func(t *testing.T) {
			ts.SetOutage(&te)
			defer ts.SetOutage(nil)
			_, err := c.Collect(ctx, "8b6a5b1e-0000-4000-8000-000000000000")
			e := wantCode(t, err, te.Code)
			temporary := te.Code != bankid.CodeUnauthorized
			if e.HTTPStatus != te.HTTPStatus || e.Temporary() != temporary {
				t.Errorf("error %+v, temporary %v, want %v", e, e.Temporary(), temporary)
			}
		})
	}
	t.Run("unsupported media type and method", func(t *testing.T) {
		// Raw requests through the client's own mutual-TLS transport.
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/collect", strings.NewReader(`{"orderRef":"x"}`))
		req.Header.Set("Content-Type", "text/plain")
		resp, err := c.HTTPClient().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if e := bankid.APIError(resp.StatusCode, body); e.Code != bankid.CodeUnsupportedMediaType || e.HTTPStatus != 415 {
			t.Errorf("text/plain: %v", e)
		}
		resp, err = c.HTTPClient().Get(ts.URL + "/collect")
		if err != nil {
			t.Fatal(err)
		}
		body, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if e := bankid.APIError(resp.StatusCode, body); e.Code != bankid.CodeMethodNotAllowed {
			t.Errorf("GET: %v", e)
		}
	})
}

// otherServer starts an httptest TLS server with a certificate from ca,
// requiring client certificates from the same CA, serving h.
func otherServer(t *testing.T, ca *bankidtest.CA, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	cert, err := ca.Issue("127.0.0.1", true)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.TLS = &tls.Config{
		Certificates: []tls.Certificate{cert},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    ca.Pool(),
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func TestAnswersThatAreNotTheAPIs(t *testing.T) {
	ts := newServer(t)
	for _, tc := range []struct {
		name   string
		status int
		body   string
		code   string
	}{
		{"proxy 503 page", 503, "<html>Service Unavailable</html>", bankid.CodeMaintenance},
		{"proxy 502 page", 502, "<html>Bad Gateway</html>", bankid.CodeInternalError},
		{"403 without body", 403, "", bankid.CodeUnauthorized},
		{"200 not JSON", 200, "<html>hello</html>", bankid.CodeBadResponse},
		{"200 unknown status", 200, `{"orderRef":"x","status":"paused"}`, bankid.CodeBadResponse},
		{"200 complete without data", 200, `{"orderRef":"x","status":"complete"}`, bankid.CodeBadResponse},
		{"redirect", 302, "", bankid.CodeBadResponse},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := otherServer(t, ts.CA, func(w http.ResponseWriter, r *http.Request) {
				if tc.status == 302 {
					w.Header().Set("Location", "/elsewhere")
				}
				w.WriteHeader(tc.status)
				io.WriteString(w, tc.body)
			})
			cfg := ts.Config()
			cfg.BaseURL = srv.URL + "/rp/v6.0"
			c := newClient(t, cfg)
			_, err := c.Collect(testCtx(t), "x")
			wantCode(t, err, tc.code)
		})
	}
}

// hang answers nothing until the client goes away (or 5 s pass). The body is
// read first: the server notices a closed connection only after that.
func hang(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	select {
	case <-r.Context().Done():
	case <-time.After(5 * time.Second):
	}
}

func TestTimeout(t *testing.T) {
	ts := newServer(t)
	srv := otherServer(t, ts.CA, hang)
	cfg := ts.Config()
	cfg.BaseURL = srv.URL + "/rp/v6.0"
	cfg.Timeout = 150 * time.Millisecond
	c := newClient(t, cfg)
	start := time.Now()
	_, err := c.Collect(testCtx(t), "x")
	e := wantCode(t, err, bankid.CodeTimeout)
	if !e.Temporary() {
		t.Error("timeout not temporary")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v with a 150 ms timeout", d)
	}
}

func TestCallerCancellationIsNotATimeout(t *testing.T) {
	ts := newServer(t)
	srv := otherServer(t, ts.CA, hang)
	cfg := ts.Config()
	cfg.BaseURL = srv.URL + "/rp/v6.0"
	c := newClient(t, cfg)
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err := c.Collect(ctx, "x")
	if !errors.Is(err, context.Canceled) || bankid.ErrorCode(err) != "" {
		t.Fatalf("err = %v, want context.Canceled without an *Error", err)
	}
}

func TestMutualTLS(t *testing.T) {
	ts := newServer(t)
	other, err := bankidtest.NewCA("some other root")
	if err != nil {
		t.Fatal(err)
	}

	t.Run("client certificate from a foreign CA is refused", func(t *testing.T) {
		certPEM, keyPEM, err := other.IssuePEM("intruder", false)
		if err != nil {
			t.Fatal(err)
		}
		cfg := ts.Config()
		cfg.CertPEM, cfg.KeyPEM = certPEM, keyPEM
		c := newClient(t, cfg)
		_, err = c.Auth(testCtx(t), bankid.AuthRequest{EndUserIP: "192.0.2.1"})
		e := wantCode(t, err, bankid.CodeCertificateRefused)
		if e.Temporary() {
			t.Error("a refused certificate is not temporary")
		}
	})

	t.Run("client without a certificate is refused", func(t *testing.T) {
		c := newClient(t, ts.Config())
		// Take the certificate away after construction (NewClient insists
		// on one).
		c.HTTPClient().Transport.(*http.Transport).TLSClientConfig.GetClientCertificate =
			func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &tls.Certificate{}, nil }
		_, err := c.Auth(testCtx(t), bankid.AuthRequest{EndUserIP: "192.0.2.1"})
		wantCode(t, err, bankid.CodeCertificateRefused)
	})

	t.Run("client pinned to another root refuses the server", func(t *testing.T) {
		cfg := ts.Config()
		cfg.RootCAPEM = other.CertPEM
		c := newClient(t, cfg)
		before := len(ts.Requests(""))
		_, err := c.Auth(testCtx(t), bankid.AuthRequest{EndUserIP: "192.0.2.1"})
		wantCode(t, err, bankid.CodeTLS)
		var unknown x509.UnknownAuthorityError
		if !errors.As(err, &unknown) {
			t.Errorf("err %v does not unwrap to x509.UnknownAuthorityError", err)
		}
		if n := len(ts.Requests("")) - before; n != 0 {
			t.Errorf("%d requests reached the untrusted server", n)
		}
	})

	t.Run("server certificate for another address", func(t *testing.T) {
		cfg := ts.Config()
		cfg.BaseURL = strings.Replace(ts.URL, "127.0.0.1", "127.0.0.2", 1)
		// 127.0.0.2 is not in the server certificate; the dial may also be
		// refused where 127.0.0.2 is not routed to lo.
		c := newClient(t, cfg)
		_, err := c.Collect(testCtx(t), "x")
		if code := bankid.ErrorCode(err); code != bankid.CodeTLS && code != bankid.CodeConnectionRefused {
			t.Fatalf("err = %v, want %s or %s", err, bankid.CodeTLS, bankid.CodeConnectionRefused)
		}
	})
}

func TestConnectionRefused(t *testing.T) {
	ts := newServer(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfg := ts.Config()
	cfg.BaseURL = "https://" + addr + "/rp/v6.0"
	c := newClient(t, cfg)
	_, err = c.Collect(testCtx(t), "x")
	e := wantCode(t, err, bankid.CodeConnectionRefused)
	if !e.Temporary() {
		t.Error("connection refused not temporary")
	}
}

func TestCancel(t *testing.T) {
	ts := newServer(t)
	c := newClient(t, ts.Config())
	ctx := testCtx(t)
	auth, err := c.Auth(ctx, bankid.AuthRequest{EndUserIP: "192.0.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Cancel(ctx, auth.OrderRef); err != nil {
		t.Fatal(err)
	}
	if !ts.Cancelled(auth.OrderRef) {
		t.Error("server did not record the cancel")
	}
	if body := decodeBody(t, ts.Requests("cancel")[0]); body["orderRef"] != auth.OrderRef {
		t.Errorf("cancel body %v", body)
	}
	_, err = c.Collect(ctx, auth.OrderRef)
	wantCode(t, err, bankid.CodeInvalidParameters)
	err = c.Cancel(ctx, auth.OrderRef)
	wantCode(t, err, bankid.CodeInvalidParameters)
}

func TestNewClientConfig(t *testing.T) {
	ts := newServer(t)
	good := ts.Config()

	t.Run("environments", func(t *testing.T) {
		for env, want := range map[string]string{bankid.EnvTest: bankid.TestURL, bankid.EnvProduction: bankid.ProductionURL} {
			cfg := good
			cfg.BaseURL, cfg.Environment = "", env
			c := newClient(t, cfg)
			if c.Base() != want {
				t.Errorf("%s: base %q, want %q", env, c.Base(), want)
			}
		}
		if bankid.TestURL != "https://appapi2.test.bankid.com/rp/v6.0" || bankid.ProductionURL != "https://appapi2.bankid.com/rp/v6.0" {
			t.Error("environment URLs changed")
		}
	})
	t.Run("only the pinned root is trusted", func(t *testing.T) {
		c := newClient(t, good)
		conf := c.HTTPClient().Transport.(*http.Transport).TLSClientConfig
		if conf.RootCAs == nil || !conf.RootCAs.Equal(ts.CA.Pool()) {
			t.Error("RootCAs is not exactly the configured root")
		}
		if conf.InsecureSkipVerify {
			t.Error("InsecureSkipVerify set")
		}
		if c.HTTPClient().Timeout != good.Timeout {
			t.Errorf("http.Client timeout %v, want %v", c.HTTPClient().Timeout, good.Timeout)
		}
	})

	expiredCA, err := bankidtest.NewCA("expired")
	if err != nil {
		t.Fatal(err)
	}
	expiredCert, expiredKey := expiredPEM(t, expiredCA)

	for _, tc := range []struct {
		name   string
		change func(*bankid.Config)
		want   string
	}{
		{"no environment", func(c *bankid.Config) { c.BaseURL = "" }, "choose the BankID environment"},
		{"unknown environment", func(c *bankid.Config) { c.BaseURL, c.Environment = "", "staging" }, "unknown BankID environment"},
		{"http base URL", func(c *bankid.Config) { c.BaseURL = "http://127.0.0.1/rp/v6.0" }, "not an https URL"},
		{"no certificate", func(c *bankid.Config) { c.CertPEM, c.KeyPEM = nil, nil }, "client certificate is missing"},
		{"certificate without key", func(c *bankid.Config) { c.KeyPEM = nil }, "needs both"},
		{"PKCS12 and PEM", func(c *bankid.Config) { c.PKCS12 = []byte{1} }, "not both"},
		{"key does not match", func(c *bankid.Config) { _, c.KeyPEM, _ = ts.CA.IssuePEM("x", false) }, "private key does not match"},
		{"no root", func(c *bankid.Config) { c.RootCAPEM = nil }, "root CA certificate (PEM) is missing"},
		{"root not PEM", func(c *bankid.Config) { c.RootCAPEM = []byte("not a certificate") }, "not a PEM certificate"},
		{"expired certificate", func(c *bankid.Config) { c.CertPEM, c.KeyPEM = expiredCert, expiredKey }, "expired on"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := good
			tc.change(&cfg)
			_, err := bankid.NewClient(cfg)
			if !errors.Is(err, bankid.ErrConfig) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want ErrConfig saying %q", err, tc.want)
			}
		})
	}
}
