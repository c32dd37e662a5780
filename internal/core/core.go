// Package core is the App: the one place that resolves the data folder,
// opens the log and the store, builds the services and registers the
// background jobs. Both hosts (the Wails window and `serve`) and every
// command use it: Open, then Start the jobs (hosts only), then Close.
package core

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os/user"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/adrg/xdg"

	"id06desk/internal/adminauth"
	"id06desk/internal/applog"
	"id06desk/internal/audit"
	"id06desk/internal/backup"
	"id06desk/internal/bankidconf"
	"id06desk/internal/batches"
	"id06desk/internal/consolesync"
	"id06desk/internal/exports"
	"id06desk/internal/housekeeping"
	"id06desk/internal/httpapi"
	"id06desk/internal/instancelock"
	"id06desk/internal/invitations"
	"id06desk/internal/jobs"
	"id06desk/internal/kiosk"
	"id06desk/internal/kiosksync"
	"id06desk/internal/mailsync"
	"id06desk/internal/order"
	"id06desk/internal/orders"
	"id06desk/internal/outbox"
	"id06desk/internal/paths"
	"id06desk/internal/registration"
	"id06desk/internal/settings"
	"id06desk/internal/smtpout"
	"id06desk/internal/sqlite"
	"id06desk/internal/token"
)

// DefaultPublicURL is the registration link's base when the public_url
// setting is empty and no server runs: the default serve address.
const DefaultPublicURL = "http://127.0.0.1:8080"

// The background jobs' names and longest waits.
const (
	JobHousekeeping = "housekeeping"
	JobOutbox       = "outbox"
	// JobNexusFiles deletes saved Nexus batch files past nexus.file_days.
	JobNexusFiles = "nexus_files"
	// JobKioskPairing notices a kiosk pairing made or removed by another
	// process on this data folder (`pair join`, `pair leave` while the
	// kiosk runs): one stat of the pairing file.
	JobKioskPairing = "kiosk_pairing"

	// JobSyncMail sends and collects sync mails (issue 14).
	JobSyncMail = "sync_mail"
	// JobBackup writes the scheduled encrypted backup (backup.schedule).
	JobBackup = "backup"

	HousekeepingEvery = time.Hour
	SyncMailEvery     = 24 * time.Hour
	KioskPairingEvery = 2 * time.Second
	OutboxEvery       = time.Minute
	NexusFilesEvery   = time.Hour
)

// Options say which data folder to open and how.
type Options struct {
	// DataDir holds config, data and state ("" = the XDG folders).
	DataDir string
	// Lock takes the single-instance lock (the hosts; not the commands).
	Lock bool
	// LogTo also receives the log (the hosts' stderr); nil: the file only.
	LogTo io.Writer
	// LogLevel is the lowest level logged; nil: info.
	LogLevel slog.Leveler
	// TestCamera plays the pictures in this folder as the camera (e2e).
	// The shipped binary (-tags production) has no test camera and fails to
	// open with one; the end-to-end binary is built with -tags e2e.
	TestCamera string
	// Version is the program's version, shown in /api/health.
	Version string
	// Now is the backup schedule's clock (tests); nil: time.Now.
	Now func() time.Time
}

// App is the opened program.
type App struct {
	Version string
	Paths   paths.Paths
	Log     *slog.Logger
	DB      *sqlite.DB

	Settings     *settings.Service
	Invitations  *invitations.Service
	Registration *registration.Service
	Orders       *orders.Service
	Batches      *batches.Service
	Auth         *adminauth.Service
	Keys         *token.KeyRing
	PIN          *kiosk.PIN
	Station      *kiosk.Station
	BankID       *bankidconf.Provider
	Outbox       *outbox.Worker
	Exports      *exports.Service
	// ConsoleSync pairs offline kiosks and imports their bundles.
	ConsoleSync *consolesync.Service
	// KioskSync is the kiosk's side of offline sync; KioskSync.Paired()
	// tells a kiosk paired with a console.
	KioskSync *kiosksync.Service
	// ConsoleMail and KioskMail carry sync files by e-mail (issue 14):
	// the one of the side this App is runs in the sync_mail job.
	ConsoleMail *mailsync.Console
	KioskMail   *mailsync.Kiosk
	// Backup writes the encrypted backups (the backup job, Settings →
	// Backup, `id06desk backup`).
	Backup *backup.Service
	// TestCamera switches the test camera's picture (nil unless
	// Options.TestCamera).
	TestCamera func(file string) error

	jobs     *jobs.Scheduler
	syncWake chan struct{}
	baseURL  atomic.Pointer[string]

	consoleKeysMu sync.Mutex
	consoleKeys   []token.PublicKey // the paired console's token keys added to Keys

	closeOnce sync.Once
	closers   []func()
}

