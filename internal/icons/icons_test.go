package icons_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"id06desk/internal/icons"
)

// TestWriteHicolor makes the package's icons from the real build/appicon.png:
// every size is a PNG of exactly that size that still looks like the source
// (same colour at the same relative points: the dark tile, the orange band,
// the white card, the transparent corner), and the SVG is copied unchanged.
func TestWriteHicolor(t *testing.T) {
	pngData, err := os.ReadFile("../../build/appicon.png")
	if err != nil {
		t.Fatal(err)
	}
	svg, err := os.ReadFile("../../build/appicon.svg")
	if err != nil {
		t.Fatal(err)
	}
	src, err := png.Decode(bytes.NewReader(pngData))
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	written, err := icons.WriteHicolor(root, "id06desk", pngData, svg)
	if err != nil {
		t.Fatal(err)
	}
	if len(written) != len(icons.Sizes)+1 {
		t.Fatalf("wrote %d files: %v", len(written), written)
	}
	sb := src.Bounds()
	// Relative points well inside flat areas of the picture.
	points := [][2]float64{{0.6, 0.71}, {0.1, 0.5}, {0.5, 0.29}, {0.005, 0.005}}
	for _, size := range []int{16, 32, 48, 64, 128, 256, 512} {
		dim := strconv.Itoa(size) + "x" + strconv.Itoa(size)
		f, err := os.ReadFile(filepath.Join(root, dim, "apps", "id06desk.png"))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(f))
		if err != nil {
			t.Fatalf("%s: %v", dim, err)
		}
		if b := img.Bounds(); b.Dx() != size || b.Dy() != size {
			t.Fatalf("%s: image is %v", dim, b)
		}
		if size < 48 {
			continue // too few pixels for flat areas at these points
		}
		for _, p := range points {
			want := color.NRGBAModel.Convert(src.At(sb.Min.X+int(p[0]*float64(sb.Dx())), sb.Min.Y+int(p[1]*float64(sb.Dy())))).(color.NRGBA)
			got := color.NRGBAModel.Convert(img.At(int(p[0]*float64(size)), int(p[1]*float64(size)))).(color.NRGBA)
			if !near(got, want) {
				t.Errorf("%s at %v: %v, the source has %v", dim, p, got, want)
			}
		}
	}
	got, err := os.ReadFile(filepath.Join(root, "scalable", "apps", "id06desk.svg"))
	if err != nil || !bytes.Equal(got, svg) {
		t.Fatalf("scalable icon: %v (same: %v)", err, bytes.Equal(got, svg))
	}
}

func near(a, b color.NRGBA) bool {
	d := func(x, y uint8) int {
		if x > y {
			return int(x - y)
		}
		return int(y - x)
	}
	if a.A < 16 && b.A < 16 {
		return true // both transparent: the colour does not matter
	}
	return d(a.R, b.R) <= 24 && d(a.G, b.G) <= 24 && d(a.B, b.B) <= 24 && d(a.A, b.A) <= 24
}

func TestScaleRefusesWhatIsNoIcon(t *testing.T) {
	if _, err := icons.Scale(image.NewNRGBA(image.Rect(0, 0, 64, 32)), 16); err == nil {
		t.Fatal("a non-square picture was stretched")
	}
	if _, err := icons.Scale(image.NewNRGBA(image.Rect(0, 0, 64, 64)), 128); err == nil {
		t.Fatal("a 64 px picture was blown up to 128")
	}
	if _, err := icons.WriteHicolor(t.TempDir(), "x", []byte("not a png"), nil); err == nil {
		t.Fatal("not a PNG was accepted")
	}
}
