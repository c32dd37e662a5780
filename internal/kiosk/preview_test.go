package kiosk

import (
	"image"
	"testing"
)

func TestShrinkYCbCr(t *testing.T) {
	src := image.NewYCbCr(image.Rect(0, 0, 1920, 1080), image.YCbCrSubsampleRatio420)
	for i := range src.Y {
		src.Y[i] = uint8(i % 7 * 30) // a fine pattern averages out
	}
	for i := range src.Cb {
		src.Cb[i], src.Cr[i] = 100, 200
	}
	dst := shrinkYCbCr(src, 640)
	if dst.Rect.Dx() != 640 || dst.Rect.Dy() != 360 {
		t.Fatalf("size %v", dst.Rect)
	}
	if dst.Cb[0] != 100 || dst.Cr[len(dst.Cr)-1] != 200 {
		t.Fatalf("chroma %d %d", dst.Cb[0], dst.Cr[len(dst.Cr)-1])
	}
	for _, v := range dst.Y {
		if v < 60 || v > 120 {
			t.Fatalf("luma %d is not the block average", v)
		}
	}
	if shrinkYCbCr(src, 1920) != src || shrinkYCbCr(src, 4000) != src {
		t.Fatal("no shrink needed, yet a copy was made")
	}
}

func BenchmarkShrink1080pTo640(b *testing.B) {
	src := image.NewYCbCr(image.Rect(0, 0, 1920, 1080), image.YCbCrSubsampleRatio420)
	for b.Loop() {
		shrinkYCbCr(src, 640)
	}
}
