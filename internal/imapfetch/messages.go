package imapfetch

import "id06desk/internal/i18n"

// Codes of Error.Code: why collecting mail failed. Each has a sentence in
// Swedish and English (FailureText); the UI shows it with Error.Detail.
const (
	FailConfig               = "imap_config"                 // the settings are incomplete or invalid
	FailNoHost               = "imap_no_host"                // no server named
	FailNoUser               = "imap_no_user"                // no user name
	FailBadPort              = "imap_bad_port"               // a port outside 1–65535
	FailFolderIsMailbox      = "imap_folder_is_mailbox"      // processed/refused folder is the mailbox read
	FailPlainNotLoopback     = "imap_plain_not_loopback"     // security none with a host that is not this computer
	FailHostNotFound         = "imap_host_not_found"         // the host name does not exist
	FailDNS                  = "imap_dns_failed"             // the name could not be looked up now
	FailConnectionRefused    = "imap_connection_refused"     // nothing listens at host:port
	FailUnreachable          = "imap_unreachable"            // no network route
	FailTimeout              = "imap_timeout"                // no answer in time
	FailConnectionClosed     = "imap_connection_closed"      // the connection broke off
	FailCancelled            = "imap_cancelled"              // stopped on this side
	FailNotIMAP              = "imap_not_imap"               // something else answered
	FailNoStartTLS           = "imap_no_starttls"            // starttls chosen, server does not offer it
	FailNotTLS               = "imap_not_tls"                // tls chosen, the server speaks plain text
	FailTLS                  = "imap_tls_failed"             // the TLS handshake failed
	FailCertUnknownAuthority = "imap_cert_unknown_authority" // self-signed or a private CA
	FailCertHostname         = "imap_cert_hostname"          // the certificate is for another name
	FailCertInvalid          = "imap_cert_invalid"           // expired or otherwise invalid
	FailAuth                 = "imap_auth_failed"            // wrong user name or password (the server's words in Detail)
	FailLoginDisabled        = "imap_login_disabled"         // the server allows no plain-text login here
	FailMailbox              = "imap_mailbox_missing"        // the mailbox cannot be opened
	FailFolder               = "imap_folder_failed"          // the processed/refused folder cannot be created
	FailCommand              = "imap_command_failed"         // the server refused a command
)

// FailureText is the sentence for a failure code; an unknown code gets a
// general sentence.
func FailureText(code string) i18n.Text {
	if t, ok := failureTexts[code]; ok {
		return t
	}
	return msgFailUnknown
}

var msgFailUnknown = i18n.Text{Code: "imap_failed",
	SV: "Det gick inte att hämta e-post från brevlådan. Se detaljerna nedan.",
	EN: "Mail could not be collected from the mailbox. See the details below."}

// TooLargeText is the sentence for a message refused for its size
// (Item.Reason starts with ReasonTooLarge).
var TooLargeText = i18n.Text{Code: "imap_message_too_large",
	SV: "Mejlet är för stort ({size} byte, gränsen är {max} byte) och flyttades till mappen för avvisade.",
	EN: "The mail is too large ({size} bytes, the limit is {max} bytes) and was moved to the refused folder."}

