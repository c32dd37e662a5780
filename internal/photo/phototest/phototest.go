// Package phototest holds the tests' card photo: pigo's passport-style
// sample, scaled up to a phone photo's crop size, so that every package's
// registration tests take the same usable photo.
package phototest

import (
	"bytes"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	xdraw "golang.org/x/image/draw"
)

// Face is pigo's 320×400 sample scaled 4× (1280×1600) as a JPEG.
func Face(t testing.TB) []byte {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	b, err := os.ReadFile(filepath.Join(filepath.Dir(here), "..", "testdata", "pigo-sample.jpg"))
	if err != nil {
		t.Fatalf("%v: run `make pigo-assets` (it copies the pigo sample photo there)", err)
	}
	small, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	big := image.NewRGBA(image.Rect(0, 0, small.Bounds().Dx()*4, small.Bounds().Dy()*4))
	xdraw.CatmullRom.Scale(big, big.Rect, small, small.Bounds(), xdraw.Src, nil)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, big, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}
