package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"time"
)

// VacuumInto writes a consistent copy of the database to file (which must
// not exist or be empty) while the app goes on writing: VACUUM INTO reads
// one snapshot in a read transaction of its own connection, so neither the
// writer nor the readers wait for it. The copy is compact (no free pages,
// so no deleted personal data) and holds no write-ahead log.
func (db *DB) VacuumInto(ctx context.Context, file string) error {
	// A connection of its own: the reader pool is query_only, which
	// VACUUM INTO refuses, and the writer must stay free for the app.
	conn, err := sql.Open("sqlite", dsn(db.Path, 5*time.Second, false))
	if err != nil {
		return fmt.Errorf("copy database %s: %w", db.Path, err)
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, file); err != nil {
		return fmt.Errorf("copy database %s to %s: %w", db.Path, file, err)
	}
	return nil
}

// SchemaVersion is the newest migration this build knows: a database
// recording a newer one was written by a newer id06desk.
func SchemaVersion() int {
	ms, err := loadMigrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// ErrNotID06 is returned by Inspect for a SQLite file that is not an
// id06desk database.
var ErrNotID06 error = notID06{}

type notID06 struct{}

func (notID06) Error() string { return "not an id06desk database" }

// NotID06 lets callers that cannot import storage (the backup service)
// recognise the error.
func (notID06) NotID06() bool { return true }

// NewerSchemaError says that a database was written by a newer id06desk.
type NewerSchemaError struct {
	Version, Known int
}

// NewerSchema lets callers that cannot import storage recognise the error.
func (e *NewerSchemaError) NewerSchema() (version, known int) { return e.Version, e.Known }

func (e *NewerSchemaError) Error() string {
	return fmt.Sprintf("the database has schema version %d, newer than this id06desk knows (%d)", e.Version, e.Known)
}

// IntegrityError carries the first lines of PRAGMA integrity_check.
type IntegrityError struct {
	Problems string
}

func (e *IntegrityError) Error() string {
	return "the database fails its integrity check: " + e.Problems
}

func (e *IntegrityError) Unwrap() error { return ErrCorrupt }

// Damaged lets callers that cannot import storage recognise the error.
func (e *IntegrityError) Damaged() bool { return true }

// Damaged lets callers that cannot import storage recognise the error.
func (e *CorruptError) Damaged() bool { return true }

// Inspect checks a database file that is not in use (a restored backup)
// and prepares it to be moved into place: SQLite opens it, PRAGMA
// integrity_check passes, it has id06desk's tables and a schema version
// this build knows (older is fine: Open migrates it forward). The file is
// left in rollback-journal mode with no -wal beside it; Open switches it
// back to WAL. It returns the schema version.
func Inspect(ctx context.Context, file string) (int, error) {
	if _, err := os.Stat(file); err != nil {
		return 0, fmt.Errorf("inspect database: %w", err)
	}
	q := "file:" + file + "?_pragma=busy_timeout(5000)"
	conn, err := sql.Open("sqlite", q)
	if err != nil {
		return 0, fmt.Errorf("inspect database %s: %w", file, err)
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	var mode string
	if err := conn.QueryRowContext(ctx, `PRAGMA journal_mode=DELETE`).Scan(&mode); err != nil {
		return 0, notADatabase(file, err)
	}
	rows, err := conn.QueryContext(ctx, `PRAGMA integrity_check(20)`)
	if err != nil {
		return 0, notADatabase(file, err)
	}
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			rows.Close()
			return 0, notADatabase(file, err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return 0, notADatabase(file, err)
	}
	rows.Close()
	if len(problems) > 0 {
		return 0, &IntegrityError{Problems: strings.Join(problems, "; ")}
	}
	var n int
	err = conn.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table'
		AND name IN ('schema_migrations', 'settings', 'invitations', 'orders', 'audit_log')`).Scan(&n)
	if err != nil {
		return 0, notADatabase(file, err)
	}
	if n != 5 {
		return 0, ErrNotID06
	}
	var v int
	if err := conn.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, ErrNotID06
	}
	if known := SchemaVersion(); v > known {
		return v, &NewerSchemaError{Version: v, Known: known}
	}
	return v, nil
}

// notADatabase reports a file SQLite cannot read as a database.
func notADatabase(file string, err error) error {
	return &CorruptError{Path: file, Err: err}
}