// LogFile is the log's path: id06desk.log in the state folder; its rotated
// copies are id06desk-<UTC time>.log beside it.
func LogFile(p paths.Paths) string { return filepath.Join(p.State, "id06desk.log") }

// Open resolves and creates the folders, takes the lock when asked, opens
// the log and the database and builds the services. The jobs are
// registered but not started. Close releases everything.
func Open(ctx context.Context, o Options) (*App, error) {
	p, err := paths.Resolve(o.DataDir)
	if err != nil {
		return nil, err
	}
	if err := p.Ensure(); err != nil {
		return nil, err
	}
	a := &App{Version: o.Version, Paths: p}
	if err := a.open(ctx, o); err != nil {
		a.Close() // what was opened, in reverse
		return nil, err
	}
	return a, nil
}

func (a *App) open(ctx context.Context, o Options) error {
	p := a.Paths
	if o.Lock {
		l, err := instancelock.Acquire(p.LockFile())
		if err != nil {
			return err
		}
		a.onClose(func() { l.Release() })
	}
	logTo := o.LogTo
	if logTo == nil {
		logTo = io.Discard
	}
	log, logFile, err := applog.Open(LogFile(p), logTo, applog.Options{Level: o.LogLevel})
	if err != nil {
		return &paths.DirError{Path: p.State, Err: err}
	}
	a.onClose(func() { logFile.Close() })
	a.Log = log

	db, err := sqlite.Open(ctx, p.Database(), sqlite.Options{Log: log, Program: o.Version})
	if err != nil {
		return err
	}
	a.onClose(func() { db.Close() })
	a.DB = db

	if a.Keys, err = token.LoadOrCreate(filepath.Join(p.Config, "keys")); err != nil {
		return fmt.Errorf("invitation signing keys: %w", err)
	}
	st := settings.NewService(db, p.Config)
	a.Settings = st
	a.Exports = exports.New(db)
	a.Outbox = outbox.NewWorker(invitations.MailResults(db), smtpout.SenderSource(st.Load, nil), log, outbox.Options{})
	// One cap on argon2 hashes at once, shared by the login and the PIN.
	hasher := adminauth.NewHasher(adminauth.DefaultConcurrentHashes)
	a.Auth = adminauth.New(db, nil, adminauth.WithHasher(hasher))
	a.PIN = kiosk.NewPIN(filepath.Join(p.Config, "kiosk-pin"), kiosk.PINHasher(hasher))
	a.Station = kiosk.NewStation(func(ctx context.Context) kiosk.Choice {
		c := kiosk.Choice{}
		if v, err := st.Load(ctx); err == nil {
			c.Label = v.Get("camera.device")
			fmt.Sscanf(v.Get("camera.resolution"), "%dx%d", &c.Width, &c.Height)
		}
		return c
	})
	a.onClose(a.Station.Close)
	if o.TestCamera != "" {
		play, stop, err := playFolder(o.TestCamera)
		if err != nil {
			return err
		}
		a.onClose(stop)
		a.TestCamera = play
	}
	a.Invitations = invitations.New(invitations.Config{
		Store: db, Settings: st, Keys: a.Keys, Wake: a.Outbox.Wake, DefaultPublicURL: a.publicURL,
	})
	a.Orders = orders.New(orders.Config{Store: db, Now: db.Now, Settings: st, Reopener: a.Invitations, Wake: a.Outbox.Wake})
	a.Batches = batches.New(batches.Config{
		Store: db, Settings: st.Load, DefaultFolder: nexusFolder(o.DataDir, p), Wake: a.Outbox.Wake, Log: log,
	})
	a.BankID = bankidconf.New(p.Config, st)
	a.Registration = registration.New(registration.Config{
		Store: db, Settings: st, Keys: a.Keys, Log: log, Wake: a.Outbox.Wake, DefaultPublicURL: a.publicURL, BankIDs: a.BankID,
	})
	a.ConsoleSync = consolesync.New(consolesync.Config{
		Store: db, Settings: st.Load, Keys: a.Keys, Orders: a.Registration, KeyDir: SyncKeyDir(p), TempDir: p.State, Now: db.Now, Log: log,
	})
	a.KioskSync, err = kiosksync.New(kiosksync.Config{Store: db, Dir: SyncKeyDir(p), Log: log, OnPaired: a.kioskPaired, OnUnpaired: a.kioskUnpaired, OnTokenKeys: a.addTokenKeys,
		MediaRoots: mediaRoots(), Documents: syncFolder(o.DataDir, p)})
	if err != nil {
		return err
	}
	a.ConsoleMail = mailsync.NewConsole(mailsync.ConsoleConfig{Sync: a.ConsoleSync, Store: db, Settings: st.Load,
		Wake: a.Outbox.Wake, Now: db.Now, Log: log})
	a.onClose(a.ConsoleMail.StopReceiver)
	a.KioskMail = mailsync.NewKiosk(mailsync.KioskConfig{Sync: a.KioskSync, Store: db, Settings: st.Load, Outbox: a.Outbox, Log: log})
	a.KioskSync.Hook()
	a.Backup = backup.New(backup.Config{Source: db, Settings: st.Load, TempDir: p.Data,
		StatusFile: BackupStatusFile(p), Now: o.Now, Log: log})
	return a.registerJobs()
}

