// Package settings defines every setting of id06desk: its key, default,
// validation and whether it is a secret. The same rules serve the Settings
// screens, the API and `id06desk settings set`.
package settings

import (
	"encoding/hex"
	"errors"
	"net"
	"net/url"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"filippo.io/age"

	"id06desk/internal/i18n"
	"id06desk/internal/invite"
)

// Kind says how a value is edited and validated.
type Kind string

const (
	KindText   Kind = "text"
	KindInt    Kind = "int"
	KindChoice Kind = "choice"
	KindEmail  Kind = "email"
	KindEmails Kind = "emails" // comma-separated list
	KindURL    Kind = "url"
	KindOrgNr  Kind = "orgnr"
	KindSecret Kind = "secret" // stored outside the database, never shown back
)

// Def describes one setting.
type Def struct {
	Key      string   `json:"key"`
	Kind     Kind     `json:"kind"`
	Default  string   `json:"default,omitempty"`
	Choices  []string `json:"choices,omitempty"`
	Min, Max int      `json:"-"`
	MaxLen   int      `json:"-"`
	Help     string   `json:"help"`
}

// Defs is the list of every setting, in display order.
var Defs = []Def{
	{Key: "company.name", Kind: KindText, MaxLen: 120, Help: "Company name, shown in mails and on the registration pages"},
	{Key: "company.org_number", Kind: KindOrgNr, Help: "Swedish organisation number, NNNNNN-NNNN"},
	{Key: "company.address.street", Kind: KindText, MaxLen: 120, Help: "Default delivery address: street"},
	{Key: "company.address.postal_code", Kind: KindText, MaxLen: 12, Help: "Default delivery address: postal code"},
	{Key: "company.address.city", Kind: KindText, MaxLen: 80, Help: "Default delivery address: city"},
	{Key: "company.address.country", Kind: KindText, Default: "SE", MaxLen: 2, Help: "Default delivery address: country (ISO code)"},
	{Key: "company.notify_email", Kind: KindEmails, Help: "Who gets the mail when an order is ready (comma-separated)"},
	{Key: "mail.sender_name", Kind: KindText, MaxLen: 80, Help: "Sender name on invitation mails (default: the company name)"},
	{Key: "invite.validity_days", Kind: KindInt, Default: "30", Min: 1, Max: 365, Help: "How many days an invitation link stays valid"},
	{Key: "language", Kind: KindChoice, Default: "sv", Choices: []string{"sv", "en"}, Help: "Default language of new invitations"},
	{Key: "identity.partner_name", Kind: KindText, Default: "Sistec", MaxLen: 80, Help: "Scanning partner cardholders without BankID book an identity check with"},
	{Key: "identity.partner_url", Kind: KindURL, Default: "https://www.sistec.se", Help: "Booking page of the scanning partner"},
	{Key: "retention.draft_days", Kind: KindInt, Default: "30", Min: 1, Max: 365, Help: "Days an unfinished registration (personal data, photo) is kept untouched before it is deleted"},
	{Key: "kiosk.start", Kind: KindChoice, Default: "off", Choices: []string{"off", "on"}, Help: "Start the window as the registration kiosk (as with --kiosk); leaving it needs the admin PIN"},
	{Key: "kiosk.idle_seconds", Kind: KindInt, Default: "90", Min: 20, Max: 3600, Help: "Seconds without a touch before the kiosk asks \"Are you still there?\" and then forgets the person"},
	{Key: "kiosk.idle_discard", Kind: KindChoice, Default: "on", Choices: []string{"on", "off"}, Help: "When the kiosk forgets an idle person, also delete their unfinished registration (off: they can go on from their mail link)"},
	{Key: "camera.device", Kind: KindText, MaxLen: 200, Help: "Kiosk camera by name (empty: the first camera found)"},
	{Key: "camera.resolution", Kind: KindChoice, Default: "1920x1080", Choices: []string{"1280x720", "1920x1080"}, Help: "Kiosk camera resolution (photos need 1920x1080 unless the person stands close)"},
	{Key: "bankid.environment", Kind: KindChoice, Default: "test", Choices: []string{"test", "production"}, Help: "BankID environment: test (appapi2.test.bankid.com) or production (appapi2.bankid.com)"},
	{Key: "bankid.url", Kind: KindURL, Help: "Override of the BankID API address (a local stand-in for tests); empty: the environment's"},
	{Key: "bankid.mrtd", Kind: KindChoice, Default: "off", Choices: []string{"off", "on"}, Help: "Ask BankID to check the cardholder's passport or ID card too (mrtd)"},
	{Key: "bankid.passphrase", Kind: KindSecret, MaxLen: 256, Help: "Passphrase of the relying-party certificate (.p12)"},
	{Key: "retention.order_days", Kind: KindInt, Default: "90", Min: 1, Max: 3650, Help: "Days after an order was delivered, cancelled, or rejected or reopened and then left unchanged, before its personal data (names, identity numbers, email, phone, address, photo) and its mails are deleted"},
	{Key: "nexus.channel", Kind: KindChoice, Default: "folder", Choices: []string{"folder", "mail"}, Help: "How a batch for Nexus is delivered: saved to a folder, or mailed through the outbox"},
	{Key: "nexus.folder", Kind: KindText, MaxLen: 1024, Help: "Folder batch files are saved to (absolute path; empty: id06desk-nexus in the documents folder)"},
	{Key: "nexus.mail_to", Kind: KindEmail, Help: "Address batches are mailed to (the mail channel)"},
	{Key: "nexus.mail_max_mb", Kind: KindInt, Default: "10", Min: 1, Max: 50, Help: "Largest mail in MB; a larger batch is split into several mails, each with its own import file"},
	{Key: "nexus.file_days", Kind: KindInt, Default: "30", Min: 1, Max: 365, Help: "Days a saved batch file (it holds personal data) is kept before it is deleted"},
	{Key: "public_url", Kind: KindURL, Help: "Address cardholders open the registration at (default: the serve address)"},
	{Key: "smtp.host", Kind: KindText, MaxLen: 253, Help: "Mail server host name"},
	{Key: "smtp.port", Kind: KindInt, Default: "587", Min: 1, Max: 65535, Help: "Mail server port (587 STARTTLS, 465 TLS, 25 none)"},
	{Key: "smtp.security", Kind: KindChoice, Default: "starttls", Choices: []string{"none", "starttls", "tls"}, Help: "Connection security"},
	{Key: "smtp.username", Kind: KindText, MaxLen: 254, Help: "User name for AUTH (empty: no AUTH)"},
	{Key: "smtp.password", Kind: KindSecret, MaxLen: 512, Help: "Password for AUTH (stored 0600, never shown)"},
	{Key: "smtp.from", Kind: KindEmail, Help: "Sender address of all mails"},
	{Key: "smtp.tls_pin", Kind: KindText, MaxLen: 120, Help: "SHA-256 fingerprint of the mail server's certificate, trusted even when self-signed (a kiosk: set by its pairing and site packs for the console's own receiver); empty: only certificates the system trusts"},
	{Key: "sync.transport", Kind: KindChoice, Default: "file", Choices: []string{"file", "imap", "receiver"}, Help: "How kiosk bundles reach this console besides files: file (USB only), imap (collected from a mailbox), receiver (this console's own SMTP receiver)"},
	{Key: "sync.address", Kind: KindEmail, Help: "Address kiosks mail their bundles to (the mailbox read over IMAP, or any address at the receiver); on a kiosk: from its pairing"},
	{Key: "sync.imap.host", Kind: KindText, MaxLen: 253, Help: "IMAP server host name (the mailbox bundles or site packs are collected from)"},
	{Key: "sync.imap.port", Kind: KindInt, Default: "993", Min: 1, Max: 65535, Help: "IMAP port (993 TLS, 143 STARTTLS)"},
	{Key: "sync.imap.security", Kind: KindChoice, Default: "tls", Choices: []string{"tls", "starttls", "none"}, Help: "IMAP connection security (none only to this machine)"},
	{Key: "sync.imap.username", Kind: KindText, MaxLen: 254, Help: "IMAP user name"},
	{Key: "sync.imap.password", Kind: KindSecret, MaxLen: 512, Help: "IMAP password (stored 0600, never shown)"},
	{Key: "sync.imap.mailbox", Kind: KindText, Default: "INBOX", MaxLen: 200, Help: "IMAP folder to collect from; handled mails move to id06desk-processed or id06desk-refused"},
	{Key: "sync.poll_minutes", Kind: KindInt, Default: "5", Min: 1, Max: 1440, Help: "Minutes between mail sync rounds (collect what arrived, send what waits)"},
	{Key: "sync.receiver.listen", Kind: KindText, Default: ":2525", MaxLen: 260, Help: "Address the console's SMTP receiver listens on (host:port; :2525 = every interface)"},
	{Key: "sync.receiver.host", Kind: KindText, MaxLen: 253, Help: "Host name kiosks reach the receiver by (written into their pairing)"},
	{Key: "sync.receiver.tls_cert", Kind: KindText, MaxLen: 1024, Help: "Certificate file (PEM) for the receiver's STARTTLS; empty: no STARTTLS"},
	{Key: "sync.receiver.tls_key", Kind: KindText, MaxLen: 1024, Help: "Private key file (PEM) of that certificate"},
	{Key: "sync.mail_max_mb", Kind: KindInt, Default: "10", Min: 1, Max: 50, Help: "Largest sync mail in MB; more registrations are split over several mails"},
	{Key: "sync.resend_hours", Kind: KindInt, Default: "24", Min: 1, Max: 720, Help: "Hours a kiosk waits for the console's acknowledgement before it mails a registration again"},
	{Key: "sync.silence_hours", Kind: KindInt, Default: "48", Min: 1, Max: 720, Help: "Hours without mail from a kiosk before Kiosks & sync highlights it"},
	{Key: "sync.silence_mail", Kind: KindChoice, Default: "off", Choices: []string{"off", "on"}, Help: "Also mail the admin (company.notify_email) once when a kiosk falls silent"},
	{Key: "backup.folder", Kind: KindText, MaxLen: 1024, Help: "Folder encrypted backups of the database are written to (absolute path: a network share, a USB disk); empty: no scheduled backups"},
	{Key: "backup.keep", Kind: KindInt, Default: "14", Min: 1, Max: 1000, Help: "How many backups to keep in the folder; older ones are deleted after a new one is written"},
	{Key: "backup.schedule", Kind: KindChoice, Default: "daily", Choices: []string{"daily", "hourly", "off"}, Help: "When to back up: daily (at backup.hour, or as soon as the app runs if that was missed), hourly, or off (only \"Back up now\" and id06desk backup)"},
	{Key: "backup.hour", Kind: KindInt, Default: "12", Min: 0, Max: 23, Help: "Hour of the day (0-23, this computer's time) of the daily backup"},
	{Key: "backup.encryption", Kind: KindChoice, Default: "passphrase", Choices: []string{"passphrase", "recipient"}, Help: "Encrypt backups to a passphrase (backup.passphrase) or to an age public key (backup.recipient)"},
	{Key: "backup.passphrase", Kind: KindSecret, MaxLen: 512, Help: "Passphrase backups are encrypted with (at least 10 characters; stored 0600, never shown): keep a copy elsewhere, without it no backup can be read"},
	{Key: "backup.recipient", Kind: KindText, MaxLen: 2000, Help: "age public key(s) (age1..., comma-separated) backups are encrypted to; the admin keeps the private key"},
}

