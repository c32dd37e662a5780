package imapfetch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"syscall"

	"github.com/emersion/go-imap/client"

	"id06desk/internal/i18n"
)

// The kinds of failure; errors.Is(err, ErrAuth) and so on.
var (
	ErrConfig  = errors.New("imapfetch: the IMAP settings are incomplete or invalid")
	ErrConnect = errors.New("imapfetch: no connection to the IMAP server")
	ErrTLS     = errors.New("imapfetch: no secure connection to the IMAP server")
	ErrAuth    = errors.New("imapfetch: the IMAP server refused the login")
	ErrMailbox = errors.New("imapfetch: IMAP mailbox or folder unavailable")
	ErrServer  = errors.New("imapfetch: the IMAP server refused a command")
)

// Error is a failure of Collect or Check, for people and for programs:
// Kind is one of the Err* values, Code the precise reason (Fail*; Message
// gives its sentence in Swedish and English), Op what was being done, and
// Detail the server's own words or the technical error.
type Error struct {
	Kind   error
	Code   string
	Op     string
	Detail string
	Err    error // the underlying error, if any
}

func (e *Error) Error() string {
	s := e.Kind.Error() + ": " + e.Op
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Unwrap gives errors.Is both the kind and the cause (context.Canceled,
// a net.Error, x509 errors...).
func (e *Error) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

// Message is the sentence for people; Detail goes beside it.
func (e *Error) Message() i18n.Message { return FailureText(e.Code).With() }

// Explain returns what to show for any error of Collect or Check: the
// sentence and the technical detail (an error that is not an *Error, such
// as the handler's own, gets a general sentence and its text).
func Explain(err error) (i18n.Message, string) {
	var e *Error
	if errors.As(err, &e) {
		return e.Message(), e.Detail
	}
	return FailureText("").With(), err.Error()
}

// stage is the step of the session an error comes from: it decides what a
// refusal by the server means.
type stage int

const (
	stageConnect  stage = iota // dial, greeting
	stageTLS                   // TLS handshake, STARTTLS
	stageGreeting              // the greeting inside TLS
	stageLogin                 // LOGIN
	stageSelect                // SELECT/EXAMINE the mailbox
	stageFolder                // LIST/CREATE of the processed/refused folders
	stageCommand               // any other command
)

// fail classifies err from step st of operation op.
func (s *session) fail(st stage, op string, err error) *Error {
	mk := func(kind error, code string, detail string) *Error {
		return &Error{Kind: kind, Code: code, Op: op, Detail: detail, Err: err}
	}
	if ctxErr := s.ctx.Err(); ctxErr != nil {
		e := mk(ErrConnect, FailCancelled, ctxErr.Error())
		e.Err = ctxErr
		return e
	}
	// When the connection died, go-imap says only "connection closed":
	// the cause is what the connection saw.
	if s.conn != nil {
		if cause := s.conn.failure(); cause != nil {
			err = cause
		}
	}
	if e := classifyTLS(err, st); e != nil {
		e.Op, e.Err = op, err
		return e
	}
	if e := classifyNet(err); e != nil {
		e.Op, e.Err = op, err
		return e
	}
	if errors.Is(err, client.ErrLoginDisabled) {
		return mk(ErrAuth, FailLoginDisabled, "LOGINDISABLED")
	}
	words := serverWords(err)
	switch st {
	case stageConnect, stageGreeting:
		return mk(ErrConnect, FailNotIMAP, words)
	case stageTLS:
		return mk(ErrTLS, FailTLS, words)
	case stageLogin:
		return mk(ErrAuth, FailAuth, words)
	case stageSelect:
		return mk(ErrMailbox, FailMailbox, words)
	case stageFolder:
		return mk(ErrMailbox, FailFolder, words)
	}
	return mk(ErrServer, FailCommand, words)
}

func classifyTLS(err error, st stage) *Error {
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalidErr x509.CertificateInvalidError
	var verifyErr *tls.CertificateVerificationError
	var recordErr tls.RecordHeaderError
	var alert tls.AlertError
	tlsErr := func(code string) *Error { return &Error{Kind: ErrTLS, Code: code, Detail: rootMessage(err)} }
	switch {
	case errors.As(err, &hostErr):
		return tlsErr(FailCertHostname)
	case errors.As(err, &unknownAuth):
		return tlsErr(FailCertUnknownAuthority)
	case errors.As(err, &invalidErr), errors.As(err, &verifyErr):
		return tlsErr(FailCertInvalid)
	case errors.As(err, &recordErr):
		return tlsErr(FailNotTLS)
	case errors.As(err, &alert):
		return tlsErr(FailTLS)
	case st == stageTLS && strings.Contains(err.Error(), "tls: "):
		return tlsErr(FailTLS)
	}
	return nil
}

func classifyNet(err error) *Error {
	netErr := func(code string) *Error { return &Error{Kind: ErrConnect, Code: code, Detail: rootMessage(err)} }
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		if dnsErr.IsNotFound && !dnsErr.IsTemporary && !dnsErr.IsTimeout {
			return &Error{Kind: ErrConnect, Code: FailHostNotFound, Detail: dnsErr.Name}
		}
		return netErr(FailDNS)
	}
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return netErr(FailTimeout)
	case errors.Is(err, syscall.ECONNREFUSED):
		return netErr(FailConnectionRefused)
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.ENETDOWN):
		return netErr(FailUnreachable)
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, io.EOF),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed),
		strings.Contains(err.Error(), "imap: connection closed"):
		return netErr(FailConnectionClosed)
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		return netErr(FailConnectionClosed)
	}
	return nil
}

// serverWords is the server's reply text (go-imap returns a NO or BAD as
// an error whose text is the server's).
func serverWords(err error) string {
	return strings.TrimSpace(rootMessage(err))
}

func rootMessage(err error) string {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err.Error()
		}
		err = next
	}
}
