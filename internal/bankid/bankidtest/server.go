// Package bankidtest is a local stand-in for the BankID RP API, for tests
// and end-to-end runs (cmd/bankidstub), kept out of the bankid package the
// app ships, as net/http/httptest is kept out of net/http.
package bankidtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
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

	"github.com/google/uuid"

	"id06desk/internal/bankid"
)

// maxVisibleData is the API's limit on userVisibleData (base64, 1–1500
// characters).
const maxVisibleData = 1500

// Server is a local stand-in for the BankID RP API v6.0, for tests and
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
type Server struct {
	// URL is the API base, e.g. "https://127.0.0.1:41234/rp/v6.0".
	URL string
	// RootCAPEM is the CA that issued the server and client certificates.
	RootCAPEM []byte
	// ClientCertPEM and ClientKeyPEM are a client certificate the server
	// accepts.
	ClientCertPEM []byte
	ClientKeyPEM  []byte

	// CA issued the server's and the client's certificates; tests issue
	// more with it.
	CA *CA

	srv    *http.Server
	served chan struct{}

	mu        sync.Mutex
	queue     []Scenario
	orders    map[string]*order
	requests  []Request
	outage    *Error
	cancelled map[string]bool
}

// Scenario scripts one order.
type Scenario struct {
	// AuthError, if set, is the answer to the auth request; no order is
	// created.
	AuthError *Error
	// Steps are the answers to successive collect calls.
	Steps []Step
}

// Step is one collect answer: a status and hint code, or an HTTP error.
type Step struct {
	Status   string
	HintCode string
	// Completion is sent with status complete; nil sends Completion
	// (with stepUp {"mrtd": true} if the auth request asked for mrtd).
	Completion *bankid.CompletionData
	// Error, if set, is answered instead (the order stays as it was).
	Error *Error
}

// Error is an error answer.
type Error struct {
	HTTPStatus int
	Code       string
	Details    string
}

// Request is a request the server received.
type Request struct {
	Path string          // e.g. "/rp/v6.0/auth"
	Body json.RawMessage // as sent
}

// DefaultScenario walks an order through outstandingTransaction, started
// and userSign to complete.
func DefaultScenario() Scenario {
	return Scenario{Steps: []Step{
		{Status: bankid.StatusPending, HintCode: bankid.HintOutstandingTransaction},
		{Status: bankid.StatusPending, HintCode: bankid.HintStarted},
		{Status: bankid.StatusPending, HintCode: bankid.HintUserSign},
		{Status: bankid.StatusComplete},
	}}
}

// FailScenario is an order that is pending once and then fails with
// hintCode.
func FailScenario(hintCode string) Scenario {
	return Scenario{Steps: []Step{
		{Status: bankid.StatusPending, HintCode: bankid.HintOutstandingTransaction},
		{Status: bankid.StatusFailed, HintCode: hintCode},
	}}
}

// Completion is the completion data Server sends by default: a
// made-up person whose personal number (born 1990-01-01) passes the Luhn
// check.
func Completion(endUserIP string, mrtd bool) bankid.CompletionData {
	d := bankid.CompletionData{
		User: bankid.User{
			PersonalNumber: "199001012385",
			Name:           "Tess Testsson",
			GivenName:      "Tess",
			Surname:        "Testsson",
		},
		Device:          bankid.Device{IPAddress: endUserIP, UHI: "OZvYM9VvyiAmG7NA5jU5zRGcBQ+Iq9pUMwbUJjvnHlE="},
		BankIDIssueDate: "2024-05-01Z",
		Signature:       base64.StdEncoding.EncodeToString([]byte("<Signature>test</Signature>")),
		OCSPResponse:    base64.StdEncoding.EncodeToString([]byte("test ocsp")),
	}
	if mrtd {
		d.StepUp = &bankid.StepUp{MRTD: true}
	}
	return d
}

type order struct {
	ref       string
	endUserIP string
	mrtd      bool
	steps     []Step
	next      int
}

