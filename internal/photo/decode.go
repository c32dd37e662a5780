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
	// scaled down on decode (see also SourceMinSide).
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

// Upload is a photo whose header has been read and checked; no pixel has
// been decoded yet, and the rest of the file is read by Decode.
type Upload struct {
	data        []byte    // the file as far as read
	rest        io.Reader // the rest of it (nil: all read)
	maxBytes    int64
	format      format
	cfg         image.Config
	orientation int
}

// Reading the header: in chunks of headerChunk bytes until the first scan
// (JPEG) or IHDR (PNG), at most maxHeader bytes: the segments before a
// JPEG's pixels (EXIF with its thumbnail, XMP, ICC) take tens of kilobytes.
const (
	headerChunk = 64 << 10
	maxHeader   = 1 << 20
)

// Read reads the header of a JPEG or PNG photo of at most maxBytes bytes
// and checks it without decoding any pixel or reading the rest of the file:
// the format by content, the dimensions (at most MaxSide a side and
// MaxPixels in all; upright, room for a MinCropWidth×MinCropHeight crop).
// So a request waiting for its turn in the Budget holds kilobytes, not the
// whole photo; Decode reads the rest from r, which must stay open till then.
//
// Errors: ErrTooLarge, ErrFormat, ErrDimensions, ErrTooSmall, or a read error
// from r.
func Read(r io.Reader, maxBytes int64) (*Upload, error) {
	if maxBytes <= 0 {
		return nil, fmt.Errorf("photo: decode: byte limit %d is not positive", maxBytes)
	}
	u := &Upload{rest: r, maxBytes: maxBytes, orientation: 1}
	for u.rest != nil && !headerRead(u.data) && len(u.data) < maxHeader {
		if err := u.readMore(headerChunk); err != nil {
			return nil, err
		}
	}
	var err error
	switch u.format = sniff(u.data); u.format {
	case formatJPEG:
		u.cfg, err = jpeg.DecodeConfig(bytes.NewReader(u.data))
		u.orientation = exifOrientation(u.data)
	case formatPNG:
		u.cfg, err = png.DecodeConfig(bytes.NewReader(u.data))
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

// readMore reads up to n more bytes of the file (all of it when n < 0),
// refusing more than maxBytes in all.
func (u *Upload) readMore(n int64) error {
	limit := u.maxBytes + 1 - int64(len(u.data)) // one byte more tells "exactly maxBytes" from "more"
	if n >= 0 {
		limit = min(limit, n)
	}
	buf := bytes.NewBuffer(u.data)
	got, err := buf.ReadFrom(io.LimitReader(u.rest, limit))
	u.data = buf.Bytes()
	if err != nil {
		return fmt.Errorf("photo: read upload: %w", err)
	}
	if int64(len(u.data)) > u.maxBytes {
		return fmt.Errorf("photo: read upload: %w (limit %d bytes)", ErrTooLarge, u.maxBytes)
	}
	if got < limit || n < 0 {
		u.rest = nil // end of file
	}
	return nil
}

// headerRead reports whether b holds a JPEG's segments up to its first scan
// or a PNG's IHDR, or cannot be either: enough to check the header.
func headerRead(b []byte) bool {
	if len(b) < 8 {
		return false
	}
	switch sniff(b) {
	case formatJPEG:
		return jpegHeaderEnd(b)
	case formatPNG:
		return len(b) >= 33 // signature and IHDR
	}
	return true
}

// jpegHeaderEnd reports whether b holds a JPEG's marker segments up to the
// first start of scan (or is damaged before it).
func jpegHeaderEnd(b []byte) bool {
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			return true // damaged: reading more will not help
		}
		m := b[i+1]
		switch {
		case m == 0xFF:
			i++
			continue
		case m == 0x01 || (m >= 0xD0 && m <= 0xD8):
			i += 2
			continue
		case m == 0xDA || m == 0xD9:
			return true
		}
		n := int(b[i+2])<<8 | int(b[i+3])
		if n < 2 {
			return true
		}
		i += 2 + n
	}
	return false
}

// Size is the photo's size upright (after its EXIF orientation).
func (u *Upload) Size() image.Point {
	if u.orientation >= 5 { // 5–8 swap the axes
		return image.Pt(u.cfg.Height, u.cfg.Width)
	}
	return image.Pt(u.cfg.Width, u.cfg.Height)
}

// Cost estimates the bytes decoding the photo and working on its Source
// take at their peak, from the header alone (see decodeCost), with the file
// itself (its byte limit while not read in full).
func (u *Upload) Cost() int64 {
	file := int64(len(u.data))
	if u.rest != nil {
		file = u.maxBytes
	}
	return file + decodeCost(u.data, u.format, u.cfg)
}

// Decode reads the rest of the file, decodes the pixels at the Source's
// size (sourceSize: a 12 MP JPEG at half size, in the DCT domain where the
// build has libjpeg-turbo), applies the EXIF orientation and composites
// transparent PNGs on white.
//
// Errors: ErrTooLarge, ErrFormat, or a read error.
func (u *Upload) Decode() (*Source, error) {
	if u.rest != nil {
		if err := u.readMore(-1); err != nil {
			return nil, err
		}
	}
	var rgba *image.RGBA
	var err error
	switch u.format {
	case formatJPEG:
		rgba, err = decodeJPEGSource(u.data, u.cfg)
	case formatPNG:
		var img image.Image
		if img, err = png.Decode(bytes.NewReader(u.data)); err == nil {
			if b := img.Bounds(); b.Dx() != u.cfg.Width || b.Dy() != u.cfg.Height {
				err = fmt.Errorf("size %v differs from the header", b.Size())
			} else {
				rgba = toSize(img, sourceSize(u.cfg.Width, u.cfg.Height))
			}
		}
	default:
		err = errors.New("unknown format")
	}
	if err != nil {
		return nil, fmt.Errorf("photo: decode pixels: %w: %w", ErrFormat, err)
	}
	rgba = orient(rgba, u.orientation)
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
