package syncwire

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"id06desk/internal/i18n"
	"id06desk/internal/token"
)

const (
	consoleID = "console-7f3a"
	kioskID   = "kiosk-2b91"
)

// fixture is one console paired with one kiosk, and a stranger console.
type fixture struct {
	console *ConsoleKeys
	kiosk   *KioskKeys
	other   *ConsoleKeys
	tokens  []TokenKey
	secret  Secret
	created time.Time
	dir     string
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	c, err := NewConsoleKeys()
	if err != nil {
		t.Fatal(err)
	}
	k, err := NewKioskKeys()
	if err != nil {
		t.Fatal(err)
	}
	o, err := NewConsoleKeys()
	if err != nil {
		t.Fatal(err)
	}
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	secret, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{console: c, kiosk: k, other: o, tokens: TokenKeysOf(token.New(priv).PublicKeys()),
		secret: secret, created: time.Date(2026, 3, 2, 7, 30, 0, 0, time.UTC), dir: t.TempDir()}
}

func (f *fixture) reg(seq uint64) Registration {
	return Registration{
		ID: fmt.Sprintf("0b7e4a52-1c2d-4e5f-8a9b-%012d", seq), KioskID: kioskID, Seq: seq,
		Token: "v1.AAAA.BBBB", InvitationID: "inv-1", RegisteredAt: f.created.Add(time.Duration(seq) * time.Minute),
		FirstName: "Åsa", LastName: "Öberg", Personnummer: "199001011234", Phone: "+46701234567", Language: "sv",
		Delivery:       Delivery{UseCompany: true, Address: Address{Name: "Bygg AB", Street: "Gatan 1", PostalCode: "11122", City: "Stockholm", Country: "SE"}},
		IdentityMethod: "manual", IdentityCheck: "pending_partner",
	}
}

// photo returns n incompressible bytes that start like a JPEG.
func photo(n int, seed byte) []byte {
	b := make([]byte, n)
	rand.Read(b)
	b[0], b[1], b[2] = 0xff, 0xd8, seed
	return b
}

func (f *fixture) bundleHeader(seq uint64) Header {
	return Header{Sender: kioskID, Recipient: consoleID, Console: consoleID, Seq: seq, Created: f.created}
}

// writeBundle writes a bundle of n registrations with photos of photoSize
// bytes, sealed to the console one by one as the kiosk does at Confirm,
// and returns the photos.
func (f *fixture) writeBundle(t testing.TB, w io.Writer, h Header, n, photoSize int) [][]byte {
	t.Helper()
	photos := make([][]byte, n)
	regs := make([]Registration, n)
	for i := range n {
		regs[i] = f.reg(uint64(i + 1))
		photos[i] = photo(photoSize, byte(i))
	}
	f.writeBundleOf(t, w, h, regs, photos, f.console.Public().AgeRecipient)
	return photos
}

func (f *fixture) writeBundleOf(t testing.TB, w io.Writer, h Header, regs []Registration, photos [][]byte, sealTo string) {
	t.Helper()
	ew, err := NewWriter(w, KindBundle, h, f.console.Public().AgeRecipient, f.kiosk)
	if err != nil {
		t.Fatal(err)
	}
	bw, err := NewBundleWriter(ew, Manifest{KioskID: h.Sender, Seq: h.Seq, Count: len(regs), Created: h.Created})
	if err != nil {
		t.Fatal(err)
	}
	var sealed bytes.Buffer
	for i, r := range regs {
		sealed.Reset()
		if err := Seal(&sealed, r, bytes.NewReader(photos[i]), int64(len(photos[i])), sealTo); err != nil {
			t.Fatal(err)
		}
		if err := bw.AddSealed(r.Seq, bytes.NewReader(sealed.Bytes()), int64(sealed.Len())); err != nil {
			t.Fatal(err)
		}
	}
	if err := bw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ew.Close(); err != nil {
		t.Fatal(err)
	}
}

