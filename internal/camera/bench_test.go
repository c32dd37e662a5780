package camera_test

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"syscall"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	xdraw "golang.org/x/image/draw"

	. "id06desk/internal/camera"
	"id06desk/internal/camera/cameratest"
)

// previewQuality is the JPEG quality the preview benchmarks use.
const previewQuality = 75

// benchFrame is the printed-invitation photo at the given size.
func benchFrame(b *testing.B, size image.Point) *image.RGBA {
	invite, _, _ := fixtures(b)
	if size == frameSize {
		return invite
	}
	dst := image.NewRGBA(image.Rectangle{Max: size})
	xdraw.ApproxBiLinear.Scale(dst, dst.Rect, invite, invite.Rect, xdraw.Src, nil)
	return dst
}

// cpuTime is the CPU time (user + system) this process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchPreview measures the kiosk preview: a 30 fps camera (the still-image
// driver through a mediadevices track) and a poller that fetches the preview
// JPEG of every new frame. ns/op is bound by the camera's frame interval;
// the metrics that matter are fps (does the preview keep up with the
// camera), cpu-ms/frame (process CPU per shown frame, including the reader
// goroutine's copies) and jpeg-ms/frame (the JPEG call alone).
func benchPreview(b *testing.B, w, h int) {
	id, unregister := cameratest.RegisterStillImages("bench preview", []image.Image{benchFrame(b, image.Pt(w, h))}, 30)
	defer unregister()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := Open(ctx, id, w, h)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	f, err := c.Next(ctx, 0)
	if err != nil {
		b.Fatal(err)
	}
	seq := f.Seq

	var inJPEG time.Duration
	cpu0, start := cpuTime(b), time.Now()
	b.ResetTimer()
	for range b.N {
		if _, err := c.Next(ctx, seq); err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		data, s, err := c.JPEG(previewQuality)
		inJPEG += time.Since(t0)
		if err != nil {
			b.Fatal(err)
		}
		if len(data) == 0 {
			b.Fatal("empty preview")
		}
		seq = s
	}
	b.StopTimer()
	elapsed, cpu := time.Since(start), cpuTime(b)-cpu0
	n := float64(b.N)
	b.ReportMetric(n/elapsed.Seconds(), "fps")
	b.ReportMetric(float64(cpu.Microseconds())/1000/n, "cpu-ms/frame")
	b.ReportMetric(float64(inJPEG.Microseconds())/1000/n, "jpeg-ms/frame")
}

func BenchmarkPreview640x480(b *testing.B)   { benchPreview(b, 640, 480) }
func BenchmarkPreview1280x720(b *testing.B)  { benchPreview(b, 1280, 720) }
func BenchmarkPreview1920x1080(b *testing.B) { benchPreview(b, 1920, 1080) }

// BenchmarkBaselineJPEG1280x720 is the baseline for the preview benchmarks:
// image/jpeg encoding the same 720p YCbCr frame, no camera.
func BenchmarkBaselineJPEG1280x720(b *testing.B) {
	img := ToYCbCr420(nil, benchFrame(b, frameSize))
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: previewQuality}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkQRDecodeFrame720p: Scanner on a 720p frame's luma plane.
func BenchmarkQRDecodeFrame720p(b *testing.B) {
	f := Frame{Image: ToYCbCr420(nil, benchFrame(b, frameSize))}
	for b.Loop() {
		if text, ok := (Scanner{}).Scan(f); !ok || text != testLink {
			b.Fatalf("Scan = %q, %v", text, ok)
		}
	}
}

// BenchmarkQRDecodeGenericImage720p is the baseline: the same frame through
// gozxing's generic image path (NewLuminanceSourceFromImage, which calls
// At for every pixel), same binarizer and hints.
func BenchmarkQRDecodeGenericImage720p(b *testing.B) {
	img := ToYCbCr420(nil, benchFrame(b, frameSize))
	for b.Loop() {
		bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(gozxing.NewLuminanceSourceFromImage(img)))
		if err != nil {
			b.Fatal(err)
		}
		res, err := qrcode.NewQRCodeReader().Decode(bmp, QRHints)
		if err != nil || res.GetText() != testLink {
			b.Fatalf("decode: %v", err)
		}
	}
}

// BenchmarkQRScanNoCode720p is the kiosk's idle case: nothing to find, so
// both passes (plain and inverted) run.
func BenchmarkQRScanNoCode720p(b *testing.B) {
	_, _, plain := fixtures(b)
	f := Frame{Image: ToYCbCr420(nil, plain)}
	for b.Loop() {
		if text, ok := (Scanner{}).Scan(f); ok {
			b.Fatalf("found %q in a frame without a code", text)
		}
	}
}
