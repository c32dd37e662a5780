package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"id06desk/internal/photo/phototest"
	"id06desk/internal/smtpsink"
)

// TestCrashDrill kills the real app (a binary built from this tree) with
// SIGKILL at random points of the four operations that must survive a
// power cut: a registration over HTTP, the outbox sending to a mail server,
// a kiosk bundle's import and a batch of orders for Nexus. After every kill
// the database must pass integrity_check and foreign_key_check and hold
// the invariants (every Confirm answered 2xx is an order, one order per
// invitation, no half Nexus batch); the app is restarted on the same data
// folder and finishes its work; at the end every mail was received, and a
// mail received twice carries one Message-ID (only a kill between the
// server's 250 and the commit may send it again). The seed is printed:
// ID06DESK_DRILL_SEED=N replays a run. -short skips it.
func TestCrashDrill(t *testing.T) {
	if testing.Short() {
		t.Skip("the crash drill builds and kills the real binary")
	}
	start := time.Now()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("ID06DESK_DRILL_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("ID06DESK_DRILL_SEED=%q: %v", s, err)
		}
		seed = n
	}
	t.Logf("crash drill seed %d (replay: ID06DESK_DRILL_SEED=%d go test -run TestCrashDrill .)", seed, seed)
	d := &drill{t: t, rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), seed: seed, kills: map[string]int{}}
	d.bin = buildDrillBinary(t) // before emptyXDG: go's caches live under HOME
	emptyXDG(t)
	sink, err := smtpsink.Start(smtpsink.Options{Delay: 40 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	d.sink = sink
	root := t.TempDir()
	d.dir = filepath.Join(root, "console")
	d.db = filepath.Join(d.dir, "data", "id06desk.db")
	d.cli("settings", "set", "company.name=Bygg & Söner AB", "company.notify_email=admin@bygg.se", "smtp.host=127.0.0.1",
		"smtp.port="+strconv.Itoa(sink.Port()), "smtp.security=none", "smtp.from=id06@bygg.se",
		"nexus.channel=mail", "nexus.mail_to=nexus@bygg.se")
	photo := phototest.Face(t)

	// Invitations: the web registrations' people, and the kiosk's.
	const webPeople, kioskPeople, queued = 22, 12, 40
	csv := "email\n"
	for i := range webPeople + kioskPeople + queued {
		csv += fmt.Sprintf("p%02d@example.se\n", i)
	}
	csvFile := filepath.Join(root, "people.csv")
	if err := os.WriteFile(csvFile, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	var invs []drillInvitation
	for _, line := range strings.Split(strings.TrimSpace(d.cli("invite", "--csv", csvFile)), "\n") {
		f := strings.Fields(line)
		if len(f) < 3 {
			continue
		}
		invs = append(invs, drillInvitation{id: f[0], token: f[2][strings.LastIndex(f[2], "/")+1:]})
	}
	if len(invs) != webPeople+kioskPeople+queued {
		t.Fatalf("%d invitations, want %d", len(invs), webPeople+kioskPeople+queued)
	}
	d.check("setup")

	d.outbox(6)
	d.registrations(invs[:webPeople], photo, 6)
	bundle := d.kioskBundle(root, invs[webPeople:webPeople+kioskPeople], photo)
	d.importBundle(bundle, kioskPeople, 5)
	d.nexusBatch(webPeople+kioskPeople, 5)
	d.finish()

	total := 0
	for _, n := range d.kills {
		total += n
	}
	if total < 20 {
		t.Errorf("%d kills, want at least 20", total)
	}
	t.Logf("crash drill: %d kills (registration %d, outbox %d, bundle import %d, nexus batch %d), %d invariant checks, %d mails received (%d resent with their Message-ID), seed %d, %s",
		total, d.kills["registration"], d.kills["outbox"], d.kills["import"], d.kills["nexus"], d.checks, sink.Count(), d.resent, seed, time.Since(start).Round(time.Second))
}

type drillInvitation struct{ id, token string }

type drill struct {
	t        *testing.T
	rnd      *rand.Rand
	seed     uint64
	bin, dir string
	db       string
	sink     *smtpsink.Sink
	kills    map[string]int
	checks   int
	resent   int
	// confirmed are the invitations whose Confirm was answered 2xx.
	confirmed []string
}

// buildDrillBinary builds the app as `make build` does (the build cache
// makes it mostly a link after make build).
func buildDrillBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "id06desk")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-tags", "desktop,production,webkit2_41", "-trimpath", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// fail stops the drill with the seed to replay it.
func (d *drill) fail(format string, args ...any) {
	d.t.Helper()
	d.t.Fatalf("seed %d: "+format, append([]any{d.seed}, args...)...)
}

// delay is a random point in [0, max).
func (d *drill) delay(max time.Duration) time.Duration {
	return time.Duration(d.rnd.Int64N(int64(max)))
}

// cli runs one command of the binary to its end (60 s at most).
func (d *drill) cli(args ...string) string {
	d.t.Helper()
	out, code, err := d.run(60*time.Second, -1, args...)
	if err != nil || code != 0 {
		d.fail("%v: exit %d %v\n%s", args, code, err, out)
	}
	return out
}

// run runs the binary on the drill's data folder; killAfter >= 0 sends it
// SIGKILL then. It returns the output, the exit code (-1 when killed) and
// whether it was killed before it ended.
func (d *drill) run(limit, killAfter time.Duration, args ...string) (string, int, error) {
	cmd := exec.Command(d.bin, append([]string{"--data-dir", d.dir}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return "", -1, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var kill <-chan time.Time
	if killAfter >= 0 {
		kill = time.After(killAfter)
	}
	select {
	case err := <-done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return out.String(), ee.ExitCode(), nil
		}
		return out.String(), 0, err
	case <-kill:
		cmd.Process.Kill()
		<-done
		return out.String(), -1, errKilled
	case <-time.After(limit):
		cmd.Process.Kill()
		<-done
		return out.String(), -1, fmt.Errorf("still running after %s", limit)
	}
}

var errKilled = errors.New("killed")

// server is `serve` as a child process.
type server struct {
	cmd  *exec.Cmd
	url  string
	out  *syncBuffer
	done chan struct{}
}

func (d *drill) serve() *server {
	d.t.Helper()
	cmd := exec.Command(d.bin, "serve", "--data-dir", d.dir, "--addr", "127.0.0.1:0")
	pr, pw := io.Pipe()
	s := &server{cmd: cmd, out: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = pw, s.out
	if err := cmd.Start(); err != nil {
		d.fail("serve: %v", err)
	}
	go func() { cmd.Wait(); pw.Close(); close(s.done) }()
	up := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			s.out.Write([]byte(sc.Text() + "\n"))
			if m := regexp.MustCompile(`serving on (http://\S+)`).FindStringSubmatch(sc.Text()); m != nil {
				up <- m[1]
			}
		}
		io.Copy(io.Discard, pr)
	}()
	select {
	case s.url = <-up:
	case <-s.done:
		d.fail("serve ended before it served:\n%s", s.out.String())
	case <-time.After(30 * time.Second):
		s.kill()
		d.fail("serve did not start within 30 s:\n%s", s.out.String())
	}
	return s
}

func (s *server) kill() {
	s.cmd.Process.Kill()
	<-s.done
}

// stop is a SIGTERM, then a SIGKILL after 15 s.
func (s *server) stop() {
	s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(15 * time.Second):
		s.kill()
	}
}

