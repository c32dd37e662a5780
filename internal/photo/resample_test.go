package photo

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"testing"

	xdraw "golang.org/x/image/draw"
)

func TestSpans(t *testing.T) {
	for _, tc := range []struct{ n, m int }{{3, 2}, {10, 3}, {4000, 2400}, {2401, 2400}, {7, 1}, {5, 5}} {
		ss := spans(tc.n, tc.m)
		covered := make([]float64, tc.n)
		for _, s := range ss {
			var sum float64
			for k, w := range s.weight {
				if w <= 0 {
					t.Errorf("%d→%d: weight %v", tc.n, tc.m, w)
				}
				sum += float64(w)
				covered[s.first+k] += float64(w) * float64(tc.n) / float64(tc.m)
			}
			if math.Abs(sum-1) > 1e-5 {
				t.Errorf("%d→%d: weights add up to %v", tc.n, tc.m, sum)
			}
		}
		// Every source pixel is used exactly once in all.
		for i, c := range covered {
			if math.Abs(c-1) > 1e-4 {
				t.Fatalf("%d→%d: source pixel %d covered %.5f times", tc.n, tc.m, i, c)
			}
		}
	}
}

func TestShrink(t *testing.T) {
	// 3×2 → 2×1: output 0 is (p0 + p1/2)/1.5 over both rows, output 1 is
	// (p1/2 + p2)/1.5.
	src := image.NewRGBA(image.Rect(10, 20, 13, 22)) // not at the origin
	vals := []uint8{0, 90, 180, 30, 120, 210}
	for i, v := range vals {
		src.SetRGBA(10+i%3, 20+i/3, color.RGBA{v, v, v, 255})
	}
	got := shrink(src, 2, 1)
	if got.Rect != image.Rect(0, 0, 2, 1) {
		t.Fatalf("size %v", got.Rect)
	}
	want0 := (0 + 45 + 30 + 60) / 1.5 / 2.0
	want1 := (45 + 180 + 60 + 210) / 1.5 / 2.0
	for i, w := range []float64{want0, want1} {
		if g := got.RGBAAt(i, 0); math.Abs(float64(g.R)-w) > 0.5 || g.A != 255 {
			t.Errorf("pixel %d = %v, want %.1f", i, g, w)
		}
	}

	// A transparent source comes out white.
	transparent := image.NewNRGBA(image.Rect(0, 0, 30, 30))
	if g := shrink(transparent, 7, 7).RGBAAt(3, 3); g != (color.RGBA{255, 255, 255, 255}) {
		t.Errorf("transparent pixel = %v, want white", g)
	}

	// On a photo it agrees with Catmull-Rom.
	sample := loadSample(t)
	cr := image.NewRGBA(image.Rect(0, 0, 190, 237))
	xdraw.CatmullRom.Scale(cr, cr.Rect, sample, sample.Rect, xdraw.Src, nil)
	if d := difference(shrink(sample, 190, 237), cr); d > 1.5 {
		t.Errorf("area average and Catmull-Rom differ by %.1f", d)
	}
}

// shrinkYCbCr averages a decoded JPEG's planes as they are: the result is
// shrink's (which converts every pixel to RGBA first) up to rounding, for
// each subsampling the JPEG decoder makes. Where a chroma plane is smaller
// than the result it declines, and Thumbnail still makes the thumbnail.
func TestShrinkYCbCrIsShrink(t *testing.T) {
	src := loadSample(t) // 320×400, a face: edges and colour
	for _, r := range []image.YCbCrSubsampleRatio{image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422,
		image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio440} {
		ycc := image.NewYCbCr(src.Rect, r)
		for y := range src.Rect.Dy() {
			for x := range src.Rect.Dx() {
				c := src.RGBAAt(x, y)
				yy, cb, cr := color.RGBToYCbCr(c.R, c.G, c.B)
				ycc.Y[ycc.YOffset(x, y)] = yy
				ycc.Cb[ycc.COffset(x, y)], ycc.Cr[ycc.COffset(x, y)] = cb, cr // the last pixel of each sample wins: fine
			}
		}
		got, ok := shrinkYCbCr(ycc, 140, 175)
		if !ok {
			t.Fatalf("%v: declined", r)
		}
		want := shrink(ycc, 140, 175)
		var worst, sum float64
		for y := range 175 {
			for x := range 140 {
				g, w := color.RGBAModel.Convert(got.At(x, y)).(color.RGBA), want.RGBAAt(x, y)
				for _, d := range []float64{float64(g.R) - float64(w.R), float64(g.G) - float64(w.G), float64(g.B) - float64(w.B)} {
					worst, sum = max(worst, math.Abs(d)), sum+math.Abs(d)
				}
			}
		}
		// Subsampled chroma samples straddle output pixels differently from
		// the RGBA path's nearest-sample upsampling: a few levels at edges.
		if mean := sum / (140 * 175 * 3); mean > 1 || worst > 24 {
			t.Errorf("%v: differs from shrink by %.2f on average, %v at worst", r, mean, worst)
		}
	}
	small := image.NewYCbCr(image.Rect(0, 0, 150, 190), image.YCbCrSubsampleRatio420)
	if _, ok := shrinkYCbCr(small, 140, 177); ok {
		t.Error("shrinkYCbCr scaled a 75 px wide chroma plane up to 140")
	}
	card := encodeJPEG(t, scaled(src, 150.0/320), 90)
	thumb, err := Thumbnail(card, 140)
	if err != nil {
		t.Fatal(err)
	}
	if c, err := jpeg.DecodeConfig(bytes.NewReader(thumb)); err != nil || c.Width != 140 {
		t.Errorf("thumbnail of a 150 px photo: %+v %v", c, err)
	}
}
