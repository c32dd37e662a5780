package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"id06desk/internal/audit"
	"id06desk/internal/invite"
	"id06desk/internal/kioskstate"
)

// The storage of an offline kiosk's sync (internal/kiosksync decides; this
// file persists): the kiosk_sync row, the queue of sealed registrations and
// the revoked invitation ids the console sent.

// kioskstate.KioskSyncState reads the sync row; kioskstate.ErrKioskNotPaired when there is none.
func (db *DB) KioskSyncState(ctx context.Context) (kioskstate.KioskSyncState, error) {
	return kioskState(ctx, db.reader)
}

func kioskState(ctx context.Context, q interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}) (kioskstate.KioskSyncState, error) {
	var s kioskstate.KioskSyncState
	var keys string
	var exportAt, appliedAt, consoleTime, refusedAt sql.NullInt64
	var first, viaMail int
	r := &s.PackRefusal
	err := q.QueryRowContext(ctx, `SELECT kiosk_id, token_keys, next_reg_seq, next_bundle_seq, last_export_at, last_export_seq,
		last_export_count, pack_seq, pack_applied_at, pack_console_time, first_acked, pack_via_mail,
		pack_refused_at, pack_refused_seq, pack_refused_code, pack_refused_sv, pack_refused_en FROM kiosk_sync WHERE id = 1`).Scan(
		&s.KioskID, &keys, &s.NextRegSeq, &s.NextBundleSeq, &exportAt, &s.LastExportSeq, &s.LastExportCount,
		&s.PackSeq, &appliedAt, &consoleTime, &first, &viaMail, &refusedAt, &r.Seq, &r.Code, &r.SV, &r.EN)
	if errors.Is(err, sql.ErrNoRows) {
		return s, kioskstate.ErrKioskNotPaired
	}
	if err != nil {
		return s, fmt.Errorf("read kiosk sync state: %w", err)
	}
	s.TokenKeys, s.FirstAcked, s.PackViaMail = []byte(keys), first != 0, viaMail != 0
	if exportAt.Valid {
		s.LastExportAt = fromMS(exportAt.Int64)
	}
	if appliedAt.Valid {
		s.PackAppliedAt = fromMS(appliedAt.Int64)
	}
	if consoleTime.Valid {
		s.PackConsoleTime = fromMS(consoleTime.Int64)
	}
	if refusedAt.Valid {
		r.At = fromMS(refusedAt.Int64)
	}
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM kiosk_outbound`).Scan(&s.Pending); err != nil {
		return s, fmt.Errorf("count sealed registrations: %w", err)
	}
	return s, nil
}

// PairKiosk stores a new pairing: the sync row (a join replaces an earlier
// pairing's row; its sealed registrations stay queued), the catalog and
// the kiosk settings, in one transaction.
func (db *DB) PairKiosk(ctx context.Context, p kioskstate.KioskPairing) error {
	return db.RunInTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM kiosk_sync`); err != nil {
			return fmt.Errorf("pair kiosk: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO kiosk_sync(id, kiosk_id, token_keys, next_reg_seq)
			VALUES (1, ?, ?, coalesce((SELECT max(seq) + 1 FROM kiosk_outbound), 1))`, p.KioskID, string(p.TokenKeys)); err != nil {
			return fmt.Errorf("pair kiosk: %w", err)
		}
		now := ms(db.now())
		if err := applyKioskConfig(ctx, tx, now, p.Catalog, p.Settings); err != nil {
			return err
		}
		return insertAudit(ctx, tx, now, p.Audit)
	})
}

// applyKioskConfig upserts the catalog (entries the console no longer has
// are deactivated, never deleted: invitations refer to them) and the
// settings.
func applyKioskConfig(ctx context.Context, tx *sql.Tx, now int64, cat *invite.Catalog, settings map[string]string) error {
	if cat != nil {
		if _, err := tx.ExecContext(ctx, `UPDATE card_types SET active = 0`); err != nil {
			return fmt.Errorf("apply catalog: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE industries SET active = 0`); err != nil {
			return fmt.Errorf("apply catalog: %w", err)
		}
		for i, c := range cat.CardTypes {
			if _, err := tx.ExecContext(ctx, `INSERT INTO card_types(code, name_sv, name_en, rfid, active, position) VALUES (?, ?, ?, ?, ?, ?)
				ON CONFLICT(code) DO UPDATE SET name_sv = excluded.name_sv, name_en = excluded.name_en, rfid = excluded.rfid, active = excluded.active, position = excluded.position`,
				c.Code, c.NameSv, c.NameEn, c.RFID, c.Active, i); err != nil {
				return fmt.Errorf("apply card type %s: %w", c.Code, err)
			}
		}
		for i, c := range cat.Industries {
			if _, err := tx.ExecContext(ctx, `INSERT INTO industries(code, name_sv, name_en, active, position) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT(code) DO UPDATE SET name_sv = excluded.name_sv, name_en = excluded.name_en, active = excluded.active, position = excluded.position`,
				c.Code, c.NameSv, c.NameEn, c.Active, i); err != nil {
				return fmt.Errorf("apply industry %s: %w", c.Code, err)
			}
		}
	}
	return writeSettings(ctx, tx, now, settings)
}

