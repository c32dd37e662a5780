package qr

import (
	"bytes"
	"image/png"
	"testing"

	gozxing "github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
)

// Every module of the code lands on whole pixels of its colour, at each
// level and at sizes larger and smaller than the code.
func TestPNGModules(t *testing.T) {
	const data = "bankid.67df3917-fa0d-44e5-b327-edcc928297f8.7.dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8"
	for _, tc := range []struct {
		name  string
		level Level
		size  int
	}{
		{"low 300", Low, 300},
		{"low 512", Low, 512},
		{"low too small", Low, 10},
		{"medium 288", Medium, 288},
		{"medium too small", Medium, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := Encode(data, tc.level)
			if err != nil {
				t.Fatal(err)
			}
			n := want.Size + 2*QuietZone
			bits := func(x, y int) bool {
				x, y = x-QuietZone, y-QuietZone
				return x >= 0 && y >= 0 && x < want.Size && y < want.Size && want.Dark[y*want.Size+x] == 1
			}
			b, err := PNG(data, tc.level, tc.size)
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("not a PNG: %v", err)
			}
			side := img.Bounds().Dx()
			if img.Bounds().Dy() != side || side != max(tc.size, n) {
				t.Errorf("image %v, want %d square", img.Bounds(), max(tc.size, n))
			}
			scale := max(1, tc.size/n)
			pad := (side - n*scale) / 2
			for y := range n {
				for x := range n {
					r, _, _, _ := img.At(pad+x*scale+scale/2, pad+y*scale+scale/2).RGBA()
					if dark := r == 0; dark != bits(x, y) {
						t.Fatalf("module (%d,%d) dark=%v, want %v", x, y, dark, bits(x, y))
					}
				}
			}
		})
	}
	if _, err := PNG("", Low, 300); err == nil {
		t.Error("empty data accepted")
	}
}

// An invitation link's code is LinkSize square, reads back as the link, and
// is the same bytes every time it is drawn.
func TestLink(t *testing.T) {
	const link = "https://id06desk.example.se/r/v1.abcdefghijklmnopqrstuvwxyz0123456789"
	b, err := Link(link)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if s := img.Bounds().Size(); s.X != LinkSize || s.Y != LinkSize {
		t.Errorf("size %v, want %d square", s, LinkSize)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := zxqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if res.GetText() != link {
		t.Errorf("decoded %q, want %q", res.GetText(), link)
	}
	again, _ := Link(link)
	if !bytes.Equal(b, again) {
		t.Error("the same link drew two different images")
	}
}
