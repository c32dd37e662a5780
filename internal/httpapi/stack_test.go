package httpapi_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"id06desk/internal/httpapi"
	"id06desk/internal/invitations"
	"id06desk/internal/orders"
	"id06desk/internal/outbox"
	"id06desk/internal/registration"
	"id06desk/internal/settings"
	"id06desk/internal/smtpout"
	"id06desk/internal/sqlite"
	"id06desk/internal/token"
)

// regStack is the registration side of the app on a real SQLite file, with
// a company and a sender set: what the tests of registration, photos and
// limits build their server from.
type regStack struct {
	db   *sqlite.DB
	keys *token.KeyRing
	st   *settings.Service
	inv  *invitations.Service
	reg  *registration.Service
	mail *outbox.Worker
}

// newRegStack builds the stack; tune, when not nil, changes the
// registration service's configuration (a photo budget, say).
func newRegStack(t *testing.T, tune func(*registration.Config)) *regStack {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "t.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	keys, _ := token.LoadOrCreate(filepath.Join(dir, "keys"))
	st := settings.NewService(db, dir)
	if err := st.Set(ctx, "t", map[string]string{"company.name": "Bygg AB", "smtp.from": "id06@bygg.se"}); err != nil {
		t.Fatal(err)
	}
	rc := registration.Config{Store: db, Settings: st, Keys: keys}
	if tune != nil {
		tune(&rc)
	}
	return &regStack{db: db, keys: keys, st: st,
		inv:  invitations.New(invitations.Config{Store: db, Settings: st, Keys: keys}),
		reg:  registration.New(rc),
		mail: outbox.NewWorker(invitations.MailResults(db), smtpout.SenderSource(st.Load, nil), slog.New(slog.DiscardHandler), outbox.Options{}),
	}
}

// serve puts the API over the stack on a test server (serve mode; the kiosk
// when kiosk is true).
func (s *regStack) serve(t *testing.T, kiosk bool) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(httpapi.New(httpapi.Config{Mode: httpapi.ModeServe, Kiosk: kiosk, DB: s.db, Settings: s.st,
		Invitations: s.inv, Outbox: s.mail, Registration: s.reg, Orders: orders.New(orders.Config{Store: s.db, Now: s.db.Now}), Keys: s.keys}))
	t.Cleanup(srv.Close)
	return srv
}
