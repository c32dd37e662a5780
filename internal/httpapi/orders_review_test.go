package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"id06desk/internal/invitations"
	"id06desk/internal/order"
	"id06desk/internal/orders"
)

// order makes an order of a new invitation, as Confirm would.
func (s *stack) order(t *testing.T, email, id, cardType, where string, at time.Time) {
	t.Helper()
	ctx := context.Background()
	c, err := s.inv.Create(ctx, "admin", []invitations.Row{{Email: email}}, true)
	if err != nil {
		t.Fatal(err)
	}
	o := order.Order{ID: id, InvitationID: c[0].ID, Status: order.StatusReady, FirstName: "Anna", LastName: "Berg",
		Personnummer: "198112189876", Email: email, Phone: "+46701234567", CardType: cardType, Language: "sv",
		Delivery: order.Delivery{Address: order.Address{Name: "Anna Berg", Street: "Gatan 1", PostalCode: "111 22", City: "Stockholm", Country: "SE"}},
		Photo:    []byte{0xFF, 0xD8}, Thumb: []byte{0xFF, 0xD8}, IdentityMethod: order.MethodManual, IdentityCheck: order.CheckPendingPartner,
		RegisteredAt: at, RegisteredWhere: where}
	if err := orders.New(orders.Config{Store: s.db}).Create(ctx, o, nil); err != nil {
		t.Fatal(err)
	}
}

// call is do with Accept-Language.
func (e *env) call(t *testing.T, method, path, lang, body string) (*http.Response, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept-Language", lang)
	resp, err := e.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	json.NewDecoder(resp.Body).Decode(&m)
	return resp, m
}

func TestOrderListFilters(t *testing.T) {
	s := newStack(t)
	e := s.console(t)
	day := time.Date(2026, 5, 10, 12, 0, 0, 0, time.Local)
	s.order(t, "a@example.se", "o1", "id06-rfid", order.WhereKiosk, day)
	s.order(t, "b@example.se", "o2", "visitor", order.WhereWeb, day.AddDate(0, 0, 1))
	s.order(t, "c@example.se", "o3", "visitor", order.WhereKiosk, day.AddDate(0, 0, 2))
	for q, want := range map[string]float64{
		"":                                 3,
		"?cardType=visitor":                2,
		"?where=kiosk":                     2,
		"?cardType=visitor&where=kiosk":    1,
		"?from=2026-05-11":                 2,
		"?from=2026-05-10&to=2026-05-11":   2,
		"?to=2026-05-10":                   1,
		"?q=c%40example":                   1,
		"?status=ready&cardType=id06-rfid": 1,
	} {
		resp, m := e.do(t, "GET", "/api/orders"+q, "")
		if resp.StatusCode != 200 || m["total"] != want {
			t.Errorf("%s: %d total %v, want %v", q, resp.StatusCode, m["total"], want)
		}
		if counts, _ := m["counts"].(map[string]any); counts["ready"] != float64(3) {
			t.Errorf("%s: counts %v (filters ignored)", q, counts)
		}
	}
	resp, m := e.do(t, "GET", "/api/orders?from=10/5", "")
	if resp.StatusCode != 400 || errCode(m) != "invalid" {
		t.Fatalf("bad date: %d %v", resp.StatusCode, m)
	}
}

