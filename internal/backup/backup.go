// Package backup writes encrypted online backups of the database and
// restores them. A backup is a consistent copy of the live database
// (VACUUM INTO, while the app goes on writing) encrypted with age to the
// admin's passphrase or public key, written atomically (temporary file,
// fsync, rename) with mode 0600 to the folder the admin chose, named with
// the time, the last backup.keep kept. The plain copy exists only inside
// the data folder and is overwritten and removed once encrypted.
//
// The schedule (backup.schedule, backup.hour) is the App's backup job:
// Round backs up when one is due; Wait tells the job runner when the next
// one is. The last result is kept in a small file in the state folder and
// shown in Settings → Backup.
package backup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"filippo.io/age"

	"id06desk/internal/i18n"
	"id06desk/internal/paths"
	"id06desk/internal/settings"
)

// Source makes the consistent plain copy of the database (sqlite.DB).
type Source interface {
	VacuumInto(ctx context.Context, file string) error
}

// Config holds what a Service needs.
type Config struct {
	Source   Source
	Settings func(ctx context.Context) (settings.Values, error)
	// TempDir is where the plain copy is made: the data folder (0700),
	// the only place personal data lives unencrypted.
	TempDir string
	// StatusFile keeps the last results (in the state folder).
	StatusFile string
	// Now is the clock (tests set it); nil: time.Now.
	Now func() time.Time
	Log *slog.Logger
}

// Service makes backups, one at a time.
type Service struct {
	cfg Config
	mu  sync.Mutex // one backup at a time
}

// New returns a Service.
func New(cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{cfg: cfg}
}

// Result is one backup attempt.
type Result struct {
	Time time.Time `json:"time"`
	// File is the backup written (full path); Size its bytes.
	File string `json:"file,omitempty"`
	Size int64  `json:"size,omitempty"`
	// Error is why it failed, with the operating system's words
	// ("" when it succeeded); Code is its message code.
	Error string `json:"error,omitempty"`
	Code  string `json:"code,omitempty"`
	// Reason is the system's own words of the failure, if any ("no such
	// file or directory"), for the UI to show under its sentence.
	Reason string `json:"reason,omitempty"`
	// Took is how long it took.
	TookMS int64 `json:"tookMs"`
}

// OK reports whether the attempt wrote a backup.
func (r Result) OK() bool { return r.Error == "" && r.File != "" }

// Record is what the status file keeps.
type Record struct {
	Last     *Result `json:"last,omitempty"`
	LastGood *Result `json:"lastGood,omitempty"`
}

// Status is what Settings → Backup shows.
type Status struct {
	Record
	// Configured: a folder and a key are set, so the schedule backs up.
	Configured bool
	// Next is when the schedule backs up next (zero: off or not set up).
	Next time.Time
	// Warning is "" or a reason to look: WarnNone (no backup yet),
	// WarnStale (the last good one is older than a day), WarnFailed (the
	// last attempt failed).
	Warning string
}

// The warnings of Status.
const (
	WarnNone   = "none"
	WarnStale  = "stale"
	WarnFailed = "failed"
)

// StaleAfter is the age of the last good backup that is warned about.
const StaleAfter = 24 * time.Hour

// RetryAfter is the least time between a failed scheduled attempt and the
// next one.
const RetryAfter = time.Hour

// Prefix and Suffix name the backup files: id06desk-backup-<UTC time>.db.age.
const (
	Prefix = "id06desk-backup-"
	Suffix = ".db.age"
	stamp  = "20060102-150405Z"
)

// Errors, each with a message for people.
var (
	ErrNotConfigured = errors.New("backup: no folder set")
	ErrNoKey         = errors.New("backup: no passphrase or recipient set")
)

