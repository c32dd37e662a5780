package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
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

// ClaimDue claims the one pending message with the lowest id above afterID
// that is due (see ClaimMails); nil when there is none.
func (db *DB) ClaimDue(ctx context.Context, worker string, now time.Time, lease time.Duration, ignoreSchedule bool, afterID int64) (*outbox.Message, error) {
	ms, err := db.ClaimMails(ctx, worker, now, lease, ignoreSchedule, afterID, 1)
	if err != nil || len(ms) == 0 {
		return nil, err
	}
	return ms[0], nil
}

// ClaimMails claims, in one transaction, up to limit pending messages with
// the lowest ids above afterID that are due at now (any, when
// ignoreSchedule) and that no live claim holds, in ascending id order.
func (db *DB) ClaimMails(ctx context.Context, worker string, now time.Time, lease time.Duration, ignoreSchedule bool, afterID int64, limit int) ([]*outbox.Message, error) {
	var out []*outbox.Message
	err := db.RunInTx(ctx, func(tx *sql.Tx) error {
		out = out[:0]
		due := ms(now)
		if ignoreSchedule {
			due = 1<<62 - 1
		}
		rows, err := tx.QueryContext(ctx, `UPDATE outbox SET claimed_by = ?, claimed_until = ?
			WHERE id IN (SELECT id FROM outbox INDEXED BY outbox_pending WHERE status = 'pending' AND next_attempt_at <= ? AND claimed_until < ? AND id > ?
				ORDER BY id LIMIT ?)
			RETURNING id, message_id, coalesce(invitation_id, ''), kind, mail_from, rcpt, body, attempts`,
			worker, ms(now.Add(lease)), due, ms(now), afterID, max(limit, 1))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c outbox.Message
			if err := rows.Scan(&c.ID, &c.MessageID, &c.InvitationID, &c.Kind, &c.From, &c.To, &c.Body, &c.Attempts); err != nil {
				return err
			}
			out = append(out, &c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("claim mail: %w", err)
	}
	slices.SortFunc(out, func(a, b *outbox.Message) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// ErrClaimLost is returned (wrapped) for a result whose claim was lost:
// another sender took the mail over after the lease ran out.
var ErrClaimLost = errors.New("claim lost")

// FinishMail records what happened to one claimed message (FinishMails).
func (db *DB) FinishMail(ctx context.Context, id int64, worker string, r outbox.Outcome, fn func(inv *invite.Invitation) (invite.Change, error)) error {
	var rule func(outbox.Done, *invite.Invitation) (invite.Change, error)
	if fn != nil {
		rule = func(_ outbox.Done, inv *invite.Invitation) (invite.Change, error) { return fn(inv) }
	}
	return db.FinishMails(ctx, worker, []outbox.Done{{ID: id, Outcome: r}}, rule)
}

// FinishMails records what happened to claimed messages, all in one
// transaction. A message whose claim was lost is left alone and named in
// the error (ErrClaimLost); the others are recorded. For a mail tied to an
// invitation, fn (the service's rule) sees the invitation and decides what
// the result means for it; the invitation is written only when fn changed
// it, its Change always.
func (db *DB) FinishMails(ctx context.Context, worker string, done []outbox.Done, fn func(d outbox.Done, inv *invite.Invitation) (invite.Change, error)) error {
	var lost []error
	err := db.RunInTx(ctx, func(tx *sql.Tx) error {
		lost = lost[:0]
		now := ms(db.now())
		for _, d := range done {
			if err := finishMail(ctx, tx, now, worker, d, fn); errors.Is(err, ErrClaimLost) {
				lost = append(lost, err)
			} else if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return errors.Join(lost...)
}

func finishMail(ctx context.Context, tx *sql.Tx, now int64, worker string, d outbox.Done, fn func(d outbox.Done, inv *invite.Invitation) (invite.Change, error)) error {
	id, r := d.ID, d.Outcome
	var invID string
	err := tx.QueryRowContext(ctx, `SELECT coalesce(invitation_id, '') FROM outbox WHERE id = ? AND claimed_by = ? AND status = 'pending'`, id, worker).Scan(&invID)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("mail %d: %w", id, ErrClaimLost)
	}
	if err != nil {
		return err
	}
	var q string
	var args []any
	switch r.State {
	case outbox.Sent:
		// A sync mail's body (sealed files, megabytes) is not kept once
		// sent: the kiosk or console holds what it needs to send again.
		q, args = `UPDATE outbox SET status = 'sent', sent_at = ?, server_reply = ?, claimed_by = '', claimed_until = 0, last_error = '', attempts = attempts + 1,
			body = CASE WHEN kind LIKE 'sync\_%' ESCAPE '\' THEN x'' ELSE body END WHERE id = ?`,
			[]any{now, r.Reply, id}
	case outbox.Retry:
		q, args = `UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?, claimed_by = '', claimed_until = 0 WHERE id = ?`,
			[]any{ms(r.Next), r.Reason, id}
	case outbox.Fail:
		q, args = `UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ?, claimed_by = '', claimed_until = 0 WHERE id = ?`,
			[]any{r.Reason, id}
	default:
		return fmt.Errorf("mail %d: unknown outcome %q", id, r.State)
	}
	if _, err := tx.ExecContext(ctx, q, args...); err != nil {
		return err
	}
	if invID == "" || fn == nil {
		return nil
	}
	cur, err := invitationInTx(ctx, tx, invID)
	if errors.Is(err, invite.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	next := cur
	c, err := fn(d, &next)
	if err != nil {
		return err
	}
	if next != cur {
		next.UpdatedAt = fromMS(now)
		_, err = writeInvitation(ctx, tx, now, next, c)
	} else {
		_, err = writeChange(ctx, tx, now, invID, c)
	}
	return err
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

// ClaimHolders lists the workers whose claim on a pending mail still
// holds at now.
func (db *DB) ClaimHolders(ctx context.Context, now time.Time) ([]string, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT DISTINCT claimed_by FROM outbox INDEXED BY outbox_pending
		WHERE status = 'pending' AND claimed_until >= ? AND claimed_by != ''`, ms(now))
	if err != nil {
		return nil, fmt.Errorf("mail claims: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var w string
		if err := rows.Scan(&w); err != nil {
			return nil, fmt.Errorf("mail claims: %w", err)
		}
		out = append(out, w)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("mail claims: %w", err)
	}
	return out, nil
}

// ReleaseClaims ends the claims worker holds on pending mails.
func (db *DB) ReleaseClaims(ctx context.Context, worker string) (int, error) {
	r, err := db.writer.ExecContext(ctx, `UPDATE outbox SET claimed_by = '', claimed_until = 0 WHERE status = 'pending' AND claimed_by = ?`, worker)
	if err != nil {
		return 0, fmt.Errorf("release mail claims: %w", err)
	}
	n, _ := r.RowsAffected()
	return int(n), nil
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

// DeleteMails deletes the delivered or failed mails of one kind written
// before the time given, and clears them from the file (a Nexus batch mail
// holds personal data in clear). Pending mails stay: they still have to go.
func (db *DB) DeleteMails(ctx context.Context, kind string, before time.Time) (int, error) {
	r, err := db.writer.ExecContext(ctx, `DELETE FROM outbox WHERE kind = ? AND status IN ('sent', 'failed') AND created_at < ?`, kind, ms(before))
	if err != nil {
		return 0, fmt.Errorf("delete %s mails: %w", kind, err)
	}
	n, _ := r.RowsAffected()
	if n > 0 {
		db.erase(ctx)
	}
	return int(n), nil
}

// PendingMailsByRecipient counts the mails of a kind not sent yet, by
// recipient (the site packs waiting for each kiosk's mailbox).
func (db *DB) PendingMailsByRecipient(ctx context.Context, kind string) (map[string]int, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT rcpt, count(*) FROM outbox WHERE status = 'pending' AND kind = ? GROUP BY rcpt`, kind)
	if err != nil {
		return nil, fmt.Errorf("count waiting mails: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var rcpt string
		var n int
		if err := rows.Scan(&rcpt, &n); err != nil {
			return nil, fmt.Errorf("count waiting mails: %w", err)
		}
		out[rcpt] = n
	}
	return out, rows.Err()
}

// LastMailFailures is, by recipient, why the latest mail of a kind to it
// has not gone out: its failure when it failed for good or waits for a
// retry after one, none when it was sent or has not been tried yet (the
// site pack to each kiosk whose relay refused it, issue 14).
func (db *DB) LastMailFailures(ctx context.Context, kind string) (map[string]outbox.Failure, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT o.rcpt, o.last_error FROM outbox o
		WHERE o.id = (SELECT max(id) FROM outbox l WHERE l.kind = o.kind AND l.rcpt = o.rcpt)
		AND o.kind = ? AND o.status != 'sent' AND o.last_error != ''`, kind)
	if err != nil {
		return nil, fmt.Errorf("list failed mails: %w", err)
	}
	defer rows.Close()
	out := map[string]outbox.Failure{}
	for rows.Next() {
		var rcpt, last string
		if err := rows.Scan(&rcpt, &last); err != nil {
			return nil, fmt.Errorf("list failed mails: %w", err)
		}
		out[rcpt] = outbox.ParseFailure(last)
	}
	return out, rows.Err()
}
