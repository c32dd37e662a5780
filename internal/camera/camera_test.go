package camera_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/jpeg"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/pion/mediadevices/pkg/frame"
	"github.com/pion/mediadevices/pkg/prop"

	. "id06desk/internal/camera"
	"id06desk/internal/photo"
)

// waitGoroutines waits (at most 5 s) until no more than n goroutines run and
// returns the last count.
func waitGoroutines(n int) int {
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := runtime.NumGoroutine()
		if got <= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestCloseStopsReader runs before the parallel tests start, so the
// goroutine count is the camera's alone.
func TestCloseStopsReader(t *testing.T) {
	id, _ := stillCam(t, "leak check", 60, uniform(image.Pt(320, 240), 90))
	before := runtime.NumGoroutine()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := Open(ctx, id, 320, 240)
	if err != nil {
		t.Fatal(err)
	}
	f := next(t, c, next(t, c, 0).Seq)
	if _, _, err := c.JPEG(80); err != nil {
		t.Fatal(err)
	}
	if runtime.NumGoroutine() <= before {
		t.Fatalf("%d goroutines while streaming, %d before: the check below would prove nothing", runtime.NumGoroutine(), before)
	}
	if err := c.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if got := waitGoroutines(before); got > before {
		t.Fatalf("%d goroutines after Close, %d before Open", got, before)
	}

	if err := c.Close(); err != nil {
		t.Errorf("second close: %v", err)
	}
	if _, ok := c.Latest(); ok {
		t.Error("Latest after Close returned a frame")
	}
	if _, err := c.Next(ctx, f.Seq); !errors.Is(err, ErrClosed) {
		t.Errorf("Next after Close: %v, want ErrClosed", err)
	}
	if _, _, err := c.JPEG(80); !errors.Is(err, ErrClosed) {
		t.Errorf("JPEG after Close: %v, want ErrClosed", err)
	}
	if _, err := c.Still(); !errors.Is(err, ErrClosed) {
		t.Errorf("Still after Close: %v, want ErrClosed", err)
	}
}

// TestOpenWaitsForFirstFrame: a camera that delivers no frame within ctx
// fails Open and is closed again.
func TestOpenWaitsForFirstFrame(t *testing.T) {
	id, _ := stillCam(t, "slow", 1, uniform(image.Pt(64, 48), 0)) // first frame after 1 s
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	c, err := Open(ctx, id, 64, 48)
	if err == nil {
		c.Close()
		t.Fatal("Open returned before the first frame")
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Open: %v, want the deadline", err)
	}
	if got := waitGoroutines(before); got > before {
		t.Fatalf("%d goroutines after the failed Open, %d before", got, before)
	}
	// The driver was closed: it can be opened again.
	c = openCam(t, id, 64, 48)
	if f, ok := c.Latest(); !ok || f.Seq != 1 {
		t.Fatalf("Latest after Open = seq %d, %v; want the first frame", f.Seq, ok)
	}
}

// TestUnplugAndRescan unplugs a camera while it streams, then finds a newly
// plugged one after Rescan. Rescan gives every camera a new ID, so this test
// does not run in parallel with others.
func TestUnplugAndRescan(t *testing.T) {
	size := image.Pt(320, 240)
	id, unplug := stillCam(t, "unplugged", 30, uniform(size, 60))
	_, _ = stillCam(t, "stays plugged", 30, uniform(size, 200))
	c := openCam(t, id, 320, 240)
	f := next(t, c, 0)

	unplug()
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if _, err := c.Next(ctx, f.Seq+1000); !errors.Is(err, ErrUnplugged) {
		t.Fatalf("Next after unplugging: %v, want ErrUnplugged", err)
	}
	t.Logf("unplug noticed after %v", time.Since(start).Round(time.Millisecond))
	if _, ok := c.Latest(); ok {
		t.Error("Latest still returns a frame after the camera was unplugged")
	}
	if err := c.Err(); !errors.Is(err, ErrUnplugged) {
		t.Errorf("Err = %v, want ErrUnplugged", err)
	}
	if _, _, err := c.JPEG(80); !errors.Is(err, ErrUnplugged) {
		t.Errorf("JPEG after unplugging: %v, want ErrUnplugged", err)
	}
	if _, err := c.Still(); !errors.Is(err, ErrUnplugged) {
		t.Errorf("Still after unplugging: %v, want ErrUnplugged", err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("close an unplugged camera: %v", err)
	}
	if _, err := Open(ctx, id, 320, 240); !errors.Is(err, ErrNoCamera) {
		t.Errorf("Open of the unplugged camera: %v, want ErrNoCamera", err)
	}

	Rescan()
	// A camera plugged in now is found and streams.
	newID, _ := stillCam(t, "plugged in later", 30, uniform(size, 120))
	c2 := openCam(t, newID, 320, 240)
	if f := next(t, c2, 0); f.Image.Y[0] != 120 {
		t.Errorf("new camera's frame has luma %d, want 120", f.Image.Y[0])
	}
	// A still-image camera registered before the rescan survives it under a
	// new ID.
	labels := map[string]bool{}
	for _, d := range Devices() {
		labels[d.Label] = true
		if d.ID == id {
			t.Errorf("unplugged camera %s still listed", id)
		}
	}
	if !labels["stays plugged"] || !labels["plugged in later"] || labels["unplugged"] {
		t.Errorf("devices after rescan: %v", labels)
	}
}

func TestOpenUnknownCamera(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	if _, err := Open(ctx, "no-such-camera", 640, 480); !errors.Is(err, ErrNoCamera) {
		t.Fatalf("Open of an unknown ID: %v, want ErrNoCamera", err)
	}
}

func TestDevicesListsResolution(t *testing.T) {
	t.Parallel()
	id, _ := stillCam(t, "devices 1280x720", 25, uniform(frameSize, 128))
	find := func() Device {
		t.Helper()
		for _, d := range Devices() {
			if d.ID == id {
				return d
			}
		}
		t.Fatalf("camera %s not in Devices()", id)
		return Device{}
	}
	want := []Resolution{{Width: 1280, Height: 720, FPS: 25}}
	check := func(when string, d Device) {
		t.Helper()
		if d.Label != "devices 1280x720" || d.Name != "devices 1280x720" || !d.Available ||
			len(d.Resolutions) != 1 || d.Resolutions[0] != want[0] {
			t.Errorf("%s: %+v, want label and name %q, available, resolutions %v", when, d, "devices 1280x720", want)
		}
	}
	check("closed", find())
	c := openCam(t, id, 0, 0)
	check("streaming", find())
	if got := c.Resolution(); got != want[0] {
		t.Errorf("Resolution = %+v, want %+v", got, want[0])
	}
	if c.Label() != "devices 1280x720" {
		t.Errorf("Label = %q", c.Label())
	}
}

// TestFramesAreCopies: the driver overwrites one buffer per frame, as V4L2
// does, and the Camera recycles its own buffers. A frame a caller holds must
// not change when later frames arrive.
func TestFramesAreCopies(t *testing.T) {
	t.Parallel()
	size := image.Pt(320, 240)
	levels := []uint8{20, 120, 230} // any two consecutive frames differ
	id, _ := stillCam(t, "cycling", 60, uniform(size, levels[0]), uniform(size, levels[1]), uniform(size, levels[2]))
	c := openCam(t, id, 320, 240)
	f := next(t, c, 0)
	held, sum := f.Image.Y[0], lumaSum(f.Image)
	seen := map[uint8]bool{}
	last := f.Seq
	for range 8 {
		g := next(t, c, last)
		seen[g.Image.Y[0]] = true
		last = g.Seq
		if f.Image.Y[0] != held || lumaSum(f.Image) != sum {
			t.Fatalf("held frame %d changed from luma %d to %d when frame %d arrived", f.Seq, held, f.Image.Y[0], g.Seq)
		}
	}
	if len(seen) < 2 {
		t.Fatalf("frames did not change: %v", seen)
	}
}

func TestPreviewJPEG(t *testing.T) {
	t.Parallel()
	size := image.Pt(640, 480)
	// Left half dark, right half light.
	img := uniform(size, 40)
	light := uniform(image.Pt(320, 480), 220)
	for y := range 480 {
		copy(img.Pix[img.PixOffset(320, y):img.PixOffset(640, y)], light.Pix[light.PixOffset(0, y):])
	}
	id, _ := stillCam(t, "preview", 30, img)
	c := openCam(t, id, 640, 480)

	// Many pollers at once get the same bytes for the same frame.
	type result struct {
		data []byte
		seq  uint64
		err  error
	}
	results := make([]result, 8)
	var wg sync.WaitGroup
	for i := range results {
		wg.Go(func() {
			data, seq, err := c.JPEG(75)
			results[i] = result{data, seq, err}
		})
	}
	wg.Wait()
	for _, r := range results {
		if r.err != nil {
			t.Fatalf("JPEG: %v", r.err)
		}
	}
	data, seq := results[0].data, results[0].seq
	for _, r := range results[1:] {
		if r.seq == seq && &r.data[0] != &data[0] {
			t.Errorf("two encodes of frame %d", seq)
		}
	}

	dec, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("decode preview: %v", err)
	}
	if got := dec.Bounds().Size(); got != size {
		t.Fatalf("preview is %v, want %v", got, size)
	}
	for _, p := range []struct {
		x, y int
		want uint8
	}{{100, 240, 40}, {540, 240, 220}} {
		r, _, _, _ := dec.At(p.x, p.y).RGBA()
		if got := int(r >> 8); got < int(p.want)-8 || got > int(p.want)+8 {
			t.Errorf("preview at (%d,%d) = %d, want about %d", p.x, p.y, got, p.want)
		}
	}

	// The same frame again: the cached bytes, no new encode.
	f, _ := c.Latest()
	again, seq2, err := c.JPEG(75)
	if err != nil {
		t.Fatal(err)
	}
	if seq2 == seq && &again[0] != &data[0] {
		t.Error("same frame encoded again")
	}
	// A later frame is encoded anew.
	g := next(t, c, max(f.Seq, seq2))
	fresh, seq3, err := c.JPEG(75)
	if err != nil {
		t.Fatal(err)
	}
	if seq3 < g.Seq || &fresh[0] == &data[0] {
		t.Errorf("JPEG after frame %d returned frame %d's cached bytes", g.Seq, seq3)
	}
}

// TestStillFindsFace: a still from the camera goes into the photo package,
// which finds the one face where it was placed.
func TestStillFindsFace(t *testing.T) {
	t.Parallel()
	const k = 1.75 // 560×700: the 400 px tall sample fits a 720 px frame
	at := image.Pt(360, 10)
	id, _ := stillCam(t, "face", 30, facePhoto(t, frameSize, k, at))
	c := openCam(t, id, frameSize.X, frameSize.Y)
	next(t, c, 0)

	still, err := c.Still()
	if err != nil {
		t.Fatal(err)
	}
	if got := still.Bounds().Size(); got != frameSize {
		t.Fatalf("still is %v, want %v", got, frameSize)
	}
	faces := photo.DetectFaces(still)
	if len(faces) != 1 {
		t.Fatalf("%d faces %v, want 1", len(faces), faces)
	}
	for _, e := range faceEyes {
		p := image.Pt(int(float64(e.X)*k), int(float64(e.Y)*k)).Add(at)
		if !p.In(faces[0].Rect) {
			t.Errorf("face %v does not cover the eye at %v", faces[0].Rect, p)
		}
	}

	// The still is the caller's own copy.
	y := still.(*image.YCbCr)
	y.Y[0] ^= 0xff
	if f, _ := c.Latest(); f.Image.Y[0] == y.Y[0] {
		t.Error("writing to the still changed the camera's frame")
	}
}

// TestStillMakesCardPhoto: at 1080p a camera still goes through the whole
// photo pipeline to a card photo that passes the check.
func TestStillMakesCardPhoto(t *testing.T) {
	t.Parallel()
	size := image.Pt(1920, 1080)
	id, _ := stillCam(t, "card photo", 15, facePhoto(t, size, 1.6, image.Pt(704, 190)))
	c := openCam(t, id, 0, 0) // the default size
	if r := c.Resolution(); r.Width != DefaultWidth || r.Height != DefaultHeight {
		t.Fatalf("default mode %+v, want %dx%d", r, DefaultWidth, DefaultHeight)
	}
	still, err := c.Still()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, still, &jpeg.Options{Quality: 92}); err != nil {
		t.Fatal(err)
	}
	src, err := photo.Decode(&buf, 20<<20)
	if err != nil {
		t.Fatalf("photo.Decode: %v", err)
	}
	faces := photo.DetectFaces(src.Image)
	if len(faces) != 1 {
		t.Fatalf("%d faces, want 1", len(faces))
	}
	card, err := photo.Render(src, photo.SuggestCrop(src.Size, faces[0].Rect))
	if err != nil {
		t.Fatalf("photo.Render: %v", err)
	}
	if res := photo.Check(card); !res.OK {
		t.Fatalf("card photo check: %v", res.Problems)
	}
}

