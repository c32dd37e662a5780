// Package housekeeping runs the periodic clean-up: invitations past their
// expiry are marked expired, registration drafts that can no longer be used
// or were left untouched too long are deleted, and delivered orders lose
// their personal data after the retention period. It runs at start, every
// interval, and also at the moment the next open invitation expires, so a
// draft of an expired invitation does not wait for the next round.
package housekeeping

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"id06desk/internal/audit"
	"id06desk/internal/invitations"
	"id06desk/internal/invite"
	"id06desk/internal/orders"
	"id06desk/internal/settings"
	"id06desk/internal/sqlite"
)

// Store is what housekeeping needs from storage.
type Store interface {
	// Sweep carries out a plan in one transaction.
	Sweep(ctx context.Context, p sqlite.SweepPlan) (sqlite.SweepResult, error)
	// NextExpiry is the earliest expiry after now of an invitation in one
	// of the statuses from; ok is false when there is none.
	NextExpiry(ctx context.Context, now time.Time, from []invite.Status) (at time.Time, ok bool, err error)
}

// Sweep does one round's work with the retention cutoffs, in one
// transaction: invitations whose link expired before anyone registered
// become expired (invitations.Expire); registration drafts are deleted when
// their invitation is closed (invitations.Closed) or nobody touched them
// since draftCutoff — a draft holds personal data and photos, kept no
// longer than needed; finished orders (orders.PurgedStatuses) last changed
// before orderCutoff (zero: never) keep who ordered which card and when,
// but lose identity numbers, phone, address and photos.
//
// The audit lines name the context's actor (the command line's user for
// `id06desk purge`), and the system when the context names none.
func Sweep(ctx context.Context, st Store, now, draftCutoff, orderCutoff time.Time) (sqlite.SweepResult, error) {
	return st.Sweep(asSystem(ctx), plan(now, draftCutoff, orderCutoff))
}

// Preview counts what Sweep would do with the same cutoffs, changing
// nothing (`id06desk purge --dry-run`).
func Preview(ctx context.Context, st Previewer, now, draftCutoff, orderCutoff time.Time) (sqlite.SweepResult, error) {
	return st.SweepPreview(ctx, plan(now, draftCutoff, orderCutoff))
}

// Previewer counts what a sweep would change.
type Previewer interface {
	SweepPreview(ctx context.Context, p sqlite.SweepPlan) (sqlite.SweepResult, error)
}

func plan(now, draftCutoff, orderCutoff time.Time) sqlite.SweepPlan {
	return sqlite.SweepPlan{
		Now:          now,
		ExpireFrom:   invitations.Expirable(),
		Expire:       invitations.Expire,
		DraftsBefore: draftCutoff,
		DraftsOf:     invitations.Closed(),
		PurgeOrders:  orders.PurgedStatuses(),
		OrdersBefore: orderCutoff,
	}
}

// asSystem is ctx with the system as actor unless it names one.
func asSystem(ctx context.Context) context.Context {
	if audit.ActorFrom(ctx).Kind == audit.KindUnknown {
		return audit.WithActor(ctx, audit.System)
	}
	return ctx
}

// Cutoffs are the retention settings' cutoffs at now: drafts untouched
// since the first, orders unchanged since the second are purged.
func Cutoffs(ctx context.Context, load func(ctx context.Context) (settings.Values, error), now time.Time) (drafts, orders time.Time) {
	draftDays, orderDays := 30, 90
	if load != nil {
		if v, err := load(ctx); err == nil {
			draftDays, orderDays = v.Int("retention.draft_days"), v.Int("retention.order_days")
		}
	}
	day := 24 * time.Hour
	return now.Add(-time.Duration(draftDays) * day), now.Add(-time.Duration(orderDays) * day)
}

// Config holds the job's dependencies.
type Config struct {
	Store    Store
	Settings func(ctx context.Context) (settings.Values, error)
	Log      *slog.Logger
	// Every is the longest wait between two rounds (default one hour).
	Every time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// withDefaults fills in what the Config leaves out: an hour, time.Now and
// slog.Default. Run, Round and Wait are each called on their own (the
// App's job scheduler calls Round and Wait).
func (c Config) withDefaults() Config {
	if c.Every <= 0 {
		c.Every = time.Hour
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
	return c
}

// Run does a round at once and then again until ctx ends.
func Run(ctx context.Context, c Config) {
	c = c.withDefaults()
	for {
		if err := Round(ctx, c); err != nil && ctx.Err() == nil {
			c.Log.Error("housekeeping", "err", err)
		}
		t := time.NewTimer(Wait(ctx, c))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// Round does one round of housekeeping with the retention settings. The
// error is the caller's to log (Run) or record (the App's job list).
func Round(ctx context.Context, c Config) error {
	c = c.withDefaults()
	now := c.Now()
	drafts, orders := Cutoffs(ctx, c.Settings, now)
	res, err := Sweep(audit.WithActor(ctx, audit.System), c.Store, now, drafts, orders)
	if err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	if res.Expired+res.DraftsDeleted+res.OrdersPurged > 0 {
		c.Log.Info("housekeeping", "invitations_expired", res.Expired, "drafts_deleted", res.DraftsDeleted, "orders_purged", res.OrdersPurged,
			"mails_deleted", res.MailsDeleted)
	}
	return nil
}

// Wait is how long until the next round: the interval, or less when an
// invitation expires sooner (plus a moment, so that it has expired).
func Wait(ctx context.Context, c Config) time.Duration {
	c = c.withDefaults()
	d := c.Every
	at, ok, err := c.Store.NextExpiry(ctx, c.Now(), invitations.Expirable())
	if err != nil {
		if ctx.Err() == nil {
			c.Log.Error("housekeeping: next expiry", "err", err)
		}
		return d
	}
	if ok {
		if until := at.Sub(c.Now()) + 50*time.Millisecond; until < d {
			d = max(until, 50*time.Millisecond)
		}
	}
	return d
}
