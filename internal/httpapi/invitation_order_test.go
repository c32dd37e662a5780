package httpapi_test

import (
	"bytes"
	"context"
	"io"
	"net/http/httptest"
	"testing"
	"time"

	"id06desk/internal/httpapi"
	"id06desk/internal/invitations"
	"id06desk/internal/order"
	"id06desk/internal/orders"
	"id06desk/internal/qr"
)

type orderEnv struct {
	*env
	inv *invitations.Service
	now *time.Time
}

func newOrderEnv(t *testing.T) orderEnv {
	t.Helper()
	now := time.Date(2026, 12, 10, 9, 0, 0, 0, time.UTC)
	s := newStack(t, withClock(func() time.Time { return now }))
	db, inv := s.db, s.inv
	api := httpapi.New(httpapi.Config{Mode: httpapi.ModeWindow, DB: db, Settings: s.st, Invitations: inv, Outbox: s.mail, Orders: s.orders, Keys: s.keys})
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	return orderEnv{env: &env{srv: srv, db: db, c: srv.Client()}, inv: inv, now: &now}
}

// invite queues one invitation and returns its id.
func (e orderEnv) invite(t *testing.T, email, name string) string {
	t.Helper()
	c, err := e.inv.Create(context.Background(), "admin", []invitations.Row{{Email: email, Name: name}}, true)
	if err != nil {
		t.Fatal(err)
	}
	return c[0].ID
}

// register turns an invitation into an order as Confirm does.
func (e orderEnv) register(t *testing.T, invitationID, orderID, first, last, method string) {
	t.Helper()
	o := order.Order{ID: orderID, InvitationID: invitationID, Status: order.StatusReady, FirstName: first, LastName: last,
		Personnummer: "198112189876", Email: "x@example.se", Phone: "+46701234567", CardType: "id06", Language: "sv",
		Photo: []byte{0xFF, 0xD8}, Thumb: []byte{0xFF, 0xD8}, IdentityMethod: method, IdentityCheck: order.CheckBankID,
		RegisteredAt: *e.now, RegisteredWhere: order.WhereWeb}
	if err := orders.New(orders.Config{Store: e.db}).Create(context.Background(), o, nil); err != nil {
		t.Fatal(err)
	}
}

func (e orderEnv) qrStatus(t *testing.T, id string) (int, string) {
	t.Helper()
	resp, m := e.do(t, "GET", "/api/invitations/"+id+"/qr.png", "")
	return resp.StatusCode, errCode(m)
}

// A revoked, expired or registered invitation hands out neither its link
// nor its QR code; a pending one does.
func TestInvitationLinkOnlyWhileUsable(t *testing.T) {
	e := newOrderEnv(t)
	pending := e.invite(t, "pending@example.se", "")
	revoked := e.invite(t, "revoked@example.se", "")
	registered := e.invite(t, "registered@example.se", "")
	if err := e.inv.Revoke(context.Background(), "admin", revoked); err != nil {
		t.Fatal(err)
	}
	e.register(t, registered, "11111111-1111-4111-8111-111111111111", "Reg", "Istered", order.MethodBankID)

	_, m := e.do(t, "GET", "/api/invitations/"+pending, "")
	if m["link"] == "" || m["link"] == nil {
		t.Fatalf("pending invitation without link: %v", m)
	}
	if st, _ := e.qrStatus(t, pending); st != 200 {
		t.Fatalf("pending QR: %d", st)
	}
	for name, id := range map[string]string{"revoked": revoked, "registered": registered} {
		_, m := e.do(t, "GET", "/api/invitations/"+id, "")
		if m["link"] != "" {
			t.Fatalf("%s invitation hands out its link: %v", name, m["link"])
		}
		if st, code := e.qrStatus(t, id); st != 410 || code != "link_unavailable" {
			t.Fatalf("%s QR: %d %s", name, st, code)
		}
	}

	// Past its expiry (before the hourly sweep marks it expired) the link
	// is gone too.
	*e.now = e.now.Add(31 * 24 * time.Hour)
	_, m = e.do(t, "GET", "/api/invitations/"+pending, "")
	if m["link"] != "" {
		t.Fatalf("link after the expiry: %v", m["link"])
	}
	if st, _ := e.qrStatus(t, pending); st != 410 {
		t.Fatalf("QR after the expiry: %d", st)
	}
}

