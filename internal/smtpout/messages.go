package smtpout

import (
	"id06desk/internal/i18n"
	"id06desk/internal/outbox"
)

// Failure codes of Classify: why a mail could not be delivered.
const (
	FailConfig               = "config"                 // the mail settings are incomplete
	FailNoStartTLS           = "no_starttls"            // security starttls, server does not offer it
	FailNoAuthMechanism      = "no_auth_mechanism"      // neither AUTH PLAIN nor LOGIN
	FailCertHostname         = "cert_hostname"          // the certificate is for another name
	FailCertUnknownAuthority = "cert_unknown_authority" // self-signed or a private CA
	FailCertInvalid          = "cert_invalid"           // expired or otherwise invalid certificate
	FailCertPin              = "cert_pin_mismatch"      // not the pinned certificate (the console's receiver changed it)
	FailNotTLS               = "not_tls"                // security tls, the server speaks plain text
	FailTLS                  = "tls_failed"             // the TLS handshake failed
	FailAuthFailed           = "auth_failed"            // wrong user name or password
	FailAuthRefused          = "auth_refused"           // the login was refused for another reason
	FailAuthRequired         = "auth_required"          // the server needs a login
	FailRecipientRefused     = "recipient_refused"      // RCPT TO refused
	FailSenderRefused        = "sender_refused"         // MAIL FROM refused
	FailMessageRefused       = "message_refused"        // DATA refused
	FailServerRefused        = "server_refused"         // refused at the greeting or EHLO
	FailUnexpectedReply      = "unexpected_reply"       // a reply that is not 4xx or 5xx
	FailHostNotFound         = "host_not_found"         // the host name does not exist
	FailDNS                  = "dns_failed"             // the name could not be looked up now
	FailCancelled            = "cancelled"              // sending was stopped on this side
	FailTimeout              = "timeout"                // no answer in time
	FailConnectionRefused    = "connection_refused"     // nothing listens at host:port
	FailUnreachable          = "unreachable"            // no network route
	FailConnectionClosed     = "connection_closed"      // the connection broke off
)

// FailureText is the sentence for a failure code; an unknown code (or a
// reason stored before failures had codes) gets a general sentence.
func FailureText(code string) i18n.Text {
	if t, ok := failureTexts[code]; ok {
		return t
	}
	return msgFailUnknown
}

// FailureMessage is f as a message for people (its detail goes beside it).
func FailureMessage(f outbox.Failure) i18n.Message { return FailureText(f.Code).With() }

var msgFailUnknown = i18n.Text{Code: outbox.CodeUnknown,
	SV: "Mejlet kunde inte skickas. Se detaljerna nedan.",
	EN: "The mail could not be sent. See the details below."}

