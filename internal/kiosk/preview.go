package kiosk

import (
	"image"
)

// shrinkYCbCr scales a 4:2:0 frame down by the whole factor that brings its
// width to at most width, averaging each factor×factor block: cheap enough
// to run on every preview frame (a 1080p frame to 640 px in a few ms).
// Other subsample ratios and factor 1 return src itself.
func shrinkYCbCr(src *image.YCbCr, width int) *image.YCbCr {
	b := src.Bounds()
	k := (b.Dx() + width - 1) / max(width, 1)
	if k <= 1 || src.SubsampleRatio != image.YCbCrSubsampleRatio420 {
		return src
	}
	w, h := b.Dx()/k, b.Dy()/k
	if w < 2 || h < 2 {
		return src
	}
	dst := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	area := k * k
	for y := range h {
		row := dst.Y[y*dst.YStride : y*dst.YStride+w]
		for x := range row {
			sum := 0
			for dy := range k {
				off := (b.Min.Y-src.Rect.Min.Y+y*k+dy)*src.YStride + (b.Min.X - src.Rect.Min.X) + x*k
				for _, v := range src.Y[off : off+k] {
					sum += int(v)
				}
			}
			row[x] = uint8(sum / area)
		}
	}
	// Chroma: each output chroma sample covers 2×2 output pixels, that is
	// 2k×2k source pixels, that is k×k source chroma samples.
	cw, ch := (w+1)/2, (h+1)/2
	srcCW, srcCH := (b.Dx()+1)/2, (b.Dy()+1)/2
	for y := range ch {
		for x := range cw {
			var cb, cr, n int
			for dy := range k {
				sy := y*k + dy
				if sy >= srcCH {
					break
				}
				for dx := range k {
					sx := x*k + dx
					if sx >= srcCW {
						break
					}
					o := sy*src.CStride + sx
					cb += int(src.Cb[o])
					cr += int(src.Cr[o])
					n++
				}
			}
			if n > 0 {
				dst.Cb[y*dst.CStride+x] = uint8(cb / n)
				dst.Cr[y*dst.CStride+x] = uint8(cr / n)
			}
		}
	}
	return dst
}