// kioskPaired makes this a paired kiosk's App: the console's token keys
// verify invitations here (offline), tokens the kiosk does not know are
// adopted, and Confirm seals the registration for the console.
func (a *App) kioskPaired(s *kiosksync.Service) {
	keys, err := s.TokenKeys(context.Background())
	if err != nil {
		a.Log.Error("the console's token keys cannot be read: its invitations are refused here", "err", err)
	}
	a.addTokenKeys(keys)
	a.Registration.SetOffline(sealThenSync{s, a.wakeSync}, s)
	a.receiverPassword(s)
}

// sealThenSync is the kiosk's Confirm: the registration is sealed, then
// the sync_mail job is woken so that it goes out at once when there is a
// network, not at the next sync.poll_minutes.
type sealThenSync struct {
	*kiosksync.Service
	wake func()
}

func (s sealThenSync) Seal(ctx context.Context, o order.Order, tok string) error {
	if err := s.Service.Seal(ctx, o, tok); err != nil {
		return err
	}
	s.wake()
	return nil
}

// receiverPassword gives a kiosk paired for the console's own SMTP
// receiver (its pairing made its SMTP user its own id) the password
// derived from the pairing secret, while the secret is still here.
func (a *App) receiverPassword(s *kiosksync.Service) {
	p := s.Pairing()
	pw := s.ReceiverPassword()
	if p == nil || pw == "" {
		return
	}
	ctx := context.Background()
	v, err := a.Settings.Load(ctx)
	if err != nil || v.Get("smtp.username") != p.KioskID || v.Get("smtp.password") != "" {
		return
	}
	if err := a.Settings.Set(ctx, audit.System.Name, map[string]string{"smtp.password": pw}); err != nil {
		a.Log.Error("store the sync receiver password", "err", err)
	}
}

// SyncNow runs a mail sync round now: the kiosk's on a paired kiosk, else
// the console's (and keeps its receiver as the settings say).
func (a *App) SyncNow(ctx context.Context) (any, error) {
	if a.KioskSync.Paired() {
		return a.KioskMail.Round(ctx)
	}
	return a.ConsoleMail.Round(ctx)
}

// SyncMailStatus is the mail transport of this side: the kiosk's on a
// paired kiosk, else the console's.
func (a *App) SyncMailStatus(ctx context.Context) (any, error) {
	if a.KioskSync.Paired() {
		return a.KioskMail.Status(ctx)
	}
	return a.ConsoleMail.Status(ctx)
}

// wakeSync brings the sync_mail job's next round forward: a bundle came in
// at the receiver (its acknowledgement should go soon), or the kiosk sealed
// a registration (it should go out now).
func (a *App) wakeSync() {
	select {
	case a.syncWake <- struct{}{}:
	default:
	}
}