// ensureCatalogCodes adds a card type or industry an invitation names that
// the kiosk's catalog lacks (an older pairing), inactive, named by its
// code, so the invitation can be stored.
func ensureCatalogCodes(ctx context.Context, tx *sql.Tx, cardType, industry string) error {
	if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO card_types(code, name_sv, name_en, active, position) VALUES (?, ?, ?, 0, 1000)`,
		cardType, cardType, cardType); err != nil {
		return fmt.Errorf("card type %s: %w", cardType, err)
	}
	if industry != "" {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO industries(code, name_sv, name_en, active, position) VALUES (?, ?, ?, 0, 1000)`,
			industry, industry, industry); err != nil {
			return fmt.Errorf("industry %s: %w", industry, err)
		}
	}
	return nil
}

// AdoptInvitation stores an invitation the kiosk learnt from a verified
// token, unless it exists; one the console revoked is stored revoked. It
// returns the stored invitation.
func (db *DB) AdoptInvitation(ctx context.Context, inv invite.Invitation) (invite.Invitation, error) {
	var out invite.Invitation
	err := db.RunInTx(ctx, func(tx *sql.Tx) error {
		cur, err := invitationInTx(ctx, tx, inv.ID)
		if err == nil {
			out = cur
			return nil
		}
		if !errors.Is(err, invite.ErrNotFound) {
			return err
		}
		var revoked int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM kiosk_revoked WHERE invitation_id = ?`, inv.ID).Scan(&revoked); err != nil {
			return err
		}
		if revoked > 0 {
			inv.Status = invite.StatusRevoked
		}
		if err := ensureCatalogCodes(ctx, tx, inv.CardType, inv.Industry); err != nil {
			return err
		}
		now := ms(db.now())
		if _, err := tx.ExecContext(ctx, `INSERT INTO invitations(id, code, email, name, card_type, industry, language, status, token, created_at, updated_at, expires_at)
			VALUES (?, ?, '', '', ?, ?, ?, ?, ?, ?, ?, ?)`,
			inv.ID, inv.Code, inv.CardType, nullable(inv.Industry), inv.Language, string(inv.Status), inv.Token, now, now, ms(inv.ExpiresAt)); err != nil {
			return err
		}
		if err := addEvent(ctx, tx, inv.ID, now, invite.EventCreated, "kiosk"); err != nil {
			return err
		}
		out, err = invitationInTx(ctx, tx, inv.ID)
		return err
	})
	if err != nil {
		return out, fmt.Errorf("adopt invitation: %w", err)
	}
	return out, nil
}

// SealRegistration queues a sealed registration in one transaction: seal
// (the service) gets the registration's sequence number and returns the
// sealed bytes; the invitation becomes registered (status and event, change
// from the service), the draft with its clear data and photos is deleted.
// The file's freed pages and the write-ahead log are cleared afterwards.
func (db *DB) SealRegistration(ctx context.Context, registrationID, invitationID string,
	seal func(seq uint64) ([]byte, error), fn func(inv *invite.Invitation) (invite.Change, error)) (uint64, error) {
	var seq uint64
	err := db.RunInTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT next_reg_seq FROM kiosk_sync WHERE id = 1`).Scan(&seq); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return kioskstate.ErrKioskNotPaired
			}
			return err
		}
		cur, err := invitationInTx(ctx, tx, invitationID)
		if err != nil {
			return err
		}
		next := cur
		c, err := fn(&next)
		if err != nil {
			return err
		}
		sealed, err := seal(seq)
		if err != nil {
			return err
		}
		now := ms(db.now())
		if _, err := tx.ExecContext(ctx, `INSERT INTO kiosk_outbound(seq, registration_id, invitation_id, sealed, created_at) VALUES (?, ?, ?, ?, ?)`,
			seq, registrationID, invitationID, sealed, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE kiosk_sync SET next_reg_seq = ? WHERE id = 1`, seq+1); err != nil {
			return err
		}
		c.DeleteDraft = true
		next.UpdatedAt = fromMS(now)
		_, err = writeInvitation(ctx, tx, now, next, c)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("seal registration: %w", err)
	}
	db.erase(ctx)
	return seq, nil
}

// SealedSeqs lists the queued sealed registrations' sequence numbers, in
// order.
func (db *DB) SealedSeqs(ctx context.Context) ([]uint64, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT seq FROM kiosk_outbound ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("list sealed registrations: %w", err)
	}
	defer rows.Close()
	var seqs []uint64
	for rows.Next() {
		var s uint64
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("list sealed registrations: %w", err)
		}
		seqs = append(seqs, s)
	}
	return seqs, rows.Err()
}

// kioskstate.SealedRegistration reads one queued sealed registration.
func (db *DB) SealedRegistration(ctx context.Context, seq uint64) (kioskstate.SealedRegistration, error) {
	var r kioskstate.SealedRegistration
	var created int64
	err := db.reader.QueryRowContext(ctx, `SELECT seq, registration_id, invitation_id, sealed, created_at FROM kiosk_outbound WHERE seq = ?`, seq).
		Scan(&r.Seq, &r.RegistrationID, &r.InvitationID, &r.Sealed, &created)
	if err != nil {
		return r, fmt.Errorf("read sealed registration %d: %w", seq, err)
	}
	r.CreatedAt = fromMS(created)
	return r, nil
}

// RecordKioskExport records a written bundle: its sequence number is used.
func (db *DB) RecordKioskExport(ctx context.Context, bundleSeq uint64, count int, at time.Time, e audit.Entry) error {
	return db.RunInTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE kiosk_sync SET next_bundle_seq = max(next_bundle_seq, ?), last_export_at = ?,
			last_export_seq = ?, last_export_count = ? WHERE id = 1`, bundleSeq+1, ms(at), bundleSeq, count); err != nil {
			return fmt.Errorf("record export: %w", err)
		}
		return insertAudit(ctx, tx, ms(db.now()), e)
	})
}

