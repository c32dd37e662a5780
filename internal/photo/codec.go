package photo

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"math"
)

// SourceMinSide is the long side a photo keeps when it is decoded at
// reduced size: the smallest the steps after Decode need. Face detection
// works on at most detectMaxSide (1000) px; the card photo needs a crop of
// CardHeight (900) px for its full 700×900, and SuggestCrop makes the head
// three quarters of the crop, so at 2000 px of height (a phone photo held
// upright) a head taking a third of the photo still gets a 686×882 card
// photo, a larger head the full size. A 12 MP photo (4000×3000) is decoded
// at half size; 1080p stills and photos up to 4000 px long at full size.
const SourceMinSide = 2000

// jpegScaled is the size libjpeg gives a w×h image decoded at 1/denom:
// each side divided and rounded up.
func jpegScaled(w, h, denom int) image.Point {
	return image.Pt((w+denom-1)/denom, (h+denom-1)/denom)
}

// sourceDenom is the reduction a w×h photo is decoded at: the largest of
// 1/1, 1/2, 1/4 and 1/8 (libjpeg's DCT-domain scales that need no
// resampling) that keeps its long side at least SourceMinSide.
func sourceDenom(w, h int) int {
	long, d := max(w, h), 1
	for d < 8 && (long+2*d-1)/(2*d) >= SourceMinSide {
		d *= 2
	}
	return d
}

// sourceSize is the size of the Source of a w×h photo (before turning it
// upright): scaled by sourceDenom, then to at most SourceMaxSide a side.
// Both decoders (libjpeg-turbo and the pure-Go fallback) give this size.
func sourceSize(w, h int) image.Point {
	s := jpegScaled(w, h, sourceDenom(w, h))
	if long := max(s.X, s.Y); long > SourceMaxSide {
		s = image.Pt(
			max(1, int(math.Round(float64(s.X)*SourceMaxSide/float64(long)))),
			max(1, int(math.Round(float64(s.Y)*SourceMaxSide/float64(long)))),
		)
	}
	return s
}

// toSize converts img to an *image.RGBA of the given size at the origin
// (area averaging when smaller, a copy when the same size), compositing
// transparent pixels on white.
func toSize(img image.Image, size image.Point) *image.RGBA {
	if rgba, ok := img.(*image.RGBA); ok && rgba.Rect == (image.Rectangle{Max: size}) {
		return rgba
	}
	if img.Bounds().Size() == size {
		return fitRGBA(img, max(size.X, size.Y))
	}
	return shrink(img, size.X, size.Y)
}

// decodeJPEGSource decodes a JPEG whose header said cfg (already checked
// against the limits) at sourceSize: with libjpeg-turbo at a reduced scale
// where the build has it, else (and for CMYK) with image/jpeg at full size,
// then scaled down.
func decodeJPEGSource(data []byte, cfg image.Config) (*image.RGBA, error) {
	w, h := cfg.Width, cfg.Height
	size := sourceSize(w, h)
	if turbo {
		img, err := turboDecode(data, w, h, sourceDenom(w, h), turboMem(data, int64(w), int64(h)))
		switch {
		case err == nil:
			return toSize(img, size), nil
		case !errors.Is(err, errUnsupported):
			return nil, err
		}
	}
	return goDecodeJPEGSource(data, cfg, size)
}

// goDecodeJPEGSource is decodeJPEGSource with image/jpeg.
func goDecodeJPEGSource(data []byte, cfg image.Config, size image.Point) (*image.RGBA, error) {
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	if b := img.Bounds(); b.Dx() != cfg.Width || b.Dy() != cfg.Height {
		return nil, fmt.Errorf("size %v differs from the header", b.Size())
	}
	return toSize(img, size), nil
}

// turboMem bounds the memory libjpeg-turbo may take for a w×h JPEG: the
// coefficients of a progressive one (two bytes a sample, all scans kept
// until the last) and its row buffers. It is part of decodeCost.
func turboMem(data []byte, w, h int64) int64 {
	coef := 2 * 3 * w * h // the worst case: progressive, three full-size components
	if progressive, comps, ok := jpegFrame(data); ok {
		coef = 0
		if progressive {
			coef = 2 * jpegSamples(comps, w, h)
		}
	}
	return coef + 64*w*4 + 8<<20
}

// EncodeJPEG encodes img as a JPEG of this quality (1–100) without any
// metadata: with libjpeg-turbo where the build has it, else image/jpeg.
func EncodeJPEG(img *image.RGBA, quality int) ([]byte, error) {
	if turbo {
		return turboEncode(img, quality)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
