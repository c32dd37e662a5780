package syncmail

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"id06desk/internal/i18n"
	"id06desk/internal/ratelimit"
	"id06desk/internal/syncwire"
)

type delivery struct {
	sender    string
	data      []byte
	spoolMode os.FileMode
	spoolN    int
}

type rig struct {
	r      *Receiver
	spool  string
	fx     *fixture
	secret syncwire.Secret

	mu         sync.Mutex
	got        []delivery
	deliverErr error
}

func startRig(t *testing.T, mod func(*ReceiverConfig)) *rig {
	t.Helper()
	g := &rig{spool: t.TempDir(), fx: newFixture(t)}
	g.secret[0] = 7
	cfg := ReceiverConfig{
		Addr:     "127.0.0.1:0",
		Domain:   "console.test",
		SpoolDir: g.spool,
		Log:      slog.New(slog.NewTextHandler(io.Discard, nil)),
		Auth: func(user, pass string) (string, bool) {
			if user == kioskID && pass == syncwire.ReceiverPassword(g.secret, kioskID) {
				return kioskID, true
			}
			return "", false
		},
		Deliver: func(ctx context.Context, sender string, raw io.Reader) error {
			d := delivery{sender: sender}
			var err error
			if d.data, err = io.ReadAll(raw); err != nil {
				return err
			}
			entries, _ := os.ReadDir(g.spool)
			d.spoolN = len(entries)
			if len(entries) == 1 {
				info, _ := entries[0].Info()
				d.spoolMode = info.Mode()
			}
			g.mu.Lock()
			defer g.mu.Unlock()
			g.got = append(g.got, d)
			return g.deliverErr
		},
	}
	if mod != nil {
		mod(&cfg)
	}
	r, err := Listen(cfg)
	if err != nil {
		t.Fatal(err)
	}
	g.r = r
	t.Cleanup(func() {
		if err := r.Close(); err != nil {
			t.Error(err)
		}
		if entries, _ := os.ReadDir(g.spool); len(entries) != 0 {
			t.Errorf("spool files left: %v", entries)
		}
	})
	return g
}

func (g *rig) deliveries() []delivery {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]delivery(nil), g.got...)
}

func (g *rig) password() string { return syncwire.ReceiverPassword(g.secret, kioskID) }

