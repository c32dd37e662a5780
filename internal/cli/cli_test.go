package cli_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"id06desk/internal/cli"
	"id06desk/internal/invitations"
	"id06desk/internal/outbox"
	"id06desk/internal/settings"
	"id06desk/internal/smtpout"
	"id06desk/internal/sqlite"
	"id06desk/internal/token"
)

func services(t *testing.T) cli.Services {
	t.Helper()
	dir := t.TempDir()
	db, err := sqlite.Open(context.Background(), filepath.Join(dir, "c.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	keys, err := token.LoadOrCreate(filepath.Join(dir, "keys"))
	if err != nil {
		t.Fatal(err)
	}
	st := settings.NewService(db, dir)
	w := outbox.NewWorker(invitations.MailResults(db), smtpout.SenderSource(st.Load, nil), slog.New(slog.DiscardHandler), outbox.Options{})
	return cli.Services{Settings: st, Invitations: invitations.New(invitations.Config{Store: db, Settings: st, Keys: keys, Wake: w.Wake}), Outbox: w}
}

func run(s cli.Services, args ...string) (string, string, error) {
	var out, errb bytes.Buffer
	h := cli.Host{
		Open:   func(cli.Globals) (cli.Services, func(), error) { return s, func() {}, nil },
		Stdout: &out, Stderr: &errb,
	}
	err := cli.Run(context.Background(), h, args)
	return out.String(), errb.String(), err
}

func TestSettingsAndInvite(t *testing.T) {
	s := services(t)
	if _, _, err := run(s, "settings", "set", "smtp.port=abc", "company.name=Bygg AB"); err == nil || !strings.Contains(err.Error(), "nothing was changed") {
		t.Fatalf("bad value: %v", err)
	}
	if out, _, _ := run(s, "settings", "get", "company.name"); strings.TrimSpace(out) != "" {
		t.Fatalf("half-applied: %q", out)
	}
	if _, _, err := run(s, "settings", "set", "company.name=Bygg AB", "smtp.from=id06@bygg.se", "smtp.password=hemligt", "public_url=https://id06.bygg.se"); err != nil {
		t.Fatal(err)
	}
	out, _, _ := run(s, "settings", "get")
	if !strings.Contains(out, "company.name=Bygg AB\n") || !strings.Contains(out, "smtp.password=(set)\n") || strings.Contains(out, "hemligt") {
		t.Fatalf("get:\n%s", out)
	}
	if _, _, err := run(s, "settings", "get", "nope"); !errors.Is(err, cli.ErrUsage) {
		t.Fatalf("unknown key: %v", err)
	}

	out, _, err := run(s, "invite", "--email", "anna@example.se", "--lang", "en")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[0-9a-f-]{36} [2-9A-Z]{5}-[2-9A-Z]{5} https://id06\.bygg\.se/#/register/v1\.\S+\n$`).MatchString(out) {
		t.Fatalf("invite output %q", out)
	}
	_, errOut, err := run(s, "invite", "--email", "anna@example.se")
	if err == nil || !strings.Contains(errOut, "already has an invitation") {
		t.Fatalf("duplicate: %v %q", err, errOut)
	}

	csv := filepath.Join(t.TempDir(), "people.csv")
	os.WriteFile(csv, []byte("email;card_type;industry;language;name\nb@example.se;visitor;Bygg;sv;Bo Ek\nnot-an-address;;;;\n"), 0o600)
	_, errOut, err = run(s, "invite", "--csv", csv)
	if err == nil || !strings.Contains(errOut, "row 2 (not-an-address)") {
		t.Fatalf("csv with a bad row: %v %q", err, errOut)
	}
	os.WriteFile(csv, []byte("email,card_type\nb@example.se,visitor\nc@example.se,\n"), 0o600)
	out, _, err = run(s, "invite", "--csv", csv)
	if err != nil || strings.Count(out, "\n") != 2 {
		t.Fatalf("csv: %v %q", err, out)
	}

	if _, _, err := run(s, "outbox", "flush"); err == nil || !strings.Contains(err.Error(), "no mail server") {
		t.Fatalf("flush without SMTP: %v", err)
	}

	// Revoke by id: the link stops working; revoking twice says why not.
	id := strings.Fields(out)[0]
	if out, _, err := run(s, "invite", "revoke", id); err != nil || out != "Revoked "+id+".\n" {
		t.Fatalf("revoke: %v %q", err, out)
	}
	d, err := s.Invitations.Get(context.Background(), id)
	if err != nil || d.Invitation.Status != "revoked" || d.Link != "" {
		t.Fatalf("after revoke: %s %q %v", d.Invitation.Status, d.Link, err)
	}
	if _, _, err := run(s, "invite", "revoke", id); err == nil || !strings.Contains(err.Error(), "revoke "+id) {
		t.Fatalf("revoke twice: %v", err)
	}
}