func (d *drill) open() *sql.DB {
	d.t.Helper()
	db, err := sql.Open("sqlite", "file:"+d.db+"?_pragma=busy_timeout(10000)")
	if err != nil {
		d.fail("open database: %v", err)
	}
	return db
}

func (d *drill) ints(db *sql.DB, q string, args ...any) []int {
	d.t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		d.fail("%s: %v", q, err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var n int
		if err := rows.Scan(&n); err != nil {
			d.fail("%s: %v", q, err)
		}
		out = append(out, n)
	}
	return out
}

func (d *drill) strings(db *sql.DB, q string, args ...any) []string {
	d.t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		d.fail("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			d.fail("%s: %v", q, err)
		}
		out = append(out, s)
	}
	return out
}

// check opens the database as the crash left it (no app running) and
// checks it and the invariants.
func (d *drill) check(when string) {
	d.t.Helper()
	d.checks++
	db := d.open()
	defer db.Close()
	if r := d.strings(db, `PRAGMA integrity_check`); len(r) != 1 || r[0] != "ok" {
		d.fail("%s: integrity_check: %v", when, r)
	}
	if r := d.strings(db, `SELECT "table" || ' row ' || rowid FROM pragma_foreign_key_check`); len(r) > 0 {
		d.fail("%s: foreign_key_check: %v", when, r)
	}
	if r := d.strings(db, `SELECT invitation_id FROM orders GROUP BY invitation_id HAVING count(*) > 1`); len(r) > 0 {
		d.fail("%s: invitations with two orders: %v", when, r)
	}
	for _, inv := range d.confirmed {
		if n := d.ints(db, `SELECT count(*) FROM orders WHERE invitation_id = ?`, inv); n[0] != 1 {
			d.fail("%s: invitation %s was confirmed (2xx) but has %d orders", when, inv, n[0])
		}
	}
	// A batch is whole: every order it counts is in it and sent; no sent
	// order is outside a batch.
	if r := d.strings(db, `SELECT b.id || ': ' || b.order_count || ' orders, ' || (SELECT count(*) FROM orders o WHERE o.nexus_batch_id = b.id AND o.status = 'sent_to_nexus') || ' in it'
		FROM nexus_batches b WHERE b.order_count != (SELECT count(*) FROM orders o WHERE o.nexus_batch_id = b.id AND o.status = 'sent_to_nexus')`); len(r) > 0 {
		d.fail("%s: half Nexus batches: %v", when, r)
	}
	if r := d.strings(db, `SELECT id FROM orders WHERE (status = 'sent_to_nexus') != (nexus_batch_id IS NOT NULL)`); len(r) > 0 {
		d.fail("%s: orders sent without a batch, or in a batch and not sent: %v", when, r)
	}
}

