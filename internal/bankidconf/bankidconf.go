// Package bankidconf turns the BankID settings and certificate files into a
// ready BankID client, and says whether BankID can be offered right now.
package bankidconf

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"id06desk/internal/bankid"
	"id06desk/internal/paths"
	"id06desk/internal/settings"
)

// The certificate files, in the config folder, each 0600.
const (
	FileClientP12  = "bankid-client.p12"      // the relying party's PKCS#12 from the bank
	FileClientCert = "bankid-client-cert.pem" // or a PEM certificate …
	FileClientKey  = "bankid-client-key.pem"  // … and its key
	FileRootCA     = "bankid-root-ca.pem"     // the BankID root CA the server must chain to
)

// Files lists the names Store accepts.
var Files = []string{FileClientP12, FileClientCert, FileClientKey, FileRootCA}

// Settings reads the current settings.
type Settings interface {
	Load(ctx context.Context) (settings.Values, error)
}

// Provider builds the client from settings and files, again whenever either
// changed, and caches whether BankID answered lately.
type Provider struct {
	dir      string
	settings Settings

	mu     sync.Mutex
	key    [32]byte
	client *bankid.Client
	cerr   error

	checkedAt time.Time
	checkErr  error
}

// New keeps the certificate files in dir (the config folder).
func New(dir string, s Settings) *Provider { return &Provider{dir: dir, settings: s} }

// Status is what Settings → BankID shows.
type Status struct {
	Configured  bool            `json:"configured"`
	Environment string          `json:"environment"`
	Files       map[string]bool `json:"files"`
	Problem     error           `json:"-"` // why the configuration cannot be used (bankid.ErrorText)
}

// Store validates nothing but the name and size, and writes a certificate
// file (0600); the client built next time says what is wrong with it.
func (p *Provider) Store(name string, data []byte) error {
	ok := false
	for _, f := range Files {
		ok = ok || f == name
	}
	if !ok {
		return fmt.Errorf("bankid: unknown file %q", name)
	}
	if len(data) == 0 {
		if err := os.Remove(filepath.Join(p.dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("bankid: remove %s: %w", name, err)
		}
		return nil
	}
	if err := paths.WriteFile(filepath.Join(p.dir, name), data); err != nil {
		return fmt.Errorf("bankid: store %s: %w", name, err)
	}
	return nil
}

func (p *Provider) read(name string) []byte {
	b, err := os.ReadFile(filepath.Join(p.dir, name))
	if err != nil {
		return nil
	}
	return b
}

// config reads the settings and files; ErrNotConfigured when the minimum is
// missing.
func (p *Provider) config(ctx context.Context) (bankid.Config, settings.Values, error) {
	v, err := p.settings.Load(ctx)
	if err != nil {
		return bankid.Config{}, nil, err
	}
	cfg := bankid.Config{
		Environment: v.Get("bankid.environment"), BaseURL: v.Get("bankid.url"),
		PKCS12: p.read(FileClientP12), Passphrase: v.Get("bankid.passphrase"),
		CertPEM: p.read(FileClientCert), KeyPEM: p.read(FileClientKey), RootCAPEM: p.read(FileRootCA),
	}
	if cfg.RootCAPEM == nil || (cfg.PKCS12 == nil && (cfg.CertPEM == nil || cfg.KeyPEM == nil)) {
		return cfg, v, bankid.ErrNotConfigured
	}
	return cfg, v, nil
}

// Client returns the client for the current configuration;
// bankid.ErrNotConfigured when certificates are missing, or the reason the
// configuration cannot be used.
func (p *Provider) Client(ctx context.Context) (*bankid.Client, error) {
	cfg, _, err := p.config(ctx)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	for _, part := range [][]byte{[]byte(cfg.Environment), []byte(cfg.BaseURL), cfg.PKCS12, []byte(cfg.Passphrase), cfg.CertPEM, cfg.KeyPEM, cfg.RootCAPEM} {
		fmt.Fprintf(h, "%d:", len(part))
		h.Write(part)
	}
	var key [32]byte
	copy(key[:], h.Sum(nil))
	p.mu.Lock()
	defer p.mu.Unlock()
	if key != p.key {
		if p.client != nil {
			p.client.Close()
		}
		p.client, p.cerr = bankid.NewClient(cfg)
		p.key = key
		p.checkedAt = time.Time{}
	}
	return p.client, p.cerr
}

// MRTD reports whether registrations ask BankID for the passport check.
func (p *Provider) MRTD(ctx context.Context) bool {
	v, err := p.settings.Load(ctx)
	return err == nil && v.Get("bankid.mrtd") == "on"
}

// Test calls BankID now ("Test connection").
func (p *Provider) Test(ctx context.Context) error {
	c, err := p.Client(ctx)
	if err != nil {
		return err
	}
	err = bankid.Check(ctx, c)
	p.mu.Lock()
	p.checkedAt, p.checkErr = time.Now(), err
	p.mu.Unlock()
	return err
}

// Available says whether BankID can be offered: configured, and it answered
// within the last minute (checked again, at most 3 s, when older). reason
// is "not_configured", "misconfigured" or "unreachable".
func (p *Provider) Available(ctx context.Context) (bool, string) {
	if _, err := p.Client(ctx); err != nil {
		if errors.Is(err, bankid.ErrNotConfigured) {
			return false, "not_configured"
		}
		return false, "misconfigured"
	}
	p.mu.Lock()
	fresh, cerr := time.Since(p.checkedAt) < time.Minute, p.checkErr
	p.mu.Unlock()
	if !fresh {
		cctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		cerr = p.Test(cctx)
		cancel()
	}
	if cerr != nil {
		return false, "unreachable"
	}
	return true, ""
}

// Status describes the configuration for Settings → BankID.
func (p *Provider) Status(ctx context.Context) Status {
	st := Status{Files: map[string]bool{}}
	for _, f := range Files {
		st.Files[f] = p.read(f) != nil
	}
	_, v, err := p.config(ctx)
	if v != nil {
		st.Environment = v.Get("bankid.environment")
	}
	if err == nil {
		_, err = p.Client(ctx)
	}
	st.Configured = err == nil
	if err != nil && !errors.Is(err, bankid.ErrNotConfigured) {
		st.Problem = err
	}
	return st
}
