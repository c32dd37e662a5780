package smtpout

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"

	"github.com/emersion/go-smtp"

	"id06desk/internal/outbox"
)

// Classify tells whether a Send error is temporary (retry later: 4xx replies,
// refused or lost connections, timeouts, temporary DNS failures) or permanent
// (5xx replies, untrusted certificates, TLS or AUTH not offered, invalid
// settings), and why: a Failure whose code names the problem for the
// administrator (FailureText has its sentence in each language) and whose
// detail is the mail server's reply or the technical error, e.g.
// {recipient_refused, "550 5.1.1 user unknown"}.
//
// Errors it does not recognise are temporary: the outbox's retry limit ends
// them, while a wrong "permanent" would drop a mail that could have gone out.
func Classify(err error) (temporary bool, why outbox.Failure) {
	if err == nil {
		return false, outbox.Failure{}
	}
	fail := func(temp bool, code, detail string) (bool, outbox.Failure) {
		return temp, outbox.Failure{Code: code, Detail: detail}
	}
	var se *Error
	var stage Stage
	addr := ""
	if errors.As(err, &se) {
		stage = se.Stage
		addr = se.Addr
	}
	at := func(detail string) string {
		if addr == "" {
			return detail
		}
		return addr + ": " + detail
	}

	// Settings problems.
	switch {
	case errors.Is(err, ErrConfig):
		return fail(false, FailConfig, strings.TrimPrefix(strings.TrimPrefix(innerMessage(err, ErrConfig), ErrConfig.Error()), ": "))
	case errors.Is(err, ErrNoStartTLS):
		return fail(false, FailNoStartTLS, at(rootMessage(err)))
	case errors.Is(err, ErrNoAuthMechanism):
		return fail(false, FailNoAuthMechanism, at(rootMessage(err)))
	case errors.Is(err, ErrCertPinMismatch):
		// Temporary: a new pin (a site pack) is all it takes, and the
		// mail then goes out at the next try without anyone resending it.
		return fail(true, FailCertPin, at(innerMessage(err, ErrCertPinMismatch)))
	}

	// Certificates and TLS.
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalidErr x509.CertificateInvalidError
	var verifyErr *tls.CertificateVerificationError
	switch {
	case errors.As(err, &hostErr):
		return fail(false, FailCertHostname, at(hostErr.Error()))
	case errors.As(err, &unknownAuth):
		return fail(false, FailCertUnknownAuthority, at(unknownAuth.Error()))
	case errors.As(err, &invalidErr), errors.As(err, &verifyErr):
		return fail(false, FailCertInvalid, at(rootMessage(err)))
	}
	var recordErr tls.RecordHeaderError
	if errors.As(err, &recordErr) {
		return fail(false, FailNotTLS, at(rootMessage(err)))
	}
	var alert tls.AlertError
	if errors.As(err, &alert) || (stage == StageTLS && !isNetTemporary(err)) {
		return fail(false, FailTLS, at(rootMessage(err)))
	}

	// SMTP replies.
	var reply *smtp.SMTPError
	if errors.As(err, &reply) {
		text := replyText(reply)
		temp := reply.Code >= 400 && reply.Code < 500
		switch {
		case reply.Code < 400 || reply.Code >= 600:
			return fail(true, FailUnexpectedReply, text)
		case stage == StageAuth && (reply.Code == 535 || reply.Code == 534):
			return fail(false, FailAuthFailed, text)
		case stage == StageAuth:
			return fail(temp, FailAuthRefused, text)
		case reply.Code == 530 || (reply.Code == 550 && reply.EnhancedCode == smtp.EnhancedCode{5, 7, 0}):
			return fail(false, FailAuthRequired, text)
		case stage == StageRcpt:
			return fail(temp, FailRecipientRefused, text)
		case stage == StageMail:
			return fail(temp, FailSenderRefused, text)
		case stage == StageData:
			return fail(temp, FailMessageRefused, text)
		}
		return fail(temp, FailServerRefused, text)
	}

	// Network.
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		if dnsErr.IsNotFound && !dnsErr.IsTemporary && !dnsErr.IsTimeout {
			return fail(false, FailHostNotFound, dnsErr.Name)
		}
		return fail(true, FailDNS, dnsErr.Name+": "+dnsErr.Err)
	}
	switch {
	case errors.Is(err, context.Canceled):
		return fail(true, FailCancelled, "")
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded), isTimeout(err):
		return fail(true, FailTimeout, at(rootMessage(err)))
	case errors.Is(err, syscall.ECONNREFUSED):
		return fail(true, FailConnectionRefused, at(rootMessage(err)))
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.ENETDOWN):
		return fail(true, FailUnreachable, at(rootMessage(err)))
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed), errors.Is(err, syscall.EPIPE):
		return fail(true, FailConnectionClosed, at(rootMessage(err)))
	}
	return fail(true, outbox.CodeUnknown, at(rootMessage(err)))
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func isNetTemporary(err error) bool {
	return isTimeout(err) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed)
}

// isTLSError reports whether err comes from the TLS layer.
func isTLSError(err error) bool {
	var recordErr tls.RecordHeaderError
	var alert tls.AlertError
	var verifyErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalidErr x509.CertificateInvalidError
	return errors.Is(err, ErrCertPinMismatch) || errors.As(err, &recordErr) || errors.As(err, &alert) || errors.As(err, &verifyErr) ||
		errors.As(err, &unknownAuth) || errors.As(err, &hostErr) || errors.As(err, &invalidErr) ||
		strings.Contains(err.Error(), "tls: ")
}

// replyText formats a server reply as "550 5.1.1 user unknown".
func replyText(e *smtp.SMTPError) string {
	s := fmt.Sprintf("%03d", e.Code)
	if c := e.EnhancedCode; c != (smtp.EnhancedCode{}) && c != smtp.NoEnhancedCode {
		s += fmt.Sprintf(" %d.%d.%d", c[0], c[1], c[2])
	}
	if e.Message != "" {
		s += " " + strings.ReplaceAll(e.Message, "\n", " ")
	}
	return s
}

// rootMessage is the message of the innermost wrapped error.
func rootMessage(err error) string {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err.Error()
		}
		err = next
	}
}

// innerMessage returns the text of the outermost error that wraps target,
// from the point where target's message starts.
func innerMessage(err, target error) string {
	s := err.Error()
	if i := strings.Index(s, target.Error()); i >= 0 {
		return s[i:]
	}
	return s
}
