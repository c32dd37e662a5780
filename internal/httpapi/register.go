package httpapi

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"id06desk/internal/i18n"
	"id06desk/internal/identity"
	"id06desk/internal/invite"
	"id06desk/internal/order"
	"id06desk/internal/registration"
)

// registerRoutes are the cardholder's endpoints: public, each authorised by
// the invitation token in the path.
func (s *Server) registerRoutes() {
	if s.cfg.Registration == nil {
		return
	}
	s.handle("POST /api/register/lookup", public, s.registerLookup)
	s.handle("GET /api/register/countries", public, s.registerCountries)
	s.handle("GET /api/register/{token}", public, s.registerOpen)
	s.handle("PUT /api/register/{token}/method", public, s.registerMethod)
	s.handle("PUT /api/register/{token}/personal", public, s.registerPersonal)
	// +1: the photo decoder reads one byte past its limit to say "too large".
	s.handle("POST /api/register/{token}/photo", public, s.registerPhotoUpload, takes(registration.MaxPhotoBytes+1, "image/jpeg", "image/png"))
	s.handle("GET /api/register/{token}/photo/source.jpg", public, s.registerPhotoFile(true))
	s.handle("PUT /api/register/{token}/photo/crop", public, s.registerPhotoCrop)
	s.handle("GET /api/register/{token}/photo.jpg", public, s.registerPhotoFile(false))
	s.handle("PUT /api/register/{token}/delivery", public, s.registerDelivery)
	s.handle("POST /api/register/{token}/confirm", public, s.registerConfirm)
	s.handle("DELETE /api/register/{token}/draft", public, s.registerDiscard)
}

// maxVisitLength bounds the kiosk's visit id (it names one person's turn
// at the kiosk screen; the frontend makes 22 characters).
const maxVisitLength = 64

func validVisit(v string) bool {
	if len(v) > maxVisitLength {
		return false
	}
	for _, c := range v {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// registerLookup finds the invitation of a short code. Wrong codes are
// limited per client address; at the kiosk, per visit (the person at the
// screen) with a growing wait, under a much higher ceiling per address.
// The attempt is counted before the lookup (parallel guesses cannot
// overtake the limit); a right code gives back only its own count.
func (s *Server) registerLookup(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Code  string `json:"code"`
		Visit string `json:"visit"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if !validVisit(in.Visit) {
		return &Error{Code: CodeInvalid, Message: msgVisitID.With(), Fields: map[string]i18n.Message{"visit": msgVisitID.With()}}
	}
	visit := ""
	if s.cfg.Kiosk {
		visit = in.Visit
	}
	attempt, wait := s.codeLimiter.Reserve(clientAddr(r), visit)
	if attempt == nil {
		return &Error{Code: CodeRateLimited, Message: msgCodesLimited.With("wait", waitText(wait)), RetryAfter: wait}
	}
	defer attempt.Release() // a right code, or one not checked: not a wrong guess
	tok, err := s.cfg.Registration.Lookup(r.Context(), in.Code)
	switch {
	case errors.Is(err, invite.ErrCodeChar), errors.Is(err, invite.ErrCodeLength):
		attempt.Fail()
		return &Error{Code: CodeInvalid, Message: msgCodeFormat.With(), Err: err}
	case errors.Is(err, invite.ErrNotFound):
		attempt.Fail()
		return Errorf(CodeNotFound, msgCodeUnknown)
	case err != nil:
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"token": tok})
	return nil
}

func (s *Server) registerCountries(w http.ResponseWriter, r *http.Request) error {
	lang := r.URL.Query().Get("lang")
	if lang != "en" {
		lang = "sv"
	}
	w.Header().Set("Cache-Control", "max-age=86400")
	writeJSON(w, http.StatusOK, identity.Countries(lang))
	return nil
}

func (s *Server) writeSession(w http.ResponseWriter, sess *registration.Session, err error) error {
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sess)
	return nil
}

func (s *Server) registerOpen(w http.ResponseWriter, r *http.Request) error {
	sess, err := s.cfg.Registration.Open(r.Context(), r.PathValue("token"), s.cfg.Kiosk)
	return s.writeSession(w, sess, err)
}

func (s *Server) registerMethod(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Method string `json:"method"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	sess, err := s.cfg.Registration.SetMethod(r.Context(), r.PathValue("token"), in.Method, s.cfg.Kiosk)
	return s.writeSession(w, sess, err)
}

func (s *Server) registerPersonal(w http.ResponseWriter, r *http.Request) error {
	var in registration.PersonalInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	sess, err := s.cfg.Registration.SavePersonal(r.Context(), r.PathValue("token"), in, s.cfg.Kiosk)
	return s.writeSession(w, sess, err)
}

func (s *Server) registerPhotoUpload(w http.ResponseWriter, r *http.Request) error {
	sess, err := s.cfg.Registration.UploadPhoto(r.Context(), r.PathValue("token"), r.Body, s.cfg.Kiosk)
	return s.writeSession(w, sess, err)
}

func (s *Server) registerPhotoCrop(w http.ResponseWriter, r *http.Request) error {
	var in registration.Rect
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	sess, err := s.cfg.Registration.CropPhoto(r.Context(), r.PathValue("token"), in, s.cfg.Kiosk)
	return s.writeSession(w, sess, err)
}

func (s *Server) registerPhotoFile(source bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		b, err := s.cfg.Registration.Photo(r.Context(), r.PathValue("token"), source)
		if err != nil {
			return err
		}
		writeJPEG(w, b)
		return nil
	}
}

// writePNG answers with a QR code image: a link that opens a registration
// or a BankID login, never kept by a cache.
func writePNG(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b)
}

