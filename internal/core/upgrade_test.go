package core_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"

	"id06desk/internal/audit"
	"id06desk/internal/batches"
	"id06desk/internal/core"
	"id06desk/internal/invitations"
	"id06desk/internal/invite"
	"id06desk/internal/order"
	"id06desk/internal/photo/phototest"
	"id06desk/internal/registration"
	"id06desk/internal/smtpsink"
	"id06desk/internal/sqlite"
)

// Upgrades (issue 16, item 4): the data folders a release leaves behind
// open with today's code. testdata/release-<version>/ holds a console's and
// a paired kiosk's data folders (config and data: the database, the keys)
// made by that release's TestMakeFixture, and manifest.json says what they
// hold. Each release adds its own before it ships:
//
//	go test ./internal/core/ -run TestMakeFixture -fixture -fixture-release 0.2.0
//
// and commits the folder; TestUpgradeFromEveryRelease opens every one.
var (
	makeFixture    = flag.Bool("fixture", false, "TestMakeFixture writes testdata/release-<-fixture-release>/ with today's code")
	fixtureRelease = flag.String("fixture-release", "0.1.0", "the release TestMakeFixture's folder is named for")
)

// manifest is what a release's fixture holds, written beside it.
type manifest struct {
	Release       string `json:"release"`
	SchemaVersion int    `json:"schemaVersion"`
	Company       string `json:"company"`
	// Invitations: id → status; Orders: id → status.
	Invitations map[string]invite.Status `json:"invitations"`
	Orders      map[string]order.Status  `json:"orders"`
	// Draft is an invitation never sent; Sent one mailed and not used
	// (its registration can start after Extend); Ready an order ready
	// for Nexus; KioskOrder the one registered at the kiosk.
	Draft      string `json:"draft"`
	Sent       string `json:"sent"`
	Ready      string `json:"ready"`
	KioskOrder string `json:"kioskOrder"`
	Kiosk      string `json:"kiosk"`
	AuditRows  int    `json:"auditRows"`
}

