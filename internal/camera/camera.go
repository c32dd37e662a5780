package camera

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"slices"
	"sync"
	"time"

	"github.com/pion/mediadevices"
	"github.com/pion/mediadevices/pkg/driver"
	"github.com/pion/mediadevices/pkg/io/video"
	"github.com/pion/mediadevices/pkg/prop"
)

var (
	// ErrNoCamera means no camera is connected, or none with the given ID.
	ErrNoCamera = errors.New("camera: no camera found")
	// ErrUnplugged means the camera stopped delivering frames (unplugged,
	// or its driver failed). Rescan and Open it again.
	ErrUnplugged = errors.New("camera: camera unplugged")
	// ErrClosed is returned after Close.
	ErrClosed = errors.New("camera: closed")
)

// Default frame size when Open is given no size. A 720p frame gives a card
// photo (ID06's minimum crop is photo.MinCropWidth×MinCropHeight, 322×414
// px), 1080p a sharper one: take stills at 1080p.
const (
	DefaultWidth  = 1920
	DefaultHeight = 1080
)

// preferredFPS steers the choice between a camera's modes: many webcams
// offer 1280×720 uncompressed at 5–10 fps only and at 30 fps as MJPEG.
const preferredFPS = 30

// Frame is one camera frame, copied out of the driver's buffer.
type Frame struct {
	// Image is shared by every caller that got this frame: read it, never
	// write it (Camera.Still returns a copy of your own). Its bounds start
	// at (0, 0).
	Image *image.YCbCr
	// Seq numbers the frames one Camera has delivered, from 1. Frames that
	// were replaced before anyone looked at them are counted too, so a
	// caller may see Seq jump.
	Seq uint64
	// Time is when the frame was read from the driver.
	Time time.Time
}

// Camera streams one camera. A single goroutine reads frames from the
// mediadevices video track and keeps only the latest. Its methods are safe
// for concurrent use.
type Camera struct {
	label string
	mode  Resolution
	track mediadevices.Track
	done  chan struct{} // closed when the reader goroutine has returned

	mu      sync.Mutex
	latest  Frame
	shared  bool          // latest.Image has been handed out: do not recycle it
	changed chan struct{} // closed and replaced when a frame arrives; closed for good on failure
	err     error         // why the stream stopped: ErrUnplugged (wrapped) or ErrClosed
	closing bool

	jpegMu      sync.Mutex // one encode at a time; waiters then find it cached
	jpegSeq     uint64
	jpegQuality int
	jpegData    []byte
}

// Open starts streaming the camera with the given ID (from Devices), or the
// default camera when deviceID is "". It picks the camera's mode closest to
// width×height (DefaultWidth×DefaultHeight when either is ≤ 0) at a frame
// rate near 30 fps, in a format that arrives as YCbCr. It returns once the
// first frame has arrived, so Latest has a frame right away; ctx bounds that
// wait and is not used afterwards. Close the Camera when done.
func Open(ctx context.Context, deviceID string, width, height int) (*Camera, error) {
	if width <= 0 || height <= 0 {
		width, height = DefaultWidth, DefaultHeight
	}
	src, mode, err := startDriver(deviceID, width, height)
	if err != nil {
		return nil, err
	}
	track, ok := mediadevices.NewVideoTrack(src, nil).(*mediadevices.VideoTrack)
	if !ok {
		_ = src.Close()
		return nil, fmt.Errorf("open camera %s: mediadevices returned no video track", src.label)
	}
	c := &Camera{
		label:   src.label,
		mode:    mode,
		track:   track,
		done:    make(chan struct{}),
		changed: make(chan struct{}),
	}
	// Only this package reads the track, so the frames it hands over need
	// no copy by the broadcaster: run copies each one itself.
	go c.run(track.NewReader(false))

	if _, err := c.Next(ctx, 0); err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("open camera %s: wait for the first frame: %w", src.label, err)
	}
	return c, nil
}

// driverSource is the mediadevices source of a Camera's track: the frames of
// one opened driver. Closing it closes the driver.
type driverSource struct {
	video.Reader
	d     driver.Driver
	label string
}

func (s *driverSource) ID() string { return s.d.ID() }

func (s *driverSource) Close() error {
	driversMu.Lock()
	defer driversMu.Unlock()
	if err := s.d.Close(); err != nil {
		return fmt.Errorf("close camera %s: %w", s.label, err)
	}
	return nil
}

