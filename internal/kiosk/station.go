package kiosk

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"sync"
	"time"

	"id06desk/internal/camera"
	"id06desk/internal/i18n"
)

// State says whether the kiosk has a picture.
type State string

// Camera states.
const (
	StateReady     State = "ready"     // streaming
	StateNone      State = "none"      // no camera found
	StateUnplugged State = "unplugged" // the camera stopped delivering frames
	StateError     State = "error"     // it would not open
)

// Status is the camera as the kiosk and the Settings test view show it.
type Status struct {
	State  State  `json:"state"`
	Label  string `json:"label,omitempty"`
	Width  int    `json:"width,omitempty"`
	Height int    `json:"height,omitempty"`
}

// UnavailableError is returned when there is no picture to show, scan or
// capture; State says why.
type UnavailableError struct {
	State State
	Err   error
}

func (e *UnavailableError) Error() string {
	switch e.State {
	case StateNone:
		return "no camera is connected"
	case StateUnplugged:
		return "the camera was unplugged or stopped"
	}
	return fmt.Sprintf("the camera cannot be opened: %v", e.Err)
}

func (e *UnavailableError) Unwrap() error { return e.Err }

// Choice is the camera the settings ask for: a device label ("" for the
// default camera) and a resolution.
type Choice struct {
	Label         string
	Width, Height int
}

// ReopenEvery is how often a station without a camera looks for one again
// by itself, when asked for its status or a picture: an unattended kiosk
// whose camera was unplugged and plugged in again shows the picture without
// anyone tapping "Try again".
const ReopenEvery = 30 * time.Second

// Station owns the kiosk's camera. It opens the chosen camera when first
// needed; after that failed, again on Rescan or once ReopenEvery has passed,
// so a missing camera is not searched for on every preview request.
type Station struct {
	choose func(ctx context.Context) Choice
	now    func() time.Time

	mu      sync.Mutex
	cam     *camera.Camera
	status  Status
	tried   bool
	triedAt time.Time

	previewMu    sync.Mutex
	previewSeq   uint64
	previewWidth int
	previewData  []byte
}

// NewStation returns a station that opens the camera choose names.
func NewStation(choose func(ctx context.Context) Choice) *Station {
	return &Station{choose: choose, now: time.Now}
}

// current returns the streaming camera, opening it on first use.
func (s *Station) current(ctx context.Context) (*camera.Camera, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cam != nil {
		if err := s.cam.Err(); err != nil {
			_ = s.cam.Close()
			s.cam = nil
			s.status = Status{State: StateUnplugged}
			s.triedAt = s.now()
		}
	}
	switch {
	case s.cam != nil:
	case !s.tried:
		s.open(ctx)
	case s.now().Sub(s.triedAt) >= ReopenEvery:
		was := s.status.State
		camera.Rescan()
		s.open(ctx)
		if s.cam == nil && was == StateUnplugged && s.status.State == StateNone {
			s.status.State = StateUnplugged // still unplugged, not "never had one"
		}
	}
	if s.cam == nil {
		return nil, &UnavailableError{State: s.status.State}
	}
	return s.cam, nil
}

// open opens the chosen camera (falling back to the default one when the
// chosen label is not connected). Callers hold s.mu.
func (s *Station) open(ctx context.Context) {
	s.tried, s.triedAt = true, s.now()
	c := s.choose(ctx)
	id := ""
	for _, d := range camera.Devices() {
		if c.Label != "" && (d.Label == c.Label || d.Name == c.Label) {
			id = d.ID
		}
	}
	// Not the caller's context: the request that happens to open the camera
	// may be cancelled (a page closed or navigating away) while the camera
	// starts, and that must not leave the station "not working".
	octx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	cam, err := camera.Open(octx, id, c.Width, c.Height)
	switch {
	case errors.Is(err, camera.ErrNoCamera):
		s.status = Status{State: StateNone}
	case err != nil:
		s.status = Status{State: StateError}
	default:
		s.cam = cam
		r := cam.Resolution()
		s.status = Status{State: StateReady, Label: cam.Label(), Width: r.Width, Height: r.Height}
	}
}

