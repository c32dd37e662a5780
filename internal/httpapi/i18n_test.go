package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"

	"id06desk/internal/httpapi"
	"id06desk/internal/invitations"
	"id06desk/internal/outbox"
	"id06desk/internal/smtpsink"
)

// TestNoEnglishInSwedish drives the API's error paths (settings, the test
// mail, the catalog, rows and CSV files to invite, invitation actions, a
// mail the server refused, registration links and codes, unknown paths and
// bad bodies) once with Accept-Language: sv and once with en, and fails on
// any message a user would read (message, fields, row and line errors,
// lastError, event messages) that is English in the Swedish answer or the
// same in both.
func TestNoEnglishInSwedish(t *testing.T) {
	ctx := context.Background()
	sink, err := smtpsink.Start(smtpsink.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sink.Close() })
	s := newStack(t, withOutbox(outbox.Options{Connections: 1}), withSettings(map[string]string{
		"smtp.host": "127.0.0.1", "smtp.port": strconv.Itoa(sink.Port()), "smtp.security": "none"}))
	inv, w := s.inv, s.mail
	cfg := s.config(false)
	cfg.Mode = httpapi.ModeWindow
	api := httpapi.New(cfg)
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)

	// A mail the server refuses for good: the invitation shows why.
	created, err := inv.Create(ctx, "admin", []invitations.Row{{Email: "anna@example.se"}}, true)
	if err != nil {
		t.Fatal(err)
	}
	sink.FailRcpt(&smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "user unknown"})
	if res, err := w.Flush(ctx); err != nil || res.Failed != 1 {
		t.Fatalf("flush: %+v %v", res, err)
	}
	id := created[0].ID

	probes := []struct {
		name, method, path, contentType, body string
		status                                int
		before                                func()
	}{
		{name: "org number check digit", method: "PUT", path: "/api/settings", body: `{"values":{"company.org_number":"556812-6234"}}`, status: 400},
		{name: "org number format", method: "PUT", path: "/api/settings", body: `{"values":{"company.org_number":"12345"}}`, status: 400},
		{name: "bad settings", method: "PUT", path: "/api/settings", status: 400,
			body: `{"values":{"smtp.port":"x","smtp.from":"nope","company.notify_email":"a@b.se, nope","public_url":"ftp://x","company.address.country":"Sverige","language":"de","company.name":"a\nb"}}`},
		{name: "unknown setting", method: "PUT", path: "/api/settings", body: `{"values":{"smtp.hots":"x"}}`, status: 400},
		{name: "test mail address", method: "POST", path: "/api/settings/test-mail", body: `{"to":"nope"}`, status: 400},
		{name: "test mail refused", method: "POST", path: "/api/settings/test-mail", body: `{"to":"bo@example.se"}`, status: 502,
			before: func() {
				sink.FailRcpt(&smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "user unknown"})
			}},
		{name: "catalog", method: "PUT", path: "/api/catalog", body: `{"cardTypes":[],"industries":[]}`, status: 400},
		{name: "catalog code", method: "PUT", path: "/api/catalog", body: `{"cardTypes":[{"code":"Bad Code","nameSv":"x","nameEn":"y","active":true}],"industries":[]}`, status: 400},
		{name: "rows", method: "POST", path: "/api/invitations/validate", status: 200,
			body: `{"rows":[{"email":"nope"},{"email":""},{"email":"bo@example.se","cardType":"zzz","industry":"zzz","language":"de"},{"email":"bo@example.se"},{"email":"anna@example.se"}]}`},
		{name: "create bad rows", method: "POST", path: "/api/invitations", body: `{"rows":[{"email":"nope"}],"send":false}`, status: 400},
		{name: "create no rows", method: "POST", path: "/api/invitations", body: `{"rows":[],"send":false}`, status: 400},
		{name: "csv columns", method: "POST", path: "/api/invitations/parse-csv", contentType: "text/csv", body: "mail,colour\nanna@example.se,red\n", status: 200},
		{name: "csv fields", method: "POST", path: "/api/invitations/parse-csv", contentType: "text/csv", body: "email\n\"anna@example.se\nbo@example.se,x,y\n", status: 200},
		{name: "csv empty", method: "POST", path: "/api/invitations/parse-csv", contentType: "text/csv", body: "email\n", status: 200},
		{name: "mail refused: detail", method: "GET", path: "/api/invitations/" + id, status: 200},
		{name: "mail refused: list", method: "GET", path: "/api/invitations?status=failed", status: 200},
		{name: "mail refused: outbox", method: "GET", path: "/api/outbox/status", status: 200},
		{name: "resend", method: "POST", path: "/api/invitations/" + id + "/send", status: 409},
		{name: "extend", method: "POST", path: "/api/invitations/" + id + "/extend", body: `{"days":400}`, status: 400},
		{name: "no invitation", method: "GET", path: "/api/invitations/nope", status: 404},
		{name: "unknown status", method: "GET", path: "/api/invitations?status=nope", status: 400},
		{name: "code format", method: "POST", path: "/api/register/lookup", body: `{"code":"!!"}`, status: 400},
		{name: "code unknown", method: "POST", path: "/api/register/lookup", body: `{"code":"ABCDE-FGH23"}`, status: 404},
		{name: "link", method: "GET", path: "/api/register/v1.AAAA.BBBB", status: 400},
		{name: "no endpoint", method: "GET", path: "/api/nope", status: 404},
		{name: "method", method: "DELETE", path: "/api/health", status: 405},
		{name: "bad JSON", method: "PUT", path: "/api/settings", body: `{`, status: 400},
	}
	for _, p := range probes {
		t.Run(p.name, func(t *testing.T) {
			answer := map[string][]string{}
			for _, lang := range []string{"sv", "en"} {
				if p.before != nil {
					p.before()
				}
				req, _ := http.NewRequest(p.method, srv.URL+p.path, strings.NewReader(p.body))
				ct := p.contentType
				if ct == "" && p.body != "" {
					ct = "application/json"
				}
				if ct != "" {
					req.Header.Set("Content-Type", ct)
				}
				req.Header.Set("Accept-Language", lang)
				resp, err := srv.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				raw, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != p.status {
					t.Fatalf("%s: status %d, want %d: %s", lang, resp.StatusCode, p.status, raw)
				}
				var body any
				if err := json.Unmarshal(raw, &body); err != nil {
					t.Fatalf("%s: %v: %s", lang, err, raw)
				}
				answer[lang] = userTexts(body, "")
			}
			sv, en := answer["sv"], answer["en"]
			if len(sv) == 0 {
				t.Fatalf("no message to check in %v", sv)
			}
			english := map[string]bool{}
			for _, s := range en {
				english[s] = true
			}
			for _, s := range sv {
				if looksEnglish(s) || english[s] {
					t.Errorf("English in the Swedish answer: %q", s)
				}
			}
		})
	}
}

