package syncwire

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha512"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"testing"

	"id06desk/internal/i18n"
)

func TestKeysRoundTrip(t *testing.T) {
	k, err := NewKioskKeys()
	if err != nil {
		t.Fatal(err)
	}
	text, err := k.MarshalText()
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseKioskKeys(text)
	if err != nil {
		t.Fatal(err)
	}
	if !back.Public().Equal(k.Public()) {
		t.Fatal("public keys differ after a round trip")
	}
	if err := k.Public().Validate(); err != nil {
		t.Fatal(err)
	}
	if _, err := ParseConsoleKeys(text); err == nil {
		t.Fatal("kiosk keys parsed as console keys")
	}
	c, _ := NewConsoleKeys()
	ct, _ := c.MarshalText()
	cb, err := ParseConsoleKeys(ct)
	if err != nil || !cb.Public().Equal(c.Public()) {
		t.Fatalf("console keys round trip: %v", err)
	}
}

func TestEnvelopeRoundTripClearAndEncrypted(t *testing.T) {
	f := newFixture(t)
	payload := photo(300_000, 1) // several age chunks

	var buf bytes.Buffer
	if err := Write(&buf, KindBundle, f.bundleHeader(4), f.console.Public().AgeRecipient, f.kiosk, bytes.NewReader(payload)); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), payload[100:200]) {
		t.Fatal("the encrypted payload is readable in the file")
	}
	env, err := Open(bytes.NewReader(buf.Bytes()), f.consoleOpts())
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(env.Payload())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, payload) || env.Header.Seq != 4 || env.Header.Sender != kioskID || env.Size != int64(buf.Len()) {
		t.Fatalf("round trip: %d bytes, header %+v", len(got), env.Header)
	}
	if err := env.Close(); err != nil {
		t.Fatal(err)
	}
	noTempFiles(t, f.dir)
}

func TestOpenRefusesEveryFlippedByte(t *testing.T) {
	f := newFixture(t)
	data := f.bundleFile(t, 6, 25_000)
	hlen := int(binary.BigEndian.Uint32(data[10:14]))
	// Every 997th byte of a real bundle, and each byte of the preamble,
	// header, trailer, digest and signature.
	var at []int
	for i := 0; i < len(data); i += 997 {
		at = append(at, i)
	}
	for i := range preambleLen + hlen + 40 {
		at = append(at, i)
	}
	for i := len(data) - sealLen - trailerLen - 40; i < len(data); i++ {
		at = append(at, i)
	}
	for _, i := range at {
		for _, mask := range []byte{0x01, 0x80} {
			bad := bytes.Clone(data)
			bad[i] ^= mask
			_, _, err := f.readAll(bad, f.consoleOpts())
			if !errors.Is(err, ErrTampered) {
				t.Fatalf("byte %d of %d ^%#x: %v, want ErrTampered", i, len(data), mask, err)
			}
		}
	}
	t.Logf("%d positions of a %d-byte bundle refused", len(at), len(data))
	noTempFiles(t, f.dir)
}

func TestOpenRefusesTruncated(t *testing.T) {
	f := newFixture(t)
	data := f.bundleFile(t, 3, 20_000)
	hlen := int64(binary.BigEndian.Uint32(data[10:14]))
	n := int64(len(data))
	for _, cut := range []int64{1, 5, 8, 9, 10, 13, 14, 30, preambleLen + hlen, preambleLen + hlen + 1, n / 2,
		n - sealLen - trailerLen - 1, n - sealLen - trailerLen, n - sealLen, n - 64, n - 1} {
		_, err := Open(bytes.NewReader(data[:cut]), f.consoleOpts())
		wantErr(t, err, ErrTruncated)
	}
	noTempFiles(t, f.dir)
}

func TestOpenRefusesEmptyAndForeign(t *testing.T) {
	f := newFixture(t)
	_, err := Open(bytes.NewReader(nil), f.consoleOpts())
	wantErr(t, err, ErrEmpty)
	for _, s := range []string{"\xff\xd8\xff\xe0 a JPEG", "PK\x03\x04 a zip", "{}"} {
		_, err = Open(bytes.NewReader([]byte(s)), f.consoleOpts())
		wantErr(t, err, ErrNotSyncFile)
	}
	noTempFiles(t, f.dir)
}

func TestOpenRefusesOverTheLimitWithoutReadingOn(t *testing.T) {
	f := newFixture(t)
	data := f.bundleFile(t, 2, 20_000)
	cr := &countingReader{r: io.MultiReader(bytes.NewReader(data), endless{})}
	opt := f.consoleOpts()
	opt.MaxBytes = 1 << 20
	_, err := Open(cr, opt)
	wantErr(t, err, ErrTooLarge)
	if cr.n != opt.MaxBytes+1 {
		t.Fatalf("read %d bytes for a limit of %d", cr.n, opt.MaxBytes)
	}
	// A complete file one byte over the limit.
	opt.MaxBytes = int64(len(data)) - 1
	_, err = Open(bytes.NewReader(data), opt)
	wantErr(t, err, ErrTooLarge)
	opt.MaxBytes = int64(len(data))
	if _, _, err := f.readAll(data, opt); err != nil {
		t.Fatalf("at the limit: %v", err)
	}
	noTempFiles(t, f.dir)
}

