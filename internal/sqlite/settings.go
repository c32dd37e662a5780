package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"id06desk/internal/audit"
)

// LoadSettings returns every stored setting.
func (db *DB) LoadSettings(ctx context.Context) (map[string]string, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT key, value FROM settings`)
	if err != nil {
		return nil, fmt.Errorf("read settings: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("read settings: %w", err)
		}
		out[k] = v
	}
	return out, rows.Err()
}

// SaveSettings writes changes in one transaction; an empty value deletes the
// key (back to its default).
func (db *DB) SaveSettings(ctx context.Context, actor string, changes map[string]string, changedKeys []string) error {
	return db.RunInTx(ctx, func(tx *sql.Tx) error {
		now := ms(db.now())
		if err := writeSettings(ctx, tx, now, changes); err != nil {
			return err
		}
		return insertAudit(ctx, tx, now, audit.Entry{Actor: actor, Action: audit.SettingsChanged, Detail: strings.Join(changedKeys, ",")})
	})
}

// writeSettings writes changes inside tx; an empty value deletes the key.
func writeSettings(ctx context.Context, tx *sql.Tx, now int64, changes map[string]string) error {
	for k, v := range changes {
		var err error
		if v == "" {
			_, err = tx.ExecContext(ctx, `DELETE FROM settings WHERE key = ?`, k)
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO settings(key, value, updated_at) VALUES (?, ?, ?)
				ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, k, v, now)
		}
		if err != nil {
			return fmt.Errorf("save setting %s: %w", k, err)
		}
	}
	return nil
}
