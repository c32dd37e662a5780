package bankid

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"math/big"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// TestServer is a local stand-in for the BankID RP API v6.0, for tests and
// demos: it speaks the same JSON over mutual TLS, with its own CA, a server
// certificate for 127.0.0.1 and a client certificate it accepts. It listens
// on 127.0.0.1 only, on a port the system picks.
//
// Each auth request takes the next enqueued Scenario (or DefaultScenario);
// each collect of that order answers the scenario's next Step, the last one
// repeating while it is pending. Like the real service it refuses
// connections without a client certificate from its CA, checks request
// bodies (endUserIp, userVisibleData, userVisibleDataFormat, requirement),
// answers errors as {"errorCode", "details"} and forgets an order once its
// final state has been collected or it was cancelled.
type TestServer struct {
	// URL is the API base, e.g. "https://127.0.0.1:41234/rp/v6.0".
	URL string
	// RootCAPEM is the CA that issued the server and client certificates.
	RootCAPEM []byte
	// ClientCertPEM and ClientKeyPEM are a client certificate the server
	// accepts.
	ClientCertPEM []byte
	ClientKeyPEM  []byte

	ca     *testCA
	srv    *http.Server
	served chan struct{}

	mu        sync.Mutex
	queue     []Scenario
	orders    map[string]*testOrder
	requests  []TestRequest
	outage    *TestError
	cancelled map[string]bool
}

// Scenario scripts one order.
type Scenario struct {
	// AuthError, if set, is the answer to the auth request; no order is
	// created.
	AuthError *TestError
	// Steps are the answers to successive collect calls.
	Steps []Step
}

// Step is one collect answer: a status and hint code, or an HTTP error.
type Step struct {
	Status   string
	HintCode string
	// Completion is sent with status complete; nil sends TestCompletion
	// (with stepUp {"mrtd": true} if the auth request asked for mrtd).
	Completion *CompletionData
	// Error, if set, is answered instead (the order stays as it was).
	Error *TestError
}

// TestError is an error answer.
type TestError struct {
	HTTPStatus int
	Code       string
	Details    string
}

// TestRequest is a request the server received.
type TestRequest struct {
	Path string          // e.g. "/rp/v6.0/auth"
	Body json.RawMessage // as sent
}

// DefaultScenario walks an order through outstandingTransaction, started
// and userSign to complete.
func DefaultScenario() Scenario {
	return Scenario{Steps: []Step{
		{Status: StatusPending, HintCode: HintOutstandingTransaction},
		{Status: StatusPending, HintCode: HintStarted},
		{Status: StatusPending, HintCode: HintUserSign},
		{Status: StatusComplete},
	}}
}

// FailScenario is an order that is pending once and then fails with
// hintCode.
func FailScenario(hintCode string) Scenario {
	return Scenario{Steps: []Step{
		{Status: StatusPending, HintCode: HintOutstandingTransaction},
		{Status: StatusFailed, HintCode: hintCode},
	}}
}

// TestCompletion is the completion data TestServer sends by default: a
// made-up person whose personal number (born 1990-01-01) passes the Luhn
// check.
func TestCompletion(endUserIP string, mrtd bool) CompletionData {
	d := CompletionData{
		User: User{
			PersonalNumber: "199001012385",
			Name:           "Tess Testsson",
			GivenName:      "Tess",
			Surname:        "Testsson",
		},
		Device:          Device{IPAddress: endUserIP, UHI: "OZvYM9VvyiAmG7NA5jU5zRGcBQ+Iq9pUMwbUJjvnHlE="},
		BankIDIssueDate: "2024-05-01Z",
		Signature:       base64.StdEncoding.EncodeToString([]byte("<Signature>test</Signature>")),
		OCSPResponse:    base64.StdEncoding.EncodeToString([]byte("test ocsp")),
	}
	if mrtd {
		d.StepUp = &StepUp{MRTD: true}
	}
	return d
}

type testOrder struct {
	ref       string
	endUserIP string
	mrtd      bool
	steps     []Step
	next      int
}

