package bankid_test

import (
	"context"
	"crypto/cipher"
	"crypto/des"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"id06desk/internal/bankid"
	"id06desk/internal/bankid/bankidtest"
)

// newServer starts a TestServer that is closed when the test ends.
func newServer(t *testing.T) *bankidtest.Server {
	t.Helper()
	ts, err := bankidtest.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ts.Close() })
	return ts
}

// newClient builds a client that is closed when the test ends.
func newClient(t *testing.T, cfg bankid.Config) *bankid.Client {
	t.Helper()
	c, err := bankid.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// wantCode fails the test unless err carries an *Error with code.
func wantCode(t *testing.T, err error, code string) *bankid.Error {
	t.Helper()
	e, ok := errors.AsType[*bankid.Error](err)
	if !ok {
		t.Fatalf("error %v (%T) carries no *Error, want code %s", err, err, code)
	}
	if e.Code != code {
		t.Fatalf("error code %q (%v), want %q", e.Code, err, code)
	}
	return e
}

// decodeBody decodes a recorded request body into a generic map.
func decodeBody(t *testing.T, r bankidtest.Request) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("request body %s: %v", r.Body, err)
	}
	return m
}

// expiredPEM issues a client certificate from ca that expired yesterday.
func expiredPEM(t *testing.T, ca *bankidtest.CA) (certPEM, keyPEM []byte) {
	t.Helper()
	certPEM, keyPEM, err := ca.ExpiredPEM("expired")
	if err != nil {
		t.Fatal(err)
	}
	return certPEM, keyPEM
}

// --- A minimal PKCS#12 encoder, for tests only ---------------------------
//
// golang.org/x/crypto/pkcs12 only decodes. This writes what it reads (and
// what `openssl pkcs12 -export -legacy` writes): a version 3 PFX whose
// authenticated safe holds two ContentInfos of type data, one with
// certificate bags and one with a PKCS#8 key shrouded with
// pbeWithSHAAnd3-KeyTripleDES-CBC, and an HMAC-SHA1 MAC, keys derived with
// the PKCS#12 KDF (RFC 7292 appendix B).

var (
	oidData        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidCertBagT    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 3}
	oidShroudedKey = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 2}
	oidX509Cert    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 22, 1}
	oidPBE3DES     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 3}
	oidSHA1T       = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}
	oidSHA256T     = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	p12Iterations  = 2048
)

type p12ContentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue
}

type p12SafeBag struct {
	ID    asn1.ObjectIdentifier
	Value asn1.RawValue
}

type p12CertBag struct {
	ID   asn1.ObjectIdentifier
	Data []byte `asn1:"tag:0,explicit"`
}

type p12EncryptedKey struct {
	Algorithm pkix.AlgorithmIdentifier
	Data      []byte
}

type p12PBEParams struct {
	Salt       []byte
	Iterations int
}

type p12DigestInfo struct {
	Algorithm pkix.AlgorithmIdentifier
	Digest    []byte
}

type p12MacData struct {
	Mac        p12DigestInfo
	Salt       []byte
	Iterations int
}

type p12PFX struct {
	Version  int
	AuthSafe p12ContentInfo
	MacData  p12MacData
}

// p12Options changes how makeP12 writes the file, to make broken ones.
type p12Options struct {
	macOID  asn1.ObjectIdentifier // default SHA-1
	noKey   bool                  // leave the key bag out
	keyPass string                // encrypt the key with another password
}

// explicit0 wraps der in a context-specific [0] EXPLICIT tag.
func explicit0(der []byte) asn1.RawValue {
	return asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: der}
}

