package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"id06desk/internal/audit"
)

// AdminPasswordHash returns the stored hash, or "" when none is set.
func (db *DB) AdminPasswordHash(ctx context.Context) (string, error) {
	var h string
	err := db.reader.QueryRowContext(ctx, `SELECT password_hash FROM admin_credential WHERE id = 1`).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read admin credential: %w", err)
	}
	return h, nil
}

// SetAdminPasswordHash stores a new hash and ends every existing session.
func (db *DB) SetAdminPasswordHash(ctx context.Context, hash string) error {
	return db.RunInTx(ctx, func(tx *sql.Tx) error {
		now := ms(db.now())
		if _, err := tx.ExecContext(ctx, `INSERT INTO admin_credential(id, password_hash, updated_at) VALUES (1, ?, ?)
			ON CONFLICT(id) DO UPDATE SET password_hash = excluded.password_hash, updated_at = excluded.updated_at`, hash, now); err != nil {
			return fmt.Errorf("store admin credential: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM admin_sessions`); err != nil {
			return fmt.Errorf("end admin sessions: %w", err)
		}
		return insertAudit(ctx, tx, now, audit.Entry{Action: audit.AdminPasswordSet})
	})
}

// SetFirstAdminPasswordHash stores hash only when no admin password exists
// (the first-run setup link): created is false, and nothing changes, when
// one was set in the meantime.
func (db *DB) SetFirstAdminPasswordHash(ctx context.Context, hash string) (created bool, err error) {
	err = db.RunInTx(ctx, func(tx *sql.Tx) error {
		now := ms(db.now())
		res, err := tx.ExecContext(ctx, `INSERT INTO admin_credential(id, password_hash, updated_at) VALUES (1, ?, ?)
			ON CONFLICT(id) DO NOTHING`, hash, now)
		if err != nil {
			return fmt.Errorf("store admin credential: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("store admin credential: %w", err)
		}
		if created = n == 1; !created {
			return nil
		}
		return insertAudit(ctx, tx, now, audit.Entry{Action: audit.AdminPasswordSet, Detail: "setup link"})
	})
	return created, err
}

// CreateAdminSession stores a session by the hash of its token.
func (db *DB) CreateAdminSession(ctx context.Context, tokenHash []byte, expires time.Time) error {
	return db.RunInTx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		if _, err := tx.ExecContext(ctx, `DELETE FROM admin_sessions WHERE expires_at <= ?`, ms(now)); err != nil {
			return fmt.Errorf("purge sessions: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO admin_sessions(token_hash, created_at, expires_at) VALUES (?, ?, ?)`,
			tokenHash, ms(now), ms(expires)); err != nil {
			return fmt.Errorf("create session: %w", err)
		}
		return nil
	})
}

// AdminSessionValid reports whether a session with that hash exists and has
// not expired.
func (db *DB) AdminSessionValid(ctx context.Context, tokenHash []byte) (bool, error) {
	var n int
	err := db.reader.QueryRowContext(ctx, `SELECT count(*) FROM admin_sessions WHERE token_hash = ? AND expires_at > ?`,
		tokenHash, ms(db.now())).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("check session: %w", err)
	}
	return n > 0, nil
}

// DeleteAdminSession ends one session.
func (db *DB) DeleteAdminSession(ctx context.Context, tokenHash []byte) error {
	return db.RunInTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM admin_sessions WHERE token_hash = ?`, tokenHash)
		return err
	})
}