// startDriver opens the chosen driver, picks its mode and starts recording.
func startDriver(deviceID string, width, height int) (*driverSource, Resolution, error) {
	driversMu.Lock()
	defer driversMu.Unlock()

	filter := isCamera
	if deviceID != "" {
		filter = driver.FilterAnd(isCamera, driver.FilterID(deviceID))
	}
	drivers := driver.GetManager().Query(filter)
	if len(drivers) == 0 {
		if deviceID != "" {
			return nil, Resolution{}, fmt.Errorf("camera %q: %w (it was unplugged, or the list is older than the last rescan)", deviceID, ErrNoCamera)
		}
		return nil, Resolution{}, ErrNoCamera
	}
	sortDrivers(drivers)

	want := prop.MediaConstraints{VideoConstraints: prop.VideoConstraints{
		Width:       prop.Int(width),
		Height:      prop.Int(height),
		FrameRate:   prop.Float(preferredFPS),
		FrameFormat: prop.FrameFormatOneOf(decodable),
	}}
	var errs []error
	for _, d := range drivers {
		label := d.Info().Label
		if d.Status() != driver.StateClosed {
			errs = append(errs, fmt.Errorf("camera %s is already streaming", label))
			continue
		}
		if err := d.Open(); err != nil {
			errs = append(errs, fmt.Errorf("open camera %s: %w", label, err))
			continue
		}
		best, ok := bestMode(d.Properties(), want)
		if !ok {
			_ = d.Close()
			errs = append(errs, fmt.Errorf("camera %s offers no mode in a supported format", label))
			continue
		}
		r, err := d.(driver.VideoRecorder).VideoRecord(best)
		if err != nil {
			// The driver wrapper closes the driver when VideoRecord fails.
			errs = append(errs, fmt.Errorf("start camera %s at %dx%d %s: %w", label, best.Width, best.Height, best.FrameFormat, err))
			continue
		}
		mode := Resolution{Width: best.Width, Height: best.Height, FPS: best.FrameRate}
		return &driverSource{Reader: r, d: d, label: label}, mode, nil
	}
	return nil, Resolution{}, errors.Join(errs...)
}

// bestMode picks the mode with the least W3C fitness distance to want
// (mediadevices' own measure), breaking ties by frame rate, size and the
// order of decodable (uncompressed formats first), so the choice does not
// depend on the order the driver lists its modes in.
func bestMode(props []prop.Media, want prop.MediaConstraints) (prop.Media, bool) {
	type scored struct {
		p    prop.Media
		dist float64
	}
	var modes []scored
	for _, p := range props {
		if dist, ok := want.FitnessDistance(p); ok {
			modes = append(modes, scored{p, dist})
		}
	}
	if len(modes) == 0 {
		return prop.Media{}, false
	}
	best := slices.MinFunc(modes, func(a, b scored) int {
		return cmp.Or(
			cmp.Compare(a.dist, b.dist),
			cmp.Compare(b.p.FrameRate, a.p.FrameRate),
			cmp.Compare(b.p.Width*b.p.Height, a.p.Width*a.p.Height),
			cmp.Compare(slices.Index(decodable, a.p.FrameFormat), slices.Index(decodable, b.p.FrameFormat)),
		)
	})
	return best.p, true
}

// run reads frames until the track ends, publishing a copy of each.
func (c *Camera) run(r video.Reader) {
	defer close(c.done)
	var spare *image.YCbCr
	for {
		img, release, err := r.Read()
		if err == nil && img == nil {
			err = errors.New("the driver returned an empty frame")
		}
		if err != nil {
			c.stop(err)
			return
		}
		// The image may point into the driver's buffer, which the next Read
		// overwrites: copy it before anything else sees it.
		spare, err = copyFrame(spare, img)
		if release != nil {
			release()
		}
		if err != nil {
			c.stop(err)
			return
		}
		spare = c.publish(spare, time.Now())
	}
}

// publish makes img the latest frame and returns a buffer run may reuse for
// the next one: the previous frame, unless someone holds it.
func (c *Camera) publish(img *image.YCbCr, at time.Time) *image.YCbCr {
	c.mu.Lock()
	defer c.mu.Unlock()
	var recycled *image.YCbCr
	if !c.shared {
		recycled = c.latest.Image
	}
	c.latest = Frame{Image: img, Seq: c.latest.Seq + 1, Time: at}
	c.shared = false
	close(c.changed)
	c.changed = make(chan struct{})
	return recycled
}

