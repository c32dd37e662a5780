package photo

import (
	_ "embed"
	"image"
	"image/color"
	"math"
	"sort"

	pigo "github.com/esimov/pigo/core"
)

// facefinder is pigo's frontal-face cascade (github.com/esimov/pigo
// cascade/facefinder), copied here by `make pigo-assets`.
//
//go:embed facefinder
var facefinder []byte

// Face is a detected face in the coordinates of the image it was found in.
// Rect is pigo's square box, which spans roughly hairline to chin (see
// headSpan); Score is the summed cascade confidence of the detections merged
// into it.
type Face struct {
	Rect  image.Rectangle
	Score float32
}

// Detection settings, tuned on pigo's testdata/sample.jpg and the test images
// in this package (see detect_test.go).
const (
	// detectMaxSide bounds the greyscale image the cascade runs on: a 12 MP
	// still takes ~0.6 s at full size, ~10 ms at this size.
	detectMaxSide = 1000
	// minFaceFrac is the smallest face searched for, as a fraction of the
	// shorter side. It keeps pigo from reporting eyes or buttons as faces and
	// costs nothing: a card photo needs a face far larger than this.
	minFaceFrac = 0.15
	// shiftFactor moves the window by 10 % of its size, scaleFactor grows it
	// by 10 % per step: pigo's documented defaults, dense enough that a face
	// collects several detections to cluster.
	shiftFactor = 0.1
	scaleFactor = 1.1
	// clusterIoU is passed to pigo's ClusterDetections.
	clusterIoU = 0.2
	// mergeOverlap merges two clusters when their intersection covers this
	// fraction of the smaller box (pigo's leftovers: a second box for the
	// same face, a small box on an eye or the mouth inside the face).
	mergeOverlap = 0.3
	// minScore is the least summed confidence a face must reach. The sample
	// face scores 320–370 at any scale, still 120–240 darkened to 10–30 % or
	// with heavy noise; non-face images (Go's image testdata, gradients,
	// noise) stay below 20.
	minScore = 35
)

// classifier is unpacked once at start-up (0.3 ms) and only read afterwards.
var classifier = unpackCascade(facefinder)

func unpackCascade(data []byte) *pigo.Pigo {
	// A cascade holds a 16-byte header and thousands of trees; anything
	// shorter is a broken copy, which Unpack would index past.
	if len(data) < 1024 {
		panic("photo: the embedded pigo cascade is missing or cut short; run make pigo-assets")
	}
	p, err := pigo.NewPigo().Unpack(data)
	if err != nil {
		panic("photo: unpack the embedded pigo cascade: " + err.Error())
	}
	return p
}

// DetectFaces finds frontal faces in img, largest score first. Boxes are in
// img's coordinates. It returns nil when there is no face. It is safe for
// concurrent use.
func DetectFaces(img image.Image) []Face {
	var faces []Face
	for _, f := range detectAll(img) {
		if f.Score >= minScore {
			faces = append(faces, f)
		}
	}
	return faces
}

// detectAll returns every merged cluster, whatever its score.
func detectAll(img image.Image) []Face {
	b := img.Bounds()
	if b.Empty() {
		return nil
	}
	gray, f := lumaReduced(img, detectMaxSide)
	cols, rows := gray.Rect.Dx(), gray.Rect.Dy()
	short := min(cols, rows)
	params := pigo.CascadeParams{
		MinSize:     max(int(minFaceFrac*float64(short)), 20),
		MaxSize:     short,
		ShiftFactor: shiftFactor,
		ScaleFactor: scaleFactor,
		ImageParams: pigo.ImageParams{
			Pixels: gray.Pix,
			Rows:   rows,
			Cols:   cols,
			Dim:    gray.Stride,
		},
	}
	p := classifier
	dets := p.RunCascade(params, 0)
	dets = p.ClusterDetections(dets, clusterIoU)
	boxes := mergeBoxes(dets)

	var faces []Face
	for _, m := range boxes {
		r := image.Rect(
			int(math.Round(m.x0*float64(f))), int(math.Round(m.y0*float64(f))),
			int(math.Round(m.x1*float64(f))), int(math.Round(m.y1*float64(f))),
		).Add(b.Min).Intersect(b)
		if r.Empty() {
			continue
		}
		faces = append(faces, Face{Rect: r, Score: m.score})
	}
	return faces
}

type box struct {
	x0, y0, x1, y1 float64
	score          float32
}

