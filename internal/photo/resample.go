package photo

import (
	"image"
	"image/draw"
	"runtime"
	"sync"
)

// span is the run of source pixels under one output pixel and how much of
// each the output pixel covers; the weights add up to 1.
type span struct {
	first  int
	weight []float32
}

// spans divides n source pixels evenly among m ≤ n output pixels.
func spans(n, m int) []span {
	out := make([]span, m)
	weights := make([]float32, 0, n+m) // each output adds at most one shared pixel
	r := float64(n) / float64(m)
	for i := range out {
		lo, hi := float64(i)*r, float64(i+1)*r
		first := int(lo)
		last := min(int(hi-1e-9), n-1)
		start := len(weights)
		for s := first; s <= last; s++ {
			x := float64(s)
			weights = append(weights, float32((min(hi, x+1)-max(lo, x))/r))
		}
		out[i] = span{first: first, weight: weights[start:len(weights):len(weights)]}
	}
	return out
}

// shrink scales img down to w×h (at most its own size) by area averaging:
// each output pixel is the mean of the source area under it, each source
// pixel weighted by how much of it lies there. Transparent pixels are
// composited on white.
//
// It reads the source one row at a time and keeps two rows of sums, so a
// 12 MP photo needs no more memory than the result; x/image/draw's kernel
// scalers hold w × source height × 32 bytes (230 MB for 12 MP → 2400 px).
func shrink(img image.Image, w, h int) *image.RGBA {
	b := img.Bounds()
	xs, ys := spans(b.Dx(), w), spans(b.Dy(), h)
	op := draw.Src
	if o, ok := img.(interface{ Opaque() bool }); !ok || !o.Opaque() {
		op = draw.Over
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	// Bands of output rows on every core; each band reads its own source
	// rows (a band boundary re-reads one shared row).
	bands := max(1, min(runtime.GOMAXPROCS(0), h/64))
	var wg sync.WaitGroup
	for k := range bands {
		j0, j1 := k*h/bands, (k+1)*h/bands
		wg.Go(func() { shrinkRows(img, op, xs, ys, j0, j1, dst) })
	}
	wg.Wait()
	return dst
}

// shrinkRows computes output rows [j0, j1) of shrink into dst.
func shrinkRows(img image.Image, op draw.Op, xs, ys []span, j0, j1 int, dst *image.RGBA) {
	b := img.Bounds()
	w := len(xs)
	row := image.NewRGBA(image.Rect(b.Min.X, 0, b.Max.X, 1))
	// horizontal reduces source row y into sums (w×4 values), reusing the
	// last row: neighbouring output rows share their boundary source row.
	lastY, last := -1, make([]float32, 4*w)
	horizontal := func(y int) []float32 {
		if y == lastY {
			return last
		}
		if op == draw.Over {
			draw.Draw(row, row.Rect, image.White, image.Point{}, draw.Src)
		}
		draw.Draw(row, row.Rect, img, image.Pt(b.Min.X, b.Min.Y+y), op)
		for i, s := range xs {
			var r, g, bl, a float32
			px := row.Pix[4*s.first:]
			for k, wt := range s.weight {
				p := px[4*k : 4*k+4 : 4*k+4]
				r += wt * float32(p[0])
				g += wt * float32(p[1])
				bl += wt * float32(p[2])
				a += wt * float32(p[3])
			}
			last[4*i], last[4*i+1], last[4*i+2], last[4*i+3] = r, g, bl, a
		}
		lastY = y
		return last
	}

	acc := make([]float32, 4*w)
	for j := j0; j < j1; j++ {
		s := ys[j]
		clear(acc)
		for k, wt := range s.weight {
			for i, v := range horizontal(s.first + k) {
				acc[i] += wt * v
			}
		}
		out := dst.Pix[j*dst.Stride : j*dst.Stride+4*w]
		for i, v := range acc {
			out[i] = uint8(min(255, v+0.5))
		}
	}
}
