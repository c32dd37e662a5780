package bankid

import (
	"bytes"
	"image/png"
	"testing"

	qrcode "github.com/skip2/go-qrcode"
)

// The example published with the RP API's QR code description.
const (
	vectorToken  = "67df3917-fa0d-44e5-b327-edcc928297f8"
	vectorSecret = "d28db9a7-4cde-429e-a983-359be676944c"
)

func TestQRDataPublishedVector(t *testing.T) {
	for _, tc := range []struct {
		seconds int
		want    string
	}{
		{0, "bankid.67df3917-fa0d-44e5-b327-edcc928297f8.0.dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8"},
		{1, "bankid.67df3917-fa0d-44e5-b327-edcc928297f8.1.949d559bf23403952a94d103e67743126381eda00f0b3cbddbf7c96b1adcbce2"},
		{-5, "bankid.67df3917-fa0d-44e5-b327-edcc928297f8.0.dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8"},
	} {
		if got := QRData(vectorToken, vectorSecret, tc.seconds); got != tc.want {
			t.Errorf("QRData(t=%d) = %q, want %q", tc.seconds, got, tc.want)
		}
	}
	if QRData(vectorToken, vectorSecret, 2) == QRData(vectorToken, vectorSecret, 1) {
		t.Error("the code does not change with the seconds")
	}
}

func TestQRPNG(t *testing.T) {
	data := QRData(vectorToken, vectorSecret, 7)
	want, err := qrcode.New(data, qrcode.Low)
	if err != nil {
		t.Fatal(err)
	}
	bits := want.Bitmap()
	n := len(bits)

	for _, size := range []int{300, 512, 10} {
		b, err := QRPNG(data, size)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("size %d: not a PNG: %v", size, err)
		}
		side := img.Bounds().Dx()
		if img.Bounds().Dy() != side || side != max(size, n) {
			t.Errorf("size %d: image %v, want %d square", size, img.Bounds(), max(size, n))
		}
		// Every module's centre has the module's colour.
		scale := max(1, size/n)
		pad := (side - n*scale) / 2
		for y := range n {
			for x := range n {
				r, _, _, _ := img.At(pad+x*scale+scale/2, pad+y*scale+scale/2).RGBA()
				if dark := r == 0; dark != bits[y][x] {
					t.Fatalf("size %d: module (%d,%d) dark=%v, want %v", size, x, y, dark, bits[y][x])
				}
			}
		}
	}
	if _, err := QRPNG("", 300); err == nil {
		t.Error("empty data accepted")
	}
}