// Messages.
var (
	MsgNotConfigured = i18n.Text{Code: "backup.no_folder",
		SV: "Ingen mapp för säkerhetskopior är vald. Välj en under Inställningar → Säkerhetskopior.",
		EN: "No backup folder is chosen. Choose one in Settings → Backup."}
	MsgNoKey = i18n.Text{Code: "backup.no_key",
		SV: "Säkerhetskopior krypteras, men ingen lösenfras eller publik nyckel är angiven. Ange en under Inställningar → Säkerhetskopior.",
		EN: "Backups are encrypted, but no passphrase or public key is set. Set one in Settings → Backup."}
	MsgWriteFailed = i18n.Text{Code: "backup.write_failed",
		SV: "Säkerhetskopian kunde inte skrivas: {reason}. Kontrollera att mappen finns, är monterad och går att skriva i.",
		EN: "The backup could not be written: {reason}. Check that the folder exists, is mounted and can be written to."}
	MsgCopyFailed = i18n.Text{Code: "backup.copy_failed",
		SV: "Databasen kunde inte kopieras: {reason}.",
		EN: "The database could not be copied: {reason}."}
)

// Identity is how a backup is encrypted.
type Identity struct {
	Recipients []age.Recipient
}

// scryptWorkFactor, when not 0, replaces age's passphrase work factor
// (2^18, about a second): the package's tests lower it.
var scryptWorkFactor int

func scryptRecipient(pass string) (*age.ScryptRecipient, error) {
	r, err := age.NewScryptRecipient(pass)
	if err != nil {
		return nil, fmt.Errorf("backup passphrase: %w", err)
	}
	if scryptWorkFactor > 0 {
		r.SetWorkFactor(scryptWorkFactor)
	}
	return r, nil
}

// Key reads the encryption key the settings name; pass overrides them
// with a passphrase (the command line's --passphrase-file).
func Key(v settings.Values, pass string) (Identity, error) {
	if pass != "" {
		r, err := scryptRecipient(pass)
		if err != nil {
			return Identity{}, err
		}
		return Identity{Recipients: []age.Recipient{r}}, nil
	}
	if v.Get("backup.encryption") == "recipient" {
		if v.Get("backup.recipient") == "" {
			return Identity{}, i18n.Wrap(ErrNoKey, MsgNoKey)
		}
		rs, err := settings.BackupRecipients(v.Get("backup.recipient"))
		if err != nil {
			return Identity{}, fmt.Errorf("backup.recipient: %w", err)
		}
		return Identity{Recipients: rs}, nil
	}
	p := v.Get("backup.passphrase")
	if p == "" {
		return Identity{}, i18n.Wrap(ErrNoKey, MsgNoKey)
	}
	r, err := scryptRecipient(p)
	if err != nil {
		return Identity{}, err
	}
	return Identity{Recipients: []age.Recipient{r}}, nil
}

// Options of one backup.
type Options struct {
	// Out writes to this file instead of a new file in backup.folder (no
	// pruning then).
	Out string
	// Passphrase encrypts with this instead of the configured key.
	Passphrase string
}

// BackUp makes one backup now and records its result.
func (s *Service) BackUp(ctx context.Context, o Options) (Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	start := s.cfg.Now()
	res := Result{Time: start.UTC()}
	file, size, err := s.write(ctx, o, start)
	res.TookMS = s.cfg.Now().Sub(start).Milliseconds()
	if err != nil {
		res.Error = err.Error()
		var ie *i18n.Error
		if errors.As(err, &ie) {
			res.Code, res.Reason = ie.Msg.Code(), ie.Msg.Params["reason"]
		}
		s.cfg.Log.Error("backup failed", "err", err)
	} else {
		res.File, res.Size = file, size
		s.cfg.Log.Info("backup written", "file", file, "bytes", size)
	}
	if rerr := s.record(res); rerr != nil {
		s.cfg.Log.Error("record the backup's result", "err", rerr)
		if err == nil {
			err = rerr
		}
	}
	return res, err
}

