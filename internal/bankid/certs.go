package bankid

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"

	"golang.org/x/crypto/pkcs12"
)

// LoadPKCS12 reads the relying-party certificate as the bank delivers it: a
// PKCS#12 (.p12/.pfx) file with the private key, the client certificate and
// possibly its issuing CA certificates, protected by passphrase.
//
// It reads files protected the traditional way (3DES or RC2 with a SHA-1
// MAC, as BankID's test certificates and `openssl pkcs12 -legacy` make
// them). Files made with OpenSSL 3's defaults (AES-256 and PBKDF2) are
// refused with a message saying how to convert them, because
// golang.org/x/crypto/pkcs12 cannot decrypt them.
func LoadPKCS12(data []byte, passphrase string) (tls.Certificate, error) {
	switch {
	case len(data) == 0:
		return tls.Certificate{}, errors.New("the PKCS#12 file is empty")
	case bytes.HasPrefix(bytes.TrimSpace(data), []byte("-----BEGIN")):
		return tls.Certificate{}, errors.New("the file is PEM, not PKCS#12 (.p12/.pfx): give it as the PEM certificate and key instead")
	case data[0] != 0x30: // a DER SEQUENCE
		return tls.Certificate{}, errors.New("the file is not a PKCS#12 (.p12/.pfx) file")
	}
	// ToPEM rather than Decode: Decode insists on exactly one certificate,
	// and RP certificate files may carry the issuing CA as well.
	blocks, err := pkcs12.ToPEM(data, passphrase)
	if err != nil {
		var notImpl pkcs12.NotImplementedError
		switch {
		case errors.Is(err, pkcs12.ErrIncorrectPassword):
			return tls.Certificate{}, errors.New("the PKCS#12 passphrase is wrong")
		case errors.As(err, &notImpl):
			return tls.Certificate{}, fmt.Errorf("the PKCS#12 file uses a format this program cannot read (%v); "+
				"convert it with `openssl pkcs12 -legacy`, or give the certificate and key as PEM files", err)
		}
		return tls.Certificate{}, fmt.Errorf("read PKCS#12 file: %w", err)
	}

	var key crypto.Signer
	var certs []*x509.Certificate
	for _, b := range blocks {
		switch b.Type {
		case "CERTIFICATE":
			c, err := x509.ParseCertificate(b.Bytes)
			if err != nil {
				return tls.Certificate{}, fmt.Errorf("read certificate in PKCS#12 file: %w", err)
			}
			certs = append(certs, c)
		case "PRIVATE KEY":
			if key != nil {
				return tls.Certificate{}, errors.New("the PKCS#12 file holds more than one private key")
			}
			// ToPEM re-encodes keys as PKCS#1 (RSA) or SEC 1 (EC) despite
			// the block type; PKCS#8 is tried last for safety.
			if key, err = parseKey(b.Bytes); err != nil {
				return tls.Certificate{}, fmt.Errorf("read private key in PKCS#12 file: %w", err)
			}
		}
	}
	if key == nil {
		return tls.Certificate{}, errors.New("the PKCS#12 file holds no private key")
	}
	return chainFor(key, certs)
}

// loadPEMPair reads a certificate (optionally followed by its issuing CA
// certificates) and a private key in PEM.
func loadPEMPair(certPEM, keyPEM []byte) (tls.Certificate, error) {
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("read PEM certificate and key: %w", err)
	}
	return cert, nil
}

func parseKey(der []byte) (crypto.Signer, error) {
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return k, nil
	}
	if k, err := x509.ParseECPrivateKey(der); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, errors.New("unsupported private key encoding")
	}
	s, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("unsupported private key type %T", k)
	}
	return s, nil
}

// chainFor builds the TLS certificate: the certificate that belongs to key
// first, then the others (issuing CAs) in file order.
func chainFor(key crypto.Signer, certs []*x509.Certificate) (tls.Certificate, error) {
	leaf := -1
	for i, c := range certs {
		if samePublicKey(c.PublicKey, key.Public()) {
			leaf = i
			break
		}
	}
	if leaf < 0 {
		return tls.Certificate{}, errors.New("the PKCS#12 file holds no certificate for its private key")
	}
	out := tls.Certificate{PrivateKey: key, Leaf: certs[leaf]}
	out.Certificate = append(out.Certificate, certs[leaf].Raw)
	for i, c := range certs {
		if i != leaf {
			out.Certificate = append(out.Certificate, c.Raw)
		}
	}
	return out, nil
}

func samePublicKey(a, b crypto.PublicKey) bool {
	switch a := a.(type) {
	case *rsa.PublicKey:
		return a.Equal(b)
	case *ecdsa.PublicKey:
		return a.Equal(b)
	case ed25519.PublicKey:
		return a.Equal(b)
	}
	return false
}

// rootPool builds the pool that alone decides which server certificates are
// trusted: the pinned BankID root, nothing from the system store.
func rootPool(rootPEM []byte) (*x509.CertPool, error) {
	if len(bytes.TrimSpace(rootPEM)) == 0 {
		return nil, errors.New("the BankID root CA certificate (PEM) is missing")
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(rootPEM) {
		return nil, errors.New("the BankID root CA is not a PEM certificate")
	}
	return pool, nil
}

// leafOf returns the parsed first certificate of c.
func leafOf(c tls.Certificate) (*x509.Certificate, error) {
	if c.Leaf != nil {
		return c.Leaf, nil
	}
	if len(c.Certificate) == 0 {
		return nil, errors.New("no certificate")
	}
	return x509.ParseCertificate(c.Certificate[0])
}

// pemBlock encodes der as one PEM block.
func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}
