package photo

import (
	"image"
	"image/color"
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
