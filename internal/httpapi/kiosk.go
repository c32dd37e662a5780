package httpapi

import (
	"bytes"
	"context"
	"errors"
	"image/jpeg"
	"net/http"
	"strconv"
	"time"

	"id06desk/internal/adminauth"
	"id06desk/internal/audit"
	"id06desk/internal/i18n"
	"id06desk/internal/kiosk"
)

// busyDetails mark a 429 that is no lock: the server runs as many password
// or PIN checks as it may at once; the attempt was not counted.
var busyDetails = map[string]string{"reason": "busy"}

// waitText is a wait for a message: "1 second", "40 seconds", "2 minutes"
// (in the message's language).
func waitText(d time.Duration) i18n.Message {
	secs := int((d + time.Second - 1) / time.Second)
	switch {
	case secs <= 1:
		return wordOneSecond.With()
	case secs < 120:
		return wordSeconds.With("n", secs)
	}
	return wordMinutes.With("n", (secs+59)/60)
}

// kioskRoutes are the kiosk's camera, QR scan, photo capture and PIN exit.
// The camera serves the kiosk's own screen (the window, or with `serve
// --kiosk` the browser that opened the printed kiosk link), and otherwise
// only the admin (Settings → Kiosk test view): nobody else may watch the
// site's camera, read what it scans, or take a picture with it.
func (s *Server) kioskRoutes() {
	if s.cfg.Station == nil {
		return
	}
	if s.kiosk != nil {
		s.handle("GET /api/kiosk/open", public, s.kioskOpen)
	}
	s.handle("GET /api/kiosk/status", station, s.kioskStatus)
	s.handle("POST /api/kiosk/camera/rescan", station, s.kioskRescan)
	s.handle("GET /api/kiosk/camera/frame.jpg", station, s.kioskFrame)
	s.handle("GET /api/kiosk/scan", station, s.kioskScan)
	s.handle("POST /api/kiosk/exit", station, s.kioskExit)
	s.handle("PUT /api/kiosk/pin", admin, s.kioskSetPIN)
	if s.cfg.Registration != nil {
		s.handle("POST /api/register/{token}/photo/capture", station, s.registerCapture)
	}
	if s.cfg.TestCamera != nil {
		s.handle("POST /api/kiosk/test-camera", station, s.kioskTestCamera)
	}
}

func (s *Server) kioskStatusBody(w http.ResponseWriter, r *http.Request, st kiosk.Status) error {
	idle := 90
	if s.cfg.Settings != nil {
		if v, err := s.cfg.Settings.Load(r.Context()); err == nil {
			idle = v.Int("kiosk.idle_seconds")
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"kiosk": s.cfg.Kiosk, "idleSeconds": idle, "pinSet": s.cfg.PIN != nil && s.cfg.PIN.IsSet(), "camera": st})
	return nil
}

func (s *Server) kioskStatus(w http.ResponseWriter, r *http.Request) error {
	return s.kioskStatusBody(w, r, s.cfg.Station.Status(r.Context()))
}

func (s *Server) kioskRescan(w http.ResponseWriter, r *http.Request) error {
	return s.kioskStatusBody(w, r, s.cfg.Station.Rescan(r.Context()))
}

func queryInt(r *http.Request, key string, def, lo, hi int) int {
	v, err := strconv.Atoi(r.URL.Query().Get(key))
	if err != nil {
		return def
	}
	return min(max(v, lo), hi)
}

func (s *Server) kioskFrame(w http.ResponseWriter, r *http.Request) error {
	after, _ := strconv.ParseUint(r.URL.Query().Get("after"), 10, 64)
	b, seq, err := s.cfg.Station.Preview(r.Context(), after, queryInt(r, "width", 640, 160, 1920))
	if err != nil {
		return err
	}
	w.Header().Set("X-Frame-Seq", strconv.FormatUint(seq, 10))
	writeJPEG(w, b)
	s.previewOnce.Do(func() { s.cfg.Log.Info("camera preview started", "width", queryInt(r, "width", 640, 160, 1920)) })
	return nil
}

