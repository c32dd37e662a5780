package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"id06desk/internal/invite"
	"id06desk/internal/order"
	"id06desk/internal/outbox"
	"id06desk/internal/registration"
)

// InvitationByCode finds an invitation by its short code (normalised, no
// dash).
func (db *DB) InvitationByCode(ctx context.Context, code string) (invite.Invitation, error) {
	inv, err := scanInvitation(db.reader.QueryRowContext(ctx, `SELECT `+invitationCols+` FROM invitations WHERE code = ?`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return inv, invite.ErrNotFound
	}
	if err != nil {
		return inv, fmt.Errorf("find invitation by code: %w", err)
	}
	return inv, nil
}

// MarkOpened records the first opening of the registration: the event once,
// and the status opened where the life cycle allows it.
func (db *DB) MarkOpened(ctx context.Context, id string) error {
	return db.RunInTx(ctx, func(tx *sql.Tx) error {
		var st string
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT status, (SELECT count(*) FROM invitation_events WHERE invitation_id = ? AND kind = ?) FROM invitations WHERE id = ?`,
			id, invite.EventOpened, id).Scan(&st, &n); err != nil {
			return fmt.Errorf("mark invitation opened: %w", err)
		}
		if n > 0 {
			return nil
		}
		now := ms(db.now())
		if invite.CanTransition(invite.Status(st), invite.StatusOpened) {
			if _, err := tx.ExecContext(ctx, `UPDATE invitations SET status = ?, updated_at = ? WHERE id = ?`, string(invite.StatusOpened), now, id); err != nil {
				return fmt.Errorf("mark invitation opened: %w", err)
			}
		}
		return addEvent(ctx, tx, id, now, invite.EventOpened, "")
	})
}

// LoadDraft returns the draft of an invitation without its photos; the zero
// Draft when there is none.
func (db *DB) LoadDraft(ctx context.Context, invitationID string) (registration.Draft, error) {
	var d registration.Draft
	var data string
	var updated int64
	err := db.reader.QueryRowContext(ctx, `SELECT data, updated_at FROM registration_drafts WHERE invitation_id = ?`, invitationID).Scan(&data, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return d, nil
	}
	if err != nil {
		return d, fmt.Errorf("load registration draft: %w", err)
	}
	if err := json.Unmarshal([]byte(data), &d); err != nil {
		return d, fmt.Errorf("load registration draft: %w", err)
	}
	d.UpdatedAt = fromMS(updated)
	return d, nil
}

// SaveDraft changes a draft in one transaction. fn sees the stored draft
// (without photos); photos it sets (non-nil) replace the stored ones.
func (db *DB) SaveDraft(ctx context.Context, invitationID string, fn func(d *registration.Draft) error) (registration.Draft, error) {
	var out registration.Draft
	err := db.RunInTx(ctx, func(tx *sql.Tx) error {
		var data string
		err := tx.QueryRowContext(ctx, `SELECT data FROM registration_drafts WHERE invitation_id = ?`, invitationID).Scan(&data)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			data = "{}"
		case err != nil:
			return err
		}
		var d registration.Draft
		if err := json.Unmarshal([]byte(data), &d); err != nil {
			return err
		}
		if err := fn(&d); err != nil {
			return err
		}
		b, err := json.Marshal(d)
		if err != nil {
			return err
		}
		now := db.now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO registration_drafts(invitation_id, data, updated_at) VALUES (?, ?, ?)
			ON CONFLICT(invitation_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
			invitationID, string(b), ms(now)); err != nil {
			return err
		}
		if d.PhotoSource != nil {
			if _, err := tx.ExecContext(ctx, `UPDATE registration_drafts SET photo_source = ? WHERE invitation_id = ?`, d.PhotoSource, invitationID); err != nil {
				return err
			}
		}
		if d.PhotoJPEG != nil {
			if _, err := tx.ExecContext(ctx, `UPDATE registration_drafts SET photo = ? WHERE invitation_id = ?`, d.PhotoJPEG, invitationID); err != nil {
				return err
			}
		}
		d.UpdatedAt = now.UTC()
		d.PhotoSource, d.PhotoJPEG = nil, nil
		out = d
		return nil
	})
	if err != nil {
		return out, fmt.Errorf("save registration draft: %w", err)
	}
	return out, nil
}

// DraftPhoto returns the draft's upright source photo (source true) or its
// rendered card photo; nil when there is none.
func (db *DB) DraftPhoto(ctx context.Context, invitationID string, source bool) ([]byte, error) {
	col := "photo"
	if source {
		col = "photo_source"
	}
	var b []byte
	err := db.reader.QueryRowContext(ctx, `SELECT `+col+` FROM registration_drafts WHERE invitation_id = ?`, invitationID).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read draft photo: %w", err)
	}
	return b, nil
}

// DeleteRegistrationDraft discards a draft (cancel, kiosk idle wipe, a link
// that expired or was revoked) and clears it from the file.
func (db *DB) DeleteRegistrationDraft(ctx context.Context, invitationID string) error {
	r, err := db.writer.ExecContext(ctx, `DELETE FROM registration_drafts WHERE invitation_id = ?`, invitationID)
	if err != nil {
		return fmt.Errorf("delete registration draft: %w", err)
	}
	if n, _ := r.RowsAffected(); n > 0 || db.walDirty.Load() {
		db.erase(ctx)
	}
	return nil
}

// CreateOrder turns a confirmed registration into an order in one
// transaction: the invitation must still be open for registration, it
// becomes registered then ready (with both events), the draft is deleted and
// the mails are queued. A second confirmation of the same invitation gets
// registration.ErrAlreadyRegistered and changes nothing.
func (db *DB) CreateOrder(ctx context.Context, o order.Order, mails []*outbox.Message) error {
	err := db.RunInTx(ctx, func(tx *sql.Tx) error {
		var st string
		if err := tx.QueryRowContext(ctx, `SELECT status FROM invitations WHERE id = ?`, o.InvitationID).Scan(&st); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return invite.ErrNotFound
			}
			return err
		}
		var existing int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM orders WHERE invitation_id = ?`, o.InvitationID).Scan(&existing); err != nil {
			return err
		}
		if existing > 0 {
			return registration.ErrAlreadyRegistered
		}
		if err := invite.Transition(invite.Status(st), invite.StatusRegistered); err != nil {
			return err
		}
		delivery, err := json.Marshal(o.Delivery)
		if err != nil {
			return err
		}
		now := ms(db.now())
		if _, err := tx.ExecContext(ctx, `INSERT INTO orders(id, invitation_id, status, first_name, last_name, personnummer, birth_date, nationality,
			id_number, email, phone, card_type, industry, language, delivery, photo, thumb, identity_method, identity_check, identity_checked_at,
			registered_at, registered_where, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			o.ID, o.InvitationID, string(o.Status), o.FirstName, o.LastName, o.Personnummer, o.BirthDate, o.Nationality,
			o.IDNumber, o.Email, o.Phone, o.CardType, o.Industry, o.Language, string(delivery), o.Photo, o.Thumb,
			o.IdentityMethod, o.IdentityCheck, nullTime(o.IdentityCheckedAt), ms(o.RegisteredAt), o.RegisteredWhere, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE invitations SET status = ?, updated_at = ? WHERE id = ?`, string(invite.StatusReady), now, o.InvitationID); err != nil {
			return err
		}
		if err := addEvent(ctx, tx, o.InvitationID, now, invite.EventRegistered, o.RegisteredWhere); err != nil {
			return err
		}
		if err := addEvent(ctx, tx, o.InvitationID, now, invite.EventReady, ""); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM registration_drafts WHERE invitation_id = ?`, o.InvitationID); err != nil {
			return err
		}
		for _, m := range mails {
			if err := enqueueMail(ctx, tx, now, m); err != nil {
				return err
			}
		}
		return insertAudit(ctx, tx, now, "cardholder", "order.created", o.ID, o.RegisteredWhere)
	})
	if err != nil {
		if errors.Is(err, registration.ErrAlreadyRegistered) || errors.Is(err, invite.ErrNotFound) || errors.Is(err, invite.ErrTransition) {
			return err
		}
		if strings.Contains(err.Error(), "UNIQUE constraint failed: orders.invitation_id") {
			return registration.ErrAlreadyRegistered
		}
		return fmt.Errorf("create order: %w", err)
	}
	// The draft held the uploaded original photo and the personal data.
	db.erase(ctx)
	return nil
}

// OrderOf returns the order made from an invitation.
func (db *DB) OrderOf(ctx context.Context, invitationID string) (order.Order, error) {
	return db.getOrder(ctx, `invitation_id = ?`, invitationID)
}

// OrderIDOf returns the id of the order made from an invitation, "" when
// there is none.
func (db *DB) OrderIDOf(ctx context.Context, invitationID string) (string, error) {
	var id string
	err := db.reader.QueryRowContext(ctx, `SELECT id FROM orders WHERE invitation_id = ?`, invitationID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("order of invitation: %w", err)
	}
	return id, nil
}

// GetOrder returns an order with its photo.
func (db *DB) GetOrder(ctx context.Context, id string) (order.Order, error) {
	return db.getOrder(ctx, `id = ?`, id)
}

const orderCols = `id, invitation_id, status, first_name, last_name, personnummer, birth_date, nationality, id_number, email, phone,
	card_type, industry, language, delivery, identity_method, identity_check, identity_checked_at, registered_at, registered_where, updated_at, purged_at,
	coalesce((SELECT i.name FROM invitations i WHERE i.id = orders.invitation_id), '')`

// scanOrder reads orderCols, then extra columns into extra.
func scanOrder(s scanner, extra ...any) (order.Order, error) {
	var o order.Order
	var st, delivery string
	var checked, purged sql.NullInt64
	var reg, upd int64
	err := s.Scan(append([]any{&o.ID, &o.InvitationID, &st, &o.FirstName, &o.LastName, &o.Personnummer, &o.BirthDate, &o.Nationality, &o.IDNumber,
		&o.Email, &o.Phone, &o.CardType, &o.Industry, &o.Language, &delivery, &o.IdentityMethod, &o.IdentityCheck, &checked,
		&reg, &o.RegisteredWhere, &upd, &purged, &o.InvitationName}, extra...)...)
	if err != nil {
		return o, err
	}
	o.Status = order.Status(st)
	if err := json.Unmarshal([]byte(delivery), &o.Delivery); err != nil {
		return o, fmt.Errorf("order %s delivery: %w", o.ID, err)
	}
	if checked.Valid {
		o.IdentityCheckedAt = fromMS(checked.Int64)
	}
	if purged.Valid {
		o.PurgedAt = fromMS(purged.Int64)
	}
	o.RegisteredAt, o.UpdatedAt = fromMS(reg), fromMS(upd)
	return o, nil
}

func (db *DB) getOrder(ctx context.Context, where string, arg any) (order.Order, error) {
	var photo, thumb []byte
	o, err := scanOrder(db.reader.QueryRowContext(ctx, `SELECT `+orderCols+`, photo, thumb FROM orders WHERE `+where, arg), &photo, &thumb)
	if errors.Is(err, sql.ErrNoRows) {
		return o, order.ErrNotFound
	}
	if err != nil {
		return o, fmt.Errorf("read order: %w", err)
	}
	o.Photo, o.Thumb = photo, thumb
	return o, nil
}

// ListOrders returns one page of orders, newest first.
func (db *DB) ListOrders(ctx context.Context, q order.ListQuery) (order.Page, error) {
	page := order.Page{Counts: map[order.Status]int{}}
	var where []string
	var args []any
	if q.Status != "" {
		where = append(where, "status = ?")
		args = append(args, string(q.Status))
	}
	if t := strings.TrimSpace(q.Text); t != "" {
		like := containsPattern(t)
		where = append(where, `(lower(first_name || ' ' || last_name) LIKE ? ESCAPE '\' OR email LIKE ? ESCAPE '\')`)
		args = append(args, like, like)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	if q.PageSize <= 0 || q.PageSize > 500 {
		q.PageSize = 50
	}
	if q.Page < 1 {
		q.Page = 1
	}
	page.Page, page.PageSize = q.Page, q.PageSize
	if err := db.reader.QueryRowContext(ctx, `SELECT count(*) FROM orders`+cond, args...).Scan(&page.Total); err != nil {
		return page, fmt.Errorf("count orders: %w", err)
	}
	rows, err := db.reader.QueryContext(ctx, `SELECT `+orderCols+` FROM orders`+cond+` ORDER BY registered_at DESC, id DESC LIMIT ? OFFSET ?`,
		append(args, q.PageSize, (q.Page-1)*q.PageSize)...)
	if err != nil {
		return page, fmt.Errorf("list orders: %w", err)
	}
	for rows.Next() {
		o, err := scanOrder(rows)
		if err != nil {
			rows.Close()
			return page, fmt.Errorf("list orders: %w", err)
		}
		page.Items = append(page.Items, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return page, fmt.Errorf("list orders: %w", err)
	}
	crow, err := db.reader.QueryContext(ctx, `SELECT status, count(*) FROM orders GROUP BY status`)
	if err != nil {
		return page, fmt.Errorf("count orders: %w", err)
	}
	defer crow.Close()
	for crow.Next() {
		var s string
		var n int
		if err := crow.Scan(&s, &n); err != nil {
			return page, fmt.Errorf("count orders: %w", err)
		}
		page.Counts[order.Status(s)] = n
	}
	return page, crow.Err()
}

// RecordIdentityCheck marks the partner's identity check of an order as done.
func (db *DB) RecordIdentityCheck(ctx context.Context, actor, id string) (order.Order, error) {
	err := db.RunInTx(ctx, func(tx *sql.Tx) error {
		now := ms(db.now())
		res, err := tx.ExecContext(ctx, `UPDATE orders SET identity_check = ?, identity_checked_at = ?, updated_at = ? WHERE id = ? AND identity_check = ?`,
			order.CheckDone, now, now, id, order.CheckPendingPartner)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var c string
			if err := tx.QueryRowContext(ctx, `SELECT identity_check FROM orders WHERE id = ?`, id).Scan(&c); errors.Is(err, sql.ErrNoRows) {
				return order.ErrNotFound
			}
			return nil // already done, or verified with BankID: nothing to record
		}
		return insertAudit(ctx, tx, now, actor, "order.identity_checked", id, "")
	})
	if err != nil {
		if errors.Is(err, order.ErrNotFound) {
			return order.Order{}, err
		}
		return order.Order{}, fmt.Errorf("record identity check: %w", err)
	}
	return db.GetOrder(ctx, id)
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return ms(t)
}

// expirable lists, as SQL literals, the invitation statuses from which an
// invitation expires.
func expirable() string {
	var from []string
	for _, s := range []invite.Status{invite.StatusQueued, invite.StatusSent, invite.StatusOpened} {
		if invite.CanTransition(s, invite.StatusExpired) {
			from = append(from, "'"+string(s)+"'")
		}
	}
	return strings.Join(from, ",")
}

// NextExpiry is the earliest expiry after now of an invitation that can
// still expire (so housekeeping can run at that moment); ok is false when
// there is none.
func (db *DB) NextExpiry(ctx context.Context, now time.Time) (time.Time, bool, error) {
	var at sql.NullInt64
	err := db.reader.QueryRowContext(ctx, `SELECT MIN(expires_at) FROM invitations WHERE expires_at > ? AND status IN (`+expirable()+`)`, ms(now)).Scan(&at)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("next invitation expiry: %w", err)
	}
	if !at.Valid {
		return time.Time{}, false, nil
	}
	return time.UnixMilli(at.Int64), true, nil
}

// SweepResult counts what Sweep changed.
type SweepResult struct {
	Expired       int // invitations past their expiry, now "expired"
	DraftsDeleted int // registration drafts with personal data removed
	OrdersPurged  int // finished orders whose personal data was emptied
}

// Sweep does the periodic housekeeping: invitations whose link has expired
// before anyone registered become expired (with a timeline event), and
// registration drafts are deleted when their invitation can no longer be
// used or nobody touched them since draftCutoff — a draft holds personal data
// and photos, kept no longer than needed.
//
// Orders delivered before orderCutoff (zero: never) keep who ordered which
// card and when, but lose identity numbers, phone, address and photos.
// What is deleted is cleared from the file and its write-ahead log (erase),
// and a clearing that failed before is retried.
func (db *DB) Sweep(ctx context.Context, now, draftCutoff, orderCutoff time.Time) (SweepResult, error) {
	var res SweepResult
	err := db.RunInTx(ctx, func(tx *sql.Tx) error {
		at := ms(now)
		rows, err := tx.QueryContext(ctx, `SELECT id FROM invitations WHERE expires_at <= ? AND status IN (`+expirable()+`)`, at)
		if err != nil {
			return err
		}
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE invitations SET status = ?, updated_at = ? WHERE id = ?`, string(invite.StatusExpired), at, id); err != nil {
				return err
			}
			if err := addEvent(ctx, tx, id, at, invite.EventExpired, ""); err != nil {
				return err
			}
		}
		res.Expired = len(ids)
		r, err := tx.ExecContext(ctx, `DELETE FROM registration_drafts WHERE updated_at < ?
			OR invitation_id IN (SELECT id FROM invitations WHERE status IN (?, ?))`,
			ms(draftCutoff), string(invite.StatusExpired), string(invite.StatusRevoked))
		if err != nil {
			return err
		}
		n, _ := r.RowsAffected()
		res.DraftsDeleted = int(n)
		if !orderCutoff.IsZero() {
			r, err := tx.ExecContext(ctx, `UPDATE orders SET personnummer = '', birth_date = '', id_number = '', phone = '',
				delivery = '{}', photo = x'', thumb = x'', purged_at = ?, updated_at = ?
				WHERE status = ? AND updated_at < ? AND purged_at IS NULL`,
				at, at, string(order.StatusDelivered), ms(orderCutoff))
			if err != nil {
				return err
			}
			n, _ := r.RowsAffected()
			res.OrdersPurged = int(n)
		}
		if res.Expired+res.DraftsDeleted+res.OrdersPurged > 0 {
			return insertAudit(ctx, tx, at, "system", "sweep", "",
				fmt.Sprintf("%d expired, %d drafts deleted, %d orders purged", res.Expired, res.DraftsDeleted, res.OrdersPurged))
		}
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("sweep: %w", err)
	}
	if res.DraftsDeleted+res.OrdersPurged > 0 || db.walDirty.Load() {
		db.erase(ctx)
	}
	return res, nil
}
