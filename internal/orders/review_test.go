package orders_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"id06desk/internal/audit"
	"id06desk/internal/i18n"
	"id06desk/internal/invite"
	"id06desk/internal/order"
	"id06desk/internal/orders"
	"id06desk/internal/outbox"
	"id06desk/internal/settings"
)

// created makes order id n (ready) and moves it to st as storage allows
// anything: the set-up of the rule tests.
func (f *fixture) created(t *testing.T, n int, st order.Status, method string) string {
	t.Helper()
	ctx := context.Background()
	inv := f.invitation(t, n, invite.StatusSent)
	o := newOrder("order-"+string(rune('0'+n)), inv.ID)
	if method == order.MethodBankID {
		o.IdentityMethod, o.IdentityCheck = order.MethodBankID, order.CheckBankID
	}
	o.Delivery = order.Delivery{Address: order.Address{Name: "Anna Berg", Street: "Gatan 1", PostalCode: "111 22", City: "Stockholm", Country: "SE"}}
	if err := f.svc.Create(ctx, o, nil); err != nil {
		t.Fatal(err)
	}
	if st != order.StatusReady {
		if _, err := f.db.UpdateOrder(ctx, o.ID, func(o *order.Order) (invite.Change, bool, error) {
			o.Status = st
			return invite.Change{}, true, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	return o.ID
}

func lastEvent(t *testing.T, f *fixture, id string) invite.Event {
	t.Helper()
	o, err := f.db.GetOrder(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	_, evs, _ := f.db.GetInvitation(context.Background(), o.InvitationID)
	return evs[len(evs)-1]
}

func auditActions(t *testing.T, f *fixture) []audit.Entry {
	t.Helper()
	a, err := f.db.RecentAudit(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func ptr(s string) *string { return &s }

func TestEditCorrectsNonIdentityFields(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id := f.created(t, 1, order.StatusReady, order.MethodBankID)
	o, err := f.svc.Edit(ctx, "admin", id, orders.Edit{Phone: ptr("070-987 65 43"), CostCentre: ptr("  Projekt 4711 "),
		Delivery: &order.Delivery{Address: order.Address{Name: "Bygg AB", Street: "Vägen 3", PostalCode: "41103", City: "Göteborg"}}})
	if err != nil {
		t.Fatal(err)
	}
	if o.Phone != "+46709876543" || o.CostCentre != "Projekt 4711" || o.Delivery.Address.PostalCode != "411 03" || o.Delivery.Address.Country != "SE" {
		t.Fatalf("after edit: %s %q %+v", o.Phone, o.CostCentre, o.Delivery)
	}
	ev := lastEvent(t, f, id)
	if ev.Kind != invite.EventEdited || ev.Detail != "phone,delivery,cost_centre" || strings.Contains(ev.Detail, "4711") {
		t.Fatalf("event %+v", ev)
	}
	if a := auditActions(t, f); a[0].Action != orders.ActionEdited || a[0].Subject != id || a[0].Detail != "phone,delivery,cost_centre" {
		t.Fatalf("audit %+v", a[0])
	}
	// The same values again: nothing to record.
	if _, err := f.svc.Edit(ctx, "admin", id, orders.Edit{Phone: ptr("+46709876543")}); err != nil {
		t.Fatal(err)
	}
	edits := 0
	for _, a := range auditActions(t, f) {
		if a.Action == orders.ActionEdited {
			edits++
		}
	}
	if edits != 1 {
		t.Fatalf("%d edit audit lines, want 1", edits)
	}
}

func TestEditRefusals(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	bank := f.created(t, 1, order.StatusReady, order.MethodBankID)
	manual := f.created(t, 2, order.StatusRejectedByNexus, order.MethodManual)
	sent := f.created(t, 3, order.StatusSentToNexus, order.MethodManual)

	var fe orders.FieldErrors
	_, err := f.svc.Edit(ctx, "admin", bank, orders.Edit{Phone: ptr("08-123 456 78"), CostCentre: ptr(strings.Repeat("x", 41)),
		Delivery: &order.Delivery{Address: order.Address{Name: "X", Street: "", PostalCode: "1", City: "Y"}}})
	if !errors.As(err, &fe) {
		t.Fatalf("bad input: %v", err)
	}
	for field, code := range map[string]string{"phone": "not_mobile", "cost_centre": "too_long", "street": "required", "postal_code": "format"} {
		if fe[field].Code() != code {
			t.Errorf("%s: %q, want %s (all: %v)", field, fe[field].Code(), code, fe)
		}
	}
	if !strings.Contains(fe["cost_centre"].In(i18n.SV), "40") || !strings.Contains(fe["cost_centre"].In(i18n.EN), "40") {
		t.Errorf("cost centre message: %s", fe["cost_centre"].In(i18n.EN))
	}
	// BankID names are locked; a manual registration's names are not.
	if _, err := f.svc.Edit(ctx, "admin", bank, orders.Edit{FirstName: ptr("Anna-Karin")}); !errors.As(err, &fe) || fe["first_name"].Code() != "locked" {
		t.Fatalf("BankID name edited: %v", err)
	}
	o, err := f.svc.Edit(ctx, "admin", manual, orders.Edit{FirstName: ptr("Anna-Karin")})
	if err != nil || o.FirstName != "Anna-Karin" {
		t.Fatalf("manual name: %v %s", err, o.FirstName)
	}
	if ev := lastEvent(t, f, manual); ev.Detail != "first_name" || strings.Contains(ev.Detail, "Karin") {
		t.Fatalf("event %+v", ev)
	}
	// With Nexus: not editable, and the message says why in both languages.
	_, err = f.svc.Edit(ctx, "admin", sent, orders.Edit{Phone: ptr("0701234567")})
	var ie *i18n.Error
	if !errors.Is(err, order.ErrTransition) || !errors.As(err, &ie) || !strings.Contains(ie.Msg.In(i18n.EN), "sent to Nexus") || !strings.Contains(ie.Msg.In(i18n.SV), "skickad till Nexus") {
		t.Fatalf("edit while at Nexus: %v", err)
	}
	if _, err := f.svc.Edit(ctx, "admin", "nope", orders.Edit{Phone: ptr("0701234567")}); !errors.Is(err, order.ErrNotFound) {
		t.Fatalf("unknown order: %v", err)
	}
}

// Delivery to the company takes the company's address from the settings.
func TestEditDeliveryToCompany(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	st := settings.NewService(f.db, t.TempDir())
	svc := orders.New(orders.Config{Store: f.db, Now: f.db.Now, Settings: st})
	id := f.created(t, 1, order.StatusReady, order.MethodManual)
	var fe orders.FieldErrors
	if _, err := svc.Edit(ctx, "admin", id, orders.Edit{Delivery: &order.Delivery{UseCompany: true}}); !errors.As(err, &fe) || fe["delivery"].Code() != "no_company_address" {
		t.Fatalf("no company address: %v", err)
	}
	if err := st.Set(ctx, "t", map[string]string{"company.name": "Bygg AB", "company.address.street": "Storgatan 1",
		"company.address.postal_code": "111 22", "company.address.city": "Stockholm"}); err != nil {
		t.Fatal(err)
	}
	o, err := svc.Edit(ctx, "admin", id, orders.Edit{Delivery: &order.Delivery{UseCompany: true}})
	if err != nil || !o.Delivery.UseCompany || o.Delivery.Address.Street != "Storgatan 1" {
		t.Fatalf("%v %+v", err, o.Delivery)
	}
}

// The table of Nexus's answers: every current status × every recordable
// status, allowed exactly where the transition table says so; a refusal
// changes nothing and says who, from what, to what.
func TestRecordStatusFollowsTheTable(t *testing.T) {
	ctx := context.Background()
	for _, from := range order.Statuses() {
		for _, to := range orders.Recordable() {
			t.Run(string(from)+"→"+string(to), func(t *testing.T) {
				f := newFixture(t)
				id := f.created(t, 1, from, order.MethodManual)
				c := orders.StatusChange{IDs: []string{id}, Status: to}
				if to == order.StatusRejectedByNexus {
					c.Reason = "Fotot har skugga"
				}
				n, err := f.svc.RecordStatus(ctx, "admin", c)
				o, _ := f.db.GetOrder(ctx, id)
				if order.CanTransition(from, to) {
					if err != nil || n != 1 || o.Status != to {
						t.Fatalf("allowed move: %v, %d changed, status %s", err, n, o.Status)
					}
					return
				}
				var re *orders.RefusedError
				if !errors.As(err, &re) || !errors.Is(err, order.ErrTransition) || o.Status != from || n != 0 {
					t.Fatalf("refused move: %v, status %s", err, o.Status)
				}
				if en := re.Msg.In(i18n.EN); !strings.HasPrefix(en, "Nothing was changed: Anna Berg is ") || !strings.Contains(en, "cannot become") {
					t.Fatalf("message %q", en)
				}
				if sv := re.Msg.In(i18n.SV); !strings.Contains(sv, "kan inte bli") {
					t.Fatalf("message %q", sv)
				}
			})
		}
	}
}

func TestRecordStatusAllOrNothing(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.created(t, 1, order.StatusSentToNexus, order.MethodManual)
	b := f.created(t, 2, order.StatusSentToNexus, order.MethodManual)
	c := f.created(t, 3, order.StatusReady, order.MethodManual)
	d := f.created(t, 4, order.StatusDelivered, order.MethodManual)

	_, err := f.svc.RecordStatus(ctx, "admin", orders.StatusChange{IDs: []string{a, c, b, d}, Status: order.StatusInProduction})
	var re *orders.RefusedError
	if !errors.As(err, &re) || !slices.Equal(re.IDs, []string{c, d}) {
		t.Fatalf("mixed batch: %v", err)
	}
	if en := re.Msg.In(i18n.EN); !strings.Contains(en, "is ready to send and cannot become in production") || !strings.Contains(en, "Neither can: Anna Berg.") {
		t.Fatalf("message %q", en)
	}
	for _, id := range []string{a, b} {
		if o, _ := f.db.GetOrder(ctx, id); o.Status != order.StatusSentToNexus {
			t.Fatalf("%s moved to %s although the batch was refused", id, o.Status)
		}
		if ev := lastEvent(t, f, id); ev.Kind == invite.EventProduction {
			t.Fatal("timeline event of a refused batch")
		}
	}
	// Unknown ids: nothing changes either.
	var unk *orders.UnknownOrdersError
	if _, err := f.svc.RecordStatus(ctx, "admin", orders.StatusChange{IDs: []string{a, "ghost"}, Status: order.StatusInProduction}); !errors.As(err, &unk) || !slices.Equal(unk.IDs, []string{"ghost"}) || !errors.Is(err, order.ErrNotFound) {
		t.Fatalf("unknown id: %v", err)
	}
	if o, _ := f.db.GetOrder(ctx, a); o.Status != order.StatusSentToNexus {
		t.Fatal("moved although an id was unknown")
	}

	n, err := f.svc.RecordStatus(ctx, "admin", orders.StatusChange{IDs: []string{a, b, a}, Status: order.StatusInProduction})
	if err != nil || n != 2 {
		t.Fatalf("%d %v", n, err)
	}
	if _, err := f.svc.RecordStatus(ctx, "admin", orders.StatusChange{IDs: []string{a}, Status: order.StatusDelivered, Date: "2026-03-01"}); err != nil {
		t.Fatal(err)
	}
	if ev := lastEvent(t, f, a); ev.Kind != invite.EventDelivered || ev.Detail != "2026-03-01" {
		t.Fatalf("event %+v", ev)
	}
	inv, _, _ := f.db.GetInvitation(ctx, mustOrder(t, f, a).InvitationID)
	if inv.Status != invite.StatusDelivered {
		t.Fatalf("invitation %s", inv.Status)
	}
	recorded := 0
	for _, e := range auditActions(t, f) {
		if e.Action == orders.ActionStatusRecorded {
			recorded++
		}
	}
	if recorded != 3 {
		t.Fatalf("%d audit lines, want 3", recorded)
	}
	// Delivered today by default; rejected needs a reason.
	n, err = f.svc.RecordStatus(ctx, "admin", orders.StatusChange{IDs: []string{b}, Status: order.StatusDelivered})
	if err != nil || lastEvent(t, f, b).Detail != f.now.In(time.Local).Format(time.DateOnly) {
		t.Fatalf("%d %v %+v", n, err, lastEvent(t, f, b))
	}
}

func mustOrder(t *testing.T, f *fixture, id string) order.Order {
	t.Helper()
	o, err := f.db.GetOrder(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestRecordStatusInput(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id := f.created(t, 1, order.StatusSentToNexus, order.MethodManual)
	for _, c := range []struct {
		name  string
		in    orders.StatusChange
		field string
		code  string
	}{
		{"no ids", orders.StatusChange{Status: order.StatusInProduction}, "ids", "required"},
		{"not recordable", orders.StatusChange{IDs: []string{id}, Status: order.StatusReady}, "status", "status_not_recordable"},
		{"rejected needs a reason", orders.StatusChange{IDs: []string{id}, Status: order.StatusRejectedByNexus}, "reason", "required"},
		{"reason not for production", orders.StatusChange{IDs: []string{id}, Status: order.StatusInProduction, Reason: "x"}, "reason", "not_allowed"},
		{"reason with a line break", orders.StatusChange{IDs: []string{id}, Status: order.StatusRejectedByNexus, Reason: "a\nb"}, "reason", "characters"},
		{"bad date", orders.StatusChange{IDs: []string{id}, Status: order.StatusDelivered, Date: "2026-02-30"}, "date", "format"},
		{"future date", orders.StatusChange{IDs: []string{id}, Status: order.StatusDelivered, Date: "2099-01-01"}, "date", "future"},
		{"date not for cancel", orders.StatusChange{IDs: []string{id}, Status: order.StatusCancelled, Date: "2026-01-01"}, "date", "not_allowed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var fe orders.FieldErrors
			if _, err := f.svc.RecordStatus(ctx, "admin", c.in); !errors.As(err, &fe) || fe[c.field].Code() != c.code {
				t.Fatalf("%v, want %s %s", err, c.field, c.code)
			}
		})
	}
}

// Rejecting back to the cardholder follows the table: only from ready or
// rejected_by_nexus; the reason must be known, "other" needs a note.
func TestRejectRefusals(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sent := f.created(t, 1, order.StatusSentToNexus, order.MethodManual)
	ready := f.created(t, 2, order.StatusReady, order.MethodManual)
	svc := orders.New(orders.Config{Store: f.db, Now: f.db.Now, Reopener: stubReopener{}})
	if _, err := svc.RejectToCardholder(ctx, "admin", sent, order.ReasonPhoto, ""); !errors.Is(err, order.ErrTransition) {
		t.Fatalf("from sent_to_nexus: %v", err)
	}
	var fe orders.FieldErrors
	if _, err := svc.RejectToCardholder(ctx, "admin", ready, "ugly", ""); !errors.As(err, &fe) || fe["reason"].Code() != "reason_unknown" {
		t.Fatalf("unknown reason: %v", err)
	}
	if _, err := svc.RejectToCardholder(ctx, "admin", ready, order.ReasonOther, " "); !errors.As(err, &fe) || fe["note"].Code() != "required" {
		t.Fatalf("other without a note: %v", err)
	}
	o, err := svc.RejectToCardholder(ctx, "admin", ready, order.ReasonAddress, "")
	if err != nil || o.Status != order.StatusReopened {
		t.Fatalf("%v %s", err, o.Status)
	}
	inv, _, _ := f.db.GetInvitation(ctx, o.InvitationID)
	if inv.Token != "v1.relinked" || inv.Status != invite.StatusReopened {
		t.Fatalf("invitation %s %s", inv.Token, inv.Status)
	}
	if a := auditActions(t, f); a[0].Action != orders.ActionRejectedToCardholder || a[0].Detail != "address_wrong" {
		t.Fatalf("audit %+v", a[0])
	}
	// Once more, when the first mail was lost or its link expired: a fresh
	// link with the new reason, the order stays reopened.
	o, err = svc.RejectToCardholder(ctx, "admin", ready, order.ReasonPhoto, "")
	if err != nil || o.Status != order.StatusReopened || o.ReopenReason != order.ReasonPhoto {
		t.Fatalf("reopened again: %v %s %s", err, o.Status, o.ReopenReason)
	}
	// The detail offers what the table allows.
	d, err := svc.Detail(ctx, ready)
	if err != nil || !slices.Equal(d.Actions.Next, []order.Status{order.StatusReady, order.StatusCancelled}) || !d.Actions.Edit || !d.Actions.Reject || !d.Actions.EditNames {
		t.Fatalf("actions %+v %v", d.Actions, err)
	}
	if d.Events[len(d.Events)-1].Kind != invite.EventRejectedTo {
		t.Fatalf("timeline %+v", d.Events)
	}
	d, _ = svc.Detail(ctx, sent)
	if d.Actions.Edit || d.Actions.Reject || !slices.Equal(d.Actions.Next, []order.Status{order.StatusRejectedByNexus, order.StatusInProduction}) {
		t.Fatalf("sent actions %+v", d.Actions)
	}
}

type stubReopener struct{}

func (stubReopener) ReopenLink(_ context.Context, o order.Order, _ order.Reason, _ string) (invite.Relink, *outbox.Message, error) {
	return invite.Relink{Token: "v1.relinked", ExpiresAt: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}, nil, nil
}

func TestFilters(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for i := 1; i <= 4; i++ {
		inv := f.invitation(t, i, invite.StatusSent)
		o := newOrder("f"+string(rune('0'+i)), inv.ID)
		o.RegisteredAt = f.now.AddDate(0, 0, i)
		if i%2 == 0 {
			o.CardType, o.Industry, o.RegisteredWhere = "visitor", "civil", order.WhereWeb
		}
		if err := f.svc.Create(ctx, o, nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		q    order.ListQuery
		want int
	}{
		{order.ListQuery{CardType: "visitor"}, 2},
		{order.ListQuery{Industry: "civil", Where: order.WhereWeb}, 2},
		{order.ListQuery{Where: order.WhereKiosk}, 2},
		{order.ListQuery{From: f.now.AddDate(0, 0, 2), To: f.now.AddDate(0, 0, 4)}, 2},
		{order.ListQuery{CardType: "visitor", From: f.now.AddDate(0, 0, 3)}, 1},
	} {
		p, err := f.svc.ListOrders(ctx, c.q)
		if err != nil || p.Total != c.want || len(p.Items) != c.want || p.Counts[order.StatusReady] != 4 {
			t.Errorf("%+v: %d (%d items), counts %v, %v; want %d", c.q, p.Total, len(p.Items), p.Counts, err, c.want)
		}
	}
}
