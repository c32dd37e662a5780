package kiosksync_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"id06desk/internal/audit"
	"id06desk/internal/i18n"
	"id06desk/internal/syncwire"
)

// A refused site pack (older than the one applied, for another kiosk,
// changed on the way) is kept in the kiosk's sync status as the last
// refusal, with its time, number and sentence in Swedish and English, for
// the kiosk's admin view (JSON "sitePackRefusal"); it is in the audit log
// too, and nothing else changed.
func TestRefusedSitePackInStatus(t *testing.T) {
	ctx := context.Background()
	f := newKiosk(t)
	f.join(t)
	if st, _ := f.sync.Status(ctx); st.SitePackRefusal != nil {
		t.Fatalf("a refusal before any pack: %+v", st.SitePackRefusal)
	}
	id := newID(t)
	if _, err := f.sync.ApplySitePack(ctx, bytes.NewReader(f.pack(t, 2, kioskID, func(p *syncwire.SitePack) {
		p.Invitations = []syncwire.Invitation{{ID: id, Code: "K7M2Q9TXAB", Token: f.token(t, id, f.clock().Add(time.Hour)),
			ExpiresAt: f.clock().Add(time.Hour), CardType: "id06-rfid", Language: "sv"}}
	}))); err != nil {
		t.Fatal(err)
	}
	applied, err := f.sync.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	damaged := f.pack(t, 9, kioskID, func(p *syncwire.SitePack) { p.Revoked = []string{id} })
	damaged[len(damaged)-100] ^= 1
	cases := []struct {
		name string
		data []byte
		want error
		code string
		seq  uint64
	}{
		{"older", f.pack(t, 1, kioskID, func(p *syncwire.SitePack) { p.Revoked = []string{id} }), syncwire.ErrStale, "sync.stale", 1},
		{"another kiosk", f.pack(t, 9, "kiosk-8", func(p *syncwire.SitePack) { p.Revoked = []string{id} }), syncwire.ErrWrongRecipient, "sync.wrong_recipient", 0},
		{"damaged", damaged, syncwire.ErrTampered, "sync.tampered", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f.advance(time.Minute)
			_, err := f.sync.ApplySitePack(ctx, bytes.NewReader(c.data))
			var ie *i18n.Error
			if !errors.Is(err, c.want) || !errors.As(err, &ie) {
				t.Fatalf("error %v, want %v", err, c.want)
			}
			st, err := f.sync.Status(ctx)
			if err != nil {
				t.Fatal(err)
			}
			r := st.SitePackRefusal
			if r == nil || r.Code != c.code || r.Seq != c.seq || !r.At.Equal(f.clock()) ||
				r.SV != ie.Msg.In(i18n.SV) || r.EN != ie.Msg.In(i18n.EN) || r.SV == "" || r.EN == "" || r.SV == r.EN {
				t.Fatalf("last refusal %+v, want %s (seq %d) at %s with its sentences", r, c.code, c.seq, f.clock())
			}
			// Nothing else changed.
			if st.SitePackSeq != applied.SitePackSeq || !st.SitePackAppliedAt.Equal(applied.SitePackAppliedAt) || st.Pending != applied.Pending {
				t.Fatalf("status %+v after a refused pack, was %+v", st, applied)
			}
			if inv, _, err := f.db.GetInvitation(ctx, id); err != nil || inv.Status == "revoked" {
				t.Fatalf("invitation after a refused pack: %s %v", inv.Status, err)
			}
			// The audit log has it, by its code.
			page, err := f.db.ListAudit(ctx, audit.Query{Actions: []audit.Action{audit.SyncSitePackRefused}})
			if err != nil || len(page.Items) == 0 || page.Items[0].Detail != c.code {
				t.Fatalf("audit log %+v %v", page.Items, err)
			}
			// The admin view reads it as JSON.
			b, _ := json.Marshal(st)
			var m struct {
				R map[string]any `json:"sitePackRefusal"`
			}
			if err := json.Unmarshal(b, &m); err != nil || m.R["code"] != c.code || m.R["sv"] != r.SV || m.R["en"] != r.EN || m.R["at"] == nil {
				t.Fatalf("status JSON %s", b)
			}
		})
	}
	// A pack applied later leaves the refusal, older than the pack.
	f.advance(time.Minute)
	if _, err := f.sync.ApplySitePack(ctx, bytes.NewReader(f.pack(t, 3, kioskID, nil))); err != nil {
		t.Fatal(err)
	}
	if st, _ := f.sync.Status(ctx); st.SitePackRefusal == nil || !st.SitePackRefusal.At.Before(st.SitePackAppliedAt) {
		t.Fatalf("after a later pack: %+v", st)
	}
}
