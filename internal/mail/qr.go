package mail

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"

	qrcode "github.com/skip2/go-qrcode"
)

// qrPNG draws link as a QR code (error correction M, 4-module quiet zone) in
// a two-colour PNG of size×size pixels (whole pixels per module, centred). It builds the image from the
// module bitmap and encodes it at best speed: the library's own PNG path
// costs more than the encoding of the code itself on a large batch.
func qrPNG(link string, size int) ([]byte, error) {
	q, err := qrcode.New(link, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("QR code: %w", err)
	}
	bits := q.Bitmap() // includes the quiet zone
	n := len(bits)
	scale := max(1, size/n)
	pad := max(0, (size-n*scale)/2)
	img := image.NewPaletted(image.Rect(0, 0, max(size, n*scale), max(size, n*scale)), color.Palette{color.White, color.Black})
	for y, row := range bits {
		for x, dark := range row {
			if !dark {
				continue
			}
			for dy := range scale {
				off := img.PixOffset(pad+x*scale, pad+y*scale+dy)
				for dx := range scale {
					img.Pix[off+dx] = 1
				}
			}
		}
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("QR code: %w", err)
	}
	return buf.Bytes(), nil
}
