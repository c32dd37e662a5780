// Package cameratest plays pictures as a camera, for tests and end-to-end
// runs without hardware. It is kept out of the packages the kiosk runs on,
// as httptest is kept out of net/http; the app imports it only for the
// hidden --test-camera flag the end-to-end specs start it with, and only
// when built for tests or with -tags e2e (internal/core/playcamera.go): the
// shipped binary does not carry it (internal/archtest checks).
package cameratest

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	_ "image/jpeg" // test pictures may be JPEG
	_ "image/png"  // or PNG
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	xdraw "golang.org/x/image/draw"
)

// Label names the camera a Folder registers.
const Label = "id06desk test camera"

// Folder plays the pictures in a folder as a camera: end-to-end tests and
// demonstrations without hardware (`--test-camera DIR`). Each picture is
// centred on a 1920×1080 grey frame (scaled down if larger).
type Folder struct {
	dir        string
	mu         sync.Mutex
	unregister func()
}

// NewFolder plays every .jpg/.jpeg/.png in dir, in name order.
func NewFolder(dir string) (*Folder, error) {
	t := &Folder{dir: dir}
	if err := t.Play(""); err != nil {
		return nil, err
	}
	return t, nil
}

// Play switches to one file of the folder ("" for all of them). The
// station must Rescan to pick the new camera up.
func (t *Folder) Play(file string) error {
	names, err := t.files(file)
	if err != nil {
		return err
	}
	var frames []image.Image
	for _, name := range names {
		f, err := framed(filepath.Join(t.dir, name))
		if err != nil {
			return err
		}
		frames = append(frames, f)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.unregister != nil {
		t.unregister()
	}
	_, t.unregister = RegisterStillImages(Label, frames, 10)
	return nil
}

// Close unplugs the test camera.
func (t *Folder) Close() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.unregister != nil {
		t.unregister()
		t.unregister = nil
	}
}

func (t *Folder) files(only string) ([]string, error) {
	entries, err := os.ReadDir(t.dir)
	if err != nil {
		return nil, fmt.Errorf("test camera: %w", err)
	}
	var names []string
	for _, e := range entries {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if e.Type().IsRegular() && (ext == ".jpg" || ext == ".jpeg" || ext == ".png") && (only == "" || e.Name() == only) {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	if len(names) == 0 {
		if only != "" {
			return nil, fmt.Errorf("test camera: no picture %q in %s", only, t.dir)
		}
		return nil, fmt.Errorf("test camera: no .jpg or .png pictures in %s", t.dir)
	}
	return names, nil
}

// framed loads a picture and centres it on a 1920×1080 grey frame.
func framed(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("test camera: %w", err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("test camera: %s: %w", path, err)
	}
	const w, h = 1920, 1080
	frame := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(frame, frame.Rect, &image.Uniform{color.Gray{128}}, image.Point{}, draw.Src)
	b := img.Bounds()
	sw, sh := b.Dx(), b.Dy()
	if sw > w || sh > h {
		scale := min(float64(w)/float64(sw), float64(h)/float64(sh))
		sw, sh = int(float64(sw)*scale), int(float64(sh)*scale)
	}
	dst := image.Rect((w-sw)/2, (h-sh)/2, (w-sw)/2+sw, (h-sh)/2+sh)
	xdraw.CatmullRom.Scale(frame, dst, img, b, xdraw.Src, nil)
	return frame, nil
}
