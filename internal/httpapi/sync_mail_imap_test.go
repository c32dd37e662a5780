package httpapi_test

import (
	"context"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"id06desk/internal/httpapi"
	"id06desk/internal/imapfetch/dovecottest"
)

// Settings → Sync's mailbox check against a real IMAP server (Dovecot)
// with a wrong password: 200 with ok false, the sentence in the asker's
// language (Accept-Language) and the server's own words beside it; the
// right password then passes.
func TestSyncMailTestWrongPassword(t *testing.T) {
	s := newStack(t)
	srv := httptest.NewServer(httpapi.New(s.everything(t)))
	t.Cleanup(srv.Close)
	e := &env{srv: srv, db: s.db, c: srv.Client()}
	box := dovecottest.Start(t)
	set := func(password string) {
		t.Helper()
		if err := s.st.Set(context.Background(), "t", map[string]string{"sync.imap.host": box.Host, "sync.imap.port": strconv.Itoa(box.Port),
			"sync.imap.security": "none", "sync.imap.username": box.User, "sync.imap.password": password}); err != nil {
			t.Fatal(err)
		}
	}
	set("not-the-password")
	answers := map[string]map[string]any{}
	for _, lang := range []string{"sv-SE,sv;q=0.9", "en-GB,en;q=0.8"} {
		resp, m := e.call(t, "POST", "/api/sync/mail/test", lang, "")
		if resp.StatusCode != 200 || m["ok"] != false || m["code"] != "imap_auth_failed" {
			t.Fatalf("%s: %d %v", lang, resp.StatusCode, m)
		}
		// Dovecot's words: "[AUTHENTICATIONFAILED] Authentication failed."
		if d, _ := m["detail"].(string); !strings.Contains(d, "Authentication failed") {
			t.Fatalf("%s: the server's words are missing: %v", lang, m)
		}
		answers[lang[:2]] = m
	}
	sv, en := answers["sv"]["message"].(string), answers["en"]["message"].(string)
	if !strings.Contains(sv, "IMAP-servern godtog inte") || !strings.Contains(en, "The IMAP server did not accept") {
		t.Fatalf("messages: sv %q, en %q", sv, en)
	}
	set(box.Password)
	if resp, m := e.call(t, "POST", "/api/sync/mail/test", "sv", ""); resp.StatusCode != 200 || m["ok"] != true {
		t.Fatalf("the right password: %d %v", resp.StatusCode, m)
	}
}