// bundleFile writes a bundle to a real file and returns its bytes.
func (f *fixture) bundleFile(t testing.TB, n, photoSize int) []byte {
	t.Helper()
	name := filepath.Join(f.dir, "bundle.id06sync")
	out, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	f.writeBundle(t, out, f.bundleHeader(1), n, photoSize)
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// consoleOpts are the console's options for opening a bundle from the
// paired kiosk.
func (f *fixture) consoleOpts() OpenOptions {
	kpub := f.kiosk.Public().SignPub
	return OpenOptions{Kind: KindBundle, Me: consoleID, Console: consoleID, Identity: f.console, TempDir: f.dir,
		SenderKey: func(h Header) (ed25519.PublicKey, error) {
			if h.Sender != kioskID {
				return nil, errors.New("no such kiosk")
			}
			return kpub, nil
		}}
}

func (f *fixture) kioskOpts() OpenOptions {
	cpub := f.console.Public().SignPub
	return OpenOptions{Kind: KindSitePack, Me: kioskID, Console: consoleID, Identity: f.kiosk, TempDir: f.dir,
		SenderKey: func(h Header) (ed25519.PublicKey, error) {
			if h.Sender != consoleID {
				return nil, errors.New("not my console")
			}
			return cpub, nil
		}}
}

// readAll opens a bundle and reads every registration, returning them and
// their photos.
func (f *fixture) readAll(data []byte, opt OpenOptions) ([]Registration, [][]byte, error) {
	env, err := Open(bytes.NewReader(data), opt)
	if err != nil {
		return nil, nil, err
	}
	defer env.Close()
	br, err := ReadBundle(env, f.console)
	if err != nil {
		return nil, nil, err
	}
	var regs []Registration
	var photos [][]byte
	for {
		r, ph, err := br.Next()
		if err == io.EOF {
			return regs, photos, nil
		}
		if err != nil {
			return regs, photos, err
		}
		b, err := io.ReadAll(ph)
		if err != nil {
			return regs, photos, err
		}
		regs = append(regs, r)
		photos = append(photos, b)
	}
}

func (f *fixture) sitePack(seq uint64) *SitePack {
	return &SitePack{
		KioskID: kioskID, Seq: seq, ConsoleTime: f.created, TokenKeys: f.tokens,
		Company:  json.RawMessage(`{"name":"Bygg AB","orgNumber":"556036-0793"}`),
		Catalogs: json.RawMessage(`{"cardTypes":[{"code":"id06-rfid"}],"industries":[{"code":"construction"}]}`),
		Settings: map[string]string{"kiosk.idle_seconds": "60"},
		Invitations: []Invitation{{ID: "inv-1", Code: "ABCD2345", Token: "v1.AAAA.BBBB",
			ExpiresAt: f.created.Add(72 * time.Hour), CardType: "id06-rfid", Industry: "construction", Language: "sv"}},
		Revoked: []string{"inv-0"},
		Acks:    Acks{Bundles: []uint64{1}, Registrations: []uint64{1, 2, 3}},
	}
}

func (f *fixture) sitePackHeader(seq uint64) Header {
	return Header{Sender: consoleID, Recipient: kioskID, Console: consoleID, Seq: seq, Created: f.created}
}

func (f *fixture) sitePackFile(t testing.TB, seq uint64) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteSitePack(&buf, f.sitePackHeader(seq), f.sitePack(seq), f.kiosk.Public().AgeRecipient, f.console); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func (f *fixture) pairing() *Pairing {
	return &Pairing{
		ConsoleID: consoleID, ConsoleName: "Bygg AB – kontoret", SyncAddress: "sync@bygg.example",
		TokenKeys: f.tokens,
		Company:   json.RawMessage(`{"name":"Bygg AB","orgNumber":"556036-0793","address":{"street":"Gatan 1","postalCode":"11122","city":"Stockholm","country":"SE"}}`),
		Catalogs: json.RawMessage(`{"cardTypes":[{"code":"id06-rfid","nameSv":"ID06-kort med RFID (personalliggare)","nameEn":"ID06 card with RFID (staff ledger)","rfid":true,"active":true},` +
			`{"code":"visitor","nameSv":"Besökskort utan RFID","nameEn":"Visitor card without RFID","rfid":false,"active":true}],` +
			`"industries":[{"code":"construction","nameSv":"Bygg","nameEn":"Construction","active":true},` +
			`{"code":"installation","nameSv":"Installation (el, VVS, ventilation)","nameEn":"Installation (electrical, plumbing, ventilation)","active":true},` +
			`{"code":"civil","nameSv":"Anläggning","nameEn":"Civil engineering","active":true},` +
			`{"code":"demolition","nameSv":"Rivning och sanering","nameEn":"Demolition and remediation","active":true},` +
			`{"code":"painting","nameSv":"Måleri","nameEn":"Painting","active":true}]}`),
		Settings: map[string]string{"kiosk.idle_seconds": "60", "kiosk.language": "sv"},
		KioskID:  kioskID, KioskName: "Entrén", Site: "Kvarteret Hästen",
		Secret: f.secret, Created: f.created,
	}
}

func (f *fixture) pairingFile(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WritePairing(&buf, f.pairing(), f.console); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// countingReader counts the bytes read from it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// endless yields zeros for ever.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func wantErr(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error %v, want %v", err, target)
	}
	var ie *i18n.Error
	if !errors.As(err, &ie) || ie.Msg.In(i18n.SV) == "" || ie.Msg.In(i18n.EN) == "" || strings.Contains(ie.Msg.In(i18n.EN), "{") {
		t.Fatalf("error %v carries no complete message", err)
	}
}

// noTempFiles checks that nothing was left in dir.
func noTempFiles(t *testing.T, dir string) {
	t.Helper()
	left, _ := filepath.Glob(filepath.Join(dir, "syncwire-*"))
	if len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}
