package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"id06desk/internal/audit"
	"id06desk/internal/pairing"
)

// The console's records of offline kiosks (migration 0012). The rules are
// internal/consolesync's; this only persists.

// SyncConsole returns this console's sync identity; pairing.ErrNotFound
// before the first pairing.
func (db *DB) SyncConsole(ctx context.Context) (pairing.Console, error) {
	var c pairing.Console
	var at int64
	err := db.reader.QueryRowContext(ctx, `SELECT id, name, created_at FROM sync_console LIMIT 1`).Scan(&c.ID, &c.Name, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return c, pairing.ErrNotFound
	}
	if err != nil {
		return c, fmt.Errorf("read sync console: %w", err)
	}
	c.CreatedAt = fromMS(at)
	return c, nil
}

// CreateSyncConsole stores the console's identity unless one exists, and
// returns the one stored.
func (db *DB) CreateSyncConsole(ctx context.Context, c pairing.Console) (pairing.Console, error) {
	err := db.RunInTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sync_console`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sync_console(id, name, created_at) VALUES (?, ?, ?)`, c.ID, c.Name, ms(c.CreatedAt))
		return err
	})
	if err != nil {
		return c, fmt.Errorf("create sync console: %w", err)
	}
	return db.SyncConsole(ctx)
}

const kioskCols = `k.id, k.name, k.site, k.paired_at, k.revoked_at, k.secret, k.secret_hash, k.sign_pub, k.age_recipient, k.keys_at,
	k.next_pack_seq, k.last_bundle_seq, k.last_bundle_at, k.received,
	k.mail_address, k.smtp_auth_hash, k.last_mail_at, k.last_pack_mailed_at, k.last_pack_mailed_seq, k.pack_digest, k.last_mail_error, k.silence_mailed_at,
	(SELECT count(*) FROM sync_refusals r WHERE r.kiosk_id = k.id),
	(SELECT count(*) FROM sync_conflicts c WHERE c.kiosk_id = k.id AND c.resolved_at IS NULL)`

func scanKiosk(s scanner) (pairing.Kiosk, error) {
	var k pairing.Kiosk
	var paired int64
	var revoked, keysAt, lastAt, lastMail, lastPack, silence sql.NullInt64
	var age sql.NullString
	var next, lastSeq, packSeq int64
	var mailErr string
	if err := s.Scan(&k.ID, &k.Name, &k.Site, &paired, &revoked, &k.Secret, &k.SecretHash, &k.SignPub, &age, &keysAt,
		&next, &lastSeq, &lastAt, &k.Received,
		&k.MailAddress, &k.SMTPAuthHash, &lastMail, &lastPack, &packSeq, &k.PackDigest, &mailErr, &silence,
		&k.Refusals, &k.PendingConflicts); err != nil {
		return k, err
	}
	k.LastMailAt, k.LastPackMailedAt, k.SilenceMailedAt = nullableTime(lastMail), nullableTime(lastPack), nullableTime(silence)
	k.LastPackMailedSeq = uint64(packSeq)
	k.LastMailError = parseMailProblem(mailErr)
	k.PairedAt = fromMS(paired)
	k.RevokedAt, k.KeysAt, k.LastBundleAt = nullableTime(revoked), nullableTime(keysAt), nullableTime(lastAt)
	k.AgeRecipient = age.String
	k.NextPackSeq, k.LastBundleSeq = uint64(next), uint64(lastSeq)
	return k, nil
}

// encodeMailProblem is the stored form of a kiosk's last mail problem
// (sync_kiosks.last_mail_error): JSON, "" for none.
func encodeMailProblem(p pairing.MailProblem) string {
	if p.IsZero() {
		return ""
	}
	b, _ := json.Marshal(p)
	return string(b)
}

// parseMailProblem reads what encodeMailProblem stored. Text stored by
// older versions (an English sentence) is shown as it is in both languages.
func parseMailProblem(s string) pairing.MailProblem {
	if s == "" {
		return pairing.MailProblem{}
	}
	var p pairing.MailProblem
	if strings.HasPrefix(s, "{") && json.Unmarshal([]byte(s), &p) == nil && p.Code != "" {
		return p
	}
	return pairing.MailProblem{Code: "sync.mail.earlier", SV: s, EN: s}
}

