-- Cardholder self-registration: a draft per invitation while the steps are
-- filled in, and the order a confirmed registration becomes.

-- data is JSON (method, personal data, delivery, photo metadata). Drafts
-- hold personal data: they are deleted on Confirm and purged when stale.
CREATE TABLE registration_drafts (
	invitation_id TEXT PRIMARY KEY REFERENCES invitations(id) ON DELETE CASCADE,
	data TEXT NOT NULL DEFAULT '{}',
	photo_source BLOB,
	photo BLOB,
	updated_at INTEGER NOT NULL
) STRICT;

-- invitation_id is UNIQUE: one order per invitation, whatever races.
CREATE TABLE orders (
	id TEXT PRIMARY KEY,
	invitation_id TEXT NOT NULL UNIQUE REFERENCES invitations(id),
	status TEXT NOT NULL,
	first_name TEXT NOT NULL,
	last_name TEXT NOT NULL,
	personnummer TEXT NOT NULL DEFAULT '',
	birth_date TEXT NOT NULL DEFAULT '',
	nationality TEXT NOT NULL DEFAULT '',
	id_number TEXT NOT NULL DEFAULT '',
	email TEXT NOT NULL,
	phone TEXT NOT NULL,
	card_type TEXT NOT NULL,
	industry TEXT NOT NULL DEFAULT '',
	language TEXT NOT NULL,
	delivery TEXT NOT NULL,
	photo BLOB NOT NULL,
	thumb BLOB NOT NULL,
	identity_method TEXT NOT NULL,
	identity_check TEXT NOT NULL,
	identity_checked_at INTEGER,
	registered_at INTEGER NOT NULL,
	registered_where TEXT NOT NULL,
	updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX orders_registered ON orders(registered_at DESC, id);
CREATE INDEX orders_status ON orders(status, registered_at DESC);
