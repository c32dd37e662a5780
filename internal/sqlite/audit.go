package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"id06desk/internal/audit"
)

// AuditEntry is one line of the audit log (a domain type, so that the API
// need not import storage).
type AuditEntry = audit.Entry

// Audit records who did what, on its own (a change that is stored writes
// its audit lines in its own transaction instead). The actor's kind comes
// from ctx (audit.WithActor); actor "" takes its name from there too.
// Detail must never hold personal data.
func (db *DB) Audit(ctx context.Context, actor string, action audit.Action, subject, detail string) error {
	return db.RunInTx(ctx, func(tx *sql.Tx) error {
		return insertAudit(ctx, tx, ms(db.now()), audit.Entry{Actor: actor, Action: action, Subject: subject, Detail: detail})
	})
}

// insertAudit writes one line inside tx, its actor stamped from ctx where
// e leaves it empty (audit.Stamp).
func insertAudit(ctx context.Context, tx *sql.Tx, at int64, e audit.Entry) error {
	e = audit.Stamp(ctx, e)
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log(at, actor, actor_kind, action, subject, detail) VALUES (?, ?, ?, ?, ?, ?)`,
		at, e.Actor, string(e.ActorKind), string(e.Action), e.Subject, e.Detail)
	if err != nil {
		return fmt.Errorf("write audit log: %w", err)
	}
	return nil
}

const auditCols = `at, actor, actor_kind, action, subject, detail`

func scanAudit(s scanner) (audit.Entry, error) {
	var e audit.Entry
	var at int64
	var kind, action string
	if err := s.Scan(&at, &e.Actor, &kind, &action, &e.Subject, &e.Detail); err != nil {
		return e, err
	}
	e.At, e.ActorKind, e.Action = fromMS(at), audit.Kind(kind), audit.Action(action)
	return e, nil
}

// RecentAudit returns the newest entries first.
func (db *DB) RecentAudit(ctx context.Context, limit int) ([]AuditEntry, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT `+auditCols+` FROM audit_log ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, fmt.Errorf("read audit log: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// auditWhere is the WHERE clause of a query ("" for all lines).
func auditWhere(q audit.Query) (string, []any) {
	var where []string
	var args []any
	if len(q.Actions) > 0 {
		where = append(where, "action IN (?"+strings.Repeat(",?", len(q.Actions)-1)+")")
		for _, a := range q.Actions {
			args = append(args, string(a))
		}
	}
	if q.ActorKind != "" {
		where = append(where, "actor_kind = ?")
		args = append(args, string(q.ActorKind))
	}
	if q.Subject != "" {
		where = append(where, "subject = ?")
		args = append(args, q.Subject)
	}
	if !q.From.IsZero() {
		where = append(where, "at >= ?")
		args = append(args, ms(q.From))
	}
	if !q.To.IsZero() {
		where = append(where, "at < ?")
		args = append(args, ms(q.To))
	}
	if t := strings.TrimSpace(q.Text); t != "" {
		like := containsPattern(t)
		where = append(where, `(lower(actor) LIKE ? ESCAPE '\' OR lower(subject) LIKE ? ESCAPE '\' OR lower(detail) LIKE ? ESCAPE '\')`)
		args = append(args, like, like, like)
	}
	if len(where) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(where, " AND "), args
}

// ListAudit returns one page of the lines q selects, newest first, with
// how many it selects in all.
func (db *DB) ListAudit(ctx context.Context, q audit.Query) (audit.Page, error) {
	if q.PageSize <= 0 || q.PageSize > 500 {
		q.PageSize = 50
	}
	if q.Page < 1 {
		q.Page = 1
	}
	page := audit.Page{Items: []audit.Entry{}, Page: q.Page, PageSize: q.PageSize}
	cond, args := auditWhere(q)
	if err := db.reader.QueryRowContext(ctx, `SELECT count(*) FROM audit_log`+cond, args...).Scan(&page.Total); err != nil {
		return page, fmt.Errorf("count audit log: %w", err)
	}
	rows, err := db.reader.QueryContext(ctx, `SELECT `+auditCols+` FROM audit_log`+cond+` ORDER BY id DESC LIMIT ? OFFSET ?`,
		append(args, q.PageSize, (q.Page-1)*q.PageSize)...)
	if err != nil {
		return page, fmt.Errorf("read audit log: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return page, fmt.Errorf("read audit log: %w", err)
		}
		page.Items = append(page.Items, e)
	}
	if err := rows.Err(); err != nil {
		return page, fmt.Errorf("read audit log: %w", err)
	}
	return page, nil
}

// EachAudit hands every line q selects (paging ignored) to fn, newest
// first, one row at a time from one read snapshot: an export streams
// without holding the log in memory. fn's error stops it and is returned.
func (db *DB) EachAudit(ctx context.Context, q audit.Query, fn func(audit.Entry) error) error {
	cond, args := auditWhere(q)
	rows, err := db.reader.QueryContext(ctx, `SELECT `+auditCols+` FROM audit_log`+cond+` ORDER BY id DESC`, args...)
	if err != nil {
		return fmt.Errorf("read audit log: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return fmt.Errorf("read audit log: %w", err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read audit log: %w", err)
	}
	return nil
}
