package core_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"database/sql"
	"encoding/hex"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"id06desk/internal/audit"
	"id06desk/internal/core"
	"id06desk/internal/imapfetch/dovecottest"
	"id06desk/internal/invitations"
	"id06desk/internal/mailsync"
	"id06desk/internal/order"
	"id06desk/internal/pairing"
	"id06desk/internal/photo/phototest"
	"id06desk/internal/registration"
	"id06desk/internal/smtpout"
	"id06desk/internal/smtpsink"
)

// mailSite is a console and a kiosk with separate data folders, as two
// site PCs: the kiosk has no route to the console, only mail.
type mailSite struct {
	t              testing.TB
	ctx            context.Context
	console, kiosk *core.App
}

func newMailSite(t testing.TB) *mailSite {
	ctx := context.Background()
	open := func(name string) *core.App {
		a, err := core.Open(ctx, core.Options{DataDir: filepath.Join(t.TempDir(), name)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(a.Close)
		return a
	}
	s := &mailSite{t: t, ctx: ctx, console: open("console"), kiosk: open("kiosk")}
	s.set(s.console, map[string]string{"company.name": "Bygg & Söner AB", "company.org_number": "556036-0793",
		"company.address.street": "Storgatan 1", "company.address.postal_code": "111 22", "company.address.city": "Stockholm",
		"company.notify_email": "admin@bygg.se", "smtp.from": "id06@bygg.se", "sync.address": "sync@bygg.se"})
	return s
}

func (s *mailSite) set(a *core.App, v map[string]string) {
	s.t.Helper()
	if err := a.Settings.Set(s.ctx, "test", v); err != nil {
		s.t.Fatal(err)
	}
}

func relay(t testing.TB, maildir string) *smtpsink.Sink {
	sink, err := smtpsink.Start(smtpsink.Options{Maildir: maildir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sink.Close() })
	return sink
}

func imapSettings(d *dovecottest.Server) map[string]string {
	return map[string]string{"sync.imap.host": d.Host, "sync.imap.port": strconv.Itoa(d.Port), "sync.imap.security": "none",
		"sync.imap.username": d.User, "sync.imap.password": d.Password}
}

func smtpSettings(port int) map[string]string {
	return map[string]string{"smtp.host": "127.0.0.1", "smtp.port": strconv.Itoa(port), "smtp.security": "none"}
}

// register runs a registration at the kiosk from the mail's QR token and
// confirms it (sealed).
func (s *mailSite) register(id, pn string) {
	s.t.Helper()
	s.registerAt(s.kiosk, id, pn)
}

// registerAt is register at another kiosk.
func (s *mailSite) registerAt(k *core.App, id, pn string) {
	t, ctx, r := s.t, s.ctx, k.Registration
	t.Helper()
	d, err := s.console.Invitations.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	tok := d.Invitation.Token
	if _, err := r.Open(ctx, tok, true); err != nil {
		t.Fatalf("open at the kiosk: %v", err)
	}
	if _, err := r.SetMethod(ctx, tok, order.MethodManual, true); err != nil {
		t.Fatal(err)
	}
	if _, err := r.SavePersonal(ctx, tok, registration.PersonalInput{FirstName: "Anna", LastName: "Berg",
		HasPersonnummer: true, Personnummer: pn, Phone: "070-123 45 67"}, true); err != nil {
		t.Fatal(err)
	}
	if _, err := r.UploadPhoto(ctx, tok, bytes.NewReader(phototest.Face(t)), true); err != nil {
		t.Fatal(err)
	}
	if _, err := r.SaveDelivery(ctx, tok, registration.DeliveryInput{UseCompany: true}, true); err != nil {
		t.Fatal(err)
	}
	if rc, err := r.Confirm(ctx, tok, true); err != nil || !rc.Sealed {
		t.Fatalf("confirm at the kiosk: %+v %v", rc, err)
	}
}

func (s *mailSite) invite(n int) []string {
	var rows []invitations.Row
	for i := range n {
		rows = append(rows, invitations.Row{Email: "person" + strconv.Itoa(i) + "@example.se", CardType: "id06-rfid"})
	}
	created, err := s.console.Invitations.Create(s.ctx, "admin", rows, true)
	if err != nil {
		s.t.Fatal(err)
	}
	var ids []string
	for _, c := range created {
		ids = append(ids, c.ID)
	}
	return ids
}

func (s *mailSite) orders(ids []string) int {
	n := 0
	for _, id := range ids {
		if o, err := s.console.DB.OrderOf(s.ctx, id); err == nil && o.Status == order.StatusReady && o.RegisteredWhere == order.WhereKiosk {
			n++
		}
	}
	return n
}

func (s *mailSite) flush(a *core.App) {
	s.t.Helper()
	if _, err := a.Outbox.Flush(s.ctx); err != nil {
		s.t.Fatal(err)
	}
}

func (s *mailSite) kioskPending() int {
	st, err := s.kiosk.KioskSync.Status(s.ctx)
	if err != nil {
		s.t.Fatal(err)
	}
	return st.Pending
}

func closedPort(t testing.TB) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}

// Sync by mail through the company's relay and mailboxes (issue 14): the
// kiosk registers three people while the relay is down; when it comes up
// the bundle reaches the console's sync mailbox, the console imports it
// (three ready orders, three admin mails) and mails the acknowledging site
// pack to the kiosk's mailbox, which the kiosk collects: nothing is left
// pending. The same bundle mail delivered again changes nothing.
func TestOfflineSiteByMail(t *testing.T) {
	s := newMailSite(t)
	syncBox, kioskBox := dovecottest.Start(t), dovecottest.Start(t)
	kioskRelay := relay(t, syncBox.Maildir())    // the kiosk's relay delivers to the console's sync mailbox
	consoleRelay := relay(t, kioskBox.Maildir()) // the console's relay delivers to the kiosk's mailbox
	cset := imapSettings(syncBox)
	for k, v := range smtpSettings(consoleRelay.Port()) {
		cset[k] = v
	}
	cset["sync.transport"] = "imap"
	s.set(s.console, cset)

	s.set(s.console, map[string]string{"smtp.username": "relay-user", "smtp.password": "relay-secret-pw"})
	p, err := s.console.ConsoleSync.Pair(s.ctx, "Gate A", "Hagastaden", "gate-a@bygg.se")
	if err != nil {
		t.Fatal(err)
	}
	// The pairing carries the mail setup, never a password.
	for _, secret := range []string{"relay-secret-pw", syncBox.Password} {
		if bytes.Contains(p.File, []byte(secret)) || strings.Contains(p.QR, secret) {
			t.Fatal("a password is in the pairing")
		}
	}
	s.set(s.console, map[string]string{"smtp.username": "", "smtp.password": ""})
	if _, err := s.kiosk.KioskSync.Join(s.ctx, bytes.NewReader(p.File)); err != nil {
		t.Fatal(err)
	}
	// The pairing brought the relay and the sync address; the kiosk's own
	// mailbox and a relay that is down are set at the kiosk.
	kv, _ := s.kiosk.Settings.Load(s.ctx)
	if kv.Get("smtp.from") != "gate-a@bygg.se" || kv.Get("sync.imap.username") != "gate-a@bygg.se" {
		t.Fatalf("the pairing's mail setup: from %q, mailbox %q", kv.Get("smtp.from"), kv.Get("sync.imap.username"))
	}
	kset := imapSettings(kioskBox)
	for k, v := range smtpSettings(closedPort(t)) {
		kset[k] = v
	}
	s.set(s.kiosk, kset)

	ids := s.invite(3)
	pns := []string{"811218-9876", "900101-0017", "640823-3234"}
	for i, id := range ids {
		s.register(id, pns[i])
	}

	// The relay is down: the bundle waits in the kiosk's outbox.
	r, err := s.kiosk.KioskMail.Round(s.ctx)
	if err != nil || r.BundlesQueued != 1 || r.Registrations != 3 {
		t.Fatalf("kiosk round: %+v %v", r, err)
	}
	s.flush(s.kiosk)
	if n := len(syncBox.Folder("INBOX")); n != 0 {
		t.Fatalf("%d mails arrived while the relay was down", n)
	}
	st, err := s.kiosk.KioskMail.Status(s.ctx)
	if err != nil || st.OutboxPending != 1 || st.OutboxError == nil {
		t.Fatalf("kiosk mail status while the relay is down: %+v %v", st, err)
	}
	// A second round does not mail the same registrations again.
	if r, err := s.kiosk.KioskMail.Round(s.ctx); err != nil || r.BundlesQueued != 0 {
		t.Fatalf("second kiosk round: %+v %v", r, err)
	}

	// The relay comes up.
	s.set(s.kiosk, map[string]string{"smtp.port": strconv.Itoa(kioskRelay.Port())})
	s.flush(s.kiosk)
	if n := len(syncBox.Folder("INBOX")); n != 1 {
		t.Fatalf("%d bundle mails in the sync mailbox, want 1", n)
	}
	raw, err := os.ReadFile(syncBox.Folder("INBOX")[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, pn := range pns {
		if bytes.Contains(raw, []byte(pn)) || bytes.Contains(raw, []byte(strings.ReplaceAll(pn, "-", ""))) {
			t.Fatal("a personnummer is readable in the bundle mail")
		}
	}

	cr, err := s.console.ConsoleMail.Round(s.ctx)
	if err != nil || cr.BundlesImported != 1 || cr.Applied != 3 || cr.PacksQueued != 1 || len(cr.Problems) != 0 {
		t.Fatalf("console round: %+v %v", cr, err)
	}
	if got := s.orders(ids); got != 3 {
		t.Fatalf("%d ready orders, want 3", got)
	}
	if n := len(syncBox.Folder("INBOX")); n != 0 || len(syncBox.Folder("id06desk-processed")) != 1 {
		t.Fatalf("the bundle mail was not moved to processed: inbox %d", n)
	}
	s.flush(s.console)
	admin := 0
	for _, m := range consoleRelay.Messages() {
		if len(m.To) == 1 && m.To[0] == "admin@bygg.se" {
			admin++
		}
	}
	if admin != 3 {
		t.Fatalf("%d admin mails, want 3", admin)
	}

	// The acknowledging pack reaches the kiosk by mail.
	kr, err := s.kiosk.KioskMail.Round(s.ctx)
	if err != nil || kr.PacksApplied != 1 {
		t.Fatalf("kiosk collect: %+v %v", kr, err)
	}
	if n := s.kioskPending(); n != 0 {
		t.Fatalf("kiosk pending %d after the acknowledging pack", n)
	}

	// The same bundle mail again (a relay that delivered twice): still 3.
	syncBox.Deliver(raw)
	cr, err = s.console.ConsoleMail.Round(s.ctx)
	if err != nil || cr.BundlesImported != 0 || cr.MailsSeen != 1 || cr.MailsRefused != 0 {
		t.Fatalf("console round with the same mail: %+v %v", cr, err)
	}
	if got := s.orders(ids); got != 3 {
		t.Fatalf("%d orders after the same mail again", got)
	}
	// Nothing changed for the kiosk: no new pack.
	if cr.PacksQueued != 0 {
		t.Fatalf("a pack was mailed though nothing changed: %+v", cr)
	}

	// A mail that is not a bundle is refused with its reason.
	syncBox.Deliver([]byte("From: x@example.se\r\nTo: sync@bygg.se\r\nSubject: hello\r\n\r\nhi\r\n"))
	if cr, err = s.console.ConsoleMail.Round(s.ctx); err != nil || cr.MailsRefused != 1 {
		t.Fatalf("console round with a plain mail: %+v %v", cr, err)
	}
	cs, err := s.console.ConsoleMail.Status(s.ctx)
	if err != nil || len(cs.Mails) == 0 || cs.Mails[0].Verdict != "refused" || cs.Mails[0].Problem == nil {
		t.Fatalf("console mail log: %+v %v", cs, err)
	}
	if len(syncBox.Folder("id06desk-refused")) != 1 {
		t.Fatal("the plain mail is not in the refused folder")
	}
}

// The same round through the console's own SMTP receiver (issue 14): the
// kiosk's pairing points its relay at the console's receiver, its login is
// its id and a password derived from the pairing secret, and site packs
// come back to its own mailbox as with sync.transport imap. The kiosk
// registers three people while the receiver is down; when it comes up the
// bundle is taken (three ready orders, three admin mails, three receipts),
// the acknowledging pack reaches the kiosk by its mailbox and nothing is
// left pending. The same bundle mail delivered again changes nothing.
func TestOfflineSiteByReceiver(t *testing.T) {
	s := newMailSite(t)
	kioskBox := dovecottest.Start(t)
	consoleRelay := relay(t, kioskBox.Maildir()) // the console's relay delivers to the kiosk's mailbox
	port := closedPort(t)
	cset := smtpSettings(consoleRelay.Port())
	cset["sync.transport"], cset["sync.receiver.listen"], cset["sync.receiver.host"] = "receiver", "127.0.0.1:"+strconv.Itoa(port), "127.0.0.1"
	// The kiosks' mailboxes are on this IMAP server.
	cset["sync.imap.host"], cset["sync.imap.port"], cset["sync.imap.security"] = kioskBox.Host, strconv.Itoa(kioskBox.Port), "none"
	s.set(s.console, cset)
	p, err := s.console.ConsoleSync.Pair(s.ctx, "Gate B", "Solna", "gate-b@bygg.se")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.kiosk.KioskSync.Join(s.ctx, bytes.NewReader(p.File)); err != nil {
		t.Fatal(err)
	}
	kv, _ := s.kiosk.Settings.Load(s.ctx)
	if kv.Get("smtp.host") != "127.0.0.1" || kv.Get("smtp.port") != strconv.Itoa(port) || kv.Get("smtp.security") != "none" ||
		kv.Get("smtp.username") != p.Kiosk.ID || kv.Get("smtp.password") == "" || kv.Get("sync.imap.username") != "gate-b@bygg.se" {
		t.Fatalf("the kiosk's relay is not the receiver: %q:%q as %q, mailbox %q", kv.Get("smtp.host"), kv.Get("smtp.port"),
			kv.Get("smtp.username"), kv.Get("sync.imap.username"))
	}
	// The kiosk's mailbox login is typed in at the kiosk.
	s.set(s.kiosk, map[string]string{"sync.imap.username": kioskBox.User, "sync.imap.password": kioskBox.Password})

	// The receiver is down: the console's sync job has not started it.
	ids := s.invite(3)
	s.flush(s.console) // the invitations
	invited := consoleRelay.Count()
	pns := []string{"811218-9876", "900101-0017", "640823-3234"}
	for i, id := range ids {
		s.register(id, pns[i])
	}
	if r, err := s.kiosk.KioskMail.Round(s.ctx); err != nil || r.BundlesQueued != 1 || r.Registrations != 3 {
		t.Fatalf("kiosk round: %+v %v", r, err)
	}
	raw := queuedBundleMail(t, s.kiosk)
	s.flush(s.kiosk)
	if st, err := s.kiosk.KioskMail.Status(s.ctx); err != nil || st.OutboxPending != 1 || st.OutboxError == nil ||
		st.OutboxError.Code != "connection_refused" {
		t.Fatalf("kiosk mail status while the receiver is down: %+v %v", st, err)
	}
	if got := s.orders(ids); got != 0 {
		t.Fatalf("%d orders while the receiver is down", got)
	}

	// It comes up (the console's sync job keeps it; here, a call).
	if err := s.console.ConsoleMail.KeepReceiver(s.ctx, nil); err != nil {
		t.Fatal(err)
	}
	if st := s.console.ConsoleMail.Receiver(); !st.Running {
		t.Fatalf("receiver: %+v", st)
	}
	s.flush(s.kiosk)
	if got := s.orders(ids); got != 3 {
		t.Fatalf("%d ready orders after the receiver took the bundle, want 3", got)
	}
	if st, _ := s.kiosk.KioskMail.Status(s.ctx); st.OutboxPending != 0 || st.OutboxFailed != 0 {
		t.Fatalf("kiosk outbox after sending to the receiver: %+v", st)
	}

	// The console mails the acknowledging pack, the admin mails and the
	// receipts through its relay.
	cr, err := s.console.ConsoleMail.Round(s.ctx)
	if err != nil || cr.PacksQueued != 1 || len(cr.Problems) != 0 {
		t.Fatalf("console round: %+v %v", cr, err)
	}
	s.flush(s.console)
	admin, receipts := 0, 0
	for _, m := range consoleRelay.Messages()[invited:] {
		switch {
		case len(m.To) == 1 && m.To[0] == "admin@bygg.se":
			admin++
		case len(m.To) == 1 && strings.HasPrefix(m.To[0], "person"):
			receipts++
		}
	}
	if admin != 3 || receipts != 3 {
		t.Fatalf("%d admin mails and %d receipts, want 3 and 3", admin, receipts)
	}
	relayed := consoleRelay.Count()

	kr, err := s.kiosk.KioskMail.Round(s.ctx)
	if err != nil || kr.PacksApplied != 1 {
		t.Fatalf("kiosk collect: %+v %v", kr, err)
	}
	if n := s.kioskPending(); n != 0 {
		t.Fatalf("kiosk pending %d after the acknowledging pack", n)
	}

	// The same bundle mail again, with the kiosk's login (a resend after
	// a lost acknowledgement): taken, and still 3 orders.
	kv, _ = s.kiosk.Settings.Load(s.ctx)
	cfg, _ := smtpout.ConfigFrom(kv)
	if _, err := smtpout.Send(s.ctx, cfg, "", []string{"sync@bygg.se"}, raw); err != nil {
		t.Fatalf("the same bundle mail again: %v", err)
	}
	if got := s.orders(ids); got != 3 {
		t.Fatalf("%d orders after the same mail again", got)
	}
	// Nothing changed for the kiosk: no new pack.
	if cr, err = s.console.ConsoleMail.Round(s.ctx); err != nil || cr.PacksQueued != 0 {
		t.Fatalf("a pack was mailed though nothing changed: %+v %v", cr, err)
	}
	s.flush(s.console)
	if n := consoleRelay.Count(); n != relayed {
		t.Fatalf("%d mails relayed after the same bundle again, want %d", n, relayed)
	}
}

// queuedBundleMail is the bundle mail waiting in a kiosk's outbox, as it
// goes out (the outbox drops a sync mail's body once sent).
func queuedBundleMail(t *testing.T, a *core.App) []byte {
	t.Helper()
	db, err := sql.Open("sqlite", a.DB.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var raw []byte
	if err := db.QueryRow(`SELECT body FROM outbox WHERE kind = 'sync_bundle' AND length(body) > 0`).Scan(&raw); err != nil {
		t.Fatalf("the bundle mail in the kiosk's outbox: %v", err)
	}
	return raw
}

// selfSigned writes a new self-signed certificate for 127.0.0.1 and its
// key, as a site console would make one, and returns its SHA-256.
func selfSigned(t *testing.T, certFile, keyFile string) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: "console.bygg.local"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"console.bygg.local"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}

// The receiver with a certificate (issue 14): it offers STARTTLS, the
// pairing tells the kiosk to use it and pins the certificate (a site
// console's is self-signed; the kiosk trusts only the system's CAs
// otherwise), and the kiosk sends over TLS. A certificate renewed after
// pairing is refused with a sentence that says what to do; the next site
// pack carries the new fingerprint and the waiting mail goes out.
func TestReceiverStartTLSPinned(t *testing.T) {
	s := newMailSite(t)
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "receiver.pem"), filepath.Join(dir, "receiver.key")
	pin := selfSigned(t, certFile, keyFile)
	addr := "127.0.0.1:" + strconv.Itoa(closedPort(t))
	s.set(s.console, map[string]string{"sync.transport": "receiver", "sync.receiver.listen": addr, "sync.receiver.host": "127.0.0.1",
		"sync.receiver.tls_cert": certFile, "sync.receiver.tls_key": keyFile})
	if err := s.console.ConsoleMail.KeepReceiver(s.ctx, nil); err != nil {
		t.Fatal(err)
	}
	// It offers STARTTLS.
	c, err := gosmtp.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Hello("kiosk"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := c.Extension("STARTTLS"); !ok {
		t.Fatal("the receiver with a certificate does not offer STARTTLS")
	}
	c.Close()

	p, err := s.console.ConsoleSync.Pair(s.ctx, "Gate E", "Solna", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.kiosk.KioskSync.Join(s.ctx, bytes.NewReader(p.File)); err != nil {
		t.Fatal(err)
	}
	kv, _ := s.kiosk.Settings.Load(s.ctx)
	if kv.Get("smtp.security") != "starttls" || kv.Get("smtp.tls_pin") != pin {
		t.Fatalf("the pairing's TLS: security %q, pin %q (want %s)", kv.Get("smtp.security"), kv.Get("smtp.tls_pin"), pin)
	}

	ids := s.invite(2)
	s.register(ids[0], "811218-9876")
	if r, err := s.kiosk.KioskMail.Round(s.ctx); err != nil || r.BundlesQueued != 1 {
		t.Fatalf("kiosk round: %+v %v", r, err)
	}
	s.flush(s.kiosk)
	if st, _ := s.kiosk.KioskMail.Status(s.ctx); st.OutboxPending != 0 || st.OutboxFailed != 0 {
		t.Fatalf("kiosk outbox after sending over STARTTLS: %+v %+v", st, st.OutboxError)
	}
	if got := s.orders(ids[:1]); got != 1 {
		t.Fatalf("%d orders after the mail over STARTTLS", got)
	}
	// The receiver saw the kiosk log in over TLS.
	logged, err := os.ReadFile(core.LogFile(s.console.Paths))
	if err != nil {
		t.Fatal(err)
	}
	tlsLogin := false
	for _, line := range strings.Split(string(logged), "\n") {
		tlsLogin = tlsLogin || (strings.Contains(line, "msg=login") && strings.Contains(line, "sender="+p.Kiosk.ID) && strings.Contains(line, "tls=true"))
	}
	if !tlsLogin {
		t.Fatalf("no login over TLS in the console's log:\n%s", logged)
	}

	// The certificate is renewed in the same files: the receiver takes it
	// up, the kiosk refuses it and says what to do.
	pin2 := selfSigned(t, certFile, keyFile)
	if err := s.console.ConsoleMail.KeepReceiver(s.ctx, nil); err != nil {
		t.Fatal(err)
	}
	s.register(ids[1], "900101-0017")
	if r, err := s.kiosk.KioskMail.Round(s.ctx); err != nil || r.BundlesQueued != 1 {
		t.Fatalf("kiosk round: %+v %v", r, err)
	}
	s.flush(s.kiosk)
	st, err := s.kiosk.KioskMail.Status(s.ctx)
	if err != nil || st.OutboxPending != 1 || st.OutboxError == nil || st.OutboxError.Code != "cert_pin_mismatch" ||
		!strings.Contains(st.OutboxError.Detail, pin2) {
		t.Fatalf("kiosk mail status with the renewed certificate: %+v %+v %v", st, st.OutboxError, err)
	}
	if st.Problem == nil || st.Problem.Code != "cert_pin_mismatch" || !strings.Contains(st.Problem.SV, "parkoppla kiosken igen") ||
		!strings.Contains(st.Problem.EN, "new site pack") {
		t.Fatalf("the kiosk does not say what to do: %+v", st.Problem)
	}
	if got := s.orders(ids[1:]); got != 0 {
		t.Fatalf("%d orders through a certificate the kiosk did not pin", got)
	}

	// A new site pack (here by file) carries the new fingerprint; the
	// waiting mail then goes out.
	pack, err := s.console.ConsoleSync.SitePack(s.ctx, "Gate E")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.kiosk.KioskSync.ApplySitePack(s.ctx, bytes.NewReader(pack.File)); err != nil {
		t.Fatal(err)
	}
	if kv, _ := s.kiosk.Settings.Load(s.ctx); kv.Get("smtp.tls_pin") != pin2 {
		t.Fatalf("the site pack's pin %q, want %s", kv.Get("smtp.tls_pin"), pin2)
	}
	s.flush(s.kiosk)
	if got := s.orders(ids[1:]); got != 1 {
		st, _ := s.kiosk.KioskMail.Status(s.ctx)
		t.Fatalf("%d orders after the site pack with the new fingerprint: %+v %+v", got, st, st.OutboxError)
	}
}

// AUTH per kiosk at the receiver (issue 14): a bundle sent with another
// kiosk's login and the login of a revoked kiosk are refused, and each is
// on Kiosks & sync's refusals and in the audit log under the kiosk whose
// login it was.
func TestReceiverRefusesOtherAndRevokedLogins(t *testing.T) {
	s := newMailSite(t)
	addr := "127.0.0.1:" + strconv.Itoa(closedPort(t))
	s.set(s.console, map[string]string{"sync.transport": "receiver", "sync.receiver.listen": addr, "sync.receiver.host": "127.0.0.1"})
	if err := s.console.ConsoleMail.KeepReceiver(s.ctx, nil); err != nil {
		t.Fatal(err)
	}
	other, err := core.Open(s.ctx, core.Options{DataDir: filepath.Join(t.TempDir(), "kiosk2")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(other.Close)
	pf, err := s.console.ConsoleSync.Pair(s.ctx, "Gate F", "Solna", "")
	if err != nil {
		t.Fatal(err)
	}
	pg, err := s.console.ConsoleSync.Pair(s.ctx, "Gate G", "Solna", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.kiosk.KioskSync.Join(s.ctx, bytes.NewReader(pf.File)); err != nil {
		t.Fatal(err)
	}
	if _, err := other.KioskSync.Join(s.ctx, bytes.NewReader(pg.File)); err != nil {
		t.Fatal(err)
	}
	ids := s.invite(2)
	refusals := func(code string) []pairing.Refusal {
		t.Helper()
		all, err := s.console.ConsoleSync.Refusals(s.ctx, "", 100)
		if err != nil {
			t.Fatal(err)
		}
		var out []pairing.Refusal
		for _, r := range all {
			if r.Code == code {
				out = append(out, r)
			}
		}
		return out
	}
	audited := func(code string) []audit.Entry {
		t.Helper()
		pg, err := s.console.DB.ListAudit(s.ctx, audit.Query{Actions: []audit.Action{audit.SyncMailRefused}, Text: code})
		if err != nil {
			t.Fatal(err)
		}
		return pg.Items
	}

	// Gate G mails its bundle with Gate F's login.
	fv, _ := s.kiosk.Settings.Load(s.ctx)
	s.set(other, map[string]string{"smtp.username": fv.Get("smtp.username"), "smtp.password": fv.Get("smtp.password")})
	s.registerAt(other, ids[0], "811218-9876")
	if r, err := other.KioskMail.Round(s.ctx); err != nil || r.BundlesQueued != 1 {
		t.Fatalf("Gate G's round: %+v %v", r, err)
	}
	s.flush(other)
	if ob, err := other.Outbox.Status(s.ctx); err != nil || ob.Failed != 1 || ob.LastError.Code != "message_refused" {
		t.Fatalf("Gate G's outbox: %+v %v", ob, err)
	}
	if got := s.orders(ids[:1]); got != 0 {
		t.Fatalf("%d orders from a bundle with another kiosk's login", got)
	}
	if r := refusals("sync.other_login"); len(r) != 1 || r[0].KioskID != pf.Kiosk.ID || r[0].SV == "" || r[0].EN == "" {
		t.Fatalf("the refusal of the bundle with Gate F's login: %+v", r)
	}
	if a := audited("sync.other_login"); len(a) != 1 || a[0].Subject != pf.Kiosk.ID {
		t.Fatalf("audit of the bundle with Gate F's login: %+v", a)
	}

	// Gate F is revoked: its login is refused.
	if _, err := s.console.ConsoleSync.Revoke(s.ctx, "Gate F"); err != nil {
		t.Fatal(err)
	}
	s.register(ids[1], "900101-0017")
	if r, err := s.kiosk.KioskMail.Round(s.ctx); err != nil || r.BundlesQueued != 1 {
		t.Fatalf("Gate F's round: %+v %v", r, err)
	}
	s.flush(s.kiosk)
	if ob, err := s.kiosk.Outbox.Status(s.ctx); err != nil || ob.Failed != 1 || ob.LastError.Code != "auth_failed" {
		t.Fatalf("the revoked kiosk's outbox: %+v %v", ob, err)
	}
	if got := s.orders(ids[1:]); got != 0 {
		t.Fatalf("%d orders from a revoked kiosk", got)
	}
	if r := refusals("sync.receiver_login_revoked"); len(r) != 1 || r[0].KioskID != pf.Kiosk.ID || !strings.Contains(r[0].EN, "Gate F") {
		t.Fatalf("the refusal of the revoked kiosk's login: %+v", r)
	}
	if a := audited("sync.receiver_login_revoked"); len(a) != 1 || a[0].Subject != pf.Kiosk.ID {
		t.Fatalf("audit of the revoked kiosk's login: %+v", a)
	}
}

// A kiosk silent longer than sync.silence_hours is highlighted, and with
// sync.silence_mail on the admin is mailed once per silence.
func TestSilentKioskIsMailedOnce(t *testing.T) {
	s := newMailSite(t)
	sink := relay(t, "")
	set := smtpSettings(sink.Port())
	set["sync.transport"], set["sync.silence_hours"], set["sync.silence_mail"] = "imap", "1", "on"
	set["sync.imap.host"], set["sync.imap.port"] = "127.0.0.1", strconv.Itoa(closedPort(t))
	set["sync.imap.security"] = "none"
	s.set(s.console, set)
	if _, err := s.console.ConsoleSync.Pair(s.ctx, "Gate C", "Kista", ""); err != nil {
		t.Fatal(err)
	}
	// Paired just now: not silent.
	if _, err := s.console.ConsoleMail.Round(s.ctx); err != nil {
		t.Fatal(err)
	}
	s.flush(s.console)
	if n := sink.Count(); n != 0 {
		t.Fatalf("%d mails about a kiosk paired a moment ago", n)
	}
	// Two hours later: the console's mail rounds with a clock ahead.
	later := mailsync.NewConsole(mailsync.ConsoleConfig{Sync: s.console.ConsoleSync, Store: s.console.DB,
		Settings: s.console.Settings.Load, Now: func() time.Time { return time.Now().Add(2 * time.Hour) }})
	for range 2 {
		r, err := later.Round(s.ctx)
		if err != nil {
			t.Fatal(err)
		}
		// The mailbox is down: the round says so, and goes on.
		if len(r.Problems) == 0 {
			t.Fatalf("a round with the mailbox down reported no problem: %+v", r)
		}
	}
	s.flush(s.console)
	if n := sink.Count(); n != 1 {
		t.Fatalf("%d silent-kiosk mails, want 1", n)
	}
	m := sink.Messages()[0]
	if m.To[0] != "admin@bygg.se" || !bytes.Contains(m.Data, []byte("Gate C")) {
		t.Fatalf("silent-kiosk mail to %v", m.To)
	}
	st, err := later.Status(s.ctx)
	if err != nil || len(st.Kiosks) != 1 || !st.Kiosks[0].Silent {
		t.Fatalf("status: %+v %v", st, err)
	}
}

// Bad input by mail (issue 14): a wrong IMAP password is said clearly and
// the round goes on; a bundle mail from a kiosk revoked since is refused
// with its reason (no order); a mail larger than the limit is refused
// unread. Each refused mail is moved to id06desk-refused and logged.
func TestSyncMailboxBadInput(t *testing.T) {
	s := newMailSite(t)
	syncBox := dovecottest.Start(t)
	kioskRelay := relay(t, syncBox.Maildir())
	cset := imapSettings(syncBox)
	cset["sync.imap.password"] = "not-the-password"
	cset["sync.transport"], cset["sync.mail_max_mb"] = "imap", "1"
	s.set(s.console, cset)

	// The wrong password: the connection test and the round say so with
	// the server's words.
	err := s.console.ConsoleMail.Test(s.ctx)
	if err == nil {
		t.Fatal("a wrong IMAP password passed the connection test")
	}
	r, err := s.console.ConsoleMail.Round(s.ctx)
	if err != nil || len(r.Problems) != 1 || !strings.Contains(r.Problems[0].Code, "auth") ||
		!strings.Contains(r.Problems[0].SV, "Authentication failed") {
		t.Fatalf("round with a wrong password: %+v %v", r, err)
	}
	s.set(s.console, map[string]string{"sync.imap.password": syncBox.Password})
	if err := s.console.ConsoleMail.Test(s.ctx); err != nil {
		t.Fatalf("the right password: %v", err)
	}

	// A kiosk mails a bundle, then is revoked before the console reads it.
	p, err := s.console.ConsoleSync.Pair(s.ctx, "Gate D", "Solna", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.kiosk.KioskSync.Join(s.ctx, bytes.NewReader(p.File)); err != nil {
		t.Fatal(err)
	}
	s.set(s.kiosk, smtpSettings(kioskRelay.Port()))
	ids := s.invite(1)
	s.register(ids[0], "811218-9876")
	if r, err := s.kiosk.KioskMail.Round(s.ctx); err != nil || r.BundlesQueued != 1 {
		t.Fatalf("kiosk round: %+v %v", r, err)
	}
	s.flush(s.kiosk)
	if _, err := s.console.ConsoleSync.Revoke(s.ctx, "Gate D"); err != nil {
		t.Fatal(err)
	}
	// And a mail over the size limit (1 MB here: 3 MB are taken at most).
	big := append([]byte("From: x@example.se\r\nTo: sync@bygg.se\r\nSubject: big\r\n\r\n"), bytes.Repeat([]byte("0123456789abcdef\r\n"), 4<<20/18)...)
	syncBox.Deliver(big)

	r, err = s.console.ConsoleMail.Round(s.ctx)
	if err != nil || r.MailsSeen != 2 || r.MailsRefused != 2 || r.Applied != 0 || len(r.Problems) != 0 {
		t.Fatalf("console round: %+v %v", r, err)
	}
	if got := s.orders(ids); got != 0 {
		t.Fatalf("%d orders from a revoked kiosk", got)
	}
	if n := len(syncBox.Folder("id06desk-refused")); n != 2 {
		t.Fatalf("%d mails in refused, want 2", n)
	}
	st, err := s.console.ConsoleMail.Status(s.ctx)
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[string]bool{}
	for _, m := range st.Mails {
		if m.Verdict == "refused" && m.Problem != nil {
			reasons[m.Problem.Code] = true
		}
	}
	if !reasons["sync.kiosk_revoked"] || !reasons["imap_message_too_large"] {
		t.Fatalf("the refused mails are not logged with their reasons: %+v", st.Mails)
	}
}

// A registration confirmed at a running kiosk goes out at once: Confirm
// wakes the sync_mail job, so the bundle mail reaches the relay within
// seconds, not at the next sync.poll_minutes (5 here).
func TestKioskConfirmMailsAtOnce(t *testing.T) {
	s := newMailSite(t)
	kioskRelay := relay(t, "")
	s.set(s.console, map[string]string{"smtp.host": "127.0.0.1", "smtp.port": strconv.Itoa(closedPort(t)), "smtp.security": "none",
		"sync.transport": "imap"})
	p, err := s.console.ConsoleSync.Pair(s.ctx, "Gate C", "Kista", "gate-c@bygg.se")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.kiosk.KioskSync.Join(s.ctx, bytes.NewReader(p.File)); err != nil {
		t.Fatal(err)
	}
	s.set(s.kiosk, map[string]string{"smtp.host": "127.0.0.1", "smtp.port": strconv.Itoa(kioskRelay.Port()), "smtp.security": "none",
		"smtp.from": "gate-c@bygg.se", "sync.poll_minutes": "5"})
	ids := s.invite(1)
	s.kiosk.Start(s.ctx)
	// The job's first round (at the start) finds nothing to send.
	deadline := time.Now().Add(20 * time.Second)
	for ran := false; !ran; {
		for _, j := range s.kiosk.Jobs() {
			ran = ran || (j.Name == core.JobSyncMail && j.Runs > 0)
		}
		if time.Now().After(deadline) {
			t.Fatal("the sync_mail job did not run at the start")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if n := kioskRelay.Count(); n != 0 {
		t.Fatalf("%d mails before any registration", n)
	}
	s.register(ids[0], "811218-9876")
	select {
	case <-kioskRelay.Arrived():
	case <-time.After(20 * time.Second):
		st, err := s.kiosk.KioskMail.Status(s.ctx)
		t.Fatalf("the sealed registration was not mailed within 20 s of its Confirm: jobs %+v, mail %+v %v", s.kiosk.Jobs(), st, err)
	}
	m := kioskRelay.Messages()
	if len(m) != 1 || len(m[0].To) != 1 || m[0].To[0] != "sync@bygg.se" {
		t.Fatalf("mails %+v", m)
	}
}
