package core_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"id06desk/internal/core"
	"id06desk/internal/invitations"
	"id06desk/internal/invite"
	"id06desk/internal/order"
	"id06desk/internal/photo/phototest"
	"id06desk/internal/registration"
)

// The offline site through the two Apps, as the lead's two-instance test
// runs it by command line: a console and a kiosk with separate data
// folders, paired by file. Three people are invited at the console: one
// registers at the kiosk with the mail's QR token (adopted offline), one
// with the short code after a site pack, one is revoked at the console and
// refused at the kiosk after the next pack. Export → import → 2 orders;
// import again → still 2; the next pack acknowledges → the kiosk's queue is
// empty and its database files hold no trace of the personnummer.
func TestOfflineSiteByFile(t *testing.T) {
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
	p, err := console.ConsoleSync.Pair(ctx, "Gate A", "Hagastaden", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kiosk.KioskSync.Join(ctx, bytes.NewReader(p.File)); err != nil {
		t.Fatal(err)
	}
	created, err := console.Invitations.Create(ctx, "admin", []invitations.Row{
		{Email: "qr@example.se", CardType: "id06-rfid"}, {Email: "code@example.se", CardType: "id06-rfid"}, {Email: "gone@example.se", CardType: "id06-rfid"},
	}, true)
	if err != nil {
		t.Fatal(err)
	}
	tok := func(id string) string {
		d, err := console.Invitations.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return d.Invitation.Token
	}
	qr, byCode, gone := created[0], created[1], created[2]
	pn := map[string]string{qr.ID: "811218-9876", byCode.ID: "900101-0017"}
	register := func(token string, id string) {
		t.Helper()
		r := kiosk.Registration
		if _, err := r.Open(ctx, token, true); err != nil {
			t.Fatalf("open at the kiosk: %v", err)
		}
		if _, err := r.SetMethod(ctx, token, order.MethodManual, true); err != nil {
			t.Fatal(err)
		}
		if _, err := r.SavePersonal(ctx, token, registration.PersonalInput{FirstName: "Anna", LastName: "Berg",
			HasPersonnummer: true, Personnummer: pn[id], Phone: "070-123 45 67"}, true); err != nil {
			t.Fatal(err)
		}
		if _, err := r.UploadPhoto(ctx, token, bytes.NewReader(phototest.Face(t)), true); err != nil {
			t.Fatal(err)
		}
		if _, err := r.SaveDelivery(ctx, token, registration.DeliveryInput{UseCompany: true}, true); err != nil {
			t.Fatal(err)
		}
		rc, err := r.Confirm(ctx, token, true)
		if err != nil || !rc.Sealed {
			t.Fatalf("confirm at the kiosk: %+v %v", rc, err)
		}
	}

	// 1. The QR of the mail, before any site pack.
	register(tok(qr.ID), qr.ID)
	// 2. The first site pack: the code works offline.
	pack := func() {
		t.Helper()
		sp, err := console.ConsoleSync.SitePack(ctx, "Gate A")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := kiosk.KioskSync.ApplySitePack(ctx, bytes.NewReader(sp.File)); err != nil {
			t.Fatal(err)
		}
	}
	// The console knows the kiosk's keys only from its first bundle.
	var first bytes.Buffer
	if _, err := kiosk.KioskSync.ExportBundle(ctx, &first); err != nil {
		t.Fatal(err)
	}
	if _, err := console.ConsoleSync.Import(ctx, bytes.NewReader(first.Bytes())); err != nil {
		t.Fatal(err)
	}
	if err := console.Invitations.Revoke(ctx, "admin", gone.ID); err != nil {
		t.Fatal(err)
	}
	pack()
	codeTok, err := kiosk.Registration.Lookup(ctx, byCode.Code)
	if err != nil {
		t.Fatalf("code at the kiosk after the pack: %v", err)
	}
	register(codeTok, byCode.ID)
	// A kiosk synced by USB only: its mail rounds have nothing to say.
	if r, err := kiosk.KioskMail.Round(ctx); err != nil || len(r.Problems) != 0 || r.SendConfigured || r.CollectConfigured {
		t.Fatalf("mail round on a USB-only kiosk: %+v %v", r, err)
	}
	// 3. Revoked at the console: refused at the kiosk.
	if _, err := kiosk.Registration.Open(ctx, tok(gone.ID), true); err == nil {
		t.Fatal("a revoked invitation opened at the kiosk")
	}

	var bundle bytes.Buffer
	if _, err := kiosk.KioskSync.ExportBundle(ctx, &bundle); err != nil {
		t.Fatal(err)
	}
	res, err := console.ConsoleSync.Import(ctx, bytes.NewReader(bundle.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	orders := func() int {
		n := 0
		for _, id := range []string{qr.ID, byCode.ID} {
			if o, err := console.DB.OrderOf(ctx, id); err == nil && o.Status == order.StatusReady && o.RegisteredWhere == order.WhereKiosk {
				n++
			}
		}
		return n
	}
	if got := orders(); got != 2 || res.Refused != 0 || res.Conflicts != 0 {
		t.Fatalf("after the import: %d orders, %+v", got, res)
	}
	if _, err := console.ConsoleSync.Import(ctx, bytes.NewReader(bundle.Bytes())); err == nil {
		t.Fatal("the same bundle imported twice")
	}
	if got := orders(); got != 2 {
		t.Fatalf("after importing again: %d orders", got)
	}
	pack()
	st, err := kiosk.KioskSync.Status(ctx)
	if err != nil || st.Pending != 0 || st.AwaitingFirstAck {
		t.Fatalf("kiosk after the acknowledging pack: %+v %v", st, err)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		b, err := os.ReadFile(kiosk.DB.Path + suffix)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		for _, digits := range []string{"8112189876", "9001010017"} {
			if bytes.Contains(b, []byte(digits)) {
				t.Errorf("a personnummer is in the kiosk's database%s", suffix)
			}
		}
	}
	if inv, _, err := kiosk.DB.GetInvitation(ctx, gone.ID); err == nil && inv.Status != invite.StatusRevoked {
		t.Errorf("the revoked invitation at the kiosk: %s", inv.Status)
	}
}