func mustMarshal(v any) []byte {
	b, err := asn1.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// bmp encodes an ASCII password as a NUL-terminated BMPString.
func bmp(s string) []byte {
	out := make([]byte, 0, 2*len(s)+2)
	for _, r := range s {
		out = append(out, byte(r>>8), byte(r))
	}
	return append(out, 0, 0)
}

// p12KDF is the PKCS#12 key derivation with SHA-1 (RFC 7292 B.2).
func p12KDF(password, salt []byte, id byte, iterations, size int) []byte {
	const v = 64
	fill := func(b []byte) []byte {
		if len(b) == 0 {
			return nil
		}
		out := make([]byte, v*((len(b)+v-1)/v))
		for i := range out {
			out[i] = b[i%len(b)]
		}
		return out
	}
	d := make([]byte, v)
	for i := range d {
		d[i] = id
	}
	in := append(fill(salt), fill(password)...)
	var out []byte
	for len(out) < size {
		h := sha1.New()
		h.Write(d)
		h.Write(in)
		a := h.Sum(nil)
		for range iterations - 1 {
			s := sha1.Sum(a)
			a = s[:]
		}
		out = append(out, a...)
		b := fill(a)[:v]
		for j := 0; j < len(in); j += v {
			carry := 1
			for k := v - 1; k >= 0; k-- {
				sum := int(in[j+k]) + int(b[k]) + carry
				in[j+k] = byte(sum)
				carry = sum >> 8
			}
		}
	}
	return out[:size]
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// makeP12 writes certs (DER) and key (PKCS#8 DER) as a PKCS#12 file.
func makeP12(certs [][]byte, pkcs8 []byte, password string, opt p12Options) ([]byte, error) {
	pass := bmp(password)

	var certBags []p12SafeBag
	for _, c := range certs {
		certBags = append(certBags, p12SafeBag{ID: oidCertBagT, Value: explicit0(mustMarshal(p12CertBag{ID: oidX509Cert, Data: c}))})
	}
	var keyBags []p12SafeBag
	if !opt.noKey {
		keyPass := pass
		if opt.keyPass != "" {
			keyPass = bmp(opt.keyPass)
		}
		salt := randomBytes(8)
		key := p12KDF(keyPass, salt, 1, p12Iterations, 24)
		iv := p12KDF(keyPass, salt, 2, p12Iterations, 8)
		block, err := des.NewTripleDESCipher(key)
		if err != nil {
			return nil, fmt.Errorf("3DES key: %w", err)
		}
		padLen := 8 - len(pkcs8)%8
		plain := append(append([]byte{}, pkcs8...), make([]byte, padLen)...)
		for i := len(pkcs8); i < len(plain); i++ {
			plain[i] = byte(padLen)
		}
		enc := make([]byte, len(plain))
		cipher.NewCBCEncrypter(block, iv).CryptBlocks(enc, plain)
		ek := p12EncryptedKey{
			Algorithm: pkix.AlgorithmIdentifier{
				Algorithm:  oidPBE3DES,
				Parameters: asn1.RawValue{FullBytes: mustMarshal(p12PBEParams{Salt: salt, Iterations: p12Iterations})},
			},
			Data: enc,
		}
		keyBags = append(keyBags, p12SafeBag{ID: oidShroudedKey, Value: explicit0(mustMarshal(ek))})
	}

	dataInfo := func(bags []p12SafeBag) p12ContentInfo {
		if bags == nil {
			bags = []p12SafeBag{}
		}
		return p12ContentInfo{ContentType: oidData, Content: explicit0(mustMarshal(mustMarshal(bags)))}
	}
	authSafe := mustMarshal([]p12ContentInfo{dataInfo(certBags), dataInfo(keyBags)})

	macSalt := randomBytes(8)
	mac := hmac.New(sha1.New, p12KDF(pass, macSalt, 3, p12Iterations, 20))
	mac.Write(authSafe)
	macOID := oidSHA1T
	if opt.macOID != nil {
		macOID = opt.macOID
	}
	pfx := p12PFX{
		Version:  3,
		AuthSafe: p12ContentInfo{ContentType: oidData, Content: explicit0(mustMarshal(authSafe))},
		MacData: p12MacData{
			Mac:        p12DigestInfo{Algorithm: pkix.AlgorithmIdentifier{Algorithm: macOID, Parameters: asn1.NullRawValue}, Digest: mac.Sum(nil)},
			Salt:       macSalt,
			Iterations: p12Iterations,
		},
	}
	return asn1.Marshal(pfx)
}
