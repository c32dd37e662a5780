package httpapi

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"id06desk/internal/i18n"
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

	// CodeNexusNotReady: a chosen order is not ready (sent already, in
	// another batch, rejected ...); nothing was sent.
	CodeNexusNotReady Code = "nexus_not_ready"
	// CodeNexusPhoto: a chosen order's photo breaks Nexus's rules.
	CodeNexusPhoto Code = "nexus_photo"
	// CodeNothingReady: no order is ready to be sent.
	CodeNothingReady Code = "nothing_ready"
	// CodeNexusPurged: a batch's file is gone and its personal data too.
	CodeNexusPurged Code = "nexus_purged"
	// CodeNexusDelivery: the batch exists but its file was not delivered.
	CodeNexusDelivery Code = "nexus_delivery_failed"

	// CodeSyncRefused: a sync file (a kiosk's bundle) was refused; the
	// message says why, details.reason is the refusal's own code.
	CodeSyncRefused Code = "sync_refused"

	// CodeBackupFailed: the backup could not be written; the message has
	// the system's words for why (details.reason too).
	CodeBackupFailed Code = "backup_failed"
)

// Error is the one error type of the API: a code for programs and a message
// for people. Message and Fields are i18n.Messages, rendered in the caller's
// language (Accept-Language) when the answer is written, so every sentence
// exists in Swedish and English; FieldCodes in the answer carry each field
// message's stable code.
type Error struct {
	Code       Code
	Message    i18n.Message
	Fields     map[string]i18n.Message
	Details    map[string]string // facts for the message (dates, names), never sentences
	RetryAfter time.Duration
	Err        error // cause, logged, never sent
}

func (e *Error) Error() string {
	if e.Err != nil {
		return string(e.Code) + ": " + e.Message.In(i18n.EN) + ": " + e.Err.Error()
	}
	return string(e.Code) + ": " + e.Message.In(i18n.EN)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf makes an *Error with the message t.With(params...).
func Errorf(code Code, t i18n.Text, params ...any) *Error {
	return &Error{Code: code, Message: t.With(params...)}
}

// errorJSON is an Error as the client reads it, in one language.
type errorJSON struct {
	Code       Code              `json:"code"`
	Message    string            `json:"message"`
	Fields     map[string]string `json:"fields,omitempty"`
	FieldCodes map[string]string `json:"fieldCodes,omitempty"`
	Details    map[string]string `json:"details,omitempty"`
}

// In renders e in lang.
func (e *Error) In(lang i18n.Lang) errorJSON {
	out := errorJSON{Code: e.Code, Message: e.Message.In(lang), Details: e.Details}
	if out.Message == "" {
		out.Message = msgGeneric.In(lang)
	}
	if len(e.Fields) > 0 {
		out.Fields = make(map[string]string, len(e.Fields))
		out.FieldCodes = make(map[string]string, len(e.Fields))
		for k, m := range e.Fields {
			out.Fields[k] = m.In(lang)
			out.FieldCodes[k] = m.Code()
		}
	}
	return out
}

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
	case CodeConflict, CodeNoPassword, CodeSetupDone, CodeNotConfigured, CodeIncomplete, CodeNoPIN,
		CodeNexusNotReady, CodeNexusPhoto, CodeNothingReady:
		return http.StatusConflict
	case CodeSetupInvalid, CodeSetupExpired, CodeNoLink, CodeNexusPurged, CodeExpired, CodeRevoked, CodeSuperseded, CodeAlreadyRegistered:
		return http.StatusGone
	case CodeTooLarge:
		return http.StatusRequestEntityTooLarge
	case CodeSyncRefused:
		return http.StatusUnprocessableEntity
	case CodeRateLimited:
		return http.StatusTooManyRequests
	case CodeUnavailable, CodeCameraUnavailable, CodeBankIDFailed, CodePhotoBusy:
		return http.StatusServiceUnavailable
	case CodeMailFailed, CodeBackupFailed:
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
		e = &Error{Code: CodeInternal, Message: msgInternal.With(), Err: err}
	}
	st := status(e.Code)
	if st >= 500 {
		// The route's pattern, never the path: paths carry invitation tokens.
		log.Error("request failed", "route", routeOf(r), "code", e.Code, "err", e.Err)
	}
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((e.RetryAfter+time.Second-1)/time.Second)))
	}
	writeJSON(w, st, map[string]errorJSON{"error": e.In(i18n.FromRequest(r))})
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
			return Errorf(CodeBadRequest, msgJSONExtra)
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
		return Errorf(CodeBadRequest, msgJSONEmpty)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return Errorf(CodeBadRequest, msgJSONShort)
	case errors.As(err, &syn):
		return Errorf(CodeBadRequest, msgJSONSyntax, "offset", syn.Offset)
	case errors.As(err, &typ):
		if typ.Field == "" {
			return Errorf(CodeBadRequest, msgJSONBodyType, "want", jsonKind(typ.Type), "got", valueWord(typ.Value))
		}
		m := msgJSONFieldType.With("field", strconv.Quote(typ.Field), "want", jsonKind(typ.Type), "got", valueWord(typ.Value))
		return &Error{Code: CodeBadRequest, Message: m, Fields: map[string]i18n.Message{typ.Field: m}}
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name, _ = strconv.Unquote(name)
		m := msgJSONUnknownField.With("field", strconv.Quote(name))
		return &Error{Code: CodeBadRequest, Message: m, Fields: map[string]i18n.Message{name: m}}
	}
	return Errorf(CodeBadRequest, msgJSONShape)
}

