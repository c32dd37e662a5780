package bankid

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
)

// Error codes. The first group are the errorCode values the BankID RP API
// v6.0 returns with HTTP 4xx/5xx; the second group are this package's names
// for failures below HTTP (the BankID server never sends them).
const (
	CodeAlreadyInProgress    = "alreadyInProgress"    // 400: an order for this user is already running
	CodeInvalidParameters    = "invalidParameters"    // 400: bad request body, or an unknown/finished orderRef
	CodeUnauthorized         = "unauthorized"         // 401/403: the RP certificate may not use the service
	CodeNotFound             = "notFound"             // 404: wrong URL path
	CodeMethodNotAllowed     = "methodNotAllowed"     // 405: not a POST
	CodeRequestTimeout       = "requestTimeout"       // 408: the server gave up reading the request
	CodeUnsupportedMediaType = "unsupportedMediaType" // 415: not application/json
	CodeInternalError        = "internalError"        // 500
	CodeMaintenance          = "maintenance"          // 503

	CodeTLS                = "tlsHandshake"       // the TLS handshake failed, e.g. the server is not signed by the pinned root
	CodeCertificateRefused = "certificateRefused" // the server refused our client certificate (or got none)
	CodeConnectionRefused  = "connectionRefused"  // nothing listens at the address
	CodeTimeout            = "timeout"            // no answer within the configured timeout
	CodeNetwork            = "network"            // other transport failures: DNS, reset, closed connection
	CodeBadResponse        = "badResponse"        // an answer that is not the API's JSON
)

// Error is a failed call to the BankID API: an HTTP error answer (Code is
// the API's errorCode, HTTPStatus its status) or a transport failure (Code
// is one of the transport codes, HTTPStatus 0, Err the cause).
type Error struct {
	Code       string
	Details    string // the API's details text, or this package's explanation
	HTTPStatus int
	Err        error
}

// Error returns e.g. "invalidParameters (HTTP 400): No such order".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Code)
	if e.HTTPStatus != 0 {
		fmt.Fprintf(&b, " (HTTP %d)", e.HTTPStatus)
	}
	if e.Details != "" {
		b.WriteString(": ")
		b.WriteString(e.Details)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the transport error, if any.
func (e *Error) Unwrap() error { return e.Err }

// Temporary reports whether the same request may succeed if sent again
// later without any change: the server's requestTimeout, internalError and
// maintenance, and the transport's timeouts, refused connections and other
// network failures. alreadyInProgress is not temporary: the user has to
// finish or cancel the other order first (RFA4).
func (e *Error) Temporary() bool {
	switch e.Code {
	case CodeRequestTimeout, CodeInternalError, CodeMaintenance,
		CodeTimeout, CodeConnectionRefused, CodeNetwork:
		return true
	}
	return false
}

// ErrorCode returns the Code of the *Error in err's chain, or "" if there is
// none.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// codeForStatus names the error when an error answer carries no JSON body
// (a proxy's HTML page, an empty 503). Assumption: the status codes below are
// the ones the API documents for each errorCode.
func codeForStatus(status int) string {
	switch status {
	case 400:
		return CodeInvalidParameters
	case 401, 403:
		return CodeUnauthorized
	case 404:
		return CodeNotFound
	case 405:
		return CodeMethodNotAllowed
	case 408:
		return CodeRequestTimeout
	case 415:
		return CodeUnsupportedMediaType
	case 503:
		return CodeMaintenance
	}
	if status >= 500 {
		return CodeInternalError
	}
	return CodeBadResponse
}

// classifyTransport turns an error from http.Client.Do (or from reading the
// body) into an *Error with a transport code.
func classifyTransport(err error) *Error {
	if e, ok := errors.AsType[*Error](err); ok {
		return e
	}

	// The server's certificate did not verify against the pinned root.
	var verifyErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalidErr x509.CertificateInvalidError
	switch {
	case errors.As(err, &hostErr):
		return &Error{Code: CodeTLS, Details: "the BankID server's certificate does not match its address", Err: err}
	case errors.As(err, &verifyErr), errors.As(err, &unknownAuth), errors.As(err, &invalidErr):
		return &Error{Code: CodeTLS, Details: "the BankID server's certificate is not issued by the configured root CA", Err: err}
	}

	// An alert from the server. With TLS 1.3 the server checks the client
	// certificate after the client considers the handshake done, so a
	// refused certificate shows up as an alert on the first read.
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "remote error" {
		msg := opErr.Err.Error()
		if strings.Contains(msg, "certificate") || strings.Contains(msg, "access denied") {
			return &Error{Code: CodeCertificateRefused, Details: "the BankID server refused the client certificate", Err: err}
		}
		return &Error{Code: CodeTLS, Details: "the BankID server ended the TLS handshake", Err: err}
	}
	var recordErr tls.RecordHeaderError
	if errors.As(err, &recordErr) {
		return &Error{Code: CodeTLS, Details: "the server did not answer with TLS", Err: err}
	}

	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return &Error{Code: CodeConnectionRefused, Details: "nothing accepts connections at the BankID address", Err: err}
	case errors.Is(err, context.DeadlineExceeded), isTimeout(err):
		return &Error{Code: CodeTimeout, Details: "the BankID server did not answer in time", Err: err}
	}
	return &Error{Code: CodeNetwork, Err: err}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// FailedError is an order that ended with status "failed"; HintCode says why
// (userCancel, expiredTransaction, startFailed, certificateErr, ...).
type FailedError struct {
	HintCode string
}

func (e *FailedError) Error() string {
	return "bankid: order failed: " + e.HintCode
}

// Sentinel errors.
var (
	// ErrConfig wraps every problem with a Config found by NewClient.
	ErrConfig = errors.New("bankid: invalid configuration")
	// ErrInvalidRequest wraps problems with a request found before it is sent.
	ErrInvalidRequest = errors.New("bankid: invalid request")
	// ErrNotConfigured is returned by Check and Start without a client.
	ErrNotConfigured = errors.New("bankid: not configured")
	// ErrCancelled is returned by Poll after Cancel.
	ErrCancelled = errors.New("bankid: order cancelled")
	// ErrAlreadyPolling is returned by a second Poll while one runs.
	ErrAlreadyPolling = errors.New("bankid: order is already being polled")
)
