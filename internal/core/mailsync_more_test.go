package core_test

import (
	"bytes"
	"strconv"
	"testing"
	"time"

	"id06desk/internal/imapfetch/dovecottest"
	"id06desk/internal/invite"
	"id06desk/internal/mailsync"
	"id06desk/internal/order"
)

// pairByMail pairs a kiosk named name with the console; mailbox is the
// kiosk's address for site packs ("" for none).
func (s *mailSite) pairByMail(name, mailbox string) {
	s.t.Helper()
	p, err := s.console.ConsoleSync.Pair(s.ctx, name, "Hagastaden", mailbox)
	if err != nil {
		s.t.Fatal(err)
	}
	if _, err := s.kiosk.KioskSync.Join(s.ctx, bytes.NewReader(p.File)); err != nil {
		s.t.Fatal(err)
	}
}

// allOrders counts every order on the console.
func (s *mailSite) allOrders() int {
	s.t.Helper()
	p, err := s.console.DB.ListOrders(s.ctx, order.ListQuery{})
	if err != nil {
		s.t.Fatal(err)
	}
	return p.Total
}

// kioskAt is the kiosk's mail transport with its clock d ahead.
func (s *mailSite) kioskAt(d time.Duration) *mailsync.Kiosk {
	return mailsync.NewKiosk(mailsync.KioskConfig{Sync: s.kiosk.KioskSync, Store: s.kiosk.DB, Settings: s.kiosk.Settings.Load,
		Outbox: s.kiosk.Outbox, Now: func() time.Time { return time.Now().Add(d) }})
}

// A kiosk whose acknowledgement was lost mails the registration again once
// sync.resend_hours have passed, not before; the console, receiving it
// twice, still makes one order.
func TestKioskResendsAfterLostAck(t *testing.T) {
	s := newMailSite(t)
	syncBox := dovecottest.Start(t)
	kioskRelay := relay(t, syncBox.Maildir())
	cset := imapSettings(syncBox)
	cset["sync.transport"] = "imap"
	s.set(s.console, cset)
	// The kiosk has no mailbox: the acknowledging pack never reaches it.
	s.pairByMail("Gate R", "")
	kset := smtpSettings(kioskRelay.Port())
	kset["sync.resend_hours"] = "6"
	s.set(s.kiosk, kset)
	ids := s.invite(1)
	s.register(ids[0], "811218-9876")

	if r, err := s.kiosk.KioskMail.Round(s.ctx); err != nil || r.BundlesQueued != 1 || r.Registrations != 1 {
		t.Fatalf("kiosk round: %+v %v", r, err)
	}
	s.flush(s.kiosk)
	if cr, err := s.console.ConsoleMail.Round(s.ctx); err != nil || cr.Applied != 1 {
		t.Fatalf("console round: %+v %v", cr, err)
	}
	if n := s.kioskPending(); n != 1 {
		t.Fatalf("kiosk pending %d: the ack was not lost", n)
	}
	// Five hours on: not yet.
	if r, err := s.kioskAt(5*time.Hour).Round(s.ctx); err != nil || r.BundlesQueued != 0 {
		t.Fatalf("kiosk round 5 h later mailed again: %+v %v", r, err)
	}
	// Seven hours on: the registration goes again, once.
	later := s.kioskAt(7 * time.Hour)
	if r, err := later.Round(s.ctx); err != nil || r.BundlesQueued != 1 || r.Registrations != 1 {
		t.Fatalf("kiosk round 7 h later: %+v %v", r, err)
	}
	if r, err := later.Round(s.ctx); err != nil || r.BundlesQueued != 0 {
		t.Fatalf("a second round 7 h later mailed again: %+v %v", r, err)
	}
	s.flush(s.kiosk)
	if n := kioskRelay.Count(); n != 2 {
		t.Fatalf("%d bundle mails reached the relay, want 2", n)
	}
	cr, err := s.console.ConsoleMail.Round(s.ctx)
	if err != nil || cr.MailsSeen != 1 || cr.MailsRefused != 0 || cr.Applied != 0 || len(cr.Problems) != 0 {
		t.Fatalf("console round with the resent bundle: %+v %v", cr, err)
	}
	if got, all := s.orders(ids), s.allOrders(); got != 1 || all != 1 {
		t.Fatalf("%d ready orders (%d in all) after the resend, want 1", got, all)
	}
	if n := len(syncBox.Folder("id06desk-processed")); n != 2 {
		t.Fatalf("%d mails processed, want 2", n)
	}
}

