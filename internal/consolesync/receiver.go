package consolesync

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"os"

	"id06desk/internal/audit"
	"id06desk/internal/i18n"
	"id06desk/internal/pairing"
	"id06desk/internal/settings"
)

// PinSetting is the kiosk setting that pins the console receiver's
// certificate (smtpout.Config.TLSPin): the pairing and every site pack
// carry it while sync.transport is receiver, so a kiosk trusts the
// receiver's certificate, self-signed or not, and learns a new one from
// the next site pack.
const PinSetting = "smtp.tls_pin"

// ReceiverPin is the SHA-256 fingerprint (64 lower-case hex digits) of
// the certificate in sync.receiver.tls_cert: its first PEM certificate,
// the one the receiver presents. "" when no certificate is set.
func ReceiverPin(vals settings.Values) (string, error) {
	file := vals.Get("sync.receiver.tls_cert")
	if file == "" {
		return "", nil
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		return "", i18n.Wrap(fmt.Errorf("read the receiver's certificate: %w", err), msgReceiverCert, "file", file)
	}
	for rest := raw; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			return "", i18n.Wrap(errors.New("no PEM certificate in the receiver's certificate file"), msgReceiverCert, "file", file)
		}
		if b.Type == "CERTIFICATE" {
			sum := sha256.Sum256(b.Bytes)
			return hex.EncodeToString(sum[:]), nil
		}
	}
}

// receiverPinSetting adds the pin to a kiosk's settings (pairing, site
// pack) when this console takes bundles at its receiver; "" when it
// offers no STARTTLS, which clears a pin the kiosk had.
func receiverPinSetting(vals settings.Values, set map[string]string) error {
	if vals.Get("sync.transport") != "receiver" {
		return nil
	}
	pin, err := ReceiverPin(vals)
	if err != nil {
		return err
	}
	set[PinSetting] = pin
	return nil
}

// ReceiverLogin checks a kiosk's login at the console's SMTP receiver:
// its id and the password both sides derive from the pairing secret
// (syncwire.ReceiverPassword), whose hash the console kept. A revoked
// kiosk's login, or a wrong password for a paired kiosk, is refused and
// recorded as a refusal of that kiosk (Kiosks & sync, audit
// sync.mail_refused), as a refused bundle is; a user name that is no
// kiosk is only logged (anyone on the network can try one).
func (s *Service) ReceiverLogin(ctx context.Context, username, password string) (kioskID string, ok bool) {
	k, err := s.c.Store.Kiosk(ctx, username)
	if err != nil {
		if !errors.Is(err, pairing.ErrNotFound) {
			s.c.Log.Error("receiver login: look up the kiosk", "err", err)
		}
		return "", false
	}
	sum := sha256.Sum256([]byte(password))
	right := len(k.SMTPAuthHash) == sha256.Size && subtle.ConstantTimeCompare(sum[:], k.SMTPAuthHash) == 1
	var m i18n.Message
	switch {
	case k.Revoked():
		m = msgLoginRevoked.With("name", k.Name, "at", fmtTime(k.RevokedAt))
	case !right:
		m = msgLoginWrong.With("name", k.Name)
	default:
		return k.ID, true
	}
	r := pairing.Refusal{At: s.c.Now().UTC(), KioskID: k.ID, KioskName: k.Name, Code: m.Code(), SV: m.In(i18n.SV), EN: m.In(i18n.EN)}
	s.c.Log.Warn("receiver login refused", "kiosk", k.Name, "code", r.Code)
	if err := s.c.Store.RecordRefusal(ctx, r, audit.Entry{Action: audit.SyncMailRefused, Subject: k.ID, Detail: r.Code}); err != nil {
		s.c.Log.Error("record a refused receiver login", "err", err)
	}
	return "", false
}