// resign rewrites the digest and signature of an envelope after its bytes
// were changed, as a writer of that content would have.
func resign(data []byte, priv ed25519.PrivateKey) []byte {
	body := data[:len(data)-sealLen]
	d := sha512.Sum512(body)
	sig, err := priv.Sign(nil, d[:], sigOpts)
	if err != nil {
		panic(err)
	}
	return append(append(bytes.Clone(body), d[:]...), sig...)
}

func TestOpenRefusesNewerVersion(t *testing.T) {
	f := newFixture(t)
	data := f.bundleFile(t, 1, 10_000)
	v2 := bytes.Clone(data)
	v2[versionAt] = 2
	v2 = resign(v2, f.kiosk.sign) // a genuine version-2 file, signed as such
	_, err := Open(bytes.NewReader(v2), f.consoleOpts())
	wantErr(t, err, ErrVersion)
	var ie *i18n.Error
	errors.As(err, &ie)
	if got := ie.Msg.In(i18n.EN); got != "The file was written by a newer version of id06desk (format 2). Update id06desk on this computer." {
		t.Fatalf("message %q", got)
	}
	// A version-2 file of another layout altogether.
	other := append([]byte(magic), 2, byte(KindBundle), 0, 0)
	_, err = Open(bytes.NewReader(append(other, photo(500, 0)...)), f.consoleOpts())
	wantErr(t, err, ErrVersion)
	// The version byte of a version-1 file changed: damage, not a newer file.
	bad := bytes.Clone(data)
	bad[versionAt] = 2
	_, err = Open(bytes.NewReader(bad), f.consoleOpts())
	wantErr(t, err, ErrTampered)
}

func TestOpenRefusesWrongKind(t *testing.T) {
	f := newFixture(t)
	_, err := Open(bytes.NewReader(f.sitePackFile(t, 1)), f.consoleOpts())
	wantErr(t, err, ErrKind)
	var ie *i18n.Error
	errors.As(err, &ie)
	if got := ie.Msg.In(i18n.SV); got != "Det här är ett platspaket, inte ett paket med registreringar." {
		t.Fatalf("message %q", got)
	}
}

func TestOpenRefusesUnknownOrRevokedSender(t *testing.T) {
	f := newFixture(t)
	data := f.bundleFile(t, 1, 10_000)
	opt := f.consoleOpts()
	opt.SenderKey = func(Header) (ed25519.PublicKey, error) { return nil, errors.New("kiosk not paired") }
	_, err := Open(bytes.NewReader(data), opt)
	wantErr(t, err, ErrUnknownSender)

	// The service's own sentence (revoked on a date) passes through.
	revoked := i18n.Wrap(ErrUnknownSender, i18n.Text{Code: "t", SV: "Återkallad.", EN: "Revoked."})
	opt.SenderKey = func(Header) (ed25519.PublicKey, error) { return nil, revoked }
	_, err = Open(bytes.NewReader(data), opt)
	if err != revoked {
		t.Fatalf("error %v, want the lookup's own", err)
	}

	// A key that is not the kiosk's: another kiosk signed it.
	stranger, _ := NewKioskKeys()
	opt.SenderKey = func(Header) (ed25519.PublicKey, error) { return stranger.Public().SignPub, nil }
	_, err = Open(bytes.NewReader(data), opt)
	wantErr(t, err, ErrTampered)
	noTempFiles(t, f.dir)
}

func TestOpenRefusesAnotherConsolesBundle(t *testing.T) {
	f := newFixture(t)
	// Addressed to another console.
	var buf bytes.Buffer
	h := f.bundleHeader(1)
	h.Recipient, h.Console = "console-other", "console-other"
	f.writeBundle(t, &buf, h, 1, 5_000)
	_, err := Open(bytes.NewReader(buf.Bytes()), f.consoleOpts())
	wantErr(t, err, ErrWrongRecipient)

	// Addressed to this console but encrypted to another one's key.
	buf.Reset()
	if err := Write(&buf, KindBundle, f.bundleHeader(1), f.other.Public().AgeRecipient, f.kiosk, bytes.NewReader([]byte("x"))); err != nil {
		t.Fatal(err)
	}
	_, err = Open(bytes.NewReader(buf.Bytes()), f.consoleOpts())
	wantErr(t, err, ErrWrongRecipient)

	// Registrations sealed to another console inside a bundle for this one.
	buf.Reset()
	f.writeBundleOf(t, &buf, f.bundleHeader(1), []Registration{f.reg(1)}, [][]byte{photo(5_000, 1)}, f.other.Public().AgeRecipient)
	_, _, err = f.readAll(buf.Bytes(), f.consoleOpts())
	wantErr(t, err, ErrWrongRecipient)
	noTempFiles(t, f.dir)
}

func TestOpenTempFileIsPrivate(t *testing.T) {
	f := newFixture(t)
	env, err := Open(bytes.NewReader(f.bundleFile(t, 1, 5_000)), f.consoleOpts())
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(env.f.Name())
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("temporary copy has mode %v", fi.Mode().Perm())
	}
	env.Close()
	noTempFiles(t, f.dir)
}
