package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"id06desk/internal/invitations"
	"id06desk/internal/invite"
	"id06desk/internal/settings"
	"id06desk/internal/smtpout"
)

// Code is a machine-readable error code the frontend maps to its own
// translated text.
type Code string

const (
	CodeBadRequest      Code = "bad_request"
	CodeInvalid         Code = "invalid"
	CodeUnauthorized    Code = "unauthorized"
	CodeForbidden       Code = "forbidden"
	CodeNotFound        Code = "not_found"
	CodeMethod          Code = "method_not_allowed"
	CodeConflict        Code = "conflict"
	CodeTooLarge        Code = "too_large"
	CodeRateLimited     Code = "rate_limited"
	CodeInvalidPassword Code = "invalid_password"
	CodeNoPassword      Code = "no_password"
	CodeUnavailable     Code = "unavailable"
	CodeNotConfigured   Code = "not_configured"
	CodeMailFailed      Code = "mail_failed"
	CodeInternal        Code = "internal"
	// CodeUnsupportedMedia: the body is not of a type the route takes.
	CodeUnsupportedMedia Code = "unsupported_media_type"
	// CodeWrongHost: serve mode, a Host that is not this server's.
	CodeWrongHost Code = "wrong_host"
	// CodeKioskOnly: a camera route called from another screen than the
	// kiosk's own (serve --kiosk without the kiosk link's cookie).
	CodeKioskOnly Code = "kiosk_only"

	// First-run setup link (adminauth.Service.FirstRunLink).
	CodeSetupInvalid  Code = "setup_invalid"
	CodeSetupExpired  Code = "setup_expired"
	CodeSetupDone     Code = "setup_done"
	CodeSetupNotLocal Code = "setup_not_local"
	CodeWeakPassword  Code = "weak_password"

	// An invitation whose link can no longer be used has no QR code.
	CodeNoLink Code = "link_unavailable"

	// Registration: why a link cannot be used, an incomplete registration,
	// photos that cannot be used.
	CodeInvalidLink       Code = "invalid_link"
	CodeExpired           Code = "invitation_expired"
	CodeRevoked           Code = "invitation_revoked"
	CodeSuperseded        Code = "invitation_superseded"
	CodeAlreadyRegistered Code = "already_registered"
	CodeIncomplete        Code = "incomplete"
	CodePhotoFormat       Code = "photo_format"
	CodePhotoDimensions   Code = "photo_dimensions"
	CodePhotoTooSmall     Code = "photo_too_small"
	CodePhotoResolution   Code = "photo_resolution"
	// CodePhotoBusy: too many photos are being decoded; try again after
	// Retry-After.
	CodePhotoBusy Code = "photo_busy"

	// Kiosk: no picture; leaving kiosk mode.
	CodeCameraUnavailable Code = "camera_unavailable"
	CodeInvalidPIN        Code = "invalid_pin"
	CodeNoPIN             Code = "no_pin"
	// BankID refused to start an identification; details carry the RFA.
	CodeBankIDFailed Code = "bankid_failed"
)

// Error is the one error type of the API: a code and a human message
// (English; the UI shows its own translation by code and falls back to it).
type Error struct {
	Code       Code              `json:"code"`
	Message    string            `json:"message"`
	Fields     map[string]string `json:"fields,omitempty"`
	Details    map[string]string `json:"details,omitempty"`
	RetryAfter time.Duration     `json:"-"`
	Err        error             `json:"-"` // cause, logged, never sent
}

func (e *Error) Error() string {
	if e.Err != nil {
		return string(e.Code) + ": " + e.Message + ": " + e.Err.Error()
	}
	return string(e.Code) + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf makes an *Error.
func Errorf(code Code, msg string) *Error { return &Error{Code: code, Message: msg} }

// status maps codes to HTTP status: the only place that does.
func status(c Code) int {
	switch c {
	case CodeBadRequest, CodeInvalid, CodeWeakPassword, CodeInvalidLink, CodePhotoFormat, CodePhotoDimensions, CodePhotoTooSmall, CodePhotoResolution:
		return http.StatusBadRequest
	case CodeUnauthorized, CodeInvalidPassword, CodeInvalidPIN:
		return http.StatusUnauthorized
	case CodeForbidden, CodeKioskOnly, CodeSetupNotLocal:
		return http.StatusForbidden
	case CodeUnsupportedMedia:
		return http.StatusUnsupportedMediaType
	case CodeWrongHost:
		return http.StatusMisdirectedRequest
	case CodeNotFound:
		return http.StatusNotFound
	case CodeMethod:
		return http.StatusMethodNotAllowed
	case CodeConflict, CodeNoPassword, CodeSetupDone, CodeNotConfigured, CodeIncomplete, CodeNoPIN:
		return http.StatusConflict
	case CodeSetupInvalid, CodeSetupExpired, CodeNoLink, CodeExpired, CodeRevoked, CodeSuperseded, CodeAlreadyRegistered:
		return http.StatusGone
	case CodeTooLarge:
		return http.StatusRequestEntityTooLarge
	case CodeRateLimited:
		return http.StatusTooManyRequests
	case CodeUnavailable, CodeCameraUnavailable, CodeBankIDFailed, CodePhotoBusy:
		return http.StatusServiceUnavailable
	case CodeMailFailed:
		return http.StatusBadGateway
	default:
		return http.StatusInternalServerError
	}
}

// writeError answers with the error's status and JSON body. Anything that is
// not an *Error is logged and answered as a generic internal error so no
// internals (or personal data inside them) leak to the client.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	var e *Error
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &e):
	case domainError(err) != nil:
		e = domainError(err)
	case errors.As(err, &mbe):
		e = tooLarge(mbe.Limit)
	default:
		e = &Error{Code: CodeInternal, Message: "Something went wrong on our side. Try again; if it keeps happening, check the log.", Err: err}
	}
	st := status(e.Code)
	if st >= 500 {
		// The route's pattern, never the path: paths carry invitation tokens.
		log.Error("request failed", "route", routeOf(r), "code", e.Code, "err", e.Err)
	}
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((e.RetryAfter+time.Second-1)/time.Second)))
	}
	writeJSON(w, st, map[string]*Error{"error": e})
}

