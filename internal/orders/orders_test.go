package orders_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"id06desk/internal/invite"
	"id06desk/internal/order"
	"id06desk/internal/orders"
	"id06desk/internal/outbox"
	"id06desk/internal/registration"
	"id06desk/internal/sqlite"
)

type fixture struct {
	db  *sqlite.DB
	svc *orders.Service
	now time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "id06desk.db"), sqlite.Options{Now: func() time.Time { return f.now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f.db = db
	f.svc = orders.New(orders.Config{Store: db, Now: db.Now})
	return f
}

// invitation stores an invitation in status st with a registration draft.
func (f *fixture) invitation(t *testing.T, n int, st invite.Status) invite.Invitation {
	t.Helper()
	ctx := context.Background()
	inv := invite.Invitation{ID: "00000000-0000-4000-8000-00000000000" + string(rune('0'+n)), Code: "ORDER0000" + string(rune('0'+n)),
		Email: "p" + string(rune('0'+n)) + "@example.se", CardType: "id06-rfid", Language: "sv", Status: st,
		Token: "v1.orders", CreatedAt: f.now, UpdatedAt: f.now, ExpiresAt: f.now.Add(30 * 24 * time.Hour)}
	if err := f.db.CreateInvitations(ctx, "admin", []invite.Invitation{inv}, []*outbox.Message{nil}); err != nil {
		t.Fatal(err)
	}
	if _, err := registration.SaveDraft(ctx, f.db, inv.ID, func(d *registration.Draft) error {
		d.Method = order.MethodManual
		d.Personal = &registration.Personal{FirstName: "Anna", LastName: "Berg", HasPersonnummer: true, Personnummer: "198112189876"}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return inv
}

func newOrder(id, invitationID string) order.Order {
	return order.Order{ID: id, InvitationID: invitationID, Status: order.StatusReady,
		FirstName: "Anna", LastName: "Berg", Personnummer: "198112189876", Email: "a@example.se", Phone: "+46701234567",
		CardType: "id06-rfid", Language: "sv", Photo: []byte{1, 2, 3}, Thumb: []byte{1},
		IdentityMethod: order.MethodManual, IdentityCheck: order.CheckPendingPartner,
		RegisteredAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), RegisteredWhere: order.WhereKiosk}
}

func kinds(evs []invite.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Kind+":"+e.Detail)
	}
	return out
}

func TestCreateMovesTheInvitationQueuesMailsAndDeletesTheDraft(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	inv := f.invitation(t, 1, invite.StatusSent)
	mail := &outbox.Message{MessageID: "<m1@x>", Kind: "order_ready", From: "a@x.se", To: "admin@x.se", Body: []byte("hi")}
	if err := f.svc.Create(ctx, newOrder("o1", inv.ID), []*outbox.Message{mail}); err != nil {
		t.Fatal(err)
	}
	got, evs, err := f.db.GetInvitation(ctx, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != invite.StatusReady {
		t.Errorf("invitation %s, want ready", got.Status)
	}
	if k := kinds(evs); !slices.Equal(k[len(k)-2:], []string{"registered:kiosk", "ready:"}) {
		t.Errorf("timeline %v, want registered (where) then ready last", k)
	}
	if d, _ := registration.LoadDraft(ctx, f.db, inv.ID); d.Personal != nil {
		t.Error("the draft is still there")
	}
	if pending, _, _, _ := f.db.OutboxCounts(ctx); pending != 1 {
		t.Errorf("%d mails pending, want 1", pending)
	}
	if m, _ := f.db.ClaimDue(ctx, "w", f.now, time.Minute, true, 0); m == nil || m.InvitationID != "" {
		t.Errorf("queued mail %+v: want the order mail, not tied to the invitation", m)
	}
	o, err := f.svc.GetOrder(ctx, "o1")
	if err != nil || o.Status != order.StatusReady || o.InvitationID != inv.ID || len(o.Photo) != 3 {
		t.Fatalf("order %+v %v", o, err)
	}
	audit, _ := f.db.RecentAudit(ctx, 1)
	if len(audit) != 1 || audit[0].Action != "order.created" || audit[0].Actor != "cardholder" || audit[0].Subject != "o1" {
		t.Errorf("audit %+v", audit)
	}
}

func TestCreateTwiceChangesNothing(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	inv := f.invitation(t, 1, invite.StatusOpened)
	if err := f.svc.Create(ctx, newOrder("o1", inv.ID), nil); err != nil {
		t.Fatal(err)
	}
	_, before, _ := f.db.GetInvitation(ctx, inv.ID)
	mail := &outbox.Message{MessageID: "<m2@x>", Kind: "order_ready", From: "a@x.se", To: "admin@x.se", Body: []byte("hi")}
	err := f.svc.Create(ctx, newOrder("o2", inv.ID), []*outbox.Message{mail})
	if !errors.Is(err, order.ErrAlreadyRegistered) || !errors.Is(err, registration.ErrAlreadyRegistered) {
		t.Fatalf("second order: %v, want ErrAlreadyRegistered", err)
	}
	if _, err := f.svc.GetOrder(ctx, "o2"); !errors.Is(err, order.ErrNotFound) {
		t.Errorf("second order stored: %v", err)
	}
	_, after, _ := f.db.GetInvitation(ctx, inv.ID)
	if len(after) != len(before) {
		t.Errorf("timeline grew: %v", kinds(after))
	}
	if pending, _, _, _ := f.db.OutboxCounts(ctx); pending != 0 {
		t.Errorf("%d mails queued by a refused order", pending)
	}
}

// Two confirmations at once: exactly one order.
func TestCreateRace(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	inv := f.invitation(t, 1, invite.StatusOpened)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Go(func() { errs[i] = f.svc.Create(ctx, newOrder("o"+string(rune('1'+i)), inv.ID), nil) })
	}
	wg.Wait()
	ok, dup := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, order.ErrAlreadyRegistered):
			dup++
		default:
			t.Fatal(err)
		}
	}
	if ok != 1 || dup != 1 {
		t.Fatalf("%d created, %d refused; want 1 and 1", ok, dup)
	}
}