// syncRound is the sync_mail job: a round, its problems as the job's error
// (Settings → About shows it).
func (a *App) syncRound(ctx context.Context) error {
	if !a.KioskSync.Paired() {
		if err := a.ConsoleMail.KeepReceiver(ctx, a.wakeSync); err != nil {
			return err
		}
		if !consolesync.HasConsoleKeys(SyncKeyDir(a.Paths)) {
			return nil // no kiosk paired yet
		}
	}
	r, err := a.SyncNow(ctx)
	if err != nil {
		return err
	}
	var problems []mailsync.Problem
	switch r := r.(type) {
	case *mailsync.KioskRound:
		problems = r.Problems
	case *mailsync.ConsoleRound:
		problems = r.Problems
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s", problems[len(problems)-1].EN)
	}
	return nil
}

// kioskUnpaired undoes kioskPaired when the kiosk left its console: Confirm
// makes no sealed registrations, and the console's tokens no longer verify.
func (a *App) kioskUnpaired(*kiosksync.Service) {
	a.Registration.SetOffline(nil, nil)
	a.consoleKeysMu.Lock()
	defer a.consoleKeysMu.Unlock()
	for _, k := range a.consoleKeys {
		a.Keys.RemovePublicKey(k)
	}
	a.consoleKeys = nil
}

// addTokenKeys lets the key ring verify the console's invitation tokens.
func (a *App) addTokenKeys(keys []token.PublicKey) {
	a.consoleKeysMu.Lock()
	defer a.consoleKeysMu.Unlock()
	for _, k := range keys {
		if err := a.Keys.AddPublicKey(k); err != nil {
			a.Log.Error("a token key of the console is unusable", "key_id", k.KeyID, "err", err)
			continue
		}
		a.consoleKeys = append(a.consoleKeys, k)
	}
}

// BackupStatusFile keeps the last backup's result (<state>/backup.json).
func BackupStatusFile(p paths.Paths) string { return filepath.Join(p.State, "backup.json") }

// SyncKeyDir is where the sync keys of a console or kiosk live
// (<config>/sync, 0700).
func SyncKeyDir(p paths.Paths) string { return filepath.Join(p.Config, "sync") }

// registerJobs adds the background jobs. A new job (sync, Nexus) is one
// more Add here.
func (a *App) registerJobs() error {
	a.jobs = jobs.New(a.Log)
	hk := housekeeping.Config{Store: a.DB, Settings: a.Settings.Load, Log: a.Log, Every: HousekeepingEvery}
	// Housekeeping wakes early when the next open invitation expires, so
	// that its draft goes at once.
	err := a.jobs.Add(JobHousekeeping, HousekeepingEvery,
		func(ctx context.Context) error { return housekeeping.Round(ctx, hk) },
		jobs.Sooner(func(ctx context.Context) time.Duration { return housekeeping.Wait(ctx, hk) }))
	if err != nil {
		return err
	}
	// The backup job looks at least every backup.Every whether one is due.
	if err := a.jobs.Add(JobBackup, backup.Every, a.Backup.Round, jobs.Sooner(a.Backup.Wait)); err != nil {
		return err
	}
	if err := a.jobs.Add(JobKioskPairing, KioskPairingEvery, a.KioskSync.Refresh); err != nil {
		return err
	}
	// Saved batch files hold personal data in clear: gone after their days.
	if err := a.jobs.Add(JobNexusFiles, NexusFilesEvery, a.Batches.Cleanup); err != nil {
		return err
	}
	// Sync by mail: every sync.poll_minutes, sooner when woken.
	a.syncWake = make(chan struct{}, 1)
	err = a.jobs.Add(JobSyncMail, SyncMailEvery, a.syncRound, jobs.WakeOn(a.syncWake),
		jobs.Sooner(func(ctx context.Context) time.Duration {
			v, err := a.Settings.Load(ctx)
			if err != nil {
				return SyncMailEvery
			}
			return time.Duration(v.Int("sync.poll_minutes")) * time.Minute
		}))
	if err != nil {
		return err
	}
	// The outbox sends at once when mail is queued, at the next due retry,
	// and at least every minute (a command may have queued mail). It runs
	// in kiosk mode too: a kiosk sends the cardholder's receipt.
	return a.jobs.Add(JobOutbox, OutboxEvery, a.Outbox.Round,
		jobs.WakeOn(a.Outbox.Woken()),
		jobs.Sooner(func(ctx context.Context) time.Duration { return a.Outbox.Wait(ctx, OutboxEvery) }))
}

