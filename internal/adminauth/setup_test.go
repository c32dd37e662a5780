package adminauth_test

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"id06desk/internal/adminauth"
	"id06desk/internal/sqlite"
)

type setupEnv struct {
	ctx context.Context
	db  *sqlite.DB
	s   *adminauth.Service
	now *time.Time
}

func newSetupEnv(t *testing.T) setupEnv {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 12, 10, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	db := openDB(t, clock)
	return setupEnv{ctx: ctx, db: db, s: adminauth.New(db, clock, cheap()), now: &now}
}

// linkToken makes a first-run link and returns its token.
func (e setupEnv) linkToken(t *testing.T) string {
	t.Helper()
	link, ok, err := e.s.FirstRunLink(e.ctx, "http://127.0.0.1:8080/")
	if err != nil || !ok {
		t.Fatalf("FirstRunLink: %q %v %v", link, ok, err)
	}
	prefix := "http://127.0.0.1:8080/#/setup?token="
	if !strings.HasPrefix(link, prefix) {
		t.Fatalf("link %q does not start with %q", link, prefix)
	}
	q, err := url.ParseQuery(strings.TrimPrefix(link, "http://127.0.0.1:8080/#/setup?"))
	if err != nil || len(q.Get("token")) < 40 {
		t.Fatalf("token in %q: %v", link, err)
	}
	return q.Get("token")
}

const goodPassword = "a long first password"

func TestSetupLinkSetsThePasswordOnceAndLogsIn(t *testing.T) {
	e := newSetupEnv(t)
	tok := e.linkToken(t)

	// A weak password is refused and does not use up the link.
	if _, _, err := e.s.Setup(e.ctx, "127.0.0.1", tok, "short"); !errors.Is(err, adminauth.ErrWeakPassword) {
		t.Fatalf("weak password: %v", err)
	}
	if _, _, err := e.s.Setup(e.ctx, "127.0.0.1", tok+"x", goodPassword); !errors.Is(err, adminauth.ErrSetupInvalid) {
		t.Fatalf("wrong token: %v", err)
	}
	session, exp, err := e.s.Setup(e.ctx, "127.0.0.1", tok, goodPassword)
	if err != nil {
		t.Fatal(err)
	}
	if !e.s.Valid(e.ctx, session) || !exp.Equal(e.now.Add(adminauth.SessionLifetime)) {
		t.Fatal("setup did not log in")
	}
	if _, _, err := e.s.Login(e.ctx, "127.0.0.1", goodPassword); err != nil {
		t.Fatalf("the new password does not log in: %v", err)
	}
	// Single use: the same link again, even with another password, is refused
	// (the password exists now) and the password is unchanged.
	if _, _, err := e.s.Setup(e.ctx, "127.0.0.1", tok, "another long password"); !errors.Is(err, adminauth.ErrSetupDone) {
		t.Fatalf("second use: %v", err)
	}
	if _, _, err := e.s.Login(e.ctx, "127.0.0.1", "another long password"); !errors.Is(err, adminauth.ErrWrongPassword) {
		t.Fatalf("second use changed the password: %v", err)
	}
	// No new link once a password exists.
	if link, ok, err := e.s.FirstRunLink(e.ctx, "http://127.0.0.1:8080"); ok || link != "" || err != nil {
		t.Fatalf("link after the password was set: %q %v %v", link, ok, err)
	}
}

func TestSetupLinkUsedOnceEvenIfThePasswordIsRemoved(t *testing.T) {
	// Consumption is the token's own property, not only a side effect of the
	// password existing: with the credential gone the used link stays dead.
	e := newSetupEnv(t)
	tok := e.linkToken(t)
	if _, _, err := e.s.Setup(e.ctx, "::1", tok, goodPassword); err != nil {
		t.Fatal(err)
	}
	if err := e.db.RunInTx(e.ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(e.ctx, `DELETE FROM admin_credential`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.s.Setup(e.ctx, "::1", tok, goodPassword); !errors.Is(err, adminauth.ErrSetupInvalid) {
		t.Fatalf("used link accepted again: %v", err)
	}
}

func TestSetupLinkExpiresAfterAnHour(t *testing.T) {
	e := newSetupEnv(t)
	tok := e.linkToken(t)
	*e.now = e.now.Add(adminauth.SetupLifetime)
	if _, _, err := e.s.Setup(e.ctx, "127.0.0.1", tok, goodPassword); !errors.Is(err, adminauth.ErrSetupExpired) {
		t.Fatalf("expired link: %v", err)
	}
	if set, _ := e.s.PasswordSet(e.ctx); set {
		t.Fatal("an expired link set the password")
	}

	// Just before the hour it works.
	e2 := newSetupEnv(t)
	tok2 := e2.linkToken(t)
	*e2.now = e2.now.Add(adminauth.SetupLifetime - time.Second)
	if _, _, err := e2.s.Setup(e2.ctx, "127.0.0.1", tok2, goodPassword); err != nil {
		t.Fatalf("link within the hour: %v", err)
	}
}

func TestSetupLinkRefusedOnceAPasswordExists(t *testing.T) {
	e := newSetupEnv(t)
	tok := e.linkToken(t)
	// The admin used the CLI in the meantime.
	if err := e.s.SetPassword(e.ctx, "set from the command line"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.s.Setup(e.ctx, "127.0.0.1", tok, goodPassword); !errors.Is(err, adminauth.ErrSetupDone) {
		t.Fatalf("setup after a password was set: %v", err)
	}
	if _, _, err := e.s.Login(e.ctx, "127.0.0.1", "set from the command line"); err != nil {
		t.Fatalf("the CLI password was replaced: %v", err)
	}
}

func TestSetupLinkOnlyFromLoopback(t *testing.T) {
	e := newSetupEnv(t)
	tok := e.linkToken(t)
	for _, client := range []string{"192.168.1.20", "203.0.113.5", "::ffff:10.0.0.1", "", "localhost", "not-an-ip"} {
		if _, _, err := e.s.Setup(e.ctx, client, tok, goodPassword); !errors.Is(err, adminauth.ErrSetupNotLocal) {
			t.Fatalf("client %q: %v", client, err)
		}
	}
	// Refused remote attempts did not use the link up.
	if _, _, err := e.s.Setup(e.ctx, "127.0.0.1", tok, goodPassword); err != nil {
		t.Fatalf("local use after remote attempts: %v", err)
	}
}

func TestNewLinkReplacesTheOldOne(t *testing.T) {
	e := newSetupEnv(t)
	old := e.linkToken(t)
	fresh := e.linkToken(t)
	if old == fresh {
		t.Fatal("two links with the same token")
	}
	if _, _, err := e.s.Setup(e.ctx, "127.0.0.1", old, goodPassword); !errors.Is(err, adminauth.ErrSetupInvalid) {
		t.Fatalf("old link: %v", err)
	}
	if _, _, err := e.s.Setup(e.ctx, "127.0.0.1", fresh, goodPassword); err != nil {
		t.Fatalf("new link: %v", err)
	}
}

func TestSetupWithoutAnyLink(t *testing.T) {
	e := newSetupEnv(t)
	if _, _, err := e.s.Setup(e.ctx, "127.0.0.1", "", goodPassword); !errors.Is(err, adminauth.ErrSetupInvalid) {
		t.Fatalf("no link made: %v", err)
	}
}
