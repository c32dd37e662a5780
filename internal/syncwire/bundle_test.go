package syncwire

import (
	"archive/tar"
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"filippo.io/age"
)

func TestBundleRoundTrip(t *testing.T) {
	f := newFixture(t)
	var buf bytes.Buffer
	photos := f.writeBundle(t, &buf, f.bundleHeader(7), 5, 40_000)
	if bytes.Contains(buf.Bytes(), []byte("199001011234")) || bytes.Contains(buf.Bytes(), []byte("Öberg")) {
		t.Fatal("personal data readable in the bundle")
	}
	regs, got, err := f.readAll(buf.Bytes(), f.consoleOpts())
	if err != nil {
		t.Fatal(err)
	}
	if len(regs) != 5 {
		t.Fatalf("%d registrations", len(regs))
	}
	for i, r := range regs {
		want := f.reg(uint64(i + 1))
		if !reflect.DeepEqual(r, want) {
			t.Fatalf("registration %d:\n got %+v\nwant %+v", i, r, want)
		}
		if !bytes.Equal(got[i], photos[i]) {
			t.Fatalf("photo %d differs", i)
		}
	}
	noTempFiles(t, f.dir)
}

func TestRegistrationJSONNamesAreStable(t *testing.T) {
	f := newFixture(t)
	b, _ := json.Marshal(f.reg(1))
	var m map[string]any
	json.Unmarshal(b, &m)
	for _, k := range []string{"id", "kioskId", "seq", "token", "invitationId", "registeredAt", "firstName", "lastName",
		"personnummer", "phone", "language", "delivery", "identityMethod", "identityCheck"} {
		if _, ok := m[k]; !ok {
			t.Errorf("registration JSON lacks %q: %s", k, b)
		}
	}
}

func TestFirstBundleProvesThePairing(t *testing.T) {
	f := newFixture(t)
	h := FirstBundleHeader(f.bundleHeader(1), f.secret, f.kiosk)
	var buf bytes.Buffer
	f.writeBundle(t, &buf, h, 0, 0) // a first bundle with nothing but the proof
	opt := f.consoleOpts()
	var got ed25519.PublicKey
	opt.SenderKey = func(h Header) (ed25519.PublicKey, error) {
		k, err := KeyFromProof(h, f.secret)
		got = k
		return k, err
	}
	env, err := Open(bytes.NewReader(buf.Bytes()), opt)
	if err != nil {
		t.Fatal(err)
	}
	br, err := ReadBundle(env, f.console)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := br.Next(); err != io.EOF {
		t.Fatalf("empty bundle: %v", err)
	}
	env.Close()
	if !got.Equal(f.kiosk.Public().SignPub) || !env.Header.SenderKeys.Equal(f.kiosk.Public()) {
		t.Fatal("the kiosk's keys did not come with the first bundle")
	}

	// Another secret (a kiosk that never had this pairing file).
	other, _ := NewSecret()
	opt.SenderKey = func(h Header) (ed25519.PublicKey, error) { return KeyFromProof(h, other) }
	_, err = Open(bytes.NewReader(buf.Bytes()), opt)
	wantErr(t, err, ErrPairingProof)

	// A later bundle is not a first one.
	_, err = KeyFromProof(f.bundleHeader(2), f.secret)
	wantErr(t, err, ErrPairingProof)
	noTempFiles(t, f.dir)
}

type entry struct {
	name string
	data []byte
	typ  byte
}

func tarOf(t *testing.T, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		typ := e.typ
		if typ == 0 {
			typ = tar.TypeReg
		}
		h := &tar.Header{Name: e.name, Size: int64(len(e.data)), Mode: 0o600, Typeflag: typ}
		if typ != tar.TypeReg {
			h.Size = 0
		}
		if typ == tar.TypeSymlink {
			h.Linkname = "/etc/passwd"
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if typ == tar.TypeReg {
			tw.Write(e.data)
		}
	}
	tw.Close()
	return buf.Bytes()
}

