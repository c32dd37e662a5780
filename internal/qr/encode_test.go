package qr

import (
	"bytes"
	"fmt"
	"image/png"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	zxenc "github.com/makiuchi-d/gozxing/qrcode/encoder"

	"id06desk/internal/qr/qrtest"
)

// randomText is n bytes of URL characters with at least one lower-case
// letter (so ZXing, too, encodes it as one byte-mode segment).
func randomText(r *rand.Rand, n int) string {
	const chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:#"
	b := make([]byte, n)
	for i := range b {
		b[i] = chars[r.IntN(len(chars))]
	}
	b[0] = 'h'
	return string(b)
}

// Encode draws, module for module, the symbol ZXing's encoder draws for the
// same text and level: same version, same data and error-correction layout,
// same mask. ZXing is the reference implementation of ISO/IEC 18004, so
// this checks the tables, the Reed–Solomon code, the placement, the format
// and version information and the mask choice of every version in use.
func TestEncodeMatchesZXing(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 1))
	for _, tc := range []struct {
		level Level
		zx    decoder.ErrorCorrectionLevel
	}{{Low, decoder.ErrorCorrectionLevel_L}, {Medium, decoder.ErrorCorrectionLevel_M}} {
		// 1…300 bytes one by one (versions 1–14), then longer texts up to
		// version 40.
		lengths := make([]int, 0, 340)
		for n := 1; n <= 300; n++ {
			lengths = append(lengths, n)
		}
		for n := 320; n <= 2300; n += 50 {
			lengths = append(lengths, n)
		}
		for _, n := range lengths {
			text := randomText(r, n)
			want, werr := zxenc.Encoder_encode(text, tc.zx, map[gozxing.EncodeHintType]any{})
			got, err := Encode(text, tc.level)
			if werr != nil {
				if err == nil {
					t.Errorf("level %d, %d bytes: ZXing refused (%v), Encode did not", tc.level, n, werr)
				}
				continue
			}
			if err != nil {
				t.Fatalf("level %d, %d bytes: %v", tc.level, n, err)
			}
			m := want.GetMatrix()
			if got.Size != m.GetWidth() {
				t.Fatalf("level %d, %d bytes: size %d, ZXing %d (version %d)", tc.level, n, got.Size, m.GetWidth(), want.GetVersion().GetVersionNumber())
			}
			for y := range got.Size {
				for x := range got.Size {
					if got.Dark[y*got.Size+x] != byte(m.Get(x, y)) {
						t.Fatalf("level %d, %d bytes (version %d, ZXing mask %d): module (%d,%d) differs", tc.level, n,
							want.GetVersion().GetVersionNumber(), want.GetMaskPattern(), x, y)
					}
				}
			}
		}
	}
	if _, err := Encode("", Medium); err == nil {
		t.Error("empty data accepted")
	}
	if _, err := Encode(randomText(r, 3000), Medium); err == nil {
		t.Error("3,000 bytes accepted at level M")
	}
}

// The bare grid is one pixel per module with the quiet zone, 1-bit, and
// zbarimg reads it once it is scaled up as the mail shows it.
func TestGrid(t *testing.T) {
	link := "https://id06.bygg.se/#/register/v1." + randomText(rand.New(rand.NewPCG(1, 2)), 170)
	b, n, err := Grid(link, Medium)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if s := img.Bounds().Size(); s.X != n || s.Y != n {
		t.Fatalf("grid %v, want %d square", s, n)
	}
	c, _ := Encode(link, Medium)
	if n != c.Size+2*QuietZone {
		t.Fatalf("%d modules, want %d", n, c.Size+2*QuietZone)
	}
	// IHDR bit depth: 1.
	if b[24] != 1 {
		t.Errorf("bit depth %d, want 1", b[24])
	}
	if d := DisplaySize(n); d%n != 0 || d > LinkSize || d+n <= LinkSize {
		t.Errorf("DisplaySize(%d) = %d", n, d)
	}
	big, err := PNG(link, Medium, DisplaySize(n))
	if err != nil {
		t.Fatal(err)
	}
	if got := qrtest.Decode(t, big); got != link {
		t.Errorf("zbarimg read %q", got)
	}
}

func BenchmarkEncode(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{60, 150, 210} {
		text := "https://id06.bygg.se/#/register/v1." + randomText(r, n-35)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				if _, err := Encode(text, Medium); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