// NewTestServer starts a test server on 127.0.0.1. Close it when done.
func NewTestServer() (*TestServer, error) {
	ca, err := newTestCA("id06desk BankID test root")
	if err != nil {
		return nil, fmt.Errorf("test server: %w", err)
	}
	serverCert, err := ca.issue("127.0.0.1", true)
	if err != nil {
		return nil, fmt.Errorf("test server: %w", err)
	}
	clientCert, clientKey, err := ca.issuePEM("id06desk test relying party", false)
	if err != nil {
		return nil, fmt.Errorf("test server: %w", err)
	}
	// Never anything but loopback.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("test server: listen: %w", err)
	}
	s := &TestServer{
		URL:           "https://" + ln.Addr().String() + "/rp/v6.0",
		RootCAPEM:     ca.certPEM,
		ClientCertPEM: clientCert,
		ClientKeyPEM:  clientKey,
		ca:            ca,
		served:        make(chan struct{}),
		orders:        map[string]*testOrder{},
		cancelled:     map[string]bool{},
	}
	tlsConf := &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{serverCert},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    ca.pool(),
	}
	s.srv = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 5 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0), // refused handshakes are expected
	}
	go func() {
		defer close(s.served)
		s.srv.Serve(tls.NewListener(ln, tlsConf))
	}()
	return s, nil
}

// Close stops the server and waits for it.
func (s *TestServer) Close() error {
	err := s.srv.Close()
	<-s.served
	return err
}

// Config returns a client configuration that works with this server.
func (s *TestServer) Config() Config {
	return Config{
		BaseURL:   s.URL,
		CertPEM:   s.ClientCertPEM,
		KeyPEM:    s.ClientKeyPEM,
		RootCAPEM: s.RootCAPEM,
		Timeout:   5 * time.Second,
	}
}

// Enqueue scripts the next orders, one scenario per auth request.
func (s *TestServer) Enqueue(sc ...Scenario) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = append(s.queue, sc...)
}

// SetOutage makes every request answer e (e.g. maintenance, unauthorized);
// nil ends the outage.
func (s *TestServer) SetOutage(e *TestError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outage = e
}

// Requests returns the requests received so far whose path ends in op
// ("auth", "collect", "cancel"), or all of them for "".
func (s *TestServer) Requests(op string) []TestRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []TestRequest
	for _, r := range s.requests {
		if op == "" || strings.HasSuffix(r.Path, "/"+op) {
			out = append(out, r)
		}
	}
	return out
}

// Cancelled reports whether orderRef was cancelled with /cancel.
func (s *TestServer) Cancelled(orderRef string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cancelled[orderRef]
}

// ServeHTTP answers one API request.
func (s *TestServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	s.mu.Lock()
	s.requests = append(s.requests, TestRequest{Path: r.URL.Path, Body: json.RawMessage(body)})
	outage := s.outage
	s.mu.Unlock()

	if outage != nil {
		writeTestError(w, *outage)
		return
	}
	op, ok := strings.CutPrefix(r.URL.Path, "/rp/v6.0/")
	if !ok || (op != "auth" && op != "collect" && op != "cancel") {
		writeTestError(w, TestError{404, CodeNotFound, "Not found"})
		return
	}
	if r.Method != http.MethodPost {
		writeTestError(w, TestError{405, CodeMethodNotAllowed, "Method not allowed"})
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		writeTestError(w, TestError{415, CodeUnsupportedMediaType, "Content-Type must be application/json"})
		return
	}
	switch op {
	case "auth":
		s.auth(w, body)
	case "collect":
		s.collect(w, body)
	case "cancel":
		s.cancel(w, body)
	}
}