// The invitation detail names its order; the order names its invitation.
func TestInvitationAndOrderLinkEachOther(t *testing.T) {
	e := newOrderEnv(t)
	id := e.invite(t, "anna@example.se", "Anna Svensson")
	other := e.invite(t, "per@example.se", "")
	const orderID = "22222222-2222-4222-8222-222222222222"
	e.register(t, id, orderID, "Anna Maria", "Svensson", order.MethodBankID)

	_, m := e.do(t, "GET", "/api/invitations/"+id, "")
	if m["orderId"] != orderID {
		t.Fatalf("invitation detail orderId: %v", m["orderId"])
	}
	_, m = e.do(t, "GET", "/api/invitations/"+other, "")
	if m["orderId"] != "" {
		t.Fatalf("invitation without order has orderId %v", m["orderId"])
	}
	_, m = e.do(t, "GET", "/api/orders/"+orderID, "")
	if m["invitationId"] != id {
		t.Fatalf("order detail invitationId: %v", m["invitationId"])
	}
}

// A registered name that is not the invitation's is flagged on the order,
// in the list and the detail; the same person (BankID adds middle names) is not.
func TestOrderNameMismatch(t *testing.T) {
	e := newOrderEnv(t)
	same := e.invite(t, "anna@example.se", "Anna Svensson")
	differs := e.invite(t, "kalle@example.se", "Kalle Svensson")
	noName := e.invite(t, "x@example.se", "")
	ids := map[string]string{
		"same":    "33333333-3333-4333-8333-333333333331",
		"differs": "33333333-3333-4333-8333-333333333332",
		"noName":  "33333333-3333-4333-8333-333333333333",
	}
	e.register(t, same, ids["same"], "Anna Maria", "Svensson", order.MethodBankID)
	e.register(t, differs, ids["differs"], "Karl", "Svensson", order.MethodBankID)
	e.register(t, noName, ids["noName"], "Per", "Olsson", order.MethodManual)

	want := map[string]bool{ids["same"]: false, ids["differs"]: true, ids["noName"]: false}
	_, m := e.do(t, "GET", "/api/orders", "")
	items, _ := m["items"].([]any)
	if len(items) != 3 {
		t.Fatalf("list: %v", m)
	}
	for _, it := range items {
		o := it.(map[string]any)
		if o["nameMismatch"] != want[o["id"].(string)] {
			t.Fatalf("list: order %v nameMismatch %v", o["id"], o["nameMismatch"])
		}
	}
	_, m = e.do(t, "GET", "/api/orders/"+ids["differs"], "")
	if m["nameMismatch"] != true || m["invitationName"] != "Kalle Svensson" || m["firstName"] != "Karl" {
		t.Fatalf("detail: %v", m)
	}
	_, m = e.do(t, "GET", "/api/orders/"+ids["same"], "")
	if m["nameMismatch"] != false || m["invitationName"] != "Anna Svensson" {
		t.Fatalf("detail of the same name: %v", m)
	}
}

// The console's QR code of an invitation is the image the invitation mail
// carries: qr.Link of the same link (the mail test checks the mail's side).
func TestInvitationQRIsTheMailedImage(t *testing.T) {
	e := newOrderEnv(t)
	id := e.invite(t, "qr@example.se", "")
	_, m := e.do(t, "GET", "/api/invitations/"+id, "")
	link, _ := m["link"].(string)
	if link == "" {
		t.Fatalf("no link: %v", m)
	}
	resp, err := e.c.Get(e.srv.URL + "/api/invitations/" + id + "/qr.png")
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("qr.png: %d %v", resp.StatusCode, err)
	}
	want, err := qr.Link(link)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the console's QR (%d bytes) differs from the mailed one (%d bytes)", len(got), len(want))
	}
}
