// Package sqlite is id06desk's storage: one SQLite file opened through
// modernc.org/sqlite (pure Go) with a single-connection writer pool beside a
// read-only reader pool. All hand-written SQL of the app lives in this
// package.
//
// Storage persists; it does not decide. A change that follows a rule (an
// invitation's status, an order's creation, a mail's result, the expiry
// sweep) is a method that loads the stored value inside a write
// transaction, hands it to a callback of the service that holds the rule,
// and writes what the callback returns (invite.Change) in the same
// transaction — the way pocketbase's RunInTransaction hands a transaction
// to its callers. The package imports only domain packages (types, errors,
// the ports it implements): TestStorageImportsOnlyDomainPackages.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"id06desk/internal/health"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// DB is an open database.
type DB struct {
	Path   string
	writer *sql.DB
	reader *sql.DB
	now    func() time.Time
	log    *slog.Logger
	// walDirty is set when personal data was deleted but the write-ahead
	// log could not be cleared yet; the next erase or sweep tries again.
	walDirty atomic.Bool
	// program is the program's version (Options.Program).
	program string
}

// Options tune Open; the zero value is fine.
type Options struct {
	// Now is the clock used for stored times (tests).
	Now func() time.Time
	// ReadOnly opens without running migrations and without a writer; used
	// for status checks.
	BusyTimeout time.Duration
	// Log receives what cannot be returned to a caller (a write-ahead log
	// that could not be cleared after a deletion). Nil: discarded.
	Log *slog.Logger
	// Program is the program's version, named in the message that refuses
	// a database of a newer release (NewerError).
	Program string
}

// ErrCorrupt is returned when the file is not a usable SQLite database.
var ErrCorrupt = errors.New("database file is damaged")

// CorruptError names the file and the fix.
type CorruptError struct {
	Path string
	Err  error
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("the database %s is damaged or is not an id06desk database (%v): move it aside (or restore a backup) and start again; a new empty database is created in its place", e.Path, e.Err)
}

func (e *CorruptError) Unwrap() []error { return []error{ErrCorrupt, e.Err} }

func dsn(file string, busy time.Duration, readOnly bool) string {
	q := url.Values{}
	// busy_timeout first: the other pragmas may already need to wait.
	pragmas := []string{
		"busy_timeout(" + strconv.FormatInt(busy.Milliseconds(), 10) + ")",
		"journal_mode(WAL)",
		"foreign_keys(1)",
		"synchronous(NORMAL)",
		// Deleted rows and freed pages are overwritten with zeros, so
		// personal data the app deletes does not stay readable in the
		// file's free pages (see erase for the write-ahead log).
		"secure_delete(1)",
	}
	if readOnly {
		pragmas = append(pragmas, "query_only(1)")
	} else {
		q.Set("_txlock", "immediate")
	}
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	return "file:" + file + "?" + q.Encode()
}

// Open opens (creating if needed, mode 0600) the database at file and applies
// pending migrations.
func Open(ctx context.Context, file string, opt Options) (*DB, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.BusyTimeout == 0 {
		opt.BusyTimeout = 5 * time.Second
	}
	// A newer release's database is refused before anything here could
	// write to it (the mode, the journal mode, a migration).
	if err := refuseNewer(ctx, file, opt); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(file, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", file, err)
	}
	f.Close()
	if err := os.Chmod(file, 0o600); err != nil {
		return nil, fmt.Errorf("open database %s: %w", file, err)
	}

	writer, err := sql.Open("sqlite", dsn(file, opt.BusyTimeout, false))
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", file, err)
	}
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxLifetime(0)

	reader, err := sql.Open("sqlite", dsn(file, opt.BusyTimeout, true))
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("open database %s: %w", file, err)
	}
	reader.SetMaxOpenConns(4)

	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	db := &DB{Path: file, writer: writer, reader: reader, now: opt.Now, log: opt.Log, program: opt.Program}
	if err := db.check(ctx, opt.BusyTimeout); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// check reads the schema so a damaged file is reported before anything is
