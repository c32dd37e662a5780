package bankid_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"strings"
	"testing"

	"golang.org/x/crypto/pkcs12"

	"id06desk/internal/bankid"
	"id06desk/internal/bankid/bankidtest"
)

// rpCertificate issues an RSA client certificate from the test server's CA,
// like the ones banks hand out, and returns its DER and the key as PKCS#8.
func rpCertificate(t *testing.T, ts *bankidtest.Server) (certDER, keyDER []byte) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	certDER, err = ts.CA.Sign("FP Testcert id06desk", false, &key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err = x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return certDER, keyDER
}

func TestPKCS12(t *testing.T) {
	ts := newServer(t)
	certDER, keyDER := rpCertificate(t, ts)
	caDER := ts.CA.Cert.Raw

	t.Run("file with key and certificate works against the server", func(t *testing.T) {
		p12, err := makeP12([][]byte{certDER}, keyDER, "qwerty123", p12Options{})
		if err != nil {
			t.Fatal(err)
		}
		// The encoder writes what x/crypto/pkcs12 reads.
		if _, _, err := pkcs12.Decode(p12, "qwerty123"); err != nil {
			t.Fatalf("x/crypto/pkcs12 cannot decode the test file: %v", err)
		}
		cfg := ts.Config()
		cfg.CertPEM, cfg.KeyPEM = nil, nil
		cfg.PKCS12, cfg.Passphrase = p12, "qwerty123"
		c := newClient(t, cfg)
		o, err := fastSession(c, nil).Start(testCtx(t), bankid.StartRequest{EndUserIP: "192.0.2.1"})
		if err != nil {
			t.Fatalf("auth with the PKCS#12 certificate: %v", err)
		}
		if _, err := o.Poll(testCtx(t)); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("file with the CA before the certificate", func(t *testing.T) {
		p12, err := makeP12([][]byte{caDER, certDER}, keyDER, "pw", p12Options{})
		if err != nil {
			t.Fatal(err)
		}
		// pkcs12.Decode refuses more than one certificate; LoadPKCS12 must
		// not, since bank files may carry the issuing CA.
		cert, err := bankid.LoadPKCS12(p12, "pw")
		if err != nil {
			t.Fatal(err)
		}
		if cert.Leaf == nil || cert.Leaf.Subject.CommonName != "FP Testcert id06desk" {
			t.Fatalf("leaf %v", cert.Leaf)
		}
		if len(cert.Certificate) != 2 || string(cert.Certificate[1]) != string(caDER) {
			t.Errorf("chain has %d certificates, want leaf then CA", len(cert.Certificate))
		}
		if _, ok := cert.PrivateKey.(*rsa.PrivateKey); !ok {
			t.Errorf("key %T", cert.PrivateKey)
		}
	})

	for _, tc := range []struct {
		name string
		file func() ([]byte, error)
		pass string
		want string
	}{
		{"wrong passphrase", func() ([]byte, error) { return makeP12([][]byte{certDER}, keyDER, "right", p12Options{}) }, "wrong", "passphrase is wrong"},
		{"PEM instead", func() ([]byte, error) { return []byte("-----BEGIN CERTIFICATE-----"), nil }, "", "the file is PEM"},
		{"not PKCS#12", func() ([]byte, error) { return []byte("hello"), nil }, "", "not a PKCS#12"},
		{"broken PKCS#12", func() ([]byte, error) { return []byte{0x30, 0x03, 0x02, 0x01}, nil }, "", "read PKCS#12 file"},
		{"empty", func() ([]byte, error) { return nil, nil }, "", "file is empty"},
		{"modern encryption", func() ([]byte, error) {
			return makeP12([][]byte{certDER}, keyDER, "pw", p12Options{macOID: oidSHA256T})
		}, "pw", "openssl pkcs12 -legacy"},
		{"no key", func() ([]byte, error) { return makeP12([][]byte{certDER}, nil, "pw", p12Options{noKey: true}) }, "pw", "no private key"},
		{"key for another certificate", func() ([]byte, error) {
			return makeP12([][]byte{caDER}, keyDER, "pw", p12Options{})
		}, "pw", "no certificate for its private key"},
		{"key encrypted differently", func() ([]byte, error) {
			return makeP12([][]byte{certDER}, keyDER, "pw", p12Options{keyPass: "other"})
		}, "pw", "PKCS#12"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, err := tc.file()
			if err != nil {
				t.Fatal(err)
			}
			_, err = bankid.LoadPKCS12(data, tc.pass)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("LoadPKCS12: %v, want %q", err, tc.want)
			}
			cfg := ts.Config()
			cfg.CertPEM, cfg.KeyPEM = nil, nil
			cfg.PKCS12, cfg.Passphrase = data, tc.pass
			if len(data) == 0 {
				return // an empty file is "no certificate" to NewClient
			}
			if _, err := bankid.NewClient(cfg); !errors.Is(err, bankid.ErrConfig) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("NewClient: %v", err)
			}
		})
	}
}
