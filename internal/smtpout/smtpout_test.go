package smtpout

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"id06desk/internal/outbox"
	"id06desk/internal/smtpsink"
)

// ---- a real go-smtp server for the tests ----

type delivery struct {
	from string
	to   []string
	data []byte
	user string
	tls  bool
}

type backend struct {
	user, pass string // non-empty: AUTH required before MAIL
	loginOnly  bool   // offer only AUTH LOGIN
	rcptErr    error  // returned by every RCPT

	mu   sync.Mutex
	got  []delivery
	helo []string
}

func (be *backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	_, isTLS := c.TLSConnectionState()
	be.mu.Lock()
	be.helo = append(be.helo, c.Hostname())
	be.mu.Unlock()
	return &session{be: be, cur: delivery{tls: isTLS}}, nil
}

func (be *backend) deliveries() []delivery {
	be.mu.Lock()
	defer be.mu.Unlock()
	return append([]delivery(nil), be.got...)
}

type session struct {
	be  *backend
	cur delivery
}

func (s *session) AuthMechanisms() []string {
	if s.be.loginOnly {
		return []string{sasl.Login}
	}
	return []string{sasl.Plain}
}

func (s *session) check(user, pass string) error {
	if user != s.be.user || pass != s.be.pass {
		return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
	}
	s.cur.user = user
	return nil
}

