package photo

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"runtime"
	"slices"
	"testing"
)

// portrait is the sample scaled 2.5× (800×1000, head ≈ 845 px) with room
// around it: a photo SuggestCrop can frame without hitting the edges.
func portrait(t testing.TB) *image.RGBA {
	return padded(scaled(loadSample(t), 2.5), image.Pt(1200, 1400), image.Pt(200, 200))
}

// centredCrop is the largest 7k×9k crop of height at most h centred
// horizontally in an image of the given size, its top at y.
func centredCrop(size image.Point, y, h int) image.Rectangle {
	k := h / 9
	x := (size.X - 7*k) / 2
	return image.Rect(x, y, x+7*k, y+9*k)
}

func render(t testing.TB, src *Source, crop image.Rectangle) []byte {
	t.Helper()
	out, err := Render(src, crop)
	if err != nil {
		t.Fatalf("Render(%v): %v", crop, err)
	}
	return out
}

// TestPipelineSample: the sample goes through Decode, DetectFaces,
// SuggestCrop, Render and Check and comes out accepted.
func TestPipelineSample(t *testing.T) {
	src := mustDecode(t, encodeJPEG(t, portrait(t), 92))
	faces := DetectFaces(src.Image)
	if len(faces) != 1 {
		t.Fatalf("%d faces %v, want 1", len(faces), faces)
	}
	crop := SuggestCrop(src.Size, faces[0].Rect)
	if crop.Dx()*45 != crop.Dy()*35 || !crop.In(src.Image.Rect) {
		t.Fatalf("crop %v is not 35:45 inside %v", crop, src.Size)
	}
	// The head, hair (y≈14) to chin (y≈345) in the sample, fills about
	// three quarters of the crop.
	head := float64(345-14) * 2.5 / float64(crop.Dy())
	if head < 0.70 || head > 0.80 {
		t.Errorf("the head fills %.0f %% of the crop, want about 75 %%", head*100)
	}
	if top := 200 + int(14*2.5); top <= crop.Min.Y || top-crop.Min.Y > crop.Dy()/6 {
		t.Errorf("hair top at %d, crop top at %d: want a small margin", top, crop.Min.Y)
	}
	card := render(t, src, crop)
	if r := Check(card); !r.OK || len(r.Problems) != 0 {
		t.Errorf("Check = %+v, want OK", r)
	}
}

func TestRenderOutput(t *testing.T) {
	src := mustDecode(t, spliced(encodeJPEG(t, portrait(t), 92), exifSegment(true, [2]uint16{0x0112, 1}, [2]uint16{0x010F, 7})))
	card := render(t, src, image.Rect(250, 100, 950, 1000))
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(card))
	if err != nil {
		t.Fatalf("decode the card photo: %v", err)
	}
	if cfg.Width != CardWidth || cfg.Height != CardHeight {
		t.Errorf("card photo is %d×%d, want %d×%d", cfg.Width, cfg.Height, CardWidth, CardHeight)
	}
	// Walk the segments up to the scan: no APPn (EXIF, JFIF, ICC, XMP)
	// and no comment may carry anything from the upload.
	for i := 2; i+4 <= len(card); {
		m, n := card[i+1], int(card[i+2])<<8|int(card[i+3])
		if m == 0xDA {
			break
		}
		if m >= 0xE0 && m <= 0xEF || m == 0xFE {
			t.Errorf("card photo has metadata segment 0xFF%02X", m)
		}
		i += 2 + n
	}
	if bytes.Contains(card, []byte("Exif")) {
		t.Error("card photo contains an Exif header")
	}
}

func TestRenderRefuses(t *testing.T) {
	src := mustDecode(t, encodeJPEG(t, portrait(t), 90))
	tests := []struct {
		name string
		crop image.Rectangle
		want error
	}{
		{"outside the image", image.Rect(700, 700, 1400, 1600), ErrCrop},
		{"negative origin", image.Rect(-7, 0, 693, 900), ErrCrop},
		{"empty", image.Rectangle{}, ErrCrop},
		{"square", image.Rect(0, 0, 900, 900), ErrCrop},
		{"2 % too wide", image.Rect(0, 0, 714, 900), ErrCrop},
		{"too few pixels", image.Rect(100, 100, 275, 325), ErrResolution},
		{"just under ID06's 322×414", image.Rect(0, 0, 315, 405), ErrResolution},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Render(src, tt.crop); !errors.Is(err, tt.want) {
				t.Errorf("Render = %v, want %v", err, tt.want)
			}
		})
	}
	// Within 1 % of 35:45 is accepted.
	if _, err := Render(src, image.Rect(0, 0, 700, 905)); err != nil {
		t.Errorf("Render of a crop 0.6 %% off 35:45: %v", err)
	}
	if _, err := Render(nil, image.Rect(0, 0, 700, 900)); err == nil {
		t.Error("Render(nil) succeeded")
	}
}