var failureTexts = map[string]i18n.Text{
	FailConfig: {Code: FailConfig,
		SV: "E-postinställningarna är ofullständiga. Fyll i Inställningar → E-post.",
		EN: "The email settings are incomplete. Fill in Settings → Email."},
	FailNoStartTLS: {Code: FailNoStartTLS,
		SV: "E-postservern erbjuder inte STARTTLS. Välj säkerhet ”tls” (oftast port 465) eller be serverns administratör att slå på STARTTLS.",
		EN: "The mail server does not offer STARTTLS. Choose security \"tls\" (usually port 465) or ask the mail server's administrator to enable STARTTLS."},
	FailNoAuthMechanism: {Code: FailNoAuthMechanism,
		SV: "E-postservern erbjuder inget inloggningssätt som id06desk kan (PLAIN eller LOGIN). Töm användarnamnet om servern inte kräver inloggning.",
		EN: "The mail server offers no login method id06desk supports (PLAIN or LOGIN). Clear the user name if the server needs no login."},
	FailCertHostname: {Code: FailCertHostname,
		SV: "E-postserverns certifikat gäller inte för det här servernamnet. Kontrollera servernamnet i Inställningar → E-post.",
		EN: "The mail server's certificate is not valid for this host name. Check the host in Settings → Email."},
	FailCertUnknownAuthority: {Code: FailCertUnknownAuthority,
		SV: "E-postserverns certifikat är inte betrott: det är utfärdat av en okänd utfärdare (självsignerat eller en egen CA). Installera CA:n på den här datorn eller använd serverns publika namn.",
		EN: "The mail server's certificate is not trusted: it is signed by an unknown authority (self-signed or a private CA). Install the CA on this computer or use the server's public name."},
	FailCertPin: {Code: FailCertPin,
		SV: "Konsolens mottagare har ett annat certifikat än det kiosken parkopplades med, så kiosken skickar ingenting dit. Skicka ett nytt platspaket till kiosken från Kiosker & synk (det har det nya certifikatets fingeravtryck), eller parkoppla kiosken igen.",
		EN: "The console's receiver has another certificate than the one this kiosk was paired with, so the kiosk sends nothing to it. Send the kiosk a new site pack from Kiosks & sync (it carries the new certificate's fingerprint), or pair the kiosk again."},
	FailCertInvalid: {Code: FailCertInvalid,
		SV: "E-postserverns certifikat är inte giltigt (till exempel utgånget).",
		EN: "The mail server's certificate is not valid (for example, it has expired)."},
	FailNotTLS: {Code: FailNotTLS,
		SV: "E-postservern svarade inte med TLS. Kontrollera säkerhetsinställningen: port 465 använder oftast ”tls”, port 587 ”starttls”.",
		EN: "The mail server did not answer with TLS. Check the security setting: port 465 usually uses \"tls\", port 587 \"starttls\"."},
	FailTLS: {Code: FailTLS,
		SV: "Den säkra anslutningen till e-postservern misslyckades.",
		EN: "The secure connection to the mail server failed."},
	FailAuthFailed: {Code: FailAuthFailed,
		SV: "E-postservern godtog inte användarnamnet eller lösenordet. Kontrollera dem i Inställningar → E-post.",
		EN: "The mail server did not accept the user name or password. Check them in Settings → Email."},
	FailAuthRefused: {Code: FailAuthRefused,
		SV: "E-postservern nekade inloggningen.",
		EN: "The mail server refused the login."},
	FailAuthRequired: {Code: FailAuthRequired,
		SV: "E-postservern kräver inloggning: ange användarnamn och lösenord i Inställningar → E-post.",
		EN: "The mail server requires a login: set the user name and password in Settings → Email."},
	FailRecipientRefused: {Code: FailRecipientRefused,
		SV: "E-postservern tog inte emot mottagarens adress. Kontrollera adressen.",
		EN: "The mail server refused the recipient's address. Check the address."},
	FailSenderRefused: {Code: FailSenderRefused,
		SV: "E-postservern tog inte emot avsändaradressen. Kontrollera avsändaren i Inställningar → E-post.",
		EN: "The mail server refused the sender address. Check the sender in Settings → Email."},
	FailMessageRefused: {Code: FailMessageRefused,
		SV: "E-postservern tog inte emot meddelandet.",
		EN: "The mail server refused the message."},
	FailServerRefused: {Code: FailServerRefused,
		SV: "E-postservern nekade anslutningen.",
		EN: "The mail server refused the connection."},
	FailUnexpectedReply: {Code: FailUnexpectedReply,
		SV: "E-postservern gav ett oväntat svar.",
		EN: "The mail server gave an unexpected answer."},
	FailHostNotFound: {Code: FailHostNotFound,
		SV: "E-postserverns namn finns inte. Kontrollera servernamnet i Inställningar → E-post.",
		EN: "The mail server's name could not be found. Check the host in Settings → Email."},
	FailDNS: {Code: FailDNS,
		SV: "E-postserverns namn kunde inte slås upp just nu.",
		EN: "The mail server's name could not be looked up right now."},
	FailCancelled: {Code: FailCancelled,
		SV: "Sändningen avbröts.",
		EN: "Sending was cancelled."},
	FailTimeout: {Code: FailTimeout,
		SV: "E-postservern svarade inte i tid.",
		EN: "The mail server did not answer in time."},
	FailConnectionRefused: {Code: FailConnectionRefused,
		SV: "Det gick inte att ansluta till e-postservern: anslutningen nekades. Kontrollera server och port, och att e-postservern är igång.",
		EN: "Could not connect to the mail server: the connection was refused. Check the host and port, and whether the mail server is running."},
	FailUnreachable: {Code: FailUnreachable,
		SV: "E-postservern gick inte att nå: nätverket saknar väg dit.",
		EN: "Could not reach the mail server: no network route."},
	FailConnectionClosed: {Code: FailConnectionClosed,
		SV: "Anslutningen till e-postservern bröts oväntat.",
		EN: "The connection to the mail server was closed unexpectedly."},
}