func TestOrderDetailEditRejectAndStatus(t *testing.T) {
	s := newStack(t)
	e := s.console(t)
	s.order(t, "anna@example.se", "o1", "id06-rfid", order.WhereWeb, time.Now())
	s.order(t, "bo@example.se", "o2", "id06-rfid", order.WhereWeb, time.Now())

	resp, m := e.do(t, "GET", "/api/orders/o1", "")
	acts, _ := m["actions"].(map[string]any)
	if resp.StatusCode != 200 || m["identityProof"] != "manual_partner" || m["identityPartner"] != "Sistec" || acts["edit"] != true || acts["reject"] != true || acts["editNames"] != true {
		t.Fatalf("detail %d %v", resp.StatusCode, m)
	}
	if next, _ := acts["next"].([]any); len(next) != 3 || next[0] != "sent_to_nexus" {
		t.Fatalf("next %v", acts["next"])
	}
	if evs, _ := m["events"].([]any); len(evs) < 3 {
		t.Fatalf("timeline %v", m["events"])
	}

	// Edit: the changed fields on the timeline, never their values.
	resp, m = e.do(t, "PATCH", "/api/orders/o1", `{"phone":"070-111 22 33","costCentre":"P-4711"}`)
	if resp.StatusCode != 200 || m["phone"] != "+46701112233" || m["costCentre"] != "P-4711" {
		t.Fatalf("edit %d %v", resp.StatusCode, m)
	}
	evs := m["events"].([]any)
	if last := evs[len(evs)-1].(map[string]any); last["kind"] != "edited" || last["detail"] != "phone,cost_centre" {
		t.Fatalf("last event %v", last)
	}
	resp, m = e.call(t, "PATCH", "/api/orders/o1", "sv", `{"phone":"08-123 456 78","delivery":{"useCompany":false,"address":{"name":"","careOf":"","street":"G 1","postalCode":"111 22","city":"Sthlm","country":"SE"}}}`)
	fc, _ := m["error"].(map[string]any)["fieldCodes"].(map[string]any)
	if resp.StatusCode != 400 || errCode(m) != "invalid" || fc["phone"] != "not_mobile" || fc["name"] != "required" {
		t.Fatalf("bad edit %d %v", resp.StatusCode, m)
	}
	if resp, m := e.do(t, "PATCH", "/api/orders/o1", `{"personnummer":"191212121212"}`); resp.StatusCode != 400 || errCode(m) != "bad_request" {
		t.Fatalf("personnummer edited: %d %v", resp.StatusCode, m)
	}

	// Nexus's answer: all or nothing, the refusal names the order.
	resp, m = e.call(t, "POST", "/api/orders/status", "sv", `{"ids":["o1","o2"],"status":"delivered"}`)
	er, _ := m["error"].(map[string]any)
	det, _ := er["details"].(map[string]any)
	if resp.StatusCode != 409 || errCode(m) != "conflict" || det["orders"] != "o1,o2" || !strings.Contains(er["message"].(string), "Anna Berg är klar att skickas och kan inte bli levererad") {
		t.Fatalf("refused status %d %v", resp.StatusCode, m)
	}
	if resp, m := e.do(t, "POST", "/api/orders/status", `{"ids":["o2","ghost"],"status":"cancelled"}`); resp.StatusCode != 404 || m["error"].(map[string]any)["details"].(map[string]any)["orders"] != "ghost" {
		t.Fatalf("unknown id %d %v", resp.StatusCode, m)
	}
	if resp, m := e.do(t, "POST", "/api/orders/status", `{"ids":["o2"],"status":"cancelled","reason":"Slutat"}`); resp.StatusCode != 200 || m["changed"] != float64(1) {
		t.Fatalf("cancel %d %v", resp.StatusCode, m)
	}
	if resp, m := e.do(t, "POST", "/api/orders/status", `{"ids":["o2"],"status":"ready"}`); resp.StatusCode != 400 || errCode(m) != "invalid" {
		t.Fatalf("not recordable %d %v", resp.StatusCode, m)
	}

	// Back to the cardholder: reopened, a mail queued with the new link.
	pending, _, _, _ := s.db.OutboxCounts(context.Background())
	resp, m = e.do(t, "POST", "/api/orders/o1/reject", `{"reason":"photo_not_accepted","note":"Skugga i bakgrunden"}`)
	if resp.StatusCode != 200 || m["status"] != "reopened" || m["reopenReason"] != "photo_not_accepted" || m["actions"].(map[string]any)["reject"] != true {
		t.Fatalf("reject %d %v", resp.StatusCode, m)
	}
	if after, _, _, _ := s.db.OutboxCounts(context.Background()); after != pending+1 {
		t.Fatalf("%d mails pending, want %d", after, pending+1)
	}
	// Again, while it is back with the cardholder: a fresh link, a second mail.
	if resp, m := e.do(t, "POST", "/api/orders/o1/reject", `{"reason":"photo_not_accepted"}`); resp.StatusCode != 200 || m["status"] != "reopened" {
		t.Fatalf("reject twice %d %v", resp.StatusCode, m)
	}
	if after, _, _, _ := s.db.OutboxCounts(context.Background()); after != pending+2 {
		t.Fatalf("%d mails pending after a fresh link, want %d", after, pending+2)
	}
	if resp, m := e.do(t, "POST", "/api/orders/o2/reject", `{"reason":"bogus"}`); resp.StatusCode != 400 || m["error"].(map[string]any)["fieldCodes"].(map[string]any)["reason"] != "reason_unknown" {
		t.Fatalf("bad reason %d %v", resp.StatusCode, m)
	}
}
