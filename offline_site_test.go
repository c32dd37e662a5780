package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"id06desk/internal/photo/phototest"
	"id06desk/internal/smtpsink"
)

// TestOfflineSite is issue 13's whole loop with two real instances on
// separate data folders, as a console in the office and a kiosk PC on a
// building site with no mail server and no route to the console: they
// talk only through files. The console invites three people and pairs the
// kiosk by file. At the kiosk (serve --kiosk) one person registers with the
// token from the mail (what the kiosk reads from the QR code) before any
// site pack, checked with the console's key alone; one types the short code
// once a site pack has brought the invitations; the third, revoked at the
// console, is refused because the pack says so. The kiosk's bundle, imported at the console, makes two ready
// orders with the admin's mails and the receipts; importing it again
// changes nothing; the next site pack acknowledges them and the kiosk
// forgets them — not a byte of the personnummer stays in its files.
func TestOfflineSite(t *testing.T) {
	emptyXDG(t)
	sink, err := smtpsink.Start(smtpsink.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	root := t.TempDir()
	console, kiosk := filepath.Join(root, "console"), filepath.Join(root, "kiosk")
	file := func(name string) string { return filepath.Join(root, name) }
	must := func(dir string, args ...string) string {
		t.Helper()
		return runIn(t, dir, args...)
	}

	must(console, "settings", "set", "company.name=Bygg & Söner AB", "company.notify_email=admin@bygg.se", "smtp.host=127.0.0.1",
		"smtp.port="+strings.TrimPrefix(sink.Addr(), "127.0.0.1:"), "smtp.security=none", "smtp.from=id06@bygg.se")
	type person struct{ email, id, code, token, pnr string }
	people := []*person{{email: "qr@example.se", pnr: "198112189876"}, {email: "code@example.se", pnr: "200001012384"}, {email: "revoked@example.se"}}
	for _, p := range people {
		f := strings.Fields(must(console, "invite", "--email", p.email))
		p.id, p.code, p.token = f[0], f[1], f[2][strings.LastIndex(f[2], "/")+1:]
	}
	must(console, "outbox", "flush")
	if n := len(sink.Messages()); n != 3 {
		t.Fatalf("%d invitation mails, want 3", n)
	}

	// Pairing, and the kiosk's first bundle.
	must(console, "pair", "create", "--kiosk", "Bygget Norr", "--site", "Norra länken", "--out", file("pairing.id06"))
	must(kiosk, "pair", "join", file("pairing.id06"))
	// The kiosk's first bundle (nothing registered yet) proves the pairing
	// and brings its keys: only then can the console encrypt a pack to it.
	must(kiosk, "sync", "export", "--out", file("bundle0.id06"))
	must(console, "sync", "import", file("bundle0.id06"))
	photo := phototest.Face(t)
	var p *program
	var c *client
	startKiosk := func() {
		p = startProgram(t, "serve", "--kiosk", "--data-dir", kiosk, "--addr", "127.0.0.1:0")
		c = &client{t: t, base: p.url, c: &http.Client{Timeout: 30 * time.Second}}
	}
	stopKiosk := func() {
		t.Helper()
		if code := p.stop(t); code != 0 {
			t.Fatalf("kiosk exit %d:\n%s", code, p.stderr.String())
		}
	}
	register := func(tok, first, pnr string) {
		t.Helper()
		registerAtKiosk(t, c, tok, first, pnr, photo)
	}
	// The first shows the QR code from the mail before any site pack: the
	// kiosk checks the token with the console's key from the pairing file.
	startKiosk()
	register(people[0].token, "Anna", people[0].pnr)
	// The short code needs a site pack.
	if code, m := c.call("POST", "/api/register/lookup", map[string]string{"code": people[1].code}); code == 200 {
		t.Fatalf("a code the kiosk cannot know yet was found: %v", m)
	}
	stopKiosk()

	must(console, "sync", "export", "--kiosk", "Bygget Norr", "--out", file("pack1.id06"))
	must(kiosk, "sync", "import", file("pack1.id06"))

	// The third is revoked at the console; the kiosk learns it from pack 2.
	must(console, "invite", "revoke", people[2].id)
	must(console, "sync", "export", "--kiosk", "Bygget Norr", "--out", file("pack2.id06"))
	must(kiosk, "sync", "import", file("pack2.id06"))

	startKiosk()
	// The second types the short code.
	code, m := c.call("POST", "/api/register/lookup", map[string]string{"code": people[1].code})
	tok, _ := m["token"].(string)
	if code != 200 || tok == "" {
		t.Fatalf("code lookup at the kiosk: %d %v", code, m)
	}
	register(tok, "Bo", people[1].pnr)
	// The first registered before pack 1, which the console made before it
	// had her registration, so it still lists her invitation as open: the
	// kiosk refuses it as already registered, by the QR and by the code.
	alreadyRegistered := func(how string, code int, m map[string]any) {
		t.Helper()
		e, _ := m["error"].(map[string]any)
		if code == 200 || e["code"] != "already_registered" {
			t.Fatalf("the first's invitation %s after pack 1: %d %v", how, code, m)
		}
	}
	code, m = c.call("GET", "/api/register/"+people[0].token, nil)
	alreadyRegistered("by QR", code, m)
	if code, m = c.call("POST", "/api/register/lookup", map[string]string{"code": people[0].code}); code != 200 || m["token"] != people[0].token {
		t.Fatalf("the first's code after pack 1: %d %v", code, m)
	}
	code, m = c.call("GET", "/api/register/"+people[0].token, nil)
	alreadyRegistered("by code", code, m)
	// The third was revoked before the pack: refused at the kiosk.
	if code, m := c.call("GET", "/api/register/"+people[2].token, nil); code == 200 {
		t.Fatalf("a revoked invitation opens at the kiosk: %v", m)
	}
	stopKiosk()
	if n := len(sink.Messages()); n != 3 {
		t.Fatalf("the kiosk sent mail (%d messages): it has no mail server and must not", n)
	}

	must(kiosk, "sync", "export", "--out", file("bundle1.id06"))
	must(console, "sync", "import", file("bundle1.id06"))
	must(console, "outbox", "flush")
	orders := func() int {
		var list []struct {
			Where string `json:"registeredWhere"`
			Kiosk string `json:"registeredKiosk"`
		}
		if err := json.Unmarshal([]byte(must(console, "orders", "list", "--json")), &list); err != nil {
			t.Fatal(err)
		}
		// Each says where it was registered: at the kiosk, by its name.
		for _, o := range list {
			if o.Where != "kiosk" || o.Kiosk != "Bygget Norr" {
				t.Errorf("order registered at %q %q, want the kiosk Bygget Norr", o.Where, o.Kiosk)
			}
		}
		return len(list)
	}
	if n := orders(); n != 2 {
		t.Fatalf("%d orders after the import, want 2", n)
	}
	var admin, receipts int
	for _, m := range sink.Messages()[3:] {
		switch strings.Join(m.To, ",") {
		case "admin@bygg.se":
			admin++
		case people[0].email, people[1].email:
			receipts++
		}
	}
	if admin != 2 || receipts != 2 {
		t.Fatalf("%d admin mails and %d receipts, want 2 and 2", admin, receipts)
	}
	// Exactly once: the same bundle again is refused and changes nothing.
	if r := runMain(t, "", "--data-dir", console, "sync", "import", file("bundle1.id06")); r.code == 0 || !strings.Contains(r.stderr, "Nothing was changed") {
		t.Fatalf("the same bundle twice: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if n := orders(); n != 2 {
		t.Fatalf("%d orders after importing the bundle twice", n)
	}

	// The next pack acknowledges them: the kiosk forgets what it sealed.
	must(console, "sync", "export", "--kiosk", "Bygget Norr", "--out", file("pack3.id06"))
	must(kiosk, "sync", "import", file("pack3.id06"))
	var st struct {
		Pending int `json:"pending"`
	}
	if err := json.Unmarshal([]byte(must(kiosk, "sync", "status", "--json")), &st); err != nil || st.Pending != 0 {
		t.Fatalf("kiosk status after the ack: %+v %v", st, err)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		b, _ := os.ReadFile(filepath.Join(kiosk, "data", "id06desk.db") + suffix)
		for _, p := range people[:2] {
			if bytes.Contains(b, []byte(p.pnr)) {
				t.Errorf("the kiosk's id06desk.db%s still holds personnummer %s", suffix, p.pnr)
			}
		}
	}
}

// runIn runs a command on the data folder dir as main does and returns its
// output; a non-zero exit fails the test.
func runIn(t *testing.T, dir string, args ...string) string {
	t.Helper()
	r := runMain(t, "", append([]string{"--data-dir", dir}, args...)...)
	if r.code != 0 {
		t.Fatalf("%v: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

// registerAtKiosk registers one person at a running kiosk over HTTP as the
// kiosk screen does, from the invitation token (the QR code) to Confirm.
func registerAtKiosk(t *testing.T, c *client, tok, first, pnr string, photo []byte) {
	t.Helper()
	for _, step := range []struct {
		method, path string
		body         any
	}{
		{"GET", "", nil},
		{"PUT", "/method", map[string]string{"method": "manual"}},
		{"PUT", "/personal", map[string]any{"firstName": first, "lastName": "Berg", "hasPersonnummer": true, "personnummer": pnr, "phone": "070-123 45 67"}},
		{"PUT", "/delivery", map[string]any{"useCompany": true}},
	} {
		if code, m := c.call(step.method, "/api/register/"+tok+step.path, step.body); code != 200 {
			t.Fatalf("%s %s: %d %v", step.method, step.path, code, m)
		}
	}
	req, _ := http.NewRequest("POST", strings.TrimSuffix(c.base, "/")+"/api/register/"+tok+"/photo", bytes.NewReader(photo))
	req.Header.Set("Content-Type", "image/jpeg")
	resp, err := c.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("photo: %d %s", resp.StatusCode, b)
	}
	if code, m := c.call("POST", "/api/register/"+tok+"/confirm", nil); code != 200 {
		t.Fatalf("confirm: %d %v", code, m)
	}
}