func (g *rig) syncMail(t *testing.T, photoSize int) []byte {
	t.Helper()
	raw, err := Compose(bundleMail(File{Name: "bundle-1.id06sync", Data: g.fx.bundle(t, 1, 1, photoSize)}))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// send logs in (user "" = no AUTH) and sends raw, returning the first error.
func send(t *testing.T, c *smtp.Client, user, pass string, raw []byte) error {
	t.Helper()
	if err := c.Hello("kiosk.test"); err != nil {
		return err
	}
	if user != "" {
		if err := c.Auth(sasl.NewPlainClient("", user, pass)); err != nil {
			return err
		}
	}
	if err := c.Mail("kiosk@bygg.example", nil); err != nil {
		return err
	}
	if err := c.Rcpt("id06-sync@bygg.example", nil); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(raw); err != nil {
		return err
	}
	return w.Close()
}

func dial(t *testing.T, g *rig) *smtp.Client {
	t.Helper()
	c, err := smtp.Dial(g.r.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func smtpCode(t *testing.T, err error, want int) *smtp.SMTPError {
	t.Helper()
	var se *smtp.SMTPError
	if !errors.As(err, &se) || se.Code != want {
		t.Fatalf("want SMTP %d, got %v", want, err)
	}
	return se
}

func TestReceiverDeliversTheExactBytes(t *testing.T) {
	g := startRig(t, nil)
	raw := g.syncMail(t, 200_000)
	if err := send(t, dial(t, g), kioskID, g.password(), raw); err != nil {
		t.Fatal(err)
	}
	got := g.deliveries()
	if len(got) != 1 {
		t.Fatalf("%d deliveries", len(got))
	}
	d := got[0]
	if d.sender != kioskID || !bytes.Equal(d.data, raw) {
		t.Fatalf("sender %q, %d bytes, want %d", d.sender, len(d.data), len(raw))
	}
	if d.spoolN != 1 || d.spoolMode.Perm() != 0o600 {
		t.Fatalf("spool during Deliver: %d files, mode %v", d.spoolN, d.spoolMode)
	}
	if entries, _ := os.ReadDir(g.spool); len(entries) != 0 {
		t.Fatalf("spool file not removed: %v", entries)
	}
}

func TestReceiverNeedsAuth(t *testing.T) {
	g := startRig(t, nil)
	err := send(t, dial(t, g), "", "", g.syncMail(t, 100))
	smtpCode(t, err, 530)
	if len(g.deliveries()) != 0 {
		t.Fatal("delivered without a login")
	}
}

func TestReceiverWrongPassword(t *testing.T) {
	g := startRig(t, nil)
	smtpCode(t, send(t, dial(t, g), kioskID, "guess", nil), 535)
	smtpCode(t, send(t, dial(t, g), "kiosk-other", g.password(), nil), 535)
	if len(g.deliveries()) != 0 {
		t.Fatal("delivered")
	}
}

// Five wrong logins close the connection (spoken raw: go-smtp's client
// sends "*" after a refusal, which the server counts as a protocol error
// and closes on sooner).
func TestReceiverClosesAfterFiveFailures(t *testing.T) {
	g := startRig(t, nil)
	conn, err := net.Dial("tcp", g.r.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(conn)
	reply := func() string {
		var last string
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				return "EOF"
			}
			last = line
			if len(line) < 4 || line[3] != '-' {
				return strings.TrimSpace(last)
			}
		}
	}
	reply() // greeting
	fmt.Fprintf(conn, "EHLO kiosk.test\r\n")
	reply()
	bad := base64.StdEncoding.EncodeToString([]byte("\x00" + kioskID + "\x00wrong"))
	for i := 1; i <= 5; i++ {
		fmt.Fprintf(conn, "AUTH PLAIN %s\r\n", bad)
		if r := reply(); !strings.HasPrefix(r, "535") {
			t.Fatalf("failure %d: %q", i, r)
		}
	}
	good := base64.StdEncoding.EncodeToString([]byte("\x00" + kioskID + "\x00" + g.password()))
	fmt.Fprintf(conn, "AUTH PLAIN %s\r\n", good)
	if r := reply(); r != "EOF" && !strings.HasPrefix(r, "421") {
		t.Fatalf("after 5 failures the connection is still open: %q", r)
	}
}

func TestReceiverLocksOutAnAddress(t *testing.T) {
	g := startRig(t, func(c *ReceiverConfig) { c.ipFailures = ratelimit.NewFailures(3, time.Minute, nil) })
	for range 3 {
		smtpCode(t, send(t, dial(t, g), kioskID, "guess", nil), 535)
	}
	// Now even the right password waits.
	smtpCode(t, send(t, dial(t, g), kioskID, g.password(), g.syncMail(t, 10)), 454)
	if len(g.deliveries()) != 0 {
		t.Fatal("delivered during the lockout")
	}
}

func TestReceiverRefusesOtherMail(t *testing.T) {
	g := startRig(t, nil)
	// One sync attachment that is cut short is refused too, with the reason.
	broken := g.syncMail(t, 5000)
	broken = append(broken[:len(broken)-3000:len(broken)-3000], "\r\n"...)
	for name, raw := range map[string][]byte{"plain": []byte(plainMail), "broken": broken} {
		se := smtpCode(t, send(t, dial(t, g), kioskID, g.password(), raw), 550)
		if !strings.Contains(se.Message, "Only id06desk sync mails are accepted") {
			t.Errorf("%s: %q", name, se.Message)
		}
	}
	if len(g.deliveries()) != 0 {
		t.Fatal("Deliver was called for a mail that is not a sync mail")
	}
}

func TestReceiverTooLarge(t *testing.T) {
	g := startRig(t, func(c *ReceiverConfig) { c.MaxBytes = 100_000 })
	raw := g.syncMail(t, 150_000)
	smtpCode(t, send(t, dial(t, g), kioskID, g.password(), raw), 552)
	if len(g.deliveries()) != 0 {
		t.Fatal("delivered")
	}
	// Declared with SIZE, refused at MAIL.
	c := dial(t, g)
	c.Hello("kiosk.test")
	if err := c.Auth(sasl.NewPlainClient("", kioskID, g.password())); err != nil {
		t.Fatal(err)
	}
	smtpCode(t, c.Mail("kiosk@bygg.example", &smtp.MailOptions{Size: int64(len(raw))}), 552)
}

func TestReceiverDeliverErrors(t *testing.T) {
	g := startRig(t, nil)
	raw := g.syncMail(t, 100)
	msgRevoked := i18n.Text{Code: "test.revoked", SV: "Kiosken är återkallad.", EN: "This kiosk was revoked."}
	g.deliverErr = i18n.Wrap(fmt.Errorf("%w: kiosk-2b91", ErrRejected), msgRevoked)
	se := smtpCode(t, send(t, dial(t, g), kioskID, g.password(), raw), 550)
	if se.Message != "This kiosk was revoked." {
		t.Errorf("reason %q", se.Message)
	}
	g.deliverErr = errors.New("database is locked")
	se = smtpCode(t, send(t, dial(t, g), kioskID, g.password(), raw), 451)
	if strings.Contains(se.Message, "database") {
		t.Errorf("an internal error reached the client: %q", se.Message)
	}
}

func selfSigned(t *testing.T) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "console.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
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

func TestReceiverStartTLS(t *testing.T) {
	cfg, pool := selfSigned(t)
	remote := false // pretend the client is not on loopback
	g := startRig(t, func(c *ReceiverConfig) {
		c.TLS = cfg
		c.local = func(ip net.IP) bool { return !remote && ip.IsLoopback() }
	})
	raw := g.syncMail(t, 1000)

	startTLS := func() *smtp.Client {
		c, err := smtp.DialStartTLS(g.r.Addr().String(), &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}

	// Offered, and it works.
	c := dial(t, g)
	if err := c.Hello("kiosk.test"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := c.Extension("STARTTLS"); !ok {
		t.Fatal("STARTTLS not offered")
	}
	c = startTLS()
	if err := send(t, c, kioskID, g.password(), raw); err != nil {
		t.Fatal(err)
	}
	if st, ok := c.TLSConnectionState(); !ok || !st.HandshakeComplete {
		t.Fatal("no TLS")
	}
	if got := g.deliveries(); len(got) != 1 || !bytes.Equal(got[0].data, raw) {
		t.Fatal("not delivered over TLS")
	}

	// Loopback may log in without it.
	if err := send(t, dial(t, g), kioskID, g.password(), raw); err != nil {
		t.Fatal(err)
	}
	// A remote client may not, even with the right password.
	remote = true
	c = dial(t, g)
	if err := c.Hello("kiosk.test"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := c.Extension("AUTH"); ok {
		t.Error("AUTH offered to a remote client before STARTTLS")
	}
	smtpCode(t, send(t, dial(t, g), kioskID, g.password(), raw), 530)
	// With STARTTLS it may.
	if err := send(t, startTLS(), kioskID, g.password(), raw); err != nil {
		t.Fatal(err)
	}
	if n := len(g.deliveries()); n != 3 {
		t.Fatalf("%d deliveries, want 3", n)
	}
}

func TestReceiverWithoutTLSOffersNone(t *testing.T) {
	g := startRig(t, nil)
	c := dial(t, g)
	if err := c.Hello("kiosk.test"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := c.Extension("STARTTLS"); ok {
		t.Fatal("STARTTLS offered without a certificate")
	}
	if ok, _ := c.Extension("AUTH"); !ok {
		t.Fatal("AUTH not offered")
	}
}

func TestReceiverConnectionLimit(t *testing.T) {
	g := startRig(t, func(c *ReceiverConfig) { c.MaxConns = 2 })
	greet := func() (net.Conn, string) {
		conn, err := net.Dial("tcp", g.r.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		line, _ := bufio.NewReader(conn).ReadString('\n')
		return conn, line
	}
	a, l1 := greet()
	b, l2 := greet()
	c, l3 := greet()
	defer b.Close()
	defer c.Close()
	if !strings.HasPrefix(l1, "220") || !strings.HasPrefix(l2, "220") || !strings.HasPrefix(l3, "421") {
		t.Fatalf("greetings %q %q %q", l1, l2, l3)
	}
	a.Close()
	for i := 0; ; i++ { // the server notices the close
		d, l := greet()
		d.Close()
		if strings.HasPrefix(l, "220") {
			break
		}
		if i == 50 {
			t.Fatalf("a slot never freed: %q", l)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestListenAddressInUse(t *testing.T) {
	g := startRig(t, nil)
	_, err := Listen(ReceiverConfig{Addr: g.r.Addr().String(), Auth: func(string, string) (string, bool) { return "", false },
		Deliver: func(context.Context, string, io.Reader) error { return nil }})
	if err == nil {
		t.Fatal("listened twice on one address")
	}
}
