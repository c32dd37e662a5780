package photo

import (
	"bytes"
	"image"
	"image/jpeg"
	"testing"
)

// Benchmarks run on the sample framed as a webcam still: scaled so the face
// fits a 1080p or 720p frame, the background and shirt continued to the
// edges. Compare each against BenchmarkBaselineJPEG at the same size (plain
// image/jpeg decode and re-encode at quality 90) from the same run.

func still(tb testing.TB, w, h int) []byte {
	s := scaled(loadSample(tb), float64(h)*0.8/400) // face about 80 % of the height
	at := image.Pt((w-s.Rect.Dx())/2, (h-s.Rect.Dy())/2)
	return encodeJPEG(tb, padded(s, image.Pt(w, h), at), 90)
}

func BenchmarkBaselineJPEG(b *testing.B) {
	for _, size := range []struct {
		name string
		w, h int
	}{{"1080p", 1920, 1080}, {"720p", 1280, 720}} {
		b.Run(size.name, func(b *testing.B) {
			data := still(b, size.w, size.h)
			var buf bytes.Buffer
			for b.Loop() {
				img, err := jpeg.Decode(bytes.NewReader(data))
				if err != nil {
					b.Fatal(err)
				}
				buf.Reset()
				if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPipeline1080p: what the kiosk does with one webcam still.
func BenchmarkPipeline1080p(b *testing.B) {
	data := still(b, 1920, 1080)
	for b.Loop() {
		src, err := Decode(bytes.NewReader(data), 10<<20)
		if err != nil {
			b.Fatal(err)
		}
		faces := DetectFaces(src.Image)
		if len(faces) != 1 {
			b.Fatalf("%d faces, want 1", len(faces))
		}
		if _, err := Render(src, SuggestCrop(src.Size, faces[0].Rect)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDetect720p: face detection alone on a 720p frame, as the camera
// delivers it (YCbCr: its luma plane is used directly) and as a Source
// (RGBA: luma computed per pixel).
func BenchmarkDetect720p(b *testing.B) {
	data := still(b, 1280, 720)
	ycc, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		b.Fatal(err)
	}
	for name, img := range map[string]image.Image{"YCbCr": ycc, "RGBA": toRGBA(ycc)} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if faces := DetectFaces(img); len(faces) != 1 {
					b.Fatalf("%d faces, want 1", len(faces))
				}
			}
		})
	}
}

// BenchmarkDecode12MP: a 4000×3000 phone photo decoded to its Source
// (2000×1500): Decode (libjpeg-turbo at half size in the DCT domain where
// the build has cgo) and PureGo (image/jpeg at full size, then area
// averaging: the fallback). Baseline is a plain image/jpeg decode of the
// same file in the same run; issue 15's target is Decode ≤ 1.0× Baseline.
func BenchmarkDecode12MP(b *testing.B) {
	data := still(b, 4000, 3000)
	b.Run("Baseline", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := jpeg.Decode(bytes.NewReader(data)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Decode", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := Decode(bytes.NewReader(data), 10<<20); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("PureGo", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		cfg := image.Config{Width: 4000, Height: 3000}
		for b.Loop() {
			if _, err := goDecodeJPEGSource(data, cfg, sourceSize(4000, 3000)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRead12MP: the header check alone (format, dimensions, cost) on
// the same photo as BenchmarkDecode12MP: what every upload pays before it
// waits for its share of the Budget.
func BenchmarkRead12MP(b *testing.B) {
	data := still(b, 4000, 3000)
	for b.Loop() {
		u, err := Read(bytes.NewReader(data), 10<<20)
		if err != nil {
			b.Fatal(err)
		}
		_ = u.Cost()
	}
}

// BenchmarkThumbnail: the list thumbnail (140 px wide) of a card photo as
// Render makes it (700×900) and of a small one (350×450, the size of the
// sync import benchmark's photos). Baseline is image/jpeg decoding the same
// card photo, in the same run: a thumbnail cannot cost less than that.
func BenchmarkThumbnail(b *testing.B) {
	src := mustDecode(b, encodeJPEG(b, portrait(b), 90))
	full := render(b, src, image.Rect(250, 100, 950, 1000))
	half := encodeJPEG(b, scaled(mustDecodeJPEG(b, full), 0.5), 90)
	for _, c := range []struct {
		name string
		card []byte
	}{{"700x900", full}, {"350x450", half}} {
		b.Run(c.name+"/BaselineDecode", func(b *testing.B) {
			for b.Loop() {
				if _, err := jpeg.Decode(bytes.NewReader(c.card)); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/Thumbnail", func(b *testing.B) {
			for b.Loop() {
				if _, err := Thumbnail(c.card, 140); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func mustDecodeJPEG(tb testing.TB, data []byte) image.Image {
	tb.Helper()
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		tb.Fatal(err)
	}
	return img
}