// written to it. Switching a new file to WAL answers SQLITE_BUSY at once
// (without the busy handler) while another process does the same, so a
// busy answer is retried for up to the busy timeout.
func (db *DB) check(ctx context.Context, busy time.Duration) error {
	deadline := time.Now().Add(busy)
	for {
		var n int
		err := db.writer.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema`).Scan(&n)
		if err == nil {
			return nil
		}
		var se *sqlite.Error
		if errors.As(err, &se) {
			switch se.Code() & 0xff {
			case sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
				return &CorruptError{Path: db.Path, Err: err}
			case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
				if time.Now().Before(deadline) {
					select {
					case <-ctx.Done():
						return fmt.Errorf("open database %s: %w", db.Path, ctx.Err())
					case <-time.After(20 * time.Millisecond):
					}
					continue
				}
			}
		}
		return fmt.Errorf("open database %s: %w", db.Path, err)
	}
}

// Close closes both pools.
func (db *DB) Close() error {
	return errors.Join(db.reader.Close(), db.writer.Close())
}

// Now returns the database clock.
func (db *DB) Now() time.Time { return db.now() }

// Tx is what RunInTx hands to its function.
type Tx = *sql.Tx

// RunInTx runs fn in a write transaction (BEGIN IMMEDIATE, on the single
// writer connection) and commits when fn returns nil.
func (db *DB) RunInTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Reader is the read-only pool for queries outside transactions.
func (db *DB) Reader() *sql.DB { return db.reader }

// Status is what /api/health reports about the database (a domain type,
// so that the API need not import storage).
type Status = health.Database

// Status pings the database and reports the schema version.
func (db *DB) Status(ctx context.Context) Status {
	s := Status{Path: db.Path}
	err := db.reader.QueryRowContext(ctx, `SELECT coalesce(max(version),0) FROM schema_migrations`).Scan(&s.SchemaVersion)
	if err != nil {
		s.Error = err.Error()
		return s
	}
	s.OK = true
	return s
}

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("migration file %q must be named NNNN_name.sql", e.Name())
		}
		b, err := migrationFiles.ReadFile(path.Join("migrations", e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i := 1; i < len(out); i++ {
		if out[i].version == out[i-1].version {
			return nil, fmt.Errorf("two migrations numbered %d", out[i].version)
		}
	}
	return out, nil
}

// migrate applies every migration not yet recorded, one transaction each.
// Two processes starting at once are safe: BEGIN IMMEDIATE serialises them
// and each re-checks inside its transaction.
func (db *DB) migrate(ctx context.Context) error {
	ms, err := loadMigrations()
	if err != nil {
		return fmt.Errorf("load migrations: %w", err)
	}
	if _, err := db.writer.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY,
		name TEXT NOT NULL,
		applied_at INTEGER NOT NULL
	) STRICT`); err != nil {
		return fmt.Errorf("create migrations table in %s: %w", db.Path, err)
	}
	known := ms[len(ms)-1].version
	for _, m := range ms {
		err := db.RunInTx(ctx, func(tx *sql.Tx) error {
			// Forward only: a version this build does not know means a
			// newer release has been here (refuseNewer checked before the
			// open; this catches one that migrated since).
			var have int
			if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
				return err
			}
			if have > known {
				return &NewerError{Path: db.Path, Version: have, Known: known, Program: db.program}
			}
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)`,
				m.version, m.name, db.now().UnixMilli())
			return err
		})
		var newer *NewerError
		if errors.As(err, &newer) {
			return err
		}
		if err != nil {
			return fmt.Errorf("apply migration %s: %w", m.name, err)
		}
	}
	return nil
}

// ms converts a time to the stored form (unix milliseconds, UTC).
func ms(t time.Time) int64 { return t.UnixMilli() }

// fromMS converts a stored time back.
func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }
