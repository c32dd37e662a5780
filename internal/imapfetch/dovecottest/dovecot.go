// Package dovecottest runs a real Dovecot IMAP server on loopback for tests:
// its own configuration, runtime, state and log folders and a Maildir under a
// temporary folder, one passwd-file user with a random password, plaintext
// login allowed (loopback only) and, on request, an implicit-TLS listener and
// STARTTLS with a self-signed certificate. It is a test double and is kept
// out of the shipped binary (internal/archtest).
//
// Dovecot refuses to run its login and mail processes as root, so when the
// test runs as root (CI) the server runs as the user nobody and the harness
// hands the folders to that user; as anyone else it runs as the current user.
// A missing /usr/sbin/dovecot (Debian package dovecot-imapd, installed by
// `make deps`) fails the test, or skips it when ID06DESK_ALLOW_SKIP=1.
package dovecottest

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"id06desk/internal/maildir"
)

// Binary is where Debian's dovecot-core puts the server.
const Binary = "/usr/sbin/dovecot"

// Options change the server Start runs.
type Options struct {
	// TLS adds an implicit-TLS listener (TLSPort) and STARTTLS on the plain
	// one, with a self-signed certificate for 127.0.0.1 and localhost.
	TLS bool
	// Capability replaces the capabilities Dovecot announces after login
	// (imap_capability), e.g. to hide MOVE or UIDPLUS from a client. The
	// server still understands every command.
	Capability string
}

// Server is a running Dovecot.
type Server struct {
	Host     string // 127.0.0.1
	Port     int    // plain IMAP (STARTTLS too when Options.TLS)
	TLSPort  int    // implicit TLS; 0 without Options.TLS
	User     string
	Password string
	// CertPool trusts the server's self-signed certificate (Options.TLS).
	CertPool *x509.CertPool

	t       testing.TB
	dir     string // everything lives here
	maildir string // the user's Maildir (INBOX)
	logPath string
	cmd     *exec.Cmd
	exited  chan struct{}
	stop    sync.Once
}

// Start runs Dovecot with the default options; it stops on t.Cleanup.
func Start(t testing.TB) *Server { return StartWith(t, Options{}) }

// StartWith runs Dovecot with o; it stops on t.Cleanup.
func StartWith(t testing.TB, o Options) *Server {
	t.Helper()
	if _, err := os.Stat(Binary); err != nil {
		if os.Getenv("ID06DESK_ALLOW_SKIP") == "1" {
			t.Skipf("dovecot missing (%v); install dovecot-imapd", err)
		}
		t.Fatalf("dovecot missing (%v): `apt-get install dovecot-imapd` (make deps does it), or set ID06DESK_ALLOW_SKIP=1 to skip", err)
	}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		s, err := start(t, o)
		if err == nil {
			return s
		}
		lastErr = err
		if !errors.Is(err, errPortTaken) {
			break
		}
	}
	t.Fatalf("dovecottest: %v", lastErr)
	return nil
}

var errPortTaken = errors.New("port taken")

func start(t testing.TB, o Options) (*Server, error) {
	// Not t.TempDir(): its parents are 0700 and Dovecot may run as another
	// user (nobody, when the test runs as root) that must reach the folder.
	dir, err := os.MkdirTemp("", "id06desk-dovecot-")
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	runAs, err := runner()
	if err != nil {
		return nil, err
	}
	pw := make([]byte, 12)
	if _, err := rand.Read(pw); err != nil {
		return nil, err
	}
	s := &Server{
		t: t, Host: "127.0.0.1", User: "sync", Password: hex.EncodeToString(pw),
		dir: dir, maildir: filepath.Join(dir, "mail"), logPath: filepath.Join(dir, "log", "dovecot.log"),
		exited: make(chan struct{}),
	}
	for _, sub := range []string{"base", "state", "log"} {
		mode := os.FileMode(0o700)
		if sub == "base" {
			mode = 0o755 // Dovecot wants its base_dir world-readable (it says so otherwise)
		}
		if err := os.Mkdir(filepath.Join(dir, sub), mode); err != nil {
			return nil, err
		}
	}
	if err := maildir.Create(s.maildir); err != nil {
		return nil, err
	}
	if s.Port, err = freePort(); err != nil {
		return nil, err
	}
	if o.TLS {
		if s.TLSPort, err = freePort(); err != nil {
			return nil, err
		}
		if s.CertPool, err = writeCert(dir); err != nil {
			return nil, err
		}
	}
	users := fmt.Sprintf("%s:{PLAIN}%s::::::\n", s.User, s.Password)
	if err := os.WriteFile(filepath.Join(dir, "users"), []byte(users), 0o600); err != nil {
		return nil, err
	}
	conf := s.config(o, runAs)
	confPath := filepath.Join(dir, "dovecot.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		return nil, err
	}
	if runAs.uid != os.Geteuid() {
		if err := chownTree(dir, runAs.uid, runAs.gid); err != nil {
			return nil, err
		}
	}

	s.cmd = exec.Command(Binary, "-F", "-c", confPath)
	s.cmd.Dir = dir
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if runAs.uid != os.Geteuid() {
		s.cmd.SysProcAttr.Credential = &syscall.Credential{Uid: uint32(runAs.uid), Gid: uint32(runAs.gid)}
		s.cmd.Env = append(os.Environ(), "HOME="+dir, "USER="+runAs.name, "LOGNAME="+runAs.name)
	}
	var stderr strings.Builder
	s.cmd.Stdout = &stderr
	s.cmd.Stderr = &stderr
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", Binary, err)
	}
	go func() { s.cmd.Wait(); close(s.exited) }() //nolint:errcheck // the exit shows in the log
	t.Cleanup(s.Stop)

	if err := s.waitReady(15 * time.Second); err != nil {
		s.Stop()
		out := stderr.String() + s.Log()
		if strings.Contains(out, "Address already in use") {
			return nil, fmt.Errorf("%w: %v", errPortTaken, err)
		}
		return nil, fmt.Errorf("dovecot did not start: %v\n%s", err, out)
	}
	return s, nil
}

func (s *Server) config(o Options, runAs account) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	w("# written by id06desk dovecottest")
	w("protocols = imap")
	w("listen = 127.0.0.1")
	w("base_dir = %s", filepath.Join(s.dir, "base"))
	w("state_dir = %s", filepath.Join(s.dir, "state"))
	w("log_path = %s", s.logPath)
	w("info_log_path = %s", s.logPath)
	w("default_login_user = %s", runAs.name)
	w("default_internal_user = %s", runAs.name)
	w("default_internal_group = %s", runAs.group)
	w("disable_plaintext_auth = no")
	w("auth_mechanisms = plain login")
	// A wrong password is answered at once: no failure delay, and (below,
	// service anvil) no growing penalty for repeated failures from 127.0.0.1.
	w("auth_failure_delay = 0")
	w("mail_location = maildir:%s:LAYOUT=maildir++", s.maildir)
	w("mail_home = %s", filepath.Join(s.dir, "home"))
	w("mailbox_list_index = no")
	if o.Capability != "" {
		w("imap_capability = %s", o.Capability)
	}
	if o.TLS {
		w("ssl = yes")
		w("ssl_cert = <%s", filepath.Join(s.dir, "cert.pem"))
		w("ssl_key = <%s", filepath.Join(s.dir, "key.pem"))
	} else {
		w("ssl = no")
	}
	w("passdb {\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%%u %s\n}", filepath.Join(s.dir, "users"))
	w("userdb {\n  driver = static\n  args = uid=%d gid=%d\n}", runAs.uid, runAs.gid)
	tlsPort := 0
	if o.TLS {
		tlsPort = s.TLSPort
	}
	w("service imap-login {\n  chroot =\n  inet_listener imap {\n    address = 127.0.0.1\n    port = %d\n  }\n  inet_listener imaps {\n    address = 127.0.0.1\n    port = %d\n    ssl = yes\n  }\n}", s.Port, tlsPort)
	w("service anvil {\n  chroot =\n  unix_listener anvil-auth-penalty {\n    mode = 0\n  }\n}")
	for _, svc := range []string{"pop3-login", "submission-login", "managesieve-login", "imap-urlauth-login"} {
		w("service %s {\n  chroot =\n}", svc)
	}
	return b.String()
}

// waitReady waits until the plain listener greets.
func (s *Server) waitReady(max time.Duration) error {
	deadline := time.Now().Add(max)
	addr := net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
	var lastErr error
	for time.Now().Before(deadline) {
		select {
		case <-s.exited:
			return fmt.Errorf("dovecot exited: %v", s.cmd.ProcessState)
		default:
		}
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.SetDeadline(time.Now().Add(2 * time.Second)) //nolint:errcheck
			line, rerr := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if rerr == nil && strings.HasPrefix(line, "* OK") {
				return nil
			}
			err = fmt.Errorf("greeting %q: %v", line, rerr)
		}
		lastErr = err
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("no greeting at %s within %s: %v", addr, max, lastErr)
}

// Stop ends Dovecot (SIGTERM to its process group, SIGKILL after 5 s). It is
// safe to call more than once; t.Cleanup calls it.
func (s *Server) Stop() {
	s.stop.Do(func() {
		if s.cmd == nil || s.cmd.Process == nil {
			return
		}
		pgid := s.cmd.Process.Pid
		syscall.Kill(-pgid, syscall.SIGTERM) //nolint:errcheck // already gone is fine
		select {
		case <-s.exited:
		case <-time.After(5 * time.Second):
			syscall.Kill(-pgid, syscall.SIGKILL) //nolint:errcheck
			<-s.exited
		}
		// Dovecot's children leave with their master; make sure none lingers.
		syscall.Kill(-pgid, syscall.SIGKILL) //nolint:errcheck
	})
}

// Addr is the plain listener's host:port.
func (s *Server) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// TLSAddr is the implicit-TLS listener's host:port.
func (s *Server) TLSAddr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.TLSPort)) }

// Maildir is the user's Maildir (INBOX); an SMTP sink may deliver into it.
func (s *Server) Maildir() string { return s.maildir }

// Deliver puts raw into the user's INBOX as a mail server's delivery agent
// does (tmp/, then renamed into new/). Call it from the test's goroutine.
func (s *Server) Deliver(raw []byte) {
	s.t.Helper()
	if _, err := maildir.Deliver(s.maildir, raw); err != nil {
		s.t.Fatal(err)
	}
}

// Folder lists the message files of a mailbox ("INBOX" or a folder name
// such as "id06desk-processed"), sorted; nil when the folder does not exist.
func (s *Server) Folder(name string) []string {
	dir := s.maildir
	if !strings.EqualFold(name, "INBOX") {
		dir = filepath.Join(s.maildir, "."+name)
	}
	if _, err := os.Stat(dir); err != nil {
		return nil
	}
	out := []string{}
	for _, sub := range []string{"new", "cur"} {
		entries, err := os.ReadDir(filepath.Join(dir, sub))
		if err != nil {
			continue
		}
		for _, e := range entries {
			if e.Type().IsRegular() {
				out = append(out, filepath.Join(dir, sub, e.Name()))
			}
		}
	}
	sort.Strings(out)
	return out
}

// FolderMessages reads the messages of a folder (see Folder).
func (s *Server) FolderMessages(name string) [][]byte {
	s.t.Helper()
	var out [][]byte
	for _, p := range s.Folder(name) {
		b, err := os.ReadFile(p)
		if err != nil {
			s.t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// Log is Dovecot's log so far (for failure messages).
func (s *Server) Log() string {
	b, _ := os.ReadFile(s.logPath)
	return string(b)
}

// TLSConfig trusts the server's certificate (Options.TLS).
func (s *Server) TLSConfig() *tls.Config {
	return &tls.Config{RootCAs: s.CertPool, ServerName: s.Host, MinVersion: tls.VersionTLS12}
}

type account struct {
	uid, gid    int
	name, group string
}

// runner is the account Dovecot runs as: this process's, or nobody's when
// this process is root.
func runner() (account, error) {
	var u *user.User
	var err error
	if os.Geteuid() == 0 {
		u, err = user.Lookup("nobody")
	} else {
		u, err = user.LookupId(strconv.Itoa(os.Geteuid()))
	}
	if err != nil {
		return account{}, fmt.Errorf("look up the user to run dovecot as: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if os.Geteuid() != 0 {
		gid = os.Getegid()
	}
	g, err := user.LookupGroupId(strconv.Itoa(gid))
	if err != nil {
		return account{}, fmt.Errorf("look up group %d: %w", gid, err)
	}
	return account{uid: uid, gid: gid, name: u.Username, group: g.Name}, nil
}

func chownTree(dir string, uid, gid int) error {
	return filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid)
	})
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// writeCert makes a self-signed certificate for 127.0.0.1 and localhost.
func writeCert(dir string) (*x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "dovecottest"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	if err := os.WriteFile(filepath.Join(dir, "cert.pem"), certPEM, 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "key.pem"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(certPEM)
	return pool, nil
}
