package photo

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

const uploadLimit = 10 << 20 // the caller's limit: 10 MiB

// pngHeader is a PNG signature, an IHDR for a w×h RGB image and a tiny IDAT
// and IEND: what a decompression bomb looks like before its pixels.
func pngHeader(w, h uint32) []byte {
	chunk := func(typ string, data []byte) []byte {
		c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
		c = append(c, typ...)
		c = append(c, data...)
		return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 2, 0, 0, 0) // 8-bit RGB, no interlace
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, chunk("IHDR", ihdr)...)
	out = append(out, chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})...)
	return append(out, chunk("IEND", nil)...)
}

// countingReader serves head, then zero bytes up to n in all, and counts
// what was read.
type countingReader struct {
	head    []byte
	n, read int64
}

func (r *countingReader) Read(p []byte) (int, error) {
	if r.read >= r.n {
		return 0, io.EOF
	}
	k := min(int64(len(p)), r.n-r.read)
	clear(p[:k])
	if r.read < int64(len(r.head)) {
		copy(p[:k], r.head[r.read:])
	}
	r.read += k
	return int(k), nil
}

func TestDecodeRefuses(t *testing.T) {
	sample, err := os.ReadFile(samplePath)
	if err != nil {
		t.Fatalf("read the pigo sample (run `make pigo-assets`): %v", err)
	}
	small := encodeJPEG(t, scaled(loadSample(t), 0.9), 90) // 288×360
	big := encodeJPEG(t, scaled(loadSample(t), 1.5), 90)   // 480×600

	// "photo.jpg" that is really text, as a user might rename a file.
	named := filepath.Join(t.TempDir(), "photo.jpg")
	if err := os.WriteFile(named, []byte("Hej! Här är mitt foto.\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile(named)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"text named .jpg", text, ErrFormat},
		{"program renamed .jpg", append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 512)...), ErrFormat},
		{"GIF", []byte("GIF89a\x40\x01\x90\x01\x80\x00\x00"), ErrFormat},
		{"empty", nil, ErrFormat},
		{"JPEG magic then garbage", append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, bytes.Repeat([]byte{0x42}, 300)...), ErrFormat},
		{"JPEG cut in half", big[:len(big)/2], ErrFormat},
		{"pigo's sample, 320×400", sample, ErrTooSmall},
		{"PNG with a bad header checksum", append(pngHeader(400, 400)[:29], 0, 0, 0, 0), ErrFormat},
		{"PNG 30000×30000", pngHeader(30000, 30000), ErrDimensions},
		{"PNG 12001×400", pngHeader(12001, 400), ErrDimensions},
		{"PNG 7000×6000 (42 MP)", pngHeader(7000, 6000), ErrDimensions},
		{"PNG 6000×6000 (36 MP)", pngHeader(6000, 6000), ErrDimensions},
		{"PNG 10000×10000 bomb", pngHeader(10000, 10000), ErrDimensions},
		{"PNG 5001×5000 (just over 25 MP)", pngHeader(5001, 5000), ErrDimensions},
		{"JPEG header 6000×6000", jpegHeader(6000, 6000), ErrDimensions},
		{"PNG 400×413", pngHeader(400, 413), ErrTooSmall},
		{"PNG 321×600", pngHeader(321, 600), ErrTooSmall},
		{"JPEG 288×360", small, ErrTooSmall},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := Decode(bytes.NewReader(tt.data), uploadLimit)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Decode error = %v, want %v", err, tt.want)
			}
			if src != nil {
				t.Error("Decode returned a Source with an error")
			}
		})
	}
}