func (s *session) Auth(mech string) (sasl.Server, error) {
	switch {
	case mech == sasl.Plain && !s.be.loginOnly:
		return sasl.NewPlainServer(func(_, user, pass string) error { return s.check(user, pass) }), nil
	case mech == sasl.Login:
		return &loginServer{check: s.check}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.be.user != "" && s.cur.user == "" {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	}
	s.cur.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.be.rcptErr != nil {
		return s.be.rcptErr
	}
	s.cur.to = append(s.cur.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.data = b
	s.be.mu.Lock()
	s.be.got = append(s.be.got, s.cur)
	s.be.mu.Unlock()
	return nil
}

func (s *session) Reset()        { s.cur = delivery{tls: s.cur.tls, user: s.cur.user} }
func (s *session) Logout() error { return nil }

// loginServer is the server side of AUTH LOGIN (go-sasl has only the client).
type loginServer struct {
	check func(user, pass string) error
	user  *string
}

func (l *loginServer) Next(resp []byte) ([]byte, bool, error) {
	if l.user == nil {
		if resp == nil {
			return []byte("Username:"), false, nil
		}
		u := string(resp)
		l.user = &u
		return []byte("Password:"), false, nil
	}
	return nil, true, l.check(*l.user, string(resp))
}

type serverOpts struct {
	tls      *tls.Config // with starttls: offered via STARTTLS; with implicit: listener is TLS
	implicit bool
}

// startServer runs a go-smtp server on 127.0.0.1:0 and returns its port.
func startServer(t *testing.T, be *backend, o serverOpts) int {
	t.Helper()
	s := smtp.NewServer(be)
	s.Domain = "localhost"
	s.AllowInsecureAuth = true
	s.ReadTimeout = 10 * time.Second
	s.WriteTimeout = 10 * time.Second
	var l net.Listener
	var err error
	l, err = net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if o.tls != nil {
		if o.implicit {
			l = tls.NewListener(l, o.tls)
		} else {
			s.TLSConfig = o.tls
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Serve(l)
	}()
	t.Cleanup(func() {
		s.Close()
		<-done
	})
	return l.Addr().(*net.TCPAddr).Port
}

// selfSigned makes a certificate for 127.0.0.1 and returns the server config
// and a pool that trusts it.
func selfSigned(t *testing.T) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "id06desk test mail server"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, pool
}

// A message with a line starting with "." (dot-stuffing) and UTF-8.
var testMsg = []byte("From: <asa@bygg-soner.se>\r\nTo: <anna@example.se>\r\nSubject: test\r\n\r\nHej!\r\n.leading dot\r\n..two dots\r\nÅsa\r\n")

func config(port int, security string) Config {
	return Config{Host: "127.0.0.1", Port: port, Security: security, From: "asa@bygg-soner.se", HeloName: "desk.bygg-soner.se", Timeout: 5 * time.Second}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

func assertDelivered(t *testing.T, be *backend, wantTLS bool, wantUser string) {
	t.Helper()
	got := be.deliveries()
	if len(got) != 1 {
		t.Fatalf("server received %d messages, want 1", len(got))
	}
	d := got[0]
	if d.from != "asa@bygg-soner.se" || strings.Join(d.to, ",") != "anna@example.se,bo@example.se" {
		t.Errorf("envelope from=%q to=%v", d.from, d.to)
	}
	if !bytes.Equal(d.data, testMsg) {
		t.Errorf("server received\n%q\nwant\n%q", d.data, testMsg)
	}
	if d.tls != wantTLS {
		t.Errorf("delivered over TLS = %v, want %v", d.tls, wantTLS)
	}
	if d.user != wantUser {
		t.Errorf("authenticated as %q, want %q", d.user, wantUser)
	}
}

var rcpts = []string{"anna@example.se", "bo@example.se"}

// ---- tests ----

func TestPlainDelivery(t *testing.T) {
	be := &backend{}
	port := startServer(t, be, serverOpts{})
	reply, err := Send(ctx(t), config(port, SecurityNone), "", rcpts, testMsg)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(reply, "250 ") {
		t.Errorf("reply %q", reply)
	}
	assertDelivered(t, be, false, "")
	if be.helo[0] != "desk.bygg-soner.se" {
		t.Errorf("EHLO name %q", be.helo[0])
	}
}

func TestAuth(t *testing.T) {
	for _, loginOnly := range []bool{false, true} {
		name := map[bool]string{false: "PLAIN", true: "LOGIN"}[loginOnly]
		t.Run(name, func(t *testing.T) {
			be := &backend{user: "asa", pass: "hemligt", loginOnly: loginOnly}
			port := startServer(t, be, serverOpts{})
			cfg := config(port, SecurityNone)

			_, err := Send(ctx(t), cfg, "", rcpts, testMsg)
			if tmp, reason := Classify(err); err == nil || tmp || reason.Code != FailAuthRequired {
				t.Fatalf("without credentials: err=%v temporary=%v reason=%q", err, tmp, reason)
			}

			cfg.Username, cfg.Password = "asa", "fel"
			_, err = Send(ctx(t), cfg, "", rcpts, testMsg)
			if tmp, reason := Classify(err); err == nil || tmp || reason.Code != FailAuthFailed || !strings.HasPrefix(reason.Detail, "535 5.7.8") {
				t.Fatalf("wrong password: err=%v temporary=%v reason=%q", err, tmp, reason)
			}

			cfg.Password = "hemligt"
			if _, err := Send(ctx(t), cfg, "", rcpts, testMsg); err != nil {
				t.Fatal(err)
			}
			assertDelivered(t, be, false, "asa")
		})
	}
}

func TestStartTLS(t *testing.T) {
	srvTLS, pool := selfSigned(t)
	be := &backend{user: "asa", pass: "hemligt"}
	port := startServer(t, be, serverOpts{tls: srvTLS})
	cfg := config(port, SecurityStartTLS)
	cfg.Username, cfg.Password = "asa", "hemligt"

	t.Run("untrusted certificate is permanent", func(t *testing.T) {
		_, err := Send(ctx(t), cfg, "", rcpts, testMsg)
		tmp, reason := Classify(err)
		if err == nil || tmp || reason.Code != FailCertUnknownAuthority {
			t.Fatalf("err=%v temporary=%v reason=%q", err, tmp, reason)
		}
	})
	t.Run("trusted", func(t *testing.T) {
		cfg.TLSConfig = &tls.Config{RootCAs: pool}
		if _, err := Send(ctx(t), cfg, "", rcpts, testMsg); err != nil {
			t.Fatal(err)
		}
		assertDelivered(t, be, true, "asa")
	})
}

func TestStartTLSRequired(t *testing.T) {
	be := &backend{}
	port := startServer(t, be, serverOpts{}) // no TLS config: no STARTTLS offered
	_, err := Send(ctx(t), config(port, SecurityStartTLS), "", rcpts, testMsg)
	if !errors.Is(err, ErrNoStartTLS) {
		t.Fatalf("err = %v, want ErrNoStartTLS", err)
	}
	if tmp, reason := Classify(err); tmp || reason.Code != FailNoStartTLS {
		t.Fatalf("temporary=%v reason=%q", tmp, reason)
	}
	if n := len(be.deliveries()); n != 0 {
		t.Fatalf("message delivered in clear (%d) although STARTTLS was required", n)
	}
}

func TestImplicitTLS(t *testing.T) {
	srvTLS, pool := selfSigned(t)
	be := &backend{}
	port := startServer(t, be, serverOpts{tls: srvTLS, implicit: true})
	cfg := config(port, SecurityTLS)
	cfg.TLSConfig = &tls.Config{RootCAs: pool}
	if _, err := Send(ctx(t), cfg, "", rcpts, testMsg); err != nil {
		t.Fatal(err)
	}
	assertDelivered(t, be, true, "")
}

func TestImplicitTLSAgainstPlainServer(t *testing.T) {
	port := startServer(t, &backend{}, serverOpts{})
	_, err := Send(ctx(t), config(port, SecurityTLS), "", rcpts, testMsg)
	if tmp, reason := Classify(err); err == nil || tmp || reason.Code != FailNotTLS {
		t.Fatalf("err=%v temporary=%v reason=%q", err, tmp, reason)
	}
}

func TestRecipientRefused(t *testing.T) {
	tests := []struct {
		name      string
		reply     *smtp.SMTPError
		temporary bool
		reason    outbox.Failure
	}{
		{"4xx is temporary", &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}, true,
			outbox.Failure{Code: FailRecipientRefused, Detail: "451 4.3.0 Try again later"}},
		{"5xx is permanent", &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "user unknown"}, false,
			outbox.Failure{Code: FailRecipientRefused, Detail: "550 5.1.1 user unknown"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			be := &backend{rcptErr: tt.reply}
			port := startServer(t, be, serverOpts{})
			_, err := Send(ctx(t), config(port, SecurityNone), "", rcpts, testMsg)
			var se *Error
			if !errors.As(err, &se) || se.Stage != StageRcpt || se.Recipient != "anna@example.se" {
				t.Fatalf("err = %#v", err)
			}
			tmp, reason := Classify(err)
			if tmp != tt.temporary || reason != tt.reason {
				t.Fatalf("Classify = %v, %q; want %v, %q", tmp, reason, tt.temporary, tt.reason)
			}
			if n := len(be.deliveries()); n != 0 {
				t.Fatalf("%d messages delivered", n)
			}
		})
	}
}

func TestConnectionRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	_, err = Send(ctx(t), config(port, SecurityNone), "", rcpts, testMsg)
	tmp, reason := Classify(err)
	if err == nil || !tmp || reason.Code != FailConnectionRefused || !strings.Contains(reason.Detail, "127.0.0.1:"+strconv.Itoa(port)) {
		t.Fatalf("err=%v temporary=%v reason=%q", err, tmp, reason)
	}
}

