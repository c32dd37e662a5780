package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"id06desk/internal/audit"
	"id06desk/internal/invite"
	"id06desk/internal/outbox"
)

// LoadCatalog returns the card types and industries in display order.
func (db *DB) LoadCatalog(ctx context.Context) (invite.Catalog, error) {
	cat := invite.Catalog{CardTypes: []invite.CardType{}, Industries: []invite.Industry{}}
	rows, err := db.reader.QueryContext(ctx, `SELECT code, name_sv, name_en, rfid, active FROM card_types ORDER BY position, code`)
	if err != nil {
		return cat, fmt.Errorf("read card types: %w", err)
	}
	for rows.Next() {
		var c invite.CardType
		if err := rows.Scan(&c.Code, &c.NameSv, &c.NameEn, &c.RFID, &c.Active); err != nil {
			rows.Close()
			return cat, fmt.Errorf("read card types: %w", err)
		}
		cat.CardTypes = append(cat.CardTypes, c)
	}
	rows.Close()
	rows, err = db.reader.QueryContext(ctx, `SELECT code, name_sv, name_en, active FROM industries ORDER BY position, code`)
	if err != nil {
		return cat, fmt.Errorf("read industries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var i invite.Industry
		if err := rows.Scan(&i.Code, &i.NameSv, &i.NameEn, &i.Active); err != nil {
			return cat, fmt.Errorf("read industries: %w", err)
		}
		cat.Industries = append(cat.Industries, i)
	}
	return cat, rows.Err()
}

// SaveCatalog replaces the catalog. Entries used by an invitation cannot be
// removed (deactivate them instead).
func (db *DB) SaveCatalog(ctx context.Context, actor string, cat invite.Catalog) error {
	return db.RunInTx(ctx, func(tx *sql.Tx) error {
		keepCT := map[string]bool{}
		for i, c := range cat.CardTypes {
			keepCT[c.Code] = true
			if _, err := tx.ExecContext(ctx, `INSERT INTO card_types(code, name_sv, name_en, rfid, active, position) VALUES (?, ?, ?, ?, ?, ?)
				ON CONFLICT(code) DO UPDATE SET name_sv = excluded.name_sv, name_en = excluded.name_en, rfid = excluded.rfid, active = excluded.active, position = excluded.position`,
				c.Code, c.NameSv, c.NameEn, c.RFID, c.Active, i); err != nil {
				return fmt.Errorf("save card type %s: %w", c.Code, err)
			}
		}
		keepInd := map[string]bool{}
		for i, c := range cat.Industries {
			keepInd[c.Code] = true
			if _, err := tx.ExecContext(ctx, `INSERT INTO industries(code, name_sv, name_en, active, position) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT(code) DO UPDATE SET name_sv = excluded.name_sv, name_en = excluded.name_en, active = excluded.active, position = excluded.position`,
				c.Code, c.NameSv, c.NameEn, c.Active, i); err != nil {
				return fmt.Errorf("save industry %s: %w", c.Code, err)
			}
		}
		for _, t := range []struct {
			table, col string
			keep       map[string]bool
		}{{"card_types", "card_type", keepCT}, {"industries", "industry", keepInd}} {
			rows, err := tx.QueryContext(ctx, `SELECT code FROM `+t.table)
			if err != nil {
				return err
			}
			var drop []string
			for rows.Next() {
				var c string
				rows.Scan(&c)
				if !t.keep[c] {
					drop = append(drop, c)
				}
			}
			rows.Close()
			for _, c := range drop {
				var n int
				tx.QueryRowContext(ctx, `SELECT count(*) FROM invitations WHERE `+t.col+` = ?`, c).Scan(&n)
				if n > 0 {
					return &invite.CatalogInUseError{Code: c, Uses: n}
				}
				if _, err := tx.ExecContext(ctx, `DELETE FROM `+t.table+` WHERE code = ?`, c); err != nil {
					return err
				}
			}
		}
		return insertAudit(ctx, tx, ms(db.now()), audit.Entry{Actor: actor, Action: audit.CatalogChanged})
	})
}

const invitationCols = `id, code, email, name, card_type, coalesce(industry, ''), language, status, token, created_at, updated_at, expires_at, last_error`

type scanner interface{ Scan(...any) error }

func scanInvitation(s scanner) (invite.Invitation, error) {
	var i invite.Invitation
	var status string
	var created, updated, expires int64
	err := s.Scan(&i.ID, &i.Code, &i.Email, &i.Name, &i.CardType, &i.Industry, &i.Language, &status, &i.Token, &created, &updated, &expires, &i.LastError)
	i.Status = invite.Status(status)
	i.CreatedAt, i.UpdatedAt, i.ExpiresAt = fromMS(created), fromMS(updated), fromMS(expires)
	return i, err
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func addEvent(ctx context.Context, tx *sql.Tx, id string, at int64, kind, detail string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO invitation_events(invitation_id, at, kind, detail) VALUES (?, ?, ?, ?)`, id, at, kind, detail)
	if err != nil {
		return fmt.Errorf("record event: %w", err)
	}
	return nil
}

// CreateInvitations stores invitations and their mails (mails[i] may be nil
// for a draft) in one transaction: all or nothing.
func (db *DB) CreateInvitations(ctx context.Context, actor string, invs []invite.Invitation, mails []*outbox.Message) error {
	return db.RunInTx(ctx, func(tx *sql.Tx) error {
		now := ms(db.now())
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO invitations(id, code, email, name, card_type, industry, language, status, token, created_at, updated_at, expires_at, last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return fmt.Errorf("create invitations: %w", err)
		}
		defer stmt.Close()
		for k, i := range invs {
			if _, err := stmt.ExecContext(ctx, i.ID, i.Code, i.Email, i.Name, i.CardType, nullable(i.Industry), i.Language, string(i.Status), i.Token,
				ms(i.CreatedAt), ms(i.UpdatedAt), ms(i.ExpiresAt), i.LastError); err != nil {
				return fmt.Errorf("create invitation for row %d: %w", k+1, err)
			}
			if err := addEvent(ctx, tx, i.ID, now, invite.EventCreated, ""); err != nil {
				return err
			}
			if mails[k] != nil {
				if err := enqueueMail(ctx, tx, now, mails[k]); err != nil {
					return err
				}
				if err := addEvent(ctx, tx, i.ID, now, invite.EventQueued, ""); err != nil {
					return err
				}
			}
		}
		return insertAudit(ctx, tx, now, audit.Entry{Actor: actor, Action: audit.InvitationsCreated, Detail: fmt.Sprintf("%d", len(invs))})
	})
}

// EmailsIn returns which of emails have an invitation in one of statuses.
func (db *DB) EmailsIn(ctx context.Context, emails []string, statuses []invite.Status) (map[string]bool, error) {
	out := map[string]bool{}
	if len(emails) == 0 || len(statuses) == 0 {
		return out, nil
	}
	for start := 0; start < len(emails); start += 500 {
		chunk := emails[start:min(start+500, len(emails))]
		args := make([]any, len(chunk))
		for i, e := range chunk {
			args[i] = e
		}
		rows, err := db.reader.QueryContext(ctx, `SELECT DISTINCT email FROM invitations WHERE email IN (?`+strings.Repeat(",?", len(chunk)-1)+`) AND status IN (`+statusList(statuses)+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("check active invitations: %w", err)
		}
		for rows.Next() {
			var e string
			rows.Scan(&e)
			out[e] = true
		}
		rows.Close()
	}
	return out, nil
}

// ListInvitations returns one page, the filtered total and the status
// counts. It stays fast at 100,000 rows (BenchmarkList100k): counts come
// from invitation_counts, text goes through the trigram index, and the sort
// column's index drives the page.
func (db *DB) ListInvitations(ctx context.Context, q invite.ListQuery) (invite.Page, error) {
	page := invite.Page{Counts: map[invite.Status]int{}}
	counts, err := db.invitationCounts(ctx)
	if err != nil {
		return page, err
	}
	page.Counts = counts

	where, args, order, dir := invitationWhere(q)
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
	switch {
	case len(where) == 0:
		for _, n := range counts {
			page.Total += n
		}
	case len(where) == 1 && q.Status != "":
		page.Total = counts[q.Status]
	default:
		if err := db.reader.QueryRowContext(ctx, `SELECT count(*) FROM invitations`+strings.ReplaceAll(cond, "+", ""), args...).Scan(&page.Total); err != nil {
			return page, fmt.Errorf("count invitations: %w", err)
		}
	}
	rows, err := db.reader.QueryContext(ctx, `SELECT `+invitationCols+` FROM invitations`+cond+` ORDER BY `+order+dir+`, id`+dir+` LIMIT ? OFFSET ?`,
		append(args, q.PageSize, (q.Page-1)*q.PageSize)...)
	if err != nil {
		return page, fmt.Errorf("list invitations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		i, err := scanInvitation(rows)
		if err != nil {
			return page, fmt.Errorf("list invitations: %w", err)
		}
		page.Items = append(page.Items, i)
	}
	if err := rows.Err(); err != nil {
		return page, fmt.Errorf("list invitations: %w", err)
	}
	return page, nil
}

// invitationWhere is the filter and the order of a list query: the list
// and the export select the same rows in the same order.
func invitationWhere(q invite.ListQuery) (where []string, args []any, order, dir string) {
	order = map[string]string{"created": "created_at", "email": "email", "status": "status", "expires": "expires_at"}[q.Sort]
	if order == "" {
		order = "created_at"
	}
	// With another sort than creation time, walking the sort column's index
	// and filtering as it goes beats collecting the filter's rows and sorting
	// them: the unary + keeps SQLite from picking the filter's index.
	plus := ""
	if order != "created_at" {
		plus = "+"
	}
	if q.Status != "" {
		where = append(where, plus+"status = ?")
		args = append(args, string(q.Status))
	}
	if q.CardType != "" {
		where = append(where, plus+"card_type = ?")
		args = append(args, q.CardType)
	}
	text := strings.TrimSpace(q.Text)
	if text != "" {
		like := containsPattern(text)
		code := strings.NewReplacer("-", "", " ", "").Replace(strings.ToUpper(text))
		match := "(email LIKE ? ESCAPE '\\' OR lower(name) LIKE ? ESCAPE '\\')"
		if utf8.RuneCountInString(text) >= 3 {
			// A trigram phrase is a substring match; the LIKE re-checks the row.
			match = "(rowid IN (SELECT rowid FROM invitation_search WHERE invitation_search MATCH ?) AND " + match + ")"
			args = append(args, `"`+strings.ReplaceAll(text, `"`, `""`)+`"`)
		}
		where = append(where, "("+match+" OR code = ?)")
		args = append(args, like, like, code)
	}
	dir = " ASC"
	if q.Desc {
		dir = " DESC"
	}
	return where, args, order, dir
}

// EachInvitation hands every invitation the list query selects (paging
// ignored), in the list's order, to fn, one row at a time from one read
// snapshot (an export streams). fn's error stops it.
func (db *DB) EachInvitation(ctx context.Context, q invite.ListQuery, fn func(invite.Invitation) error) error {
	where, args, order, dir := invitationWhere(q)
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := db.reader.QueryContext(ctx, `SELECT `+invitationCols+` FROM invitations`+cond+` ORDER BY `+order+dir+`, id`+dir, args...)
	if err != nil {
		return fmt.Errorf("read invitations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		i, err := scanInvitation(rows)
		if err != nil {
			return fmt.Errorf("read invitations: %w", err)
		}
		if err := fn(i); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read invitations: %w", err)
	}
	return nil
}

// likeEscape quotes LIKE's wildcards; queries say ESCAPE '\'.
var likeEscape = strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`)

// containsPattern is a LIKE pattern matching text anywhere, case folded
// (the columns it is compared with are lower-cased), wildcards taken
// literally.
func containsPattern(text string) string {
	return "%" + likeEscape.Replace(strings.ToLower(text)) + "%"
}

// invitationCounts reads the per-status counts the triggers keep.
func (db *DB) invitationCounts(ctx context.Context) (map[invite.Status]int, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT status, n FROM invitation_counts WHERE n > 0`)
	if err != nil {
		return nil, fmt.Errorf("count invitations: %w", err)
	}
	defer rows.Close()
	out := map[invite.Status]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, fmt.Errorf("count invitations: %w", err)
		}
		out[invite.Status(s)] = n
	}
	return out, rows.Err()
}

