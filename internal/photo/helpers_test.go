package photo

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/jpeg"
	"os"
	"testing"

	xdraw "golang.org/x/image/draw"
)

// samplePath is pigo's testdata/sample.jpg, a 320×400 passport-style photo,
// copied by `make pigo-assets`. In it the hair starts at y≈14, the eyes are
// at (115, 183) and (205, 183), the chin ends at y≈345.
const samplePath = "testdata/pigo-sample.jpg"

func loadSample(tb testing.TB) *image.RGBA {
	tb.Helper()
	data, err := os.ReadFile(samplePath)
	if err != nil {
		tb.Fatalf("read the pigo sample (run `make pigo-assets`): %v", err)
	}
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		tb.Fatalf("decode %s: %v", samplePath, err)
	}
	return toRGBA(img)
}

func toRGBA(img image.Image) *image.RGBA {
	b := img.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	xdraw.Draw(dst, dst.Rect, img, b.Min, xdraw.Src)
	return dst
}

// scaled returns img scaled by k with Catmull-Rom.
func scaled(img image.Image, k float64) *image.RGBA {
	b := img.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, int(float64(b.Dx())*k+0.5), int(float64(b.Dy())*k+0.5)))
	xdraw.CatmullRom.Scale(dst, dst.Rect, img, b, xdraw.Src, nil)
	return dst
}

// padded places src at offset at in a canvas of the given size and fills the
// rest by repeating src's edge pixels, so the background and the shirt go on
// beyond the original frame.
func padded(src *image.RGBA, size, at image.Point) *image.RGBA {
	dst := image.NewRGBA(image.Rectangle{Max: size})
	w, h := src.Rect.Dx(), src.Rect.Dy()
	for y := range size.Y {
		sy := min(max(y-at.Y, 0), h-1)
		srow := src.Pix[sy*src.Stride : sy*src.Stride+4*w]
		drow := dst.Pix[y*dst.Stride : y*dst.Stride+4*size.X]
		for x := range size.X {
			sx := min(max(x-at.X, 0), w-1)
			copy(drow[4*x:4*x+4], srow[4*sx:4*sx+4])
		}
	}
	return dst
}

// mirrored flips img left to right.
func mirrored(src *image.RGBA) *image.RGBA {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	dst := image.NewRGBA(src.Rect)
	for y := range h {
		for x := range w {
			copy(dst.Pix[dst.PixOffset(w-1-x, y):][:4], src.Pix[src.PixOffset(x, y):][:4])
		}
	}
	return dst
}

// sideBySide puts a and b (of the same height) next to each other.
func sideBySide(a, b *image.RGBA) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, a.Rect.Dx()+b.Rect.Dx(), a.Rect.Dy()))
	xdraw.Draw(dst, a.Rect, a, image.Point{}, xdraw.Src)
	xdraw.Draw(dst, b.Rect.Add(image.Pt(a.Rect.Dx(), 0)), b, image.Point{}, xdraw.Src)
	return dst
}

// mapRGB applies f to every colour channel.
func mapRGB(src *image.RGBA, f func(v float64) float64) *image.RGBA {
	dst := image.NewRGBA(src.Rect)
	for i, v := range src.Pix {
		if i%4 == 3 {
			dst.Pix[i] = v
			continue
		}
		dst.Pix[i] = uint8(min(255, max(0, f(float64(v))+0.5)))
	}
	return dst
}

// gradient is a smooth diagonal ramp: no face anywhere.
func gradient(w, h int) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		row := dst.Pix[y*dst.Stride:]
		for x := range w {
			copy(row[4*x:4*x+4], []uint8{uint8(40 + 160*x/w), uint8(60 + 120*y/h), uint8(200 - 150*x/w), 255})
		}
	}
	return dst
}

func encodeJPEG(tb testing.TB, img image.Image, quality int) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		tb.Fatalf("encode JPEG: %v", err)
	}
	return buf.Bytes()
}

func mustDecode(tb testing.TB, data []byte) *Source {
	tb.Helper()
	src, err := Decode(bytes.NewReader(data), 10<<20)
	if err != nil {
		tb.Fatalf("Decode: %v", err)
	}
	return src
}

// difference is the mean absolute luma difference (0–255) of a and b both
// scaled to 35×45: a cheap measure of "the same picture, same way up".
func difference(a, b image.Image) float64 {
	small := func(img image.Image) *image.RGBA {
		dst := image.NewRGBA(image.Rect(0, 0, 35, 45))
		xdraw.BiLinear.Scale(dst, dst.Rect, img, img.Bounds(), xdraw.Src, nil)
		return dst
	}
	sa, sb := small(a), small(b)
	var sum float64
	for i := 0; i < len(sa.Pix); i += 4 {
		la := luma8(sa.Pix[i], sa.Pix[i+1], sa.Pix[i+2])
		lb := luma8(sb.Pix[i], sb.Pix[i+1], sb.Pix[i+2])
		sum += float64(max(la, lb) - min(la, lb))
	}
	return sum / float64(35*45)
}

// exifSegment builds an APP1 segment whose IFD0 holds the given tags (each a
// SHORT with one value), in big- or little-endian byte order.
func exifSegment(bigEndian bool, tags ...[2]uint16) []byte {
	var bo interface {
		binary.ByteOrder
		binary.AppendByteOrder
	} = binary.LittleEndian
	tiff := []byte("II*\x00\x00\x00\x00\x00")
	if bigEndian {
		bo = binary.BigEndian
		tiff = []byte("MM\x00*\x00\x00\x00\x00")
	}
	bo.PutUint32(tiff[4:], 8)
	tiff = bo.AppendUint16(tiff, uint16(len(tags)))
	for _, tag := range tags {
		tiff = bo.AppendUint16(tiff, tag[0])
		tiff = bo.AppendUint16(tiff, 3) // SHORT
		tiff = bo.AppendUint32(tiff, 1)
		tiff = bo.AppendUint16(tiff, tag[1])
		tiff = append(tiff, 0, 0)
	}
	tiff = bo.AppendUint32(tiff, 0) // no next IFD
	return segment(0xE1, append([]byte("Exif\x00\x00"), tiff...))
}

func segment(marker byte, payload []byte) []byte {
	n := len(payload) + 2
	return append([]byte{0xFF, marker, byte(n >> 8), byte(n)}, payload...)
}

// spliced inserts segments right after a JPEG's SOI marker.
func spliced(jpg []byte, segs ...[]byte) []byte {
	out := append([]byte{}, jpg[:2]...)
	for _, s := range segs {
		out = append(out, s...)
	}
	return append(out, jpg[2:]...)
}

// jpegHeader is what a JPEG bomb looks like before its pixels: SOI, JFIF
// and a progressive frame header (SOF2) for a w×h YCbCr 4:2:0 image.
func jpegHeader(w, h uint16) []byte {
	return jpegFrameHeader(0xC2, 0x22, w, h)
}

// jpegFrameHeader is SOI, JFIF and a frame header of the given SOFn marker
// for a w×h YCbCr image whose luma has the given sampling factors (0x22:
// 4:2:0, 0x11: 4:4:4).
func jpegFrameHeader(sofn, lumaSampling byte, w, h uint16) []byte {
	jfif := segment(0xE0, []byte("JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"))
	sof := segment(sofn, []byte{8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), 3,
		1, lumaSampling, 0, 2, 0x11, 1, 3, 0x11, 1})
	return append(append([]byte{0xFF, 0xD8}, jfif...), sof...)
}
