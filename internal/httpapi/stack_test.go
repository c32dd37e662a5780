package httpapi_test

import (
	"context"
	"id06desk/internal/backup"
	"id06desk/internal/exports"
	"log/slog"
	"maps"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"id06desk/internal/bankidconf"
	"id06desk/internal/batches"
	"id06desk/internal/camera/cameratest"
	"id06desk/internal/consolesync"
	"id06desk/internal/httpapi"
	"id06desk/internal/invitations"
	"id06desk/internal/kiosk"
	"id06desk/internal/kiosksync"
	"id06desk/internal/mailsync"
	"id06desk/internal/orders"
	"id06desk/internal/outbox"
	"id06desk/internal/registration"
	"id06desk/internal/settings"
	"id06desk/internal/smtpout"
	"id06desk/internal/sqlite"
	"id06desk/internal/token"
)

// stack is the app's services on a real SQLite file in a temporary folder:
// what this package's test servers are built from. Each test puts the
// parts it tests into its httpapi.Config (routes appear only for the
// services a Config names).
type stack struct {
	dir    string
	db     *sqlite.DB
	keys   *token.KeyRing
	st     *settings.Service
	inv    *invitations.Service
	reg    *registration.Service
	mail   *outbox.Worker
	orders *orders.Service
	bankid *bankidconf.Provider
}

// stackOptions are what a test changes in the stack.
type stackOptions struct {
	settings map[string]string
	now      func() time.Time
	tuneReg  func(*registration.Config)
	bankID   time.Duration
	mail     outbox.Options
	wake     bool
}

type stackOption func(*stackOptions)

// defaultSettings are stored unless noSettings: a company and a sender.
var defaultSettings = map[string]string{"company.name": "Bygg AB", "smtp.from": "id06@bygg.se"}

// noSettings stores no setting (a fresh install).
func noSettings() stackOption { return func(o *stackOptions) { o.settings = nil } }

// withSettings stores kv as well.
func withSettings(kv map[string]string) stackOption {
	return func(o *stackOptions) {
		if o.settings == nil {
			o.settings = map[string]string{}
		}
		maps.Copy(o.settings, kv)
	}
}

// withClock is the database's and the invitations' clock.
func withClock(now func() time.Time) stackOption {
	return func(o *stackOptions) { o.now = now }
}

// withRegistration changes the registration service's configuration (a
// photo budget, BankID).
func withRegistration(tune func(*registration.Config)) stackOption {
	return func(o *stackOptions) { o.tuneReg = tune }
}

// withBankID lets the registration identify through BankID (the stack's
// Settings → BankID configuration), polling every interval.
func withBankID(interval time.Duration) stackOption {
	return func(o *stackOptions) { o.bankID = interval }
}

// withOutbox is the outbox worker's options.
func withOutbox(mail outbox.Options) stackOption {
	return func(o *stackOptions) { o.mail = mail }
}

// wakeOutbox: a new invitation wakes the outbox worker.
func wakeOutbox() stackOption { return func(o *stackOptions) { o.wake = true } }

// newStack builds the stack: by default with a company and a sender set.
func newStack(t testing.TB, opts ...stackOption) *stack {
	t.Helper()
	o := stackOptions{settings: maps.Clone(defaultSettings)}
	for _, opt := range opts {
		opt(&o)
	}
	dir := t.TempDir()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "t.db"), sqlite.Options{Now: o.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	keys, err := token.LoadOrCreate(filepath.Join(dir, "keys"))
	if err != nil {
		t.Fatal(err)
	}
	st := settings.NewService(db, dir)
	if len(o.settings) > 0 {
		if err := st.Set(ctx, "t", o.settings); err != nil {
			t.Fatal(err)
		}
	}
	s := &stack{dir: dir, db: db, keys: keys, st: st,
		mail:   outbox.NewWorker(invitations.MailResults(db), smtpout.SenderSource(st.Load, nil), slog.New(slog.DiscardHandler), o.mail),
		bankid: bankidconf.New(dir, st),
	}
	ic := invitations.Config{Store: db, Settings: st, Keys: keys, Now: o.now}
	if o.wake {
		ic.Wake = s.mail.Wake
	}
	rc := registration.Config{Store: db, Settings: st, Keys: keys}
	if o.bankID > 0 {
		rc.BankIDs, rc.BankIDInterval = s.bankid, o.bankID
	}
	if o.tuneReg != nil {
		o.tuneReg(&rc)
	}
	s.inv, s.reg = invitations.New(ic), registration.New(rc)
	// As the App wires it: with the settings and the invitations service,
	// which signs the link of an order sent back to the cardholder.
	s.orders = orders.New(orders.Config{Store: db, Now: db.Now, Settings: st, Reopener: s.inv, Wake: s.mail.Wake})
	return s
}

