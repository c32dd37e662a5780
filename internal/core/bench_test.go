package core_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"id06desk/internal/imapfetch"
	"id06desk/internal/imapfetch/dovecottest"
	"id06desk/internal/invite"
	"id06desk/internal/mailsync"
	"id06desk/internal/order"
	"id06desk/internal/photo"
	"id06desk/internal/photo/phototest"
	"id06desk/internal/smtpsink"
)

// The benchmarks below are issue 14's `make bench` line: 1,000 sealed
// registrations through relay → mailbox → import, end to end, against a
// bare IMAP fetch of the same mails. They live here, not in mailsync,
// because the App wires what the path crosses (the kiosk's sync, store and
// outbox, the console's sync, store and import) exactly as it runs.

const benchRegistrations = 1000

// mailBench is a console and a paired kiosk with benchRegistrations sealed
// registrations waiting in the kiosk's queue, the kiosk's relay delivering
// into the console's sync mailbox (Dovecot); the kiosk has a mailbox of
// its own.
type mailBench struct {
	*mailSite
	syncBox *dovecottest.Server
	ids     []string
}

// newMailBench pairs the two Apps as TestOfflineSiteByMail does, makes
// benchRegistrations invitations at the console and seals a registration
// for each at the kiosk. Sealing goes through the kiosk's sync as Confirm
// does (kiosksync.Service.Adopt of the console's signed token, then Seal
// of the order Confirm builds, with the card photo UploadPhoto renders of
// a real face), not through the registration's five HTTP-sized steps: the
// sealed rows are the same, made in a fraction of the time.
func newMailBench(b *testing.B) *mailBench {
	s := newMailSite(b)
	f := &mailBench{mailSite: s, syncBox: dovecottest.Start(b)}
	// The kiosk's relay delivers into the sync mailbox and forgets the
	// text (the relay is another machine: its copies are not this
	// process's heap). The console's relay is never reached in the timed
	// part (its outbox is not flushed) but must be set for the round to
	// queue the acknowledging site pack.
	kioskRelay, err := smtpsink.Start(smtpsink.Options{Maildir: f.syncBox.Maildir(), Forget: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { kioskRelay.Close() })
	cset := imapSettings(f.syncBox)
	for k, v := range smtpSettings(closedPort(b)) {
		cset[k] = v
	}
	cset["sync.transport"] = "imap"
	s.set(s.console, cset)
	p, err := s.console.ConsoleSync.Pair(s.ctx, "Gate A", "Hagastaden", "gate-a@bygg.se")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.kiosk.KioskSync.Join(s.ctx, bytes.NewReader(p.File)); err != nil {
		b.Fatal(err)
	}
	// The kiosk's own mailbox (for site packs; empty here) and its relay.
	kset := imapSettings(dovecottest.Start(b))
	for k, v := range smtpSettings(kioskRelay.Port()) {
		kset[k] = v
	}
	s.set(s.kiosk, kset)

	f.ids = s.invite(benchRegistrations)
	card := renderedCardPhoto(b)
	now := time.Now().UTC()
	for _, id := range f.ids {
		d, err := s.console.Invitations.Get(s.ctx, id)
		if err != nil {
			b.Fatal(err)
		}
		tok := d.Invitation.Token
		if _, err := s.kiosk.KioskSync.Adopt(s.ctx, tok); err != nil {
			b.Fatal(err)
		}
		regID, err := invite.NewID()
		if err != nil {
			b.Fatal(err)
		}
		o := order.Order{ID: regID, InvitationID: id, Status: order.StatusReady, FirstName: "Anna", LastName: "Berg",
			Personnummer: "198112189876", Phone: "+46701234567", Language: "sv",
			Delivery: order.Delivery{UseCompany: true, Address: order.Address{Name: "Bygg & Söner AB", Street: "Storgatan 1",
				PostalCode: "111 22", City: "Stockholm", Country: "SE"}},
			Photo: card, IdentityMethod: order.MethodManual, IdentityCheck: order.CheckPendingPartner,
			RegisteredAt: now, RegisteredWhere: order.WhereKiosk}
		if err := s.kiosk.KioskSync.Seal(s.ctx, o, tok); err != nil {
			b.Fatal(err)
		}
	}
	if n := s.kioskPending(); n != benchRegistrations {
		b.Fatalf("%d sealed registrations pending at the kiosk, want %d", n, benchRegistrations)
	}
	return f
}

// renderedCardPhoto is the card photo UploadPhoto makes of the sample
// face: decoded, the face found, cropped 35:45 and rendered at card size.
func renderedCardPhoto(b *testing.B) []byte {
	src, err := photo.Decode(bytes.NewReader(phototest.Face(b)), 20<<20)
	if err != nil {
		b.Fatal(err)
	}
	faces := photo.DetectFaces(src.Image)
	if len(faces) != 1 {
		b.Fatalf("%d faces in the sample photo", len(faces))
	}
	card, err := photo.Render(src, photo.SuggestCrop(src.Size, faces[0].Rect))
	if err != nil {
		b.Fatal(err)
	}
	return card
}

// send is the kiosk's side: its mail round queues the bundle mails (split
// under sync.mail_max_mb) and its outbox hands them to the relay, which
// delivers them into the sync mailbox.
func (f *mailBench) send() *mailsync.KioskRound {
	b := f.t
	r, err := f.kiosk.KioskMail.Round(f.ctx)
	if err != nil || r.Registrations != benchRegistrations || len(r.Problems) != 0 {
		b.Fatalf("kiosk round: %+v %v", r, err)
	}
	res, err := f.kiosk.Outbox.Flush(f.ctx)
	if err != nil || res.Sent != r.BundlesQueued {
		b.Fatalf("kiosk outbox: %+v %v (%d bundle mails queued)", res, err, r.BundlesQueued)
	}
	return r
}

// mailSizes counts the mails in a folder of the sync mailbox and their
// bytes.
func (f *mailBench) mailSizes(folder string) (n int, size int64) {
	for _, p := range f.syncBox.Folder(folder) {
		st, err := os.Stat(p)
		if err != nil {
			f.t.Fatal(err)
		}
		n++
		size += st.Size()
	}
	return n, size
}

// BenchmarkMailSync1000 times the whole trip of 1,000 sealed
// registrations with card photos: the kiosk's mail round (bundles of at
// most sync.mail_max_mb, default 10), its outbox through the relay into
// the console's Dovecot mailbox, and the console's mail round (collected
// over IMAP, every bundle imported: 1,000 ready orders, each with its two
// mails queued, the mails moved to processed, the acknowledging site pack
// queued). peak-heap-MB is the heap in use at its highest during the
// timed part; compare mail-MB.
func BenchmarkMailSync1000(b *testing.B) {
	for range b.N {
		b.StopTimer()
		f := newMailBench(b)
		runtime.GC()
		peak := watchHeapUntil(b)
		b.StartTimer()

		start := time.Now()
		kr := f.send()
		sent := time.Since(start)
		cr, err := f.console.ConsoleMail.Round(f.ctx)

		b.StopTimer()
		collected := time.Since(start) - sent
		heap := peak()
		if err != nil || cr.BundlesImported != kr.BundlesQueued || cr.Applied != benchRegistrations ||
			cr.MailsRefused != 0 || cr.PacksQueued != 1 || len(cr.Problems) != 0 {
			b.Fatalf("console round: %+v %v (kiosk round %+v)", cr, err, kr)
		}
		if got := f.orders(f.ids); got != benchRegistrations {
			b.Fatalf("%d ready orders, want %d", got, benchRegistrations)
		}
		mails, size := f.mailSizes(imapfetch.DefaultProcessed)
		if left, _ := f.mailSizes("INBOX"); mails != kr.BundlesQueued || left != 0 {
			b.Fatalf("%d mails processed, %d left in the inbox; %d were sent", mails, left, kr.BundlesQueued)
		}
		b.ReportMetric(float64(mails), "mails")
		b.ReportMetric(float64(size)/1e6, "mail-MB")
		b.ReportMetric(float64(heap)/1e6, "peak-heap-MB")
		b.ReportMetric(sent.Seconds(), "send-s")
		b.ReportMetric(collected.Seconds(), "collect-import-s")
		b.StartTimer()
	}
}

// BenchmarkMailSync1000Baseline is what the mailbox alone costs: the same
// mails (the kiosk's round and outbox run untimed, into the same kind of
// Dovecot mailbox) collected by a bare imapfetch.Collect whose handler
// reads each mail to io.Discard and answers Processed, so each is fetched
// in full and moved, as the console's round does.
func BenchmarkMailSync1000Baseline(b *testing.B) {
	for range b.N {
		b.StopTimer()
		f := newMailBench(b)
		kr := f.send()
		mails, size := f.mailSizes("INBOX")
		if mails != kr.BundlesQueued {
			b.Fatalf("%d mails in the sync mailbox, %d sent", mails, kr.BundlesQueued)
		}
		vals, err := f.console.Settings.Load(f.ctx)
		if err != nil {
			b.Fatal(err)
		}
		cfg, _ := mailsync.IMAPConfig(vals) // the console's own mailbox settings and size limit
		runtime.GC()
		peak := watchHeapUntil(b)
		var read int64
		b.StartTimer()

		res, err := imapfetch.Collect(f.ctx, cfg, func(_ context.Context, m *imapfetch.Message) (imapfetch.Outcome, error) {
			n, err := io.Copy(io.Discard, m.Body)
			read += n
			return imapfetch.Outcome{Verdict: imapfetch.Processed}, err
		})

		b.StopTimer()
		heap := peak()
		if err != nil || res.Processed != mails || read != size {
			b.Fatalf("collect: %+v %v; read %d of %d bytes", res, err, read, size)
		}
		b.ReportMetric(float64(mails), "mails")
		b.ReportMetric(float64(size)/1e6, "mail-MB")
		b.ReportMetric(float64(heap)/1e6, "peak-heap-MB")
		b.StartTimer()
	}
}

// watchHeapUntil samples the heap in use (as consolesync's watchHeap)
// until the returned function is called, which returns the peak seen.
func watchHeapUntil(b *testing.B) func() uint64 {
	var peak atomic.Uint64
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	var once atomic.Bool
	stop := func() uint64 {
		if once.CompareAndSwap(false, true) {
			close(done)
			<-stopped
		}
		return peak.Load()
	}
	b.Cleanup(func() { stop() })
	return stop
}
