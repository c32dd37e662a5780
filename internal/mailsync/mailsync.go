// Package mailsync carries the sync files of issue 13 by e-mail (issue
// 14): a kiosk mails its sealed registrations as bundle attachments
// through its outbox and collects site packs from its mailbox over IMAP;
// the console collects bundles from the sync mailbox over IMAP or takes
// them at its own SMTP receiver, and mails each kiosk a site pack when
// what the kiosk should know changed. The files are the same as by USB:
// a mail carries nothing readable without the recipient's key, and every
// import is idempotent, so a mail that arrives twice, or by mail and by
// USB, changes nothing the second time.
package mailsync

import (
	"context"
	"errors"

	"id06desk/internal/i18n"
	"id06desk/internal/imapfetch"
	"id06desk/internal/outbox"
	"id06desk/internal/pairing"
	"id06desk/internal/settings"
)

// Mail kinds in the outbox.
const (
	KindBundle   = "sync_bundle"
	KindSitePack = "sync_pack"
	KindSilent   = "sync_silent"
)

// Queue is the durable outbox the mails go through.
type Queue interface {
	EnqueueMail(ctx context.Context, m *outbox.Message) error
}

// Collector collects a mailbox (imapfetch.Collect; tests may wrap it).
type Collector func(ctx context.Context, c imapfetch.Config,
	handle func(ctx context.Context, m *imapfetch.Message) (imapfetch.Outcome, error)) (*imapfetch.Result, error)

// IMAPConfig is the mailbox of the sync.imap.* settings; ok is false when
// no IMAP server is set.
func IMAPConfig(v settings.Values) (c imapfetch.Config, ok bool) {
	c = imapfetch.Config{
		Host: v.Get("sync.imap.host"), Port: v.Int("sync.imap.port"), Security: v.Get("sync.imap.security"),
		Username: v.Get("sync.imap.username"), Password: v.Get("sync.imap.password"), Mailbox: v.Get("sync.imap.mailbox"),
		MaxMessageBytes: MaxMailBytes(v),
	}
	return c, c.Host != ""
}

// MaxFileBytes is the largest sync file a mail carries: sync.mail_max_mb
// is the whole mail, and base64 makes a file 4/3 larger (with line ends,
// 1.37×), so a file gets 72 % of it.
func MaxFileBytes(v settings.Values) int64 { return fileBudget(MaxSentMailBytes(v)) }

// fileBudget is the largest file a mail of at most mailBytes carries.
func fileBudget(mailBytes int64) int64 { return mailBytes * 72 / 100 }

// MaxSentMailBytes is the largest sync mail sent: sync.mail_max_mb.
func MaxSentMailBytes(v settings.Values) int64 { return int64(v.Int("sync.mail_max_mb")) << 20 }

// maxTakenFileBytes and MaxMailBytes are what the console and a kiosk
// take: twice and three times the limit, so that the other side may have
// a larger setting than this one.
func maxTakenFileBytes(v settings.Values) int64 { return int64(v.Int("sync.mail_max_mb")) << 21 }

// MaxMailBytes is the largest sync mail taken (see maxTakenFileBytes).
func MaxMailBytes(v settings.Values) int64 { return int64(v.Int("sync.mail_max_mb")) << 20 * 3 }

// Problem is the last thing that went wrong in a round, as shown.
type Problem struct {
	Code string `json:"code"`
	SV   string `json:"sv"`
	EN   string `json:"en"`
}