// ApplyKioskSitePack applies a site pack in one transaction; check (the
// service's rule) sees the sequence number applied last and refuses a pack
// that is not newer. The acknowledged sealed registrations are deleted and
// cleared from the file.
func (db *DB) ApplyKioskSitePack(ctx context.Context, p kioskstate.KioskSitePack, check func(applied uint64) error) (kioskstate.SitePackResult, error) {
	var res kioskstate.SitePackResult
	err := db.RunInTx(ctx, func(tx *sql.Tx) error {
		var applied uint64
		if err := tx.QueryRowContext(ctx, `SELECT pack_seq FROM kiosk_sync WHERE id = 1`).Scan(&applied); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return kioskstate.ErrKioskNotPaired
			}
			return err
		}
		if err := check(applied); err != nil {
			return err
		}
		now := ms(db.now())
		if err := applyKioskConfig(ctx, tx, now, p.Catalog, p.Settings); err != nil {
			return err
		}
		first := 0
		if p.AckBundle {
			first = 1
		}
		if _, err := tx.ExecContext(ctx, `UPDATE kiosk_sync SET pack_seq = ?, pack_applied_at = ?, pack_console_time = ?, token_keys = ?,
			first_acked = max(first_acked, ?), pack_via_mail = ? WHERE id = 1`, p.Seq, now, ms(p.ConsoleTime), string(p.TokenKeys), first, p.ViaMail); err != nil {
			return err
		}
		for _, inv := range p.Invitations {
			n, err := upsertSiteInvitation(ctx, tx, now, inv)
			if err != nil {
				return err
			}
			res.Invitations += n
		}
		for _, id := range p.Revoked {
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO kiosk_revoked(invitation_id) VALUES (?)`, id); err != nil {
				return err
			}
			// A registration sealed here stays registered: the console
			// decides about it.
			r, err := tx.ExecContext(ctx, `UPDATE invitations SET status = ?, updated_at = ? WHERE id = ? AND status NOT IN (?, ?)`,
				string(invite.StatusRevoked), now, id, string(invite.StatusRevoked), string(invite.StatusRegistered))
			if err != nil {
				return err
			}
			if n, _ := r.RowsAffected(); n > 0 {
				res.Revoked++
				if err := addEvent(ctx, tx, id, now, invite.EventRevoked, "site pack"); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `DELETE FROM registration_drafts WHERE invitation_id = ?`, id); err != nil {
					return err
				}
			}
		}
		for _, seq := range p.AckRegistrations {
			r, err := tx.ExecContext(ctx, `DELETE FROM kiosk_outbound WHERE seq = ?`, seq)
			if err != nil {
				return fmt.Errorf("forget sealed registration %d: %w", seq, err)
			}
			n, _ := r.RowsAffected()
			res.Forgotten += int(n)
		}
		return insertAudit(ctx, tx, now, p.Audit)
	})
	if err != nil {
		return res, fmt.Errorf("apply site pack: %w", err)
	}
	// Sealed rows, revoked drafts: zeroed in the file and out of the log.
	db.erase(ctx)
	return res, nil
}

// RecordSitePackRefusal keeps a refused site pack as the kiosk's last
// refusal and writes its audit line, in one transaction (only the audit
// line when the kiosk has no sync row).
func (db *DB) RecordSitePackRefusal(ctx context.Context, r kioskstate.PackRefusal, e audit.Entry) error {
	err := db.RunInTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE kiosk_sync SET pack_refused_at = ?, pack_refused_seq = ?, pack_refused_code = ?,
			pack_refused_sv = ?, pack_refused_en = ? WHERE id = 1`, ms(r.At), r.Seq, r.Code, r.SV, r.EN); err != nil {
			return err
		}
		return insertAudit(ctx, tx, ms(db.now()), e)
	})
	if err != nil {
		return fmt.Errorf("record a refused site pack: %w", err)
	}
	return nil
}

