// Package icons makes the application icon in the hicolor theme's sizes for
// the Debian package (make package): the 512 px build/appicon.png scaled
// down with golang.org/x/image/draw, so no image tool is needed at build
// time, beside the scalable build/appicon.svg.
package icons

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/image/draw"
)

// Sizes are the hicolor sizes the package ships, in pixels.
var Sizes = []int{16, 32, 48, 64, 128, 256, 512}

// Scale returns src scaled to size x size. Larger pictures are reduced with
// Catmull-Rom (sharp edges at small sizes); an icon is square, so a
// non-square source is refused rather than stretched.
func Scale(src image.Image, size int) (*image.NRGBA, error) {
	b := src.Bounds()
	if b.Dx() != b.Dy() {
		return nil, fmt.Errorf("icon is %dx%d: it must be square", b.Dx(), b.Dy())
	}
	if size < 1 || size > b.Dx() {
		return nil, fmt.Errorf("icon size %d: must be between 1 and the source's %d", size, b.Dx())
	}
	dst := image.NewNRGBA(image.Rect(0, 0, size, size))
	if size == b.Dx() {
		draw.Copy(dst, image.Point{}, src, b, draw.Src, nil)
		return dst, nil
	}
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Src, nil)
	return dst, nil
}

// WriteHicolor writes the theme's files for the icon called name below
// root (…/share/icons/hicolor): SIZExSIZE/apps/NAME.png for every size in
// Sizes, and scalable/apps/NAME.svg when svg is not empty.
func WriteHicolor(root, name string, pngData, svg []byte) ([]string, error) {
	src, err := png.Decode(bytes.NewReader(pngData))
	if err != nil {
		return nil, fmt.Errorf("read the source PNG: %w", err)
	}
	var written []string
	write := func(rel string, data []byte) error {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("icon folder: %w", err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return fmt.Errorf("write icon: %w", err)
		}
		written = append(written, p)
		return nil
	}
	for _, s := range Sizes {
		img, err := Scale(src, s)
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		enc := png.Encoder{CompressionLevel: png.DefaultCompression}
		if err := enc.Encode(&buf, img); err != nil {
			return nil, fmt.Errorf("encode %d px icon: %w", s, err)
		}
		dir := strconv.Itoa(s) + "x" + strconv.Itoa(s)
		if err := write(filepath.Join(dir, "apps", name+".png"), buf.Bytes()); err != nil {
			return nil, err
		}
	}
	if len(svg) > 0 {
		if err := write(filepath.Join("scalable", "apps", name+".svg"), svg); err != nil {
			return nil, err
		}
	}
	return written, nil
}