// TestMakeFixture builds the fixture through the real services: a company
// set up, invitations in each state (draft, sent, failed at the relay,
// revoked, a registration under way, ready, sent to Nexus), a kiosk paired
// by file that registered one person whose bundle was imported and
// acknowledged, and the audit rows and settings all that leaves.
func TestMakeFixture(t *testing.T) {
	if !*makeFixture {
		t.Skip("writes test data: run with -fixture")
	}
	ctx := context.Background()
	work := t.TempDir()
	open := func(name string) *core.App {
		a, err := core.Open(ctx, core.Options{DataDir: filepath.Join(work, name), Version: *fixtureRelease})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	sink, err := smtpsink.Start(smtpsink.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	console, kiosk := open("console"), open("kiosk")
	m := manifest{Release: *fixtureRelease, Company: "Bygg & Söner AB", Kiosk: "Grind A"}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(console.Settings.Set(ctx, "fixture", map[string]string{"company.name": m.Company, "company.org_number": "556036-0793",
		"company.address.street": "Storgatan 1", "company.address.postal_code": "111 22", "company.address.city": "Stockholm",
		"company.notify_email": "admin@bygg.se", "smtp.from": "id06@bygg.se", "smtp.host": "127.0.0.1",
		"smtp.port": strconv.Itoa(sink.Port()), "smtp.security": "none", "nexus.channel": "folder", "invite.validity_days": "365"}))
	newInvitation := func(email string, send bool) string {
		t.Helper()
		c, err := console.Invitations.Create(ctx, "admin", []invitations.Row{{Email: email, Name: strings.Split(email, "@")[0], CardType: "id06-rfid"}}, send)
		must(err)
		if send {
			_, err := console.Outbox.Flush(ctx)
			must(err)
		}
		return c[0].ID
	}
	token := func(id string) string {
		d, err := console.Invitations.Get(ctx, id)
		must(err)
		return d.Invitation.Token
	}
	register := func(a *core.App, tok, pnr string, confirm bool) {
		t.Helper()
		r := a.Registration
		_, err := r.Open(ctx, tok, false)
		must(err)
		_, err = r.SetMethod(ctx, tok, order.MethodManual, false)
		must(err)
		_, err = r.SavePersonal(ctx, tok, registration.PersonalInput{FirstName: "Fixtur", LastName: map[string]string{"9876": "Berg", "0017": "Lind", "4564": "Ek"}[pnr[len(pnr)-4:]],
			HasPersonnummer: true, Personnummer: pnr, Phone: "070-123 45 67"}, false)
		must(err)
		if !confirm {
			return
		}
		_, err = r.UploadPhoto(ctx, tok, bytes.NewReader(phototest.Face(t)), false)
		must(err)
		_, err = r.SaveDelivery(ctx, tok, registration.DeliveryInput{UseCompany: true}, false)
		must(err)
		_, err = r.Confirm(ctx, tok, false)
		must(err)
	}

	m.Draft = newInvitation("utkast@example.se", false)
	m.Sent = newInvitation("skickad@example.se", true)
	sink.FailRcpt(&smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "User unknown"})
	newInvitation("studsad@example.se", true)
	must(console.Invitations.Revoke(ctx, "admin", newInvitation("aterkallad@example.se", true)))
	register(console, token(newInvitation("pagaende@example.se", true)), "19811218-9876", false)
	readyInv := newInvitation("klar@example.se", true)
	register(console, token(readyInv), "19900101-0017", true)
	nexusInv := newInvitation("nexus@example.se", true)
	register(console, token(nexusInv), "19750505-4564", true)
	nexusOrder, err := console.Orders.OrderOf(ctx, nexusInv)
	must(err)
	_, err = console.Batches.Send(ctx, batches.Request{Actor: "admin", OrderIDs: []string{nexusOrder.ID}, Lang: "sv", Folder: t.TempDir()})
	must(err)
	ready, err := console.Orders.OrderOf(ctx, readyInv)
	must(err)
	m.Ready = ready.ID

	// The paired kiosk: joined by file, one registration sealed, its
	// bundle imported at the console, acknowledged by the next site pack.
	p, err := console.ConsoleSync.Pair(ctx, m.Kiosk, "Hagastaden", "")
	must(err)
	_, err = kiosk.KioskSync.Join(ctx, bytes.NewReader(p.File))
	must(err)
	kioskInv := newInvitation("kiosk@example.se", true)
	r := kiosk.Registration
	tok := token(kioskInv)
	_, err = r.Open(ctx, tok, true)
	must(err)
	_, err = r.SetMethod(ctx, tok, order.MethodManual, true)
	must(err)
	_, err = r.SavePersonal(ctx, tok, registration.PersonalInput{FirstName: "Kiosk", LastName: "Person",
		HasPersonnummer: true, Personnummer: "19811218-9876", Phone: "070-123 45 67"}, true)
	must(err)
	_, err = r.UploadPhoto(ctx, tok, bytes.NewReader(phototest.Face(t)), true)
	must(err)
	_, err = r.SaveDelivery(ctx, tok, registration.DeliveryInput{UseCompany: true}, true)
	must(err)
	_, err = r.Confirm(ctx, tok, true)
	must(err)
	var bundle bytes.Buffer
	_, err = kiosk.KioskSync.ExportBundle(ctx, &bundle)
	must(err)
	_, err = console.ConsoleSync.Import(ctx, bytes.NewReader(bundle.Bytes()))
	must(err)
	sp, err := console.ConsoleSync.SitePack(ctx, m.Kiosk)
	must(err)
	_, err = kiosk.KioskSync.ApplySitePack(ctx, bytes.NewReader(sp.File))
	must(err)
	ko, err := console.Orders.OrderOf(ctx, kioskInv)
	must(err)
	m.KioskOrder = ko.ID

	m.Invitations = map[string]invite.Status{}
	page, err := console.Invitations.List(ctx, invite.ListQuery{PageSize: 500})
	must(err)
	for _, inv := range page.Items {
		m.Invitations[inv.ID] = inv.Status
	}
	m.Orders = map[string]order.Status{}
	orders, err := console.Orders.ListOrders(ctx, order.ListQuery{PageSize: 500})
	must(err)
	for _, o := range orders.Items {
		m.Orders[o.ID] = o.Status
	}
	entries, err := console.DB.ListAudit(ctx, audit.Query{PageSize: 500})
	must(err)
	m.AuditRows = entries.Total
	m.SchemaVersion = console.DB.Status(ctx).SchemaVersion
	if len(m.Orders) != 3 || len(m.Invitations) != 8 || m.AuditRows == 0 {
		t.Fatalf("the fixture holds %d invitations, %d orders, %d audit rows", len(m.Invitations), len(m.Orders), m.AuditRows)
	}
	console.Close()
	kiosk.Close()
	for _, side := range []string{"console", "kiosk"} { // small test data: free pages out
		db, err := sql.Open("sqlite", filepath.Join(work, side, "data", "id06desk.db"))
		must(err)
		_, err = db.ExecContext(ctx, `VACUUM`)
		must(errors.Join(err, db.Close()))
	}

	out := filepath.Join("testdata", "release-"+*fixtureRelease)
	must(os.RemoveAll(out))
	for _, side := range []string{"console", "kiosk"} {
		for _, sub := range []string{"config", "data"} {
			copyTree(t, filepath.Join(work, side, sub), filepath.Join(out, side, sub))
		}
	}
	b, err := json.MarshalIndent(m, "", "  ")
	must(err)
	must(os.WriteFile(filepath.Join(out, "manifest.json"), append(b, '\n'), 0o644))
	t.Logf("wrote %s: %+v", out, m)
}

// copyTree copies the regular files under src to dst (files 0600, folders
// 0700, as the app keeps them), leaving out the databases' -wal and -shm
// (closed databases have none worth keeping).
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o700)
		}
		if !d.Type().IsRegular() || strings.HasSuffix(p, "-wal") || strings.HasSuffix(p, "-shm") || strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Every release's fixture, copied to a temporary folder, opens with
