package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"id06desk/internal/audit"
	"id06desk/internal/invite"
	"id06desk/internal/nexus"
	"id06desk/internal/order"
	"id06desk/internal/outbox"
)

// CreateNexusBatches stores batches and moves each of their orders in one
// transaction: the batch rows, then every order through fn (the batches
// service's rule: ready → sent_to_nexus with the batch id, its timeline
// event and audit line) by the same writer as every order change
// (updateOrderInTx), then entries (the batches' own audit lines). When fn
// refuses one order, nothing is stored. The batches' mails (the mail
// channel) are queued in the same transaction. Two sends of the same orders
// serialise on the writer: the second sees them sent and is refused.
func (db *DB) CreateNexusBatches(ctx context.Context, batches []nexus.Batch, mails []*outbox.Message, entries []audit.Entry, fn invite.OrderUpdate) error {
	var erased bool
	err := db.RunInTx(ctx, func(tx *sql.Tx) error {
		erased = false
		now := ms(db.now())
		for _, b := range batches {
			if _, err := tx.ExecContext(ctx, `INSERT INTO nexus_batches(id, created_at, created_by, order_count, profile, channel, mailed_to, mail_count)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, b.ID, ms(b.CreatedAt), b.CreatedBy, len(b.OrderIDs), b.Profile, b.Channel, b.MailedTo, b.MailCount); err != nil {
				return fmt.Errorf("batch %s: %w", b.ID, err)
			}
			for _, id := range b.OrderIDs {
				if err := db.updateOrderInTx(ctx, tx, id, fn, &erased); err != nil {
					return err
				}
			}
		}
		for _, m := range mails {
			if err := enqueueMail(ctx, tx, now, m); err != nil {
				return err
			}
		}
		for _, e := range entries {
			if err := insertAudit(ctx, tx, now, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		if errors.Is(err, order.ErrNotFound) || errors.Is(err, nexus.ErrNotReady) {
			return err
		}
		return fmt.Errorf("create nexus batches: %w", err)
	}
	if erased {
		db.erase(ctx)
	}
	return nil
}

// SetNexusBatchDelivery records how a batch was delivered: its saved files
// (paths, zip size) and the mails it went out in.
func (db *DB) SetNexusBatchDelivery(ctx context.Context, b nexus.Batch) error {
	r, err := db.writer.ExecContext(ctx, `UPDATE nexus_batches SET zip_path = ?, summary_path = ?, zip_bytes = ?, mailed_to = ?, mail_count = ?,
		files_deleted_at = NULL WHERE id = ?`, b.ZipPath, b.SummaryPath, b.ZipBytes, b.MailedTo, b.MailCount, b.ID)
	if err != nil {
		return fmt.Errorf("record nexus batch delivery: %w", err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return nexus.ErrBatchNotFound
	}
	return nil
}

const batchCols = `id, created_at, created_by, order_count, profile, channel, mailed_to, mail_count, zip_path, summary_path, zip_bytes, files_deleted_at`

func scanBatch(s scanner) (nexus.Batch, error) {
	var b nexus.Batch
	var created int64
	var deleted sql.NullInt64
	err := s.Scan(&b.ID, &created, &b.CreatedBy, &b.OrderCount, &b.Profile, &b.Channel, &b.MailedTo, &b.MailCount,
		&b.ZipPath, &b.SummaryPath, &b.ZipBytes, &deleted)
	b.CreatedAt = fromMS(created)
	if deleted.Valid {
		b.FilesDeletedAt = fromMS(deleted.Int64)
	}
	return b, err
}

// NexusBatch returns a batch with its order ids in the file's row order
// (last name, first name, id).
func (db *DB) NexusBatch(ctx context.Context, id string) (nexus.Batch, error) {
	b, err := scanBatch(db.reader.QueryRowContext(ctx, `SELECT `+batchCols+` FROM nexus_batches WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return b, nexus.ErrBatchNotFound
	}
	if err != nil {
		return b, fmt.Errorf("read nexus batch: %w", err)
	}
	rows, err := db.reader.QueryContext(ctx, `SELECT id FROM orders WHERE nexus_batch_id = ? ORDER BY last_name, first_name, id`, id)
	if err != nil {
		return b, fmt.Errorf("read nexus batch orders: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var oid string
		if err := rows.Scan(&oid); err != nil {
			return b, fmt.Errorf("read nexus batch orders: %w", err)
		}
		b.OrderIDs = append(b.OrderIDs, oid)
	}
	return b, rows.Err()
}

// ListNexusBatches returns one page of batches, newest first (without
// their order ids).
func (db *DB) ListNexusBatches(ctx context.Context, q nexus.Query) (nexus.Page, error) {
	if q.PageSize <= 0 || q.PageSize > 200 {
		q.PageSize = 50
	}
	if q.Page < 1 {
		q.Page = 1
	}
	p := nexus.Page{Page: q.Page, PageSize: q.PageSize, Items: []nexus.Batch{}}
	if err := db.reader.QueryRowContext(ctx, `SELECT count(*) FROM nexus_batches`).Scan(&p.Total); err != nil {
		return p, fmt.Errorf("count nexus batches: %w", err)
	}
	rows, err := db.reader.QueryContext(ctx, `SELECT `+batchCols+` FROM nexus_batches ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`,
		q.PageSize, (q.Page-1)*q.PageSize)
	if err != nil {
		return p, fmt.Errorf("list nexus batches: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		b, err := scanBatch(rows)
		if err != nil {
			return p, fmt.Errorf("list nexus batches: %w", err)
		}
		p.Items = append(p.Items, b)
	}
	return p, rows.Err()
}

// OrdersByID returns orders without photos, in the order of ids;
// order.ErrNotFound (wrapped, naming the id) for an unknown one.
func (db *DB) OrdersByID(ctx context.Context, ids []string) ([]order.Order, error) {
	out := make([]order.Order, 0, len(ids))
	for _, id := range ids {
		o, err := scanOrder(db.reader.QueryRowContext(ctx, `SELECT `+orderCols+` FROM orders WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("order %q: %w", id, order.ErrNotFound)
		}
		if err != nil {
			return nil, fmt.Errorf("read order: %w", err)
		}
		out = append(out, o)
	}
	return out, nil
}

// OrderPhoto returns one order's card photo (empty after purge), so that
// a batch holds one photo in memory at a time.
func (db *DB) OrderPhoto(ctx context.Context, id string) ([]byte, error) {
	var b []byte
	err := db.reader.QueryRowContext(ctx, `SELECT coalesce((SELECT photo FROM order_photos WHERE order_id = orders.id), x'') FROM orders WHERE id = ?`, id).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, order.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read order photo: %w", err)
	}
	return b, nil
}

// OrderPhotoHead returns the first n bytes of an order's card photo and
// its full size: enough to check a JPEG's header without reading it all.
func (db *DB) OrderPhotoHead(ctx context.Context, id string, n int) ([]byte, int, error) {
	var b []byte
	var size int
	err := db.reader.QueryRowContext(ctx, `SELECT coalesce(substr(p.photo, 1, ?), x''), coalesce(length(p.photo), 0) FROM orders LEFT JOIN order_photos p ON p.order_id = orders.id WHERE orders.id = ?`, n, id).Scan(&b, &size)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, order.ErrNotFound
	}
	if err != nil {
		return nil, 0, fmt.Errorf("read order photo: %w", err)
	}
	return b, size, nil
}

// OrderIDsInStatus lists the ids of the orders in status st, oldest
// registration first.
func (db *DB) OrderIDsInStatus(ctx context.Context, st order.Status) ([]string, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT id FROM orders WHERE status = ? ORDER BY registered_at, id`, string(st))
	if err != nil {
		return nil, fmt.Errorf("orders in status %s: %w", st, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("orders in status %s: %w", st, err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// NexusBatchesWithFiles returns the batches created before t whose saved
// files are still recorded.
func (db *DB) NexusBatchesWithFiles(ctx context.Context, before time.Time) ([]nexus.Batch, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT `+batchCols+` FROM nexus_batches WHERE zip_path != '' AND created_at < ? ORDER BY created_at`, ms(before))
	if err != nil {
		return nil, fmt.Errorf("nexus batches with files: %w", err)
	}
	defer rows.Close()
	var out []nexus.Batch
	for rows.Next() {
		b, err := scanBatch(rows)
		if err != nil {
			return nil, fmt.Errorf("nexus batches with files: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// NexusBatchFilesDeleted records that a batch's saved files are gone, with
// an audit line for actor.
func (db *DB) NexusBatchFilesDeleted(ctx context.Context, id, actor string, action audit.Action) error {
	return db.RunInTx(ctx, func(tx *sql.Tx) error {
		now := ms(db.now())
		if _, err := tx.ExecContext(ctx, `UPDATE nexus_batches SET zip_path = '', summary_path = '', files_deleted_at = ? WHERE id = ?`, now, id); err != nil {
			return fmt.Errorf("record deleted nexus batch files: %w", err)
		}
		return insertAudit(ctx, tx, now, audit.Entry{Actor: actor, Action: action, Subject: id})
	})
}
