package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"

	"id06desk/internal/i18n"
)

// ErrNewer is what errors.Is finds in a NewerError.
var ErrNewer = errors.New("database written by a newer release")

var msgNewer = i18n.Text{Code: "database.newer",
	SV: "Databasen {path} har skrivits av en nyare id06desk (databasversion {version}); den här id06desk {program} känner bara till databasversioner upp till {known}. Uppgradera id06desk till den senaste versionen för att öppna den. Inget har ändrats i databasen.",
	EN: "The database {path} was written by a newer id06desk (database version {version}); this id06desk {program} knows database versions up to {known}. Upgrade id06desk to the newest release to open it. Nothing was changed in the database."}

// NewerError refuses a database whose schema_migrations hold a version
// this build does not know: a newer release wrote it, and this one could
// damage what it does not understand. Migrations go forward only.
type NewerError struct {
	Path string
	// Version is the database's newest migration; Known this build's.
	Version, Known int
	// Program is this build's version ("" when unknown).
	Program string
}

func (e *NewerError) Error() string { return e.Msg().In(i18n.EN) }

// Msg is the message for people, in Swedish and English.
func (e *NewerError) Msg() i18n.Message {
	program := e.Program
	if program == "" {
		program = "?"
	}
	return msgNewer.With("path", e.Path, "version", e.Version, "known", e.Known, "program", program)
}

func (e *NewerError) Is(target error) bool { return target == ErrNewer }

// KnownVersion is the newest migration this build carries.
func KnownVersion() (int, error) {
	ms, err := loadMigrations()
	if err != nil {
		return 0, err
	}
	if len(ms) == 0 {
		return 0, nil
	}
	return ms[len(ms)-1].version, nil
}

// refuseNewer reads an existing database's newest migration through a
// read-only connection (which neither checkpoints nor removes the
// write-ahead log) and returns a NewerError when this build does not know
// it. A missing, empty or unreadable file is left to Open, which creates
// it or reports it damaged.
func refuseNewer(ctx context.Context, file string, opt Options) error {
	if st, err := os.Stat(file); err != nil || st.Size() == 0 {
		return nil
	}
	known, err := KnownVersion()
	if err != nil {
		return fmt.Errorf("load migrations: %w", err)
	}
	q := url.Values{}
	q.Set("mode", "ro")
	q.Add("_pragma", "busy_timeout("+strconv.FormatInt(opt.BusyTimeout.Milliseconds(), 10)+")")
	q.Add("_pragma", "query_only(1)")
	ro, err := sql.Open("sqlite", "file:"+file+"?"+q.Encode())
	if err != nil {
		return nil
	}
	defer ro.Close()
	var tables int
	if err := ro.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&tables); err != nil || tables == 0 {
		return nil
	}
	var have int
	if err := ro.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
		return nil
	}
	if have > known {
		return &NewerError{Path: file, Version: have, Known: known, Program: opt.Program}
	}
	return nil
}
