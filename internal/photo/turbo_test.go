//go:build cgo

package photo

import (
	"bytes"
	"errors"
	"image"
	"math"
	"testing"
)

// TestTurboMatchesPureGo: libjpeg-turbo's reduced decode and the pure-Go
// fallback (image/jpeg at full size, then area averaging) give the same
// Source size, nearly the same pixels, the same face within 3 % of the
// photo's size and a card photo of the same size; for a 12 MP photo
// (decoded at 1/2), a 12 MP one turned by EXIF, a progressive one, a 1080p
// still (full size) and one so large it is scaled again after 1/2.
func TestTurboMatchesPureGo(t *testing.T) {
	up12 := still(t, 3000, 4000)
	stored, err := turboEncode(rotate90(mustRGBA(t, up12)), 92)
	if err != nil {
		t.Fatal(err)
	}
	prog, err := turboEncodeMode(mustRGBA(t, still(t, 4000, 3000)), 90, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		data  []byte
		denom int
	}{
		{"12MP", still(t, 4000, 3000), 2},
		{"12MP EXIF 6", spliced(stored, exifSegment(false, [2]uint16{0x0112, 6})), 2},
		{"12MP progressive", prog, 2},
		{"1080p", still(t, 1920, 1080), 1},
		{"6000x4000", still(t, 6000, 4000), 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			u, err := Read(bytes.NewReader(c.data), uploadLimit)
			if err != nil {
				t.Fatal(err)
			}
			if d := sourceDenom(u.cfg.Width, u.cfg.Height); d != c.denom {
				t.Errorf("decoded at 1/%d, want 1/%d", d, c.denom)
			}
			fast, err := u.Decode()
			if err != nil {
				t.Fatal(err)
			}
			goImg, err := goDecodeJPEGSource(u.data, u.cfg, sourceSize(u.cfg.Width, u.cfg.Height))
			if err != nil {
				t.Fatal(err)
			}
			slow := &Source{Image: orient(goImg, u.orientation)}
			slow.Size = slow.Image.Rect.Size()
			if fast.Size != slow.Size {
				t.Fatalf("Source %v with libjpeg-turbo, %v with image/jpeg", fast.Size, slow.Size)
			}
			if long := max(fast.Size.X, fast.Size.Y); long > SourceMaxSide || (long < SourceMinSide && max(u.cfg.Width, u.cfg.Height) >= SourceMinSide) {
				t.Errorf("Source %v: want the long side in [%d, %d]", fast.Size, SourceMinSide, SourceMaxSide)
			}
			if d := difference(fast.Image, slow.Image); d > 2 {
				t.Errorf("mean luma difference %.2f, want ≤ 2", d)
			}
			ff, fs := DetectFaces(fast.Image), DetectFaces(slow.Image)
			if len(ff) != 1 || len(fs) != 1 {
				t.Fatalf("%d faces with libjpeg-turbo, %d with image/jpeg, want 1 each", len(ff), len(fs))
			}
			tol := 0.03 * float64(max(fast.Size.X, fast.Size.Y))
			if d := rectDistance(ff[0].Rect, fs[0].Rect); d > tol {
				t.Errorf("face %v with libjpeg-turbo, %v with image/jpeg: %.0f px apart, want ≤ %.0f", ff[0].Rect, fs[0].Rect, d, tol)
			}
			cf, err := Render(fast, SuggestCrop(fast.Size, ff[0].Rect))
			if err != nil {
				t.Fatal(err)
			}
			cs, err := Render(slow, SuggestCrop(slow.Size, fs[0].Rect))
			if err != nil {
				t.Fatal(err)
			}
			a, b := mustDecodeJPEG(t, cf).Bounds().Size(), mustDecodeJPEG(t, cs).Bounds().Size()
			if a != b {
				t.Errorf("card photo %v with libjpeg-turbo, %v with image/jpeg", a, b)
			}
		})
	}
}

