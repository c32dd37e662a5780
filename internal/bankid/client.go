package bankid

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"
)

// Environments and their base URLs.
const (
	EnvTest       = "test"
	EnvProduction = "production"

	TestURL       = "https://appapi2.test.bankid.com/rp/v6.0"
	ProductionURL = "https://appapi2.bankid.com/rp/v6.0"
)

// DefaultTimeout bounds each API call when Config.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// maxVisibleData is the longest userVisibleData accepted, counted after
// base64 encoding. Assumption: the API documents 1–1 500 characters for
// auth (sign allows more); longer texts are refused before sending.
const maxVisibleData = 1500

// Config says how to reach BankID.
type Config struct {
	// Environment is EnvTest or EnvProduction. It may be empty when BaseURL
	// is set.
	Environment string
	// BaseURL overrides the environment's URL (tests, a local stand-in). It
	// must be https and end in the API version, e.g.
	// "https://127.0.0.1:8443/rp/v6.0".
	BaseURL string

	// The relying-party certificate: either PKCS12 (the .p12/.pfx file from
	// the bank) with its Passphrase, or CertPEM and KeyPEM.
	PKCS12     []byte
	Passphrase string
	CertPEM    []byte
	KeyPEM     []byte

	// RootCAPEM is the BankID root CA the server certificate must chain to
	// (one for test, another for production). It is the only trusted root.
	RootCAPEM []byte

	// Timeout bounds each API call; 0 means DefaultTimeout.
	Timeout time.Duration

	// Logger gets one debug line per call (operation, status, duration),
	// never request or response bodies. nil discards.
	Logger *slog.Logger
}

// Client calls the BankID RP API v6.0. It is safe for concurrent use.
type Client struct {
	base    string
	hc      *http.Client
	timeout time.Duration
	log     *slog.Logger
}

// NewClient checks cfg and builds a client. Problems with cfg are returned
// wrapping ErrConfig, with a sentence an administrator can act on.
func NewClient(cfg Config) (*Client, error) {
	base, err := baseURL(cfg)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	cert, err := clientCertificate(cfg)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	roots, err := rootPool(cfg.RootCAPEM)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}

	tlsConf := &tls.Config{
		MinVersion: tls.VersionTLS12,
		RootCAs:    roots,
		// Always present the certificate. With Certificates instead, Go
		// sends nothing when the server's list of acceptable CAs names an
		// issuer the file's chain does not show, and the server then
		// refuses the connection for a missing certificate.
		GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			return &cert, nil
		},
	}
	transport := &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   min(timeout, 5*time.Second),
			KeepAlive: 30 * time.Second,
		}).DialContext,
		TLSClientConfig:       tlsConf,
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       60 * time.Second,
	}
	hc := &http.Client{
		Transport: transport,
		Timeout:   timeout,
		// The API never redirects; a redirect (a captive portal, a
		// misconfigured proxy) is reported, not followed.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return &Client{
		base:    base,
		hc:      hc,
		timeout: timeout,
		log:     log,
	}, nil
}

func baseURL(cfg Config) (string, error) {
	if cfg.BaseURL != "" {
		u, err := url.Parse(cfg.BaseURL)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			return "", fmt.Errorf("the BankID address %q is not an https URL", cfg.BaseURL)
		}
		return strings.TrimSuffix(cfg.BaseURL, "/"), nil
	}
	switch cfg.Environment {
	case EnvTest:
		return TestURL, nil
	case EnvProduction:
		return ProductionURL, nil
	case "":
		return "", fmt.Errorf("choose the BankID environment: %q or %q", EnvTest, EnvProduction)
	}
	return "", fmt.Errorf("unknown BankID environment %q: use %q or %q", cfg.Environment, EnvTest, EnvProduction)
}

