package photo

import (
	"image"
	"math/rand/v2"
	"sync"
	"testing"

	pigo "github.com/esimov/pigo/core"
)

// eyesAt reports whether r holds both eyes of the sample scaled by k and
// placed at off.
func eyesAt(r image.Rectangle, k float64, off image.Point) bool {
	for _, e := range []image.Point{{115, 183}, {205, 183}} {
		p := image.Pt(int(float64(e.X)*k), int(float64(e.Y)*k)).Add(off)
		if !p.In(r) {
			return false
		}
	}
	return true
}

func TestDetectSample(t *testing.T) {
	sample := loadSample(t)
	for _, k := range []float64{1, 2.5, 4} {
		img := scaled(sample, k)
		faces := DetectFaces(img)
		if len(faces) != 1 {
			t.Fatalf("scale %.1f: %d faces %v, want 1", k, len(faces), faces)
		}
		if f := faces[0]; !eyesAt(f.Rect, k, image.Point{}) || f.Score < minScore {
			t.Errorf("scale %.1f: face %v (score %.0f) does not cover the eyes", k, f.Rect, f.Score)
		}
	}
}

// TestDetectMergesOverlaps: with pigo's clustering alone the sample gives
// three overlapping boxes (a face, a brow-to-lip box, a nose box); the merge
// makes them one face.
func TestDetectMergesOverlaps(t *testing.T) {
	img := loadSample(t)
	gray, _ := lumaReduced(img, detectMaxSide)
	short := min(gray.Rect.Dx(), gray.Rect.Dy())
	dets := classifier.RunCascade(pigo.CascadeParams{
		MinSize: int(minFaceFrac * float64(short)), MaxSize: short,
		ShiftFactor: shiftFactor, ScaleFactor: scaleFactor,
		ImageParams: pigo.ImageParams{Pixels: gray.Pix, Rows: gray.Rect.Dy(), Cols: gray.Rect.Dx(), Dim: gray.Stride},
	}, 0)
	clusters := classifier.ClusterDetections(dets, clusterIoU)
	strong := 0
	for _, c := range clusters {
		if c.Q >= minScore {
			strong++
		}
	}
	if strong < 2 {
		t.Fatalf("pigo's clustering alone gives %d strong boxes, expected the known duplicates", strong)
	}
	if n := len(DetectFaces(img)); n != 1 {
		t.Errorf("%d strong clusters merged into %d faces, want 1", strong, n)
	}
}

func TestDetectNoFace(t *testing.T) {
	noise := image.NewGray(image.Rect(0, 0, 1280, 720))
	r := rand.New(rand.NewPCG(1, 2))
	for i := range noise.Pix {
		noise.Pix[i] = uint8(r.IntN(256))
	}
	for name, img := range map[string]image.Image{
		"gradient": gradient(1600, 1200),
		"noise":    noise,
		"blank":    image.NewGray(image.Rect(0, 0, 640, 480)),
		"empty":    image.NewGray(image.Rectangle{}),
	} {
		if faces := DetectFaces(img); len(faces) != 0 {
			t.Errorf("%s: found %v", name, faces)
		}
	}
}

func TestDetectTwoFaces(t *testing.T) {
	s := scaled(loadSample(t), 2)
	img := sideBySide(s, mirrored(s))
	faces := DetectFaces(img)
	if len(faces) != 2 {
		t.Fatalf("%d faces %v, want 2", len(faces), faces)
	}
	w := s.Rect.Dx()
	left, right := faces[0].Rect, faces[1].Rect
	if left.Min.X > right.Min.X {
		left, right = right, left
	}
	if left.Max.X > w || right.Min.X < w {
		t.Errorf("faces %v and %v are not one in each half", left, right)
	}
}

// TestDetectCoordinates: boxes are in the image's own coordinates, also for a
// sub-image, a YCbCr frame and an image larger than the detection size.
func TestDetectCoordinates(t *testing.T) {
	sample := loadSample(t)
	canvas := padded(scaled(sample, 3), image.Pt(2600, 1500), image.Pt(1500, 150))
	sub := canvas.SubImage(image.Rect(1000, 100, 2600, 1500))
	ycc := mustDecode(t, encodeJPEG(t, canvas, 90))
	for name, img := range map[string]image.Image{
		"RGBA 2600×1500": canvas,
		"sub-image":      sub,
		"decoded JPEG":   ycc.Image,
	} {
		faces := DetectFaces(img)
		if len(faces) != 1 {
			t.Errorf("%s: %d faces, want 1", name, len(faces))
			continue
		}
		if !eyesAt(faces[0].Rect, 3, image.Pt(1500, 150)) {
			t.Errorf("%s: face %v misses the eyes", name, faces[0].Rect)
		}
	}
}

func TestDetectConcurrent(t *testing.T) {
	img := scaled(loadSample(t), 2)
	want := DetectFaces(img)
	if len(want) != 1 {
		t.Fatalf("%d faces, want 1", len(want))
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			got := DetectFaces(img)
			if len(got) != len(want) || got[0] != want[0] {
				t.Errorf("concurrent DetectFaces = %v, want %v", got, want)
			}
		})
	}
	wg.Wait()
}