// TestTurboRefusesDamage: truncated and corrupted JPEGs are refused with
// ErrFormat (not decoded with grey where the data ends, not a crash, not
// exit()), and a header that differs from what Read saw is refused.
func TestTurboRefusesDamage(t *testing.T) {
	data := still(t, 1280, 720)
	u, err := Read(bytes.NewReader(data), uploadLimit)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := turboDecode(data, 1280, 720, 1, 1<<30); err != nil {
		t.Fatalf("the intact still: %v", err)
	}
	scan := len(u.data) // Read stopped at or after the first scan; the scan follows
	for _, at := range []int{len(data) - 2, len(data) * 3 / 4, len(data) / 2, len(data) / 4} {
		if at <= scan/2 {
			continue
		}
		if _, err := Decode(bytes.NewReader(data[:at]), uploadLimit); !errors.Is(err, ErrFormat) {
			t.Errorf("cut at %d of %d bytes: %v, want ErrFormat", at, len(data), err)
		}
	}
	bad := bytes.Clone(data)
	for i := len(bad) / 2; i < len(bad)/2+64; i++ {
		bad[i] = 0xFF // markers and bad Huffman codes in the middle of the scan
	}
	if _, err := Decode(bytes.NewReader(bad), uploadLimit); !errors.Is(err, ErrFormat) {
		t.Errorf("corrupt scan: %v, want ErrFormat", err)
	}
	if _, err := turboDecode(data, 1280, 721, 1, 1<<30); err == nil {
		t.Error("a header of 1280×720 decoded as 1280×721")
	}
	// A progressive 12 MP JPEG needs its coefficients (2 bytes a sample):
	// with less than that allowed, libjpeg refuses instead of allocating.
	prog, err := turboEncodeMode(mustRGBA(t, still(t, 4000, 3000)), 90, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := turboDecode(prog, 4000, 3000, 2, 4<<20); err == nil {
		t.Error("a progressive 12 MP JPEG decoded within 4 MB of libjpeg memory")
	}
}

// TestTurboFreesMemory: a thousand failed decodes and encodes leave the C
// heap as it was (the error paths free what libjpeg allocated).
func TestTurboFreesMemory(t *testing.T) {
	data := still(t, 640, 480)
	cut := data[:len(data)*2/3]
	img := mustRGBA(t, data)
	run := func() {
		for range 200 {
			if _, err := turboDecode(cut, 640, 480, 2, 1<<30); err == nil {
				t.Fatal("a cut JPEG decoded")
			}
			if _, err := turboDecode(data, 640, 480, 1, 1<<30); err != nil {
				t.Fatal(err)
			}
			if _, err := turboEncode(img, 90); err != nil {
				t.Fatal(err)
			}
			if _, err := turboEncode(&image.RGBA{Rect: image.Rect(0, 0, 0, 0)}, 90); err == nil {
				t.Fatal("encoded an empty image")
			}
		}
	}
	run() // warm up malloc's arenas
	before := cHeapInUse()
	run()
	run()
	if grown := cHeapInUse() - before; grown > 256<<10 {
		t.Errorf("C heap grew by %d KB over 400 rounds", grown>>10)
	}
}

// FuzzTurboDecode: whatever the bytes, Read and Decode return an error or a
// Source of sourceSize, and never crash. The seeds are a small JPEG, a
// progressive one, one with EXIF, cut and damaged copies.
func FuzzTurboDecode(f *testing.F) {
	small := still(f, 400, 520)
	prog, err := turboEncodeMode(mustRGBA(f, small), 80, true)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(small)
	f.Add(prog)
	f.Add(spliced(small, exifSegment(true, [2]uint16{0x0112, 8})))
	f.Add(small[:len(small)/2])
	f.Add(prog[:len(prog)*2/3])
	damaged := bytes.Clone(small)
	damaged[len(damaged)/2] ^= 0x55
	f.Add(damaged)
	f.Add(jpegHeader(400, 520))
	f.Fuzz(func(t *testing.T, data []byte) {
		u, err := Read(bytes.NewReader(data), 1<<20)
		if err != nil {
			return
		}
		src, err := u.Decode()
		if err != nil {
			if !errors.Is(err, ErrFormat) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("Decode: %v, want ErrFormat", err)
			}
			return
		}
		want := sourceSize(u.cfg.Width, u.cfg.Height)
		if u.orientation >= 5 {
			want = image.Pt(want.Y, want.X)
		}
		if src.Size != want || src.Image.Rect.Size() != want {
			t.Fatalf("Source %v, want %v", src.Size, want)
		}
	})
}

func mustRGBA(tb testing.TB, data []byte) *image.RGBA {
	tb.Helper()
	return toRGBA(mustDecodeJPEG(tb, data))
}

// rotate90 turns an upright photo a quarter counter-clockwise: how a camera
// stores it when it writes EXIF orientation 6.
func rotate90(src *image.RGBA) *image.RGBA {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	dst := image.NewRGBA(image.Rect(0, 0, h, w))
	for y := range h {
		for x := range w {
			copy(dst.Pix[dst.PixOffset(y, w-1-x):][:4], src.Pix[src.PixOffset(x, y):][:4])
		}
	}
	return dst
}

// rectDistance is the largest distance between corresponding corners.
func rectDistance(a, b image.Rectangle) float64 {
	d := func(p, q image.Point) float64 { return math.Hypot(float64(p.X-q.X), float64(p.Y-q.Y)) }
	return max(d(a.Min, b.Min), d(a.Max, b.Max))
}
