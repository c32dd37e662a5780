package camera

import (
	"errors"
	"image"
	"image/color"
	"image/draw"
)

// errBadPlanes is a YCbCr frame whose planes are shorter than its bounds
// need: a driver bug, refused rather than read out of range.
var errBadPlanes = errors.New("the driver returned a frame with short pixel planes")

// copyFrame copies img into dst, reusing dst's planes when its size and
// subsampling match, and returns it with bounds starting at (0, 0). A YCbCr
// frame keeps its subsampling; anything else (a greyscale MJPEG frame, say)
// is converted to 4:2:0.
func copyFrame(dst *image.YCbCr, img image.Image) (*image.YCbCr, error) {
	src, ok := img.(*image.YCbCr)
	if !ok {
		return toYCbCr420(dst, img), nil
	}
	if !planesValid(src) {
		return nil, errBadPlanes
	}
	if !planesAligned(src) {
		return toYCbCr420(dst, img), nil
	}
	r := src.Rect
	size := r.Size()
	if dst == nil || dst.Rect.Size() != size || dst.SubsampleRatio != src.SubsampleRatio {
		dst = image.NewYCbCr(image.Rectangle{Max: size}, src.SubsampleRatio)
	}
	for y := range size.Y {
		i := src.YOffset(r.Min.X, r.Min.Y+y)
		copy(dst.Y[y*dst.YStride:y*dst.YStride+size.X], src.Y[i:i+size.X])
	}
	cw, ch := dst.CStride, len(dst.Cb)/max(dst.CStride, 1)
	_, vf := chromaFactors(src.SubsampleRatio)
	for cy := range ch {
		i := src.COffset(r.Min.X, r.Min.Y+cy*vf)
		copy(dst.Cb[cy*cw:cy*cw+cw], src.Cb[i:i+cw])
		copy(dst.Cr[cy*cw:cy*cw+cw], src.Cr[i:i+cw])
	}
	return dst, nil
}

// planesValid reports whether src's planes hold every pixel of its bounds.
func planesValid(src *image.YCbCr) bool {
	r := src.Rect
	if r.Empty() {
		return true
	}
	last := r.Max.Sub(image.Pt(1, 1))
	hf, _ := chromaFactors(src.SubsampleRatio)
	yi, ci := src.YOffset(last.X, last.Y), src.COffset(last.X, last.Y)
	return src.YStride >= r.Dx() && src.CStride >= (r.Dx()+hf-1)/hf &&
		yi >= 0 && yi < len(src.Y) && ci >= 0 && ci < len(src.Cb) && ci < len(src.Cr)
}

// chromaFactors returns how many luma columns and rows one chroma sample
// covers.
func chromaFactors(r image.YCbCrSubsampleRatio) (h, v int) {
	switch r {
	case image.YCbCrSubsampleRatio422:
		return 2, 1
	case image.YCbCrSubsampleRatio420:
		return 2, 2
	case image.YCbCrSubsampleRatio440:
		return 1, 2
	case image.YCbCrSubsampleRatio411:
		return 4, 1
	case image.YCbCrSubsampleRatio410:
		return 4, 2
	default:
		return 1, 1
	}
}

// planesAligned reports whether src's top-left pixel starts a chroma sample,
// so its chroma planes can be copied as they are (always so for frames from
// a driver, whose bounds start at (0, 0)).
func planesAligned(src *image.YCbCr) bool {
	h, v := chromaFactors(src.SubsampleRatio)
	return src.Rect.Min.X%h == 0 && src.Rect.Min.Y%v == 0
}

// YCbCr420 converts img to a new 4:2:0 frame, as a camera delivers it: luma
// per pixel, chroma averaged over each 2×2 block, BT.601 full range as in
// JPEG, bounds starting at (0, 0).
func YCbCr420(img image.Image) *image.YCbCr { return toYCbCr420(nil, img) }

// toYCbCr420 converts img to 4:2:0 into dst (reused when the size matches):
// luma per pixel, chroma averaged over each 2×2 block, BT.601 full range as
// in JPEG.
func toYCbCr420(dst *image.YCbCr, img image.Image) *image.YCbCr {
	b := img.Bounds()
	size := b.Size()
	if dst == nil || dst.Rect.Size() != size || dst.SubsampleRatio != image.YCbCrSubsampleRatio420 {
		dst = image.NewYCbCr(image.Rectangle{Max: size}, image.YCbCrSubsampleRatio420)
	}
	if size.X == 0 || size.Y == 0 {
		return dst
	}
	rgba, ok := img.(*image.RGBA)
	if !ok || rgba.Rect.Min != (image.Point{}) {
		rgba = image.NewRGBA(image.Rectangle{Max: size})
		draw.Draw(rgba, rgba.Rect, img, b.Min, draw.Src)
	}
	for y := range size.Y {
		row := rgba.Pix[y*rgba.Stride:]
		for x := range size.X {
			p := row[4*x : 4*x+3]
			yy, _, _ := color.RGBToYCbCr(p[0], p[1], p[2])
			dst.Y[y*dst.YStride+x] = yy
		}
	}
	for cy := 0; cy < (size.Y+1)/2; cy++ {
		for cx := 0; cx < (size.X+1)/2; cx++ {
			var r, g, bl, n int
			for y := 2 * cy; y < min(2*cy+2, size.Y); y++ {
				for x := 2 * cx; x < min(2*cx+2, size.X); x++ {
					p := rgba.Pix[y*rgba.Stride+4*x:]
					r, g, bl, n = r+int(p[0]), g+int(p[1]), bl+int(p[2]), n+1
				}
			}
			_, cb, cr := color.RGBToYCbCr(uint8((r+n/2)/n), uint8((g+n/2)/n), uint8((bl+n/2)/n))
			dst.Cb[cy*dst.CStride+cx] = cb
			dst.Cr[cy*dst.CStride+cx] = cr
		}
	}
	return dst
}