// today's code (every migration since applies), and everything in it is
// there and usable through the services: each invitation and order with
// its status, the company, the kiosk, the audit log; a sent invitation
// extended and its new link opened (the keys came along), the ready order
// sent to Nexus, the draft revoked; the kiosk is still paired and its
// queue empty.
func TestUpgradeFromEveryRelease(t *testing.T) {
	releases, _ := filepath.Glob(filepath.Join("testdata", "release-*"))
	if len(releases) == 0 {
		t.Fatal("no testdata/release-*: the upgrade test has nothing to open")
	}
	known, err := sqlite.KnownVersion()
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range releases {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			ctx := context.Background()
			var m manifest
			b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			work := t.TempDir()
			for _, side := range []string{"console", "kiosk"} {
				copyTree(t, filepath.Join(dir, side), filepath.Join(work, side))
			}
			open := func(side string) *core.App {
				t.Helper()
				a, err := core.Open(ctx, core.Options{DataDir: filepath.Join(work, side), Version: "upgrade-test"})
				if err != nil {
					t.Fatalf("open the %s of release %s: %v", side, m.Release, err)
				}
				t.Cleanup(a.Close)
				return a
			}
			console := open("console")
			if st := console.DB.Status(ctx); !st.OK || st.SchemaVersion != known || st.SchemaVersion < m.SchemaVersion {
				t.Fatalf("after the upgrade: %+v, want schema %d (the release had %d)", st, known, m.SchemaVersion)
			}
			if v, err := console.Settings.Load(ctx); err != nil || v.Get("company.name") != m.Company {
				t.Fatalf("company %q %v", v.Get("company.name"), err)
			}
			page, err := console.Invitations.List(ctx, invite.ListQuery{PageSize: 500})
			if err != nil || page.Total != len(m.Invitations) {
				t.Fatalf("invitations: %d of %d, %v", page.Total, len(m.Invitations), err)
			}
			for id, status := range m.Invitations {
				d, err := console.Invitations.Get(ctx, id)
				if err != nil || d.Invitation.Status != status {
					t.Errorf("invitation %s: %s, want %s (%v)", id, d.Invitation.Status, status, err)
				}
			}
			orders, err := console.Orders.ListOrders(ctx, order.ListQuery{PageSize: 500})
			if err != nil || orders.Total != len(m.Orders) {
				t.Fatalf("orders: %d of %d, %v", orders.Total, len(m.Orders), err)
			}
			for id, status := range m.Orders {
				o, err := console.Orders.ViewOrder(ctx, id)
				if err != nil || o.Status != status || (status == order.StatusReady && len(o.Photo) == 0) {
					t.Errorf("order %s: %s (photo %d bytes), want %s (%v)", id, o.Status, len(o.Photo), status, err)
				}
			}
			if o, err := console.Orders.GetOrder(ctx, m.KioskOrder); err != nil || o.RegisteredWhere != order.WhereKiosk {
				t.Errorf("the kiosk's order: %+v %v", o.RegisteredWhere, err)
			}
			kiosks, err := console.ConsoleSync.List(ctx)
			if err != nil || len(kiosks) != 1 || kiosks[0].Name != m.Kiosk {
				t.Fatalf("kiosks %+v %v", kiosks, err)
			}
			if a, err := console.DB.ListAudit(ctx, audit.Query{PageSize: 500}); err != nil || a.Total < m.AuditRows {
				t.Fatalf("audit rows %d, want at least %d (%v)", a.Total, m.AuditRows, err)
			}

			// Usable: one state change of each kind.
			if err := console.Invitations.Extend(ctx, "admin", m.Sent, 30); err != nil {
				t.Fatalf("extend: %v", err)
			}
			d, err := console.Invitations.Get(ctx, m.Sent)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := console.Registration.Open(ctx, d.Invitation.Token, false); err != nil {
				t.Fatalf("the extended invitation's link: %v", err)
			}
			if _, err := console.Batches.Send(ctx, batches.Request{Actor: "admin", OrderIDs: []string{m.Ready}, Lang: "sv", Folder: t.TempDir()}); err != nil {
				t.Fatalf("send the ready order to Nexus: %v", err)
			}
			if o, err := console.Orders.GetOrder(ctx, m.Ready); err != nil || o.Status != order.StatusSentToNexus {
				t.Fatalf("the sent order: %s %v", o.Status, err)
			}
			if err := console.Invitations.Revoke(ctx, "admin", m.Draft); err != nil {
				t.Fatalf("revoke the draft: %v", err)
			}

			kiosk := open("kiosk")
			if !kiosk.KioskSync.Paired() {
				t.Fatal("the kiosk is no longer paired")
			}
			if st, err := kiosk.KioskSync.Status(ctx); err != nil || st.Pending != 0 {
				t.Fatalf("kiosk status %+v %v", st, err)
			}
		})
	}
}
