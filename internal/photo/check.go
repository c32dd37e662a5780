package photo

import (
	"image"
	"math"
)

// Problem is a reason a card photo is not accepted. Its value is a stable
// code; the frontend has the sentence to show for each
// (register.photo.problem.<code>).
type Problem string

// Problems Check reports, the most useful first: a Result lists them in
// this order.
const (
	NoFace       Problem = "no_face"
	SeveralFaces Problem = "several_faces"
	// HeadCut: the frame cuts off part of the head (hair, chin or a side).
	HeadCut    Problem = "head_cut"
	NotCentred Problem = "not_centred"
	TooFar     Problem = "too_far"
	TooClose   Problem = "too_close"
	TooDark    Problem = "too_dark"
	TooBright  Problem = "too_bright"
	// Unreadable: the bytes given to Check are not a JPEG it can decode.
	Unreadable Problem = "unreadable"
)

// Blocking reports whether a photo with this problem cannot go on the card:
// no face, more than one, the head cut off, or no readable photo at all. The
// others are advice.
func (p Problem) Blocking() bool {
	switch p {
	case NoFace, SeveralFaces, HeadCut, Unreadable:
		return true
	}
	return false
}

// Thresholds of Check, on the rendered card photo.
const (
	maxOffCentre = 0.10 // face centre from the middle, share of the width
	minHead      = 0.65 // head height, share of the frame height
	maxHead      = 0.85
	minFaceLuma  = 50 // mean luma of the face box, 0–255
	maxFaceLuma  = 215
	// cutSlack is how far (in face box heights) the estimated head may
	// reach past the frame before it counts as cut off: the head model's
	// own spread (see headAbove).
	cutSlack = 0.05
)

// Result is the outcome of Check: OK when Problems is empty.
type Result struct {
	OK       bool
	Problems []Problem
}

// Framing says where a card photo came from: the crop it was rendered from
// and the faces DetectFaces found in the whole source photo, all in the
// source's pixels. The zero Framing means "unknown".
type Framing struct {
	Crop  image.Rectangle
	Faces []image.Rectangle
}

// facesIn maps the source faces that reach into the crop into the pixels of
// a card photo of the given size (boxes may reach past its edges).
func (f Framing) facesIn(card image.Point) []image.Rectangle {
	if f.Crop.Empty() {
		return nil
	}
	sx := float64(card.X) / float64(f.Crop.Dx())
	sy := float64(card.Y) / float64(f.Crop.Dy())
	at := func(p image.Point) image.Point {
		return image.Pt(
			int(math.Round(float64(p.X-f.Crop.Min.X)*sx)),
			int(math.Round(float64(p.Y-f.Crop.Min.Y)*sy)),
		)
	}
	var in []image.Rectangle
	for _, face := range f.Faces {
		if face.Overlaps(f.Crop) {
			in = append(in, image.Rectangle{Min: at(face.Min), Max: at(face.Max)})
		}
	}
	return in
}

// Check looks at a rendered card photo on its own; see CheckFramed.
func Check(jpegData []byte) Result {
	return CheckFramed(jpegData, Framing{})
}

// CheckFramed looks at a rendered card photo and reports what the person
// should fix, the most useful first: no face or several, the head cut off
// by the frame, the face off-centre, the head too small or too large, the
// face too dark or too bright.
//
// A frame that cuts a head also cuts the face the detector looks for, so in
// the card alone it finds nothing or a part of a face. When the framing is
// known, the faces found in the whole source tell a cut-off head from a
// photo without a face, and a second person cut in half from nobody.
func CheckFramed(jpegData []byte, from Framing) Result {
	img, err := decodeCard(jpegData)
	if err != nil {
		return Result{Problems: []Problem{Unreadable}}
	}
	b := img.Bounds()
	switch known := from.facesIn(b.Size()); {
	case len(known) > 1:
		return Result{Problems: []Problem{SeveralFaces}}
	case len(known) == 1 && headCut(known[0].Add(b.Min), b):
		return Result{Problems: []Problem{HeadCut}}
	}
	faces := DetectFaces(img)
	switch len(faces) {
	case 0:
		return Result{Problems: []Problem{NoFace}}
	case 1:
	default:
		return Result{Problems: []Problem{SeveralFaces}}
	}

	var problems []Problem
	face := faces[0].Rect
	cut := headCut(face, b)
	if cut {
		problems = append(problems, HeadCut)
	}
	w, h := float64(b.Dx()), float64(b.Dy())
	cx := float64(face.Min.X+face.Max.X)/2 - float64(b.Min.X)
	if math.Abs(cx-w/2) > maxOffCentre*w {
		problems = append(problems, NotCentred)
	}
	top, chin := headSpan(face)
	switch head := (chin - top) / h; {
	case head < minHead:
		problems = append(problems, TooFar)
	case head > maxHead && !cut: // a cut head is too close as well: say it once
		problems = append(problems, TooClose)
	}
	switch l := meanLuma(img, face); {
	case l < minFaceLuma:
		problems = append(problems, TooDark)
	case l > maxFaceLuma:
		problems = append(problems, TooBright)
	}
	return Result{OK: len(problems) == 0, Problems: problems}
}

// headCut reports whether the head estimated from a face box (in the card's
// pixels, possibly reaching outside it) is cut by the card's edges b.
func headCut(face image.Rectangle, b image.Rectangle) bool {
	top, chin := headSpan(face)
	slack := cutSlack * float64(face.Dy())
	return top < float64(b.Min.Y)-slack || chin > float64(b.Max.Y)+slack ||
		float64(face.Min.X) < float64(b.Min.X)-slack || float64(face.Max.X) > float64(b.Max.X)+slack
}

// meanLuma is the mean luma (0–255) of img inside r.
func meanLuma(img image.Image, r image.Rectangle) float64 {
	r = r.Intersect(img.Bounds())
	if r.Empty() {
		return 0
	}
	sub, ok := img.(interface {
		SubImage(image.Rectangle) image.Image
	})
	if !ok {
		return 0
	}
	gray, _ := lumaReduced(sub.SubImage(r), max(r.Dx(), r.Dy()))
	var sum uint64
	for _, v := range gray.Pix {
		sum += uint64(v)
	}
	return float64(sum) / float64(len(gray.Pix))
}
