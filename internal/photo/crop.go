package photo

import (
	"image"
	"math"
)

// The card photo: 35:45 mm portrait, at most 700×900 px (larger crops are
// scaled down to that, smaller ones kept at their own size). ID06 asks for
// at least 300×410 px; the smallest 7k×9k rectangle that holds it is 322×414
// (k = 46), the least a crop may measure.
const (
	CardWidth     = 700
	CardHeight    = 900
	MinCropK      = 46
	MinCropWidth  = 7 * MinCropK
	MinCropHeight = 9 * MinCropK
)

// The head model. A pigo box spans roughly hairline to the chin's upper
// edge; measured on pigo's sample.jpg at eight scales (0.8× to 6×), the top
// of the hair lies 0.27–0.34 box heights above the box and the chin 0.07–0.16
// below it.
const (
	headAbove = 0.30
	headBelow = 0.10
	// headFrac is the head's share of the crop height SuggestCrop aims for,
	// the middle of the 65–85 % Check accepts.
	headFrac = 0.75
	// topMargin is the space above the head, as a share of the crop height;
	// the rest (shoulders) goes below the chin.
	topMargin = 0.09
)

// headSpan estimates the top of the head and the chin from a face box.
func headSpan(face image.Rectangle) (top, chin float64) {
	h := float64(face.Dy())
	return float64(face.Min.Y) - headAbove*h, float64(face.Max.Y) + headBelow*h
}

// SuggestCrop returns a 35:45 rectangle inside an image of the given size
// that frames the head estimated from the face box: the head takes about
// 75 % of its height, a small margin above it, centred on the face. Its
// sides are exactly 7k×9k px, never smaller than MinCropWidth×MinCropHeight
// when the image is that large (a small face is then framed loosely and Check
// says the person is too far away). When the rectangle does not fit, it is
// shrunk (keeping 35:45) and moved inside the image; Check then reports the
// head as too close, cut off or off-centre. An empty face gives the largest
// centred crop. An image smaller than 7×9 px gives an empty rectangle.
func SuggestCrop(size image.Point, face image.Rectangle) image.Rectangle {
	kMax := min(size.X/7, size.Y/9)
	if kMax < 1 {
		return image.Rectangle{}
	}
	k := kMax
	cx, top := float64(size.X)/2, 0.0
	if !face.Empty() {
		headTop, chin := headSpan(face)
		ch := (chin - headTop) / headFrac
		k = min(kMax, max(MinCropK, int(math.Round(ch/9))))
		cx = float64(face.Min.X+face.Max.X) / 2
		top = headTop - topMargin*float64(9*k)
	}
	w, h := 7*k, 9*k
	x := clamp(int(math.Round(cx-float64(w)/2)), 0, size.X-w)
	y := clamp(int(math.Round(top)), 0, size.Y-h)
	return image.Rect(x, y, x+w, y+h)
}

func clamp(v, lo, hi int) int {
	return max(lo, min(v, hi))
}
