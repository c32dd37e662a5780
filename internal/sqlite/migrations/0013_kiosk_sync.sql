-- An offline kiosk's side of sync (issue 13). The pairing itself (the
-- console's keys, the kiosk's id, the one-time secret) lives in files under
-- <config>/sync/; the database keeps what changes with every site pack and
-- export, and the queue of sealed registrations.

-- One row once the kiosk is paired.
CREATE TABLE kiosk_sync (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	kiosk_id TEXT NOT NULL,
	token_keys TEXT NOT NULL,            -- JSON [{keyId, key}]: the console's invitation-verification keys
	next_reg_seq INTEGER NOT NULL DEFAULT 1,
	next_bundle_seq INTEGER NOT NULL DEFAULT 1,
	last_export_at INTEGER,
	last_export_seq INTEGER NOT NULL DEFAULT 0,
	last_export_count INTEGER NOT NULL DEFAULT 0,
	pack_seq INTEGER NOT NULL DEFAULT 0,  -- the last site pack applied (0: none)
	pack_applied_at INTEGER,              -- the kiosk's clock when it was applied
	pack_console_time INTEGER,            -- the console's clock in that pack
	first_acked INTEGER NOT NULL DEFAULT 0 -- a bundle was acknowledged: the pairing secret is gone
) STRICT;

-- Registrations sealed at Confirm (age-encrypted to the console; the kiosk
-- cannot read them) until a site pack acknowledges them.
CREATE TABLE kiosk_outbound (
	seq INTEGER PRIMARY KEY,
	registration_id TEXT NOT NULL UNIQUE,
	invitation_id TEXT NOT NULL,
	sealed BLOB NOT NULL,
	created_at INTEGER NOT NULL
) STRICT;

-- Invitations the console revoked: a QR token for one of them is refused
-- even when the kiosk never held the invitation.
CREATE TABLE kiosk_revoked (
	invitation_id TEXT PRIMARY KEY
) STRICT;
