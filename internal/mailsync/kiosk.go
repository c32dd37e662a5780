package mailsync

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"id06desk/internal/audit"
	"id06desk/internal/i18n"
	"id06desk/internal/imapfetch"
	"id06desk/internal/kioskstate"
	"id06desk/internal/kiosksync"
	"id06desk/internal/mail"
	"id06desk/internal/outbox"
	"id06desk/internal/settings"
	"id06desk/internal/smtpout"
	"id06desk/internal/syncmail"
	"id06desk/internal/syncwire"
)

// KioskStore is what the kiosk's mail rounds need of the store.
type KioskStore interface {
	Queue
	SealedForMail(ctx context.Context, resendBefore time.Time) ([]kioskstate.SealedRef, error)
	MarkMailed(ctx context.Context, seqs []uint64, at time.Time) error
	KioskMailState(ctx context.Context) (kioskstate.MailState, error)
	SetKioskMailState(ctx context.Context, m kioskstate.MailState) error
	Audit(ctx context.Context, actor string, action audit.Action, subject, detail string) error
}

// KioskConfig wires a Kiosk.
type KioskConfig struct {
	Sync     *kiosksync.Service
	Store    KioskStore
	Settings func(ctx context.Context) (settings.Values, error)
	// Outbox is the kiosk's outbox worker: woken when a bundle mail is
	// queued, and asked for its state.
	Outbox interface {
		Wake()
		Status(ctx context.Context) (outbox.Status, error)
	}
	Collect Collector // nil: imapfetch.Collect
	// MaxMailBytes overrides sync.mail_max_mb, the largest mail sent
	// (tests: a limit below the setting's 1 MB minimum); 0: the setting.
	MaxMailBytes int64
	// TLS overrides the IMAP connection's TLS settings (tests).
	TLS *tls.Config
	Now func() time.Time
	Log *slog.Logger
}

// Kiosk is a paired kiosk's mail transport.
type Kiosk struct {
	c  KioskConfig
	mu sync.Mutex // one round at a time
}