// NewServer starts a test server on 127.0.0.1. Close it when done.
func NewServer() (*Server, error) {
	ca, err := NewCA("id06desk BankID test root")
	if err != nil {
		return nil, fmt.Errorf("test server: %w", err)
	}
	serverCert, err := ca.Issue("127.0.0.1", true)
	if err != nil {
		return nil, fmt.Errorf("test server: %w", err)
	}
	clientCert, clientKey, err := ca.IssuePEM("id06desk test relying party", false)
	if err != nil {
		return nil, fmt.Errorf("test server: %w", err)
	}
	// Never anything but loopback.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("test server: listen: %w", err)
	}
	s := &Server{
		URL:           "https://" + ln.Addr().String() + "/rp/v6.0",
		RootCAPEM:     ca.CertPEM,
		ClientCertPEM: clientCert,
		ClientKeyPEM:  clientKey,
		CA:            ca,
		served:        make(chan struct{}),
		orders:        map[string]*order{},
		cancelled:     map[string]bool{},
	}
	tlsConf := &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{serverCert},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    ca.Pool(),
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
func (s *Server) Close() error {
	err := s.srv.Close()
	<-s.served
	return err
}

// Config returns a client configuration that works with this server.
func (s *Server) Config() bankid.Config {
	return bankid.Config{
		BaseURL:   s.URL,
		CertPEM:   s.ClientCertPEM,
		KeyPEM:    s.ClientKeyPEM,
		RootCAPEM: s.RootCAPEM,
		Timeout:   5 * time.Second,
	}
}

// Enqueue scripts the next orders, one scenario per auth request.
func (s *Server) Enqueue(sc ...Scenario) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = append(s.queue, sc...)
}

// SetOutage makes every request answer e (e.g. maintenance, unauthorized);
// nil ends the outage.
func (s *Server) SetOutage(e *Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outage = e
}

// Requests returns the requests received so far whose path ends in op
// ("auth", "collect", "cancel"), or all of them for "".
func (s *Server) Requests(op string) []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Request
	for _, r := range s.requests {
		if op == "" || strings.HasSuffix(r.Path, "/"+op) {
			out = append(out, r)
		}
	}
	return out
}

// Cancelled reports whether orderRef was cancelled with /cancel.
func (s *Server) Cancelled(orderRef string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cancelled[orderRef]
}

// ServeHTTP answers one API request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	s.mu.Lock()
	s.requests = append(s.requests, Request{Path: r.URL.Path, Body: json.RawMessage(body)})
	outage := s.outage
	s.mu.Unlock()

	if outage != nil {
		writeError(w, *outage)
		return
	}
	op, ok := strings.CutPrefix(r.URL.Path, "/rp/v6.0/")
	if !ok || (op != "auth" && op != "collect" && op != "cancel") {
		writeError(w, Error{404, bankid.CodeNotFound, "Not found"})
		return
	}
	if r.Method != http.MethodPost {
		writeError(w, Error{405, bankid.CodeMethodNotAllowed, "Method not allowed"})
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		writeError(w, Error{415, bankid.CodeUnsupportedMediaType, "Content-Type must be application/json"})
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

func (s *Server) auth(w http.ResponseWriter, body []byte) {
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
		writeError(w, Error{400, bankid.CodeInvalidParameters, "Invalid JSON: " + err.Error()})
		return
	}
	if req.EndUserIP == nil || *req.EndUserIP == "" {
		writeError(w, Error{400, bankid.CodeInvalidParameters, "Missing endUserIp"})
		return
	}
	if _, err := netip.ParseAddr(*req.EndUserIP); err != nil {
		writeError(w, Error{400, bankid.CodeInvalidParameters, "Invalid endUserIp"})
		return
	}
	if req.UserVisibleData != nil {
		text, err := base64.StdEncoding.DecodeString(*req.UserVisibleData)
		if err != nil || len(text) == 0 || !utf8.Valid(text) || len(*req.UserVisibleData) > maxVisibleData {
			writeError(w, Error{400, bankid.CodeInvalidParameters, "Invalid userVisibleData"})
			return
		}
	}
	if req.UserVisibleDataFormat != nil && *req.UserVisibleDataFormat != "simpleMarkdownV1" {
		writeError(w, Error{400, bankid.CodeInvalidParameters, "Invalid userVisibleDataFormat"})
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	sc := DefaultScenario()
	if len(s.queue) > 0 {
		sc, s.queue = s.queue[0], s.queue[1:]
	}
	if sc.AuthError != nil {
		writeError(w, *sc.AuthError)
		return
	}
	if len(sc.Steps) == 0 {
		sc = DefaultScenario()
	}
	o := &order{
		ref:       uuid.NewString(),
		endUserIP: *req.EndUserIP,
		mrtd:      req.Requirement != nil && req.Requirement.MRTD != nil && *req.Requirement.MRTD,
		steps:     sc.Steps,
	}
	s.orders[o.ref] = o
	writeJSON(w, bankid.AuthResponse{
		OrderRef:       o.ref,
		AutoStartToken: uuid.NewString(),
		QRStartToken:   uuid.NewString(),
		QRStartSecret:  uuid.NewString(),
	})
}

func (s *Server) orderFor(w http.ResponseWriter, body []byte) *order {
	var req struct {
		OrderRef string `json:"orderRef"`
	}
	if err := json.Unmarshal(body, &req); err != nil || req.OrderRef == "" {
		writeError(w, Error{400, bankid.CodeInvalidParameters, "Missing orderRef"})
		return nil
	}
	o := s.orders[req.OrderRef]
	if o == nil {
		writeError(w, Error{400, bankid.CodeInvalidParameters, "No such order"})
	}
	return o
}

func (s *Server) collect(w http.ResponseWriter, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orderFor(w, body)
	if o == nil {
		return
	}
	step := o.steps[min(o.next, len(o.steps)-1)]
	o.next++
	if step.Error != nil {
		writeError(w, *step.Error)
		return
	}
	resp := bankid.CollectResponse{OrderRef: o.ref, Status: step.Status, HintCode: step.HintCode}
	switch step.Status {
	case bankid.StatusComplete:
		d := Completion(o.endUserIP, o.mrtd)
		if step.Completion != nil {
			d = *step.Completion
		}
		resp.HintCode = ""
		resp.CompletionData = &d
		delete(s.orders, o.ref) // an order is collected complete once
	case bankid.StatusFailed:
		delete(s.orders, o.ref)
	}
	writeJSON(w, resp)
}

func (s *Server) cancel(w http.ResponseWriter, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orderFor(w, body)
	if o == nil {
		return
	}
	delete(s.orders, o.ref)
	s.cancelled[o.ref] = true
	writeJSON(w, struct{}{})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, e Error) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.HTTPStatus)
	json.NewEncoder(w).Encode(map[string]string{"errorCode": e.Code, "details": e.Details})
}

