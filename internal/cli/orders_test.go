package cli_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"id06desk/internal/cli"
	"id06desk/internal/order"
)

// pagedOrders serves n orders in pages, filtered by status like the store.
type pagedOrders struct{ all []order.Order }

func (p pagedOrders) ListOrders(_ context.Context, q order.ListQuery) (order.Page, error) {
	var match []order.Order
	for _, o := range p.all {
		if q.Status == "" || o.Status == q.Status {
			match = append(match, o)
		}
	}
	page := order.Page{Total: len(match), Page: q.Page, PageSize: q.PageSize}
	from := (q.Page - 1) * q.PageSize
	page.Items = match[min(from, len(match)):min(from+q.PageSize, len(match))]
	return page, nil
}

func TestOrdersList(t *testing.T) {
	var all []order.Order
	at := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	for i := range 1203 {
		st := order.StatusReady
		if i%3 == 0 {
			st = order.StatusSentToNexus
		}
		all = append(all, order.Order{ID: "o" + string(rune('a'+i%26)), FirstName: "Anna", LastName: "Berg", Email: "anna@example.se",
			CardType: "id06-rfid", Status: st, IdentityCheck: order.CheckPendingPartner, Personnummer: "198112189876",
			RegisteredAt: at, RegisteredWhere: order.WhereKiosk})
	}
	s := cli.Services{Orders: pagedOrders{all}}

	out, _, err := run(s, "orders", "list", "--status", "ready", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var lines []map[string]any
	if err := json.Unmarshal([]byte(out), &lines); err != nil {
		t.Fatal(err)
	}
	if len(lines) != 802 { // every page, only "ready"
		t.Fatalf("%d orders in JSON", len(lines))
	}
	if lines[0]["status"] != "ready" || lines[0]["name"] != "Anna Berg" || strings.Contains(out, "198112189876") {
		t.Fatalf("JSON line %v", lines[0])
	}

	out, _, err = run(s, "orders", "list")
	if err != nil || strings.Count(out, "\n") != 1204 || !strings.HasPrefix(out, "ID ") || !strings.Contains(out, "(kiosk)") {
		t.Fatalf("table (%v):\n%.300s", err, out)
	}

	if out, _, _ := run(cli.Services{Orders: pagedOrders{}}, "orders", "list"); strings.TrimSpace(out) != "No orders." {
		t.Fatalf("empty: %q", out)
	}
	if _, _, err := run(s, "orders", "list", "--status", "shipped"); !errors.Is(err, cli.ErrUsage) {
		t.Fatalf("bad status: %v", err)
	}
}