func clientCertificate(cfg Config) (tls.Certificate, error) {
	hasP12 := len(cfg.PKCS12) > 0
	hasPEM := len(cfg.CertPEM) > 0 || len(cfg.KeyPEM) > 0
	var cert tls.Certificate
	var err error
	switch {
	case hasP12 && hasPEM:
		return cert, errors.New("give the client certificate either as a PKCS#12 file or as PEM files, not both")
	case hasP12:
		cert, err = LoadPKCS12(cfg.PKCS12, cfg.Passphrase)
	case len(cfg.CertPEM) > 0 && len(cfg.KeyPEM) > 0:
		cert, err = loadPEMPair(cfg.CertPEM, cfg.KeyPEM)
	case hasPEM:
		return cert, errors.New("the PEM client certificate needs both the certificate and the private key")
	default:
		return cert, errors.New("the BankID client certificate is missing (a PKCS#12 file from your bank, or PEM files)")
	}
	if err != nil {
		return cert, err
	}
	leaf, err := leafOf(cert)
	if err != nil {
		return cert, fmt.Errorf("read client certificate: %w", err)
	}
	if now := time.Now(); now.After(leaf.NotAfter) {
		return cert, fmt.Errorf("the BankID client certificate expired on %s; order a new one from your bank",
			leaf.NotAfter.Format(time.DateOnly))
	}
	cert.Leaf = leaf
	return cert, nil
}

// Close releases idle connections.
func (c *Client) Close() {
	c.hc.CloseIdleConnections()
}

// Requirement limits how the user may identify. Only the fields this
// product needs are included.
type Requirement struct {
	// MRTD asks the user to scan their passport or national ID card with
	// the BankID app (step-up). The result is in CompletionData.StepUp.
	MRTD bool `json:"mrtd,omitempty"`
	// PinCode forces the security code even if biometrics are enabled.
	PinCode bool `json:"pinCode,omitempty"`
	// PersonalNumber restricts the order to one person (12 digits).
	PersonalNumber string `json:"personalNumber,omitempty"`
}

// AuthRequest starts an identification.
type AuthRequest struct {
	// EndUserIP is the user's IP address as the relying party sees it.
	// Required.
	EndUserIP string
	// Requirement is optional.
	Requirement *Requirement
	// UserVisibleData is simpleMarkdownV1 text shown in the BankID app; the
	// client encodes it (UTF-8, base64) and sets userVisibleDataFormat.
	UserVisibleData string
	// ReturnURL is where the app sends the user afterwards (same-device
	// flows only). Optional.
	ReturnURL string
	// ReturnRisk asks for a risk level in CompletionData.Risk.
	ReturnRisk bool
}

// authBody is the JSON sent to /auth.
type authBody struct {
	EndUserIP             string       `json:"endUserIp"`
	Requirement           *Requirement `json:"requirement,omitempty"`
	UserVisibleData       string       `json:"userVisibleData,omitempty"`
	UserVisibleDataFormat string       `json:"userVisibleDataFormat,omitempty"`
	ReturnURL             string       `json:"returnUrl,omitempty"`
	ReturnRisk            bool         `json:"returnRisk,omitempty"`
}

// AuthResponse is the answer to /auth.
type AuthResponse struct {
	OrderRef       string `json:"orderRef"`
	AutoStartToken string `json:"autoStartToken"`
	QRStartToken   string `json:"qrStartToken"`
	QRStartSecret  string `json:"qrStartSecret"`
}

// Order statuses in CollectResponse.Status.
const (
	StatusPending  = "pending"
	StatusFailed   = "failed"
	StatusComplete = "complete"
)

// Hint codes in CollectResponse.HintCode. Unknown codes may appear: the API
// says to treat them like the status's generic case.
const (
	HintOutstandingTransaction = "outstandingTransaction" // pending
	HintNoClient               = "noClient"               // pending
	HintStarted                = "started"                // pending
	HintUserMRTD               = "userMrtd"               // pending: scanning the ID document
	HintUserCallConfirm        = "userCallConfirm"        // pending: phone orders only
	HintUserSign               = "userSign"               // pending
	HintExpiredTransaction     = "expiredTransaction"     // failed
	HintCertificateErr         = "certificateErr"         // failed
	HintUserCancel             = "userCancel"             // failed
	HintCancelled              = "cancelled"              // failed
	HintStartFailed            = "startFailed"            // failed
	HintUserDeclinedCall       = "userDeclinedCall"       // failed: phone orders only
)

// CollectResponse is the answer to /collect.
type CollectResponse struct {
	OrderRef       string          `json:"orderRef"`
	Status         string          `json:"status"`
	HintCode       string          `json:"hintCode,omitempty"`
	CompletionData *CompletionData `json:"completionData,omitempty"`
}

