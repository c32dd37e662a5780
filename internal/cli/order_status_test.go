package cli_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"id06desk/internal/audit"
	"id06desk/internal/cli"
	"id06desk/internal/invite"
	"id06desk/internal/order"
	"id06desk/internal/orders"
	"id06desk/internal/outbox"
	"id06desk/internal/sqlite"
)

// `orders status ID STATUS` records Nexus's answer through the orders
// service on a real database; a move the table refuses changes nothing
// and says so; global flags may come after the command.
func TestOrdersStatus(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "c.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	now := time.Now()
	inv := invite.Invitation{ID: "00000000-0000-4000-8000-000000000001", Code: "ORDERS0001", Email: "a@example.se", CardType: "id06-rfid",
		Language: "sv", Status: invite.StatusSent, Token: "v1.x", CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(time.Hour)}
	if err := db.CreateInvitations(ctx, "admin", []invite.Invitation{inv}, []*outbox.Message{nil}); err != nil {
		t.Fatal(err)
	}
	svc := orders.New(orders.Config{Store: db, Now: db.Now})
	if err := svc.Create(ctx, order.Order{ID: "o1", InvitationID: inv.ID, Status: order.StatusReady, FirstName: "Anna", LastName: "Berg",
		Email: inv.Email, Phone: "+46701234567", CardType: "id06-rfid", Language: "sv", Photo: []byte{1}, Thumb: []byte{1},
		IdentityMethod: order.MethodManual, IdentityCheck: order.CheckPendingPartner, RegisteredAt: now, RegisteredWhere: order.WhereWeb}, nil); err != nil {
		t.Fatal(err)
	}
	s := cli.Services{Orders: svc, OrderStatus: svc}

	_, _, err = run(s, "orders", "status", "o1", "in_production")
	if !errors.Is(err, order.ErrTransition) || !strings.Contains(err.Error(), "Anna Berg is ready to send and cannot become in production") {
		t.Fatalf("ready → in_production: %v", err)
	}
	if _, _, err := run(s, "orders", "status", "o1", "shipped"); !errors.Is(err, cli.ErrUsage) {
		t.Fatalf("unknown status: %v", err)
	}
	if _, _, err := run(s, "orders", "status", "o1"); !errors.Is(err, cli.ErrUsage) {
		t.Fatalf("missing status: %v", err)
	}
	if _, _, err := run(s, "orders", "status", "o1", "rejected_by_nexus"); err == nil || !strings.Contains(err.Error(), "Write why Nexus rejected") {
		t.Fatalf("rejected without a reason: %v", err)
	}
	out, _, err := run(s, "orders", "status", "o1", "cancelled", "--reason", "Slutat", "--data-dir", t.TempDir())
	if err != nil || strings.TrimSpace(out) != "o1 cancelled" {
		t.Fatalf("cancel: %q %v", out, err)
	}
	if o, _ := db.GetOrder(ctx, "o1"); o.Status != order.StatusCancelled {
		t.Fatalf("status %s", o.Status)
	}
	a, _ := db.RecentAudit(ctx, 1)
	if a[0].Action != orders.ActionStatusRecorded || a[0].ActorKind != audit.KindCLI || a[0].Subject != "o1" {
		t.Fatalf("audit %+v", a[0])
	}
	out, _, _ = run(s, "orders", "status", "--help")
	if !strings.Contains(out, "rejected_by_nexus") || !strings.Contains(out, "--reason") {
		t.Fatalf("help:\n%s", out)
	}
}