func (b box) area() float64 { return (b.x1 - b.x0) * (b.y1 - b.y0) }

// mergeBoxes folds each cluster that overlaps a stronger one by more than
// mergeOverlap of the smaller box into it: boxes of similar size are averaged
// by score, a much smaller box is dropped; the scores add up. Strongest first.
func mergeBoxes(dets []pigo.Detection) []box {
	boxes := make([]box, 0, len(dets))
	for _, d := range dets {
		if d.Q <= 0 {
			continue
		}
		h := float64(d.Scale) / 2
		boxes = append(boxes, box{
			x0: float64(d.Col) - h, y0: float64(d.Row) - h,
			x1: float64(d.Col) + h, y1: float64(d.Row) + h,
			score: d.Q,
		})
	}
	sort.SliceStable(boxes, func(i, j int) bool { return boxes[i].score > boxes[j].score })
	var kept []box
next:
	for _, c := range boxes {
		for i := range kept {
			k := &kept[i]
			ix := min(k.x1, c.x1) - max(k.x0, c.x0)
			iy := min(k.y1, c.y1) - max(k.y0, c.y0)
			if ix <= 0 || iy <= 0 || ix*iy <= mergeOverlap*min(k.area(), c.area()) {
				continue
			}
			if max(k.area(), c.area()) <= 2*min(k.area(), c.area()) {
				// Two boxes for the same face: average them by score.
				wk, wc := float64(k.score), float64(c.score)
				avg := func(a, b float64) float64 { return (a*wk + b*wc) / (wk + wc) }
				k.x0, k.y0, k.x1, k.y1 = avg(k.x0, c.x0), avg(k.y0, c.y0), avg(k.x1, c.x1), avg(k.y1, c.y1)
			}
			// Otherwise a small box inside a face (an eye): keep the face box.
			k.score += c.score
			continue next
		}
		kept = append(kept, c)
	}
	sort.SliceStable(kept, func(i, j int) bool { return kept[i].score > kept[j].score })
	return kept
}

// lumaReduced returns img's luma (BT.601, as in JPEG) reduced by the smallest
// integer factor f that brings the longer side to at most maxSide, each
// output pixel the mean of an f×f block. Output pixel (x, y) covers source
// pixels [x·f, x·f+f) × [y·f, y·f+f) relative to img.Bounds().Min.
func lumaReduced(img image.Image, maxSide int) (*image.Gray, int) {
	b := img.Bounds()
	f := (max(b.Dx(), b.Dy()) + maxSide - 1) / maxSide
	w, h := b.Dx()/f, b.Dy()/f
	dst := image.NewGray(image.Rect(0, 0, max(w, 1), max(h, 1)))
	if w == 0 || h == 0 {
		return dst, f
	}
	sums := make([]uint32, w)
	n := uint32(f * f)
	for oy := 0; oy < h; oy++ {
		clear(sums)
		for sy := oy * f; sy < oy*f+f; sy++ {
			y := b.Min.Y + sy
			switch src := img.(type) {
			case *image.YCbCr:
				row := src.Y[src.YOffset(b.Min.X, y):]
				for ox := range w {
					for _, v := range row[ox*f : ox*f+f] {
						sums[ox] += uint32(v)
					}
				}
			case *image.Gray:
				row := src.Pix[src.PixOffset(b.Min.X, y):]
				for ox := range w {
					for _, v := range row[ox*f : ox*f+f] {
						sums[ox] += uint32(v)
					}
				}
			case *image.RGBA:
				row := src.Pix[src.PixOffset(b.Min.X, y):]
				for ox := range w {
					px := row[ox*f*4 : (ox*f+f)*4]
					for i := 0; i < len(px); i += 4 {
						sums[ox] += luma8(px[i], px[i+1], px[i+2])
					}
				}
			default:
				for ox := range w {
					for sx := ox * f; sx < ox*f+f; sx++ {
						g := color.GrayModel.Convert(img.At(b.Min.X+sx, y)).(color.Gray)
						sums[ox] += uint32(g.Y)
					}
				}
			}
		}
		row := dst.Pix[oy*dst.Stride:]
		for ox := range w {
			row[ox] = uint8((sums[ox] + n/2) / n)
		}
	}
	return dst, f
}

// luma8 is color.GrayModel's conversion for 8-bit premultiplied RGB.
func luma8(r, g, b uint8) uint32 {
	return (19595*uint32(r) + 38470*uint32(g) + 7471*uint32(b) + 1<<15) >> 16
}
