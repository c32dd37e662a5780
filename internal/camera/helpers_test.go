package camera_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"os"
	"sync"
	"testing"
	"time"

	qrcode "github.com/skip2/go-qrcode"
	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/math/f64"

	. "id06desk/internal/camera"
	"id06desk/internal/camera/cameratest"
)

// frameSize is the size of the test "photos": a 720p webcam frame.
var frameSize = image.Pt(1280, 720)

// testToken is shaped like a real invitation token: "v1." and 180 URL-safe
// characters (a payload and a signature part), from a fixed seed.
var testToken = func() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	rng := rand.New(rand.NewPCG(6, 6))
	b := []byte("v1.")
	for i := range 180 {
		if i == 93 {
			b = append(b, '.')
			continue
		}
		b = append(b, alphabet[rng.IntN(len(alphabet))])
	}
	return string(b)
}()

// testLink is the registration link an invitation mail carries.
var testLink = "http://127.0.0.1:8080/#/register/" + testToken

// Fixtures are built once: rendering them under -race takes a moment.
var (
	fixturesOnce    sync.Once
	invitePhoto     *image.RGBA // printed invitation, dark code on white paper
	darkInvitePhoto *image.RGBA // the same in dark mode: light code on black
	plainPhoto      *image.RGBA // the room without an invitation
	fixturesErr     error
)

// fixtureModulePixels is the printed code's module size in the frame.
const fixtureModulePixels = 6

func fixtures(tb testing.TB) (invite, dark, plain *image.RGBA) {
	tb.Helper()
	fixturesOnce.Do(func() {
		q, err := qrcode.New(testLink, qrcode.Medium)
		if err != nil {
			fixturesErr = err
			return
		}
		code := q.Image(-fixtureModulePixels) // with its 4-module quiet zone
		paper := invitationPaper(code)
		invitePhoto = photographPaper(paper, 7, 1)
		dark := image.NewRGBA(paper.Rect)
		for i, v := range paper.Pix {
			if i%4 == 3 {
				dark.Pix[i] = v
			} else {
				dark.Pix[i] = 255 - v
			}
		}
		darkInvitePhoto = photographPaper(dark, -6, 2)
		plainPhoto = background(3)
		blurNoise(plainPhoto, 3)
	})
	if fixturesErr != nil {
		tb.Fatalf("generate the invitation QR code: %v", fixturesErr)
	}
	return invitePhoto, darkInvitePhoto, plainPhoto
}

// invitationPaper lays out a printed invitation: a heading bar, some lines of
// "text" and the code below them, on white paper.
func invitationPaper(code image.Image) *image.RGBA {
	cb := code.Bounds()
	w, h := cb.Dx()+120, cb.Dy()+200
	paper := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(paper, paper.Rect, image.NewUniform(color.RGBA{248, 246, 240, 255}), image.Point{}, draw.Src)
	ink := image.NewUniform(color.RGBA{40, 40, 48, 255})
	draw.Draw(paper, image.Rect(60, 30, w-60, 58), ink, image.Point{}, draw.Src)
	for i := range 4 {
		y := 80 + 22*i
		draw.Draw(paper, image.Rect(60, y, w-60-37*i, y+8), ink, image.Point{}, draw.Src)
	}
	draw.Draw(paper, cb.Add(image.Pt(60, 170)), code, cb.Min, draw.Src)
	return paper
}

// background is a grey desk with a soft light gradient.
func background(seed uint64) *image.RGBA {
	img := image.NewRGBA(image.Rectangle{Max: frameSize})
	for y := range frameSize.Y {
		for x := range frameSize.X {
			v := uint8(95 + 40*x/frameSize.X + 20*y/frameSize.Y + int(seed))
			i := img.PixOffset(x, y)
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = v, v, v+4, 255
		}
	}
	return img
}

// photographPaper is a webcam's view of paper held up to it: turned by deg
// degrees, centred on a grey background, slightly blurred, with sensor noise.
func photographPaper(paper *image.RGBA, deg float64, seed uint64) *image.RGBA {
	dst := background(seed)
	th := deg * math.Pi / 180
	sin, cos := math.Sincos(th)
	pc := image.Pt(paper.Rect.Dx()/2, paper.Rect.Dy()/2)
	dc := image.Pt(frameSize.X/2, frameSize.Y/2)
	// dst = R·(src − pc) + dc
	s2d := f64.Aff3{
		cos, -sin, float64(dc.X) - cos*float64(pc.X) + sin*float64(pc.Y),
		sin, cos, float64(dc.Y) - sin*float64(pc.X) - cos*float64(pc.Y),
	}
	xdraw.BiLinear.Transform(dst, s2d, paper, paper.Rect, xdraw.Over, nil)
	blurNoise(dst, seed)
	return dst
}