// After the acknowledging pack, each change of what the kiosk should know
// — a new invitation, a revoked one, the catalog, the token keys — makes
// one new site pack mail on the next round, and a round with nothing
// changed none. A kiosk without a mailbox gets no pack mail and that is
// no problem.
func TestSitePackMailedWhenSomethingChanged(t *testing.T) {
	s := newMailSite(t)
	syncBox := dovecottest.Start(t)
	sink := relay(t, "")
	cset := imapSettings(syncBox)
	for k, v := range smtpSettings(sink.Port()) {
		cset[k] = v
	}
	cset["sync.transport"] = "imap"
	s.set(s.console, cset)
	s.pairByMail("Gate P", "gate-p@bygg.se")
	// A second kiosk, paired by file only (no mailbox), that sent its keys.
	other := newMailSite(t)
	p2, err := s.console.ConsoleSync.Pair(s.ctx, "Gate F", "Solna", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.kiosk.KioskSync.Join(s.ctx, bytes.NewReader(p2.File)); err != nil {
		t.Fatal(err)
	}
	var keys bytes.Buffer
	if _, err := other.kiosk.KioskSync.ExportBundle(s.ctx, &keys); err != nil {
		t.Fatal(err)
	}
	if _, err := s.console.ConsoleSync.Import(s.ctx, &keys); err != nil {
		t.Fatal(err)
	}

	ids := s.invite(2)
	kioskRelay := relay(t, syncBox.Maildir())
	s.set(s.kiosk, smtpSettings(kioskRelay.Port()))
	s.register(ids[0], "811218-9876")
	if r, err := s.kiosk.KioskMail.Round(s.ctx); err != nil || r.BundlesQueued != 1 {
		t.Fatalf("kiosk round: %+v %v", r, err)
	}
	s.flush(s.kiosk)
	round := func(step string, want int) {
		t.Helper()
		before := sink.Count()
		cr, err := s.console.ConsoleMail.Round(s.ctx)
		if err != nil || cr.PacksQueued != want || len(cr.Problems) != 0 {
			t.Fatalf("%s: console round %+v %v, want %d packs", step, cr, err, want)
		}
		s.flush(s.console)
		packs := 0
		for _, m := range sink.Messages()[before:] {
			if len(m.To) == 1 && m.To[0] == "gate-p@bygg.se" {
				packs++
			}
		}
		if packs != want {
			t.Fatalf("%s: %d pack mails reached the relay, want %d", step, packs, want)
		}
	}
	round("the bundle's acknowledgement", 1)
	round("nothing changed", 0)

	s.invite(1)
	round("a new invitation", 1)
	round("nothing changed after the invitation", 0)

	if err := s.console.Invitations.Revoke(s.ctx, "admin", ids[1]); err != nil {
		t.Fatal(err)
	}
	round("a revoked invitation", 1)

	cat, err := s.console.DB.LoadCatalog(s.ctx)
	if err != nil {
		t.Fatal(err)
	}
	cat.Industries = append(cat.Industries, invite.Industry{Code: "tunnel", NameSv: "Tunnelbygge", NameEn: "Tunnelling", Active: true})
	if err := s.console.DB.SaveCatalog(s.ctx, "admin", cat); err != nil {
		t.Fatal(err)
	}
	round("a catalog change", 1)

	if err := s.console.Keys.Rotate(); err != nil {
		t.Fatal(err)
	}
	round("a key change", 1)
	round("nothing changed at the end", 0)

	// The kiosk without a mailbox: no pack mail, no error, none waiting.
	st, err := s.console.ConsoleMail.Status(s.ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range st.Kiosks {
		if k.LastMailError != "" || k.PacksWaiting != 0 {
			t.Fatalf("kiosk %s: %+v", k.ID, k)
		}
	}
	_ = strconv.Itoa
}
