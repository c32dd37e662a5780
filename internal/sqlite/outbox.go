package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"id06desk/internal/invite"
	"id06desk/internal/outbox"
)

func enqueueMail(ctx context.Context, tx *sql.Tx, now int64, m *outbox.Message) error {
	var inv any
	if m.InvitationID != "" {
		inv = m.InvitationID
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO outbox(message_id, invitation_id, kind, mail_from, rcpt, body, status, next_attempt_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)`, m.MessageID, inv, m.Kind, m.From, m.To, m.Body, now, now)
	if err != nil {
		return fmt.Errorf("queue mail: %w", err)
	}
	m.ID, _ = res.LastInsertId()
	return nil
}

// EnqueueMail writes one mail not tied to an invitation's status change.
func (db *DB) EnqueueMail(ctx context.Context, m *outbox.Message) error {
	return db.RunInTx(ctx, func(tx *sql.Tx) error {
		return enqueueMail(ctx, tx, ms(db.now()), m)
	})
}

// ClaimDue implements outbox.Store.
func (db *DB) ClaimDue(ctx context.Context, worker string, now time.Time, lease time.Duration, ignoreSchedule bool, afterID int64) (*outbox.Message, error) {
	var m *outbox.Message
	err := db.RunInTx(ctx, func(tx *sql.Tx) error {
		due := ms(now)
		if ignoreSchedule {
			due = 1<<62 - 1
		}
		row := tx.QueryRowContext(ctx, `UPDATE outbox SET claimed_by = ?, claimed_until = ?
			WHERE id = (SELECT id FROM outbox INDEXED BY outbox_pending WHERE status = 'pending' AND next_attempt_at <= ? AND claimed_until < ? AND id > ?
				ORDER BY id LIMIT 1)
			RETURNING id, message_id, coalesce(invitation_id, ''), kind, mail_from, rcpt, body, attempts`,
			worker, ms(now.Add(lease)), due, ms(now), afterID)
		var c outbox.Message
		err := row.Scan(&c.ID, &c.MessageID, &c.InvitationID, &c.Kind, &c.From, &c.To, &c.Body, &c.Attempts)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		m = &c
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("claim mail: %w", err)
	}
	return m, nil
}

// finish updates a claimed message; it fails if the claim was lost (another
// sender took over after the lease ran out).
func (db *DB) finish(ctx context.Context, id int64, worker string, fn func(tx *sql.Tx, now int64, invitationID string) error) error {
	return db.RunInTx(ctx, func(tx *sql.Tx) error {
		var inv string
		err := tx.QueryRowContext(ctx, `SELECT coalesce(invitation_id, '') FROM outbox WHERE id = ? AND claimed_by = ? AND status = 'pending'`, id, worker).Scan(&inv)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("mail %d: claim lost", id)
		}
		if err != nil {
			return err
		}
		return fn(tx, ms(db.now()), inv)
	})
}

// MarkSent implements outbox.Store: the message is sent and its invitation
// moves from queued to sent.
func (db *DB) MarkSent(ctx context.Context, id int64, worker, reply string) error {
	return db.finish(ctx, id, worker, func(tx *sql.Tx, now int64, inv string) error {
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET status = 'sent', sent_at = ?, server_reply = ?, claimed_by = '', claimed_until = 0, last_error = '', attempts = attempts + 1 WHERE id = ?`,
			now, reply, id); err != nil {
			return err
		}
		if inv == "" {
			return nil
		}
		return invitationMailResult(ctx, tx, now, inv, invite.StatusSent, invite.EventSent, "", reply)
	})
}

// MarkRetry implements outbox.Store.
func (db *DB) MarkRetry(ctx context.Context, id int64, worker, reason string, next time.Time) error {
	return db.finish(ctx, id, worker, func(tx *sql.Tx, now int64, inv string) error {
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?, claimed_by = '', claimed_until = 0 WHERE id = ?`,
			ms(next), reason, id); err != nil {
			return err
		}
		if inv == "" {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE invitations SET last_error = ?, updated_at = ? WHERE id = ?`, reason, now, inv); err != nil {
			return err
		}
		return addEvent(ctx, tx, inv, now, invite.EventSendRetry, reason)
	})
}

// MarkFailed implements outbox.Store: the message stops and its invitation
// shows the reason.
func (db *DB) MarkFailed(ctx context.Context, id int64, worker, reason string) error {
	return db.finish(ctx, id, worker, func(tx *sql.Tx, now int64, inv string) error {
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ?, claimed_by = '', claimed_until = 0 WHERE id = ?`,
			reason, id); err != nil {
			return err
		}
		if inv == "" {
			return nil
		}
		return invitationMailResult(ctx, tx, now, inv, invite.StatusFailed, invite.EventSendFailed, reason, reason)
	})
}

// invitationMailResult moves an invitation whose mail was handled, if its
// status still allows it (it may have been revoked meanwhile).
func invitationMailResult(ctx context.Context, tx *sql.Tx, now int64, id string, to invite.Status, kind, lastError, detail string) error {
	var cur string
	if err := tx.QueryRowContext(ctx, `SELECT status FROM invitations WHERE id = ?`, id).Scan(&cur); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	}
	if invite.Status(cur) == invite.StatusQueued && invite.CanTransition(invite.StatusQueued, to) {
		if _, err := tx.ExecContext(ctx, `UPDATE invitations SET status = ?, last_error = ?, updated_at = ? WHERE id = ?`, string(to), lastError, now, id); err != nil {
			return err
		}
	}
	return addEvent(ctx, tx, id, now, kind, detail)
}

// NextDue implements outbox.Store.
func (db *DB) NextDue(ctx context.Context) (time.Time, bool, error) {
	var next sql.NullInt64
	err := db.reader.QueryRowContext(ctx, `SELECT min(max(next_attempt_at, claimed_until)) FROM outbox WHERE status = 'pending'`).Scan(&next)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("next mail: %w", err)
	}
	if !next.Valid {
		return time.Time{}, false, nil
	}
	return fromMS(next.Int64), true, nil
}

// OutboxCounts implements outbox.Store.
func (db *DB) OutboxCounts(ctx context.Context) (pending, failed int, lastError string, err error) {
	err = db.reader.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM outbox WHERE status = 'pending'),
		(SELECT count(*) FROM outbox WHERE status = 'failed'),
		coalesce((SELECT last_error FROM outbox WHERE last_error != '' AND status != 'sent' ORDER BY id DESC LIMIT 1), '')`).Scan(&pending, &failed, &lastError)
	if err != nil {
		err = fmt.Errorf("outbox counts: %w", err)
	}
	return
}
