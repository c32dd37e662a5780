package photo

import (
	"encoding/binary"
	"image"
	"image/color"
)

// decodeCost estimates the bytes Decode and the steps after it (face check,
// render, re-encoding the source) hold at their peak for a photo with this
// header. It errs on the high side: it is what a Budget reserves.
//
// image/jpeg holds the decoded planes (one byte a sample); a progressive
// JPEG also holds every DCT coefficient until the last scan (a [64]int32 per
// 8×8 block: four bytes a sample), which is why a 36 MP progressive file of
// 422 KB costs ~600 MB. image/png holds the image at its bit depth (RGB
// expanded to RGBA), twice for an interlaced one.
func decodeCost(data []byte, f format, cfg image.Config) int64 {
	w, h := int64(cfg.Width), int64(cfg.Height)
	var decode int64
	switch f {
	case formatJPEG:
		decode = jpegCost(data, w, h)
		if _, comps, ok := jpegFrame(data); turbo && ok && len(comps) != 4 {
			// libjpeg-turbo at the reduced scale: its own memory and
			// the RGBA it decodes into (CMYK goes to image/jpeg).
			s := jpegScaled(int(w), int(h), sourceDenom(int(w), int(h)))
			decode = turboMem(data, w, h) + 4*int64(s.X)*int64(s.Y)
		}
	case formatPNG:
		bpp := int64(4)
		switch cfg.ColorModel {
		case color.GrayModel:
			bpp = 1
		case color.Gray16Model:
			bpp = 2
		case color.RGBA64Model, color.NRGBA64Model:
			bpp = 8
		default:
			if _, ok := cfg.ColorModel.(color.Palette); ok {
				bpp = 1
			}
		}
		decode = w * h * bpp
		if pngInterlaced(data) {
			decode *= 2
		}
	default:
		decode = w * h * 16
	}
	// The Source (RGBA of sourceSize), its turned copy, and the re-encoded
	// source, luma plane and card photo beside it.
	s := sourceSize(int(w), int(h))
	return decode + 4*int64(s.X)*int64(s.Y)*3
}

// jpegCost is the memory image/jpeg takes to decode a w×h JPEG: its planes,
// plus the coefficients of a progressive one, from the frame header's
// sampling factors. A header it cannot read counts as the worst case
// (progressive, four full-size components).
func jpegCost(data []byte, w, h int64) int64 {
	progressive, comps, ok := jpegFrame(data)
	if !ok {
		return w * h * (4 + 4*4 + 4)
	}
	samples := jpegSamples(comps, w, h)
	cost := samples
	if progressive {
		cost += 4 * samples
	}
	if len(comps) == 4 {
		cost += 4 * w * h // CMYK: converted into an image of its own
	}
	return cost
}

// jpegSamples is the number of samples of a w×h JPEG with these sampling
// factors, in whole MCUs.
func jpegSamples(comps [][2]int, w, h int64) int64 {
	hmax, vmax := int64(1), int64(1)
	for _, c := range comps {
		hmax, vmax = max(hmax, int64(c[0])), max(vmax, int64(c[1]))
	}
	mcuX := (w + 8*hmax - 1) / (8 * hmax)
	mcuY := (h + 8*vmax - 1) / (8 * vmax)
	var samples int64
	for _, c := range comps {
		samples += mcuX * int64(c[0]) * 8 * mcuY * int64(c[1]) * 8
	}
	return samples
}

// jpegFrame reads the frame header (SOFn) of a JPEG: whether it is
// progressive and each component's horizontal and vertical sampling factor
// (1–4). ok is false when there is no readable frame header before the
// first scan. It never reads outside data.
func jpegFrame(data []byte) (progressive bool, comps [][2]int, ok bool) {
	if len(data) < 2 || data[0] != 0xFF || data[1] != 0xD8 {
		return false, nil, false
	}
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xFF {
			return false, nil, false
		}
		m := data[i+1]
		if m == 0xFF {
			i++
			continue
		}
		if m == 0x01 || (m >= 0xD0 && m <= 0xD8) {
			i += 2
			continue
		}
		if m == 0xD9 || m == 0xDA {
			return false, nil, false
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		if n < 2 || i+2+n > len(data) {
			return false, nil, false
		}
		seg := data[i+4 : i+2+n]
		// SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC).
		if m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC {
			if len(seg) < 6 {
				return false, nil, false
			}
			nc := int(seg[5])
			if nc < 1 || nc > 4 || len(seg) < 6+3*nc {
				return false, nil, false
			}
			for k := range nc {
				hv := seg[6+3*k+1]
				hs, vs := int(hv>>4), int(hv&0x0F)
				if hs < 1 || hs > 4 || vs < 1 || vs > 4 {
					return false, nil, false
				}
				comps = append(comps, [2]int{hs, vs})
			}
			// SOF2, SOF6, SOF10, SOF14 are progressive.
			return m&0x03 == 0x02, comps, true
		}
		i += 2 + n
	}
	return false, nil, false
}

// pngInterlaced reports whether a PNG's IHDR asks for Adam7 interlacing.
func pngInterlaced(data []byte) bool {
	// Signature (8), chunk length (4), "IHDR" (4), then width, height, bit
	// depth, colour type, compression, filter, interlace.
	const at = 8 + 8 + 12
	return len(data) > at && data[at] == 1
}
