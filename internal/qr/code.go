package qr

import (
	"errors"
	"fmt"

	qrcode "github.com/skip2/go-qrcode"
)

// Level is a QR code's error-correction level.
type Level = qrcode.RecoveryLevel

// The error-correction levels in use.
const (
	Low    Level = qrcode.Low    // recovers about 7 % of the code
	Medium Level = qrcode.Medium // about 15 %
)

// Code is an encoded QR symbol: Size×Size modules without the quiet zone,
// Dark[y*Size+x] == 1 for a dark module.
type Code struct {
	Size int
	Dark []byte
}

// Encode encodes data at level with github.com/skip2/go-qrcode (the
// smallest version that holds it, the mask of the lowest penalty) and
// returns its modules without the quiet zone.
func Encode(data string, level Level) (*Code, error) {
	if data == "" {
		return nil, errors.New("QR code: no data")
	}
	q, err := qrcode.New(data, level)
	if err != nil {
		return nil, fmt.Errorf("QR code: %w", err)
	}
	q.DisableBorder = true
	bits := q.Bitmap()
	n := len(bits)
	c := &Code{Size: n, Dark: make([]byte, n*n)}
	for y, row := range bits {
		for x, dark := range row {
			if dark {
				c.Dark[y*n+x] = 1
			}
		}
	}
	return c, nil
}