// stop records why the stream ended and wakes every waiter.
func (c *Camera) stop(cause error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing {
		c.err = ErrClosed
	} else {
		c.err = fmt.Errorf("%w: %s: read frame: %w", ErrUnplugged, c.label, cause)
	}
	close(c.changed)
}

// Label is the label of the streaming camera (see Device.Label).
func (c *Camera) Label() string { return c.label }

// Resolution is the mode the camera streams in.
func (c *Camera) Resolution() Resolution { return c.mode }

// Err is nil while the camera streams; then ErrUnplugged (wrapped, with the
// driver's reason) or ErrClosed.
func (c *Camera) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Latest returns the newest frame. ok is false once the camera has stopped
// (see Err): a stale picture is not shown or scanned.
func (c *Camera) Latest() (f Frame, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil || c.latest.Image == nil {
		return Frame{}, false
	}
	c.shared = true
	return c.latest, true
}

// Next waits for a frame newer than sequence number after and returns the
// newest one. It returns the camera's error (ErrUnplugged, ErrClosed) when
// the stream stops, or ctx's error.
func (c *Camera) Next(ctx context.Context, after uint64) (Frame, error) {
	for {
		c.mu.Lock()
		if c.err != nil {
			err := c.err
			c.mu.Unlock()
			return Frame{}, err
		}
		if c.latest.Image != nil && c.latest.Seq > after {
			c.shared = true
			f := c.latest
			c.mu.Unlock()
			return f, nil
		}
		changed := c.changed
		c.mu.Unlock()

		select {
		case <-changed:
		case <-ctx.Done():
			return Frame{}, ctx.Err()
		}
	}
}

// JPEG returns the latest frame as a baseline JPEG at the given quality
// (clamped to 1–100) for the preview, with the frame's sequence number. The
// bytes are cached per frame and quality: any number of pollers cost one
// encode per frame. The slice is shared: do not modify it.
func (c *Camera) JPEG(quality int) ([]byte, uint64, error) {
	quality = min(max(quality, 1), 100)
	c.jpegMu.Lock()
	defer c.jpegMu.Unlock()

	f, ok := c.Latest()
	if !ok {
		return nil, 0, c.stopped()
	}
	if c.jpegData != nil && c.jpegSeq == f.Seq && c.jpegQuality == quality {
		return c.jpegData, f.Seq, nil
	}
	var buf bytes.Buffer
	buf.Grow(max(len(c.jpegData)+len(c.jpegData)/8, 64<<10))
	if err := jpeg.Encode(&buf, f.Image, &jpeg.Options{Quality: quality}); err != nil {
		return nil, 0, fmt.Errorf("encode preview of camera %s: %w", c.label, err)
	}
	c.jpegData, c.jpegSeq, c.jpegQuality = buf.Bytes(), f.Seq, quality
	return c.jpegData, f.Seq, nil
}

// Still returns a full-resolution copy of the latest frame (an
// *image.YCbCr the caller owns) for the photo capture.
func (c *Camera) Still() (image.Image, error) {
	f, ok := c.Latest()
	if !ok {
		return nil, c.stopped()
	}
	still, err := copyFrame(nil, f.Image)
	if err != nil {
		return nil, fmt.Errorf("copy still of camera %s: %w", c.label, err)
	}
	return still, nil
}

// stopped is the error for a call that found no frame.
func (c *Camera) stopped() error {
	if err := c.Err(); err != nil {
		return err
	}
	// Open returns only after the first frame, so this means a bug.
	return fmt.Errorf("camera %s has no frame yet", c.label)
}

// Close stops the stream, closes the camera and waits for the reader
// goroutine to return. It may wait up to the driver's read timeout (V4L2:
// 5 s) when the camera hangs. Close after ErrUnplugged too.
func (c *Camera) Close() error {
	c.mu.Lock()
	if c.closing {
		c.mu.Unlock()
		<-c.done
		return nil
	}
	c.closing = true
	c.mu.Unlock()

	// Closing the track closes the driver; its reader then fails and run
	// returns.
	err := c.track.Close()
	<-c.done

	c.mu.Lock()
	c.err = ErrClosed
	c.latest = Frame{Seq: c.latest.Seq}
	c.mu.Unlock()
	c.jpegMu.Lock()
	c.jpegData = nil
	c.jpegMu.Unlock()
	return err
}
