package cameratest

import (
	"errors"
	"fmt"
	"image"
	"io"
	"sync"
	"time"

	"github.com/pion/mediadevices/pkg/driver"
	"github.com/pion/mediadevices/pkg/frame"
	"github.com/pion/mediadevices/pkg/io/video"
	"github.com/pion/mediadevices/pkg/prop"

	"id06desk/internal/camera"
)

// errStillsUnplugged is what a still-image camera's reader returns after
// its unregister function ran.
var errStillsUnplugged = errors.New("still-image camera unregistered")

// stillCamera is one RegisterStillImages camera. Its frames are read-only
// once registered.
type stillCamera struct {
	label     string
	frames    []*image.YCbCr
	fps       int
	unplugged chan struct{} // closed by unregister
}

// RegisterStillImages registers a camera driver that plays frames in a loop
// at fps frames per second through a real mediadevices video track: a camera
// for tests and end-to-end runs that need no hardware. Every frame is
// delivered as YCbCr 4:2:0, from one buffer the driver overwrites for the
// next frame, as V4L2 does. All frames must have the same size; the camera
// offers that one resolution, as I420.
//
// It returns the camera's device ID (valid until the next camera.Rescan,
// like any camera's) and unregister, which removes the camera and behaves as
// unplugging it: a camera.Camera streaming from it reports
// camera.ErrUnplugged. unregister may be called more than once.
// RegisterStillImages panics when frames is empty, the sizes differ or fps
// is not positive.
func RegisterStillImages(label string, frames []image.Image, fps int) (id string, unregister func()) {
	if len(frames) == 0 {
		panic("cameratest: RegisterStillImages needs at least one frame")
	}
	if fps <= 0 {
		panic(fmt.Sprintf("cameratest: RegisterStillImages: fps %d is not positive", fps))
	}
	size := frames[0].Bounds().Size()
	cam := &stillCamera{label: label, fps: fps, unplugged: make(chan struct{})}
	for i, f := range frames {
		if s := f.Bounds().Size(); s != size || s.X == 0 || s.Y == 0 {
			panic(fmt.Sprintf("cameratest: RegisterStillImages: frame %d is %v, frame 0 is %v", i, s, size))
		}
		cam.frames = append(cam.frames, camera.YCbCr420(f))
	}

	id, remove := camera.Register(label, func() driver.Adapter { return &stillDriver{cam: cam} })
	var once sync.Once
	return id, func() {
		once.Do(func() {
			remove()
			close(cam.unplugged)
		})
	}
}

// stillDriver is the mediadevices adapter of a stillCamera. Each Rescan
// registers a new one; they share the frames and the unplugged channel.
type stillDriver struct {
	cam *stillCamera

	mu     sync.Mutex
	closed chan struct{} // closed by Close; nil while closed
	ticker *time.Ticker
}

func (d *stillDriver) Open() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	select {
	case <-d.cam.unplugged:
		return fmt.Errorf("open %s: %w", d.cam.label, errStillsUnplugged)
	default:
	}
	d.closed = make(chan struct{})
	return nil
}

func (d *stillDriver) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed != nil {
		close(d.closed)
		d.closed = nil
	}
	if d.ticker != nil {
		d.ticker.Stop()
		d.ticker = nil
	}
	return nil
}

func (d *stillDriver) Properties() []prop.Media {
	b := d.cam.frames[0].Rect
	return []prop.Media{{Video: prop.Video{
		Width:       b.Dx(),
		Height:      b.Dy(),
		FrameRate:   float32(d.cam.fps),
		FrameFormat: frame.FormatI420,
	}}}
}

// VideoRecord returns a reader that waits for the next tick and returns the
// next frame, copied into the one buffer every frame is delivered in.
func (d *stillDriver) VideoRecord(prop.Media) (video.Reader, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed == nil {
		return nil, fmt.Errorf("record %s: driver is not open", d.cam.label)
	}
	closed, unplugged := d.closed, d.cam.unplugged
	ticker := time.NewTicker(time.Second / time.Duration(d.cam.fps))
	d.ticker = ticker
	frames := d.cam.frames
	buf := image.NewYCbCr(frames[0].Rect, image.YCbCrSubsampleRatio420)
	next := 0

	return video.ReaderFunc(func() (image.Image, func(), error) {
		select {
		case <-closed:
			return nil, nil, io.EOF
		case <-unplugged:
			return nil, nil, fmt.Errorf("read %s: %w", d.cam.label, errStillsUnplugged)
		case <-ticker.C:
		}
		f := frames[next%len(frames)]
		next++
		copy(buf.Y, f.Y)
		copy(buf.Cb, f.Cb)
		copy(buf.Cr, f.Cr)
		return buf, func() {}, nil
	}), nil
}