func TestCheckProblems(t *testing.T) {
	sample := loadSample(t)

	// The face off to the left of a wide canvas; the crop is centred on
	// the canvas, so the face sits about 14 % of the crop width off its
	// middle (much further and the crop would cut the face off).
	wide := padded(mirrored(scaled(sample, 2.5)), image.Pt(1900, 1400), image.Pt(420, 200))
	// Two faces side by side, the crop takes both.
	pair := padded(sideBySide(sample, sample), image.Pt(640, 830), image.Pt(0, 215))
	// A small face in a large canvas, framed far too loosely.
	far := padded(sample, image.Pt(1000, 1200), image.Pt(340, 300))
	// The sample 2.5× at (200, 200): hair from y≈235, chin to y≈1062.
	tight := padded(scaled(sample, 2.5), image.Pt(1200, 1400), image.Pt(200, 200))

	tests := []struct {
		name string
		img  *image.RGBA
		crop func(size image.Point) image.Rectangle
		want []Problem
	}{
		{"face to the side", wide, func(s image.Point) image.Rectangle { return centredCrop(s, 130, 1130) }, []Problem{NotCentred}},
		{"two faces", pair, func(image.Point) image.Rectangle { return image.Rect(0, 0, 637, 819) }, []Problem{SeveralFaces}},
		{"gradient", gradient(700, 900), func(s image.Point) image.Rectangle { return centredCrop(s, 0, 900) }, []Problem{NoFace}},
		{"tiny face", far, func(image.Point) image.Rectangle { return image.Rect(108, 100, 885, 1099) }, []Problem{TooFar}},
		// The head (827 px) fills 92 % of the frame, all of it inside.
		{"too close", tight, func(image.Point) image.Rectangle { return image.Rect(250, 205, 950, 1105) }, []Problem{TooClose}},
		// The frame starts 65 px below the top of the hair.
		{"forehead cut", tight, func(image.Point) image.Rectangle { return image.Rect(250, 300, 950, 1200) }, []Problem{HeadCut}},
		{"too dark", mapRGB(portrait(t), func(v float64) float64 { return v * 0.15 }), nil, []Problem{TooDark}},
		{"too bright", mapRGB(portrait(t), func(v float64) float64 { return 204 + v*0.2 }), nil, []Problem{TooBright}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src := mustDecode(t, encodeJPEG(t, tt.img, 92))
			var crop image.Rectangle
			if tt.crop != nil {
				crop = tt.crop(src.Size)
			} else {
				faces := DetectFaces(src.Image)
				if len(faces) != 1 {
					t.Fatalf("%d faces, want 1", len(faces))
				}
				crop = SuggestCrop(src.Size, faces[0].Rect)
			}
			got := Check(render(t, src, crop))
			if got.OK || !slices.Equal(got.Problems, tt.want) {
				t.Errorf("Check = %+v, want problems %v", got, tt.want)
			}
		})
	}
}

func TestCheckUnreadable(t *testing.T) {
	for name, data := range map[string][]byte{
		"text": []byte("not a photo"),
		"PNG":  pngHeader(700, 900),
		"huge": spliced(encodeJPEG(t, gradient(20, 20), 50)[:2], segment(0xC0, []byte{8, 0x75, 0x30, 0x75, 0x30, 1, 1, 0x11, 0})),
	} {
		if r := Check(data); r.OK || !slices.Equal(r.Problems, []Problem{Unreadable}) {
			t.Errorf("%s: Check = %+v, want unreadable", name, r)
		}
	}
}