// valueWord names the JSON value the client sent (UnmarshalTypeError.Value:
// "string", "number", "number -1", "bool", "array", "object").
func valueWord(v string) i18n.Message {
	switch {
	case v == "string":
		return wordText.With()
	case strings.HasPrefix(v, "number"):
		if n, ok := strings.CutPrefix(v, "number "); ok {
			return wordTheNumber.With("n", n)
		}
		return wordNumber.With()
	case v == "bool":
		return wordBool.With()
	case v == "array":
		return wordList.With()
	case v == "object":
		return wordObject.With()
	}
	return wordOther.With()
}

// jsonKind names what JSON value a Go type takes, in words.
func jsonKind(t reflect.Type) i18n.Text {
	if t == nil {
		return wordOther
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return wordText
	case reflect.Bool:
		return wordBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return wordWhole
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return wordWholeNonNeg
	case reflect.Float32, reflect.Float64:
		return wordNumber
	case reflect.Slice, reflect.Array:
		return wordList
	case reflect.Map, reflect.Struct:
		return wordObject
	}
	return wordOther
}

// domainError maps the domain packages' errors to API errors; nil when err
// is not one of them.
func domainError(err error) *Error {
	if e := orderError(err); e != nil {
		return e
	}
	if e := nexusError(err); e != nil {
		return e
	}
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
	var inUse *invite.CatalogInUseError
	switch {
	case errors.As(err, &fe):
		fields := map[string]i18n.Message{}
		for _, f := range fe {
			fields[f.Key] = f.Msg
		}
		return &Error{Code: CodeInvalid, Message: msgSettingsInvalid.With(), Fields: fields}
	case errors.As(err, &ce):
		return &Error{Code: CodeInvalid, Message: ce.Msg, Fields: map[string]i18n.Message{ce.Field: ce.Msg}}
	case errors.As(err, &ie):
		e := &Error{Code: CodeInvalid, Message: ie.Msg, Fields: map[string]i18n.Message{ie.Field: ie.Msg},
			Details: map[string]string{"field": ie.Field, "reason": ie.Code}}
		if ie.Limits != [2]int{} {
			e.Details["min"], e.Details["max"] = strconv.Itoa(ie.Limits[0]), strconv.Itoa(ie.Limits[1])
		}
		return e
	case errors.Is(err, invite.ErrNotFound):
		return Errorf(CodeNotFound, msgNoInvitation)
	case errors.As(err, &inUse):
		return &Error{Code: CodeConflict, Message: inUse.Msg()}
	case errors.Is(err, invite.ErrTransition), errors.Is(err, invite.ErrCatalogInUse):
		return &Error{Code: CodeConflict, Message: messageOf(err, msgConflict)}
	case errors.Is(err, invitations.ErrNotConfigured):
		return &Error{Code: CodeNotConfigured, Message: messageOf(err, msgNotConfigured)}
	case errors.Is(err, smtpout.ErrNotConfigured):
		return Errorf(CodeNotConfigured, msgNotConfigured)
	case errors.Is(err, invitations.ErrBadInput):
		return &Error{Code: CodeInvalid, Message: messageOf(err, msgInvalid)}
	}
	return nil
}

// messageOf is the message an *i18n.Error in err's chain carries for
// people, or fallback.
func messageOf(err error, fallback i18n.Text) i18n.Message {
	var ie *i18n.Error
	if errors.As(err, &ie) {
		return ie.Msg
	}
	return fallback.With()
}
