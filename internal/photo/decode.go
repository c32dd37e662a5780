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
	// pixel is decoded, so a small file cannot make Decode allocate
	// gigabytes: a 36 MP progressive JPEG of 422 KB costs ~600 MB to decode.
	// 25 MP takes any camera's normal mode (6000×4000); a card photo needs
	// far less.
	MaxPixels = 25_000_000
	MaxSide   = 12000
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

// Decode reads a JPEG or PNG photo of at most maxBytes bytes and decodes
// it: Read, then Upload.Decode.
func Decode(r io.Reader, maxBytes int64) (*Source, error) {
	u, err := Read(r, maxBytes)
	if err != nil {
		return nil, err
	}
	return u.Decode()
}

// Upload is a photo read into memory whose header has been checked; no
// pixel has been decoded yet.
type Upload struct {
	data        []byte
	format      format
	cfg         image.Config
	orientation int
}

// Read reads a JPEG or PNG photo of at most maxBytes bytes and checks it
// without decoding its pixels: the format by content, the dimensions from
// the header (at most MaxSide a side and MaxPixels in all; upright, room for
// a MinCropWidth×MinCropHeight crop).
//
// Errors: ErrTooLarge, ErrFormat, ErrDimensions, ErrTooSmall, or a read error
// from r.
func Read(r io.Reader, maxBytes int64) (*Upload, error) {
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

	u := &Upload{data: data, format: sniff(data), orientation: 1}
	switch u.format {
	case formatJPEG:
		u.cfg, err = jpeg.DecodeConfig(bytes.NewReader(data))
		u.orientation = exifOrientation(data)
	case formatPNG:
		u.cfg, err = png.DecodeConfig(bytes.NewReader(data))
	default:
		return nil, fmt.Errorf("photo: decode: %w", ErrFormat)
	}
	if err != nil {
		return nil, fmt.Errorf("photo: read image header: %w: %w", ErrFormat, err)
	}
	if err := checkDimensions(u.cfg.Width, u.cfg.Height); err != nil {
		return nil, err
	}
	if err := checkMinimum(u.Size()); err != nil {
		return nil, err
	}
	return u, nil
}

// Size is the photo's size upright (after its EXIF orientation).
func (u *Upload) Size() image.Point {
	if u.orientation >= 5 { // 5–8 swap the axes
		return image.Pt(u.cfg.Height, u.cfg.Width)
	}
	return image.Pt(u.cfg.Width, u.cfg.Height)
}

// Cost estimates the bytes decoding the photo and working on its Source
// take at their peak, from the header alone (see decodeCost).
func (u *Upload) Cost() int64 {
	return decodeCost(u.data, u.format, u.cfg)
}

// Decode decodes the pixels, applies the EXIF orientation, composites
// transparent PNGs on white and scales the result to at most SourceMaxSide.
//
// Errors: ErrFormat.
func (u *Upload) Decode() (*Source, error) {
	var img image.Image
	var err error
	switch u.format {
	case formatJPEG:
		img, err = jpeg.Decode(bytes.NewReader(u.data))
	case formatPNG:
		img, err = png.Decode(bytes.NewReader(u.data))
	default:
		err = errors.New("unknown format")
	}
	if err != nil {
		return nil, fmt.Errorf("photo: decode pixels: %w: %w", ErrFormat, err)
	}
	if b := img.Bounds(); b.Dx() != u.cfg.Width || b.Dy() != u.cfg.Height {
		return nil, fmt.Errorf("photo: decode pixels: %w: size %v differs from the header", ErrFormat, b.Size())
	}
	rgba := orient(fitRGBA(img, SourceMaxSide), u.orientation)
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

// checkMinimum refuses photos (upright) that cannot hold ID06's smallest
// card photo.
func checkMinimum(size image.Point) error {
	if size.X < MinCropWidth || size.Y < MinCropHeight {
		return fmt.Errorf("photo: %d×%d px: %w (at least %d×%d px)", size.X, size.Y, ErrTooSmall, MinCropWidth, MinCropHeight)
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