func TestSuggestCrop(t *testing.T) {
	tests := []struct {
		name string
		size image.Point
		face image.Rectangle
		want image.Rectangle
	}{
		// Head 1.4×400 = 560 → crop 747 ≈ 9·83; top 340 − 0.09·747.
		{"room all round", image.Pt(2000, 2000), image.Rect(800, 460, 1200, 860), image.Rect(710, 273, 1291, 1020)},
		{"face at the left edge", image.Pt(2000, 2000), image.Rect(0, 460, 400, 860), image.Rect(0, 273, 581, 1020)},
		{"face at the top", image.Pt(2000, 2000), image.Rect(800, 0, 1200, 400), image.Rect(710, 0, 1291, 747)},
		{"head larger than the image", image.Pt(700, 800), image.Rect(100, 100, 600, 600), image.Rect(42, 0, 658, 792)},
		{"no face", image.Pt(1000, 900), image.Rectangle{}, image.Rect(150, 0, 850, 900)},
		{"image too small", image.Pt(6, 100), image.Rect(0, 0, 5, 5), image.Rectangle{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SuggestCrop(tt.size, tt.face)
			if got != tt.want {
				t.Errorf("SuggestCrop = %v, want %v", got, tt.want)
			}
			if !got.Empty() && (got.Dx()*9 != got.Dy()*7 || !got.In(image.Rectangle{Max: tt.size})) {
				t.Errorf("crop %v is not 35:45 inside %v", got, tt.size)
			}
		})
	}
}

func TestThumbnail(t *testing.T) {
	src := mustDecode(t, encodeJPEG(t, portrait(t), 90))
	card := render(t, src, image.Rect(250, 100, 950, 1000))
	thumb, err := Thumbnail(card, 140)
	if err != nil {
		t.Fatalf("Thumbnail: %v", err)
	}
	img, err := jpeg.Decode(bytes.NewReader(thumb))
	if err != nil {
		t.Fatalf("decode the thumbnail: %v", err)
	}
	if img.Bounds().Size() != image.Pt(140, 180) {
		t.Errorf("thumbnail is %v, want 140×180", img.Bounds().Size())
	}
	if len(thumb) >= len(card)/4 {
		t.Errorf("thumbnail has %d bytes, the card photo %d", len(thumb), len(card))
	}
	full, _ := jpeg.Decode(bytes.NewReader(card))
	if d := difference(img, full); d > 4 {
		t.Errorf("thumbnail differs from the photo by %.1f", d)
	}
	if big, err := Thumbnail(card, 5000); err != nil {
		t.Errorf("Thumbnail wider than the photo: %v", err)
	} else if c, _ := jpeg.DecodeConfig(bytes.NewReader(big)); c.Width != CardWidth {
		t.Errorf("Thumbnail wider than the photo is %d wide, want %d (no enlarging)", c.Width, CardWidth)
	}
	// Memory: about what decoding the photo takes, not the 4 MB of
	// intermediate sums a kernel scaler keeps for a 700×900 photo (an
	// import of a thousand registrations makes a thousand thumbnails).
	allocated := func(f func()) uint64 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range 5 {
			f()
		}
		runtime.ReadMemStats(&after)
		return (after.TotalAlloc - before.TotalAlloc) / 5
	}
	decode := allocated(func() { _, _ = jpeg.Decode(bytes.NewReader(card)) })
	if got := allocated(func() { _, _ = Thumbnail(card, 140) }); got > 2*decode {
		t.Errorf("Thumbnail allocates %d bytes per photo, decoding it %d: want at most twice that", got, decode)
	}
	if _, err := Thumbnail(card, 0); err == nil {
		t.Error("Thumbnail of width 0 succeeded")
	}
	if _, err := Thumbnail([]byte("GIF89a"), 140); !errors.Is(err, ErrFormat) {
		t.Errorf("Thumbnail of a GIF = %v, want ErrFormat", err)
	}
	// A thumbnail is decoded at a reduced scale, yet a damaged photo is
	// still refused: cut in its scan data, or a byte of it flipped into a
	// marker.
	for _, cut := range []int{len(card) / 3, len(card) * 2 / 3, len(card) - 10} {
		if _, err := Thumbnail(card[:cut], 140); err == nil {
			t.Errorf("Thumbnail of the photo cut at %d of %d bytes succeeded", cut, len(card))
		}
	}
}
