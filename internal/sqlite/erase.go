package sqlite

import (
	"context"
	"errors"
	"fmt"
)

// Deleting personal data takes two steps in a WAL database. The pragma
// secure_delete (in the DSN) makes SQLite overwrite deleted rows and freed
// pages with zeros, but it does so in new versions of the pages, appended to
// the write-ahead log: the old versions, with the data, stay in the -wal file
// until the log is checkpointed and reset. erase does that after every
// transaction that deleted or purged personal data.

// errCheckpointBusy says a reader still used an older snapshot.
var errCheckpointBusy = errors.New("a reader still uses older pages")

// erase copies the write-ahead log into the database file and truncates the
// log to zero bytes (a TRUNCATE checkpoint waits, up to busy_timeout, for
// readers of older snapshots). The deletion itself is already committed, so
// a failure is not the caller's: it is logged and remembered, and the next
// erase or Sweep tries again.
func (db *DB) erase(ctx context.Context) {
	if err := db.clearWAL(ctx); err != nil {
		db.walDirty.Store(true)
		db.log.Warn("deleted personal data may stay in the write-ahead log until the next housekeeping run",
			"file", db.Path+"-wal", "err", err)
		return
	}
	db.walDirty.Store(false)
}

// clearWAL runs the TRUNCATE checkpoint on the writer connection, so no
// write of this process is in progress while it runs. The request that
// deleted the data may end meanwhile: the checkpoint still runs.
func (db *DB) clearWAL(ctx context.Context) error {
	ctx = context.WithoutCancel(ctx)
	var busy, frames, copied int
	if err := db.writer.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &frames, &copied); err != nil {
		return fmt.Errorf("checkpoint the write-ahead log: %w", err)
	}
	if busy != 0 {
		return fmt.Errorf("checkpoint the write-ahead log (%d of %d pages copied): %w", copied, frames, errCheckpointBusy)
	}
	return nil
}