// nexusFolder is where Nexus batches are saved when the nexus.folder
// setting is empty: id06desk-nexus in the XDG documents folder, or inside
// the data folder given with --data-dir (tests, portable installs).
func nexusFolder(dataDir string, p paths.Paths) string {
	if dataDir != "" {
		return filepath.Join(p.Data, "nexus")
	}
	return filepath.Join(xdg.UserDirs.Documents, "id06desk-nexus")
}

// Start runs the background jobs until ctx ends or Close. What they do
// is audited as the system.
func (a *App) Start(ctx context.Context) {
	a.jobs.Start(audit.WithActor(ctx, audit.System))
}

// Retention is the retention settings' cutoffs at now (housekeeping and
// `id06desk purge`).
func (a *App) Retention(ctx context.Context, now time.Time) (drafts, orders time.Time) {
	return housekeeping.Cutoffs(ctx, a.Settings.Load, now)
}

// Jobs reports the background jobs: last run, duration, error.
func (a *App) Jobs() []jobs.Status { return a.jobs.List() }

// Close stops the jobs (waiting for a running round) and releases what
// Open took, in reverse order: the lock last.
func (a *App) Close() {
	a.closeOnce.Do(func() {
		if a.jobs != nil {
			a.jobs.Stop()
		}
		for i := len(a.closers) - 1; i >= 0; i-- {
			a.closers[i]()
		}
	})
}

func (a *App) onClose(f func()) { a.closers = append(a.closers, f) }

// SetBaseURL records where `serve` listens: the registration link's base
// when the public_url setting is empty.
func (a *App) SetBaseURL(u string) { a.baseURL.Store(&u) }

func (a *App) publicURL() string {
	if u := a.baseURL.Load(); u != nil {
		return *u
	}
	return DefaultPublicURL
}

// APIOptions are what differs between the hosts' APIs.
type APIOptions struct {
	Mode  httpapi.Mode
	Kiosk bool
	// Assets is the built frontend, served by Site (serve mode).
	Assets      fs.FS
	OnKioskExit func()
	OnUIReady   func(route string)
}

// API builds the HTTP API over the App's services: the one place its
// configuration is written.
func (a *App) API(o APIOptions) *httpapi.Server {
	cfg := httpapi.Config{
		Version: a.Version, Mode: o.Mode, Kiosk: o.Kiosk, DataDir: a.Paths.Data,
		DB: a.DB, Log: a.Log, Assets: o.Assets, OnUIReady: o.OnUIReady,
		Settings: a.Settings, Invitations: a.Invitations, Outbox: a.Outbox,
		Registration: a.Registration, Orders: a.Orders, Batches: a.Batches, Keys: a.Keys,
		Station: a.Station, PIN: a.PIN, OnKioskExit: o.OnKioskExit, TestCamera: a.TestCamera, BankID: a.BankID,
		Jobs: a.Jobs, Exports: a.Exports, WindowUser: windowUser(), ConsoleSync: a.ConsoleSync, KioskSync: a.KioskSync,
		ConsoleMail: a.ConsoleMail, KioskMail: a.KioskMail, Backup: a.Backup,
	}
	if o.Mode == httpapi.ModeServe {
		// Inside the window the desktop user is the admin: no login.
		cfg.Auth = a.Auth
	}
	return httpapi.New(cfg)
}

// syncFolder is the non-removable folder offered for a kiosk's bundle
// exports: the XDG documents folder, or, with --data-dir (tests, portable
// installs), sync-files inside the data folder.
func syncFolder(dataDir string, p paths.Paths) string {
	if dataDir != "" {
		return filepath.Join(p.Data, "sync-files")
	}
	return xdg.UserDirs.Documents
}

// mediaRoots are where the desktop mounts removable drives for the user:
// /media/<user> (Debian, Ubuntu) and /run/media/<user> (Fedora, Arch).
func mediaRoots() []string {
	u, err := user.Current()
	if err != nil || u.Username == "" {
		return nil
	}
	return []string{filepath.Join("/media", u.Username), filepath.Join("/run/media", u.Username)}
}

// windowUser is the OS user of the desktop window, for the audit log.
func windowUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "desktop"
}