// The invitation's life cycle decides: no order from an invitation that
// cannot register (never sent, revoked, expired before the registration)
// and no order that starts elsewhere than ready.
func TestCreateFollowsTheLifeCycle(t *testing.T) {
	ctx := context.Background()
	for i, st := range []invite.Status{invite.StatusDraft, invite.StatusRevoked, invite.StatusExpired} {
		t.Run(string(st), func(t *testing.T) {
			f := newFixture(t)
			inv := f.invitation(t, i+1, st)
			o := newOrder("o1", inv.ID)
			o.RegisteredAt = inv.ExpiresAt // not before the expiry
			if err := f.svc.Create(ctx, o, nil); !errors.Is(err, invite.ErrTransition) {
				t.Fatalf("order from %s: %v, want ErrTransition", st, err)
			}
			if _, err := f.svc.OrderOf(ctx, inv.ID); !errors.Is(err, order.ErrNotFound) {
				t.Fatalf("an order was stored: %v", err)
			}
			if d, _ := registration.LoadDraft(ctx, f.db, inv.ID); d.Personal == nil {
				t.Error("the draft went with a refused order")
			}
		})
	}
	// An expired invitation takes a registration made before its expiry
	// (an offline kiosk's bundle arriving late).
	f := newFixture(t)
	late := f.invitation(t, 5, invite.StatusExpired)
	o := newOrder("o-late", late.ID)
	o.RegisteredAt = late.ExpiresAt.Add(-time.Hour)
	if err := f.svc.Create(ctx, o, nil); err != nil {
		t.Fatalf("order made before the expiry, arriving after it: %v", err)
	}
	inv := f.invitation(t, 1, invite.StatusSent)
	o = newOrder("o1", inv.ID)
	o.Status = order.StatusDelivered
	if err := f.svc.Create(ctx, o, nil); err == nil {
		t.Fatal("an order was created as delivered")
	}
	if err := f.svc.Create(ctx, newOrder("o1", "00000000-0000-4000-8000-0000000000ff"), nil); !errors.Is(err, invite.ErrNotFound) {
		t.Fatalf("order for an unknown invitation: %v", err)
	}
}

