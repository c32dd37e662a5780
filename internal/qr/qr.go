// Package qr draws QR codes as PNG images. It is the one renderer: the
// invitation link's code (mailed and shown in the console, see Link) and
// BankID's animated code both come from PNG.
package qr

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"sync"
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
func PNG(data string, level Level, size int) ([]byte, error) {
	c, err := Encode(data, level)
	if err != nil {
		return nil, err
	}
	n := c.Size + 2*QuietZone
	scale := max(1, size/n)
	side := max(size, n*scale)
	return c.png(side, scale, (side-n*scale)/2)
}

// QuietZone is the light border around a code, in modules.
const QuietZone = 4

// Grid draws data as the bare module grid: one pixel per module with the
// quiet zone, a 1-bit paletted PNG of Modules×Modules pixels (a few hundred
// bytes). A mail shows it scaled up with crisp edges (LinkHTMLSize); it is a
// fraction of the work of a PNG drawn at display size.
func Grid(data string, level Level) (img []byte, modules int, err error) {
	c, err := Encode(data, level)
	if err != nil {
		return nil, 0, err
	}
	n := c.Size + 2*QuietZone
	img, err = c.png(n, 1, 0)
	return img, n, err
}

// DisplaySize is the side in pixels at which a grid of modules modules is
// shown in place of a LinkSize image: the largest whole number of pixels per
// module that fits, so every module is drawn as a square of equal size.
func DisplaySize(modules int) int {
	return modules * max(1, LinkSize/modules)
}

// png draws the code scale pixels per module, the quiet zone's top left
// corner at (pad, pad), on a side×side canvas.
func (c *Code) png(side, scale, pad int) ([]byte, error) {
	img := image.NewPaletted(image.Rect(0, 0, side, side), palette)
	off0 := pad + QuietZone*scale
	for y := range c.Size {
		row := c.Dark[y*c.Size : (y+1)*c.Size]
		for x, dark := range row {
			if dark == 0 {
				continue
			}
			for dy := range scale {
				off := img.PixOffset(off0+x*scale, off0+y*scale+dy)
				for dx := range scale {
					img.Pix[off+dx] = 1
				}
			}
		}
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: encoders}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("QR code: %w", err)
	}
	return buf.Bytes(), nil
}

var palette = color.Palette{color.White, color.Black}

// encoders keeps PNG encoders' buffers and compressors between images: a
// new flate compressor per image cost as much as drawing a small code.
var encoders = &pool{}

type pool struct{ p sync.Pool }

func (p *pool) Get() *png.EncoderBuffer {
	b, _ := p.p.Get().(*png.EncoderBuffer)
	return b
}

func (p *pool) Put(b *png.EncoderBuffer) { p.p.Put(b) }