func (f *fixture) sealRaw(t *testing.T, entries ...entry) []byte {
	t.Helper()
	r, _ := age.ParseX25519Recipient(f.console.Public().AgeRecipient)
	var buf bytes.Buffer
	w, _ := age.Encrypt(&buf, r)
	w.Write(tarOf(t, entries...))
	w.Close()
	return buf.Bytes()
}

func manifestEntry(count int) entry {
	b, _ := json.Marshal(Manifest{KioskID: kioskID, Seq: 1, Count: count, Created: time.Now()})
	return entry{name: manifestName, data: b}
}

func (f *fixture) regEntry(seq uint64) entry {
	b, _ := json.Marshal(f.reg(seq))
	return entry{name: registrationName, data: b}
}

func TestBundleReaderRefusesUnexpectedContents(t *testing.T) {
	f := newFixture(t)
	ph := entry{name: photoName, data: photo(1000, 1)}
	good := func(seq uint64) []byte { return f.sealRaw(t, f.regEntry(seq), ph) }
	name := func(seq uint64) string { return "reg-" + string(rune('0'+seq)) + ".age" }
	cases := []struct {
		name    string
		entries []entry
		want    error
	}{
		{"no manifest", []entry{{name: name(1), data: good(1)}}, ErrMalformed},
		{"empty archive", nil, ErrMalformed},
		{"unknown entry", []entry{manifestEntry(1), {name: "evil.sh", data: []byte("rm -rf /")}}, ErrMalformed},
		{"path in a name", []entry{manifestEntry(1), {name: "../reg-1.age", data: good(1)}}, ErrMalformed},
		{"leading zero", []entry{manifestEntry(1), {name: "reg-01.age", data: good(1)}}, ErrMalformed},
		{"duplicate", []entry{manifestEntry(2), {name: name(1), data: good(1)}, {name: name(1), data: good(1)}}, ErrMalformed},
		{"out of order", []entry{manifestEntry(2), {name: name(2), data: good(2)}, {name: name(1), data: good(1)}}, ErrMalformed},
		{"symlink", []entry{manifestEntry(1), {name: name(1), typ: tar.TypeSymlink}}, ErrMalformed},
		{"directory", []entry{manifestEntry(1), {name: "reg-1.age/", typ: tar.TypeDir}}, ErrMalformed},
		{"fewer than the manifest", []entry{manifestEntry(2), {name: name(1), data: good(1)}}, ErrMalformed},
		{"more than the manifest", []entry{manifestEntry(1), {name: name(1), data: good(1)}, {name: name(2), data: good(2)}}, ErrMalformed},
		{"photo before its JSON", []entry{manifestEntry(1), {name: name(1), data: f.sealRaw(t, ph, f.regEntry(1))}}, ErrMalformed},
		{"photo missing", []entry{manifestEntry(1), {name: name(1), data: f.sealRaw(t, f.regEntry(1))}}, ErrMalformed},
		{"third entry", []entry{manifestEntry(1), {name: name(1), data: f.sealRaw(t, f.regEntry(1), ph, ph)}}, ErrMalformed},
		{"seq differs inside", []entry{manifestEntry(1), {name: name(1), data: good(2)}}, ErrMalformed},
		{"unknown JSON field", []entry{manifestEntry(1), {name: name(1), data: f.sealRaw(t,
			entry{name: registrationName, data: []byte(`{"id":"x","extra":1}`)}, ph)}}, ErrMalformed},
		{"not encrypted", []entry{manifestEntry(1), {name: name(1), data: tarOf(t, f.regEntry(1), ph)}}, ErrTampered},
		{"JSON over 64 KB", []entry{manifestEntry(1), {name: name(1), data: f.sealRaw(t,
			entry{name: registrationName, data: bytes.Repeat([]byte(" "), MaxRegistrationJSON+1)}, ph)}}, ErrTooLarge},
		{"photo over 5 MB", []entry{manifestEntry(1), {name: name(1), data: f.sealRaw(t,
			f.regEntry(1), entry{name: photoName, data: make([]byte, MaxPhotoBytes+1)})}}, ErrTooLarge},
		{"count over 10,000", []entry{manifestEntry(MaxRegistrations + 1)}, ErrTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			br, err := NewBundleReader(bytes.NewReader(tarOf(t, c.entries...)), f.console)
			for err == nil {
				var ph io.Reader
				if _, ph, err = br.Next(); err == nil {
					_, err = io.Copy(io.Discard, ph)
				}
			}
			if err == io.EOF {
				t.Fatal("accepted")
			}
			wantErr(t, err, c.want)
			// A refused bundle stays refused.
			if br != nil {
				if _, _, again := br.Next(); !errors.Is(again, c.want) {
					t.Fatalf("second Next: %v", again)
				}
			}
		})
	}
}

