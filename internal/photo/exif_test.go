package photo

import (
	"encoding/binary"
	"image"
	"image/color"
	"testing"
)

// soiEOI is the smallest JPEG-shaped byte string: start and end of image.
var soiEOI = []byte{0xFF, 0xD8, 0xFF, 0xD9}

func jpegWith(segs ...[]byte) []byte { return spliced(soiEOI, segs...) }

func TestExifOrientation(t *testing.T) {
	xmp := segment(0xE1, []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta/>"))
	jfif := segment(0xE0, []byte("JFIF\x00\x01\x02\x00\x00\x01\x00\x01\x00\x00"))
	// An IFD whose Orientation is the third tag, after Make and Model
	// (ASCII, values at offsets) as a phone writes them.
	phone := func() []byte {
		bo := binary.BigEndian
		tiff := []byte("MM\x00*\x00\x00\x00\x08")
		tiff = bo.AppendUint16(tiff, 3)
		for _, e := range [][4]uint32{{0x010F, 2, 6, 50}, {0x0110, 2, 8, 56}, {0x0112, 3, 1, 8 << 16}} {
			tiff = bo.AppendUint16(tiff, uint16(e[0]))
			tiff = bo.AppendUint16(tiff, uint16(e[1]))
			tiff = bo.AppendUint32(tiff, e[2])
			tiff = bo.AppendUint32(tiff, e[3])
		}
		tiff = bo.AppendUint32(tiff, 0)
		tiff = append(tiff, "Apple\x00Phone 9\x00"...)
		return segment(0xE1, append([]byte("Exif\x00\x00"), tiff...))
	}()
	truncated := exifSegment(true, [2]uint16{0x0112, 6})
	truncated = truncated[:len(truncated)-10]

	tests := []struct {
		name string
		data []byte
		want int
	}{
		{"no segments", soiEOI, 1},
		{"JFIF only", jpegWith(jfif), 1},
		{"little-endian 6", jpegWith(exifSegment(false, [2]uint16{0x0112, 6})), 6},
		{"big-endian 6", jpegWith(exifSegment(true, [2]uint16{0x0112, 6})), 6},
		{"big-endian 3", jpegWith(exifSegment(true, [2]uint16{0x0112, 3})), 3},
		{"little-endian 8", jpegWith(exifSegment(false, [2]uint16{0x0112, 8})), 8},
		{"after JFIF and XMP", jpegWith(jfif, xmp, exifSegment(false, [2]uint16{0x0112, 5})), 5},
		{"third tag of a phone IFD", jpegWith(phone), 8},
		{"other tags only", jpegWith(exifSegment(true, [2]uint16{0x0100, 4000}, [2]uint16{0x0101, 3000})), 1},
		{"orientation 0", jpegWith(exifSegment(true, [2]uint16{0x0112, 0})), 1},
		{"orientation 9", jpegWith(exifSegment(false, [2]uint16{0x0112, 9})), 1},
		{"fill bytes before the marker", append([]byte{0xFF, 0xD8, 0xFF, 0xFF}, exifSegment(true, [2]uint16{0x0112, 7})[1:]...), 7},
		{"after start of scan", spliced(soiEOI, segment(0xDA, []byte{0, 0}), exifSegment(true, [2]uint16{0x0112, 6})), 1},
		{"segment length past the end", truncated, 1},
		{"IFD cut short", jpegWith(segment(0xE1, []byte("Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x05\x01\x12\x00\x03"))), 1},
		{"IFD offset past the end", jpegWith(segment(0xE1, []byte("Exif\x00\x00II*\x00\xff\xff\xff\x7f"))), 1},
		{"IFD offset inside the header", jpegWith(segment(0xE1, []byte("Exif\x00\x00II*\x00\x02\x00\x00\x00\x01\x00"))), 1},
		{"bad byte order mark", jpegWith(segment(0xE1, []byte("Exif\x00\x00XX*\x00\x08\x00\x00\x00"))), 1},
		{"segment length below 2", []byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x01, 0xFF, 0xD9}, 1},
		{"not a JPEG", []byte("GIF89a"), 1},
		{"empty", nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := exifOrientation(tt.data); got != tt.want {
				t.Errorf("exifOrientation = %d, want %d", got, tt.want)
			}
		})
	}
}

// FuzzExifOrientation feeds the segment scanner and the TIFF reader
// arbitrary bytes: they must not panic and must answer 1–8.
func FuzzExifOrientation(f *testing.F) {
	for _, seed := range [][]byte{
		soiEOI,
		jpegWith(exifSegment(false, [2]uint16{0x0112, 6})),
		jpegWith(exifSegment(true, [2]uint16{0x010F, 1}, [2]uint16{0x0112, 8})),
		jpegWith(segment(0xE1, []byte("Exif\x00\x00MM\x00*\x00\x00\x00\x08\xff\xff"))),
		jpegWith(segment(0xE1, []byte("Exif\x00\x00II*\x00\xff\xff\xff\xff"))),
		[]byte("II*\x00\x08\x00\x00\x00\x01\x00\x12\x01\x03\x00\x01\x00\x00\x00\x03\x00\x00\x00"),
		{0xFF, 0xD8, 0xFF, 0xFF, 0xFF},
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if o := exifOrientation(data); o < 1 || o > 8 {
			t.Fatalf("exifOrientation = %d", o)
		}
		if o, ok := tiffOrientation(data); ok && (o < 1 || o > 8) {
			t.Fatalf("tiffOrientation = %d, true", o)
		}
	})
}

