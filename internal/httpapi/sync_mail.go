package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"id06desk/internal/i18n"
	"id06desk/internal/imapfetch"
	"id06desk/internal/mailsync"
)

// ConsoleMail is the console's sync by mail (mailsync.Console).
type ConsoleMail interface {
	Round(ctx context.Context) (*mailsync.ConsoleRound, error)
	Status(ctx context.Context) (*mailsync.ConsoleStatus, error)
	Test(ctx context.Context) error
}

// KioskMail is the kiosk's sync by mail (mailsync.Kiosk).
type KioskMail interface {
	Round(ctx context.Context) (*mailsync.KioskRound, error)
	Status(ctx context.Context) (*mailsync.KioskStatus, error)
}

// KioskMailSettings are the settings the kiosk's sync view edits (after
// the PIN): its relay and its mailbox. The rest comes from the console.
var KioskMailSettings = []string{
	"smtp.host", "smtp.port", "smtp.security", "smtp.username", "smtp.password", "smtp.from",
	"sync.imap.host", "sync.imap.port", "sync.imap.security", "sync.imap.username", "sync.imap.password",
}

var msgIMAPOK = i18n.Text{Code: "sync.mail.imap_ok",
	SV: "Anslutningen till brevlådan fungerar.",
	EN: "The connection to the mailbox works."}

func (s *Server) syncMailRoutes() {
	if s.cfg.ConsoleMail != nil && !s.cfg.Kiosk {
		s.handle("GET /api/sync/mail", admin, s.consoleMailStatus)
		s.handle("POST /api/sync/mail/run", admin, s.consoleMailRun)
		s.handle("POST /api/sync/mail/test", admin, s.consoleMailTest)
	}
	if s.cfg.KioskMail != nil && s.cfg.KioskSync != nil {
		s.handle("GET /api/kiosk/sync/mail", station, s.kioskMailStatus)
		s.handle("POST /api/kiosk/sync/mail/run", station, s.kioskMailRun)
		s.handle("PUT /api/kiosk/sync/mail", station, s.kioskMailSettings)
	}
}

func (s *Server) consoleMailStatus(w http.ResponseWriter, r *http.Request) error {
	st, err := s.cfg.ConsoleMail.Status(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

func (s *Server) consoleMailRun(w http.ResponseWriter, r *http.Request) error {
	round, err := s.cfg.ConsoleMail.Round(r.Context())
	if err != nil {
		return err
	}
	st, err := s.cfg.ConsoleMail.Status(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"round": round, "status": st})
	return nil
}

// consoleMailTest checks the IMAP settings; a failure is 200 with ok false
// and the sentence (the settings page shows it beside the form).
func (s *Server) consoleMailTest(w http.ResponseWriter, r *http.Request) error {
	err := s.cfg.ConsoleMail.Test(r.Context())
	writeJSON(w, http.StatusOK, mailTestResult(err, i18n.FromRequest(r)))
	return nil
}

// MailTestJSON is the answer of a mailbox check.
type MailTestJSON struct {
	OK      bool   `json:"ok"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Detail  string `json:"detail,omitempty"`
}

func mailTestResult(err error, lang i18n.Lang) MailTestJSON {
	if err == nil {
		return MailTestJSON{OK: true, Code: msgIMAPOK.Code, Message: msgIMAPOK.With().In(lang)}
	}
	var ie *i18n.Error
	if errors.As(err, &ie) {
		return MailTestJSON{Code: ie.Msg.Code(), Message: ie.Msg.In(lang)}
	}
	m, detail := imapfetch.Explain(err)
	return MailTestJSON{Code: m.Code(), Message: m.In(lang), Detail: detail}
}

func (s *Server) kioskMailStatus(w http.ResponseWriter, r *http.Request) error {
	if err := s.requireKioskTicket(r); err != nil {
		return err
	}
	return s.writeKioskMail(w, r, nil)
}

func (s *Server) kioskMailRun(w http.ResponseWriter, r *http.Request) error {
	if err := s.requireKioskTicket(r); err != nil {
		return err
	}
	round, err := s.cfg.KioskMail.Round(r.Context())
	if err != nil {
		return err
	}
	return s.writeKioskMail(w, r, round)
}

// kioskMailSettings changes the kiosk's relay and mailbox (all or
// nothing; an empty password leaves the stored one).
func (s *Server) kioskMailSettings(w http.ResponseWriter, r *http.Request) error {
	if err := s.requireKioskTicket(r); err != nil {
		return err
	}
	var in struct {
		Values map[string]string `json:"values"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	changes := map[string]string{}
	for k, v := range in.Values {
		allowed := false
		for _, a := range KioskMailSettings {
			allowed = allowed || a == k
		}
		if !allowed {
			return Errorf(CodeInvalid, msgNotAKioskSetting, "key", k)
		}
		if strings.HasSuffix(k, ".password") && v == "" {
			continue
		}
		changes[k] = v
	}
	if err := s.cfg.Settings.Set(r.Context(), s.actor(r), changes); err != nil {
		return err
	}
	return s.writeKioskMail(w, r, nil)
}

var msgNotAKioskSetting = i18n.Text{Code: "sync.mail.not_kiosk_setting",
	SV: "Inställningen {key} kan inte ändras här.",
	EN: "The setting {key} cannot be changed here."}

// kioskMailBody is the kiosk's mail transport, its editable settings
// (passwords only as set or not) and the round just run.
type kioskMailBody struct {
	*mailsync.KioskStatus
	Values map[string]string    `json:"values"`
	Round  *mailsync.KioskRound `json:"round,omitempty"`
}

func (s *Server) writeKioskMail(w http.ResponseWriter, r *http.Request, round *mailsync.KioskRound) error {
	st, err := s.cfg.KioskMail.Status(r.Context())
	if err != nil {
		return err
	}
	v, err := s.cfg.Settings.Load(r.Context())
	if err != nil {
		return err
	}
	pub := v.Public()
	values := map[string]string{}
	for _, k := range KioskMailSettings {
		values[k] = pub[k]
	}
	writeJSON(w, http.StatusOK, kioskMailBody{KioskStatus: st, Values: values, Round: round})
	return nil
}
