package photo

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"
	"io"
	"math"
)

// Limits on what Decode accepts and produces.
const (
	// MaxPixels and MaxSide bound an image's header dimensions before any
	// pixel is decoded, so a small file cannot make Decode allocate gigabytes.
	MaxPixels = 40_000_000
	MaxSide   = 12000
	// MinSide is the least either side may measure: smaller photos cannot
	// yield a card photo.
	MinSide = 300
	// SourceMaxSide is the longest side of Source.Image; larger photos are
	// scaled down on decode.
	SourceMaxSide = 2400
)

// Errors returned by Decode, Render and Thumbnail, wrapped with context;
// test with errors.Is.
var (
	ErrTooLarge   = errors.New("the file is too large")
	ErrFormat     = errors.New("not a readable JPEG or PNG image")
	ErrDimensions = errors.New("the image has too many pixels")
	ErrTooSmall   = errors.New("the image is too small")
	ErrCrop       = errors.New("the crop is not a 35:45 rectangle inside the image")
	ErrResolution = errors.New("the crop has too few pixels for a card photo")
)

// Source is a decoded photo, turned upright and scaled so that its longer
// side is at most SourceMaxSide. Crops and face boxes are in its pixels.
type Source struct {
	// Image has its origin at (0, 0).
	Image *image.RGBA
	// Size is Image's width and height.
	Size image.Point
}

type format int

const (
	formatUnknown format = iota
	formatJPEG
	formatPNG
)

// sniff tells the format by the file's first bytes, not by its name.
func sniff(b []byte) format {
	switch {
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return formatJPEG
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return formatPNG
	}
	return formatUnknown
}

// Decode reads a JPEG or PNG photo of at most maxBytes bytes. It checks the
// format by content and the dimensions from the header before decoding any
// pixels, applies the EXIF orientation of JPEGs, composites transparent PNGs
// on white and scales the result to at most SourceMaxSide.
//
// Errors: ErrTooLarge, ErrFormat, ErrDimensions, ErrTooSmall, or a read error
// from r.
func Decode(r io.Reader, maxBytes int64) (*Source, error) {
	if maxBytes <= 0 {
		return nil, fmt.Errorf("photo: decode: byte limit %d is not positive", maxBytes)
	}
	limit := maxBytes
	if limit < math.MaxInt64 {
		limit++ // one byte more tells "exactly maxBytes" from "more"
	}
	data, err := io.ReadAll(io.LimitReader(r, limit))
	if err != nil {
		return nil, fmt.Errorf("photo: read upload: %w", err)
	}
	if int64(len(data)) > maxBytes {
		return nil, fmt.Errorf("photo: read upload: %w (limit %d bytes)", ErrTooLarge, maxBytes)
	}

	f := sniff(data)
	var cfg image.Config
	switch f {
	case formatJPEG:
		cfg, err = jpeg.DecodeConfig(bytes.NewReader(data))
	case formatPNG:
		cfg, err = png.DecodeConfig(bytes.NewReader(data))
	default:
		return nil, fmt.Errorf("photo: decode: %w", ErrFormat)
	}
	if err != nil {
		return nil, fmt.Errorf("photo: read image header: %w: %w", ErrFormat, err)
	}
	if err := checkDimensions(cfg.Width, cfg.Height); err != nil {
		return nil, err
	}
	if err := checkMinimum(cfg.Width, cfg.Height); err != nil {
		return nil, err
	}

	var img image.Image
	orientation := 1
	switch f {
	case formatJPEG:
		img, err = jpeg.Decode(bytes.NewReader(data))
		orientation = exifOrientation(data)
	case formatPNG:
		img, err = png.Decode(bytes.NewReader(data))
	}
	if err != nil {
		return nil, fmt.Errorf("photo: decode pixels: %w: %w", ErrFormat, err)
	}
	if b := img.Bounds(); b.Dx() != cfg.Width || b.Dy() != cfg.Height {
		return nil, fmt.Errorf("photo: decode pixels: %w: size %v differs from the header", ErrFormat, b.Size())
	}

	rgba := orient(fitRGBA(img, SourceMaxSide), orientation)
	return &Source{Image: rgba, Size: rgba.Rect.Size()}, nil
}

// checkDimensions refuses headers whose pixels would take too much memory.
func checkDimensions(w, h int) error {
	if w <= 0 || h <= 0 || w > MaxSide || h > MaxSide || int64(w)*int64(h) > MaxPixels {
		return fmt.Errorf("photo: %d×%d px: %w (at most %d px a side and %d megapixels)",
			w, h, ErrDimensions, MaxSide, MaxPixels/1_000_000)
	}
	return nil
}

func checkMinimum(w, h int) error {
	if w < MinSide || h < MinSide {
		return fmt.Errorf("photo: %d×%d px: %w (at least %d px a side)", w, h, ErrTooSmall, MinSide)
	}
	return nil
}

// fitRGBA converts img to an *image.RGBA at the origin, scaled down by area
// averaging so that its longer side is at most maxSide. Transparent pixels
// are composited on white: a card photo has no alpha.
func fitRGBA(img image.Image, maxSide int) *image.RGBA {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if long := max(w, h); long > maxSide {
		w = max(1, int(math.Round(float64(w)*float64(maxSide)/float64(long))))
		h = max(1, int(math.Round(float64(h)*float64(maxSide)/float64(long))))
		return shrink(img, w, h)
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	op := draw.Src
	if o, ok := img.(interface{ Opaque() bool }); !ok || !o.Opaque() {
		draw.Draw(dst, dst.Rect, image.White, image.Point{}, draw.Src)
		op = draw.Over
	}
	draw.Draw(dst, dst.Rect, img, b.Min, op)
	return dst
}