func (s *Server) kioskScan(w http.ResponseWriter, r *http.Request) error {
	after, _ := strconv.ParseUint(r.URL.Query().Get("after"), 10, 64)
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	tok, seq, err := s.cfg.Station.Scan(ctx, after)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"token": tok, "seq": seq})
	return nil
}

func (s *Server) registerCapture(w http.ResponseWriter, r *http.Request) error {
	if !s.cfg.Kiosk {
		return Errorf(CodeForbidden, msgCaptureNotKiosk)
	}
	img, err := s.cfg.Station.Still(r.Context())
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		return err
	}
	sess, err := s.cfg.Registration.UploadPhoto(r.Context(), r.PathValue("token"), &buf, s.cfg.Kiosk)
	return s.writeSession(w, sess, err)
}

// checkKioskPIN checks the PIN a kiosk screen sent ({"pin": …}), with the
// PIN's lock: leaving kiosk mode and opening the kiosk's admin view.
func (s *Server) checkKioskPIN(r *http.Request) error {
	if !s.cfg.Kiosk {
		return Errorf(CodeConflict, msgNotKiosk)
	}
	var in struct {
		PIN string `json:"pin"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if s.cfg.PIN == nil {
		return Errorf(CodeNoPIN, msgNoPIN)
	}
	return s.cfg.PIN.Check(clientAddr(r), in.PIN)
}

func (s *Server) kioskExit(w http.ResponseWriter, r *http.Request) error {
	if err := s.checkKioskPIN(r); err != nil {
		return err
	}
	if s.cfg.DB != nil {
		_ = s.cfg.DB.Audit(r.Context(), "", audit.KioskExit, "", "")
	}
	w.WriteHeader(http.StatusNoContent)
	if s.cfg.OnKioskExit != nil {
		// After the answer is on its way: the window closes, serve stops.
		go func() {
			time.Sleep(200 * time.Millisecond)
			s.cfg.OnKioskExit()
		}()
	}
	return nil
}

func (s *Server) kioskSetPIN(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		PIN string `json:"pin"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if s.cfg.PIN == nil {
		return Errorf(CodeNotConfigured, msgPINNotHere)
	}
	if err := s.cfg.PIN.Set(in.PIN); err != nil {
		return err
	}
	if err := s.cfg.DB.Audit(r.Context(), "", audit.KioskPINSet, "", ""); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) kioskTestCamera(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		File string `json:"file"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.cfg.TestCamera(in.File); err != nil {
		return &Error{Code: CodeInvalid, Message: msgTestCamera.With(), Err: err}
	}
	return s.kioskStatusBody(w, r, s.cfg.Station.Rescan(r.Context()))
}

// kioskError maps the kiosk's errors; nil when err is none of them.
func kioskError(err error) *Error {
	var ue *kiosk.UnavailableError
	var le *kiosk.LimitedError
	switch {
	case errors.As(err, &ue):
		return &Error{Code: CodeCameraUnavailable, Message: ue.Msg(), Details: map[string]string{"state": string(ue.State)}}
	case errors.As(err, &le):
		return &Error{Code: CodeRateLimited, Message: msgPINsLimited.With("wait", waitText(le.Wait)), RetryAfter: le.Wait}
	case errors.Is(err, adminauth.ErrBusy):
		return &Error{Code: CodeRateLimited, Message: msgPINBusy.With(), RetryAfter: adminauth.BusyRetryAfter, Details: busyDetails}
	case errors.Is(err, kiosk.ErrWrongPIN):
		return Errorf(CodeInvalidPIN, msgWrongPIN)
	case errors.Is(err, kiosk.ErrNoPIN):
		return Errorf(CodeNoPIN, msgNoPIN)
	case errors.Is(err, kiosk.ErrPINFormat):
		return &Error{Code: CodeInvalid, Message: msgPINFormat.With(), Fields: map[string]i18n.Message{"pin": msgPINFormat.With()}}
	}
	return nil
}