// NewKiosk returns a Kiosk.
func NewKiosk(c KioskConfig) *Kiosk {
	if c.Collect == nil {
		c.Collect = imapfetch.Collect
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	return &Kiosk{c: c}
}

// KioskRound is what one round on the kiosk did.
type KioskRound struct {
	// Paired is false on a kiosk that is not paired: nothing was done.
	Paired bool `json:"paired"`
	// Sending: bundle mails queued now and the registrations in them.
	SendConfigured bool     `json:"sendConfigured"`
	BundlesQueued  int      `json:"bundlesQueued"`
	Registrations  int      `json:"registrations"`
	BundleSeqs     []uint64 `json:"bundleSeqs,omitempty"`
	// Collecting: site pack mails seen, applied, refused.
	CollectConfigured bool `json:"collectConfigured"`
	MailsSeen         int  `json:"mailsSeen"`
	PacksApplied      int  `json:"packsApplied"`
	MailsRefused      int  `json:"mailsRefused"`
	// Problems met (the round went on past each).
	Problems []Problem `json:"problems,omitempty"`
}

// Round sends what waits and collects what arrived: the sealed
// registrations not mailed yet (or not acknowledged within
// sync.resend_hours) go as bundle mails through the outbox, then the
// kiosk's mailbox is read for site packs. A round on a kiosk that is not
// paired does nothing.
func (k *Kiosk) Round(ctx context.Context) (*KioskRound, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	res := &KioskRound{}
	p := k.c.Sync.Pairing()
	if p == nil {
		return res, nil
	}
	res.Paired = true
	vals, err := k.c.Settings(ctx)
	if err != nil {
		return nil, err
	}
	st, err := k.c.Store.KioskMailState(ctx)
	if err != nil {
		return nil, err
	}
	now := k.c.Now().UTC()
	st.LastRoundAt = now
	if err := k.send(ctx, vals, p, res, &st); err != nil {
		res.Problems = append(res.Problems, problemOf(err))
	}
	if err := k.collect(ctx, vals, res, &st); err != nil {
		res.Problems = append(res.Problems, problemOf(err))
	}
	st.ErrorCode, st.ErrorSV, st.ErrorEN = "", "", ""
	if len(res.Problems) > 0 {
		last := res.Problems[len(res.Problems)-1]
		st.ErrorCode, st.ErrorSV, st.ErrorEN = last.Code, last.SV, last.EN
	}
	if err := k.c.Store.SetKioskMailState(ctx, st); err != nil {
		return nil, err
	}
	return res, nil
}

// syncAddress is where bundles go: the pairing's address, else the
// setting (a kiosk paired before the console had one).
func syncAddress(p *kiosksync.Pairing, vals settings.Values) string {
	if p.SyncAddress != "" {
		return p.SyncAddress
	}
	return vals.Get("sync.address")
}

func (k *Kiosk) send(ctx context.Context, vals settings.Values, p *kiosksync.Pairing, res *KioskRound, st *kioskstate.MailState) error {
	to := syncAddress(p, vals)
	smtpCfg, relay := smtpout.ConfigFrom(vals)
	if to == "" && !relay {
		return nil // a kiosk synced by USB only: mail is not in use
	}
	if to == "" || !relay {
		// Half set up: say so when there is something to send.
		pending, err := k.c.Store.SealedForMail(ctx, k.c.Now())
		if err != nil || len(pending) == 0 {
			return err
		}
		if !relay {
			return i18n.Wrap(errors.New("no relay"), msgNoRelay)
		}
		return i18n.Wrap(errors.New("no sync address"), msgNoAddress)
	}
	res.SendConfigured = true
	now := k.c.Now()
	resend := time.Duration(vals.Int("sync.resend_hours")) * time.Hour
	maxMail := MaxSentMailBytes(vals)
	if k.c.MaxMailBytes > 0 {
		maxMail = k.c.MaxMailBytes
	}
	err := k.c.Sync.BundlesForMail(ctx, fileBudget(maxMail), now.Add(-resend), func(b kiosksync.MailBundle) error {
		id, err := mail.MessageIDFor(smtpCfg.From)
		if err != nil {
			return err
		}
		raw, err := syncmail.Compose(syncmail.Mail{From: smtpCfg.From, To: to, MessageID: id, Date: now,
			KioskName: p.KioskName, Kind: syncwire.KindBundle, Count: b.Count,
			Files: []syncmail.File{{Name: kiosksync.BundleFileName(p.KioskName, b.Seq), Data: b.Data}}})
		if err != nil {
			return fmt.Errorf("compose the bundle mail: %w", err)
		}
		if size := int64(len(raw)); size > maxMail {
			// One registration larger than the limit (the bundles are
			// split so that no other mail is): it goes on its own, and
			// the round says so rather than going over in silence.
			res.Problems = append(res.Problems, problemWith(msgTooLarge.With("seq", b.Seq, "size", megabytes(size), "max", megabytes(maxMail))))
			k.c.Log.Warn("bundle mail over the size limit", "seq", b.Seq, "bytes", size, "max", maxMail)
		}
		if err := k.c.Store.EnqueueMail(ctx, &outbox.Message{MessageID: id, Kind: KindBundle, From: smtpCfg.From, To: to, Body: raw}); err != nil {
			return err
		}
		// Queued first, marked after: a crash in between mails them
		// again, which the console takes as "already had".
		if err := k.c.Store.MarkMailed(ctx, b.Seqs, now); err != nil {
			return err
		}
		if err := k.c.Store.Audit(ctx, "", audit.SyncBundleMailed, strconv.FormatUint(b.Seq, 10), strconv.Itoa(b.Count)); err != nil {
			return err
		}
		res.BundlesQueued++
		res.Registrations += b.Count
		res.BundleSeqs = append(res.BundleSeqs, b.Seq)
		k.c.Log.Info("bundle mail queued", "seq", b.Seq, "registrations", b.Count)
		return nil
	})
	// What was queued before an error stays queued and marked: the
	// outbox is woken for it all the same.
	if res.BundlesQueued > 0 {
		st.LastQueuedAt, st.LastQueuedCount = now.UTC(), res.Registrations
		if k.c.Outbox != nil {
			k.c.Outbox.Wake()
		}
	}
	return err
}

func (k *Kiosk) collect(ctx context.Context, vals settings.Values, res *KioskRound, st *kioskstate.MailState) error {
	cfg, ok := IMAPConfig(vals)
	if !ok {
		return nil
	}
	cfg.TLSConfig = k.c.TLS
	res.CollectConfigured = true
	limit := maxTakenFileBytes(vals)
	r, err := k.c.Collect(ctx, cfg, func(ctx context.Context, m *imapfetch.Message) (imapfetch.Outcome, error) {
		applied := 0
		err := syncmail.Files(m.Body, limit, func(name string, r io.Reader) error {
			_, err := k.c.Sync.ApplySitePackMail(ctx, r)
			if errors.Is(err, syncwire.ErrStale) {
				return nil // an older pack than the one applied: nothing to do
			}
			if err == nil {
				applied++
			}
			return err
		})
		res.PacksApplied += applied
		if applied > 0 {
			st.LastPackMailAt = k.c.Now().UTC()
		}
		return outcome(sortOut(err)), nil
	})
	if r != nil {
		res.MailsSeen += r.Seen
		res.MailsRefused += r.Refused
	}
	if err != nil {
		return err
	}
	st.LastCollectAt = k.c.Now().UTC()
	return nil
}

// KioskStatus is the kiosk's mail transport for its admin view.
type KioskStatus struct {
	SendConfigured    bool   `json:"sendConfigured"`
	CollectConfigured bool   `json:"collectConfigured"`
	SyncAddress       string `json:"syncAddress,omitempty"`
	// Missing names what a half-filled transport still needs: the
	// settings keys left empty (smtp.host, smtp.from, sync.imap.host,
	// sync.imap.username) and "syncAddress" when the relay is set but the
	// pairing names no sync address (the console takes bundles by file).
	// A transport nobody began to fill in is simply off.
	Missing         []string  `json:"missing,omitempty"`
	LastRoundAt     time.Time `json:"lastRoundAt,omitzero"`
	LastQueuedAt    time.Time `json:"lastQueuedAt,omitzero"`
	LastQueuedCount int       `json:"lastQueuedCount"`
	LastCollectAt   time.Time `json:"lastCollectAt,omitzero"`
	LastPackMailAt  time.Time `json:"lastPackMailAt,omitzero"`
	// Outbox: mails waiting to be sent (bundles among them) and the last
	// failure, with the server's words.
	OutboxPending int             `json:"outboxPending"`
	OutboxFailed  int             `json:"outboxFailed"`
	OutboxError   *outbox.Failure `json:"outboxError,omitempty"`
	Problem       *Problem        `json:"problem,omitempty"`
}

// Status reports the kiosk's mail transport.
func (k *Kiosk) Status(ctx context.Context) (*KioskStatus, error) {
	vals, err := k.c.Settings(ctx)
	if err != nil {
		return nil, err
	}
	st, err := k.c.Store.KioskMailState(ctx)
	if err != nil {
		return nil, err
	}
	out := &KioskStatus{LastRoundAt: st.LastRoundAt, LastQueuedAt: st.LastQueuedAt, LastQueuedCount: st.LastQueuedCount,
		LastCollectAt: st.LastCollectAt, LastPackMailAt: st.LastPackMailAt}
	if p := k.c.Sync.Pairing(); p != nil {
		out.SyncAddress = syncAddress(p, vals)
	}
	_, relay := smtpout.ConfigFrom(vals)
	out.SendConfigured = relay && out.SyncAddress != ""
	_, out.CollectConfigured = IMAPConfig(vals)
	out.Missing = missingSettings(vals, relay, out.SyncAddress)
	if st.ErrorCode != "" {
		out.Problem = &Problem{Code: st.ErrorCode, SV: st.ErrorSV, EN: st.ErrorEN}
	}
	if k.c.Outbox != nil {
		ob, err := k.c.Outbox.Status(ctx)
		if err != nil {
			return nil, err
		}
		out.OutboxPending, out.OutboxFailed = ob.Pending, ob.Failed
		if !ob.LastError.IsZero() {
			out.OutboxError = &ob.LastError
			if ob.LastError.Code == smtpout.FailCertPin && ob.Pending+ob.Failed > 0 {
				// The receiver's certificate changed: what to do, in
				// the admin's words (the outbox error is the detail).
				m := smtpout.FailureText(smtpout.FailCertPin)
				out.Problem = &Problem{Code: m.Code, SV: m.SV, EN: m.EN}
			}
		}
	}
	return out, nil
}

// missingSettings lists what a begun but unfinished transport lacks (see
// KioskStatus.Missing).
func missingSettings(vals settings.Values, relay bool, syncAddress string) []string {
	var missing []string
	need := func(keys ...string) {
		begun := false
		for _, k := range keys {
			begun = begun || vals.Get(k) != ""
		}
		if !begun {
			return
		}
		for _, k := range keys {
			if vals.Get(k) == "" {
				missing = append(missing, k)
			}
		}
	}
	need("smtp.host", "smtp.from")
	if relay && syncAddress == "" {
		missing = append(missing, "syncAddress")
	}
	need("sync.imap.host", "sync.imap.username")
	return missing
}