// waitOutbox lets a running server send every pending mail (60 s at most).
func (d *drill) waitOutbox(s *server) {
	d.t.Helper()
	db := d.open()
	defer db.Close()
	deadline := time.Now().Add(60 * time.Second)
	for {
		if n := d.ints(db, `SELECT count(*) FROM outbox WHERE status = 'pending'`); n[0] == 0 {
			return
		}
		if time.Now().After(deadline) {
			s.kill()
			d.fail("mails still pending 60 s after the restart:\n%s", s.out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// outbox: the restarted app sends what is queued; it is killed at a random
// point of the sending each time.
func (d *drill) outbox(kills int) {
	d.t.Helper()
	for range kills {
		before := d.sink.Count()
		s := d.serve()
		time.Sleep(d.delay(600 * time.Millisecond))
		s.kill()
		d.kills["outbox"]++
		d.t.Logf("outbox: killed after %d mails", d.sink.Count()-before)
		d.check("outbox kill")
	}
}

// register runs one web registration; ok says Confirm was answered 2xx.
func register(c *http.Client, base, tok, first string, photo []byte) (ok bool, err error) {
	call := func(method, path, ct string, body []byte) (int, error) {
		req, err := http.NewRequest(method, base+"/api/register/"+tok+path, bytes.NewReader(body))
		if err != nil {
			return 0, err
		}
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		resp, err := c.Do(req)
		if err != nil {
			return 0, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	js := func(v any) []byte { b, _ := json.Marshal(v); return b }
	for _, step := range []struct {
		method, path, ct string
		body             []byte
	}{
		{"GET", "", "", nil},
		{"PUT", "/method", "application/json", js(map[string]string{"method": "manual"})},
		{"PUT", "/personal", "application/json", js(map[string]any{"firstName": first, "lastName": "Berg", "hasPersonnummer": true, "personnummer": "198112189876", "phone": "070-123 45 67"})},
		{"PUT", "/delivery", "application/json", js(map[string]any{"useCompany": true})},
		{"POST", "/photo", "image/jpeg", photo},
		{"POST", "/confirm", "", nil},
	} {
		code, err := call(step.method, step.path, step.ct, step.body)
		if err != nil {
			return false, err
		}
		if code/100 != 2 {
			return false, fmt.Errorf("%s %s: %d", step.method, step.path, code)
		}
	}
	return true, nil
}

// registrations: each person registers on the web while the app is killed
// at a random point; after the restart the person starts again unless the
// Confirm was answered.
func (d *drill) registrations(people []drillInvitation, photo []byte, kills int) {
	d.t.Helper()
	c := &http.Client{Timeout: 20 * time.Second}
	// One registration unkilled measures how long one takes.
	s := d.serve()
	var took time.Duration
	for i, p := range people[:2] { // the first warms up, the second is timed
		t0 := time.Now()
		if ok, err := register(c, strings.TrimSuffix(s.url, "/"), p.token, "Anna"+strings.Repeat("a", i), photo); !ok {
			s.kill()
			d.fail("registration: %v", err)
		}
		took = time.Since(t0)
		d.confirmed = append(d.confirmed, p.id)
	}
	for i, p := range people[2:] {
		name := "Web" + strings.Repeat("b", i+1) // distinct: the admin's mails differ by name
		base := strings.TrimSuffix(s.url, "/")
		res := make(chan error, 1)
		t0 := time.Now()
		go func() {
			_, err := register(c, base, p.token, name, photo)
			res <- err
		}()
		var err error
		killed := false
		if d.kills["registration"] < kills {
			select {
			case err = <-res:
			case <-time.After(d.delay(took + took/4)):
				s.kill()
				killed = true
				err = <-res
			}
		} else {
			err = <-res
		}
		if err == nil {
			d.confirmed = append(d.confirmed, p.id)
		}
		if !killed {
			if err != nil {
				s.kill()
				d.fail("registration %s without a kill: %v", p.id, err)
			}
			// It finished before the kill point: aim the next kills within
			// the fastest time seen (a warm app registers faster than the
			// timed one did, and kills drawn past the end never happen).
			took = min(took, time.Since(t0))
			continue
		}
		d.kills["registration"]++
		d.check("registration kill")
		s = d.serve()
		db := d.open()
		n := d.ints(db, `SELECT count(*) FROM orders WHERE invitation_id = ?`, p.id)[0]
		db.Close()
		if n == 1 {
			continue // confirmed before the kill, the answer lost
		}
		// The person starts again on the restarted app.
		if ok, err := register(c, strings.TrimSuffix(s.url, "/"), p.token, name, photo); !ok {
			s.kill()
			d.fail("registration %s after the restart: %v", p.id, err)
		}
		d.confirmed = append(d.confirmed, p.id)
	}
	d.waitOutbox(s)
	s.stop()
	d.check("registrations done")
	t := d.t
	t.Logf("registration: one takes %s; %d kills", took.Round(time.Millisecond), d.kills["registration"])
}

// kioskBundle registers people at a paired kiosk (in this process) and
// exports its bundle.
func (d *drill) kioskBundle(root string, people []drillInvitation, photo []byte) string {
	d.t.Helper()
	kiosk := filepath.Join(root, "kiosk")
	pairing, bundle := filepath.Join(root, "pairing.id06"), filepath.Join(root, "bundle.id06")
	d.cli("pair", "create", "--kiosk", "Bygget Norr", "--site", "Norra länken", "--out", pairing)
	runIn(d.t, kiosk, "pair", "join", pairing)
	p := startProgram(d.t, "serve", "--kiosk", "--data-dir", kiosk, "--addr", "127.0.0.1:0")
	c := &client{t: d.t, base: p.url, c: &http.Client{Timeout: 30 * time.Second}}
	for i, q := range people {
		registerAtKiosk(d.t, c, q.token, "Kiosk"+strings.Repeat("a", i+1), "200001012384", photo)
	}
	if code := p.stop(d.t); code != 0 {
		d.fail("kiosk exit %d", code)
	}
	runIn(d.t, kiosk, "sync", "export", "--out", bundle)
	return bundle
}

// importBundle: `sync import` killed at random points until it completes;
// a second import changes nothing.
func (d *drill) importBundle(bundle string, n, kills int) {
	d.t.Helper()
	took := d.calibrate("sync", "import", bundle)
	orders := func() int {
		db := d.open()
		defer db.Close()
		return d.ints(db, `SELECT count(*) FROM orders`)[0]
	}
	before := orders()
	for attempt := 0; d.kills["import"] < kills && attempt < 4*kills; attempt++ {
		out, code, err := d.run(60*time.Second, d.delay(took*3/4), "sync", "import", bundle)
		if errors.Is(err, errKilled) {
			d.kills["import"]++
			d.check("import kill")
			continue
		}
		if err != nil || (code != 0 && !strings.Contains(out, "Nothing was changed")) {
			d.fail("sync import: exit %d %v\n%s", code, err, out)
		}
		d.check("import")
	}
	if out, code, _ := d.run(60*time.Second, -1, "sync", "import", bundle); code != 0 && !strings.Contains(out, "Nothing was changed") {
		d.fail("sync import after the kills: exit %d\n%s", code, out)
	}
	if got := orders() - before; got != n {
		d.fail("the bundle of %d registrations made %d orders", n, got)
	}
	if out, code, _ := d.run(60*time.Second, -1, "sync", "import", bundle); code == 0 || !strings.Contains(out, "Nothing was changed") {
		d.fail("the same bundle again: exit %d\n%s", code, out)
	}
	if got := orders() - before; got != n {
		d.fail("the bundle imported twice made %d orders, want %d", got, n)
	}
	d.check("import done")
}

// calibrate times a command on a copy of the data folder.
func (d *drill) calibrate(args ...string) time.Duration {
	d.t.Helper()
	cp := filepath.Join(d.t.TempDir(), "copy")
	copyDir(d.t, d.dir, cp)
	t0 := time.Now()
	cmd := exec.Command(d.bin, append([]string{"--data-dir", cp}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		d.fail("%v on a copy: %v\n%s", args, err, out)
	}
	return time.Since(t0)
}

// nexusBatch: `nexus batch` killed at random points, then run until no
// order is ready.
func (d *drill) nexusBatch(ready, kills int) {
	d.t.Helper()
	took := d.calibrate("nexus", "batch")
	for attempt := 0; d.kills["nexus"] < kills && attempt < 3*kills; attempt++ {
		out, code, err := d.run(60*time.Second, d.delay(took*3/4), "nexus", "batch")
		if errors.Is(err, errKilled) {
			d.kills["nexus"]++
			d.check("nexus kill")
			continue
		}
		if err != nil || (code != 0 && !strings.Contains(out, "no orders ready")) {
			d.fail("nexus batch: exit %d %v\n%s", code, err, out)
		}
		d.check("nexus batch")
	}
	for range 3 {
		out, code, _ := d.run(60*time.Second, -1, "nexus", "batch")
		if code != 0 {
			if !strings.Contains(out, "no orders ready") {
				d.fail("nexus batch after the kills: exit %d\n%s", code, out)
			}
			break
		}
	}
	db := d.open()
	defer db.Close()
	if n := d.ints(db, `SELECT count(*) FROM orders WHERE status = 'sent_to_nexus'`)[0]; n != ready {
		d.fail("%d orders sent to Nexus, want %d", n, ready)
	}
}

// finish restarts the app once more to send every mail, then checks what
// the mail server received against the outbox.
func (d *drill) finish() {
	d.t.Helper()
	s := d.serve()
	d.waitOutbox(s)
	s.stop()
	d.check("end")
	db := d.open()
	defer db.Close()
	type row struct{ kind, rcpt, inv string }
	outbox := map[string]row{}
	rows, err := db.Query(`SELECT message_id, kind, rcpt, coalesce(invitation_id, ''), status FROM outbox`)
	if err != nil {
		d.fail("outbox: %v", err)
	}
	for rows.Next() {
		var id, status string
		var r row
		rows.Scan(&id, &r.kind, &r.rcpt, &r.inv, &status)
		if status != "sent" {
			d.fail("mail %s (%s) is %s at the end", id, r.kind, status)
		}
		outbox[strings.Trim(id, "<>")] = r
	}
	rows.Close()
	byID := map[string]int{}
	same := map[string]map[string]bool{} // recipient+kind+invitation+subject -> Message-IDs
	for _, m := range d.sink.Messages() {
		msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
		if err != nil {
			d.fail("a received mail does not parse: %v", err)
		}
		id := strings.Trim(msg.Header.Get("Message-ID"), "<>")
		r, ok := outbox[id]
		if !ok {
			d.fail("received mail %q is not in the outbox", id)
		}
		byID[id]++
		key := strings.Join([]string{strings.Join(m.To, ","), r.kind, r.inv, msg.Header.Get("Subject")}, "|")
		if same[key] == nil {
			same[key] = map[string]bool{}
		}
		same[key][id] = true
	}
	for id := range outbox {
		if byID[id] == 0 {
			d.fail("mail %s (%s) is sent in the outbox but never arrived", id, outbox[id].kind)
		}
		d.resent += byID[id] - 1
	}
	for key, ids := range same {
		if len(ids) > 1 {
			d.fail("one mail (%s) was sent %d times with different Message-IDs", key, len(ids))
		}
	}
	serveKills := d.kills["outbox"] + d.kills["registration"]
	// A kill leaves every mail a deliverer had handed over and not yet
	// recorded (the group commit) to be sent again: several per kill.
	if d.resent > 0 && serveKills == 0 {
		d.fail("%d mails received twice without a kill of a sending app", d.resent)
	}
	// Every Nexus batch was mailed.
	for _, b := range d.strings(db, `SELECT id FROM nexus_batches`) {
		found := false
		for _, m := range d.sink.Messages() {
			if m.To[0] == "nexus@bygg.se" && bytes.Contains(m.Data, []byte(b)) {
				found = true
				break
			}
		}
		if !found {
			d.fail("Nexus batch %s was never mailed", b)
		}
	}
}
