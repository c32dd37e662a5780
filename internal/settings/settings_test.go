package settings_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"id06desk/internal/settings"
	"id06desk/internal/sqlite"
)

func TestNormalize(t *testing.T) {
	cases := []struct {
		name, key, in, want, errPart string
	}{
		{"port", "smtp.port", " 465 ", "465", ""},
		{"port range", "smtp.port", "70000", "", "1 to 65535"},
		{"port text", "smtp.port", "abc", "", "whole number"},
		{"security", "smtp.security", "STARTTLS", "starttls", ""},
		{"security bad", "smtp.security", "ssl", "", "none, starttls, tls"},
		{"from", "smtp.from", "Admin@Bygg.SE", "Admin@bygg.se", ""},
		{"from bad", "smtp.from", "not-an-address", "", "valid email"},
		{"notify list", "company.notify_email", "a@x.se, b@y.se,", "a@x.se, b@y.se", ""},
		{"notify bad", "company.notify_email", "a@x.se, nope", "", `"nope"`},
		{"org nr", "company.org_number", "5560360793", "556036-0793", ""},
		{"org nr luhn", "company.org_number", "556036-0794", "", "check digit"},
		{"url", "public_url", "https://id06.example.se/", "https://id06.example.se", ""},
		{"url bad", "public_url", "ftp://x", "", "https://"},
		{"validity", "invite.validity_days", "0", "", "1 to 365"},
		{"country", "company.address.country", "se", "SE", ""},
		{"country bad", "company.address.country", "Sweden", "", "at most 2"},
		{"newline", "company.name", "a\nb", "", "single line"},
		{"unknown", "smtp.hots", "x", "", "no such setting"},
		{"empty resets", "smtp.port", "", "", ""},
		{"receiver listen", "sync.receiver.listen", ":2525", ":2525", ""},
		{"receiver listen host", "sync.receiver.listen", "192.168.1.10:25", "192.168.1.10:25", ""},
		{"receiver listen no port", "sync.receiver.listen", "192.168.1.10", "", "host and port"},
		{"receiver listen bad port", "sync.receiver.listen", ":99999", "", "host and port"},
		{"receiver cert relative", "sync.receiver.tls_cert", "cert.pem", "", "full path"},
		{"transport", "sync.transport", "IMAP", "imap", ""},
		{"pin", "smtp.tls_pin", "f4bc1f00d551bcbe1af7d5138f88f3362c9f91934aa6d4343db3e99df52eae05", "f4bc1f00d551bcbe1af7d5138f88f3362c9f91934aa6d4343db3e99df52eae05", ""},
		{"pin as openssl shows it", "smtp.tls_pin", "F4:BC:1F:00:D5:51:BC:BE:1A:F7:D5:13:8F:88:F3:36:2C:9F:91:93:4A:A6:D4:34:3D:B3:E9:9D:F5:2E:AE:05", "f4bc1f00d551bcbe1af7d5138f88f3362c9f91934aa6d4343db3e99df52eae05", ""},
		{"pin with prefix", "smtp.tls_pin", "SHA256:F4BC1F00D551BCBE1AF7D5138F88F3362C9F91934AA6D4343DB3E99DF52EAE05", "f4bc1f00d551bcbe1af7d5138f88f3362c9f91934aa6d4343db3e99df52eae05", ""},
		{"pin short", "smtp.tls_pin", "f4bc1f00d551bcbe1af7d5138f88f3362c9f91934aa6d4343db3e99df52eae", "", "SHA-256 fingerprint"},
		{"pin not hex", "smtp.tls_pin", "f4bc1f00d551bcbe1af7d5138f88f3362c9f91934aa6d4343db3e99df52eae0g", "", "SHA-256 fingerprint"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := settings.Normalize(c.key, c.in)
			if c.errPart != "" {
				if err == nil || !strings.Contains(err.Error(), c.errPart) {
					t.Fatalf("want error containing %q, got %v", c.errPart, err)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("got %q, %v; want %q", got, err, c.want)
			}
		})
	}
}

func TestServiceSetIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "s.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := settings.NewService(db, dir)

	err = s.Set(ctx, "admin", map[string]string{"smtp.host": "mail.example.se", "smtp.port": "nope", "smtp.from": "bad"})
	var errs settings.Errors
	if !errors.As(err, &errs) || len(errs) != 2 {
		t.Fatalf("want 2 field errors, got %v", err)
	}
	v, _ := s.Load(ctx)
	if v.Get("smtp.host") != "" || v.Get("smtp.port") != "587" {
		t.Fatalf("half-applied change: %v", v)
	}
	if err := s.Set(ctx, "admin", map[string]string{"smtp.host": "mail.example.se", "smtp.password": " s3cret "}); err != nil {
		t.Fatal(err)
	}
	v, _ = s.Load(ctx)
	if v.Get("smtp.host") != "mail.example.se" || v.Get("smtp.password") != " s3cret " {
		t.Fatalf("values %v", v)
	}
	if v.Public()["smtp.password"] != "(set)" {
		t.Fatal("secret shown back")
	}
	fi, err := os.Stat(filepath.Join(dir, "secret-smtp.password"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("secret file %v %v", fi, err)
	}
	raw, _ := os.ReadFile(db.Path)
	if strings.Contains(string(raw), "s3cret") {
		t.Fatal("secret stored in the database")
	}
	audit, _ := db.RecentAudit(ctx, 1)
	if audit[0].Action != "settings.changed" || strings.Contains(audit[0].Detail, "s3cret") || !strings.Contains(audit[0].Detail, "smtp.password") {
		t.Fatalf("audit %+v", audit[0])
	}
	if err := s.Set(ctx, "admin", map[string]string{"smtp.password": ""}); err != nil {
		t.Fatal(err)
	}
	v, _ = s.Load(ctx)
	if v.Get("smtp.password") != "" {
		t.Fatal("secret not cleared")
	}
}

// One resolution of the mail sender for every mail (invitation, order
// notice, receipt, test mail).
func TestValuesSender(t *testing.T) {
	for _, tc := range []struct {
		name              string
		vals              settings.Values
		wantName, wantAdr string
	}{
		{"sender name", settings.Values{"mail.sender_name": "ID06 på Bygg", "company.name": "Bygg AB", "smtp.from": "id06@bygg.se"}, "ID06 på Bygg", "id06@bygg.se"},
		{"company name", settings.Values{"company.name": "Bygg AB", "smtp.from": "id06@bygg.se"}, "Bygg AB", "id06@bygg.se"},
		{"neither", settings.Values{"smtp.from": "id06@bygg.se"}, "id06desk", "id06@bygg.se"},
		{"no address yet", settings.Values{"company.name": "Bygg AB"}, "Bygg AB", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name, adr := tc.vals.Sender()
			if name != tc.wantName || adr != tc.wantAdr {
				t.Errorf("Sender() = %q, %q; want %q, %q", name, adr, tc.wantName, tc.wantAdr)
			}
		})
	}
}

// One resolution of the base of the links id06desk mails and shows.
func TestValuesPublicURL(t *testing.T) {
	const def = "http://127.0.0.1:8080"
	for _, tc := range []struct {
		name string
		vals settings.Values
		def  string
		want string
	}{
		{"setting", settings.Values{"public_url": "https://id06.bygg.se"}, def, "https://id06.bygg.se"},
		{"setting with slash", settings.Values{"public_url": "https://id06.bygg.se/"}, def, "https://id06.bygg.se"},
		{"default", settings.Values{}, def, def},
		{"default with slash", settings.Values{}, def + "/", def},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.vals.PublicURL(tc.def); got != tc.want {
				t.Errorf("PublicURL(%q) = %q, want %q", tc.def, got, tc.want)
			}
		})
	}
}
