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

// shrinkYCbCr is shrink for a decoded JPEG: it averages the luma plane and
// the two chroma planes as they are, into a 4:4:4 image of w×h, instead of
// converting every source pixel to RGBA (the JPEG encoder converts the
// result back). Averaging commutes with the affine YCbCr↔RGB conversion,
// so the result is shrink's up to rounding. ok is false when a chroma
// plane is narrower or lower than the result (a subsampled photo hardly
// larger than its thumbnail) or the image is not at the origin: use shrink.
func shrinkYCbCr(img *image.YCbCr, w, h int) (out *image.YCbCr, ok bool) {
	b := img.Rect
	cw, ch, known := chromaSize(img.SubsampleRatio, b.Dx(), b.Dy())
	if !known || b.Min != (image.Point{}) || w > cw || h > ch || w > b.Dx() || h > b.Dy() {
		return nil, false
	}
	out = image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio444)
	shrinkPlane(img.Y, img.YStride, spans(b.Dx(), w), spans(b.Dy(), h), out.Y, out.YStride)
	xs, ys := spans(cw, w), spans(ch, h)
	shrinkPlane(img.Cb, img.CStride, xs, ys, out.Cb, out.CStride)
	shrinkPlane(img.Cr, img.CStride, xs, ys, out.Cr, out.CStride)
	return out, true
}

// chromaSize is the size of a w×h YCbCr image's chroma planes (as
// image.NewYCbCr makes them).
func chromaSize(r image.YCbCrSubsampleRatio, w, h int) (cw, ch int, ok bool) {
	switch r {
	case image.YCbCrSubsampleRatio444:
		return w, h, true
	case image.YCbCrSubsampleRatio422:
		return (w + 1) / 2, h, true
	case image.YCbCrSubsampleRatio420:
		return (w + 1) / 2, (h + 1) / 2, true
	case image.YCbCrSubsampleRatio440:
		return w, (h + 1) / 2, true
	case image.YCbCrSubsampleRatio411:
		return (w + 3) / 4, h, true
	case image.YCbCrSubsampleRatio410:
		return (w + 3) / 4, (h + 1) / 2, true
	}
	return 0, 0, false
}

// shrinkPlane averages a plane of 8-bit samples (stride apart) by the
// spans xs and ys into dst (dstride apart), one source row at a time, as
// shrinkRows does for RGBA.
func shrinkPlane(src []uint8, stride int, xs, ys []span, dst []uint8, dstride int) {
	w := len(xs)
	lastY, last := -1, make([]float32, w)
	horizontal := func(y int) []float32 {
		if y == lastY {
			return last
		}
		row := src[y*stride:]
		for i, s := range xs {
			var v float32
			px := row[s.first : s.first+len(s.weight)]
			for k, wt := range s.weight {
				v += wt * float32(px[k])
			}
			last[i] = v
		}
		lastY = y
		return last
	}
	acc := make([]float32, w)
	for j, s := range ys {
		clear(acc)
		for k, wt := range s.weight {
			for i, v := range horizontal(s.first + k) {
				acc[i] += wt * v
			}
		}
		out := dst[j*dstride : j*dstride+w]
		for i, v := range acc {
			out[i] = uint8(min(255, v+0.5))
		}
	}
}