func (s *Service) write(ctx context.Context, o Options, now time.Time) (string, int64, error) {
	v, err := s.cfg.Settings(ctx)
	if err != nil {
		return "", 0, err
	}
	out := o.Out
	folder := filepath.Dir(out)
	if out == "" {
		folder = v.Get("backup.folder")
		if folder == "" {
			return "", 0, i18n.Wrap(ErrNotConfigured, MsgNotConfigured)
		}
	}
	key, err := Key(v, o.Passphrase)
	if err != nil {
		return "", 0, err
	}
	if o.Out == "" {
		out = filepath.Join(folder, Prefix+now.UTC().Format(stamp)+Suffix)
		for i := 2; exists(out); i++ { // two in one second
			out = filepath.Join(folder, fmt.Sprintf("%s%s-%d%s", Prefix, now.UTC().Format(stamp), i, Suffix))
		}
	}
	plain, err := s.plainCopy(ctx)
	if err != nil {
		return "", 0, err
	}
	defer shred(plain)
	size, err := encryptTo(plain, out, key.Recipients)
	if err != nil {
		return "", 0, i18n.Wrap(err, MsgWriteFailed, "reason", osWords(err))
	}
	if o.Out == "" {
		if err := prune(folder, v.Int("backup.keep")); err != nil {
			s.cfg.Log.Error("delete old backups", "folder", folder, "err", err)
		}
	}
	return out, size, nil
}

// plainCopy makes the consistent copy inside the data folder, 0600.
func (s *Service) plainCopy(ctx context.Context) (string, error) {
	f, err := os.CreateTemp(s.cfg.TempDir, ".backup-*.db")
	if err != nil {
		return "", i18n.Wrap(fmt.Errorf("backup: temporary copy: %w", err), MsgCopyFailed, "reason", osWords(err))
	}
	name := f.Name()
	f.Chmod(paths.FileMode)
	f.Close()
	if err := s.cfg.Source.VacuumInto(ctx, name); err != nil {
		shred(name)
		return "", i18n.Wrap(fmt.Errorf("backup: %w", err), MsgCopyFailed, "reason", osWords(err))
	}
	os.Chmod(name, paths.FileMode)
	return name, nil
}

// encryptTo encrypts plain to out atomically: a temporary file in out's
// folder (0600), fsync, rename, fsync of the folder.
func encryptTo(plain, out string, rs []age.Recipient) (int64, error) {
	in, err := os.Open(plain)
	if err != nil {
		return 0, err
	}
	defer in.Close()
	dir := filepath.Dir(out)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(out)+".tmp-*")
	if err != nil {
		return 0, err
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(paths.FileMode); err != nil {
		return 0, err
	}
	w, err := age.Encrypt(tmp, rs...)
	if err != nil {
		return 0, err
	}
	if _, err := io.Copy(w, in); err != nil {
		return 0, err
	}
	if err := w.Close(); err != nil {
		return 0, err
	}
	if err := tmp.Sync(); err != nil {
		return 0, err
	}
	st, err := tmp.Stat()
	if err != nil {
		return 0, err
	}
	if err := tmp.Close(); err != nil {
		return 0, err
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return 0, err
	}
	done = true
	syncDir(dir)
	return st.Size(), nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

// shred overwrites a plain copy with zeros before removing it, so the
// personal data does not stay in the file's blocks (on a disk that
// overwrites in place).
func shred(name string) {
	if f, err := os.OpenFile(name, os.O_WRONLY, 0); err == nil {
		if st, err := f.Stat(); err == nil {
			zero := make([]byte, 64<<10)
			for left := st.Size(); left > 0; {
				n := min(left, int64(len(zero)))
				if _, err := f.Write(zero[:n]); err != nil {
					break
				}
				left -= n
			}
			f.Sync()
		}
		f.Close()
	}
	os.Remove(name)
	for _, side := range []string{"-journal", "-wal", "-shm"} {
		os.Remove(name + side)
	}
}

// osWords is the operating system's own words for err ("no space left on
// device", "permission denied"), without Go's operation and path.
func osWords(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err.Error()
	}
	return err.Error()
}

// Files lists the backups in folder, oldest first.
func Files(folder string) ([]string, error) {
	entries, err := os.ReadDir(folder)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		n := e.Name()
		if e.Type().IsRegular() && strings.HasPrefix(n, Prefix) && strings.HasSuffix(n, Suffix) {
			out = append(out, filepath.Join(folder, n))
		}
	}
	sort.Strings(out) // the UTC time in the name sorts by time
	return out, nil
}

// prune deletes all but the newest keep backups in folder.
func prune(folder string, keep int) error {
	if keep < 1 {
		keep = 1
	}
	files, err := Files(folder)
	if err != nil {
		return err
	}
	var errs []error
	for len(files) > keep {
		if err := os.Remove(files[0]); err != nil {
			errs = append(errs, err)
		}
		files = files[1:]
	}
	return errors.Join(errs...)
}

