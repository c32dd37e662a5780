package mailsync

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"id06desk/internal/audit"
	"id06desk/internal/consolesync"
	"id06desk/internal/i18n"
	"id06desk/internal/imapfetch"
	"id06desk/internal/mail"
	"id06desk/internal/outbox"
	"id06desk/internal/pairing"
	"id06desk/internal/settings"
	"id06desk/internal/smtpout"
	"id06desk/internal/syncmail"
	"id06desk/internal/syncwire"
)

// ConsoleStore is what the console's mail rounds need of the store.
type ConsoleStore interface {
	Queue
	ListKiosks(ctx context.Context) ([]pairing.Kiosk, error)
	Kiosk(ctx context.Context, id string) (pairing.Kiosk, error)
	UpdateKiosk(ctx context.Context, id string, fn func(k *pairing.Kiosk) ([]audit.Entry, error)) (pairing.Kiosk, error)
	RecordSyncMail(ctx context.Context, m pairing.MailLog) error
	ListSyncMail(ctx context.Context, limit int) ([]pairing.MailLog, error)
	// PendingMailsByRecipient counts a kind's mails not sent yet, by
	// recipient (the site packs waiting for each kiosk).
	PendingMailsByRecipient(ctx context.Context, kind string) (map[string]int, error)
	// LastMailFailures is why the latest mail of a kind to each
	// recipient has not gone out (a site pack the relay refused).
	LastMailFailures(ctx context.Context, kind string) (map[string]outbox.Failure, error)
}

// ConsoleConfig wires a Console.
type ConsoleConfig struct {
	Sync     *consolesync.Service
	Store    ConsoleStore
	Settings func(ctx context.Context) (settings.Values, error)
	Wake     func() // the outbox, after queueing
	Collect  Collector
	TLS      *tls.Config // IMAP TLS override (tests)
	Now      func() time.Time
	Log      *slog.Logger
}

// Console is the console's mail transport.
type Console struct {
	c  ConsoleConfig
	mu sync.Mutex // one round at a time

	lastMu sync.Mutex
	lastAt time.Time
	last   *ConsoleRound

	recvMu  sync.Mutex
	recv    *syncmail.Receiver
	recvKey string // the settings the running receiver was started with
	recvErr error
}