// Status opens the camera if it was never tried and says how it is.
func (s *Station) Status(ctx context.Context) Status {
	_, _ = s.current(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

// Rescan closes the camera, looks for cameras again and opens the chosen
// one: "Try again" after a camera was plugged in.
func (s *Station) Rescan(ctx context.Context) Status {
	s.mu.Lock()
	if s.cam != nil {
		_ = s.cam.Close()
		s.cam = nil
	}
	camera.Rescan()
	s.open(ctx)
	st := s.status
	s.mu.Unlock()
	return st
}

// Close stops the camera.
func (s *Station) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cam != nil {
		_ = s.cam.Close()
		s.cam = nil
	}
}

// unavailable turns a camera error into an UnavailableError.
func unavailable(err error) error {
	if errors.Is(err, camera.ErrUnplugged) || errors.Is(err, camera.ErrClosed) {
		return &UnavailableError{State: StateUnplugged, Err: err}
	}
	return err
}

// Preview returns a frame newer than after (waiting up to a second, then the
// latest one) as a JPEG at most width pixels wide, with its sequence number.
// Encodings are shared by concurrent pollers.
func (s *Station) Preview(ctx context.Context, after uint64, width int) ([]byte, uint64, error) {
	cam, err := s.current(ctx)
	if err != nil {
		return nil, 0, err
	}
	wctx, cancel := context.WithTimeout(ctx, time.Second)
	f, err := cam.Next(wctx, after)
	cancel()
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		var ok bool
		if f, ok = cam.Latest(); !ok {
			return nil, 0, unavailable(cam.Err())
		}
	} else if err != nil {
		return nil, 0, unavailable(err)
	}
	s.previewMu.Lock()
	defer s.previewMu.Unlock()
	if s.previewData != nil && s.previewSeq == f.Seq && s.previewWidth == width {
		return s.previewData, f.Seq, nil
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, shrinkYCbCr(f.Image, width), &jpeg.Options{Quality: 75}); err != nil {
		return nil, 0, fmt.Errorf("encode preview: %w", err)
	}
	s.previewData, s.previewSeq, s.previewWidth = buf.Bytes(), f.Seq, width
	return s.previewData, f.Seq, nil
}

// Scan looks at frames newer than after until one shows an invitation QR
// code or ctx ends; it returns the token ("" when none was seen) and the
// last frame's sequence number.
func (s *Station) Scan(ctx context.Context, after uint64) (string, uint64, error) {
	return s.ScanFor(ctx, after, camera.InvitationToken)
}

// ScanFor looks at frames newer than after until one shows a QR code whose
// text match accepts, or ctx ends; it returns what match returned ("" when
// none was seen) and the last frame's sequence number. The kiosk's start
// screen looks for invitations, its sync view for the console's pairing.
func (s *Station) ScanFor(ctx context.Context, after uint64, match func(text string) (string, bool)) (string, uint64, error) {
	cam, err := s.current(ctx)
	if err != nil {
		return "", after, err
	}
	if f, ok := cam.Latest(); ok && after > f.Seq {
		after = 0 // the camera was reopened and counts from 1 again
	}
	var sc camera.Scanner
	for {
		f, err := cam.Next(ctx, after)
		if err != nil {
			if ctx.Err() != nil {
				if l, ok := cam.Latest(); ok {
					after = l.Seq
				}
				return "", after, nil
			}
			return "", after, unavailable(err)
		}
		after = f.Seq
		if ctx.Err() != nil {
			return "", after, nil
		}
		if text, ok := sc.Scan(f); ok {
			if out, ok := match(text); ok {
				return out, after, nil
			}
		}
	}
}

// Still is a full-resolution copy of the newest frame.
func (s *Station) Still(ctx context.Context) (image.Image, error) {
	cam, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	img, err := cam.Still()
	if err != nil {
		return nil, unavailable(err)
	}
	return img, nil
}

// Msg is the error as a message for people.
func (e *UnavailableError) Msg() i18n.Message {
	switch e.State {
	case StateNone:
		return msgNoCamera.With()
	case StateUnplugged:
		return msgCameraUnplugged.With()
	}
	return msgCameraError.With()
}

var (
	msgNoCamera = i18n.Text{Code: "kiosk.no_camera",
		SV: "Ingen kamera är ansluten.",
		EN: "No camera is connected."}
	msgCameraUnplugged = i18n.Text{Code: "kiosk.camera_unplugged",
		SV: "Kameran kopplades bort eller slutade fungera.",
		EN: "The camera was unplugged or stopped."}
	msgCameraError = i18n.Text{Code: "kiosk.camera_error",
		SV: "Kameran går inte att öppna.",
		EN: "The camera cannot be opened."}
)
