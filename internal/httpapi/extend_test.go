package httpapi_test

import (
	"strings"
	"testing"
)

// Extending by a number of days outside 1–365 is refused with an error that
// names the field and the limits, so the UI can say what to type.
func TestExtendOutOfRangeNamesFieldAndLimit(t *testing.T) {
	e := newInvitationEnv(t)
	e.do(t, "PUT", "/api/settings", `{"values":{"company.name":"Bygg AB","smtp.from":"id06@bygg.se"}}`)
	resp, m := e.do(t, "POST", "/api/invitations", `{"rows":[{"email":"a@example.se"}],"send":true}`)
	if resp.StatusCode != 201 {
		t.Fatalf("create: %d %v", resp.StatusCode, m)
	}
	id := m["created"].([]any)[0].(map[string]any)["id"].(string)
	for _, days := range []string{"0", "400"} {
		resp, m := e.do(t, "POST", "/api/invitations/"+id+"/extend", `{"days":`+days+`}`)
		if resp.StatusCode != 400 || errCode(m) != "invalid" {
			t.Fatalf("%s days: %d %v", days, resp.StatusCode, m)
		}
		body := m["error"].(map[string]any)
		fields, _ := body["fields"].(map[string]any)
		msg, _ := fields["days"].(string)
		if !strings.Contains(msg, "1") || !strings.Contains(msg, "365") {
			t.Errorf("%s days: the days field message does not name the limit: %v", days, body)
		}
		details, _ := body["details"].(map[string]any)
		if details["field"] != "days" || details["min"] != "1" || details["max"] != "365" || details["reason"] != "days_range" {
			t.Errorf("%s days: details %v", days, details)
		}
	}
	if resp, m := e.do(t, "POST", "/api/invitations/"+id+"/extend", `{"days":365}`); resp.StatusCode != 200 {
		t.Fatalf("365 days: %d %v", resp.StatusCode, m)
	}
}