var (
	msgNoRelay = i18n.Text{Code: "sync.mail.no_relay",
		SV: "Ingen e-postserver är inställd för att skicka: fyll i värd och avsändaradress (smtp.host, smtp.from).",
		EN: "No mail server is set up to send with: fill in host and sender address (smtp.host, smtp.from)."}
	msgNoAddress = i18n.Text{Code: "sync.mail.no_address",
		SV: "Konsolens synkadress saknas: parkoppla om kiosken eller ange sync.address.",
		EN: "The console's sync address is missing: pair the kiosk again or set sync.address."}
	msgNoMailbox = i18n.Text{Code: "sync.mail.no_mailbox",
		SV: "Ingen IMAP-server är inställd: fyll i Inställningar → Synk (sync.imap.host).",
		EN: "No IMAP server is set up: fill in Settings → Sync (sync.imap.host)."}
	msgTooLarge = i18n.Text{Code: "sync.mail.too_large",
		SV: "Paket {seq} har en registrering som ensam gör ett mejl på {size}, mer än gränsen för synkmejl ({max}, sync.mail_max_mb). Det skickas ändå, för sig; vägrar e-postservern ta emot det, höj gränsen eller ta paketet till kontoret med USB.",
		EN: "Bundle {seq} holds a registration that alone makes a {size} mail, more than the sync mail limit ({max}, sync.mail_max_mb). It is sent anyway, on its own; if the mail server refuses it, raise the limit or take the bundle to the office by USB."}
	msgPackNotSent = i18n.Text{Code: "sync.mail.pack_not_sent",
		SV: "Sajtpaketet till {address} har inte skickats: {reason}",
		EN: "The site pack to {address} has not been sent: {reason}"}
	msgMB        = i18n.Text{Code: "sync.mail.mb", SV: "{whole},{tenth} MB", EN: "{whole}.{tenth} MB"}
	msgTransient = i18n.Text{Code: "sync.mail.transient",
		SV: "Mejlet kunde inte hanteras just nu ({error}); det ligger kvar och prövas igen.",
		EN: "The mail could not be handled just now ({error}); it stays and is tried again."}
)

// stored is p as the kiosk's last mail problem.
func (p Problem) stored() pairing.MailProblem {
	return pairing.MailProblem{Code: p.Code, SV: p.SV, EN: p.EN}
}

// megabytes is n bytes in MB with one decimal, rounded up, written with
// each language's decimal mark.
func megabytes(n int64) i18n.Message {
	tenths := (n*10 + 1<<20 - 1) >> 20
	return msgMB.With("whole", tenths/10, "tenth", tenths%10)
}

// problemWith is a message as shown.
func problemWith(m i18n.Message) Problem {
	return Problem{Code: m.Code(), SV: m.In(i18n.SV), EN: m.In(i18n.EN)}
}

// problemOf is err as shown: its sentence, or a generic one with the
// error's own words (no personal data is in these errors).
func problemOf(err error) Problem {
	var ie *i18n.Error
	if errors.As(err, &ie) {
		return Problem{Code: ie.Msg.Code(), SV: ie.Msg.In(i18n.SV), EN: ie.Msg.In(i18n.EN)}
	}
	var fe *imapfetch.Error
	if errors.As(err, &fe) {
		// The mailbox's problem, with the server's words.
		m, detail := imapfetch.Explain(err)
		p := Problem{Code: m.Code(), SV: m.In(i18n.SV), EN: m.In(i18n.EN)}
		if detail != "" {
			p.SV += " (" + detail + ")"
			p.EN += " (" + detail + ")"
		}
		return p
	}
	m := msgTransient.With("error", err.Error())
	return Problem{Code: m.Code(), SV: m.In(i18n.SV), EN: m.In(i18n.EN)}
}

// sortOut tells a refusal — the error carries its sentence (not a sync
// mail, tampered, from a revoked kiosk…): the mail is refused for good —
// from a failure to try again (the disk, the database).
func sortOut(err error) (refusal, transient error) {
	var ie *i18n.Error
	switch {
	case err == nil:
		return nil, nil
	case errors.As(err, &ie):
		return err, nil
	}
	return nil, err
}

// outcome is a sync mail's verdict: kept when something in it could not be
// handled now, else refused when something was refused, else processed.
func outcome(refusal, transient error) imapfetch.Outcome {
	switch {
	case transient != nil:
		return imapfetch.Outcome{Verdict: imapfetch.Keep, Reason: transient.Error()}
	case refusal != nil:
		return imapfetch.Outcome{Verdict: imapfetch.Refused, Reason: problemOf(refusal).EN}
	}
	return imapfetch.Outcome{Verdict: imapfetch.Processed}
}
