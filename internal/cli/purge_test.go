package cli_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"id06desk/internal/audit"
	"id06desk/internal/cli"
	"id06desk/internal/exports"
	"id06desk/internal/invite"
	"id06desk/internal/order"
	"id06desk/internal/orders"
	"id06desk/internal/outbox"
	"id06desk/internal/sqlite"
)

// purge --dry-run counts per status and changes nothing; purge does it and
// is audited as the command line's user; the exports are 0600 files with
// the personnummer only on request.
func TestPurgeAndExports(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "c.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	old := time.Now().Add(-100 * 24 * time.Hour)
	for i, st := range []order.Status{order.StatusDelivered, order.StatusRejectedByNexus, order.StatusReady} {
		id := "00000000-0000-4000-8000-00000000000" + string(rune('1'+i))
		inv := invite.Invitation{ID: id, Code: "PURGE0000" + string(rune('1'+i)), Email: "p@example.se", CardType: "id06-rfid", Language: "sv",
			Status: invite.StatusSent, Token: "v1.x", CreatedAt: old, UpdatedAt: old, ExpiresAt: time.Now().Add(time.Hour)}
		if err := db.CreateInvitations(ctx, "", []invite.Invitation{inv}, []*outbox.Message{nil}); err != nil {
			t.Fatal(err)
		}
		o := order.Order{ID: "o" + id, InvitationID: id, Status: order.StatusReady, FirstName: "Purga", LastName: "Persson", Personnummer: "19121212X7Q3",
			Email: "p@example.se", Phone: "+46700000000", CardType: "id06-rfid", Language: "sv", Photo: []byte("photo"), Thumb: []byte("t"),
			IdentityMethod: order.MethodManual, IdentityCheck: order.CheckPendingPartner, RegisteredAt: old, RegisteredWhere: order.WhereWeb}
		if err := orders.New(orders.Config{Store: db}).Create(ctx, o, nil); err != nil {
			t.Fatal(err)
		}
		if err := db.RunInTx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE orders SET status = ?, updated_at = ? WHERE id = ?`, string(st), old.UnixMilli(), o.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	s := cli.Services{Orders: orders.New(orders.Config{Store: db}), Audit: db, Exports: exports.New(db), Sweeper: db,
		Retention: func(_ context.Context, now time.Time) (time.Time, time.Time) {
			return now.Add(-30 * 24 * time.Hour), now.Add(-90 * 24 * time.Hour)
		}}

	out, _, err := run(s, "purge", "--dry-run")
	if err != nil || !strings.Contains(out, "Would purge the personal data of 2 order(s)") || !strings.Contains(out, "rejected_by_nexus  1") ||
		!strings.Contains(out, "delivered          1") || strings.Contains(out, "Purga") {
		t.Fatalf("dry run (%v):\n%s", err, out)
	}
	if o, _ := db.GetOrder(ctx, "o00000000-0000-4000-8000-000000000001"); o.Personnummer == "" {
		t.Fatal("the dry run purged")
	}

	// Exports before the purge: 0600, personnummer only when asked.
	file := filepath.Join(dir, "orders.csv")
	os.WriteFile(file, []byte("old"), 0o644)
	if out, _, err := run(s, "orders", "export", "--out", file); err != nil || !strings.Contains(out, "Wrote 3 order(s)") {
		t.Fatalf("export: %v %s", err, out)
	}
	b, _ := os.ReadFile(file)
	if st, _ := os.Stat(file); st.Mode().Perm() != 0o600 || strings.Contains(string(b), "19121212X7Q3") || !strings.HasPrefix(string(b), "\uFEFFid,") {
		t.Fatalf("orders.csv %v:\n%s", st.Mode(), b)
	}
	if _, _, err := run(s, "orders", "export", "--out", file, "--status", "ready", "--with-personnummer"); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(file); strings.Count(string(b), "19121212X7Q3") != 1 {
		t.Fatalf("with personnummer:\n%s", b)
	}

	out, _, err = run(s, "purge")
	if err != nil || !strings.Contains(out, "Purged the personal data of 2 order(s)") {
		t.Fatalf("purge (%v):\n%s", err, out)
	}
	if o, _ := db.GetOrder(ctx, "o00000000-0000-4000-8000-000000000002"); o.Personnummer != "" || o.FirstName != "" || len(o.Photo) != 0 {
		t.Fatalf("rejected order kept: %+v", o)
	}
	if o, _ := db.GetOrder(ctx, "o00000000-0000-4000-8000-000000000003"); o.Personnummer == "" {
		t.Fatal("a ready order was purged")
	}
	p, _ := db.ListAudit(ctx, audit.Query{Actions: []audit.Action{audit.OrdersPurged}})
	if p.Total != 1 || p.Items[0].ActorKind != audit.KindCLI || p.Items[0].Detail != "rejected_by_nexus=1, delivered=1" {
		t.Fatalf("purge audit %+v", p.Items)
	}

	afile := filepath.Join(dir, "audit.csv")
	if _, _, err := run(s, "audit", "export", "--out", afile, "--from", time.Now().UTC().Format("2006-01-02")); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(afile)
	if st, _ := os.Stat(afile); st.Mode().Perm() != 0o600 || !strings.Contains(string(b), ",cli,") || !strings.Contains(string(b), "orders.exported,,status=ready; with personnummer") ||
		strings.Contains(string(b), "19121212X7Q3") {
		t.Fatalf("audit.csv:\n%s", b)
	}
	if _, _, err := run(s, "audit", "export"); err == nil {
		t.Fatal("audit export without --out")
	}
}