// upsertSiteInvitation inserts an invitation of a site pack or refreshes
// the local copy (code, link, expiry, card type); a local status past sent
// (opened, registered, revoked) is kept.
func upsertSiteInvitation(ctx context.Context, tx *sql.Tx, now int64, inv invite.Invitation) (int, error) {
	if err := ensureCatalogCodes(ctx, tx, inv.CardType, inv.Industry); err != nil {
		return 0, err
	}
	// Another local invitation holding the code (an adopted one gets a
	// placeholder code) gives it up.
	if _, err := tx.ExecContext(ctx, `UPDATE invitations SET code = '~' || id WHERE code = ? AND id != ?`, inv.Code, inv.ID); err != nil {
		return 0, err
	}
	r, err := tx.ExecContext(ctx, `INSERT INTO invitations(id, code, email, name, card_type, industry, language, status, token, created_at, updated_at, expires_at)
		VALUES (?, ?, '', '', ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(id) DO UPDATE SET code = excluded.code, card_type = excluded.card_type, industry = excluded.industry,
			language = excluded.language, token = excluded.token, expires_at = excluded.expires_at, updated_at = excluded.updated_at
		WHERE invitations.status IN (?, ?, ?)`,
		inv.ID, inv.Code, inv.CardType, nullable(inv.Industry), inv.Language, string(invite.StatusSent), inv.Token, now, now, ms(inv.ExpiresAt),
		string(invite.StatusSent), string(invite.StatusOpened), string(invite.StatusExpired))
	if err != nil {
		return 0, fmt.Errorf("store invitation %s: %w", inv.ID, err)
	}
	n, _ := r.RowsAffected()
	if n > 0 {
		// An expired copy the console extended is open again.
		if _, err := tx.ExecContext(ctx, `UPDATE invitations SET status = ? WHERE id = ? AND status = ?`,
			string(invite.StatusSent), inv.ID, string(invite.StatusExpired)); err != nil {
			return 0, err
		}
	} else {
		// Registered (or revoked) here, listed by a pack the console made
		// before it heard: only the short code is taken, so that typing it
		// says "already registered" rather than "no such code" (an
		// invitation adopted from its QR code had a placeholder code).
		if _, err := tx.ExecContext(ctx, `UPDATE invitations SET code = ? WHERE id = ?`, inv.Code, inv.ID); err != nil {
			return 0, fmt.Errorf("store invitation %s: %w", inv.ID, err)
		}
	}
	return int(n), nil
}

