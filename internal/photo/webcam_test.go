package photo

import (
	"bytes"
	"image"
	"image/jpeg"
	"slices"
	"testing"
)

// webcam is a 1280×720 frame as a kiosk webcam takes it: pigo's sample
// scaled 1.44× (head ≈ 477 px, two thirds of the height) with the
// background and shirt continued to the edges, the face at x.
func webcam(t testing.TB, x int) *image.RGBA {
	s := scaled(loadSample(t), 1.44) // 461×576
	return padded(s, image.Pt(1280, 720), image.Pt(x, 720-576))
}

// TestWebcam720p: a 1280×720 frame, which the kiosk offers as a camera
// setting, makes a card photo; what is wrong with a frame is named by its
// face problem, each its own, never "too small".
func TestWebcam720p(t *testing.T) {
	sample := loadSample(t)
	pair := sideBySide(scaled(sample, 1.3), scaled(sample, 1.3)) // 832×520
	tests := []struct {
		name string
		img  *image.RGBA
		want []Problem
	}{
		{"centred face", webcam(t, (1280-461)/2), nil},
		{"no face", gradient(1280, 720), []Problem{NoFace}},
		{"two faces", padded(pair, image.Pt(1280, 720), image.Pt(224, 200)), []Problem{SeveralFaces}},
		// At the left edge the crop cannot be centred on the face.
		{"face at the edge", padded(mirrored(scaled(sample, 1.44)), image.Pt(1280, 720), image.Pt(-90, 144)), []Problem{NotCentred}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src := mustDecode(t, encodeJPEG(t, tt.img, 90))
			var face image.Rectangle
			var boxes []image.Rectangle
			for _, f := range DetectFaces(src.Image) {
				boxes = append(boxes, f.Rect)
			}
			if len(boxes) == 1 {
				face = boxes[0]
			}
			crop := SuggestCrop(src.Size, face)
			card, err := Render(src, crop)
			if err != nil {
				t.Fatalf("Render(%v): %v", crop, err)
			}
			got := CheckFramed(card, Framing{Crop: crop, Faces: boxes})
			if !slices.Equal(got.Problems, tt.want) || got.OK != (len(tt.want) == 0) {
				t.Errorf("Check = %+v, want problems %v", got, tt.want)
			}
		})
	}
}

// TestRenderBestSize: the card photo is as large as the crop allows, up to
// 700×900, and never larger than the crop.
func TestRenderBestSize(t *testing.T) {
	src := mustDecode(t, encodeJPEG(t, portrait(t), 90))
	for _, tt := range []struct {
		crop image.Rectangle
		want image.Point
	}{
		{image.Rect(0, 0, 322, 414), image.Pt(322, 414)},
		{image.Rect(100, 50, 590, 680), image.Pt(490, 630)},
		{image.Rect(0, 0, 700, 905), image.Pt(700, 900)},
		{image.Rect(10, 10, 503, 641), image.Pt(490, 630)}, // 493×631: not 7k×9k
	} {
		card := render(t, src, tt.crop)
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(card))
		if err != nil {
			t.Fatal(err)
		}
		if got := image.Pt(cfg.Width, cfg.Height); got != tt.want || CardSize(tt.crop.Size()) != tt.want {
			t.Errorf("crop %v: card %v, CardSize %v, want %v", tt.crop.Size(), got, CardSize(tt.crop.Size()), tt.want)
		}
	}
	// A crop at its own size is copied, not resampled.
	crop := image.Rect(100, 50, 590, 680)
	img, err := jpeg.Decode(bytes.NewReader(render(t, src, crop)))
	if err != nil {
		t.Fatal(err)
	}
	if d := difference(img, src.Image.SubImage(crop)); d > 2 {
		t.Errorf("the card photo differs from the crop by %.1f", d)
	}
}

