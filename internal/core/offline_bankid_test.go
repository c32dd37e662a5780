package core_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"id06desk/internal/bankid"
	"id06desk/internal/bankid/bankidtest"
	"id06desk/internal/bankidconf"
	"id06desk/internal/core"
	"id06desk/internal/invitations"
	"id06desk/internal/order"
	"id06desk/internal/photo/phototest"
	"id06desk/internal/registration"
)

// A registration made with BankID at a paired kiosk (against the loopback
// BankID test server, as the kiosk's BankID tests use) is sealed at Confirm
// like a manual one — the kiosk keeps no readable copy of the
// BankID-verified identity — and imports at the console as an order with
// that identity: BankID as the method and check, the names and
// personnummer BankID returned.
func TestOfflineKioskBankIDRegistration(t *testing.T) {
	ctx := context.Background()
	open := func(name string) *core.App {
		a, err := core.Open(ctx, core.Options{DataDir: filepath.Join(t.TempDir(), name)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(a.Close)
		return a
	}
	console, kiosk := open("console"), open("kiosk")
	if err := console.Settings.Set(ctx, "test", map[string]string{"company.name": "Bygg & Söner AB", "company.org_number": "556036-0793",
		"smtp.from": "id06@bygg.se", "company.address.street": "Storgatan 1", "company.address.postal_code": "111 22",
		"company.address.city": "Stockholm"}); err != nil {
		t.Fatal(err)
	}
	// The kiosk has network for BankID (not for the console).
	srv, err := bankidtest.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	for name, b := range map[string][]byte{bankidconf.FileClientCert: srv.ClientCertPEM, bankidconf.FileClientKey: srv.ClientKeyPEM,
		bankidconf.FileRootCA: srv.RootCAPEM} {
		if err := kiosk.BankID.Store(name, b); err != nil {
			t.Fatal(err)
		}
	}
	if err := kiosk.Settings.Set(ctx, "test", map[string]string{"bankid.url": srv.URL}); err != nil {
		t.Fatal(err)
	}
	srv.Enqueue(bankidtest.Scenario{Steps: []bankidtest.Step{{Status: bankid.StatusComplete}}})

	p, err := console.ConsoleSync.Pair(ctx, "Gate A", "Hagastaden", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kiosk.KioskSync.Join(ctx, bytes.NewReader(p.File)); err != nil {
		t.Fatal(err)
	}
	created, err := console.Invitations.Create(ctx, "admin", []invitations.Row{{Email: "bank@example.se", CardType: "id06-rfid"}}, true)
	if err != nil {
		t.Fatal(err)
	}
	d, err := console.Invitations.Get(ctx, created[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	tok := d.Invitation.Token

	// At the kiosk: the QR token, BankID, phone, photo, delivery, Confirm.
	r := kiosk.Registration
	s, err := r.Open(ctx, tok, true)
	if err != nil || !s.BankID.Available {
		t.Fatalf("open at the kiosk: %+v %v", s, err)
	}
	if _, err := r.SetMethod(ctx, tok, order.MethodBankID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := r.StartBankID(ctx, tok, "127.0.0.1", false); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		st, err := r.BankIDStatus(ctx, tok)
		if err != nil {
			t.Fatal(err)
		}
		if st.Status == bankid.StatusComplete {
			break
		}
		if st.Status != bankid.StatusPending || time.Now().After(deadline) {
			t.Fatalf("BankID at the kiosk: %+v", st)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The names and personnummer are BankID's; only the phone is typed.
	if _, err := r.SavePersonal(ctx, tok, registration.PersonalInput{FirstName: "Mallory", LastName: "Fake", HasPersonnummer: true,
		Personnummer: "811218-9876", Phone: "070-123 45 67"}, true); err != nil {
		t.Fatal(err)
	}
	if _, err := r.UploadPhoto(ctx, tok, bytes.NewReader(phototest.Face(t)), true); err != nil {
		t.Fatal(err)
	}
	if _, err := r.SaveDelivery(ctx, tok, registration.DeliveryInput{UseCompany: true}, true); err != nil {
		t.Fatal(err)
	}
	rc, err := r.Confirm(ctx, tok, true)
	if err != nil || !rc.Sealed || rc.OrderID != "" || rc.IdentityCheck != order.CheckBankID {
		t.Fatalf("confirm at the kiosk: %+v %v", rc, err)
	}
	// Sealed like a manual one: no order here, and no readable trace of
	// the verified identity in the kiosk's database files.
	if _, err := kiosk.DB.OrderOf(ctx, created[0].ID); err == nil {
		t.Fatal("an order was made at the kiosk")
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		b, err := os.ReadFile(kiosk.DB.Path + suffix)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		for _, run := range []string{"9001012385", "Testsson"} {
			if bytes.Contains(b, []byte(run)) {
				t.Errorf("%q is in the kiosk's database%s after sealing", run, suffix)
			}
		}
	}
	if st, err := kiosk.KioskSync.Status(ctx); err != nil || st.Pending != 1 {
		t.Fatalf("kiosk status %+v %v", st, err)
	}

	var bundle bytes.Buffer
	if _, err := kiosk.KioskSync.ExportBundle(ctx, &bundle); err != nil {
		t.Fatal(err)
	}
	res, err := console.ConsoleSync.Import(ctx, bytes.NewReader(bundle.Bytes()))
	if err != nil || res.Applied != 1 || res.Refused != 0 {
		t.Fatalf("import at the console: %+v %v", res, err)
	}
	o, err := console.DB.OrderOf(ctx, created[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if o.Status != order.StatusReady || o.RegisteredWhere != order.WhereKiosk || o.IdentityMethod != order.MethodBankID ||
		o.IdentityCheck != order.CheckBankID || !o.IdentityVerified() || o.Personnummer != "199001012385" ||
		o.FirstName != "Tess" || o.LastName != "Testsson" || o.Phone != "+46701234567" {
		t.Fatalf("order from the kiosk's BankID registration: status %s where %s method %s check %s pnr %s name %s %s phone %s",
			o.Status, o.RegisteredWhere, o.IdentityMethod, o.IdentityCheck, o.Personnummer, o.FirstName, o.LastName, o.Phone)
	}
}
