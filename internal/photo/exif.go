package photo

import (
	"encoding/binary"
	"image"
)

// exifOrientation returns the EXIF orientation (1–8) of a JPEG file: 1 when
// the file has none or it cannot be read. It reads the segments before the
// image data and never reads outside b, whatever b holds.
func exifOrientation(b []byte) int {
	if len(b) < 2 || b[0] != 0xFF || b[1] != 0xD8 {
		return 1
	}
	i := 2
	for i+2 <= len(b) {
		if b[i] != 0xFF {
			return 1 // not at a marker: the file is damaged
		}
		m := b[i+1]
		if m == 0xFF { // fill byte before a marker
			i++
			continue
		}
		i += 2
		switch {
		case m == 0x01 || (m >= 0xD0 && m <= 0xD8):
			continue // TEM, RSTn, SOI: no length field
		case m == 0xD9 || m == 0xDA:
			return 1 // EOI or start of scan: no EXIF before the pixels
		}
		if i+2 > len(b) {
			return 1
		}
		n := int(binary.BigEndian.Uint16(b[i:])) // counts its own two bytes
		if n < 2 || n > len(b)-i {
			return 1
		}
		seg := b[i+2 : i+n]
		if m == 0xE1 && len(seg) >= 6 && string(seg[:6]) == "Exif\x00\x00" {
			if o, ok := tiffOrientation(seg[6:]); ok {
				return o
			}
		}
		i += n
	}
	return 1
}

// tiffOrientation reads tag 0x0112 (Orientation, one SHORT) from IFD0 of a
// TIFF structure in either byte order.
func tiffOrientation(t []byte) (int, bool) {
	if len(t) < 8 {
		return 0, false
	}
	var bo binary.ByteOrder
	switch string(t[:4]) {
	case "II*\x00":
		bo = binary.LittleEndian
	case "MM\x00*":
		bo = binary.BigEndian
	default:
		return 0, false
	}
	size := uint64(len(t))
	ifd := uint64(bo.Uint32(t[4:8]))
	if ifd < 8 || ifd+2 > size {
		return 0, false
	}
	n := uint64(bo.Uint16(t[ifd:]))
	first := ifd + 2
	// A truncated IFD is read as far as it goes.
	n = min(n, (size-first)/12)
	for k := range n {
		e := t[first+12*k : first+12*k+12]
		if bo.Uint16(e[0:2]) != 0x0112 {
			continue
		}
		const typeShort = 3
		if bo.Uint16(e[2:4]) != typeShort || bo.Uint32(e[4:8]) != 1 {
			return 0, false
		}
		v := bo.Uint16(e[8:10]) // a single SHORT sits left-aligned in the value field
		if v < 1 || v > 8 {
			return 0, false
		}
		return int(v), true
	}
	return 0, false
}

// orient returns src turned upright for EXIF orientation o (1–8); o == 1 or
// an unknown value returns src itself. src must have its origin at (0, 0).
func orient(src *image.RGBA, o int) *image.RGBA {
	if o < 2 || o > 8 {
		return src
	}
	w, h := src.Rect.Dx(), src.Rect.Dy()
	dw, dh := w, h
	if o >= 5 { // 5–8 swap the axes
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	// For each stored pixel (x, y), where it shows when viewed upright.
	for y := range h {
		row := src.Pix[y*src.Stride : y*src.Stride+4*w]
		for x := range w {
			var dx, dy int
			switch o {
			case 2: // mirrored left–right
				dx, dy = w-1-x, y
			case 3: // turned 180°
				dx, dy = w-1-x, h-1-y
			case 4: // mirrored top–bottom
				dx, dy = x, h-1-y
			case 5: // transposed
				dx, dy = y, x
			case 6: // turned 90° counter-clockwise: turn clockwise
				dx, dy = h-1-y, x
			case 7: // transversed
				dx, dy = h-1-y, w-1-x
			case 8: // turned 90° clockwise: turn counter-clockwise
				dx, dy = y, w-1-x
			}
			d := dy*dst.Stride + 4*dx
			copy(dst.Pix[d:d+4], row[4*x:4*x+4])
		}
	}
	return dst
}
