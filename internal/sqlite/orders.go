package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"id06desk/internal/audit"
	"id06desk/internal/invite"
	"id06desk/internal/order"
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

// OpenInvitation records an opening of the registration in one
// transaction: fn (the service's rule) sees the invitation and whether it
// was opened before (an "opened" event exists), and decides the change.
func (db *DB) OpenInvitation(ctx context.Context, id string, fn func(inv *invite.Invitation, openedBefore bool) (invite.Change, error)) error {
	return db.RunInTx(ctx, func(tx *sql.Tx) error {
		cur, err := invitationInTx(ctx, tx, id)
		if err != nil {
			return fmt.Errorf("mark invitation opened: %w", err)
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM invitation_events WHERE invitation_id = ? AND kind = ?`, id, invite.EventOpened).Scan(&n); err != nil {
			return fmt.Errorf("mark invitation opened: %w", err)
		}
		next := cur
		c, err := fn(&next, n > 0)
		if err != nil {
			return err
		}
		now := ms(db.now())
		if next != cur {
			next.UpdatedAt = fromMS(now)
			_, err = writeInvitation(ctx, tx, now, next, c)
		} else {
			_, err = writeChange(ctx, tx, now, id, c)
		}
		if err != nil {
			return fmt.Errorf("mark invitation opened: %w", err)
		}
		return nil
	})
}

// LoadDraft returns the draft of an invitation without its photos; Data is
// nil when there is none.
func (db *DB) LoadDraft(ctx context.Context, invitationID string) (order.DraftRecord, error) {
	var d order.DraftRecord
	var data string
	var updated int64
	err := db.reader.QueryRowContext(ctx, `SELECT data, updated_at FROM registration_drafts WHERE invitation_id = ?`, invitationID).Scan(&data, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return d, nil
	}
	if err != nil {
		return d, fmt.Errorf("load registration draft: %w", err)
	}
	d.Data, d.UpdatedAt = []byte(data), fromMS(updated)
	return d, nil
}

// SaveDraft changes a draft in one transaction. fn sees the stored draft
// (without photos; Data "{}" for a new one); photos it sets (non-nil)
// replace the stored ones. The result has no photos.
func (db *DB) SaveDraft(ctx context.Context, invitationID string, fn func(d *order.DraftRecord) error) (order.DraftRecord, error) {
	var out order.DraftRecord
	err := db.RunInTx(ctx, func(tx *sql.Tx) error {
		var data string
		err := tx.QueryRowContext(ctx, `SELECT data FROM registration_drafts WHERE invitation_id = ?`, invitationID).Scan(&data)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			data = "{}"
		case err != nil:
			return err
		}
		d := order.DraftRecord{Data: []byte(data)}
		if err := fn(&d); err != nil {
			return err
		}
		now := db.now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO registration_drafts(invitation_id, data, updated_at) VALUES (?, ?, ?)
			ON CONFLICT(invitation_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
			invitationID, string(d.Data), ms(now)); err != nil {
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

// CreateOrder stores a new order in one transaction with what fn (the
// orders service) decides for its invitation: fn sees the invitation and
// returns its Change (status, events, mails, audit, the draft's deletion).
// At most one order exists per invitation: a second one, also from a race
// of two, gets order.ErrAlreadyRegistered and changes nothing.
func (db *DB) CreateOrder(ctx context.Context, o order.Order, fn func(inv *invite.Invitation) (invite.Change, error)) error {
	var erased bool
	err := db.RunInTx(ctx, func(tx *sql.Tx) error {
		erased = false
		cur, err := invitationInTx(ctx, tx, o.InvitationID)
		if err != nil {
			return err
		}
		var existing int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM orders WHERE invitation_id = ?`, o.InvitationID).Scan(&existing); err != nil {
			return err
		}
		if existing > 0 {
			return order.ErrAlreadyRegistered
		}
		next := cur
		c, err := fn(&next)
		if err != nil {
			return err
		}
		delivery, err := json.Marshal(o.Delivery)
		if err != nil {
			return err
		}
		now := ms(db.now())
		if _, err := tx.ExecContext(ctx, `INSERT INTO orders(id, invitation_id, status, first_name, last_name, personnummer, birth_date, nationality,
			id_number, email, phone, card_type, industry, language, delivery, identity_method, identity_check, identity_checked_at,
			registered_at, registered_where, registered_kiosk, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			o.ID, o.InvitationID, string(o.Status), o.FirstName, o.LastName, o.Personnummer, o.BirthDate, o.Nationality,
			o.IDNumber, o.Email, o.Phone, o.CardType, o.Industry, o.Language, string(delivery),
			o.IdentityMethod, o.IdentityCheck, nullTime(o.IdentityCheckedAt), ms(o.RegisteredAt), o.RegisteredWhere, o.RegisteredKiosk, now); err != nil {
			if isUniqueViolation(err) {
				return order.ErrAlreadyRegistered
			}
			return err
		}
		if err := setOrderPhotos(ctx, tx, o.ID, o.Photo, o.Thumb); err != nil {
			return err
		}
		next.UpdatedAt = fromMS(now)
		erased, err = writeInvitation(ctx, tx, now, next, c)
		return err
	})
	if err != nil {
		if errors.Is(err, order.ErrAlreadyRegistered) {
			return err
		}
		return fmt.Errorf("create order: %w", err)
	}
	// The draft held the uploaded original photo and the personal data:
	// clear it out of the log when one was deleted. An order with no
	// draft (a kiosk's registration imported on the console) deleted
	// nothing, and a checkpoint per order (three fsyncs and a truncate)
	// was most of a bundle import's waiting.
	if erased || db.walDirty.Load() {
		db.erase(ctx)
	}
	return nil
}

// isUniqueViolation reports whether err is SQLite's answer to a row that
// breaks a UNIQUE constraint (the driver's error code, not its text).
func isUniqueViolation(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE
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
	card_type, industry, language, delivery, cost_centre, identity_method, identity_check, identity_checked_at, registered_at, registered_where, registered_kiosk, updated_at, purged_at,
	reopen_reason, reopen_note, coalesce(nexus_batch_id, ''), coalesce((SELECT i.name FROM invitations i WHERE i.id = orders.invitation_id), '')`

// scanOrder reads orderCols, then extra columns into extra.
func scanOrder(s scanner, extra ...any) (order.Order, error) {
	var o order.Order
	var st, delivery, reason string
	var checked, purged sql.NullInt64
	var reg, upd int64
	err := s.Scan(append([]any{&o.ID, &o.InvitationID, &st, &o.FirstName, &o.LastName, &o.Personnummer, &o.BirthDate, &o.Nationality, &o.IDNumber,
		&o.Email, &o.Phone, &o.CardType, &o.Industry, &o.Language, &delivery, &o.CostCentre, &o.IdentityMethod, &o.IdentityCheck, &checked,
		&reg, &o.RegisteredWhere, &o.RegisteredKiosk, &upd, &purged, &reason, &o.ReopenNote, &o.NexusBatchID, &o.InvitationName}, extra...)...)
	if err != nil {
		return o, err
	}
	o.Status, o.ReopenReason = order.Status(st), order.Reason(reason)
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
	o, err := scanOrder(db.reader.QueryRowContext(ctx, `SELECT `+orderCols+`, coalesce(p.photo, x''), coalesce(p.thumb, x'')
		FROM orders LEFT JOIN order_photos p ON p.order_id = orders.id WHERE `+where, arg), &photo, &thumb)
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
	cond, args := orderWhere(q)
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

// orderWhere is the WHERE clause of a list query ("" for all orders): the
// list and the export select the same rows.
func orderWhere(q order.ListQuery) (string, []any) {
	var where []string
	var args []any
	if q.Status != "" {
		where = append(where, "status = ?")
		args = append(args, string(q.Status))
	}
	for _, f := range []struct{ col, v string }{{"card_type", q.CardType}, {"industry", q.Industry}, {"registered_where", q.Where}} {
		if f.v != "" {
			where = append(where, f.col+" = ?")
			args = append(args, f.v)
		}
	}
	if !q.From.IsZero() {
		where = append(where, "registered_at >= ?")
		args = append(args, ms(q.From))
	}
	if !q.To.IsZero() {
		where = append(where, "registered_at < ?")
		args = append(args, ms(q.To))
	}
	if t := strings.TrimSpace(q.Text); t != "" {
		like := containsPattern(t)
		where = append(where, `(lower(first_name || ' ' || last_name) LIKE ? ESCAPE '\' OR email LIKE ? ESCAPE '\')`)
		args = append(args, like, like)
	}
	if len(where) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(where, " AND "), args
}

// EachOrder hands every order the list query selects (paging ignored),
// in the list's order and without photos, to fn, one row at a time from
// one read snapshot (an export streams). fn's error stops it.
func (db *DB) EachOrder(ctx context.Context, q order.ListQuery, fn func(order.Order) error) error {
	cond, args := orderWhere(q)
	rows, err := db.reader.QueryContext(ctx, `SELECT `+orderCols+` FROM orders`+cond+` ORDER BY registered_at DESC, id DESC`, args...)
	if err != nil {
		return fmt.Errorf("read orders: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		o, err := scanOrder(rows)
		if err != nil {
			return fmt.Errorf("read orders: %w", err)
		}
		if err := fn(o); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read orders: %w", err)
	}
	return nil
}

// UpdateOrder loads an order (without photos) inside a transaction, lets
// fn (the orders service) change it, and stores it with what fn decides
// besides (timeline events, mails and audit lines, written against the
// order's invitation) in the same transaction. fn returning changed false
// leaves everything as it is. The result is the stored order with its
// photos.
func (db *DB) UpdateOrder(ctx context.Context, id string, fn invite.OrderUpdate) (order.Order, error) {
	var erased bool
	err := db.RunInTx(ctx, func(tx *sql.Tx) error {
		erased = false
		return db.updateOrderInTx(ctx, tx, id, fn, &erased)
	})
	if err == nil && erased {
		db.erase(ctx)
	}
	var r refusal
	if errors.As(err, &r) {
		return order.Order{}, r.error
	}
	if err != nil {
		if errors.Is(err, order.ErrNotFound) {
			return order.Order{}, order.ErrNotFound
		}
		return order.Order{}, fmt.Errorf("update order: %w", err)
	}
	return db.GetOrder(ctx, id)
}

// UpdateOrders is UpdateOrder for many orders in one transaction: all of
// them change, or none. fn is called for every order even after one failed,
// so that the error names every order that could not change (the errors
// joined, each an unknown order's wrapped order.ErrNotFound or what fn
// returned).
func (db *DB) UpdateOrders(ctx context.Context, ids []string, fn invite.OrderUpdate) error {
	var failed []error
	var erased bool
	err := db.RunInTx(ctx, func(tx *sql.Tx) error {
		failed, erased = nil, false
		for _, id := range ids {
			if err := db.updateOrderInTx(ctx, tx, id, fn, &erased); err != nil {
				if !errors.Is(err, order.ErrNotFound) && !isRefusal(err) {
					return err // storage failed: stop here
				}
				failed = append(failed, err)
			}
		}
		if len(failed) > 0 {
			return errors.Join(failed...)
		}
		return nil
	})
	if err != nil {
		if len(failed) > 0 {
			return err
		}
		return fmt.Errorf("update orders: %w", err)
	}
	if erased {
		db.erase(ctx)
	}
	return nil
}

// refusal marks an error fn returned (the service refused the change), as
// opposed to storage failing.
type refusal struct{ error }

func (r refusal) Unwrap() error { return r.error }

func isRefusal(err error) bool {
	var r refusal
	return errors.As(err, &r)
}

// updateOrderInTx is one order's change inside tx: the order's fields the
// app may change after registration, the invitation's status when the
// order's changed (an invitation shows its order's status), and fn's
// timeline events, mails and audit lines. erased is set when personal data
// was deleted (a draft, a replaced photo): the caller clears the file.
func (db *DB) updateOrderInTx(ctx context.Context, tx *sql.Tx, id string, fn invite.OrderUpdate, erased *bool) error {
	o, err := scanOrder(tx.QueryRowContext(ctx, `SELECT `+orderCols+` FROM orders WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %s", order.ErrNotFound, id)
	}
	if err != nil {
		return err
	}
	before := o.Status
	c, changed, err := fn(&o)
	if err != nil {
		return refusal{err}
	}
	if !changed {
		return nil
	}
	delivery, err := json.Marshal(o.Delivery)
	if err != nil {
		return err
	}
	now := ms(db.now())
	if _, err := tx.ExecContext(ctx, `UPDATE orders SET status = ?, first_name = ?, last_name = ?, personnummer = ?, birth_date = ?,
		nationality = ?, id_number = ?, phone = ?, delivery = ?, cost_centre = ?, identity_method = ?, identity_check = ?, identity_checked_at = ?,
		registered_at = ?, registered_where = ?, registered_kiosk = ?,
		reopen_reason = ?, reopen_note = ?, nexus_batch_id = ?, updated_at = ? WHERE id = ?`,
		string(o.Status), o.FirstName, o.LastName, o.Personnummer, o.BirthDate, o.Nationality, o.IDNumber, o.Phone, string(delivery),
		o.CostCentre, o.IdentityMethod, o.IdentityCheck, nullTime(o.IdentityCheckedAt), ms(o.RegisteredAt), o.RegisteredWhere, o.RegisteredKiosk,
		string(o.ReopenReason), o.ReopenNote, nullString(o.NexusBatchID), now, id); err != nil {
		return err
	}
	// The photos are not loaded: set, they replace the stored ones.
	if o.Photo != nil {
		if err := setOrderPhotos(ctx, tx, id, o.Photo, o.Thumb); err != nil {
			return err
		}
		*erased = true
	}
	if o.Status != before {
		if _, err := tx.ExecContext(ctx, `UPDATE invitations SET status = ?, updated_at = ? WHERE id = ?`,
			string(o.Status), now, o.InvitationID); err != nil {
			return fmt.Errorf("update invitation: %w", err)
		}
	}
	gone, err := writeChange(ctx, tx, now, o.InvitationID, c)
	if gone {
		*erased = true
	}
	return err
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return ms(t)
}

// statusList is statuses as SQL string literals for IN (...); statuses
// are the app's own constants, never input.
func statusList[S ~string](statuses []S) string {
	if len(statuses) == 0 {
		return "NULL"
	}
	var out []string
	for _, s := range statuses {
		out = append(out, "'"+strings.ReplaceAll(string(s), "'", "''")+"'")
	}
	return strings.Join(out, ",")
}

// NextExpiry is the earliest expiry after now of an invitation in one of
// the statuses from (those that can expire), so housekeeping can run at that
// moment; ok is false when there is none.
func (db *DB) NextExpiry(ctx context.Context, now time.Time, from []invite.Status) (time.Time, bool, error) {
	var at sql.NullInt64
	err := db.reader.QueryRowContext(ctx, `SELECT MIN(expires_at) FROM invitations WHERE expires_at > ? AND status IN (`+statusList(from)+`)`, ms(now)).Scan(&at)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("next invitation expiry: %w", err)
	}
	if !at.Valid {
		return time.Time{}, false, nil
	}
	return time.UnixMilli(at.Int64), true, nil
}

// SweepPlan is what one housekeeping round is to do; the retention rules
// that fill it live in the services (housekeeping, orders).
type SweepPlan struct {
	Now time.Time
	// ExpireFrom: invitations in these statuses whose expiry is at or
	// before Now are handed to Expire.
	ExpireFrom []invite.Status
	// Expire changes one such invitation (the service's rule).
	Expire func(inv *invite.Invitation) (invite.Change, error)
	// Registration drafts untouched since DraftsBefore, or whose invitation
	// is in one of DraftsOf, are deleted.
	DraftsBefore time.Time
	DraftsOf     []invite.Status
	// Orders in PurgeOrders last changed before OrdersBefore (zero: none)
	// lose their personal data (PurgeOrders' doc), and so do their
	// invitations; mails handled before OrdersBefore are deleted.
	PurgeOrders  []order.Status
	OrdersBefore time.Time
	// Actor is who the audit line names; "" the context's actor.
	Actor string
}

// SweepResult counts what Sweep changed (or, from SweepPreview, would
// change).
type SweepResult struct {
	Expired       int // invitations past their expiry, now "expired"
	DraftsDeleted int // registration drafts with personal data removed
	OrdersPurged  int // orders whose personal data was emptied
	// Purged counts OrdersPurged per status.
	Purged       map[order.Status]int
	MailsDeleted int // delivered or failed mails older than the order retention
}

// purgedOrderSet is the orders a plan purges, as SQL over orders.
const purgedOrderSet = `status IN (%s) AND updated_at < ? AND purged_at IS NULL`

// Sweep carries out a housekeeping plan in one transaction, with one audit
// line when anything changed (and one more naming the purged orders'
// counts per status). What is deleted is cleared from the file and its
// write-ahead log (erase), and a clearing that failed before is retried.
//
// A purged order keeps its id, status, dates, card type, industry,
// language, identity method and check and where it was registered:
// counts and dates for statistics. Names, personnummer, birth date,
// nationality, id number, email, phone, delivery address, photo and
// thumbnail are emptied; its invitation loses email, name and mail
// errors (which quote addresses); a draft of the invitation is deleted.
func (db *DB) Sweep(ctx context.Context, p SweepPlan) (SweepResult, error) {
	res := SweepResult{Purged: map[order.Status]int{}}
	err := db.RunInTx(ctx, func(tx *sql.Tx) error {
		at := ms(p.Now)
		rows, err := tx.QueryContext(ctx, `SELECT id FROM invitations WHERE expires_at <= ? AND status IN (`+statusList(p.ExpireFrom)+`)`, at)
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
			inv, err := invitationInTx(ctx, tx, id)
			if err != nil {
				return err
			}
			c, err := p.Expire(&inv)
			if err != nil {
				return err
			}
			inv.UpdatedAt = fromMS(at)
			if _, err := writeInvitation(ctx, tx, at, inv, c); err != nil {
				return err
			}
		}
		res.Expired = len(ids)
		if !p.OrdersBefore.IsZero() && len(p.PurgeOrders) > 0 {
			if err := purgeOrders(ctx, tx, at, p, &res); err != nil {
				return err
			}
		}
		r, err := tx.ExecContext(ctx, `DELETE FROM registration_drafts WHERE updated_at < ?
			OR invitation_id IN (SELECT id FROM invitations WHERE status IN (`+statusList(p.DraftsOf)+`))`, ms(p.DraftsBefore))
		if err != nil {
			return err
		}
		n, _ := r.RowsAffected()
		res.DraftsDeleted += int(n)
		if res.Expired+res.DraftsDeleted+res.OrdersPurged+res.MailsDeleted > 0 {
			if err := insertAudit(ctx, tx, at, audit.Entry{Actor: p.Actor, Action: audit.Sweep,
				Detail: fmt.Sprintf("%d expired, %d drafts deleted, %d orders purged, %d mails deleted", res.Expired, res.DraftsDeleted, res.OrdersPurged, res.MailsDeleted)}); err != nil {
				return err
			}
		}
		if res.OrdersPurged > 0 {
			return insertAudit(ctx, tx, at, audit.Entry{Actor: p.Actor, Action: audit.OrdersPurged, Detail: statusCounts(res.Purged)})
		}
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("sweep: %w", err)
	}
	if res.DraftsDeleted+res.OrdersPurged+res.MailsDeleted > 0 || db.walDirty.Load() {
		db.erase(ctx)
	}
	return res, nil
}

// purgeOrders empties the personal data of the orders p selects, with
// their invitations, drafts and old mails (Sweep's doc).
func purgeOrders(ctx context.Context, tx *sql.Tx, at int64, p SweepPlan, res *SweepResult) error {
	set := fmt.Sprintf(purgedOrderSet, statusList(p.PurgeOrders))
	before := ms(p.OrdersBefore)
	if err := countByStatus(ctx, tx, `SELECT status, count(*) FROM orders WHERE `+set+` GROUP BY status`, res.Purged, before); err != nil {
		return err
	}
	for _, n := range res.Purged {
		res.OrdersPurged += n
	}
	if res.OrdersPurged > 0 {
		invs := `SELECT invitation_id FROM orders WHERE ` + set
		r, err := tx.ExecContext(ctx, `DELETE FROM registration_drafts WHERE invitation_id IN (`+invs+`)`, before)
		if err != nil {
			return fmt.Errorf("purge orders' drafts: %w", err)
		}
		n, _ := r.RowsAffected()
		res.DraftsDeleted += int(n)
		if _, err := tx.ExecContext(ctx, `UPDATE invitations SET email = '', name = '', last_error = '' WHERE id IN (`+invs+`)`, before); err != nil {
			return fmt.Errorf("purge orders' invitations: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE invitation_events SET detail = '' WHERE invitation_id IN (`+invs+`) AND kind IN (?, ?)`,
			before, invite.EventSendRetry, invite.EventSendFailed); err != nil {
			return fmt.Errorf("purge orders' timelines: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM order_photos WHERE order_id IN (SELECT id FROM orders WHERE `+set+`)`, before); err != nil {
			return fmt.Errorf("purge orders' photos: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE orders SET first_name = '', last_name = '', personnummer = '', birth_date = '', nationality = '',
			id_number = '', email = '', phone = '', delivery = '{}', purged_at = ?, updated_at = ?
			WHERE `+set, at, at, before); err != nil {
			return fmt.Errorf("purge orders: %w", err)
		}

	}
	// A mail that was delivered (or given up) names its recipient and,
	// for an order, the cardholder: it is kept no longer than an order's
	// personal data.
	r, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE status IN ('sent', 'failed') AND created_at < ?`, before)
	if err != nil {
		return fmt.Errorf("delete old mails: %w", err)
	}
	n, _ := r.RowsAffected()
	res.MailsDeleted = int(n)
	return nil
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func countByStatus(ctx context.Context, q querier, query string, into map[order.Status]int, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("count orders to purge: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return fmt.Errorf("count orders to purge: %w", err)
		}
		into[order.Status(st)] = n
	}
	return rows.Err()
}

// statusCounts is "delivered=3, cancelled=1" in the life cycle's order.
func statusCounts(m map[order.Status]int) string {
	var parts []string
	for _, st := range order.Statuses() {
		if m[st] > 0 {
			parts = append(parts, fmt.Sprintf("%s=%d", st, m[st]))
		}
	}
	return strings.Join(parts, ", ")
}

// SweepPreview counts what Sweep would change with p, changing nothing
// (`id06desk purge --dry-run`).
func (db *DB) SweepPreview(ctx context.Context, p SweepPlan) (SweepResult, error) {
	res := SweepResult{Purged: map[order.Status]int{}}
	err := db.reader.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM invitations WHERE expires_at <= ? AND status IN (`+statusList(p.ExpireFrom)+`)),
		(SELECT count(*) FROM registration_drafts WHERE updated_at < ?
			OR invitation_id IN (SELECT id FROM invitations WHERE status IN (`+statusList(p.DraftsOf)+`))
			OR invitation_id IN (SELECT id FROM invitations WHERE expires_at <= ? AND status IN (`+statusList(p.ExpireFrom)+`)))`,
		ms(p.Now), ms(p.DraftsBefore), ms(p.Now)).Scan(&res.Expired, &res.DraftsDeleted)
	if err != nil {
		return res, fmt.Errorf("preview sweep: %w", err)
	}
	if p.OrdersBefore.IsZero() || len(p.PurgeOrders) == 0 {
		return res, nil
	}
	before := ms(p.OrdersBefore)
	set := fmt.Sprintf(purgedOrderSet, statusList(p.PurgeOrders))
	if err := countByStatus(ctx, db.reader, `SELECT status, count(*) FROM orders WHERE `+set+` GROUP BY status`, res.Purged, before); err != nil {
		return res, fmt.Errorf("preview sweep: %w", err)
	}
	for _, n := range res.Purged {
		res.OrdersPurged += n
	}
	if err := db.reader.QueryRowContext(ctx, `SELECT count(*) FROM outbox WHERE status IN ('sent', 'failed') AND created_at < ?`, before).Scan(&res.MailsDeleted); err != nil {
		return res, fmt.Errorf("preview sweep: %w", err)
	}
	return res, nil
}

// setOrderPhotos stores an order's card photo and thumbnail (a table of
// their own, so that changing an order does not rewrite its photo).
func setOrderPhotos(ctx context.Context, tx *sql.Tx, orderID string, photo, thumb []byte) error {
	if photo == nil {
		photo = []byte{}
	}
	if thumb == nil {
		thumb = []byte{}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO order_photos(order_id, photo, thumb) VALUES (?, ?, ?)
		ON CONFLICT(order_id) DO UPDATE SET photo = excluded.photo, thumb = excluded.thumb`, orderID, photo, thumb); err != nil {
		return fmt.Errorf("store order photo: %w", err)
	}
	return nil
}

// nullableTime reads a nullable time column (zero time for NULL).
func nullableTime(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return fromMS(v.Int64)
}