// userTexts collects what a person reads from an answer: every "message",
// "lastError" and "problem", and every value under "fields".
func userTexts(v any, key string) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if k == "fields" {
				if m, ok := x.(map[string]any); ok {
					for _, f := range m {
						if s, ok := f.(string); ok {
							out = append(out, s)
						}
					}
				}
				continue
			}
			out = append(out, userTexts(x, k)...)
		}
	case []any:
		for _, x := range v {
			out = append(out, userTexts(x, key)...)
		}
	case string:
		switch key {
		case "message", "lastError", "problem":
			out = append(out, v)
		}
	}
	return out
}

var wordRE = regexp.MustCompile(`[A-Za-zÅÄÖåäö']+`)

// Words only English has (none of them is a Swedish word).
var englishOnly = map[string]bool{
	"the": true, "is": true, "are": true, "not": true, "your": true, "you": true, "and": true, "of": true,
	"must": true, "please": true, "this": true, "with": true, "could": true, "cannot": true, "was": true,
	"has": true, "have": true, "there": true, "no": true, "from": true, "that": true, "it": true,
	"try": true, "again": true, "enter": true, "choose": true, "check": true, "mail": false, "server": false,
}

// identRE matches setting keys and codes (smtp.from, card_type): data, not words.
var identRE = regexp.MustCompile(`[\w-]+[._][\w.-]+`)

func looksEnglish(s string) bool {
	n := 0
	for _, w := range wordRE.FindAllString(strings.ToLower(identRE.ReplaceAllString(s, "")), -1) {
		if englishOnly[w] {
			n++
		}
	}
	return n >= 1
}