// CompletionData is what a complete order tells about the user. Keep it (it
// holds the signature and OCSP response) as proof of the identification.
type CompletionData struct {
	User   User   `json:"user"`
	Device Device `json:"device"`
	// BankIDIssueDate is the date the user's BankID was issued, as sent
	// (Assumption: "YYYY-MM-DD", possibly followed by a zone such as "Z";
	// kept as a string so an unexpected form is not a decoding error).
	BankIDIssueDate string `json:"bankIdIssueDate"`
	// StepUp is present when extra checks were requested (requirement.mrtd).
	StepUp *StepUp `json:"stepUp,omitempty"`
	// Signature is the base64 XML signature.
	Signature string `json:"signature"`
	// OCSPResponse is the base64 OCSP response.
	OCSPResponse string `json:"ocspResponse"`
	// Risk is "low", "moderate" or "high" when ReturnRisk was set.
	Risk string `json:"risk,omitempty"`
}

// StepUp reports extra verifications. In the API it is an object, not a
// bool: {"mrtd": true}.
type StepUp struct {
	// MRTD is true if the ID document check was performed and passed, false
	// if it was performed and failed.
	MRTD bool `json:"mrtd"`
}

// User is the identified person.
type User struct {
	PersonalNumber string `json:"personalNumber"` // 12 digits
	Name           string `json:"name"`
	GivenName      string `json:"givenName"`
	Surname        string `json:"surname"`
}

// String prints the user with the personal number redacted.
func (u User) String() string {
	return fmt.Sprintf("{PersonalNumber:%s Name:%s}", redacted(u.PersonalNumber), u.Name)
}

// LogValue logs the user with the personal number redacted.
func (u User) LogValue() slog.Value {
	return slog.GroupValue(slog.String("personalNumber", redacted(u.PersonalNumber)), slog.String("name", u.Name))
}

// String prints the completion data with the personal number redacted and
// without the signature and OCSP response.
func (d CompletionData) String() string {
	return fmt.Sprintf("{User:%v IssueDate:%s MRTD:%v}", d.User, d.BankIDIssueDate, d.StepUp != nil && d.StepUp.MRTD)
}

// LogValue logs the completion data like String.
func (d CompletionData) LogValue() slog.Value {
	return slog.GroupValue(slog.Any("user", d.User), slog.String("bankIdIssueDate", d.BankIDIssueDate),
		slog.Bool("mrtd", d.StepUp != nil && d.StepUp.MRTD))
}

func redacted(s string) string {
	if s == "" {
		return ""
	}
	return "[redacted]"
}

// Device is the user's device.
type Device struct {
	IPAddress string `json:"ipAddress"`
	UHI       string `json:"uhi,omitempty"` // unique hardware identifier
}

// Auth starts an identification order.
func (c *Client) Auth(ctx context.Context, req AuthRequest) (*AuthResponse, error) {
	body, err := buildAuthBody(req)
	if err != nil {
		return nil, fmt.Errorf("bankid auth: %w", err)
	}
	var out AuthResponse
	if err := c.call(ctx, "auth", body, &out); err != nil {
		return nil, err
	}
	if out.OrderRef == "" || out.QRStartToken == "" || out.QRStartSecret == "" {
		return nil, fmt.Errorf("bankid auth: %w", &Error{Code: CodeBadResponse, Details: "the answer lacks orderRef, qrStartToken or qrStartSecret"})
	}
	return &out, nil
}

func buildAuthBody(req AuthRequest) (*authBody, error) {
	if req.EndUserIP == "" {
		return nil, fmt.Errorf("%w: endUserIp is required", ErrInvalidRequest)
	}
	if _, err := netip.ParseAddr(req.EndUserIP); err != nil {
		return nil, fmt.Errorf("%w: endUserIp %q is not an IP address", ErrInvalidRequest, req.EndUserIP)
	}
	b := &authBody{
		EndUserIP:   req.EndUserIP,
		Requirement: req.Requirement,
		ReturnURL:   req.ReturnURL,
		ReturnRisk:  req.ReturnRisk,
	}
	if b.Requirement != nil && *b.Requirement == (Requirement{}) {
		b.Requirement = nil
	}
	if req.UserVisibleData != "" {
		b.UserVisibleData = base64.StdEncoding.EncodeToString([]byte(req.UserVisibleData))
		b.UserVisibleDataFormat = "simpleMarkdownV1"
		if len(b.UserVisibleData) > maxVisibleData {
			return nil, fmt.Errorf("%w: userVisibleData is %d characters after base64, more than %d",
				ErrInvalidRequest, len(b.UserVisibleData), maxVisibleData)
		}
	}
	return b, nil
}

