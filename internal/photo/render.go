package photo

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"math"
)

// Render cuts crop (in src's pixels) out of src and encodes it as the card
// photo at the best size the crop allows: 7k×9k px for the largest k with
// 7k ≤ min(crop width, CardWidth), so never larger than the crop (no
// upscaling) and at most CardWidth×CardHeight. JPEG quality 90, no metadata
// (Go's encoder writes no EXIF, ICC or comment segments).
//
// Errors: ErrCrop when crop is not inside the image or not 35:45 within 1 %;
// ErrResolution when it is smaller than MinCropWidth×MinCropHeight px (ID06's
// minimum).
func Render(src *Source, crop image.Rectangle) ([]byte, error) {
	if src == nil || src.Image == nil {
		return nil, errors.New("photo: render: no source image")
	}
	if crop.Empty() || !crop.In(src.Image.Rect) {
		return nil, fmt.Errorf("photo: render crop %v of a %v image: %w", crop, src.Image.Rect.Size(), ErrCrop)
	}
	w, h := crop.Dx(), crop.Dy()
	if ratio := float64(w*45) / float64(h*35); math.Abs(ratio-1) > 0.01 {
		return nil, fmt.Errorf("photo: render crop %d×%d: %w", w, h, ErrCrop)
	}
	if w < MinCropWidth || h < MinCropHeight {
		return nil, fmt.Errorf("photo: render crop %d×%d: %w (at least %d×%d px)",
			w, h, ErrResolution, MinCropWidth, MinCropHeight)
	}
	size := CardSize(crop.Size())
	var dst *image.RGBA
	if size == crop.Size() {
		dst = image.NewRGBA(image.Rectangle{Max: size})
		draw.Draw(dst, dst.Rect, src.Image, crop.Min, draw.Src)
	} else {
		// Area averaging, one source row at a time: a kernel scaler
		// (x/image/draw's CatmullRom) holds width × crop height × 32 bytes
		// of sums and took a quarter of an upload's time.
		dst = shrink(src.Image.SubImage(crop), size.X, size.Y)
	}
	card, err := EncodeJPEG(dst, 90)
	if err != nil {
		return nil, fmt.Errorf("photo: encode card photo: %w", err)
	}
	return card, nil
}

// CardSize is the size Render gives the card photo of a crop of this size:
// 7k×9k px, k as large as the crop allows up to CardWidth×CardHeight.
func CardSize(crop image.Point) image.Point {
	k := max(1, min(CardWidth/7, crop.X/7, crop.Y/9))
	return image.Pt(7*k, 9*k)
}

// Thumbnail scales a JPEG (a rendered card photo) to width px wide, keeping
// its aspect ratio and never enlarging it, and encodes it at quality 80.
//
// It scales by area averaging: each thumbnail pixel is the mean of the
// photo's pixels under it, read one source row at a time, and a decoded
// JPEG's luma and chroma planes are averaged as they are (shrinkYCbCr). A
// kernel scaler (x/image/draw) keeps width × photo height × 32 bytes of
// intermediate sums (4 MB for a 700×900 card photo) and costs three to four
// decodes of the photo; this costs little more than the decode, so
// importing a kiosk's bundle of a thousand registrations is not held up by
// its thumbnails.
func Thumbnail(jpegData []byte, width int) ([]byte, error) {
	if width < 1 {
		return nil, fmt.Errorf("photo: thumbnail width %d is not positive", width)
	}
	img, err := decodeThumbSource(jpegData, width)
	if err != nil {
		return nil, fmt.Errorf("photo: thumbnail: %w", err)
	}
	b := img.Bounds()
	width = min(width, b.Dx())
	height := max(1, int(math.Round(float64(b.Dy())*float64(width)/float64(b.Dx()))))
	height = min(height, b.Dy())
	var dst image.Image
	if y, ok := img.(*image.YCbCr); ok && (width < b.Dx() || height < b.Dy()) {
		dst, ok = shrinkYCbCr(y, width, height)
		if !ok {
			dst = shrink(img, width, height)
		}
	} else if width < b.Dx() || height < b.Dy() {
		dst = shrink(img, width, height)
	} else {
		dst = fitRGBA(img, max(width, height)) // no scaling: a copy
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 80}); err != nil {
		return nil, fmt.Errorf("photo: encode thumbnail: %w", err)
	}
	return buf.Bytes(), nil
}

// decodeThumbSource decodes a stored JPEG for a thumbnail width px wide:
// with libjpeg-turbo at the smallest DCT-domain scale (1/1 to 1/8) still
// at least width wide, where the build has it (a 700×900 card photo is
// decoded at 175×225 for a 140 px thumbnail: every block is still entropy
// decoded, so a damaged file is still refused), else decodeJPEG.
func decodeThumbSource(data []byte, width int) (image.Image, error) {
	if !turbo || sniff(data) != formatJPEG {
		return decodeJPEG(data)
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	if err := checkDimensions(cfg.Width, cfg.Height); err != nil {
		return nil, err
	}
	d := 1
	for d < 8 && jpegScaled(cfg.Width, cfg.Height, 2*d).X >= width {
		d *= 2
	}
	img, err := turboDecode(data, cfg.Width, cfg.Height, d, turboMem(data, int64(cfg.Width), int64(cfg.Height)))
	if errors.Is(err, errUnsupported) {
		return decodeJPEG(data)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	return img, nil
}

// decodeCard decodes a stored JPEG (a card photo) after checking its header
// dimensions: with libjpeg-turbo into RGBA where the build has it, else
// decodeJPEG.
func decodeCard(data []byte) (image.Image, error) {
	if !turbo || sniff(data) != formatJPEG {
		return decodeJPEG(data)
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	if err := checkDimensions(cfg.Width, cfg.Height); err != nil {
		return nil, err
	}
	img, err := turboDecode(data, cfg.Width, cfg.Height, 1, turboMem(data, int64(cfg.Width), int64(cfg.Height)))
	if errors.Is(err, errUnsupported) {
		return decodeJPEG(data)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	return img, nil
}

// decodeJPEG decodes a stored JPEG after checking its header dimensions.
func decodeJPEG(data []byte) (image.Image, error) {
	if sniff(data) != formatJPEG {
		return nil, ErrFormat
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	if err := checkDimensions(cfg.Width, cfg.Height); err != nil {
		return nil, err
	}
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	return img, nil
}