// TestCheckHeadCut: shrinking the frame around the suggestion ("Smaller" in
// the crop editor, down to the least crop) or moving it off the face cuts
// the head, and that blocks — whatever the detector makes of the part of a
// face left in the card.
func TestCheckHeadCut(t *testing.T) {
	src := mustDecode(t, encodeJPEG(t, portrait(t), 92))
	faces := DetectFaces(src.Image)
	if len(faces) != 1 {
		t.Fatalf("%d faces, want 1", len(faces))
	}
	face := faces[0].Rect
	start := SuggestCrop(src.Size, face)
	// resized is the 7k×9k frame about c's centre, k = round(c's k × f).
	resized := func(c image.Rectangle, f float64) image.Rectangle {
		k := max(MinCropK, int(float64(c.Dx())/7*f+0.5))
		cx, cy := (c.Min.X+c.Max.X)/2, (c.Min.Y+c.Max.Y)/2
		return image.Rect(cx-7*k/2, cy-9*k/2, cx-7*k/2+7*k, cy-9*k/2+9*k)
	}
	check := func(crop image.Rectangle) Result {
		return CheckFramed(render(t, src, crop), Framing{Crop: crop, Faces: []image.Rectangle{face}})
	}
	if r := check(start); !r.OK {
		t.Fatalf("the suggestion: %+v, want OK", r)
	}

	// Each step as the editor takes it; the card is checked at the steps
	// around where the frame passes the head, and at the last.
	crop := start
	cutAt := 0
	for n := 1; n <= 12; n++ {
		crop = resized(crop, 1/1.1)
		if n > 4 && n < 12 {
			continue
		}
		r := check(crop)
		top, chin := headSpan(face)
		inside := top >= float64(crop.Min.Y) && chin <= float64(crop.Max.Y)
		if inside && slices.Contains(r.Problems, HeadCut) {
			t.Errorf("%d× smaller, head %0.f–%0.f inside %v: %v, want no head_cut", n, top, chin, crop, r.Problems)
		}
		if slices.Contains(r.Problems, HeadCut) {
			if cutAt == 0 {
				cutAt = n
			}
			if r.OK || r.Problems[0] != HeadCut {
				t.Errorf("%d× smaller: %+v, want head_cut first and not OK", n, r)
			}
		} else if cutAt != 0 {
			t.Errorf("%d× smaller: %v, head_cut at %d× but not now", n, r.Problems, cutAt)
		}
	}
	if cutAt == 0 || cutAt > 4 {
		t.Errorf("head_cut from %d× smaller, want from 2–4× (the head passes the frame at 1.1⁻³)", cutAt)
	}

	// On a wide photo, the frame moved sideways until its edge runs
	// through the middle of the face.
	wide := mustDecode(t, encodeJPEG(t, padded(scaled(loadSample(t), 1.5), image.Pt(1500, 800), image.Pt(510, 100)), 92))
	wf := DetectFaces(wide.Image)
	if len(wf) != 1 {
		t.Fatalf("wide photo: %d faces, want 1", len(wf))
	}
	suggested := SuggestCrop(wide.Size, wf[0].Rect)
	side := suggested.Add(image.Pt((wf[0].Rect.Min.X+wf[0].Rect.Max.X)/2-suggested.Max.X, 0))
	if !side.In(wide.Image.Rect) {
		t.Fatalf("test frame %v outside the image %v", side, wide.Image.Rect)
	}
	sideCard := render(t, wide, side)
	if r := CheckFramed(sideCard, Framing{Crop: side, Faces: []image.Rectangle{wf[0].Rect}}); r.OK || r.Problems[0] != HeadCut {
		t.Errorf("frame over half the face: %v, want head_cut first", r.Problems)
	}
	// The card alone (no framing known): the detector sees half a face
	// or none, and the photo is refused either way.
	if r := Check(sideCard); !slices.ContainsFunc(r.Problems, Problem.Blocking) {
		t.Errorf("half a face, no framing: %v, want a blocking problem", r.Problems)
	}
	for _, p := range []Problem{NoFace, SeveralFaces, HeadCut, Unreadable} {
		if !p.Blocking() {
			t.Errorf("%s does not block", p)
		}
	}
	for _, p := range []Problem{NotCentred, TooFar, TooClose, TooDark, TooBright} {
		if p.Blocking() {
			t.Errorf("%s blocks", p)
		}
	}
}
