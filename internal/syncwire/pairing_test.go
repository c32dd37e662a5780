package syncwire

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestPairingRoundTrip(t *testing.T) {
	f := newFixture(t)
	data := f.pairingFile(t)
	p, err := OpenPairing(bytes.NewReader(data), f.dir)
	if err != nil {
		t.Fatal(err)
	}
	want := f.pairing()
	want.ConsoleKeys = f.console.Public()
	if !reflect.DeepEqual(p, want) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", p, want)
	}
	noTempFiles(t, f.dir)
}

func TestPairingRefusesDamageAndOtherFiles(t *testing.T) {
	f := newFixture(t)
	data := f.pairingFile(t)
	for i := 0; i < len(data); i += 7 {
		bad := bytes.Clone(data)
		bad[i] ^= 0x20
		_, err := OpenPairing(bytes.NewReader(bad), f.dir)
		wantErr(t, err, ErrTampered)
	}
	_, err := OpenPairing(bytes.NewReader(data[:len(data)/2]), f.dir)
	wantErr(t, err, ErrTruncated)
	_, err = OpenPairing(bytes.NewReader(f.sitePackFile(t, 1)), f.dir)
	wantErr(t, err, ErrKind)
	// Signed by a console other than the one whose keys it carries.
	other, _ := NewConsoleKeys()
	var buf bytes.Buffer
	p := f.pairing()
	p.ConsoleKeys = f.console.Public()
	ew, err := NewWriter(&buf, KindPairing, pairingHeader(p), "", other)
	if err != nil {
		t.Fatal(err)
	}
	json.NewEncoder(ew).Encode(p)
	ew.Close()
	_, err = OpenPairing(bytes.NewReader(buf.Bytes()), f.dir)
	wantErr(t, err, ErrTampered)
	noTempFiles(t, f.dir)
}

// TestPairingQR measures the QR text: the whole pairing when it fits, the
// essentials when the catalogs make it too long.
func TestPairingQR(t *testing.T) {
	f := newFixture(t)
	p := f.pairing()
	p.ConsoleKeys = f.console.Public()
	full, _ := json.Marshal(p)
	s, err := PairingQR(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("pairing JSON %d bytes -> QR text %d characters (%s)", len(full), len(s), s[:8])
	back, whole, err := ParsePairingQR(s)
	if err != nil {
		t.Fatal(err)
	}
	if !whole || !reflect.DeepEqual(back, p) {
		t.Fatalf("whole %v, round trip:\n got %+v\nwant %+v", whole, back, p)
	}

	// A company with a long catalog does not fit: essentials only.
	var types []map[string]any
	for i := range 40 {
		types = append(types, map[string]any{"code": "type-" + itoa(i), "nameSv": "Korttyp nummer " + itoa(i) + " för byggarbetsplatser",
			"nameEn": "Card type number " + itoa(i) + " for building sites", "rfid": i%2 == 0, "active": true})
	}
	p.Catalogs, _ = json.Marshal(map[string]any{"cardTypes": types})
	s, err = PairingQR(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(s) > MaxPairingQRChars {
		t.Fatalf("QR text of %d characters", len(s))
	}
	back, whole, err = ParsePairingQR(s)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("with a 40-type catalog: essentials only, QR text %d characters", len(s))
	if whole || back.Catalogs != nil || back.Company != nil || back.Secret != p.Secret || back.KioskID != kioskID ||
		!back.ConsoleKeys.Equal(p.ConsoleKeys) || len(back.TokenKeys) != len(p.TokenKeys) || back.SyncAddress != p.SyncAddress {
		t.Fatalf("essentials: whole %v, %+v", whole, back)
	}

	for _, bad := range []string{"", "hello", "ID06P1W.!!!", "ID06P1W." + strings.Repeat("A", 5000), "ID06P1E.H4sIAAAAAAAA"} {
		if _, _, err := ParsePairingQR(bad); err == nil {
			t.Fatalf("%q accepted", bad)
		}
	}
}

func TestProofOfPairing(t *testing.T) {
	f := newFixture(t)
	pub := f.kiosk.Public()
	proof := ProofOfPairing(f.secret, pub)
	if err := VerifyProofOfPairing(f.secret, pub, proof); err != nil {
		t.Fatal(err)
	}
	other, _ := NewKioskKeys()
	wantErr(t, VerifyProofOfPairing(f.secret, other.Public(), proof), ErrPairingProof)
	bad := bytes.Clone(proof)
	bad[0] ^= 1
	wantErr(t, VerifyProofOfPairing(f.secret, pub, bad), ErrPairingProof)
	var s2 Secret
	wantErr(t, VerifyProofOfPairing(s2, pub, proof), ErrPairingProof)
}