func TestSilentServerTimesOut(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Add(1)
	go func() { // accept and never say a word
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		wg.Wait()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	port := l.Addr().(*net.TCPAddr).Port

	for _, sec := range []string{SecurityNone, SecurityStartTLS, SecurityTLS} {
		t.Run(sec, func(t *testing.T) {
			cfg := config(port, sec)
			cfg.Timeout = 300 * time.Millisecond
			start := time.Now()
			_, err := Send(ctx(t), cfg, "", rcpts, testMsg)
			elapsed := time.Since(start)
			tmp, reason := Classify(err)
			if err == nil || !tmp || reason.Code != FailTimeout {
				t.Fatalf("err=%v temporary=%v reason=%q", err, tmp, reason)
			}
			if elapsed > 3*time.Second {
				t.Fatalf("Send took %v with a 300ms timeout", elapsed)
			}
		})
	}

	t.Run("context cancel", func(t *testing.T) {
		cfg := config(port, SecurityNone)
		cfg.Timeout = time.Minute
		c, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := Send(c, cfg, "", rcpts, testMsg)
		if err == nil || time.Since(start) > 3*time.Second {
			t.Fatalf("err=%v after %v", err, time.Since(start))
		}
		if tmp, _ := Classify(err); !tmp {
			t.Fatalf("cancelled send classified permanent: %v", err)
		}
	})
}

func TestConfigErrors(t *testing.T) {
	for name, cfg := range map[string]Config{
		"no host":       {Port: 25, Security: SecurityNone, From: "a@b.se"},
		"bad port":      {Host: "127.0.0.1", Port: 0, Security: SecurityNone, From: "a@b.se"},
		"bad security":  {Host: "127.0.0.1", Port: 25, Security: "ssl", From: "a@b.se"},
		"no sender":     {Host: "127.0.0.1", Port: 25, Security: SecurityNone},
		"password only": {Host: "127.0.0.1", Port: 25, Security: SecurityNone, From: "a@b.se", Password: "x"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Send(context.Background(), cfg, "", rcpts, testMsg)
			if !errors.Is(err, ErrConfig) {
				t.Fatalf("err = %v, want ErrConfig", err)
			}
			if tmp, reason := Classify(err); tmp || reason.Code != FailConfig || reason.Detail == "" {
				t.Fatalf("Classify = %v, %q", tmp, reason)
			}
		})
	}
}