var failureTexts = map[string]i18n.Text{
	FailConfig: {Code: FailConfig,
		SV: "IMAP-inställningarna är ofullständiga. Fyll i server, användarnamn och lösenord i Inställningar → Synk.",
		EN: "The IMAP settings are incomplete. Fill in the host, user name and password in Settings → Sync."},
	FailNoHost: {Code: FailNoHost,
		SV: "Ingen IMAP-server är ifylld. Skriv in serverns namn, till exempel imap.företaget.se, i Inställningar → Synk.",
		EN: "No IMAP server is filled in. Enter the server's name, for example imap.company.com, in Settings → Sync."},
	FailNoUser: {Code: FailNoUser,
		SV: "Inget IMAP-användarnamn är ifyllt. Skriv in brevlådans användarnamn (ofta hela e-postadressen) i Inställningar → Synk.",
		EN: "No IMAP user name is filled in. Enter the mailbox's user name (often the whole e-mail address) in Settings → Sync."},
	FailBadPort: {Code: FailBadPort,
		SV: "IMAP-porten måste vara ett tal mellan 1 och 65535 (oftast 993 för tls, 143 för starttls).",
		EN: "The IMAP port must be a number from 1 to 65535 (usually 993 for tls, 143 for starttls)."},
	FailFolderIsMailbox: {Code: FailFolderIsMailbox,
		SV: "Mapparna för hanterade och avvisade mejl får inte vara samma som mappen som läses.",
		EN: "The folders for processed and refused mail must not be the folder that is read."},
	FailPlainNotLoopback: {Code: FailPlainNotLoopback,
		SV: "Okrypterad IMAP tillåts bara mot en server på den här datorn. Välj säkerhet ”tls” eller ”starttls”.",
		EN: "Unencrypted IMAP is allowed only with a server on this computer. Choose security \"tls\" or \"starttls\"."},
	FailHostNotFound: {Code: FailHostNotFound,
		SV: "IMAP-serverns namn finns inte. Kontrollera servernamnet i Inställningar → Synk.",
		EN: "The IMAP server's name could not be found. Check the host in Settings → Sync."},
	FailDNS: {Code: FailDNS,
		SV: "IMAP-serverns namn kunde inte slås upp just nu. Försöker igen senare.",
		EN: "The IMAP server's name could not be looked up right now. Will try again later."},
	FailConnectionRefused: {Code: FailConnectionRefused,
		SV: "Det gick inte att ansluta till IMAP-servern: anslutningen nekades. Kontrollera server och port (oftast 993 för tls, 143 för starttls).",
		EN: "Could not connect to the IMAP server: the connection was refused. Check the host and port (usually 993 for tls, 143 for starttls)."},
	FailUnreachable: {Code: FailUnreachable,
		SV: "IMAP-servern gick inte att nå: nätverket saknar väg dit. Försöker igen när nätet finns.",
		EN: "Could not reach the IMAP server: no network route. Will try again when the network is there."},
	FailTimeout: {Code: FailTimeout,
		SV: "IMAP-servern svarade inte i tid. Försöker igen senare.",
		EN: "The IMAP server did not answer in time. Will try again later."},
	FailConnectionClosed: {Code: FailConnectionClosed,
		SV: "Anslutningen till IMAP-servern bröts. Inget mejl har gått förlorat; resten hämtas nästa gång.",
		EN: "The connection to the IMAP server was broken. No mail was lost; the rest is collected next time."},
	FailCancelled: {Code: FailCancelled,
		SV: "Hämtningen avbröts.",
		EN: "Collecting was cancelled."},
	FailNotIMAP: {Code: FailNotIMAP,
		SV: "Servern på den adressen svarar inte som en IMAP-server. Kontrollera server och port.",
		EN: "The server at that address does not answer as an IMAP server. Check the host and port."},
	FailNoStartTLS: {Code: FailNoStartTLS,
		SV: "IMAP-servern erbjuder inte STARTTLS. Välj säkerhet ”tls” (oftast port 993).",
		EN: "The IMAP server does not offer STARTTLS. Choose security \"tls\" (usually port 993)."},
	FailNotTLS: {Code: FailNotTLS,
		SV: "IMAP-servern svarar inte med TLS på den porten. Välj säkerhet ”starttls” för port 143, eller port 993 för ”tls”.",
		EN: "The IMAP server does not answer with TLS on that port. Choose security \"starttls\" for port 143, or port 993 for \"tls\"."},
	FailTLS: {Code: FailTLS,
		SV: "Den säkra anslutningen till IMAP-servern misslyckades.",
		EN: "The secure connection to the IMAP server failed."},
	FailCertUnknownAuthority: {Code: FailCertUnknownAuthority,
		SV: "IMAP-serverns certifikat är inte betrott: det är utfärdat av en okänd utfärdare (självsignerat eller en egen CA). Installera CA:n på den här datorn eller använd serverns publika namn.",
		EN: "The IMAP server's certificate is not trusted: it is signed by an unknown authority (self-signed or a private CA). Install the CA on this computer or use the server's public name."},
	FailCertHostname: {Code: FailCertHostname,
		SV: "IMAP-serverns certifikat gäller inte för det här servernamnet. Kontrollera servernamnet i Inställningar → Synk.",
		EN: "The IMAP server's certificate is not valid for this host name. Check the host in Settings → Sync."},
	FailCertInvalid: {Code: FailCertInvalid,
		SV: "IMAP-serverns certifikat är ogiltigt (till exempel utgånget).",
		EN: "The IMAP server's certificate is invalid (for example expired)."},
	FailAuth: {Code: FailAuth,
		SV: "IMAP-servern godtog inte användarnamnet eller lösenordet. Kontrollera dem i Inställningar → Synk; serverns svar står nedan.",
		EN: "The IMAP server did not accept the user name or password. Check them in Settings → Sync; the server's answer is below."},
	FailLoginDisabled: {Code: FailLoginDisabled,
		SV: "IMAP-servern tillåter inte inloggning utan kryptering. Välj säkerhet ”tls” eller ”starttls”.",
		EN: "The IMAP server does not allow login without encryption. Choose security \"tls\" or \"starttls\"."},
	FailMailbox: {Code: FailMailbox,
		SV: "Brevlådan kunde inte öppnas på IMAP-servern. Kontrollera brevlådans namn i Inställningar → Synk.",
		EN: "The mailbox could not be opened on the IMAP server. Check the mailbox name in Settings → Sync."},
	FailFolder: {Code: FailFolder,
		SV: "Mappen för behandlade eller avvisade mejl kunde inte skapas på IMAP-servern. Skapa den själv eller ange en befintlig mapp i Inställningar → Synk.",
		EN: "The folder for processed or refused mail could not be created on the IMAP server. Create it yourself or name an existing folder in Settings → Sync."},
	FailCommand: {Code: FailCommand,
		SV: "IMAP-servern nekade ett kommando. Inget mejl har gått förlorat; försöker igen senare.",
		EN: "The IMAP server refused a command. No mail was lost; will try again later."},
}
