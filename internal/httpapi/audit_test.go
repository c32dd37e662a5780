package httpapi_test

import (
	"context"
	"id06desk/internal/photo/phototest"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"id06desk/internal/audit"
	"id06desk/internal/exports"
	"id06desk/internal/httpapi"
	"id06desk/internal/orders"
)

func getRaw(t *testing.T, e *env, path string) (*http.Response, string) {
	t.Helper()
	resp, err := e.c.Get(e.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// A whole registration and order, then the admin viewing and exporting it:
// the audit trail names who did what with typed actions and actor kinds,
// viewing the personal data and exporting with personnummer are audited,
// and no audit line holds the personnummer, a name or the email.
func TestAuditTrailAndExports(t *testing.T) {
	ctx := context.Background()
	stack := newStack(t)
	pub := &env{srv: stack.serve(t, false), db: stack.db}
	pub.c = pub.srv.Client()
	adminSrv := httptest.NewServer(httpapi.New(httpapi.Config{Mode: httpapi.ModeWindow, WindowUser: "anna-os", DB: stack.db, Settings: stack.st,
		Invitations: stack.inv, Outbox: stack.mail, Orders: orders.New(orders.Config{Store: stack.db, Now: stack.db.Now}), Keys: stack.keys,
		Exports: exports.New(stack.db)}))
	t.Cleanup(adminSrv.Close)
	adm := &env{srv: adminSrv, db: stack.db, c: adminSrv.Client()}

	const email, first, last = "audit-marker@example.se", "Markör", "Testsson"
	resp, m := adm.do(t, "POST", "/api/invitations", `{"rows":[{"email":"`+email+`","name":"Markör Testsson"}],"send":true}`)
	if resp.StatusCode != 201 {
		t.Fatalf("invite: %d %v", resp.StatusCode, m)
	}
	link := m["created"].([]any)[0].(map[string]any)["link"].(string)
	tok := link[strings.LastIndex(link, "/")+1:]
	for _, step := range []struct{ method, path, body string }{
		{"GET", "", ""},
		{"PUT", "/method", `{"method":"manual"}`},
		{"PUT", "/personal", `{"firstName":"` + first + `","lastName":"` + last + `","hasPersonnummer":true,"personnummer":"811218-9876","phone":"070-123 45 67"}`},
		{"PUT", "/delivery", `{"useCompany":true}`},
	} {
		if resp, m := pub.do(t, step.method, "/api/register/"+tok+step.path, step.body); resp.StatusCode != 200 {
			t.Fatalf("%s %s: %d %v", step.method, step.path, resp.StatusCode, m)
		}
	}
	if resp, m := pub.send(t, "POST", "/api/register/"+tok+"/photo", "image/jpeg", string(phototest.Face(t))); resp.StatusCode != 200 {
		t.Fatalf("photo: %d %v", resp.StatusCode, m)
	}
	resp, m = pub.do(t, "POST", "/api/register/"+tok+"/confirm", "")
	if resp.StatusCode != 200 {
		t.Fatalf("confirm: %d %v", resp.StatusCode, m)
	}
	orderID := m["orderId"].(string)

	// Viewing the order's personal data is audited, as the window's user.
	if resp, m := adm.do(t, "GET", "/api/orders/"+orderID, ""); resp.StatusCode != 200 || m["personnummer"] != "198112189876" {
		t.Fatalf("order: %d %v", resp.StatusCode, m)
	}
	resp, m = adm.do(t, "GET", "/api/audit?action=order.viewed", "")
	items, _ := m["items"].([]any)
	if resp.StatusCode != 200 || len(items) != 1 || m["total"] != 1.0 {
		t.Fatalf("viewed: %d %v", resp.StatusCode, m)
	}
	if v := items[0].(map[string]any); v["actorKind"] != "window" || v["actor"] != "anna-os" || v["subject"] != orderID {
		t.Fatalf("viewed line: %v", v)
	}
	if acts, _ := m["actions"].([]any); len(acts) != len(audit.Actions()) {
		t.Fatalf("actions for the filter: %v", m["actions"])
	}
	// The cardholder's steps are audited as the cardholder.
	_, m = adm.do(t, "GET", "/api/audit?actorKind=cardholder", "")
	var got []string
	for _, it := range m["items"].([]any) {
		got = append(got, it.(map[string]any)["action"].(string))
	}
	if strings.Join(got, ",") != "order.created,invitation.opened" {
		t.Fatalf("cardholder lines: %v", got)
	}
	if resp, m := adm.do(t, "GET", "/api/audit?action=nonsense", ""); resp.StatusCode != 400 || errCode(m) != "invalid" {
		t.Fatalf("unknown action: %d %v", resp.StatusCode, m)
	}
	if resp, m := adm.do(t, "GET", "/api/audit?from=yesterday", ""); resp.StatusCode != 400 {
		t.Fatalf("bad date: %d %v", resp.StatusCode, m)
	}

	// Orders CSV: BOM, English header, no personnummer unless asked for;
	// a cell starting with = gets an apostrophe.
	resp, body := getRaw(t, adm, "/api/orders.csv")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") || !strings.HasPrefix(body, "\uFEFFid,invitation_id,status,first_name,") {
		t.Fatalf("orders.csv: %d %q", resp.StatusCode, body)
	}
	if strings.Contains(body, "8112189876") || strings.Contains(body, "personnummer") || !strings.Contains(body, ",Markör,Testsson,") || !strings.Contains(body, ",'+46701234567,") {
		t.Fatalf("orders.csv without personnummer:\n%s", body)
	}
	if _, body := getRaw(t, adm, "/api/orders.csv?personnummer=1&status=ready"); !strings.Contains(body, ",personnummer,birth_date,id_number\r\n") || !strings.Contains(body, "198112189876") {
		t.Fatalf("orders.csv with personnummer:\n%s", body)
	}
	if _, body := getRaw(t, adm, "/api/orders.csv?status=delivered"); strings.Count(body, "\n") != 1 {
		t.Fatalf("filtered export has rows:\n%s", body)
	}
	if resp, body := getRaw(t, adm, "/api/invitations.csv?q=audit-marker"); resp.StatusCode != 200 || !strings.HasPrefix(body, "\uFEFFid,code,email,name,") || !strings.Contains(body, email) {
		t.Fatalf("invitations.csv: %d %s", resp.StatusCode, body)
	}
	_, m = adm.do(t, "GET", "/api/audit?action=orders.exported,invitations.exported", "")
	var details []string
	for _, it := range m["items"].([]any) {
		details = append(details, it.(map[string]any)["action"].(string)+" "+it.(map[string]any)["detail"].(string))
	}
	if strings.Join(details, "|") != "invitations.exported q=(text)|orders.exported status=delivered|orders.exported status=ready; with personnummer|orders.exported " {
		t.Fatalf("export lines: %q", details)
	}
	resp, body = getRaw(t, adm, "/api/audit.csv?actorKind=window")
	if resp.StatusCode != 200 || !strings.HasPrefix(body, "\uFEFFat,actor_kind,actor,action,subject,detail\r\n") || !strings.Contains(body, ",window,anna-os,order.viewed,"+orderID) {
		t.Fatalf("audit.csv: %d %s", resp.StatusCode, body)
	}

	// No line of the whole trail holds personal data.
	p, err := stack.db.ListAudit(ctx, audit.Query{PageSize: 500})
	if err != nil || p.Total < 10 {
		t.Fatalf("trail %d %v", p.Total, err)
	}
	for _, e := range p.Items {
		line := e.Actor + "|" + e.Subject + "|" + e.Detail + "|" + string(e.Action)
		for _, pd := range []string{"8112189876", "811218", "Markör", "Testsson", email} {
			if strings.Contains(line, pd) {
				t.Errorf("audit line holds %q: %+v", pd, e)
			}
		}
		setup := e.Actor == "t" // the stack's settings, set without an actor
		if !e.ActorKind.Valid() || (e.ActorKind == audit.KindUnknown && !setup) || !e.Action.Valid() {
			t.Errorf("untyped line: %+v", e)
		}
	}
}