func (s *TestServer) auth(w http.ResponseWriter, body []byte) {
	var req struct {
		EndUserIP   *string `json:"endUserIp"`
		Requirement *struct {
			MRTD           *bool   `json:"mrtd"`
			PinCode        *bool   `json:"pinCode"`
			PersonalNumber *string `json:"personalNumber"`
		} `json:"requirement"`
		UserVisibleData       *string `json:"userVisibleData"`
		UserVisibleDataFormat *string `json:"userVisibleDataFormat"`
		ReturnURL             *string `json:"returnUrl"`
		ReturnRisk            *bool   `json:"returnRisk"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		writeTestError(w, TestError{400, CodeInvalidParameters, "Invalid JSON: " + err.Error()})
		return
	}
	if req.EndUserIP == nil || *req.EndUserIP == "" {
		writeTestError(w, TestError{400, CodeInvalidParameters, "Missing endUserIp"})
		return
	}
	if _, err := netip.ParseAddr(*req.EndUserIP); err != nil {
		writeTestError(w, TestError{400, CodeInvalidParameters, "Invalid endUserIp"})
		return
	}
	if req.UserVisibleData != nil {
		text, err := base64.StdEncoding.DecodeString(*req.UserVisibleData)
		if err != nil || len(text) == 0 || !utf8.Valid(text) || len(*req.UserVisibleData) > maxVisibleData {
			writeTestError(w, TestError{400, CodeInvalidParameters, "Invalid userVisibleData"})
			return
		}
	}
	if req.UserVisibleDataFormat != nil && *req.UserVisibleDataFormat != "simpleMarkdownV1" {
		writeTestError(w, TestError{400, CodeInvalidParameters, "Invalid userVisibleDataFormat"})
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	sc := DefaultScenario()
	if len(s.queue) > 0 {
		sc, s.queue = s.queue[0], s.queue[1:]
	}
	if sc.AuthError != nil {
		writeTestError(w, *sc.AuthError)
		return
	}
	if len(sc.Steps) == 0 {
		sc = DefaultScenario()
	}
	o := &testOrder{
		ref:       newUUID(),
		endUserIP: *req.EndUserIP,
		mrtd:      req.Requirement != nil && req.Requirement.MRTD != nil && *req.Requirement.MRTD,
		steps:     sc.Steps,
	}
	s.orders[o.ref] = o
	writeTestJSON(w, AuthResponse{
		OrderRef:       o.ref,
		AutoStartToken: newUUID(),
		QRStartToken:   newUUID(),
		QRStartSecret:  newUUID(),
	})
}

func (s *TestServer) orderFor(w http.ResponseWriter, body []byte) *testOrder {
	var req struct {
		OrderRef string `json:"orderRef"`
	}
	if err := json.Unmarshal(body, &req); err != nil || req.OrderRef == "" {
		writeTestError(w, TestError{400, CodeInvalidParameters, "Missing orderRef"})
		return nil
	}
	o := s.orders[req.OrderRef]
	if o == nil {
		writeTestError(w, TestError{400, CodeInvalidParameters, "No such order"})
	}
	return o
}

func (s *TestServer) collect(w http.ResponseWriter, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orderFor(w, body)
	if o == nil {
		return
	}
	step := o.steps[min(o.next, len(o.steps)-1)]
	o.next++
	if step.Error != nil {
		writeTestError(w, *step.Error)
		return
	}
	resp := CollectResponse{OrderRef: o.ref, Status: step.Status, HintCode: step.HintCode}
	switch step.Status {
	case StatusComplete:
		d := TestCompletion(o.endUserIP, o.mrtd)
		if step.Completion != nil {
			d = *step.Completion
		}
		resp.HintCode = ""
		resp.CompletionData = &d
		delete(s.orders, o.ref) // an order is collected complete once
	case StatusFailed:
		delete(s.orders, o.ref)
	}
	writeTestJSON(w, resp)
}

func (s *TestServer) cancel(w http.ResponseWriter, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orderFor(w, body)
	if o == nil {
		return
	}
	delete(s.orders, o.ref)
	s.cancelled[o.ref] = true
	writeTestJSON(w, struct{}{})
}

func writeTestJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func writeTestError(w http.ResponseWriter, e TestError) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.HTTPStatus)
	json.NewEncoder(w).Encode(map[string]string{"errorCode": e.Code, "details": e.Details})
}

// testCA is a throwaway certificate authority (ECDSA P-256).
type testCA struct {
	key     *ecdsa.PrivateKey
	cert    *x509.Certificate
	certPEM []byte
}

func newTestCA(name string) (*testCA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("CA key: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("CA certificate: %w", err)
	}
	return &testCA{key: key, cert: cert, certPEM: pemBlock("CERTIFICATE", der)}, nil
}

func (ca *testCA) pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.cert)
	return p
}

// sign issues a certificate for pub: a server certificate for 127.0.0.1
// and localhost, or a client certificate named cn.
func (ca *testCA) sign(cn string, server bool, pub any) ([]byte, error) {
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	if server {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1)}
		tmpl.DNSNames = []string{"localhost"}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, pub, ca.key)
	if err != nil {
		return nil, fmt.Errorf("issue certificate %q: %w", cn, err)
	}
	return der, nil
}

// issuePEM issues a certificate with a new key and returns both in PEM.
func (ca *testCA) issuePEM(cn string, server bool) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("key for %q: %w", cn, err)
	}
	der, err := ca.sign(cn, server, &key.PublicKey)
	if err != nil {
		return nil, nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("key for %q: %w", cn, err)
	}
	return pemBlock("CERTIFICATE", der), pemBlock("PRIVATE KEY", keyDER), nil
}

// issue is issuePEM as a tls.Certificate.
func (ca *testCA) issue(cn string, server bool) (tls.Certificate, error) {
	certPEM, keyPEM, err := ca.issuePEM(cn, server)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.X509KeyPair(certPEM, keyPEM)
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	return n
}
