//go:build !cgo

package photo

import (
	"errors"
	"image"
)

// Without cgo there is no libjpeg-turbo: JPEGs are decoded and encoded by
// image/jpeg (slower; the same sizes and results within rounding).
const turbo = false

var errUnsupported = errors.New("photo: built without cgo: no libjpeg-turbo")

func turboDecode(data []byte, w, h, denom int, maxMem int64) (*image.RGBA, error) {
	return nil, errUnsupported
}

func turboEncode(img *image.RGBA, quality int) ([]byte, error) {
	return nil, errUnsupported
}
