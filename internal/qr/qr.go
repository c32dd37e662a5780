// Package qr draws QR codes as PNG images. It is the one renderer: the
// invitation link's code (mailed and shown in the console, see Link) and
// BankID's animated code both come from PNG.
package qr

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"

	qrcode "github.com/skip2/go-qrcode"
)

// Level is a QR code's error-correction level.
type Level = qrcode.RecoveryLevel

// The error-correction levels in use.
const (
	Low    Level = qrcode.Low
	Medium Level = qrcode.Medium
)

// LinkSize is the width and height in pixels of an invitation link's code.
const LinkSize = 288

// Link draws an invitation (registration) link: error correction M,
// LinkSize pixels square. The mailed invitation and the console's
// /api/invitations/{id}/qr.png are this image, byte for byte.
func Link(link string) ([]byte, error) {
	return PNG(link, Medium, LinkSize)
}

// PNG draws data as a QR code in a two-colour PNG of size×size pixels (a
// 4-module quiet zone, whole pixels per module, centred). If size is too
// small for one pixel per module the image is as large as the code needs.
// It builds the image from the module bitmap and encodes it at best speed:
// the library's own PNG path costs more than the encoding of the code itself
// on a large batch of mails.
func PNG(data string, level Level, size int) ([]byte, error) {
	if data == "" {
		return nil, errors.New("QR code: no data")
	}
	q, err := qrcode.New(data, level)
	if err != nil {
		return nil, fmt.Errorf("QR code: %w", err)
	}
	bits := q.Bitmap() // includes the quiet zone
	n := len(bits)
	scale := max(1, size/n)
	side := max(size, n*scale)
	pad := (side - n*scale) / 2
	img := image.NewPaletted(image.Rect(0, 0, side, side), color.Palette{color.White, color.Black})
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