func TestClassifyDNS(t *testing.T) {
	tmp, reason := Classify(&Error{Stage: StageConnect, Addr: "smtp.nowhere.invalid:25", Err: &net.DNSError{Err: "no such host", Name: "smtp.nowhere.invalid", IsNotFound: true}})
	if tmp || reason.Code != FailHostNotFound {
		t.Errorf("not found: %v %q", tmp, reason)
	}
	tmp, _ = Classify(&Error{Stage: StageConnect, Addr: "smtp.example.se:25", Err: &net.DNSError{Err: "server misbehaving", Name: "smtp.example.se", IsTemporary: true}})
	if !tmp {
		t.Error("temporary DNS failure classified permanent")
	}
	if tmp, reason := Classify(nil); tmp || !reason.IsZero() {
		t.Error("Classify(nil) not empty")
	}
}

// A Session sends several mails over one connection (one EHLO), and after
// MaxMailsPerConnection it connects again.
func TestSessionReusesOneConnection(t *testing.T) {
	be := &backend{}
	port := startServer(t, be, serverOpts{})
	s := NewSession(config(port, SecurityNone))
	for range MaxMailsPerConnection + 2 {
		if _, err := s.Send(ctx(t), "", rcpts, testMsg); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Errorf("QUIT: %v", err)
	}
	if n := len(be.deliveries()); n != MaxMailsPerConnection+2 {
		t.Fatalf("%d mails delivered", n)
	}
	be.mu.Lock()
	defer be.mu.Unlock()
	if len(be.helo) != 2 {
		t.Errorf("%d connections for %d mails, want 2", len(be.helo), MaxMailsPerConnection+2)
	}
}