// SealedForMail lists the queued sealed registrations never mailed or
// mailed before resendBefore, in order, with their sizes.
func (db *DB) SealedForMail(ctx context.Context, resendBefore time.Time) ([]kioskstate.SealedRef, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT seq, length(sealed) FROM kiosk_outbound
		WHERE mailed_at IS NULL OR mailed_at < ? ORDER BY seq`, ms(resendBefore))
	if err != nil {
		return nil, fmt.Errorf("list sealed registrations to mail: %w", err)
	}
	defer rows.Close()
	var out []kioskstate.SealedRef
	for rows.Next() {
		var r kioskstate.SealedRef
		if err := rows.Scan(&r.Seq, &r.Size); err != nil {
			return nil, fmt.Errorf("list sealed registrations to mail: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// MarkMailed records that these sealed registrations were queued in a
// bundle mail at at.
func (db *DB) MarkMailed(ctx context.Context, seqs []uint64, at time.Time) error {
	return db.RunInTx(ctx, func(tx *sql.Tx) error {
		for _, seq := range seqs {
			if _, err := tx.ExecContext(ctx, `UPDATE kiosk_outbound SET mailed_at = ? WHERE seq = ?`, ms(at), seq); err != nil {
				return fmt.Errorf("mark mailed: %w", err)
			}
		}
		return nil
	})
}

// KioskMailState reads the kiosk's last mail round.
func (db *DB) KioskMailState(ctx context.Context) (kioskstate.MailState, error) {
	var m kioskstate.MailState
	var round, queued, collect, pack sql.NullInt64
	err := db.reader.QueryRowContext(ctx, `SELECT last_round_at, last_queued_at, last_queued_count, last_collect_at, last_pack_mail_at,
		last_error_code, last_error_sv, last_error_en FROM kiosk_mail_state WHERE id = 1`).Scan(
		&round, &queued, &m.LastQueuedCount, &collect, &pack, &m.ErrorCode, &m.ErrorSV, &m.ErrorEN)
	if err != nil {
		return m, fmt.Errorf("read the kiosk's mail state: %w", err)
	}
	m.LastRoundAt, m.LastQueuedAt, m.LastCollectAt, m.LastPackMailAt = nullableTime(round), nullableTime(queued), nullableTime(collect), nullableTime(pack)
	return m, nil
}

// SetKioskMailState stores the kiosk's last mail round.
func (db *DB) SetKioskMailState(ctx context.Context, m kioskstate.MailState) error {
	return db.RunInTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE kiosk_mail_state SET last_round_at = ?, last_queued_at = ?, last_queued_count = ?,
			last_collect_at = ?, last_pack_mail_at = ?, last_error_code = ?, last_error_sv = ?, last_error_en = ? WHERE id = 1`,
			nullTime(m.LastRoundAt), nullTime(m.LastQueuedAt), m.LastQueuedCount, nullTime(m.LastCollectAt), nullTime(m.LastPackMailAt),
			m.ErrorCode, m.ErrorSV, m.ErrorEN)
		if err != nil {
			return fmt.Errorf("store the kiosk's mail state: %w", err)
		}
		return nil
	})
}

// UnpairKiosk removes the kiosk's sync state in one transaction: the sync
// row, the queue of sealed registrations, the console's revocations and
// the state of the mail rounds.
// check (the service's rule) sees how many sealed registrations wait and
// may refuse; nothing changes then. The deleted rows are erased from the
// file. It returns how many sealed registrations were deleted; without a
// sync row it only clears what is left.
func (db *DB) UnpairKiosk(ctx context.Context, check func(pending int) error, e audit.Entry) (int, error) {
	var pending int
	err := db.RunInTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM kiosk_outbound`).Scan(&pending); err != nil {
			return err
		}
		if err := check(pending); err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM kiosk_outbound`, `DELETE FROM kiosk_revoked`, `DELETE FROM kiosk_sync`,
			`DELETE FROM kiosk_mail_state`, `INSERT INTO kiosk_mail_state(id) VALUES (1)`} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return insertAudit(ctx, tx, ms(db.now()), e)
	})
	if err != nil {
		return 0, fmt.Errorf("unpair kiosk: %w", err)
	}
	db.erase(ctx)
	return pending, nil
}