// The constraint that maps to ErrAlreadyRegistered is the one on
// invitation_id (by the driver's code): an order id used twice is another
// error.
func TestDuplicateOrderIDIsNotAlreadyRegistered(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.invitation(t, 1, invite.StatusSent)
	b := f.invitation(t, 2, invite.StatusSent)
	if err := f.svc.Create(ctx, newOrder("same", a.ID), nil); err != nil {
		t.Fatal(err)
	}
	err := f.svc.Create(ctx, newOrder("same", b.ID), nil)
	if err == nil || errors.Is(err, order.ErrAlreadyRegistered) {
		t.Fatalf("order id used twice: %v", err)
	}
	if got, _, _ := f.db.GetInvitation(ctx, b.ID); got.Status != invite.StatusSent {
		t.Errorf("invitation b moved to %s", got.Status)
	}
}

func TestRecordIdentityCheck(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	inv := f.invitation(t, 1, invite.StatusSent)
	if err := f.svc.Create(ctx, newOrder("o1", inv.ID), nil); err != nil {
		t.Fatal(err)
	}
	f.now = f.now.Add(time.Hour)
	o, err := f.svc.RecordIdentityCheck(ctx, "admin", "o1")
	if err != nil {
		t.Fatal(err)
	}
	if o.IdentityCheck != order.CheckDone || !o.IdentityCheckedAt.Equal(f.now) || !o.UpdatedAt.Equal(f.now) || len(o.Photo) == 0 {
		t.Fatalf("after the check: %s at %v (updated %v), photo %d bytes", o.IdentityCheck, o.IdentityCheckedAt, o.UpdatedAt, len(o.Photo))
	}
	audit, _ := f.db.RecentAudit(ctx, 1)
	if len(audit) != 1 || audit[0].Action != "order.identity_checked" || audit[0].Actor != "admin" || audit[0].Subject != "o1" {
		t.Fatalf("audit %+v", audit)
	}
	// Again: nothing to record.
	f.now = f.now.Add(time.Hour)
	o2, err := f.svc.RecordIdentityCheck(ctx, "admin", "o1")
	if err != nil || !o2.IdentityCheckedAt.Equal(o.IdentityCheckedAt) {
		t.Fatalf("second check %v %v", o2.IdentityCheckedAt, err)
	}
	checks := 0
	all, _ := f.db.RecentAudit(ctx, 100)
	for _, a := range all {
		if a.Action == "order.identity_checked" {
			checks++
		}
	}
	if checks != 1 {
		t.Errorf("%d identity-check audit lines, want 1", checks)
	}
	// BankID verified: stays as it is.
	inv2 := f.invitation(t, 2, invite.StatusSent)
	bo := newOrder("o2", inv2.ID)
	bo.IdentityMethod, bo.IdentityCheck = order.MethodBankID, order.CheckBankID
	if err := f.svc.Create(ctx, bo, nil); err != nil {
		t.Fatal(err)
	}
	if o, err := f.svc.RecordIdentityCheck(ctx, "admin", "o2"); err != nil || o.IdentityCheck != order.CheckBankID || !o.IdentityCheckedAt.IsZero() {
		t.Fatalf("bankid order: %s %v %v", o.IdentityCheck, o.IdentityCheckedAt, err)
	}
	if _, err := f.svc.RecordIdentityCheck(ctx, "admin", "nope"); !errors.Is(err, order.ErrNotFound) {
		t.Fatalf("unknown order: %v", err)
	}
}

func TestListOrders(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for i := range 3 {
		inv := f.invitation(t, i+1, invite.StatusSent)
		if err := f.svc.Create(ctx, newOrder("o"+string(rune('1'+i)), inv.ID), nil); err != nil {
			t.Fatal(err)
		}
	}
	p, err := f.svc.ListOrders(ctx, order.ListQuery{Status: order.StatusReady, PageSize: 2})
	if err != nil || p.Total != 3 || len(p.Items) != 2 || p.Counts[order.StatusReady] != 3 {
		t.Fatalf("page %+v %v", p, err)
	}
}

// Finished orders and abandoned ones (rejected by Nexus or reopened, then
// left as they are) lose their personal data after retention; orders still
// on their way (ready, at Nexus, in production) never do.
func TestPurgedStatusesAreTheFinishedAndAbandonedOnes(t *testing.T) {
	got := orders.PurgedStatuses()
	want := []order.Status{order.StatusRejectedByNexus, order.StatusDelivered, order.StatusReopened, order.StatusCancelled}
	if !slices.Equal(got, want) {
		t.Fatalf("purged %v, want %v", got, want)
	}
}
