package core_test

import (
	"bytes"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"id06desk/internal/imapfetch/dovecottest"
	"id06desk/internal/invitations"
	"id06desk/internal/invite"
	"id06desk/internal/mailsync"
	"id06desk/internal/order"
	"id06desk/internal/smtpsink"
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
	if r, err := s.kioskAt(5 * time.Hour).Round(s.ctx); err != nil || r.BundlesQueued != 0 {
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
		if k.LastMailError != nil || k.PacksWaiting != 0 {
			t.Fatalf("kiosk %s: %+v", k.ID, k)
		}
	}
}

// A backlog of registrations with photos is split into bundle mails that
// each, as the relay received it (headers and base64 body), stay under
// sync.mail_max_mb; the console makes an order of each registration.
func TestBundleMailsStayUnderTheSizeLimit(t *testing.T) {
	s := newMailSite(t)
	syncBox := dovecottest.Start(t)
	kioskRelay := relay(t, syncBox.Maildir())
	cset := imapSettings(syncBox)
	cset["sync.transport"] = "imap"
	s.set(s.console, cset)
	s.pairByMail("Gate S", "")
	kset := smtpSettings(kioskRelay.Port())
	kset["sync.mail_max_mb"] = "1"
	s.set(s.kiosk, kset)
	const limit = 1 << 20

	// Registrations until they are more than a mail's worth.
	var ids []string
	var total int64
	for n := 0; total <= limit && n < 30; n++ {
		created, err := s.console.Invitations.Create(s.ctx, "admin",
			[]invitations.Row{{Email: fmt.Sprintf("worker%d@example.se", n), CardType: "id06-rfid"}}, true)
		if err != nil {
			t.Fatal(err)
		}
		id := created[0].ID
		s.register(id, pnr(n))
		ids = append(ids, id)
		refs, err := s.kiosk.DB.SealedForMail(s.ctx, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		total = 0
		for _, r := range refs {
			total += r.Size
		}
	}
	if total <= limit {
		t.Fatalf("%d registrations are only %d bytes", len(ids), total)
	}
	r, err := s.kiosk.KioskMail.Round(s.ctx)
	if err != nil || r.BundlesQueued < 2 || r.Registrations != len(ids) || len(r.Problems) != 0 {
		t.Fatalf("kiosk round: %+v %v", r, err)
	}
	s.flush(s.kiosk)
	msgs := kioskRelay.Messages()
	if len(msgs) != r.BundlesQueued {
		t.Fatalf("%d mails reached the relay, %d queued", len(msgs), r.BundlesQueued)
	}
	for i, m := range msgs {
		t.Logf("mail %d: %d bytes", i, len(m.Data))
		if len(m.Data) >= limit {
			t.Errorf("mail %d is %d bytes, over sync.mail_max_mb (%d)", i, len(m.Data), limit)
		}
	}
	cr, err := s.console.ConsoleMail.Round(s.ctx)
	if err != nil || cr.BundlesImported != len(msgs) || cr.Applied != len(ids) || cr.MailsRefused != 0 {
		t.Fatalf("console round: %+v %v", cr, err)
	}
	if got, all := s.orders(ids), s.allOrders(); got != len(ids) || all != len(ids) {
		t.Fatalf("%d ready orders (%d in all), want %d", got, all, len(ids))
	}
}

// A registration that alone makes a mail over the limit is mailed on its
// own and the round says so, in both languages, instead of going over in
// silence.
func TestBundleMailOverTheLimitIsAProblem(t *testing.T) {
	s := newMailSite(t)
	sink := relay(t, "")
	s.set(s.console, map[string]string{"sync.transport": "imap"})
	s.pairByMail("Gate L", "")
	s.set(s.kiosk, smtpSettings(sink.Port()))
	ids := s.invite(1)
	s.register(ids[0], "811218-9876")
	refs, err := s.kiosk.DB.SealedForMail(s.ctx, time.Now())
	if err != nil || len(refs) != 1 {
		t.Fatalf("sealed %v %v", refs, err)
	}
	// A limit below the registration (the setting's minimum, 1 MB, is
	// more than a registration with a card photo).
	limit := refs[0].Size / 2
	k := mailsync.NewKiosk(mailsync.KioskConfig{Sync: s.kiosk.KioskSync, Store: s.kiosk.DB, Settings: s.kiosk.Settings.Load,
		Outbox: s.kiosk.Outbox, MaxMailBytes: limit})
	r, err := k.Round(s.ctx)
	if err != nil || r.BundlesQueued != 1 || len(r.Problems) != 1 || r.Problems[0].Code != "sync.mail.too_large" {
		t.Fatalf("kiosk round: %+v %v", r, err)
	}
	p := r.Problems[0]
	if !strings.Contains(p.SV, "mer än gränsen") || !strings.Contains(p.EN, "more than the sync mail limit") ||
		!strings.Contains(p.SV, ",") || strings.Contains(p.SV, "{") || strings.Contains(p.EN, "{") {
		t.Fatalf("problem %+v", p)
	}
	st, err := s.kiosk.KioskMail.Status(s.ctx)
	if err != nil || st.Problem == nil || st.Problem.Code != "sync.mail.too_large" {
		t.Fatalf("kiosk mail status: %+v %v", st, err)
	}
	s.flush(s.kiosk)
	if n := sink.Count(); n != 1 || int64(len(sink.Messages()[0].Data)) <= limit {
		t.Fatalf("%d mails sent", n)
	}
}

// pnr is the n:th of some valid personnummer.
func pnr(n int) string {
	// 19900101-nnnC: a valid Luhn check digit for each serial.
	serial := fmt.Sprintf("%03d", 100+n)
	digits := "900101" + serial
	sum := 0
	for i, c := range digits {
		d := int(c-'0') * (2 - i%2)
		sum += d/10 + d%10
	}
	return "900101-" + serial + strconv.Itoa((10-sum%10)%10)
}

// pairWithKeys pairs a kiosk (with mailbox for site packs) and brings its
// keys to the console by file, so that packs can be made for it.
func (s *mailSite) pairWithKeys(name, mailbox string) {
	s.t.Helper()
	s.pairByMail(name, mailbox)
	var keys bytes.Buffer
	if _, err := s.kiosk.KioskSync.ExportBundle(s.ctx, &keys); err != nil {
		s.t.Fatal(err)
	}
	if _, err := s.console.ConsoleSync.Import(s.ctx, &keys); err != nil {
		s.t.Fatal(err)
	}
}

// kioskMail is the console's mail status of its only kiosk.
func (s *mailSite) kioskMail() mailsync.KioskMail {
	s.t.Helper()
	st, err := s.console.ConsoleMail.Status(s.ctx)
	if err != nil || len(st.Kiosks) != 1 {
		s.t.Fatalf("console mail status: %+v %v", st, err)
	}
	return st.Kiosks[0]
}

// A site pack mail the relay refused is that kiosk's last error on Kiosks
// & sync, in Swedish and English with the relay's words — not only a
// count of mails waiting.
func TestRefusedSitePackIsTheKiosksLastError(t *testing.T) {
	s := newMailSite(t)
	sink, err := smtpsink.Start(smtpsink.Options{Refuse: regexp.MustCompile(`^gate-x@`)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sink.Close() })
	cset := smtpSettings(sink.Port())
	cset["sync.transport"] = "imap"
	s.set(s.console, cset)
	s.pairWithKeys("Gate X", "gate-x@bygg.se")
	if k := s.kioskMail(); k.LastMailError != nil {
		t.Fatalf("a last error before any pack: %+v", k.LastMailError)
	}
	cr, err := s.console.ConsoleMail.Round(s.ctx)
	if err != nil || cr.PacksQueued != 1 {
		t.Fatalf("console round: %+v %v", cr, err)
	}
	s.flush(s.console)
	k := s.kioskMail()
	p := k.LastMailError
	if p == nil || p.Code != "sync.mail.pack_not_sent" {
		t.Fatalf("the refused pack is not the kiosk's last error: %+v", k)
	}
	for _, want := range []string{"Sajtpaketet till gate-x@bygg.se har inte skickats", "5.1.1"} {
		if !strings.Contains(p.SV, want) {
			t.Errorf("SV %q lacks %q", p.SV, want)
		}
	}
	for _, want := range []string{"The site pack to gate-x@bygg.se has not been sent", "5.1.1"} {
		if !strings.Contains(p.EN, want) {
			t.Errorf("EN %q lacks %q", p.EN, want)
		}
	}
	// A later pack that goes out clears it.
	sink.Close()
	ok := relay(t, "")
	s.set(s.console, smtpSettings(ok.Port()))
	s.invite(1)
	if cr, err := s.console.ConsoleMail.Round(s.ctx); err != nil || cr.PacksQueued != 1 {
		t.Fatalf("console round: %+v %v", cr, err)
	}
	s.flush(s.console)
	if k := s.kioskMail(); k.LastMailError != nil {
		t.Fatalf("the last error stays after a pack went out: %+v", k.LastMailError)
	}
}

// A kiosk's last mail error is kept with its code and both languages: a
// bundle mail from a kiosk revoked since reads in Swedish in the Swedish
// UI, not as an English sentence.
func TestKioskLastMailErrorInBothLanguages(t *testing.T) {
	s := newMailSite(t)
	syncBox := dovecottest.Start(t)
	kioskRelay := relay(t, syncBox.Maildir())
	cset := imapSettings(syncBox)
	cset["sync.transport"] = "imap"
	s.set(s.console, cset)
	s.pairByMail("Gate Y", "")
	s.set(s.kiosk, smtpSettings(kioskRelay.Port()))
	ids := s.invite(1)
	s.register(ids[0], "811218-9876")
	if r, err := s.kiosk.KioskMail.Round(s.ctx); err != nil || r.BundlesQueued != 1 {
		t.Fatalf("kiosk round: %+v %v", r, err)
	}
	s.flush(s.kiosk)
	if _, err := s.console.ConsoleSync.Revoke(s.ctx, "Gate Y"); err != nil {
		t.Fatal(err)
	}
	if cr, err := s.console.ConsoleMail.Round(s.ctx); err != nil || cr.MailsRefused != 1 {
		t.Fatalf("console round: %+v %v", cr, err)
	}
	p := s.kioskMail().LastMailError
	if p == nil || p.Code != "sync.kiosk_revoked" || p.SV == "" || p.SV == p.EN || !strings.Contains(p.SV, "Gate Y") {
		t.Fatalf("last mail error %+v", p)
	}
}

// The sync mailbox's connection drops in the middle of a round with real
// bundle mails in it: the round says so; the next round takes the rest.
// Each registration becomes exactly one order, every mail ends in the
// processed folder, none is lost or imported twice.
func TestSyncMailboxDropsMidFetch(t *testing.T) {
	s := newMailSite(t)
	syncBox := dovecottest.Start(t)
	kioskRelay := relay(t, syncBox.Maildir())
	cset := imapSettings(syncBox)
	cset["sync.transport"] = "imap"
	s.set(s.console, cset)
	s.pairByMail("Gate Z", "")
	s.set(s.kiosk, smtpSettings(kioskRelay.Port()))
	// Three bundle mails, one registration each.
	ids := s.invite(3)
	for i, id := range ids {
		s.register(id, []string{"811218-9876", "900101-0017", "640823-3234"}[i])
		if r, err := s.kiosk.KioskMail.Round(s.ctx); err != nil || r.BundlesQueued != 1 {
			t.Fatalf("kiosk round %d: %+v %v", i, r, err)
		}
		s.flush(s.kiosk)
	}
	msgs := kioskRelay.Messages()
	if len(msgs) != 3 || len(syncBox.Folder("INBOX")) != 3 {
		t.Fatalf("%d bundle mails sent, %d in the mailbox", len(msgs), len(syncBox.Folder("INBOX")))
	}
	// Cut in the middle of the second mail's body.
	cut := int64(len(msgs[0].Data) + len(msgs[1].Data)/2)
	proxy := dovecottest.NewCutProxy(t, syncBox.Addr(), cut)
	s.set(s.console, map[string]string{"sync.imap.port": strconv.Itoa(proxy.Port())})
	first, err := s.console.ConsoleMail.Round(s.ctx)
	if err != nil || len(first.Problems) != 1 || proxy.Cuts() != 1 {
		t.Fatalf("round with the connection cut: %+v %v (cuts %d)", first, err, proxy.Cuts())
	}
	moved := len(syncBox.Folder("id06desk-processed"))
	if moved == 3 || first.Applied > 2 {
		t.Fatalf("everything was taken before the cut at %d: %+v", cut, first)
	}
	t.Logf("cut at %d: %d applied, %d moved, problem %q", cut, first.Applied, moved, first.Problems[0].EN)

	s.set(s.console, map[string]string{"sync.imap.port": strconv.Itoa(syncBox.Port)})
	second, err := s.console.ConsoleMail.Round(s.ctx)
	if err != nil || len(second.Problems) != 0 || second.MailsRefused != 0 || second.MailsSeen != 3-moved {
		t.Fatalf("round after the cut: %+v %v", second, err)
	}
	if first.Applied+second.Applied != 3 {
		t.Fatalf("applied %d + %d, want 3", first.Applied, second.Applied)
	}
	if got, all := s.orders(ids), s.allOrders(); got != 3 || all != 3 {
		t.Fatalf("%d ready orders (%d in all), want 3", got, all)
	}
	if n, p := len(syncBox.Folder("INBOX")), len(syncBox.Folder("id06desk-processed")); n != 0 || p != 3 {
		t.Fatalf("inbox %d, processed %d", n, p)
	}
	if r := syncBox.Folder("id06desk-refused"); len(r) != 0 {
		t.Fatalf("%d mails refused", len(r))
	}
}

// The receiver that cannot start says why in both languages (Kiosks &
// sync shows it in the UI's language).
func TestReceiverProblemInBothLanguages(t *testing.T) {
	s := newMailSite(t)
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { taken.Close() })
	s.set(s.console, map[string]string{"sync.transport": "receiver", "sync.receiver.listen": taken.Addr().String()})
	if err := s.console.ConsoleMail.KeepReceiver(s.ctx, nil); err == nil {
		t.Fatal("the receiver started on a port in use")
	}
	st := s.console.ConsoleMail.Receiver()
	p := st.Problem
	if st.Running || p == nil || p.Code != "sync.receiver.listen" || !strings.Contains(p.SV, "Synkmottagaren kan inte lyssna på "+taken.Addr().String()) ||
		!strings.Contains(p.EN, "The sync receiver cannot listen on") {
		t.Fatalf("receiver state %+v %+v", st, p)
	}
}