// CreateKiosk stores a newly paired kiosk and its audit line;
// pairing.ErrNameTaken when a kiosk that is not revoked has its name.
func (db *DB) CreateKiosk(ctx context.Context, k pairing.Kiosk, e audit.Entry) error {
	err := db.RunInTx(ctx, func(tx *sql.Tx) error {
		now := ms(db.now())
		if _, err := tx.ExecContext(ctx, `INSERT INTO sync_kiosks(id, name, site, paired_at, secret, secret_hash, mail_address, smtp_auth_hash)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			k.ID, k.Name, k.Site, ms(k.PairedAt), k.Secret, k.SecretHash, k.MailAddress, k.SMTPAuthHash); err != nil {
			if isUniqueViolation(err) {
				return pairing.ErrNameTaken
			}
			return err
		}
		return insertAudit(ctx, tx, now, e)
	})
	if err != nil && !errors.Is(err, pairing.ErrNameTaken) {
		return fmt.Errorf("create kiosk: %w", err)
	}
	return err
}

// Kiosk returns a kiosk by id; pairing.ErrNotFound when unknown.
func (db *DB) Kiosk(ctx context.Context, id string) (pairing.Kiosk, error) {
	return db.kioskWhere(ctx, `k.id = ?`, id)
}

// KioskByName returns the kiosk of this name that is not revoked, or else
// the one revoked last; pairing.ErrNotFound when none.
func (db *DB) KioskByName(ctx context.Context, name string) (pairing.Kiosk, error) {
	return db.kioskWhere(ctx, `k.name = ? ORDER BY k.revoked_at IS NOT NULL, k.revoked_at DESC`, name)
}

func (db *DB) kioskWhere(ctx context.Context, where string, arg any) (pairing.Kiosk, error) {
	k, err := scanKiosk(db.reader.QueryRowContext(ctx, `SELECT `+kioskCols+` FROM sync_kiosks k WHERE `+where+` LIMIT 1`, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return k, pairing.ErrNotFound
	}
	if err != nil {
		return k, fmt.Errorf("read kiosk: %w", err)
	}
	return k, nil
}

// ListKiosks returns every kiosk, paired ones first, by name.
func (db *DB) ListKiosks(ctx context.Context) ([]pairing.Kiosk, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT `+kioskCols+` FROM sync_kiosks k ORDER BY k.revoked_at IS NOT NULL, k.name, k.paired_at`)
	if err != nil {
		return nil, fmt.Errorf("list kiosks: %w", err)
	}
	defer rows.Close()
	var out []pairing.Kiosk
	for rows.Next() {
		k, err := scanKiosk(rows)
		if err != nil {
			return nil, fmt.Errorf("list kiosks: %w", err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// UpdateKiosk runs fn on the stored kiosk inside a transaction and stores
// what it may change (revocation, keys and secret, the next site pack's
// sequence number), with fn's audit lines. An error from fn changes
// nothing and is returned as it is.
func (db *DB) UpdateKiosk(ctx context.Context, id string, fn func(k *pairing.Kiosk) ([]audit.Entry, error)) (pairing.Kiosk, error) {
	var out pairing.Kiosk
	var fnErr error
	err := db.RunInTx(ctx, func(tx *sql.Tx) error {
		k, err := scanKiosk(tx.QueryRowContext(ctx, `SELECT `+kioskCols+` FROM sync_kiosks k WHERE k.id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return pairing.ErrNotFound
		}
		if err != nil {
			return err
		}
		entries, err := fn(&k)
		if err != nil {
			fnErr = err
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sync_kiosks SET revoked_at = ?, secret = ?, sign_pub = ?, age_recipient = ?, keys_at = ?,
			next_pack_seq = ?, mail_address = ?, smtp_auth_hash = ?, last_mail_at = ?, last_pack_mailed_at = ?, last_pack_mailed_seq = ?,
			pack_digest = ?, last_mail_error = ?, silence_mailed_at = ? WHERE id = ?`,
			nullTime(k.RevokedAt), k.Secret, k.SignPub, nullString(k.AgeRecipient), nullTime(k.KeysAt), int64(k.NextPackSeq),
			k.MailAddress, k.SMTPAuthHash, nullTime(k.LastMailAt), nullTime(k.LastPackMailedAt), int64(k.LastPackMailedSeq),
			k.PackDigest, encodeMailProblem(k.LastMailError), nullTime(k.SilenceMailedAt), id); err != nil {
			return err
		}
		now := ms(db.now())
		for _, e := range entries {
			if err := insertAudit(ctx, tx, now, e); err != nil {
				return err
			}
		}
		out = k
		return nil
	})
	if fnErr != nil || errors.Is(err, pairing.ErrNotFound) {
		return out, err
	}
	if err != nil {
		return out, fmt.Errorf("update kiosk: %w", err)
	}
	return out, nil
}

// ReceivedRegistration returns what became of a registration received
// before; found is false for a new one.
func (db *DB) ReceivedRegistration(ctx context.Context, id string) (r pairing.Received, found bool, err error) {
	var seq, at int64
	var orderID sql.NullString
	var outcome string
	err = db.reader.QueryRowContext(ctx, `SELECT id, kiosk_id, seq, invitation_id, outcome, order_id, received_at FROM sync_registrations WHERE id = ?`, id).
		Scan(&r.ID, &r.KioskID, &seq, &r.InvitationID, &outcome, &orderID, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	if err != nil {
		return r, false, fmt.Errorf("read received registration: %w", err)
	}
	r.Seq, r.Outcome, r.OrderID, r.At = uint64(seq), pairing.Outcome(outcome), orderID.String, fromMS(at)
	return r, true, nil
}

// RecordReceived stores, in one transaction, a registration received from
// a kiosk, its refusal or held conflict (either may be nil) and the audit
// lines. A registration already recorded changes nothing (found true).
func (db *DB) RecordReceived(ctx context.Context, r pairing.Received, refusal *pairing.Refusal, conflict *pairing.HeldConflict, entries []audit.Entry) (found bool, err error) {
	err = db.RunInTx(ctx, func(tx *sql.Tx) error {
		found = false
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sync_registrations WHERE id = ?`, r.ID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			found = true
			return nil
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sync_registrations(id, kiosk_id, seq, invitation_id, outcome, order_id, received_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, r.ID, r.KioskID, int64(r.Seq), r.InvitationID, string(r.Outcome), nullString(r.OrderID), ms(r.At)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sync_kiosks SET received = received + 1 WHERE id = ?`, r.KioskID); err != nil {
			return err
		}
		if refusal != nil {
			if err := insertRefusal(ctx, tx, *refusal); err != nil {
				return err
			}
		}
		if c := conflict; c != nil {
			if _, err := tx.ExecContext(ctx, `INSERT INTO sync_conflicts(id, registration_id, kiosk_id, invitation_id, existing_order_id,
				registered_at, created_at, data, photo) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				c.ID, c.RegistrationID, c.KioskID, c.InvitationID, c.ExistingOrderID, ms(c.RegisteredAt), ms(c.CreatedAt), string(c.Data), c.Photo); err != nil {
				return err
			}
		}
		now := ms(db.now())
		for _, e := range entries {
			if err := insertAudit(ctx, tx, now, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("record received registration: %w", err)
	}
	return found, nil
}

func insertRefusal(ctx context.Context, tx *sql.Tx, r pairing.Refusal) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO sync_refusals(at, kiosk_id, kiosk_name, file_seq, registration_id, code, message_sv, message_en)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, ms(r.At), r.KioskID, r.KioskName, int64(r.FileSeq), r.RegistrationID, r.Code, r.SV, r.EN)
	if err != nil {
		return fmt.Errorf("write refusal: %w", err)
	}
	return nil
}

// RecordRefusal stores a refused file with its audit line.
func (db *DB) RecordRefusal(ctx context.Context, r pairing.Refusal, e audit.Entry) error {
	err := db.RunInTx(ctx, func(tx *sql.Tx) error {
		if err := insertRefusal(ctx, tx, r); err != nil {
			return err
		}
		return insertAudit(ctx, tx, ms(db.now()), e)
	})
	if err != nil {
		return fmt.Errorf("record refusal: %w", err)
	}
	return nil
}

// ListRefusals returns the newest refusals first, of one kiosk ("" for
// all), at most limit.
func (db *DB) ListRefusals(ctx context.Context, kioskID string, limit int) ([]pairing.Refusal, error) {
	q := `SELECT id, at, kiosk_id, kiosk_name, file_seq, registration_id, code, message_sv, message_en FROM sync_refusals`
	args := []any{}
	if kioskID != "" {
		q += ` WHERE kiosk_id = ?`
		args = append(args, kioskID)
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, limit)
	rows, err := db.reader.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list refusals: %w", err)
	}
	defer rows.Close()
	var out []pairing.Refusal
	for rows.Next() {
		var r pairing.Refusal
		var at, seq int64
		if err := rows.Scan(&r.ID, &at, &r.KioskID, &r.KioskName, &seq, &r.RegistrationID, &r.Code, &r.SV, &r.EN); err != nil {
			return nil, fmt.Errorf("list refusals: %w", err)
		}
		r.At, r.FileSeq = fromMS(at), uint64(seq)
		out = append(out, r)
	}
	return out, rows.Err()
}

// Bundle returns an imported bundle; found is false when it was never
// imported.
func (db *DB) Bundle(ctx context.Context, kioskID string, seq uint64) (b pairing.Bundle, found bool, err error) {
	var at int64
	err = db.reader.QueryRowContext(ctx, `SELECT imported_at, applied, already, conflicts, refused FROM sync_bundles WHERE kiosk_id = ? AND seq = ?`,
		kioskID, int64(seq)).Scan(&at, &b.Applied, &b.Already, &b.Conflicts, &b.Refused)
	if errors.Is(err, sql.ErrNoRows) {
		return b, false, nil
	}
	if err != nil {
		return b, false, fmt.Errorf("read bundle: %w", err)
	}
	b.KioskID, b.Seq, b.ImportedAt = kioskID, seq, fromMS(at)
	return b, true, nil
}

// RecordBundle stores an imported bundle, the kiosk's last bundle and the
// audit line.
func (db *DB) RecordBundle(ctx context.Context, b pairing.Bundle, e audit.Entry) error {
	err := db.RunInTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sync_bundles(kiosk_id, seq, imported_at, applied, already, conflicts, refused)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, b.KioskID, int64(b.Seq), ms(b.ImportedAt), b.Applied, b.Already, b.Conflicts, b.Refused); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sync_kiosks SET last_bundle_seq = max(last_bundle_seq, ?), last_bundle_at = ? WHERE id = ?`,
			int64(b.Seq), ms(b.ImportedAt), b.KioskID); err != nil {
			return err
		}
		return insertAudit(ctx, tx, ms(db.now()), e)
	})
	if err != nil {
		return fmt.Errorf("record bundle: %w", err)
	}
	return nil
}

// SyncAcks returns the sequence numbers of a kiosk's bundles imported and
// of its registrations received (any outcome), in increasing order.
func (db *DB) SyncAcks(ctx context.Context, kioskID string) (bundles, registrations []uint64, err error) {
	read := func(q string) ([]uint64, error) {
		rows, err := db.reader.QueryContext(ctx, q, kioskID)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []uint64
		for rows.Next() {
			var v int64
			if err := rows.Scan(&v); err != nil {
				return nil, err
			}
			out = append(out, uint64(v))
		}
		return out, rows.Err()
	}
	if bundles, err = read(`SELECT seq FROM sync_bundles WHERE kiosk_id = ? ORDER BY seq`); err != nil {
		return nil, nil, fmt.Errorf("read acknowledgements: %w", err)
	}
	if registrations, err = read(`SELECT seq FROM sync_registrations WHERE kiosk_id = ? ORDER BY seq`); err != nil {
		return nil, nil, fmt.Errorf("read acknowledgements: %w", err)
	}
	return bundles, registrations, nil
}

const conflictCols = `c.id, c.registration_id, c.kiosk_id, coalesce(k.name, ''), c.invitation_id, c.existing_order_id, c.registered_at,
	c.created_at, c.resolved_at, c.resolution`

func scanConflict(s scanner, extra ...any) (pairing.HeldConflict, error) {
	var c pairing.HeldConflict
	var reg, created int64
	var resolved sql.NullInt64
	dest := append([]any{&c.ID, &c.RegistrationID, &c.KioskID, &c.KioskName, &c.InvitationID, &c.ExistingOrderID, &reg, &created, &resolved, &c.Resolution}, extra...)
	if err := s.Scan(dest...); err != nil {
		return c, err
	}
	c.RegisteredAt, c.CreatedAt = fromMS(reg), fromMS(created)
	if resolved.Valid {
		c.ResolvedAt = fromMS(resolved.Int64)
	}
	return c, nil
}

// ListConflicts returns the conflicts, pending ones only when pending is
// set, newest first, without their data.
func (db *DB) ListConflicts(ctx context.Context, pending bool) ([]pairing.HeldConflict, error) {
	q := `SELECT ` + conflictCols + ` FROM sync_conflicts c LEFT JOIN sync_kiosks k ON k.id = c.kiosk_id`
	if pending {
		q += ` WHERE c.resolved_at IS NULL`
	}
	rows, err := db.reader.QueryContext(ctx, q+` ORDER BY c.created_at DESC, c.id`)
	if err != nil {
		return nil, fmt.Errorf("list conflicts: %w", err)
	}
	defer rows.Close()
	var out []pairing.HeldConflict
	for rows.Next() {
		c, err := scanConflict(rows)
		if err != nil {
			return nil, fmt.Errorf("list conflicts: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Conflict returns a pending conflict with the data it holds;
// pairing.ErrNotFound when there is no such pending conflict.
func (db *DB) Conflict(ctx context.Context, id string) (pairing.HeldConflict, error) {
	var data sql.NullString
	var photo []byte
	c, err := scanConflict(db.reader.QueryRowContext(ctx, `SELECT `+conflictCols+`, c.data, c.photo FROM sync_conflicts c
		LEFT JOIN sync_kiosks k ON k.id = c.kiosk_id WHERE c.id = ? AND c.resolved_at IS NULL`, id), &data, &photo)
	if errors.Is(err, sql.ErrNoRows) {
		return c, pairing.ErrNotFound
	}
	if err != nil {
		return c, fmt.Errorf("read conflict: %w", err)
	}
	c.Data, c.Photo = []byte(data.String), photo
	return c, nil
}

// ResolveConflict marks a pending conflict resolved and deletes the data
// it held, with the audit lines; pairing.ErrNotFound when there is no such
// pending conflict.
func (db *DB) ResolveConflict(ctx context.Context, id, resolution string, entries []audit.Entry) error {
	err := db.RunInTx(ctx, func(tx *sql.Tx) error {
		now := ms(db.now())
		res, err := tx.ExecContext(ctx, `UPDATE sync_conflicts SET resolved_at = ?, resolution = ?, data = NULL, photo = NULL
			WHERE id = ? AND resolved_at IS NULL`, now, resolution, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return pairing.ErrNotFound
		}
		for _, e := range entries {
			if err := insertAudit(ctx, tx, now, e); err != nil {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, pairing.ErrNotFound) {
		return err
	}
	if err != nil {
		return fmt.Errorf("resolve conflict: %w", err)
	}
	db.erase(ctx) // the kiosk's copy held personal data
	return nil
}

// RecordSyncMail logs a sync mail the console collected, keeping the last
// 500, and for a known kiosk notes when its last mail came.
func (db *DB) RecordSyncMail(ctx context.Context, m pairing.MailLog) error {
	err := db.RunInTx(ctx, func(tx *sql.Tx) error {
		var kiosk any
		if m.KioskID != "" {
			kiosk = m.KioskID
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sync_mail_log(at, via, message_id, subject, kiosk_id, verdict, code, sv, en)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, ms(m.At), string(m.Via), m.MessageID, m.Subject, kiosk, m.Verdict, m.Code, m.SV, m.EN); err != nil {
			return err
		}
		if m.KioskID != "" && m.Verdict == pairing.MailProcessed {
			if _, err := tx.ExecContext(ctx, `UPDATE sync_kiosks SET last_mail_at = ?, last_mail_error = '' WHERE id = ?`, ms(m.At), m.KioskID); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM sync_mail_log WHERE id <= (SELECT max(id) - 500 FROM sync_mail_log)`)
		return err
	})
	if err != nil {
		return fmt.Errorf("record sync mail: %w", err)
	}
	return nil
}

// ListSyncMail returns the latest sync mails, newest first.
func (db *DB) ListSyncMail(ctx context.Context, limit int) ([]pairing.MailLog, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT l.id, l.at, l.via, l.message_id, l.subject, coalesce(l.kiosk_id, ''), coalesce(k.name, ''),
		l.verdict, l.code, l.sv, l.en FROM sync_mail_log l LEFT JOIN sync_kiosks k ON k.id = l.kiosk_id ORDER BY l.id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("list sync mail: %w", err)
	}
	defer rows.Close()
	var out []pairing.MailLog
	for rows.Next() {
		var m pairing.MailLog
		var at int64
		var via string
		if err := rows.Scan(&m.ID, &at, &via, &m.MessageID, &m.Subject, &m.KioskID, &m.KioskName, &m.Verdict, &m.Code, &m.SV, &m.EN); err != nil {
			return nil, fmt.Errorf("list sync mail: %w", err)
		}
		m.At, m.Via = fromMS(at), pairing.Via(via)
		out = append(out, m)
	}
	return out, rows.Err()
}