// CA is a throwaway certificate authority (ECDSA P-256).
type CA struct {
	Cert    *x509.Certificate
	CertPEM []byte
	key     *ecdsa.PrivateKey
}

func NewCA(name string) (*CA, error) {
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
	return &CA{key: key, Cert: cert, CertPEM: pemBlock("CERTIFICATE", der)}, nil
}

func (ca *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.Cert)
	return p
}

// Sign issues a certificate for pub, valid from an hour ago for a day: a
// server certificate for 127.0.0.1 and localhost, or a client certificate
// named cn.
func (ca *CA) Sign(cn string, server bool, pub any) ([]byte, error) {
	now := time.Now()
	return ca.sign(cn, server, pub, now.Add(-time.Hour), now.Add(24*time.Hour))
}

func (ca *CA) sign(cn string, server bool, pub any, notBefore, notAfter time.Time) ([]byte, error) {
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	if server {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1)}
		tmpl.DNSNames = []string{"localhost"}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, pub, ca.key)
	if err != nil {
		return nil, fmt.Errorf("issue certificate %q: %w", cn, err)
	}
	return der, nil
}

// IssuePEM issues a certificate (as Sign) with a new key and returns both
// in PEM.
func (ca *CA) IssuePEM(cn string, server bool) (certPEM, keyPEM []byte, err error) {
	now := time.Now()
	return ca.issuePEM(cn, server, now.Add(-time.Hour), now.Add(24*time.Hour))
}

// ExpiredPEM issues a client certificate named cn that expired yesterday,
// with a new key, both in PEM.
func (ca *CA) ExpiredPEM(cn string) (certPEM, keyPEM []byte, err error) {
	now := time.Now()
	return ca.issuePEM(cn, false, now.Add(-48*time.Hour), now.Add(-24*time.Hour))
}

func (ca *CA) issuePEM(cn string, server bool, notBefore, notAfter time.Time) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("key for %q: %w", cn, err)
	}
	der, err := ca.sign(cn, server, &key.PublicKey, notBefore, notAfter)
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
func (ca *CA) Issue(cn string, server bool) (tls.Certificate, error) {
	certPEM, keyPEM, err := ca.IssuePEM(cn, server)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.X509KeyPair(certPEM, keyPEM)
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	return n
}

// pemBlock encodes der as one PEM block.
func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}