func writeJPEG(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	// Personal data: never kept by a shared cache or on disk by the browser.
	w.Header().Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	w.Write(b)
}

func (s *Server) registerDelivery(w http.ResponseWriter, r *http.Request) error {
	var in registration.DeliveryInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	sess, err := s.cfg.Registration.SaveDelivery(r.Context(), r.PathValue("token"), in, s.cfg.Kiosk)
	return s.writeSession(w, sess, err)
}

func (s *Server) registerConfirm(w http.ResponseWriter, r *http.Request) error {
	rec, err := s.cfg.Registration.Confirm(r.Context(), r.PathValue("token"), s.cfg.Kiosk)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rec)
	return nil
}

// registerDiscard ends an unfinished registration ("Cancel and start
// over", or the kiosk's idle wipe: reason=idle); the service decides what
// is deleted.
func (s *Server) registerDiscard(w http.ResponseWriter, r *http.Request) error {
	idle := r.URL.Query().Get("reason") == "idle"
	if err := s.cfg.Registration.Discard(r.Context(), r.PathValue("token"), idle); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// registrationError maps the registration's errors; nil when err is none of
// them.
func registrationError(err error) *Error {
	var le *registration.LinkError
	var fe identity.Errors
	var one *identity.FieldError
	var pe *registration.PhotoError
	var ie *registration.IncompleteError
	switch {
	case errors.As(err, &le):
		e := &Error{Code: Code(le.Code), Message: le.Msg(), Details: map[string]string{}}
		if le.Company != "" {
			e.Details["company"] = le.Company
		}
		switch le.Code {
		case registration.LinkExpired:
			e.Details["expiredOn"] = le.At.UTC().Format(time.RFC3339)
		case registration.LinkAlreadyRegistered:
			e.Details["registeredOn"] = le.At.UTC().Format(time.RFC3339)
		}
		return e
	case errors.As(err, &fe):
		fields := map[string]i18n.Message{}
		for _, f := range fe {
			if _, dup := fields[f.Field]; !dup {
				fields[f.Field] = f.Msg()
			}
		}
		return &Error{Code: CodeInvalid, Message: msgFieldsInvalid.With(), Fields: fields}
	case errors.As(err, &one):
		return &Error{Code: CodeInvalid, Message: msgFieldsInvalid.With(), Fields: map[string]i18n.Message{one.Field: one.Msg()}}
	case errors.As(err, &pe):
		// pe.Msg is ours; the cause (a decoder's words) is logged by
		// the service, never sent.
		switch pe.Code {
		case registration.PhotoTooLarge:
			return &Error{Code: CodeTooLarge, Message: pe.Msg}
		case registration.PhotoBusy:
			return &Error{Code: CodePhotoBusy, Message: pe.Msg, RetryAfter: registration.PhotoBusyRetry}
		}
		return &Error{Code: Code(pe.Code), Message: pe.Msg}
	case errors.As(err, &ie):
		return &Error{Code: CodeIncomplete, Message: ie.Msg(), Details: map[string]string{"step": ie.Step}}
	case errors.Is(err, registration.ErrBankIDUnavailable):
		return Errorf(CodeNotConfigured, msgBankIDUnavailable)
	case errors.Is(err, registration.ErrMethodFixed):
		return &Error{Code: CodeConflict, Message: messageOf(err, msgConflict)}
	case errors.Is(err, registration.ErrNoPhoto):
		return Errorf(CodeNotFound, msgNoPhoto)
	case errors.Is(err, order.ErrNotFound):
		return Errorf(CodeNotFound, msgNoOrder)
	}
	return nil
}