func TestDecodeTooLarge(t *testing.T) {
	// A JPEG header (up to its first scan) followed by 12 MB.
	small := encodeJPEG(t, scaled(loadSample(t), 1.5), 90)
	r := &countingReader{head: small[:len(small)/2], n: 12_000_000}
	u, err := Read(r, uploadLimit)
	if err != nil {
		t.Fatalf("Read of a 12 MB JPEG: %v", err)
	}
	if r.read > maxHeader {
		t.Errorf("Read read %d bytes, want the header only (at most %d)", r.read, maxHeader)
	}
	if c := u.Cost(); c < uploadLimit {
		t.Errorf("cost %d before the file is read, want at least its limit %d", c, uploadLimit)
	}
	if _, err = u.Decode(); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Decode of 12 MB = %v, want ErrTooLarge", err)
	}
	if r.read > uploadLimit+1 {
		t.Errorf("read %d bytes, want at most the limit plus one (%d)", r.read, uploadLimit+1)
	}

	// Not an image: refused after the first chunk.
	r = &countingReader{n: 12_000_000}
	if _, err := Read(r, uploadLimit); !errors.Is(err, ErrFormat) {
		t.Fatalf("Read of 12 MB of zeros = %v, want ErrFormat", err)
	}
	if r.read > headerChunk {
		t.Errorf("read %d bytes of a file that is no image, want at most %d", r.read, headerChunk)
	}

	// Exactly at the limit is allowed.
	data := encodeJPEG(t, scaled(loadSample(t), 1.5), 90)
	if _, err := Decode(bytes.NewReader(data), int64(len(data))); err != nil {
		t.Errorf("Decode at exactly the limit: %v", err)
	}
	if _, err := Decode(bytes.NewReader(data), int64(len(data)-1)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Decode one byte over the limit = %v, want ErrTooLarge", err)
	}
	if _, err := Decode(bytes.NewReader(data), 0); err == nil {
		t.Error("Decode with a zero limit succeeded")
	}
}

// TestDecodeBombAllocatesLittle: images with more pixels than MaxPixels are
// refused from their header, without allocating their pixels (a 6000×6000
// progressive JPEG would take ~600 MB, a 30000×30000 PNG 3.6 GB).
func TestDecodeBombAllocatesLittle(t *testing.T) {
	for name, data := range map[string][]byte{
		"JPEG 6000×6000":   jpegHeader(6000, 6000),
		"PNG 6000×6000":    pngHeader(6000, 6000),
		"PNG 10000×10000":  pngHeader(10000, 10000),
		"PNG 30000×30000":  pngHeader(30000, 30000),
		"JPEG 65535×65535": jpegHeader(65535, 65535),
	} {
		t.Run(name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := Read(bytes.NewReader(data), uploadLimit)
			runtime.ReadMemStats(&after)
			if !errors.Is(err, ErrDimensions) {
				t.Fatalf("Read = %v, want ErrDimensions", err)
			}
			if d := after.TotalAlloc - before.TotalAlloc; d > 1<<20 {
				t.Errorf("Read allocated %d KB for a refused header, want < 1 MB", d>>10)
			}
		})
	}
}

// TestDecodeMinimumUpright: the minimum applies to the photo as it is
// shown, after its EXIF orientation: a 520×340 phone photo turned upright
// is 340×520 and holds a 322×414 crop; stored that way without the turn it
// does not.
func TestDecodeMinimumUpright(t *testing.T) {
	stored := encodeJPEG(t, gradient(520, 340), 90)
	if _, err := Decode(bytes.NewReader(stored), uploadLimit); !errors.Is(err, ErrTooSmall) {
		t.Errorf("520×340 = %v, want ErrTooSmall", err)
	}
	turned := spliced(stored, exifSegment(false, [2]uint16{0x0112, 6}))
	src, err := Decode(bytes.NewReader(turned), uploadLimit)
	if err != nil {
		t.Fatalf("520×340 turned upright: %v", err)
	}
	if src.Size != image.Pt(340, 520) {
		t.Errorf("size %v, want 340×520", src.Size)
	}
}

func TestDecodeScalesDown(t *testing.T) {
	big := padded(scaled(loadSample(t), 2.5), image.Pt(3000, 1200), image.Pt(1100, 100))
	src := mustDecode(t, encodeJPEG(t, big, 85))
	if want := image.Pt(2400, 960); src.Size != want || src.Image.Rect != (image.Rectangle{Max: want}) {
		t.Fatalf("Size %v, image %v, want %v at the origin", src.Size, src.Image.Rect, want)
	}
	if d := difference(src.Image, big); d > 3 {
		t.Errorf("the scaled image differs from the original by %.1f", d)
	}
}

func TestDecodePNG(t *testing.T) {
	// Half the image transparent: it must come out white, not black.
	img := image.NewNRGBA(image.Rect(0, 0, 400, 500))
	for y := range 500 {
		for x := range 400 {
			a := uint8(255)
			if x >= 200 {
				a = 0
			}
			img.SetNRGBA(x, y, color.NRGBA{30, 120, 60, a})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	src := mustDecode(t, buf.Bytes())
	if got := src.Image.RGBAAt(10, 10); got != (color.RGBA{30, 120, 60, 255}) {
		t.Errorf("opaque pixel = %v", got)
	}
	if got := src.Image.RGBAAt(300, 10); got != (color.RGBA{255, 255, 255, 255}) {
		t.Errorf("transparent pixel = %v, want white", got)
	}
}
