package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"id06desk/internal/imapfetch/dovecottest"
	"id06desk/internal/photo/phototest"
	"id06desk/internal/smtpsink"
)

// TestOfflineSiteByMailProcesses is issue 14's loop with two real
// instances as a company runs them: the console set up and driven by the
// command line, the kiosk as `serve --kiosk` whose own background jobs
// carry the mail, unattended. Two real Dovecot mailboxes (A: the console's
// sync address, B: the kiosk's) and two relays (the kiosk's delivers into
// A, the console's into B). Two people register at the kiosk over HTTP;
// their bundle reaches mailbox A with no command at the kiosk; the
// console's `sync run` imports it (two ready orders) and mails the
// acknowledging site pack to mailbox B; the running kiosk collects it and
// has nothing pending. `sync status --json` shows the mail transport on
// both sides.
func TestOfflineSiteByMailProcesses(t *testing.T) {
	emptyXDG(t)
	boxA, boxB := dovecottest.Start(t), dovecottest.Start(t)
	relay := func(maildir string) *smtpsink.Sink {
		s, err := smtpsink.Start(smtpsink.Options{Maildir: maildir})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	relayA, relayB := relay(boxA.Maildir()), relay(boxB.Maildir())
	imap := func(d *dovecottest.Server) []string {
		return []string{"sync.imap.host=" + d.Host, "sync.imap.port=" + strconv.Itoa(d.Port), "sync.imap.security=none",
			"sync.imap.username=" + d.User, "sync.imap.password=" + d.Password}
	}
	smtp := func(s *smtpsink.Sink) []string {
		return []string{"smtp.host=127.0.0.1", "smtp.port=" + strconv.Itoa(s.Port()), "smtp.security=none"}
	}
	// syncMails counts the sync mails of a kind ("bundle", "sitepack") in a
	// mailbox, wherever the reader has moved them.
	syncMails := func(d *dovecottest.Server, kind string) int {
		n := 0
		for _, folder := range []string{"INBOX", "id06desk-processed", "id06desk-refused"} {
			for _, m := range d.FolderMessages(folder) {
				if bytes.Contains(m, []byte("X-Id06desk-Sync: "+kind+";")) {
					n++
				}
			}
		}
		return n
	}
	root := t.TempDir()
	console, kiosk := filepath.Join(root, "console"), filepath.Join(root, "kiosk")
	pairingFile := filepath.Join(root, "pairing.id06")

	// The console, by command line: its sync mailbox is A, its relay B.
	runIn(t, console, append(append([]string{"settings", "set", "company.name=Bygg & Söner AB", "company.notify_email=admin@bygg.se",
		"smtp.from=id06@bygg.se", "sync.transport=imap", "sync.address=sync@bygg.se"}, imap(boxA)...), smtp(relayB)...)...)
	type person struct{ email, token, pnr string }
	people := []*person{{email: "anna@example.se", pnr: "198112189876"}, {email: "bo@example.se", pnr: "200001012384"}}
	for _, p := range people {
		f := strings.Fields(runIn(t, console, "invite", "--email", p.email))
		p.token = f[2][strings.LastIndex(f[2], "/")+1:]
	}
	runIn(t, console, "pair", "create", "--kiosk", "Bygget Norr", "--site", "Norra länken", "--mail", "kiosk@bygg.se", "--out", pairingFile)

	// The kiosk: the pairing, then its own relay (A) and mailbox (B).
	runIn(t, kiosk, "pair", "join", pairingFile)
	runIn(t, kiosk, append(append([]string{"settings", "set", "sync.poll_minutes=1"}, smtp(relayA)...), imap(boxB)...)...)
	if r := runMain(t, "2468\n", "--data-dir", kiosk, "admin", "pin", "--stdin"); r.code != 0 {
		t.Fatalf("kiosk PIN: %s%s", r.stdout, r.stderr)
	}

	start := time.Now()
	p := startProgram(t, "serve", "--kiosk", "--data-dir", kiosk, "--addr", "127.0.0.1:0")
	// The kiosk's screen: a browser that opened the printed kiosk link.
	jar, _ := cookiejar.New(nil)
	c := &client{t: t, base: p.url, c: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
	if p.kiosk == "" {
		t.Fatalf("serve --kiosk printed no kiosk link:\n%s", p.stdout.String())
	}
	if resp, err := c.c.Get(p.kiosk); err != nil {
		t.Fatal(err)
	} else if resp.Body.Close(); resp.StatusCode != 200 {
		t.Fatalf("the kiosk link: %d", resp.StatusCode)
	}
	photo := phototest.Face(t)
	registerAtKiosk(t, c, people[0].token, "Anna", people[0].pnr, photo)
	registerAtKiosk(t, c, people[1].token, "Bo", people[1].pnr, photo)

	// No command at the kiosk: its jobs mail the bundle (a Confirm wakes
	// the sync job) through relay A into mailbox A. The console imports
	// what has arrived until both registrations are in.
	imported := regexp.MustCompile(`(\d+) bundles imported \((\d+) registrations applied\)`)
	applied, packs := 0, 0
	deadline := time.Now().Add(90 * time.Second)
	for applied < 2 {
		if syncMails(boxA, "bundle") == 0 {
			if time.Now().After(deadline) {
				st, _ := json.Marshal(p.stderr.String())
				t.Fatalf("no bundle mail in mailbox A within 90 s (relay A has %d mails); kiosk log %s", relayA.Count(), st)
			}
			time.Sleep(200 * time.Millisecond)
			continue
		}
		out := runIn(t, console, "sync", "run")
		m := imported.FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("sync run does not print the import:\n%s", out)
		}
		n, _ := strconv.Atoi(m[2])
		applied += n
		if q := regexp.MustCompile(`queued (\d+) site pack mails`).FindStringSubmatch(out); q != nil {
			k, _ := strconv.Atoi(q[1])
			packs += k
		}
		if applied < 2 {
			if time.Now().After(deadline) {
				t.Fatalf("%d registrations imported within 90 s, want 2; last round:\n%s", applied, out)
			}
			time.Sleep(500 * time.Millisecond)
		}
	}
	t.Logf("both registrations imported at the console %s after the kiosk started", time.Since(start).Round(time.Second))
	if applied != 2 {
		t.Fatalf("%d registrations applied, want 2", applied)
	}
	// Sealed: nothing in the bundle mails is readable without the console's key.
	for _, folder := range []string{"INBOX", "id06desk-processed"} {
		for _, raw := range boxA.FolderMessages(folder) {
			for _, p := range people {
				if bytes.Contains(raw, []byte(p.pnr)) || bytes.Contains(raw, []byte(p.pnr[2:8]+"-"+p.pnr[8:])) {
					t.Fatal("a personnummer is readable in a mail in mailbox A")
				}
			}
		}
	}
	var orders []struct {
		Email, Status, RegisteredWhere string
	}
	if err := json.Unmarshal([]byte(runIn(t, console, "orders", "list", "--json")), &orders); err != nil {
		t.Fatal(err)
	}
	if len(orders) != 2 {
		t.Fatalf("%d orders, want 2: %+v", len(orders), orders)
	}
	for _, o := range orders {
		if o.Status != "ready" || o.RegisteredWhere != "kiosk" {
			t.Fatalf("order %+v: want ready, registered at the kiosk", o)
		}
	}
	if packs == 0 || syncMails(boxB, "sitepack") == 0 {
		t.Fatalf("no site pack mailed to mailbox B (%d queued)", packs)
	}

	// The running kiosk collects the pack by itself (every poll minute):
	// its admin view (after the PIN) shows nothing pending.
	code, m := c.call("POST", "/api/kiosk/admin", map[string]string{"pin": "2468"})
	ticket, _ := m["ticket"].(string)
	if code != 200 || ticket == "" {
		t.Fatalf("kiosk admin: %d %v", code, m)
	}
	c.hdr = http.Header{"X-Kiosk-Ticket": {ticket}}
	deadline = time.Now().Add(90 * time.Second)
	for {
		code, m = c.call("GET", "/api/kiosk/sync", nil)
		if code != 200 {
			t.Fatalf("kiosk sync status: %d %v", code, m)
		}
		if m["pending"] == float64(0) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the kiosk still has registrations pending 90 s after the pack was mailed: %v", m)
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Logf("the kiosk has nothing pending %s after it started", time.Since(start).Round(time.Second))
	if code := p.stop(t); code != 0 {
		t.Fatalf("kiosk exit %d:\n%s", code, p.stderr.String())
	}

	// Both sides' status shows the mail transport.
	var cs struct {
		Role string
		Mail struct {
			Transport      string
			SyncAddress    string
			IMAPConfigured bool
			SendConfigured bool
			Kiosks         []struct {
				Name, MailAddress string
				LastPackMailedSeq uint64
			}
		}
	}
	if err := json.Unmarshal([]byte(runIn(t, console, "sync", "status", "--json")), &cs); err != nil {
		t.Fatal(err)
	}
	if cs.Mail.Transport != "imap" || cs.Mail.SyncAddress != "sync@bygg.se" || !cs.Mail.IMAPConfigured || !cs.Mail.SendConfigured ||
		len(cs.Mail.Kiosks) != 1 || cs.Mail.Kiosks[0].MailAddress != "kiosk@bygg.se" || cs.Mail.Kiosks[0].LastPackMailedSeq == 0 {
		t.Fatalf("console sync status: %+v", cs)
	}
	var ks struct {
		Pending int
		Mail    struct {
			SendConfigured, CollectConfigured bool
			SyncAddress                       string
			LastQueuedCount                   int
			LastCollectAt                     time.Time
			OutboxPending                     int
		}
	}
	if err := json.Unmarshal([]byte(runIn(t, kiosk, "sync", "status", "--json")), &ks); err != nil {
		t.Fatal(err)
	}
	if ks.Pending != 0 || !ks.Mail.SendConfigured || !ks.Mail.CollectConfigured || ks.Mail.SyncAddress != "sync@bygg.se" ||
		ks.Mail.LastCollectAt.IsZero() || ks.Mail.OutboxPending != 0 {
		t.Fatalf("kiosk sync status: %+v", ks)
	}
}