// Collect asks for the state of an order. Call it every two seconds until
// the status is complete or failed.
func (c *Client) Collect(ctx context.Context, orderRef string) (*CollectResponse, error) {
	if orderRef == "" {
		return nil, fmt.Errorf("bankid collect: %w: orderRef is required", ErrInvalidRequest)
	}
	var out CollectResponse
	if err := c.call(ctx, "collect", map[string]string{"orderRef": orderRef}, &out); err != nil {
		return nil, err
	}
	switch out.Status {
	case StatusPending, StatusFailed:
	case StatusComplete:
		if out.CompletionData == nil {
			return nil, fmt.Errorf("bankid collect: %w", &Error{Code: CodeBadResponse, Details: "a complete order without completionData"})
		}
	default:
		return nil, fmt.Errorf("bankid collect: %w", &Error{Code: CodeBadResponse, Details: fmt.Sprintf("unknown status %q", out.Status)})
	}
	return &out, nil
}

// Cancel ends an order that is still pending.
func (c *Client) Cancel(ctx context.Context, orderRef string) error {
	if orderRef == "" {
		return fmt.Errorf("bankid cancel: %w: orderRef is required", ErrInvalidRequest)
	}
	return c.call(ctx, "cancel", map[string]string{"orderRef": orderRef}, nil)
}

// call POSTs body as JSON to <base>/<op> and decodes a 200 answer into out
// (if not nil). Errors are wrapped as "bankid <op>: <*Error>", except a
// cancelled or expired parent context, which is returned as such.
func (c *Client) call(ctx context.Context, op string, body, out any) error {
	err := c.roundTrip(ctx, op, body, out)
	if err != nil && ctx.Err() != nil {
		// The caller gave up (a cancelled identification, a wiped kiosk):
		// whatever the half-finished exchange looked like, that is the
		// reason, not a BankID error. An answer cut off by the cancel can
		// arrive as an empty 200.
		return fmt.Errorf("bankid %s: %w", op, ctx.Err())
	}
	return err
}

// roundTrip sends one request and reads its answer into out.
func (c *Client) roundTrip(ctx context.Context, op string, body, out any) error {
	payload, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("bankid %s: encode request: %w", op, err)
	}
	rctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, c.base+"/"+op, bytes.NewReader(payload))
	if err != nil {
		return fmt.Errorf("bankid %s: %w", op, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")

	start := time.Now()
	resp, err := c.hc.Do(req)
	if err != nil {
		e := classifyTransport(err)
		c.log.DebugContext(ctx, "bankid call failed", "op", op, "code", e.Code, "duration", time.Since(start))
		return fmt.Errorf("bankid %s: %w", op, e)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("bankid %s: read answer: %w", op, classifyTransport(err))
	}
	c.log.DebugContext(ctx, "bankid call", "op", op, "status", resp.StatusCode, "duration", time.Since(start))

	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("bankid %s: %w", op, apiError(resp.StatusCode, data))
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("bankid %s: %w", op, &Error{Code: CodeBadResponse, HTTPStatus: resp.StatusCode, Details: "the answer is not the expected JSON", Err: err})
	}
	return nil
}

// apiError reads an error answer: {"errorCode": "...", "details": "..."}.
func apiError(status int, body []byte) *Error {
	var e struct {
		ErrorCode string `json:"errorCode"`
		Details   string `json:"details"`
	}
	if json.Unmarshal(body, &e) == nil && e.ErrorCode != "" {
		return &Error{Code: e.ErrorCode, Details: e.Details, HTTPStatus: status}
	}
	return &Error{Code: codeForStatus(status), HTTPStatus: status, Details: http.StatusText(status)}
}
