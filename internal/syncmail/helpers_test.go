package syncmail

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"id06desk/internal/syncwire"
)

const (
	consoleID = "console-7f3a"
	kioskID   = "kiosk-2b91"
	// What a registration carries that no mail may show.
	secretPNR   = "199001011234"
	secretFirst = "Åsa"
	secretLast  = "Öberg-Lindqvist"
)

type fixture struct {
	console *syncwire.ConsoleKeys
	kiosk   *syncwire.KioskKeys
	created time.Time
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	c, err := syncwire.NewConsoleKeys()
	if err != nil {
		t.Fatal(err)
	}
	k, err := syncwire.NewKioskKeys()
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{console: c, kiosk: k, created: time.Date(2026, 3, 2, 7, 30, 0, 0, time.UTC)}
}

func (f *fixture) reg(seq uint64) syncwire.Registration {
	return syncwire.Registration{
		ID: fmt.Sprintf("0b7e4a52-1c2d-4e5f-8a9b-%012d", seq), KioskID: kioskID, Seq: seq,
		Token: "v1.AAAA.BBBB", InvitationID: "inv-1", RegisteredAt: f.created.Add(time.Duration(seq) * time.Minute),
		FirstName: secretFirst, LastName: secretLast, Personnummer: secretPNR, Phone: "+46701234567", Language: "sv",
		Delivery:       syncwire.Delivery{UseCompany: true, Address: syncwire.Address{Name: "Bygg AB", Street: "Gatan 1", PostalCode: "11122", City: "Stockholm", Country: "SE"}},
		IdentityMethod: "manual", IdentityCheck: "pending_partner",
	}
}

// bundle is a real bundle envelope (seq) of n registrations with photos of
// photoSize random bytes, sealed to the console, signed by the kiosk.
func (f *fixture) bundle(t testing.TB, seq uint64, n, photoSize int) []byte {
	t.Helper()
	var out bytes.Buffer
	h := syncwire.Header{Sender: kioskID, Recipient: consoleID, Console: consoleID, Seq: seq, Created: f.created}
	ew, err := syncwire.NewWriter(&out, syncwire.KindBundle, h, f.console.Public().AgeRecipient, f.kiosk)
	if err != nil {
		t.Fatal(err)
	}
	bw, err := syncwire.NewBundleWriter(ew, syncwire.Manifest{KioskID: kioskID, Seq: seq, Count: n, Created: f.created})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		photo := make([]byte, photoSize)
		rand.Read(photo)
		photo[0], photo[1] = 0xff, 0xd8
		var sealed bytes.Buffer
		r := f.reg(uint64(i + 1))
		if err := syncwire.Seal(&sealed, r, bytes.NewReader(photo), int64(len(photo)), f.console.Public().AgeRecipient); err != nil {
			t.Fatal(err)
		}
		if err := bw.AddSealed(r.Seq, &sealed, int64(sealed.Len())); err != nil {
			t.Fatal(err)
		}
	}
	if err := bw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ew.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// sitePack is a real site pack envelope (its payload is not checked here).
func (f *fixture) sitePack(t testing.TB, seq uint64) []byte {
	t.Helper()
	var out bytes.Buffer
	h := syncwire.Header{Sender: consoleID, Recipient: kioskID, Console: consoleID, Seq: seq, Created: f.created}
	if err := syncwire.Write(&out, syncwire.KindSitePack, h, f.kiosk.Public().AgeRecipient, f.console,
		bytes.NewReader([]byte(`{"kioskId":"kiosk-2b91"}`))); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// openBundle opens a bundle as the console does and returns its
// registrations: proof that what came out of a mail is the file that went in.
func (f *fixture) openBundle(t testing.TB, data []byte) []syncwire.Registration {
	t.Helper()
	kpub := f.kiosk.Public().SignPub
	env, err := syncwire.Open(bytes.NewReader(data), syncwire.OpenOptions{
		Kind: syncwire.KindBundle, Me: consoleID, Console: consoleID, Identity: f.console, TempDir: t.TempDir(),
		SenderKey: func(h syncwire.Header) (ed25519.PublicKey, error) {
			if h.Sender != kioskID {
				return nil, errors.New("not paired")
			}
			return kpub, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	br, err := syncwire.ReadBundle(env, f.console)
	if err != nil {
		t.Fatal(err)
	}
	var regs []syncwire.Registration
	for {
		r, photo, err := br.Next()
		if err == io.EOF {
			return regs
		}
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, photo)
		regs = append(regs, r)
	}
}

// collect runs Files and returns the attachments it handed out.
func collect(raw []byte, limit int64) ([]File, error) {
	var got []File
	err := Files(bytes.NewReader(raw), limit, func(name string, r io.Reader) error {
		b, err := io.ReadAll(r)
		if err != nil {
			return err
		}
		got = append(got, File{Name: name, Data: b})
		return nil
	})
	return got, err
}
