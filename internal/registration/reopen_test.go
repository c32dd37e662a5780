package registration_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/jpeg"
	"slices"
	"strings"
	"testing"
	"time"

	"id06desk/internal/invitations"
	"id06desk/internal/invite"
	"id06desk/internal/order"
	"id06desk/internal/orders"
	"id06desk/internal/registration"
	"id06desk/internal/sqlite"
)

// mirrored is the sample photo flipped left to right: another photo of
// the same face, so the bytes differ.
func mirrored(t *testing.T) []byte {
	t.Helper()
	src, err := jpeg.Decode(bytes.NewReader(samplePhoto(t)))
	if err != nil {
		t.Fatal(err)
	}
	b := src.Bounds()
	out := image.NewRGBA(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			out.Set(b.Max.X-1-(x-b.Min.X), y, src.At(x, y))
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, out, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func (f *fixture) orders() *orders.Service {
	return orders.New(orders.Config{Store: f.db, Now: f.clock, Settings: f.st, Reopener: f.inv})
}

// The whole loop: an order rejected back to the cardholder for its photo
// gets a fresh link by mail; the link reopens the registration at the
// photo step with everything else kept; a new photo and Confirm make the
// SAME order ready again, with the new photo and the old data.
func TestRejectReopenConfirmUpdatesTheSameOrder(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id, tok := f.invite(t, "anna.berg@example.se")
	if _, err := f.reg.Open(ctx, tok, false); err != nil {
		t.Fatal(err)
	}
	fillAll(t, f, tok)
	rec, err := f.reg.Confirm(ctx, tok, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.worker.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	before, err := f.db.GetOrder(ctx, rec.OrderID)
	if err != nil {
		t.Fatal(err)
	}

	f.advance(24 * time.Hour) // the new link expires later than the first
	svc := f.orders()
	o, err := svc.RejectToCardholder(ctx, "admin", rec.OrderID, order.ReasonPhoto, "Bakgrunden är inte vit")
	if err != nil {
		t.Fatal(err)
	}
	if o.Status != order.StatusReopened || o.ReopenReason != order.ReasonPhoto {
		t.Fatalf("after reject: %s %s", o.Status, o.ReopenReason)
	}
	inv, evs, _ := f.db.GetInvitation(ctx, id)
	if inv.Status != invite.StatusReopened || inv.Token == tok || !inv.ExpiresAt.After(f.clock()) {
		t.Fatalf("invitation %s, token changed %v, expires %v", inv.Status, inv.Token != tok, inv.ExpiresAt)
	}
	if last := evs[len(evs)-1]; last.Kind != invite.EventRejectedTo || last.Detail != "photo_not_accepted: Bakgrunden är inte vit" {
		t.Fatalf("last event %+v", last)
	}
	newTok := inv.Token

	// The mail: to the cardholder, with the reason and the new link.
	n := f.sink.Count()
	if res, err := f.worker.Flush(ctx); err != nil || res.Sent != 1 {
		t.Fatalf("flush %+v %v", res, err)
	}
	m := f.sink.Messages()[n]
	body := strings.ReplaceAll(string(m.Data), "=\r\n", "")
	if m.To[0] != "anna.berg@example.se" || !strings.Contains(body, "foto godtogs inte") || !strings.Contains(body, "https://id06.bygg.se/#/register/"+newTok) {
		t.Fatalf("reopen mail to %v:\n%.2000s", m.To, body)
	}

	// The old link is superseded; the new one reopens at the photo step.
	if _, err := f.reg.Open(ctx, tok, false); linkCode(err) != registration.LinkSuperseded {
		t.Fatalf("old link: %v", err)
	}
	s, err := f.reg.Open(ctx, newTok, false)
	if err != nil {
		t.Fatal(err)
	}
	if s.Step != registration.StepPhoto || s.Reopen == nil || s.Reopen.Reason != order.ReasonPhoto || s.Reopen.Note != "Bakgrunden är inte vit" {
		t.Fatalf("session step %s reopen %+v", s.Step, s.Reopen)
	}
	if s.Personal == nil || s.Personal.FirstName != "Anna" || s.Personal.Personnummer != "198112189876" || s.Delivery == nil || !s.Delivery.UseCompany || !s.Photo.Usable() {
		t.Fatalf("data not kept: %+v %+v %+v", s.Personal, s.Delivery, s.Photo)
	}
	if b, err := f.reg.Photo(ctx, newTok, false); err != nil || !bytes.Equal(b, before.Photo) {
		t.Fatalf("the draft does not show the order's photo: %v", err)
	}
	// Not confirmable before the photo step is done again.
	var inc *registration.IncompleteError
	if _, err := f.reg.Confirm(ctx, newTok, false); !errors.As(err, &inc) || inc.Step != registration.StepPhoto {
		t.Fatalf("confirm before fixing: %v", err)
	}
	// The method cannot change on a reopened registration.
	if _, err := f.reg.SetMethod(ctx, newTok, order.MethodBankID, false); err == nil {
		t.Fatal("method changed on a reopened registration")
	}
	s, err = f.reg.UploadPhoto(ctx, newTok, bytes.NewReader(mirrored(t)), false)
	if err != nil {
		t.Fatal(err)
	}
	if s.Step != registration.StepReview {
		t.Fatalf("after the new photo: step %s", s.Step)
	}
	rec2, err := f.reg.Confirm(ctx, newTok, false)
	if err != nil {
		t.Fatal(err)
	}
	if rec2.OrderID != rec.OrderID {
		t.Fatalf("confirm made order %s, want the same %s", rec2.OrderID, rec.OrderID)
	}
	after, err := f.db.GetOrder(ctx, rec.OrderID)
	if err != nil {
		t.Fatal(err)
	}
	if after.Status != order.StatusReady || after.ReopenReason != "" || bytes.Equal(after.Photo, before.Photo) || len(after.Thumb) == 0 {
		t.Fatalf("after confirm: %s reason %q, photo replaced %v", after.Status, after.ReopenReason, !bytes.Equal(after.Photo, before.Photo))
	}
	if after.FirstName != before.FirstName || after.Personnummer != before.Personnummer || after.Phone != before.Phone || after.Delivery != before.Delivery || !after.RegisteredAt.Equal(before.RegisteredAt) {
		t.Fatalf("fields not kept:\n%+v\n%+v", after, before)
	}
	if p, _ := f.db.ListOrders(ctx, order.ListQuery{}); p.Total != 1 {
		t.Fatalf("%d orders, want 1", p.Total)
	}
	inv, evs, _ = f.db.GetInvitation(ctx, id)
	if inv.Status != invite.StatusReady {
		t.Fatalf("invitation %s", inv.Status)
	}
	if last := evs[len(evs)-1]; last.Kind != invite.EventReadyAgain || last.Detail != "photo" {
		t.Fatalf("last event %+v", last)
	}
	if d, _ := registration.LoadDraft(ctx, f.db, id); d.Personal != nil {
		t.Error("the draft was kept after confirm")
	}
	// Done: the link is used again.
	if _, err := f.reg.Open(ctx, newTok, false); linkCode(err) != registration.LinkAlreadyRegistered {
		t.Fatalf("link after the second confirm: %v", err)
	}
}

// Each reason opens the step it names; a kept photo is not replaced.
func TestReopenStepPerReason(t *testing.T) {
	for _, c := range []struct {
		reason order.Reason
		step   string
	}{{order.ReasonName, registration.StepPersonal}, {order.ReasonAddress, registration.StepDelivery}, {order.ReasonOther, registration.StepReview}} {
		t.Run(string(c.reason), func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			id, tok := f.invite(t, "bo@example.se")
			fillAll(t, f, tok)
			rec, err := f.reg.Confirm(ctx, tok, false)
			if err != nil {
				t.Fatal(err)
			}
			before, _ := f.db.GetOrder(ctx, rec.OrderID)
			if _, err := f.orders().RejectToCardholder(ctx, "admin", rec.OrderID, c.reason, "se över"); err != nil {
				t.Fatal(err)
			}
			inv, _, _ := f.db.GetInvitation(ctx, id)
			s, err := f.reg.Open(ctx, inv.Token, false)
			if err != nil {
				t.Fatal(err)
			}
			if s.Step != c.step {
				t.Fatalf("step %s, want %s", s.Step, c.step)
			}
			switch c.reason {
			case order.ReasonName:
				_, err = f.reg.SavePersonal(ctx, inv.Token, registration.PersonalInput{FirstName: "Anna-Karin", LastName: "Berg",
					HasPersonnummer: true, Personnummer: "811218-9876", Phone: "070-123 45 67"}, false)
			case order.ReasonAddress:
				_, err = f.reg.SaveDelivery(ctx, inv.Token, registration.DeliveryInput{Address: order.Address{Name: "Anna Berg", Street: "Gatan 2", PostalCode: "11122", City: "Stockholm"}}, false)
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.reg.Confirm(ctx, inv.Token, false); err != nil {
				t.Fatal(err)
			}
			after, _ := f.db.GetOrder(ctx, rec.OrderID)
			if after.Status != order.StatusReady || !bytes.Equal(after.Photo, before.Photo) {
				t.Fatalf("status %s, photo kept %v", after.Status, bytes.Equal(after.Photo, before.Photo))
			}
			_, evs, _ := f.db.GetInvitation(ctx, id)
			want := map[order.Reason]string{order.ReasonName: "first_name", order.ReasonAddress: "delivery", order.ReasonOther: ""}[c.reason]
			if last := evs[len(evs)-1]; last.Kind != invite.EventReadyAgain || last.Detail != want {
				t.Fatalf("last event %+v, want detail %q", last, want)
			}
			if c.reason == order.ReasonAddress && after.Delivery.Address.PostalCode != "111 22" {
				t.Fatalf("address not taken (normalised): %+v", after.Delivery)
			}
		})
	}
}

// A BankID-verified order keeps its names: no "name misspelt" for it, and
// a reopened BankID registration takes only the phone at the personal step.
func TestReopenKeepsBankIDIdentity(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id, _ := f.invite(t, "cia@example.se")
	o := order.Order{ID: "33333333-3333-4333-8333-333333333333", InvitationID: id, Status: order.StatusReady, FirstName: "Cia", LastName: "Ek",
		Personnummer: "198112189876", Email: "cia@example.se", Phone: "+46701234567", CardType: "id06-rfid", Language: "en",
		Delivery: order.Delivery{Address: order.Address{Name: "Cia Ek", Street: "Gatan 1", PostalCode: "111 22", City: "Stockholm", Country: "SE"}},
		Photo:    samplePhoto(t), Thumb: []byte{1}, IdentityMethod: order.MethodBankID,
		IdentityCheck: order.CheckBankIDPassport, RegisteredAt: f.clock(), RegisteredWhere: order.WhereWeb}
	if err := orders.New(orders.Config{Store: f.db}).Create(ctx, o, nil); err != nil {
		t.Fatal(err)
	}
	var fe orders.FieldErrors
	if _, err := f.orders().RejectToCardholder(ctx, "admin", o.ID, order.ReasonName, ""); !errors.As(err, &fe) || fe["reason"].Code() != "locked" {
		t.Fatalf("name misspelt on a BankID order: %v", err)
	}
	if _, err := f.orders().RejectToCardholder(ctx, "admin", o.ID, order.ReasonOther, "Ring oss"); err != nil {
		t.Fatal(err)
	}
	inv, _, _ := f.db.GetInvitation(ctx, id)
	s, err := f.reg.Open(ctx, inv.Token, false)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Personal.Locked || !s.Personal.PassportChecked || s.Method != order.MethodBankID {
		t.Fatalf("personal %+v method %s", s.Personal, s.Method)
	}
	if _, err := f.reg.SavePersonal(ctx, inv.Token, registration.PersonalInput{FirstName: "Eva", LastName: "Ek", Phone: "0709876543"}, false); err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.Confirm(ctx, inv.Token, false); err != nil {
		t.Fatal(err)
	}
	after, _ := f.db.GetOrder(ctx, o.ID)
	if after.FirstName != "Cia" || after.Phone != "+46709876543" || after.IdentityCheck != order.CheckBankIDPassport {
		t.Fatalf("after: %s %s %s", after.FirstName, after.Phone, after.IdentityCheck)
	}
	_, evs, _ := f.db.GetInvitation(ctx, id)
	if !slices.ContainsFunc(evs, func(e invite.Event) bool { return e.Kind == invite.EventReadyAgain && e.Detail == "phone" }) {
		t.Fatalf("no ready_again event naming the phone: %+v", evs)
	}
}

// The photo a reopened registration replaced is gone from the files (the
// database, its write-ahead log and index), as is the draft rebuilt from
// the order.
func TestReplacedPhotoLeavesNothingOnDisk(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id, tok := f.invite(t, "marker@example.se")
	fillAll(t, f, tok)
	rec, err := f.reg.Confirm(ctx, tok, false)
	if err != nil {
		t.Fatal(err)
	}
	old, _ := f.db.GetOrder(ctx, rec.OrderID)
	runs := map[string][]byte{"the replaced photo": old.Photo[len(old.Photo)/2 : len(old.Photo)/2+64]}
	f.advance(time.Hour)
	if _, err := f.orders().RejectToCardholder(ctx, "admin", rec.OrderID, order.ReasonPhoto, ""); err != nil {
		t.Fatal(err)
	}
	inv, _, _ := f.db.GetInvitation(ctx, id)
	if _, err := f.reg.Open(ctx, inv.Token, false); err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.UploadPhoto(ctx, inv.Token, bytes.NewReader(mirrored(t)), false); err != nil {
		t.Fatal(err)
	}
	if hits := onDisk(t, f, runs); len(hits) == 0 {
		t.Fatal("marker not found before the confirm: the test cannot see it")
	}
	if _, err := f.reg.Confirm(ctx, inv.Token, false); err != nil {
		t.Fatal(err)
	}
	if hits := onDisk(t, f, runs); len(hits) > 0 {
		t.Errorf("still readable: %v", hits)
	}
}

// A reopened order nobody fixed is purged after the retention time (an
// abandoned order): its link no longer reopens anything.
func TestPurgedReopenedOrderDoesNotReopen(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id, tok := f.invite(t, "gone@example.se")
	fillAll(t, f, tok)
	rec, err := f.reg.Confirm(ctx, tok, false)
	if err != nil {
		t.Fatal(err)
	}
	f.advance(time.Hour)
	if _, err := f.orders().RejectToCardholder(ctx, "admin", rec.OrderID, order.ReasonPhoto, ""); err != nil {
		t.Fatal(err)
	}
	f.advance(400 * 24 * time.Hour)
	if _, err := f.db.Sweep(ctx, sqlite.SweepPlan{Now: f.clock(), DraftsBefore: f.clock(), PurgeOrders: orders.PurgedStatuses(),
		OrdersBefore: f.clock(), Actor: "system", Expire: invitations.Expire}); err != nil {
		t.Fatal(err)
	}
	if o, _ := f.db.GetOrder(ctx, rec.OrderID); o.PurgedAt.IsZero() {
		t.Fatal("not purged: the test cannot see the case")
	}
	inv, _, _ := f.db.GetInvitation(ctx, id)
	if _, err := f.reg.Open(ctx, inv.Token, false); linkCode(err) != registration.LinkAlreadyRegistered {
		t.Fatalf("open a purged reopened order: %v", err)
	}
}