var byKey = func() map[string]Def {
	m := map[string]Def{}
	for _, d := range Defs {
		m[d.Key] = d
	}
	return m
}()

// Lookup returns the definition of key.
func Lookup(key string) (Def, bool) {
	d, ok := byKey[key]
	return d, ok
}

// FieldError is a validation error of one setting: Msg says what is wrong
// and how to fix it, in every language.
type FieldError struct {
	Key string
	Msg i18n.Message
}

func (e *FieldError) Error() string { return e.Key + ": " + e.Msg.In(i18n.EN) }

func fieldError(key string, t i18n.Text, params ...any) *FieldError {
	return &FieldError{Key: key, Msg: t.With(params...)}
}

// Errors collects the field errors of one change.
type Errors []*FieldError

func (es Errors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// Normalize validates value for key and returns the stored form. An empty
// value resets to the default.
func Normalize(key, value string) (string, error) {
	d, ok := byKey[key]
	if !ok {
		return "", fieldError(key, msgUnknownKey, "keys", strings.Join(Keys(), ", "))
	}
	v := strings.TrimSpace(value)
	if d.Kind == KindSecret {
		v = value // a password may start or end with a space
	}
	if strings.ContainsAny(v, "\r\n\x00") {
		return "", fieldError(key, msgSingleLine)
	}
	if v == "" {
		return "", nil
	}
	if d.MaxLen > 0 && len([]rune(v)) > d.MaxLen {
		return "", fieldError(key, msgTooLong, "max", d.MaxLen)
	}
	switch d.Kind {
	case KindInt:
		n, err := strconv.Atoi(v)
		if err != nil || n < d.Min || n > d.Max {
			return "", fieldError(key, msgRange, "min", d.Min, "max", d.Max)
		}
		return strconv.Itoa(n), nil
	case KindChoice:
		for _, c := range d.Choices {
			if strings.EqualFold(v, c) {
				return c, nil
			}
		}
		return "", fieldError(key, msgChoice, "choices", strings.Join(d.Choices, ", "))
	case KindEmail:
		e, err := invite.NormalizeEmail(v)
		if err != nil {
			return "", fieldError(key, msgEmail)
		}
		return e, nil
	case KindEmails:
		var out []string
		for _, part := range strings.Split(v, ",") {
			if strings.TrimSpace(part) == "" {
				continue
			}
			e, err := invite.NormalizeEmail(part)
			if err != nil {
				return "", fieldError(key, msgEmailInList, "address", strings.TrimSpace(part))
			}
			out = append(out, e)
		}
		return strings.Join(out, ", "), nil
	case KindURL:
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Fragment != "" {
			return "", fieldError(key, msgURL)
		}
		return strings.TrimRight(u.String(), "/"), nil
	case KindOrgNr:
		n, err := invite.ValidateOrgNumber(v)
		if err != nil {
			return "", fieldError(key, orgNumberText(err))
		}
		return n, nil
	}
	if key == "backup.passphrase" && len([]rune(v)) < MinBackupPassphrase {
		return "", fieldError(key, msgPassphraseShort, "min", MinBackupPassphrase)
	}
	if key == "backup.recipient" {
		if _, err := BackupRecipients(v); err != nil {
			return "", fieldError(key, msgRecipient)
		}
	}
	if (key == "nexus.folder" || key == "backup.folder" || key == "sync.receiver.tls_cert" || key == "sync.receiver.tls_key") && !filepath.IsAbs(v) {
		return "", fieldError(key, msgAbsolutePath)
	}
	if key == "sync.receiver.listen" {
		_, port, err := net.SplitHostPort(v)
		if n, perr := strconv.Atoi(port); err != nil || perr != nil || n < 1 || n > 65535 {
			return "", fieldError(key, msgListenAddress)
		}
	}
	if key == "smtp.tls_pin" {
		pin, ok := NormalizePin(v)
		if !ok {
			return "", fieldError(key, msgPin)
		}
		v = pin
	}
	if key == "company.address.country" {
		v = strings.ToUpper(v)
		if len(v) != 2 || v[0] < 'A' || v[0] > 'Z' || v[1] < 'A' || v[1] > 'Z' {
			return "", fieldError(key, msgCountry)
		}
	}
	return v, nil
}

// NormalizePin reads a certificate's SHA-256 fingerprint as people copy
// it (openssl's "AB:CD:…", with or without a "sha256:" prefix, any case)
// and returns it as 64 lower-case hex digits; ok is false when it is not one.
func NormalizePin(v string) (pin string, ok bool) {
	v = strings.TrimSpace(v)
	if len(v) >= 7 && strings.EqualFold(v[:7], "sha256:") {
		v = v[7:]
	}
	v = strings.ToLower(strings.NewReplacer(":", "", " ", "").Replace(v))
	if len(v) != 64 {
		return "", false
	}
	if _, err := hex.DecodeString(v); err != nil {
		return "", false
	}
	return v, true
}

// MinBackupPassphrase is the shortest backup passphrase accepted.
const MinBackupPassphrase = 10

// BackupRecipients parses the backup.recipient setting: age public keys
// (age1...), one per line or separated by commas or spaces.
func BackupRecipients(v string) ([]age.Recipient, error) {
	fields := strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' })
	if len(fields) == 0 {
		return nil, errors.New("no age recipient")
	}
	return age.ParseRecipients(strings.NewReader(strings.Join(fields, "\n")))
}

// Keys lists every setting key, sorted.
func Keys() []string {
	out := make([]string, 0, len(Defs))
	for _, d := range Defs {
		out = append(out, d.Key)
	}
	sort.Strings(out)
	return out
}

// Values are the effective settings: stored values over defaults. Secrets
// hold their real value here; callers that show settings use Public.
type Values map[string]string

// Get returns the value of key (its default when not set).
func (v Values) Get(key string) string {
	if s, ok := v[key]; ok && s != "" {
		return s
	}
	return byKey[key].Default
}

// Int returns an integer setting.
func (v Values) Int(key string) int {
	n, _ := strconv.Atoi(v.Get(key))
	return n
}

// Sender is who every mail comes from: the smtp.from address (empty until
// the mail server is set up) under mail.sender_name, else the company name,
// else "id06desk".
func (v Values) Sender() (name, address string) {
	name = v.Get("mail.sender_name")
	if name == "" {
		name = v.Get("company.name")
	}
	if name == "" {
		name = "id06desk"
	}
	return name, v.Get("smtp.from")
}

// PublicURL is the base of every link id06desk mails or shows (registration
// link, code page, order link): the public_url setting, else def (the serve
// address), without a trailing slash.
func (v Values) PublicURL(def string) string {
	pub := v.Get("public_url")
	if pub == "" {
		pub = def
	}
	return strings.TrimRight(pub, "/")
}

// Public returns the values safe to show: secrets become "(set)" or "".
func (v Values) Public() map[string]string {
	out := map[string]string{}
	for _, d := range Defs {
		val := v.Get(d.Key)
		if d.Kind == KindSecret && val != "" {
			val = "(set)"
		}
		out[d.Key] = val
	}
	return out
}
