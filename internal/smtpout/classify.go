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
)

// Classify tells whether a Send error is temporary (retry later: 4xx replies,
// refused or lost connections, timeouts, temporary DNS failures) or permanent
// (5xx replies, untrusted certificates, TLS or AUTH not offered, invalid
// settings), and gives a reason for the administrator, e.g. "The mail server
// refused the recipient: 550 5.1.1 user unknown".
//
// Errors it does not recognise are temporary: the outbox's retry limit ends
// them, while a wrong "permanent" would drop a mail that could have gone out.
func Classify(err error) (temporary bool, reason string) {
	if err == nil {
		return false, ""
	}
	var se *Error
	var stage Stage
	addr := "the mail server"
	if errors.As(err, &se) {
		stage = se.Stage
		addr = "the mail server at " + se.Addr
	}

	// Settings problems.
	switch {
	case errors.Is(err, ErrConfig):
		return false, "The e-mail settings are incomplete: " + strings.TrimPrefix(strings.TrimPrefix(innerMessage(err, ErrConfig), ErrConfig.Error()), ": ")
	case errors.Is(err, ErrNoStartTLS):
		return false, "The mail server does not offer STARTTLS. Choose security \"tls\" (usually port 465) or ask the mail server's administrator to enable STARTTLS."
	case errors.Is(err, ErrNoAuthMechanism):
		return false, "The mail server offers no login method id06desk supports (PLAIN or LOGIN). Clear the user name if the server needs no login."
	}

	// Certificates and TLS.
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalidErr x509.CertificateInvalidError
	var verifyErr *tls.CertificateVerificationError
	switch {
	case errors.As(err, &hostErr):
		return false, "The mail server's certificate is not valid for this host name: " + hostErr.Error() + ". Check the host setting."
	case errors.As(err, &unknownAuth), errors.As(err, &invalidErr), errors.As(err, &verifyErr):
		return false, "The mail server's certificate is not trusted: " + certMessage(err) + "."
	}
	var recordErr tls.RecordHeaderError
	if errors.As(err, &recordErr) {
		return false, "The mail server did not answer with TLS. Check the security setting: port 465 usually uses \"tls\", port 587 \"starttls\"."
	}
	var alert tls.AlertError
	if errors.As(err, &alert) || (stage == StageTLS && !isNetTemporary(err)) {
		return false, "The secure connection to the mail server failed: " + rootMessage(err) + "."
	}

	// SMTP replies.
	var reply *smtp.SMTPError
	if errors.As(err, &reply) {
		text := replyText(reply)
		temp := reply.Code >= 400 && reply.Code < 500
		var what string
		switch {
		case stage == StageAuth && (reply.Code == 535 || reply.Code == 534):
			return false, "The mail server did not accept the user name or password: " + text
		case stage == StageAuth:
			what = "refused the login"
		case reply.Code == 530 || (reply.Code == 550 && reply.EnhancedCode == smtp.EnhancedCode{5, 7, 0}):
			return false, "The mail server requires a login: set the user name and password. (" + text + ")"
		case stage == StageRcpt:
			what = "refused the recipient"
		case stage == StageMail:
			what = "refused the sender address"
		case stage == StageData:
			what = "refused the message"
		default:
			what = "refused the connection"
		}
		if temp {
			return true, "The mail server temporarily " + what + ": " + text + ". id06desk will try again."
		}
		if reply.Code < 400 || reply.Code >= 600 {
			return true, "The mail server gave an unexpected answer: " + text
		}
		return false, "The mail server " + what + ": " + text
	}

	// Network.
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		if dnsErr.IsNotFound && !dnsErr.IsTemporary && !dnsErr.IsTimeout {
			return false, fmt.Sprintf("The mail server name %q could not be found. Check the host setting.", dnsErr.Name)
		}
		return true, fmt.Sprintf("The mail server name %q could not be looked up right now (%s). id06desk will try again.", dnsErr.Name, dnsErr.Err)
	}
	switch {
	case errors.Is(err, context.Canceled):
		return true, "Sending was cancelled; id06desk will try again."
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded), isTimeout(err):
		return true, "The mail server at " + strings.TrimPrefix(addr, "the mail server at ") + " did not answer in time. id06desk will try again."
	case errors.Is(err, syscall.ECONNREFUSED):
		return true, "Could not connect to " + addr + ": the connection was refused. Check the host and port, or whether the mail server is running. id06desk will try again."
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.ENETDOWN):
		return true, "Could not reach " + addr + ": no network route. id06desk will try again when the network is back."
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed), errors.Is(err, syscall.EPIPE):
		return true, "The connection to " + addr + " was closed unexpectedly. id06desk will try again."
	}
	return true, "Sending failed: " + rootMessage(err) + ". id06desk will try again."
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
	return errors.As(err, &recordErr) || errors.As(err, &alert) || errors.As(err, &verifyErr) ||
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

func certMessage(err error) string {
	var unknownAuth x509.UnknownAuthorityError
	var invalidErr x509.CertificateInvalidError
	switch {
	case errors.As(err, &unknownAuth):
		return "it is signed by an unknown authority (self-signed or a private CA). Install the CA on this computer or use the server's public name"
	case errors.As(err, &invalidErr):
		return invalidErr.Error()
	}
	return rootMessage(err)
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
