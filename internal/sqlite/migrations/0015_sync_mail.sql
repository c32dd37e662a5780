-- Sync by e-mail (issue 14). Console: per kiosk its mailbox for site packs,
-- the hash of its receiver password, what last came and went by mail and
-- the last error; a log of the sync mails collected (never their content).
-- Kiosk: when each sealed registration was last mailed, and the state of
-- its mail rounds.

ALTER TABLE sync_kiosks ADD COLUMN mail_address TEXT NOT NULL DEFAULT '';
ALTER TABLE sync_kiosks ADD COLUMN smtp_auth_hash BLOB;
ALTER TABLE sync_kiosks ADD COLUMN last_mail_at INTEGER;
ALTER TABLE sync_kiosks ADD COLUMN last_pack_mailed_at INTEGER;
ALTER TABLE sync_kiosks ADD COLUMN last_pack_mailed_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_kiosks ADD COLUMN pack_digest BLOB;
ALTER TABLE sync_kiosks ADD COLUMN last_mail_error TEXT NOT NULL DEFAULT '';
ALTER TABLE sync_kiosks ADD COLUMN silence_mailed_at INTEGER;

-- Each sync mail the console collected or refused: the mail's id and
-- subject (a count and a kiosk name, nothing personal), the verdict and
-- its reason. Kept for the last 500.
CREATE TABLE sync_mail_log (
	id INTEGER PRIMARY KEY,
	at INTEGER NOT NULL,
	via TEXT NOT NULL CHECK (via IN ('imap', 'receiver')),
	message_id TEXT NOT NULL DEFAULT '',
	subject TEXT NOT NULL DEFAULT '',
	kiosk_id TEXT,
	verdict TEXT NOT NULL CHECK (verdict IN ('processed', 'refused', 'kept')),
	code TEXT NOT NULL DEFAULT '',
	sv TEXT NOT NULL DEFAULT '',
	en TEXT NOT NULL DEFAULT ''
) STRICT;

ALTER TABLE kiosk_outbound ADD COLUMN mailed_at INTEGER;

-- The last mail round on the kiosk (one row, like kiosk_sync's).
CREATE TABLE kiosk_mail_state (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	last_round_at INTEGER,
	last_queued_at INTEGER,
	last_queued_count INTEGER NOT NULL DEFAULT 0,
	last_collect_at INTEGER,
	last_pack_mail_at INTEGER,
	last_error_code TEXT NOT NULL DEFAULT '',
	last_error_sv TEXT NOT NULL DEFAULT '',
	last_error_en TEXT NOT NULL DEFAULT ''
) STRICT;
INSERT INTO kiosk_mail_state(id) VALUES (1);

-- A site pack that came by mail may have waited in the mailbox: only a
-- kiosk clock behind the console's can be told from it.
ALTER TABLE kiosk_sync ADD COLUMN pack_via_mail INTEGER NOT NULL DEFAULT 0;