// NewConsole returns a Console.
func NewConsole(c ConsoleConfig) *Console {
	if c.Collect == nil {
		c.Collect = imapfetch.Collect
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.Wake == nil {
		c.Wake = func() {}
	}
	return &Console{c: c}
}

// ConsoleRound is what one round on the console did.
type ConsoleRound struct {
	Transport string `json:"transport"`
	// Collecting (imap): mails seen, bundles imported, registrations
	// applied, mails refused.
	MailsSeen       int `json:"mailsSeen"`
	BundlesImported int `json:"bundlesImported"`
	Applied         int `json:"applied"`
	MailsRefused    int `json:"mailsRefused"`
	// Site packs queued to kiosks' mailboxes.
	PacksQueued int       `json:"packsQueued"`
	Problems    []Problem `json:"problems,omitempty"`
}

// Round collects what arrived (transport imap), then mails each kiosk
// with a mailbox a site pack when what it should know changed (a bundle
// just imported is acknowledged so), and notes kiosks gone silent.
func (c *Console) Round(ctx context.Context) (*ConsoleRound, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	vals, err := c.c.Settings(ctx)
	if err != nil {
		return nil, err
	}
	res := &ConsoleRound{Transport: vals.Get("sync.transport")}
	if res.Transport == "imap" {
		if err := c.collect(ctx, vals, res); err != nil {
			res.Problems = append(res.Problems, problemOf(err))
		}
	}
	if err := c.sendPacks(ctx, vals, res); err != nil {
		res.Problems = append(res.Problems, problemOf(err))
	}
	if err := c.silence(ctx, vals); err != nil {
		res.Problems = append(res.Problems, problemOf(err))
	}
	c.lastMu.Lock()
	c.lastAt, c.last = c.c.Now().UTC(), res
	c.lastMu.Unlock()
	return res, nil
}

func (c *Console) collect(ctx context.Context, vals settings.Values, res *ConsoleRound) error {
	cfg, ok := IMAPConfig(vals)
	if !ok {
		return i18n.Wrap(errors.New("no imap server"), msgNoMailbox)
	}
	cfg.TLSConfig = c.c.TLS
	r, err := c.c.Collect(ctx, cfg, func(ctx context.Context, m *imapfetch.Message) (imapfetch.Outcome, error) {
		d := c.deliver(ctx, pairing.ViaIMAP, "", m.MessageID, m.Subject, m.Body, maxTakenFileBytes(vals))
		res.BundlesImported += d.bundles
		res.Applied += d.applied
		return d.outcome, nil
	})
	if r != nil {
		res.MailsSeen += r.Seen
		res.MailsRefused += r.Refused
		c.logTooLarge(ctx, r, cfg.MaxMessageBytes)
	}
	return err
}

// logTooLarge logs the mails the collection refused unread for their size
// (the handler never saw them).
func (c *Console) logTooLarge(ctx context.Context, r *imapfetch.Result, limit int64) {
	for _, it := range r.Items {
		if it.Verdict != imapfetch.Refused || !strings.HasPrefix(it.Reason, imapfetch.ReasonTooLarge) {
			continue
		}
		m := imapfetch.TooLargeText.With("size", strconv.FormatInt(it.Size, 10), "max", strconv.FormatInt(limit, 10))
		if err := c.c.Store.RecordSyncMail(ctx, pairing.MailLog{At: c.c.Now().UTC(), Via: pairing.ViaIMAP, MessageID: it.MessageID,
			Subject: it.Subject, Verdict: pairing.MailRefused, Code: m.Code(), SV: m.In(i18n.SV), EN: m.In(i18n.EN)}); err != nil {
			c.c.Log.Error("record a sync mail", "err", err)
		}
	}
}

// delivered is what became of one sync mail.
type delivered struct {
	outcome  imapfetch.Outcome
	problem  *Problem
	bundles  int
	applied  int
	kioskID  string
	rejected bool // refused for good (the receiver answers 5xx)
}

// deliver imports the bundles a mail carries and logs the mail. Each
// file is imported on its own (exactly once by registration): a bundle
// seen before counts as handled. The mail's verdict: kept when any file
// could not be handled now (the others are then seen again as replayed),
// else refused when any was refused, else processed.
func (c *Console) deliver(ctx context.Context, via pairing.Via, from, msgID, subject string, body io.Reader, limit int64) delivered {
	var d delivered
	var refusal, transient error
	note := func(err error) {
		if r, t := sortOut(err); r != nil {
			refusal = r
		} else if t != nil {
			transient = t
		}
	}
	note(syncmail.Files(body, limit, func(name string, r io.Reader) error {
		res, err := c.c.Sync.ImportFrom(ctx, r, from)
		if res != nil && res.KioskID != "" {
			d.kioskID = res.KioskID
		}
		switch {
		case err == nil:
			d.bundles++
			d.applied += res.Applied
		case errors.Is(err, consolesync.ErrReplayed):
			// Already imported (a resent or redelivered mail).
		default:
			note(err)
		}
		return nil
	}))
	if d.kioskID == "" {
		// Nothing in the mail named a kiosk (another kiosk's bundle): the
		// one that logged in to the receiver, if any.
		d.kioskID = from
	}
	d.outcome = outcome(refusal, transient)
	entry := pairing.MailLog{At: c.c.Now().UTC(), Via: via, MessageID: msgID, Subject: subject, KioskID: d.kioskID}
	switch d.outcome.Verdict {
	case imapfetch.Keep:
		p := problemOf(transient)
		d.problem, entry.Verdict = &p, pairing.MailKept
	case imapfetch.Refused:
		p := problemOf(refusal)
		d.problem, d.rejected, entry.Verdict = &p, true, pairing.MailRefused
	default:
		entry.Verdict = pairing.MailProcessed
	}
	if d.problem != nil {
		entry.Code, entry.SV, entry.EN = d.problem.Code, d.problem.SV, d.problem.EN
	}
	if err := c.c.Store.RecordSyncMail(ctx, entry); err != nil {
		c.c.Log.Error("record a sync mail", "err", err)
	}
	if d.rejected && d.kioskID != "" {
		if _, err := c.c.Store.UpdateKiosk(ctx, d.kioskID, func(k *pairing.Kiosk) ([]audit.Entry, error) {
			k.LastMailError = d.problem.stored()
			return []audit.Entry{{Action: audit.SyncMailRefused, Subject: k.ID, Detail: d.problem.Code}}, nil
		}); err != nil {
			c.c.Log.Error("record a refused sync mail", "err", err)
		}
	}
	return d
}

// Deliver takes a mail at the receiver from an authenticated kiosk: nil
// when handled (or seen before), an error wrapping syncmail.ErrRejected
// with the sentence when refused for good, another error to try later.
func (c *Console) Deliver(ctx context.Context, kioskID string, raw io.Reader) error {
	vals, err := c.c.Settings(ctx)
	if err != nil {
		return err
	}
	d := c.deliver(ctx, pairing.ViaReceiver, kioskID, "", "", raw, maxTakenFileBytes(vals))
	switch d.outcome.Verdict {
	case imapfetch.Refused:
		return fmt.Errorf("%w: %s", syncmail.ErrRejected, d.problem.EN)
	case imapfetch.Keep:
		return errors.New(d.outcome.Reason)
	}
	// An acknowledgement is due: packs go out in the next round, which
	// the caller may bring forward.
	return nil
}

func (c *Console) sendPacks(ctx context.Context, vals settings.Values, res *ConsoleRound) error {
	kiosks, err := c.c.Store.ListKiosks(ctx)
	if err != nil {
		return err
	}
	smtpCfg, relay := smtpout.ConfigFrom(vals)
	var firstErr error
	for _, k := range kiosks {
		if k.Revoked() || k.MailAddress == "" || k.AgeRecipient == "" {
			continue // no mailbox, or it has not sent its keys yet
		}
		if !relay {
			return i18n.Wrap(errors.New("no relay"), msgNoRelay)
		}
		queued, err := c.sendPack(ctx, k, smtpCfg.From)
		if err != nil {
			c.c.Log.Warn("site pack mail not queued", "kiosk", k.Name, "err", err)
			p := problemOf(err)
			if _, uerr := c.c.Store.UpdateKiosk(ctx, k.ID, func(k *pairing.Kiosk) ([]audit.Entry, error) {
				k.LastMailError = p.stored()
				return nil, nil
			}); uerr != nil {
				return uerr
			}
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		if queued {
			res.PacksQueued++
		}
	}
	if res.PacksQueued > 0 {
		c.c.Wake()
	}
	return firstErr
}

// sendPack queues the kiosk's site pack mail when what it carries changed;
// queued is false when nothing changed.
func (c *Console) sendPack(ctx context.Context, k pairing.Kiosk, from string) (queued bool, err error) {
	p, err := c.c.Sync.MailSitePack(ctx, k)
	if err != nil || p == nil {
		return false, err
	}
	id, err := mail.MessageIDFor(from)
	if err != nil {
		return false, err
	}
	raw, err := syncmail.Compose(syncmail.Mail{From: from, To: k.MailAddress, MessageID: id, Date: c.c.Now(),
		KioskName: k.Name, Kind: syncwire.KindSitePack,
		Files: []syncmail.File{{Name: fmt.Sprintf("id06desk-sitepack-%d.id06sync", p.Seq), Data: p.File}}})
	if err != nil {
		return false, fmt.Errorf("compose the site pack mail: %w", err)
	}
	if err := c.c.Store.EnqueueMail(ctx, &outbox.Message{MessageID: id, Kind: KindSitePack, From: from, To: k.MailAddress, Body: raw}); err != nil {
		return false, err
	}
	c.c.Log.Info("site pack mail queued", "kiosk", k.Name, "seq", p.Seq)
	return true, c.c.Sync.PackMailed(ctx, p)
}

// LastContact is when the console last heard from a kiosk: its last bundle
// (by mail or file), else its pairing.
func LastContact(k pairing.Kiosk) time.Time {
	t := k.PairedAt
	for _, u := range []time.Time{k.LastBundleAt, k.LastMailAt, k.KeysAt} {
		if u.After(t) {
			t = u
		}
	}
	return t
}

// Silent reports whether a kiosk has not been heard from for longer than
// sync.silence_hours (only where mail carries sync: a kiosk synced by USB
// is expected to be quiet).
func Silent(vals settings.Values, k pairing.Kiosk, now time.Time) bool {
	if k.Revoked() || vals.Get("sync.transport") == "file" {
		return false
	}
	return now.Sub(LastContact(k)) > time.Duration(vals.Int("sync.silence_hours"))*time.Hour
}

// silence mails the admin once per silence when sync.silence_mail is on.
func (c *Console) silence(ctx context.Context, vals settings.Values) error {
	if vals.Get("sync.silence_mail") != "on" || vals.Get("company.notify_email") == "" {
		return nil
	}
	smtpCfg, relay := smtpout.ConfigFrom(vals)
	if !relay {
		return nil
	}
	kiosks, err := c.c.Store.ListKiosks(ctx)
	if err != nil {
		return err
	}
	now := c.c.Now()
	for _, k := range kiosks {
		if !Silent(vals, k, now) || k.SilenceMailedAt.After(LastContact(k)) {
			continue
		}
		hours := int(now.Sub(LastContact(k)) / time.Hour)
		raw, id, err := silenceMail(vals, smtpCfg.From, k, hours, now)
		if err != nil {
			return err
		}
		if err := c.c.Store.EnqueueMail(ctx, &outbox.Message{MessageID: id, Kind: KindSilent, From: smtpCfg.From,
			To: vals.Get("company.notify_email"), Body: raw}); err != nil {
			return err
		}
		if _, err := c.c.Store.UpdateKiosk(ctx, k.ID, func(k *pairing.Kiosk) ([]audit.Entry, error) {
			k.SilenceMailedAt = now.UTC()
			return []audit.Entry{{Action: audit.SyncKioskSilent, Subject: k.ID, Detail: strconv.Itoa(hours)}}, nil
		}); err != nil {
			return err
		}
		c.c.Wake()
	}
	return nil
}

func silenceMail(vals settings.Values, from string, k pairing.Kiosk, hours int, now time.Time) ([]byte, string, error) {
	name, _ := vals.Sender()
	var to []string
	for _, a := range strings.Split(vals.Get("company.notify_email"), ",") {
		if a = strings.TrimSpace(a); a != "" {
			to = append(to, a)
		}
	}
	r, err := mail.Renderer{Now: func() time.Time { return now }}.RenderKioskSilent(mail.KioskSilentMail{
		Lang: vals.Get("language"), SenderName: name, SenderAddress: from, Recipients: to,
		KioskName: k.Name, Site: k.Site, LastContact: LastContact(k), Hours: hours})
	if err != nil {
		return nil, "", fmt.Errorf("render the silent-kiosk mail: %w", err)
	}
	return r.Message, r.MessageID, nil
}

// KioskMail is one kiosk's mail transport as Kiosks & sync shows it.
type KioskMail struct {
	ID                string    `json:"id"`
	MailAddress       string    `json:"mailAddress,omitempty"`
	LastMailAt        time.Time `json:"lastMailAt,omitzero"`
	LastPackMailedAt  time.Time `json:"lastPackMailedAt,omitzero"`
	LastPackMailedSeq uint64    `json:"lastPackMailedSeq,omitempty"`
	LastContactAt     time.Time `json:"lastContactAt"`
	// LastMailError is the last problem with its mail: a site pack mail
	// the relay refused (or that waits for a retry after a failure), else
	// the last mail from it that was refused or a pack that could not be
	// made. Cleared by a mail from it that was taken.
	LastMailError *Problem `json:"lastMailError,omitempty"`
	// Silent: not heard from for longer than sync.silence_hours.
	Silent bool `json:"silent"`
	// PacksWaiting: site pack mails to it not sent yet (the outbox).
	PacksWaiting int `json:"packsWaiting"`
	// ReceiverLogin: the user name it gives the receiver (its id) when
	// it can log in there (paired since the receiver existed).
	ReceiverLogin bool `json:"receiverLogin"`
}

// MailEntry is one logged sync mail.
type MailEntry struct {
	At        time.Time `json:"at"`
	Via       string    `json:"via"`
	MessageID string    `json:"messageId,omitempty"`
	Subject   string    `json:"subject,omitempty"`
	KioskID   string    `json:"kioskId,omitempty"`
	KioskName string    `json:"kioskName,omitempty"`
	Verdict   string    `json:"verdict"`
	Problem   *Problem  `json:"problem,omitempty"`
}

// ConsoleStatus is the console's mail transport.
type ConsoleStatus struct {
	Transport      string        `json:"transport"`
	SyncAddress    string        `json:"syncAddress,omitempty"`
	IMAPConfigured bool          `json:"imapConfigured"`
	SendConfigured bool          `json:"sendConfigured"`
	PollMinutes    int           `json:"pollMinutes"`
	SilenceHours   int           `json:"silenceHours"`
	Receiver       ReceiverState `json:"receiver"`
	LastRoundAt    time.Time     `json:"lastRoundAt,omitzero"`
	LastRound      *ConsoleRound `json:"lastRound,omitempty"`
	Kiosks         []KioskMail   `json:"kiosks"`
	Mails          []MailEntry   `json:"mails"`
}

// Status reports the console's mail transport, per kiosk and the latest
// sync mails.
func (c *Console) Status(ctx context.Context) (*ConsoleStatus, error) {
	vals, err := c.c.Settings(ctx)
	if err != nil {
		return nil, err
	}
	out := &ConsoleStatus{Transport: vals.Get("sync.transport"), SyncAddress: vals.Get("sync.address"),
		PollMinutes: vals.Int("sync.poll_minutes"), SilenceHours: vals.Int("sync.silence_hours"),
		Receiver: c.Receiver(), Kiosks: []KioskMail{}, Mails: []MailEntry{}}
	_, out.IMAPConfigured = IMAPConfig(vals)
	_, out.SendConfigured = smtpout.ConfigFrom(vals)
	c.lastMu.Lock()
	out.LastRoundAt, out.LastRound = c.lastAt, c.last
	c.lastMu.Unlock()
	waiting, err := c.c.Store.PendingMailsByRecipient(ctx, KindSitePack)
	if err != nil {
		return nil, err
	}
	failed, err := c.c.Store.LastMailFailures(ctx, KindSitePack)
	if err != nil {
		return nil, err
	}
	kiosks, err := c.c.Store.ListKiosks(ctx)
	if err != nil {
		return nil, err
	}
	now := c.c.Now()
	for _, k := range kiosks {
		km := KioskMail{ID: k.ID, MailAddress: k.MailAddress, LastMailAt: k.LastMailAt,
			LastPackMailedAt: k.LastPackMailedAt, LastPackMailedSeq: k.LastPackMailedSeq, LastContactAt: LastContact(k),
			Silent: Silent(vals, k, now), PacksWaiting: waiting[k.MailAddress], ReceiverLogin: len(k.SMTPAuthHash) > 0}
		if f, ok := failed[k.MailAddress]; ok && k.MailAddress != "" {
			p := packNotSent(k.MailAddress, f)
			km.LastMailError = &p
		} else if !k.LastMailError.IsZero() {
			km.LastMailError = &Problem{Code: k.LastMailError.Code, SV: k.LastMailError.SV, EN: k.LastMailError.EN}
		}
		out.Kiosks = append(out.Kiosks, km)
	}
	mails, err := c.c.Store.ListSyncMail(ctx, 50)
	if err != nil {
		return nil, err
	}
	for _, m := range mails {
		e := MailEntry{At: m.At, Via: string(m.Via), MessageID: m.MessageID, Subject: m.Subject, KioskID: m.KioskID,
			KioskName: m.KioskName, Verdict: m.Verdict}
		if m.Code != "" {
			e.Problem = &Problem{Code: m.Code, SV: m.SV, EN: m.EN}
		}
		out.Mails = append(out.Mails, e)
	}
	return out, nil
}

// packNotSent is a site pack mail that has not gone out, with the relay's
// words.
func packNotSent(address string, f outbox.Failure) Problem {
	p := problemWith(msgPackNotSent.With("address", address, "reason", smtpout.FailureMessage(f)))
	if f.Detail != "" {
		p.SV += " (" + f.Detail + ")"
		p.EN += " (" + f.Detail + ")"
	}
	return p
}

// Test checks the IMAP settings: connect, TLS, log in, open the folder.
func (c *Console) Test(ctx context.Context) error {
	vals, err := c.c.Settings(ctx)
	if err != nil {
		return err
	}
	return CheckIMAP(ctx, vals, c.c.TLS)
}

// CheckIMAP checks the sync.imap.* settings of vals.
func CheckIMAP(ctx context.Context, vals settings.Values, tlsConf *tls.Config) error {
	cfg, ok := IMAPConfig(vals)
	if !ok {
		return i18n.Wrap(errors.New("no imap server"), msgNoMailbox)
	}
	cfg.TLSConfig = tlsConf
	return imapfetch.Check(ctx, cfg)
}