// TestBundleOfAThousandStreams writes and reads back a bundle of 1,000
// registrations with 150 KB photos through real files and checks that the
// heap stays flat: far below the 150 MB of photos.
func TestBundleOfAThousandStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("150 MB through disk")
	}
	f := newFixture(t)
	const n, size = 1000, 150_000
	peak := watchHeap(t)
	name := filepath.Join(f.dir, "big.id06sync")
	written := writeBigBundle(t, f, name, n, size)
	readN := readBigBundle(t, f, name)
	p := peak()
	t.Logf("%d registrations, file %.1f MB, peak heap %.1f MB", readN, float64(written)/1e6, float64(p)/1e6)
	if readN != n {
		t.Fatalf("read %d of %d", readN, n)
	}
	if p > 48<<20 {
		t.Fatalf("peak heap %.1f MB for %.0f MB of photos: something holds the bundle whole", float64(p)/1e6, float64(n*size)/1e6)
	}
}

// watchHeap samples the heap until the test ends; the returned func gives
// the highest value seen.
func watchHeap(t testing.TB) func() uint64 {
	runtime.GC()
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var ms runtime.MemStats
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak.Load() {
				peak.Store(ms.HeapAlloc)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	var once bool
	finish := func() {
		if !once {
			once = true
			close(stop)
			<-done
		}
	}
	t.Cleanup(finish)
	return func() uint64 { finish(); return peak.Load() }
}

// writeBigBundle seals n registrations one at a time (as the kiosk does at
// Confirm, to a file each) and exports them into one bundle file.
func writeBigBundle(t testing.TB, f *fixture, name string, n, size int) int64 {
	t.Helper()
	sealedDir := filepath.Join(f.dir, "sealed")
	os.MkdirAll(sealedDir, 0o700)
	ph := photo(size, 0)
	to := f.console.Public().AgeRecipient
	for i := 1; i <= n; i++ {
		sf, err := os.Create(filepath.Join(sealedDir, "reg"+itoa(i)))
		if err != nil {
			t.Fatal(err)
		}
		ph[3] = byte(i)
		if err := Seal(sf, f.reg(uint64(i)), bytes.NewReader(ph), int64(len(ph)), to); err != nil {
			t.Fatal(err)
		}
		sf.Close()
	}
	out, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	h := f.bundleHeader(1)
	ew, err := NewWriter(out, KindBundle, h, to, f.kiosk)
	if err != nil {
		t.Fatal(err)
	}
	bw, err := NewBundleWriter(ew, Manifest{KioskID: kioskID, Seq: 1, Count: n, Created: h.Created})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= n; i++ {
		sf, err := os.Open(filepath.Join(sealedDir, "reg"+itoa(i)))
		if err != nil {
			t.Fatal(err)
		}
		fi, _ := sf.Stat()
		if err := bw.AddSealed(uint64(i), sf, fi.Size()); err != nil {
			t.Fatal(err)
		}
		sf.Close()
	}
	if err := bw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ew.Close(); err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(sealedDir)
	fi, _ := out.Stat()
	return fi.Size()
}

func readBigBundle(t testing.TB, f *fixture, name string) int {
	t.Helper()
	in, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	env, err := Open(in, f.consoleOpts())
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	br, err := ReadBundle(env, f.console)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		reg, ph, err := br.Next()
		if err == io.EOF {
			return n
		}
		if err != nil {
			t.Fatal(err)
		}
		m, err := io.Copy(io.Discard, ph)
		if err != nil || m == 0 || reg.Seq != uint64(n+1) {
			t.Fatalf("registration %d: %d photo bytes, %v", n+1, m, err)
		}
		n++
	}
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}