func TestBestMode(t *testing.T) {
	t.Parallel()
	mode := func(w, h int, fps float32, f frame.Format) prop.Media {
		return prop.Media{Video: prop.Video{Width: w, Height: h, FrameRate: fps, FrameFormat: f}}
	}
	// A typical USB webcam: uncompressed 720p only at 10 fps, MJPEG at 30.
	webcam := []prop.Media{
		mode(1280, 720, 10, frame.FormatYUYV),
		mode(640, 480, 30, frame.FormatYUYV),
		mode(1920, 1080, 5, frame.FormatYUYV),
		mode(1280, 720, 30, frame.FormatMJPEG),
		mode(1920, 1080, 30, frame.FormatMJPEG),
		mode(640, 480, 30, frame.FormatMJPEG),
		mode(640, 480, 30, frame.FormatZ16),
	}
	cases := []struct {
		name  string
		props []prop.Media
		w, h  int
		want  prop.Media
		ok    bool
	}{
		{"720p at 30 fps needs MJPEG", webcam, 1280, 720, mode(1280, 720, 30, frame.FormatMJPEG), true},
		{"1080p", webcam, 1920, 1080, mode(1920, 1080, 30, frame.FormatMJPEG), true},
		{"VGA prefers uncompressed", webcam, 640, 480, mode(640, 480, 30, frame.FormatYUYV), true},
		{"nearest size", webcam, 1024, 576, mode(1280, 720, 30, frame.FormatMJPEG), true},
		{"depth camera only", []prop.Media{mode(640, 480, 30, frame.FormatZ16)}, 640, 480, prop.Media{}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := prop.MediaConstraints{VideoConstraints: prop.VideoConstraints{
				Width: prop.Int(tc.w), Height: prop.Int(tc.h),
				FrameRate: prop.Float(PreferredFPS), FrameFormat: prop.FrameFormatOneOf(Decodable),
			}}
			got, ok := BestMode(tc.props, want)
			if ok != tc.ok || got.Video != tc.want.Video {
				t.Fatalf("BestMode = %+v, %v; want %+v, %v", got.Video, ok, tc.want.Video, tc.ok)
			}
		})
	}
}