// A mail the server refuses leaves the session usable (RSET): the next mail
// goes through; and a connection the server closed is opened again.
func TestSessionAfterRefusedMailAndClosedConnection(t *testing.T) {
	sk, err := smtpsink.Start(smtpsink.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := NewSession(config(sk.Port(), SecurityNone))
	defer s.Close()
	if _, err := s.Send(ctx(t), "", []string{"a@example.se"}, testMsg); err != nil {
		t.Fatal(err)
	}
	sk.FailRcpt(&smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "user unknown"})
	_, err = s.Send(ctx(t), "", []string{"b@example.se"}, testMsg)
	var se *Error
	if !errors.As(err, &se) || se.Stage != StageRcpt || se.Recipient != "b@example.se" {
		t.Fatalf("refused mail: %v", err)
	}
	if _, err := s.Send(ctx(t), "", []string{"c@example.se"}, testMsg); err != nil {
		t.Fatalf("after a refused mail: %v", err)
	}
	// The server goes away and comes back on the same port.
	port := sk.Port()
	sk.Close()
	if _, err := s.Send(ctx(t), "", []string{"d@example.se"}, testMsg); err == nil {
		t.Fatal("sent with the server down")
	}
	sk2, err := smtpsink.Start(smtpsink.Options{Addr: fmt.Sprintf("127.0.0.1:%d", port)})
	if err != nil {
		t.Skipf("port %d taken again: %v", port, err)
	}
	defer sk2.Close()
	if _, err := s.Send(ctx(t), "", []string{"e@example.se"}, testMsg); err != nil {
		t.Fatalf("after the server came back: %v", err)
	}
	var to []string
	for _, m := range append(sk.Messages(), sk2.Messages()...) {
		to = append(to, m.To...)
	}
	if got := strings.Join(to, ","); got != "a@example.se,c@example.se,e@example.se" {
		t.Errorf("delivered to %s", got)
	}
}

// A pinned certificate (the console's own receiver, self-signed) is
// trusted by its SHA-256 alone, over STARTTLS and implicit TLS; another
// certificate that the system does not trust fails with
// cert_pin_mismatch, naming both fingerprints; one the roots trust still
// passes (a CA-signed receiver certificate renewed since pairing).
func TestPinnedCertificate(t *testing.T) {
	srvTLS, pool := selfSigned(t)
	sum := sha256.Sum256(srvTLS.Certificates[0].Certificate[0])
	pin := hex.EncodeToString(sum[:])
	other := strings.Repeat("ab", 32)
	for _, implicit := range []bool{false, true} {
		security := map[bool]string{false: SecurityStartTLS, true: SecurityTLS}[implicit]
		t.Run(security, func(t *testing.T) {
			be := &backend{}
			port := startServer(t, be, serverOpts{tls: srvTLS, implicit: implicit})
			cfg := config(port, security)

			cfg.TLSPin = other
			_, err := Send(ctx(t), cfg, "", rcpts, testMsg)
			tmp, reason := Classify(err)
			if !errors.Is(err, ErrCertPinMismatch) || !tmp || reason.Code != FailCertPin ||
				!strings.Contains(reason.Detail, pin) || !strings.Contains(reason.Detail, other) {
				t.Fatalf("another pin: err=%v temporary=%v reason=%+v", err, tmp, reason)
			}
			if n := len(be.deliveries()); n != 0 {
				t.Fatalf("%d mails delivered to a certificate that is not the pinned one", n)
			}
			if txt := FailureText(reason.Code); txt.SV == "" || txt.EN == "" || txt == msgFailUnknown {
				t.Fatalf("no sentence for %s", reason.Code)
			}

			cfg.TLSPin = pin
			if _, err := Send(ctx(t), cfg, "", rcpts, testMsg); err != nil {
				t.Fatal(err)
			}
			assertDelivered(t, be, true, "")

			// Not the pinned one, but trusted by the roots: taken.
			cfg.TLSPin, cfg.TLSConfig = other, &tls.Config{RootCAs: pool}
			if _, err := Send(ctx(t), cfg, "", rcpts, testMsg); err != nil {
				t.Fatalf("a trusted certificate with another pin: %v", err)
			}
		})
	}
}