// Load reads the recorded results.
func (s *Service) Load() (Record, error) {
	var r Record
	b, err := os.ReadFile(s.cfg.StatusFile)
	if errors.Is(err, fs.ErrNotExist) {
		return r, nil
	}
	if err != nil {
		return r, fmt.Errorf("read backup status: %w", err)
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return Record{}, nil // a damaged status file is forgotten
	}
	return r, nil
}

func (s *Service) record(res Result) error {
	r, err := s.Load()
	if err != nil {
		return err
	}
	r.Last = &res
	if res.OK() {
		r.LastGood = &res
	}
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return paths.WriteFile(s.cfg.StatusFile, b)
}

// Status reports the last results, the next scheduled backup and whether
// to warn.
func (s *Service) Status(ctx context.Context) (Status, error) {
	v, err := s.cfg.Settings(ctx)
	if err != nil {
		return Status{}, err
	}
	r, err := s.Load()
	if err != nil {
		return Status{}, err
	}
	now := s.cfg.Now()
	st := Status{Record: r, Configured: configured(v)}
	if st.Configured {
		st.Next = due(v, r, now)
	}
	switch {
	case r.Last != nil && !r.Last.OK():
		st.Warning = WarnFailed
	case r.LastGood == nil:
		st.Warning = WarnNone
	case now.Sub(r.LastGood.Time) > StaleAfter:
		st.Warning = WarnStale
	}
	return st, nil
}

// configured reports whether the schedule has a folder and a key.
func configured(v settings.Values) bool {
	if v.Get("backup.folder") == "" {
		return false
	}
	if v.Get("backup.encryption") == "recipient" {
		return v.Get("backup.recipient") != ""
	}
	return v.Get("backup.passphrase") != ""
}

// due is when the schedule backs up next (zero: never). Daily: at
// backup.hour, or at once when today's (or yesterday's) slot passed
// without a good backup; hourly: an hour after the last good one. A
// failed attempt is retried after RetryAfter.
func due(v settings.Values, r Record, now time.Time) time.Time {
	var last time.Time
	if r.LastGood != nil {
		last = r.LastGood.Time
	}
	var next time.Time
	switch v.Get("backup.schedule") {
	case "off":
		return time.Time{}
	case "hourly":
		next = last.Add(time.Hour)
	default: // daily
		local := now.Local()
		slot := time.Date(local.Year(), local.Month(), local.Day(), v.Int("backup.hour"), 0, 0, 0, time.Local)
		if slot.After(now) {
			slot = slot.AddDate(0, 0, -1)
		}
		if last.Before(slot) {
			next = slot // missed: now
		} else {
			next = slot.AddDate(0, 0, 1)
		}
	}
	if r.Last != nil && !r.Last.OK() {
		if retry := r.Last.Time.Add(RetryAfter); retry.After(next) {
			next = retry
		}
	}
	return next
}

// Every is the longest wait of the backup job: it looks at least this
// often whether the settings changed.
const Every = 15 * time.Minute

// Wait is how long until the next scheduled backup (at most Every).
func (s *Service) Wait(ctx context.Context) time.Duration {
	v, err := s.cfg.Settings(ctx)
	if err != nil || !configured(v) {
		return Every
	}
	r, err := s.Load()
	if err != nil {
		return Every
	}
	next := due(v, r, s.cfg.Now())
	if next.IsZero() {
		return Every
	}
	return min(max(next.Sub(s.cfg.Now()), 0), Every)
}

// Round is the backup job: a backup when one is due.
func (s *Service) Round(ctx context.Context) error {
	v, err := s.cfg.Settings(ctx)
	if err != nil {
		return err
	}
	if !configured(v) {
		return nil
	}
	r, err := s.Load()
	if err != nil {
		return err
	}
	next := due(v, r, s.cfg.Now())
	if next.IsZero() || next.After(s.cfg.Now()) {
		return nil
	}
	_, err = s.BackUp(ctx, Options{})
	return err
}