func writeJSON(w http.ResponseWriter, st int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(st)
	enc := json.NewEncoder(w)
	enc.Encode(v)
}

// routeOf names the request's route for the log ("GET /api/register/{token}").
func routeOf(r *http.Request) string {
	if r.Pattern != "" {
		return r.Pattern
	}
	return r.Method + " (no route)"
}

// decodeJSON reads one JSON value into v; size and Content-Type are checked
// by handle. Its errors say in plain words what is wrong with the body and
// which field, never Go's own text (type and package names).
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			var mbe *http.MaxBytesError
			if errors.As(extra, &mbe) {
				return extra
			}
			return &Error{Code: CodeBadRequest, Message: "The request body has more after its JSON value; send exactly one."}
		}
		return nil
	}
	var mbe *http.MaxBytesError
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &mbe):
		return err
	case errors.Is(err, io.EOF):
		return &Error{Code: CodeBadRequest, Message: "The request body is empty; it must be JSON."}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &Error{Code: CodeBadRequest, Message: "The request body ends before its JSON is complete."}
	case errors.As(err, &syn):
		return &Error{Code: CodeBadRequest, Message: fmt.Sprintf("The request body is not valid JSON (at character %d).", syn.Offset)}
	case errors.As(err, &typ):
		if typ.Field == "" {
			return &Error{Code: CodeBadRequest, Message: "The request body must be " + jsonKind(typ.Type) + ", not " + valueWord(typ.Value) + "."}
		}
		return &Error{Code: CodeBadRequest, Message: fmt.Sprintf("The field %q must be %s, not %s.", typ.Field, jsonKind(typ.Type), valueWord(typ.Value)),
			Fields: map[string]string{typ.Field: "type"}}
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name, _ = strconv.Unquote(name)
		return &Error{Code: CodeBadRequest, Message: fmt.Sprintf("The field %q is not known here.", name),
			Fields: map[string]string{name: "unknown"}}
	}
	return &Error{Code: CodeBadRequest, Message: "The request body could not be read as JSON of the right shape."}
}

// valueWord names the JSON value the client sent (UnmarshalTypeError.Value:
// "string", "number", "number -1", "bool", "array", "object").
func valueWord(v string) string {
	switch {
	case v == "string":
		return "text"
	case strings.HasPrefix(v, "number"):
		if n, ok := strings.CutPrefix(v, "number "); ok {
			return "the number " + n
		}
		return "a number"
	case v == "bool":
		return "true or false"
	case v == "array":
		return "a list"
	case v == "object":
		return "an object"
	}
	return "another kind of value"
}

// jsonKind names what JSON value a Go type takes, in words.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "another kind of value"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "text"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "a whole number"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number, 0 or more"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "another kind of value"
}

// domainError maps the domain packages' errors to API errors; nil when err
// is not one of them.
func domainError(err error) *Error {
	if e := registrationError(err); e != nil {
		return e
	}
	if e := kioskError(err); e != nil {
		return e
	}
	if e := bankIDError(err); e != nil {
		return e
	}
	var fe settings.Errors
	var ce *invitations.CatalogError
	var ie *invitations.InputError
	switch {
	case errors.As(err, &fe):
		fields := map[string]string{}
		for _, f := range fe {
			fields[f.Key] = f.Message
		}
		return &Error{Code: CodeInvalid, Message: "Some settings need fixing: " + fe.Error(), Fields: fields}
	case errors.As(err, &ce):
		return &Error{Code: CodeInvalid, Message: ce.Message, Fields: map[string]string{ce.Field: ce.Message}}
	case errors.As(err, &ie):
		e := &Error{Code: CodeInvalid, Message: ie.Message, Fields: map[string]string{ie.Field: ie.Message},
			Details: map[string]string{"field": ie.Field, "reason": ie.Code}}
		if ie.Limits != [2]int{} {
			e.Details["min"], e.Details["max"] = strconv.Itoa(ie.Limits[0]), strconv.Itoa(ie.Limits[1])
		}
		return e
	case errors.Is(err, invite.ErrNotFound):
		return &Error{Code: CodeNotFound, Message: "There is no such invitation."}
	case errors.Is(err, invite.ErrTransition), errors.Is(err, invite.ErrCatalogInUse):
		return &Error{Code: CodeConflict, Message: sentence(err)}
	case errors.Is(err, invitations.ErrNotConfigured), errors.Is(err, smtpout.ErrNotConfigured):
		return &Error{Code: CodeNotConfigured, Message: sentence(err)}
	case errors.Is(err, invitations.ErrBadInput):
		return &Error{Code: CodeInvalid, Message: sentence(err)}
	}
	return nil
}

// sentence turns "a: b" error text into "B." for people.
func sentence(err error) string {
	msg := err.Error()
	if _, after, ok := strings.Cut(msg, ": "); ok {
		msg = after
	}
	if msg == "" {
		return msg
	}
	msg = strings.ToUpper(msg[:1]) + msg[1:]
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return msg
}
