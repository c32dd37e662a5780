package syncwire

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"testing"

	"id06desk/internal/i18n"
)

// Each fuzzer feeds arbitrary bytes to a parser and requires that it either
// accepts them or refuses them with a typed error that carries a message
// (never a panic, a hang or an untyped error), and that it leaves no
// temporary file behind. The seeds are valid files.

var refusals = []error{ErrEmpty, ErrNotSyncFile, ErrTruncated, ErrTampered, ErrVersion, ErrKind, ErrTooLarge,
	ErrUnknownSender, ErrWrongRecipient, ErrMalformed, ErrStale, ErrPairingProof}

func typedRefusal(t *testing.T, err error) {
	t.Helper()
	if err == nil || err == io.EOF {
		return
	}
	var ie *i18n.Error
	if !errors.As(err, &ie) {
		t.Fatalf("untyped error: %v", err)
	}
	for _, r := range refusals {
		if errors.Is(err, r) {
			return
		}
	}
	t.Fatalf("error of no known kind: %v", err)
}

var fuzzFixture *fixture

func fuzzSetup(f *testing.F) *fixture {
	if fuzzFixture == nil {
		fuzzFixture = newFixture(f)
	}
	fx := *fuzzFixture
	fx.dir = f.TempDir()
	return &fx
}

func FuzzOpenEnvelope(f *testing.F) {
	fx := fuzzSetup(f)
	f.Add(fx.bundleFile(f, 1, 300))
	f.Add(fx.sitePackFile(f, 1))
	f.Add(fx.pairingFile(f))
	f.Add([]byte(magic))
	f.Fuzz(func(t *testing.T, data []byte) {
		opt := fx.consoleOpts()
		opt.TempDir = t.TempDir()
		opt.MaxBytes = 1 << 20
		_, _, err := fx.readAll(data, opt)
		typedRefusal(t, err)
		noTempFiles(t, opt.TempDir)
	})
}

// bundlePayload is the clear payload of a valid bundle (the envelope
// opened), so that the fuzzer works on the archive itself.
func bundlePayload(f *testing.F, fx *fixture, n int) []byte {
	data := fx.bundleFile(f, n, 300)
	env, err := Open(bytes.NewReader(data), fx.consoleOpts())
	if err != nil {
		f.Fatal(err)
	}
	defer env.Close()
	b, err := io.ReadAll(env.Payload())
	if err != nil {
		f.Fatal(err)
	}
	return b
}

func FuzzBundleReader(f *testing.F) {
	fx := fuzzSetup(f)
	f.Add(bundlePayload(f, fx, 0))
	f.Add(bundlePayload(f, fx, 2))
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tw.WriteHeader(&tar.Header{Name: manifestName, Size: 2, Typeflag: tar.TypeReg})
	tw.Write([]byte("{}"))
	tw.Close()
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		br, err := NewBundleReader(bytes.NewReader(data), fx.console)
		for i := 0; err == nil && i <= MaxRegistrations; i++ {
			var ph io.Reader
			if _, ph, err = br.Next(); err == nil {
				_, err = io.Copy(io.Discard, ph)
			}
		}
		typedRefusal(t, err)
	})
}

func FuzzSitePack(f *testing.F) {
	fx := fuzzSetup(f)
	var buf bytes.Buffer
	if err := EncodeSitePack(&buf, fx.sitePack(1)); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte(`{"invitations":[{}],"settings":{"a":"b","a":"c"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := DecodeSitePack(bytes.NewReader(data))
		typedRefusal(t, err)
		if err == nil {
			// What was accepted is within the limits and writes back.
			if err := EncodeSitePack(io.Discard, p); err != nil {
				t.Fatalf("accepted a pack that does not encode: %v", err)
			}
		}
	})
}

func FuzzPairing(f *testing.F) {
	fx := fuzzSetup(f)
	p := fx.pairing()
	p.ConsoleKeys = fx.console.Public()
	qr, err := PairingQR(p)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(fx.pairingFile(f), qr)
	f.Add([]byte{}, "ID06P1E.")
	f.Fuzz(func(t *testing.T, file []byte, qr string) {
		dir := t.TempDir()
		_, err := OpenPairing(bytes.NewReader(file), dir)
		typedRefusal(t, err)
		noTempFiles(t, dir)
		_, _, err = ParsePairingQR(qr)
		typedRefusal(t, err)
	})
}
