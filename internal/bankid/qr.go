package bankid

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strconv"

	qrcode "github.com/skip2/go-qrcode"
)

// QRData returns the content of the animated QR code the given number of
// whole seconds after the auth answer:
//
//	bankid.<qrStartToken>.<seconds>.<qrAuthCode>
//
// where qrAuthCode is the lower-case hex HMAC-SHA256 of the decimal seconds,
// keyed with the qrStartSecret string's bytes. The code must be redrawn every
// second. Negative seconds count as 0.
func QRData(qrStartToken, qrStartSecret string, seconds int) string {
	seconds = max(seconds, 0)
	t := strconv.Itoa(seconds)
	mac := hmac.New(sha256.New, []byte(qrStartSecret))
	mac.Write([]byte(t))
	return "bankid." + qrStartToken + "." + t + "." + hex.EncodeToString(mac.Sum(nil))
}

// QRPNG draws data as a QR code in a two-colour PNG of size×size pixels
// (error correction L, which the BankID app reads well at screen sizes, a
// 4-module quiet zone, whole pixels per module, centred). If size is too
// small for one pixel per module the image is as large as the code needs.
func QRPNG(data string, size int) ([]byte, error) {
	if data == "" {
		return nil, errors.New("QR code: no data")
	}
	// Assumption: BankID does not prescribe an error-correction level; the
	// data (~100 characters) fits in a small code at level L, which keeps the
	// modules large for the phone camera.
	q, err := qrcode.New(data, qrcode.Low)
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