func TestCopyFrame(t *testing.T) {
	t.Parallel()
	// A 4:2:2 frame (YUYV decodes to this) keeps its subsampling.
	src := image.NewYCbCr(image.Rect(0, 0, 64, 32), image.YCbCrSubsampleRatio422)
	// Smooth gradients, so averaging chroma over 2×2 blocks changes little.
	for i := range src.Y {
		src.Y[i] = uint8(40 + i%src.YStride*2 + i/src.YStride)
	}
	for i := range src.Cb {
		src.Cb[i], src.Cr[i] = uint8(100+i%src.CStride), uint8(150+i/src.CStride)
	}
	dst, err := CopyFrame(nil, src)
	if err != nil {
		t.Fatal(err)
	}
	if dst.SubsampleRatio != src.SubsampleRatio || !bytes.Equal(dst.Y, src.Y) || !bytes.Equal(dst.Cb, src.Cb) || !bytes.Equal(dst.Cr, src.Cr) {
		t.Fatal("4:2:2 copy differs from its source")
	}
	// A sub-image off the chroma grid, and a grey (non-YCbCr) frame, are
	// converted to 4:2:0 with their pixels intact.
	odd := src.SubImage(image.Rect(1, 1, 33, 17)).(*image.YCbCr)
	gray := image.NewGray(image.Rect(0, 0, 30, 20))
	for i := range gray.Pix {
		gray.Pix[i] = uint8(7 * i)
	}
	for name, img := range map[string]image.Image{"odd sub-image": odd, "grey": gray} {
		got, err := CopyFrame(nil, img)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		b := img.Bounds()
		if got.Rect != (image.Rectangle{Max: b.Size()}) || got.SubsampleRatio != image.YCbCrSubsampleRatio420 {
			t.Fatalf("%s: copy is %v %v", name, got.Rect, got.SubsampleRatio)
		}
		for _, p := range []image.Point{{0, 0}, {b.Dx() - 1, b.Dy() - 1}, {b.Dx() / 2, 3}} {
			wr, wg, wb, _ := img.At(b.Min.X+p.X, b.Min.Y+p.Y).RGBA()
			gr, gg, gb, _ := got.At(p.X, p.Y).RGBA()
			for c, v := range [][2]uint32{{wr, gr}, {wg, gg}, {wb, gb}} {
				if d := int(v[0]>>8) - int(v[1]>>8); d < -6 || d > 6 {
					t.Errorf("%s at %v: channel %d is %d, want %d", name, p, c, v[1]>>8, v[0]>>8)
				}
			}
		}
	}
	// Short planes are refused, not read out of range.
	bad := &image.YCbCr{Y: make([]byte, 10), Cb: make([]byte, 2), Cr: make([]byte, 2), YStride: 8, CStride: 4,
		SubsampleRatio: image.YCbCrSubsampleRatio420, Rect: image.Rect(0, 0, 8, 8)}
	if _, err := CopyFrame(nil, bad); !errors.Is(err, ErrBadPlanes) {
		t.Fatalf("copy of a frame with short planes: %v", err)
	}
}