// TestOrientPixels pins the eight transforms on a 3×2 image whose pixels
// are numbered; the expected grids follow the EXIF table ("row 0 is the
// visual top/bottom/left/right, column 0 is the visual …").
func TestOrientPixels(t *testing.T) {
	// Stored image:  1 2 3
	//                4 5 6
	src := image.NewRGBA(image.Rect(0, 0, 3, 2))
	for i := range 6 {
		src.SetRGBA(i%3, i/3, color.RGBA{uint8(i + 1), 0, 0, 255})
	}
	tests := []struct {
		o    int
		want [][]uint8
	}{
		{1, [][]uint8{{1, 2, 3}, {4, 5, 6}}},
		{2, [][]uint8{{3, 2, 1}, {6, 5, 4}}},
		{3, [][]uint8{{6, 5, 4}, {3, 2, 1}}},
		{4, [][]uint8{{4, 5, 6}, {1, 2, 3}}},
		{5, [][]uint8{{1, 4}, {2, 5}, {3, 6}}},
		{6, [][]uint8{{4, 1}, {5, 2}, {6, 3}}},
		{7, [][]uint8{{6, 3}, {5, 2}, {4, 1}}},
		{8, [][]uint8{{3, 6}, {2, 5}, {1, 4}}},
	}
	for _, tt := range tests {
		got := orient(src, tt.o)
		if got.Rect.Dy() != len(tt.want) || got.Rect.Dx() != len(tt.want[0]) {
			t.Errorf("orientation %d: size %v", tt.o, got.Rect.Size())
			continue
		}
		for y, row := range tt.want {
			for x, v := range row {
				if r := got.RGBAAt(x, y).R; r != v {
					t.Errorf("orientation %d: pixel (%d,%d) = %d, want %d", tt.o, x, y, r, v)
				}
			}
		}
	}
	if orient(src, 1) != src || orient(src, 0) != src || orient(src, 9) != src {
		t.Error("orientations 1, 0 and 9 must return the image itself")
	}
}

// storedAs turns an upright image into what a camera with EXIF orientation o
// stores, from the EXIF definition of each value: where stored row 0 and
// stored column 0 show in the upright picture.
func storedAs(up *image.RGBA, o int) *image.RGBA {
	w, h := up.Rect.Dx(), up.Rect.Dy()
	sw, sh := w, h
	if o >= 5 {
		sw, sh = h, w
	}
	st := image.NewRGBA(image.Rect(0, 0, sw, sh))
	for sy := range sh {
		for sx := range sw {
			var ux, uy int
			switch o {
			case 1: // row 0 top, column 0 left
				ux, uy = sx, sy
			case 2: // row 0 top, column 0 right
				ux, uy = w-1-sx, sy
			case 3: // row 0 bottom, column 0 right
				ux, uy = w-1-sx, h-1-sy
			case 4: // row 0 bottom, column 0 left
				ux, uy = sx, h-1-sy
			case 5: // row 0 left, column 0 top
				ux, uy = sy, sx
			case 6: // row 0 right, column 0 top
				ux, uy = w-1-sy, sx
			case 7: // row 0 right, column 0 bottom
				ux, uy = w-1-sy, h-1-sx
			case 8: // row 0 left, column 0 bottom
				ux, uy = sy, h-1-sx
			}
			st.SetRGBA(sx, sy, up.RGBAAt(ux, uy))
		}
	}
	return st
}

// TestDecodeAppliesOrientation encodes the sample the way a phone stores it
// (turned or mirrored), splices in an EXIF segment and expects Decode to give
// the upright picture back.
func TestDecodeAppliesOrientation(t *testing.T) {
	// Large enough for a card photo either way up (416×520 and 520×416).
	up := scaled(loadSample(t), 1.3)
	// A dark block top left and a bar on the right make the face
	// asymmetric, so a mirrored result cannot pass for the original.
	for y := 20; y < 90; y++ {
		for x := 10; x < 100; x++ {
			up.SetRGBA(x, y, color.RGBA{20, 20, 160, 255})
		}
	}
	for y := 150; y < 380; y++ {
		for x := 290; x < 315; x++ {
			up.SetRGBA(x, y, color.RGBA{200, 30, 30, 255})
		}
	}
	if d := difference(up, mirrored(up)); d < 15 {
		t.Fatalf("the marked sample differs from its mirror image by only %.1f: the test could not tell", d)
	}
	for o := 1; o <= 8; o++ {
		for _, bigEndian := range []bool{false, true} {
			stored := storedAs(up, o)
			data := spliced(encodeJPEG(t, stored, 95), exifSegment(bigEndian, [2]uint16{0x0112, uint16(o)}))
			src := mustDecode(t, data)
			if src.Size != up.Rect.Size() || src.Image.Rect != up.Rect {
				t.Errorf("orientation %d (big-endian %v): size %v, image %v, want %v", o, bigEndian, src.Size, src.Image.Rect, up.Rect.Size())
				continue
			}
			if d := difference(src.Image, up); d > 4 {
				t.Errorf("orientation %d (big-endian %v): differs from upright by %.1f", o, bigEndian, d)
			}
			if o != 1 {
				if d := difference(stored, up); d < 15 {
					t.Errorf("orientation %d: stored image already looks upright (%.1f)", o, d)
				}
			}
		}
	}
	// Without an EXIF segment the stored picture stays as it is.
	stored := storedAs(up, 6)
	src := mustDecode(t, encodeJPEG(t, stored, 95))
	if src.Size != stored.Rect.Size() {
		t.Errorf("no EXIF: size %v, want %v", src.Size, stored.Rect.Size())
	}
	if d := difference(src.Image, stored); d > 4 {
		t.Errorf("no EXIF: the image changed by %.1f", d)
	}
}