// GetInvitation returns an invitation and its timeline.
func (db *DB) GetInvitation(ctx context.Context, id string) (invite.Invitation, []invite.Event, error) {
	i, err := scanInvitation(db.reader.QueryRowContext(ctx, `SELECT `+invitationCols+` FROM invitations WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return i, nil, invite.ErrNotFound
	}
	if err != nil {
		return i, nil, fmt.Errorf("read invitation: %w", err)
	}
	rows, err := db.reader.QueryContext(ctx, `SELECT at, kind, detail FROM invitation_events WHERE invitation_id = ? ORDER BY id`, id)
	if err != nil {
		return i, nil, fmt.Errorf("read timeline: %w", err)
	}
	defer rows.Close()
	var evs []invite.Event
	for rows.Next() {
		var e invite.Event
		var at int64
		rows.Scan(&at, &e.Kind, &e.Detail)
		e.At = fromMS(at)
		evs = append(evs, e)
	}
	return i, evs, rows.Err()
}

// UpdateInvitation loads an invitation inside a transaction, lets fn (the
// service, which holds the rules) change it, and stores the result with the
// Change fn returns, in the same transaction. Deleting the cardholder's
// draft also clears it from the file.
func (db *DB) UpdateInvitation(ctx context.Context, id string, fn func(inv *invite.Invitation) (invite.Change, error)) (invite.Invitation, error) {
	var out invite.Invitation
	var erased bool
	err := db.RunInTx(ctx, func(tx *sql.Tx) error {
		cur, err := invitationInTx(ctx, tx, id)
		if err != nil {
			return err
		}
		next := cur
		c, err := fn(&next)
		if err != nil {
			return err
		}
		now := ms(db.now())
		next.UpdatedAt = fromMS(now)
		if erased, err = writeInvitation(ctx, tx, now, next, c); err != nil {
			return err
		}
		out = next
		return nil
	})
	if err == nil && erased {
		db.erase(ctx)
	}
	return out, err
}

// invitationInTx reads an invitation inside a transaction.
func invitationInTx(ctx context.Context, tx *sql.Tx, id string) (invite.Invitation, error) {
	inv, err := scanInvitation(tx.QueryRowContext(ctx, `SELECT `+invitationCols+` FROM invitations WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return inv, invite.ErrNotFound
	}
	if err != nil {
		return inv, fmt.Errorf("read invitation: %w", err)
	}
	return inv, nil
}

// writeInvitation stores an invitation's changeable fields and a Change
// inside a transaction; erased reports that a draft was deleted (the caller
// clears the file after the commit).
func writeInvitation(ctx context.Context, tx *sql.Tx, now int64, inv invite.Invitation, c invite.Change) (erased bool, err error) {
	if _, err := tx.ExecContext(ctx, `UPDATE invitations SET status = ?, token = ?, expires_at = ?, last_error = ?, updated_at = ? WHERE id = ?`,
		string(inv.Status), inv.Token, ms(inv.ExpiresAt), inv.LastError, ms(inv.UpdatedAt), inv.ID); err != nil {
		return false, fmt.Errorf("update invitation: %w", err)
	}
	return writeChange(ctx, tx, now, inv.ID, c)
}

// writeChange writes what a service decided besides the invitation's
// fields.
func writeChange(ctx context.Context, tx *sql.Tx, now int64, id string, c invite.Change) (erased bool, err error) {
	for _, ev := range c.Events {
		if err := addEvent(ctx, tx, id, now, ev.Kind, ev.Detail); err != nil {
			return false, err
		}
	}
	for _, a := range c.Audit {
		if err := insertAudit(ctx, tx, now, a); err != nil {
			return false, err
		}
	}
	for _, m := range c.Mails {
		if err := enqueueMail(ctx, tx, now, m); err != nil {
			return false, err
		}
	}
	if c.Relink != nil {
		if _, err := tx.ExecContext(ctx, `UPDATE invitations SET token = ?, expires_at = ? WHERE id = ?`,
			c.Relink.Token, ms(c.Relink.ExpiresAt), id); err != nil {
			return false, fmt.Errorf("new invitation link: %w", err)
		}
	}
	if c.DeleteDraft {
		r, err := tx.ExecContext(ctx, `DELETE FROM registration_drafts WHERE invitation_id = ?`, id)
		if err != nil {
			return false, fmt.Errorf("delete registration draft: %w", err)
		}
		n, _ := r.RowsAffected()
		erased = n > 0
	}
	return erased, nil
}

// DeleteInvitation removes an invitation, if fn (the service's rule) allows
// it, with fn's audit lines, and clears its email and name from the file.
func (db *DB) DeleteInvitation(ctx context.Context, id string, fn func(inv invite.Invitation) ([]audit.Entry, error)) error {
	err := db.RunInTx(ctx, func(tx *sql.Tx) error {
		inv, err := invitationInTx(ctx, tx, id)
		if err != nil {
			return err
		}
		entries, err := fn(inv)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM invitations WHERE id = ?`, id); err != nil {
			return err
		}
		now := ms(db.now())
		for _, a := range entries {
			if err := insertAudit(ctx, tx, now, a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	db.erase(ctx)
	return nil
}