// console puts the API over the stack in the desktop window (the admin
// needs no login there).
func (s *stack) console(t *testing.T) *env {
	t.Helper()
	cfg := s.config(false)
	cfg.Mode = httpapi.ModeWindow
	srv := httptest.NewServer(httpapi.New(cfg))
	t.Cleanup(srv.Close)
	return &env{srv: srv, db: s.db, c: srv.Client()}
}

// config is the API over the stack's invitation, registration and order
// services (serve mode; the kiosk when kiosk is true).
func (s *stack) config(kiosk bool) httpapi.Config {
	return httpapi.Config{Mode: httpapi.ModeServe, Kiosk: kiosk, DB: s.db, Settings: s.st,
		Invitations: s.inv, Outbox: s.mail, Registration: s.reg, Orders: s.orders, Keys: s.keys}
}

// serve puts the API of config(kiosk) on a test server.
func (s *stack) serve(t *testing.T, kiosk bool) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(httpapi.New(s.config(kiosk)))
	t.Cleanup(srv.Close)
	return srv
}

// everything is a desktop window's API with every feature: the camera
// station with the test camera, the exit PIN and BankID besides config's.
func (s *stack) everything(t *testing.T) httpapi.Config {
	t.Helper()
	tc, station := s.station(t)
	cfg := s.config(false)
	cfg.Mode = httpapi.ModeWindow
	cfg.Station, cfg.PIN, cfg.TestCamera = station, kiosk.NewPIN(filepath.Join(s.dir, "pin")), tc.Play
	cfg.BankID, cfg.Log = s.bankid, slog.New(slog.DiscardHandler)
	cfg.Exports = exports.New(s.db)
	cfg.Batches = batches.New(batches.Config{Store: s.db, Settings: s.st.Load, DefaultFolder: filepath.Join(s.dir, "nexus")})
	cs := s.consoleSync()
	cfg.ConsoleSync = cs
	ks, err := kiosksync.New(kiosksync.Config{Store: s.db, Dir: filepath.Join(s.dir, "sync"), Documents: filepath.Join(s.dir, "Documents")})
	if err != nil {
		t.Fatal(err)
	}
	cfg.KioskSync = ks
	// Sync by mail as core.Open wires it, over the same services.
	cm := mailsync.NewConsole(mailsync.ConsoleConfig{Sync: cs, Store: s.db, Settings: s.st.Load,
		Wake: s.mail.Wake, Now: s.db.Now})
	t.Cleanup(cm.StopReceiver)
	cfg.ConsoleMail = cm
	cfg.KioskMail = mailsync.NewKiosk(mailsync.KioskConfig{Sync: ks, Store: s.db, Settings: s.st.Load, Outbox: s.mail})
	cfg.Backup = backup.New(backup.Config{Source: s.db, Settings: s.st.Load, TempDir: s.dir, StatusFile: filepath.Join(s.dir, "backup.json")})
	return cfg
}

// consoleSync is the console's sync service over the stack.
func (s *stack) consoleSync() *consolesync.Service {
	return consolesync.New(consolesync.Config{Store: s.db, Settings: s.st.Load, Keys: s.keys, Orders: s.reg,
		KeyDir: filepath.Join(s.dir, "sync"), TempDir: s.dir})
}

// station is a camera station on the test camera, playing the pictures of
// a folder in the stack's.
func (s *stack) station(t *testing.T) (*cameratest.Folder, *kiosk.Station) {
	t.Helper()
	return testStation(t, s.dir)
}

// invite creates one invitation to email and returns its token.
func (s *stack) invite(t *testing.T, email string) string {
	t.Helper()
	created, err := s.inv.Create(context.Background(), "admin", []invitations.Row{{Email: email}}, true)
	if err != nil {
		t.Fatal(err)
	}
	return mustToken(t, s.inv, created[0].ID)
}

// openDB is a fresh database in a temporary folder, closed at cleanup: for
// tests that need nothing else.
func openDB(t testing.TB) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
