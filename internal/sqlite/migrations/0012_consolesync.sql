-- The console's side of offline kiosks (issue 13): the kiosks it paired,
-- the bundles and registrations it received from them, what it refused and
-- why, and the conflicts the admin resolves.

-- The console's own sync identity (one row), created with its keys on the
-- first pairing.
CREATE TABLE sync_console (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	created_at INTEGER NOT NULL
) STRICT;

-- One row per paired kiosk. secret is the one-time pairing secret until the
-- kiosk's first bundle proves it (then NULL, and the kiosk's public keys are
-- set); secret_hash stays to tell which pairing file it was.
CREATE TABLE sync_kiosks (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	site TEXT NOT NULL DEFAULT '',
	paired_at INTEGER NOT NULL,
	revoked_at INTEGER,
	secret BLOB,
	secret_hash BLOB NOT NULL,
	sign_pub BLOB,
	age_recipient TEXT,
	keys_at INTEGER,
	next_pack_seq INTEGER NOT NULL DEFAULT 1,
	last_bundle_seq INTEGER NOT NULL DEFAULT 0,
	last_bundle_at INTEGER,
	received INTEGER NOT NULL DEFAULT 0
) STRICT;

-- A name names one kiosk that is not revoked.
CREATE UNIQUE INDEX sync_kiosks_active_name ON sync_kiosks(name) WHERE revoked_at IS NULL;

-- Bundles imported, by kiosk and the kiosk's sequence number: a bundle seen
-- before changes nothing.
CREATE TABLE sync_bundles (
	kiosk_id TEXT NOT NULL REFERENCES sync_kiosks(id),
	seq INTEGER NOT NULL,
	imported_at INTEGER NOT NULL,
	applied INTEGER NOT NULL,
	already INTEGER NOT NULL,
	conflicts INTEGER NOT NULL,
	refused INTEGER NOT NULL,
	PRIMARY KEY (kiosk_id, seq)
) STRICT;

-- Every registration received from a kiosk, once (by its id): applied (an
-- order), conflict (held for the admin), refused (with its reason). The
-- kiosk's sequence numbers of these are the site pack's acknowledgements.
CREATE TABLE sync_registrations (
	id TEXT PRIMARY KEY,
	kiosk_id TEXT NOT NULL REFERENCES sync_kiosks(id),
	seq INTEGER NOT NULL,
	invitation_id TEXT NOT NULL,
	outcome TEXT NOT NULL CHECK (outcome IN ('applied', 'conflict', 'refused')),
	order_id TEXT,
	received_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sync_registrations_kiosk ON sync_registrations(kiosk_id, seq);

-- Refusals: a whole file (registration_id '') or one registration, with the
-- sentence shown (both languages). No personal data.
CREATE TABLE sync_refusals (
	id INTEGER PRIMARY KEY,
	at INTEGER NOT NULL,
	kiosk_id TEXT NOT NULL DEFAULT '',
	kiosk_name TEXT NOT NULL DEFAULT '',
	file_seq INTEGER NOT NULL DEFAULT 0,
	registration_id TEXT NOT NULL DEFAULT '',
	code TEXT NOT NULL,
	message_sv TEXT NOT NULL,
	message_en TEXT NOT NULL
) STRICT;
CREATE INDEX sync_refusals_kiosk ON sync_refusals(kiosk_id, at);

-- A registration from a kiosk whose invitation already has an order (from
-- the web or another kiosk): held, with its data and photo, until the admin
-- keeps one. Resolving deletes the data held here.
CREATE TABLE sync_conflicts (
	id TEXT PRIMARY KEY,
	registration_id TEXT NOT NULL UNIQUE,
	kiosk_id TEXT NOT NULL REFERENCES sync_kiosks(id),
	invitation_id TEXT NOT NULL,
	existing_order_id TEXT NOT NULL,
	registered_at INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	data TEXT,
	photo BLOB,
	resolved_at INTEGER,
	resolution TEXT NOT NULL DEFAULT ''
) STRICT;