// blurNoise applies a 3×3 box blur (a slightly soft focus) and adds
// Gaussian noise (σ ≈ 6 levels) in place.
func blurNoise(img *image.RGBA, seed uint64) {
	src := image.NewRGBA(img.Rect)
	copy(src.Pix, img.Pix)
	rng := rand.New(rand.NewPCG(seed, 42))
	w, h := img.Rect.Dx(), img.Rect.Dy()
	for y := range h {
		for x := range w {
			var sum [3]int
			n := 0
			for yy := max(y-1, 0); yy <= min(y+1, h-1); yy++ {
				for xx := max(x-1, 0); xx <= min(x+1, w-1); xx++ {
					p := src.Pix[src.PixOffset(xx, yy):]
					sum[0], sum[1], sum[2] = sum[0]+int(p[0]), sum[1]+int(p[1]), sum[2]+int(p[2])
					n++
				}
			}
			noise := int(math.Round(rng.NormFloat64() * 6))
			p := img.Pix[img.PixOffset(x, y):]
			for c := range 3 {
				p[c] = uint8(min(max(sum[c]/n+noise, 0), 255))
			}
		}
	}
}

// samplePath is pigo's testdata/sample.jpg (320×400, one face), which
// `make pigo-assets` copies into the photo package.
const samplePath = "../photo/testdata/pigo-sample.jpg"

// faceEyes are the sample's eye centres.
var faceEyes = []image.Point{{115, 183}, {205, 183}}

// facePhoto is someone standing in front of the kiosk: the sample scaled by
// k, at offset at on a canvas of the given size whose background continues
// the sample's edge pixels.
func facePhoto(tb testing.TB, size image.Point, k float64, at image.Point) *image.RGBA {
	tb.Helper()
	data, err := os.ReadFile(samplePath)
	if err != nil {
		tb.Fatalf("read the pigo sample (run `make pigo-assets`): %v", err)
	}
	sample, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		tb.Fatalf("decode %s: %v", samplePath, err)
	}
	sb := sample.Bounds()
	sw, sh := int(float64(sb.Dx())*k+0.5), int(float64(sb.Dy())*k+0.5)
	scaled := image.NewRGBA(image.Rect(0, 0, sw, sh))
	xdraw.CatmullRom.Scale(scaled, scaled.Rect, sample, sb, xdraw.Src, nil)
	dst := image.NewRGBA(image.Rectangle{Max: size})
	for y := range size.Y {
		sy := min(max(y-at.Y, 0), sh-1)
		for x := range size.X {
			sx := min(max(x-at.X, 0), sw-1)
			copy(dst.Pix[dst.PixOffset(x, y):][:4], scaled.Pix[scaled.PixOffset(sx, sy):][:4])
		}
	}
	return dst
}

// uniform is a frame of one grey level.
func uniform(size image.Point, v uint8) *image.RGBA {
	img := image.NewRGBA(image.Rectangle{Max: size})
	draw.Draw(img, img.Rect, image.NewUniform(color.RGBA{v, v, v, 255}), image.Point{}, draw.Src)
	return img
}

// stillCam registers frames as a still-image camera for the test and returns
// its ID and unregister function (also run at cleanup).
func stillCam(tb testing.TB, label string, fps int, frames ...image.Image) (string, func()) {
	tb.Helper()
	id, unregister := cameratest.RegisterStillImages(label, frames, fps)
	tb.Cleanup(unregister)
	return id, unregister
}

// openCam opens the camera with the given ID for the test, closed at
// cleanup.
func openCam(tb testing.TB, id string, w, h int) *Camera {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := Open(ctx, id, w, h)
	if err != nil {
		tb.Fatalf("open camera %s: %v", id, err)
	}
	tb.Cleanup(func() {
		if err := c.Close(); err != nil {
			tb.Errorf("close camera: %v", err)
		}
	})
	return c
}

// next waits (at most 10 s) for a frame newer than after.
func next(tb testing.TB, c *Camera, after uint64) Frame {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	f, err := c.Next(ctx, after)
	if err != nil {
		tb.Fatalf("next frame after %d: %v", after, err)
	}
	return f
}

// lumaSum is a checksum of a frame's luma plane.
func lumaSum(img *image.YCbCr) uint64 {
	var s uint64
	for i, v := range img.Y {
		s += uint64(v) * uint64(i%251+1)
	}
	return s
}
