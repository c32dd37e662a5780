CREATE TABLE card_types (
	code TEXT PRIMARY KEY,
	name_sv TEXT NOT NULL,
	name_en TEXT NOT NULL,
	rfid INTEGER NOT NULL DEFAULT 0,
	active INTEGER NOT NULL DEFAULT 1,
	position INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE industries (
	code TEXT PRIMARY KEY,
	name_sv TEXT NOT NULL,
	name_en TEXT NOT NULL,
	active INTEGER NOT NULL DEFAULT 1,
	position INTEGER NOT NULL DEFAULT 0
) STRICT;

INSERT INTO card_types(code, name_sv, name_en, rfid, position) VALUES
	('id06-rfid', 'ID06-kort med RFID (personalliggare)', 'ID06 card with RFID (staff ledger)', 1, 0),
	('visitor', 'Besökskort utan RFID', 'Visitor card without RFID', 0, 1);

INSERT INTO industries(code, name_sv, name_en, position) VALUES
	('construction', 'Bygg', 'Construction', 0),
	('installation', 'Installation (el, VVS, ventilation)', 'Installation (electrical, plumbing, ventilation)', 1),
	('civil', 'Anläggning', 'Civil engineering', 2),
	('demolition', 'Rivning och sanering', 'Demolition and remediation', 3),
	('painting', 'Måleri', 'Painting', 4);

CREATE TABLE invitations (
	id TEXT PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,
	email TEXT NOT NULL,
	name TEXT NOT NULL DEFAULT '',
	card_type TEXT NOT NULL REFERENCES card_types(code),
	industry TEXT REFERENCES industries(code),
	language TEXT NOT NULL,
	status TEXT NOT NULL,
	token TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	last_error TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX invitations_created ON invitations(created_at DESC, id);
CREATE INDEX invitations_status ON invitations(status, created_at DESC);
CREATE INDEX invitations_email ON invitations(email);
CREATE INDEX invitations_card_type ON invitations(card_type, created_at DESC);

CREATE TABLE invitation_events (
	id INTEGER PRIMARY KEY,
	invitation_id TEXT NOT NULL REFERENCES invitations(id) ON DELETE CASCADE,
	at INTEGER NOT NULL,
	kind TEXT NOT NULL,
	detail TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX invitation_events_inv ON invitation_events(invitation_id, id);

-- Every mail is written here before any attempt to send it. A sender
-- claims a row (claimed_by/claimed_until) before talking to the server, so
-- two senders on one data dir never send the same message.
CREATE TABLE outbox (
	id INTEGER PRIMARY KEY,
	message_id TEXT NOT NULL UNIQUE,
	invitation_id TEXT REFERENCES invitations(id) ON DELETE SET NULL,
	kind TEXT NOT NULL,
	mail_from TEXT NOT NULL,
	rcpt TEXT NOT NULL,
	body BLOB NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL,
	claimed_by TEXT NOT NULL DEFAULT '',
	claimed_until INTEGER NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '',
	server_reply TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	sent_at INTEGER
) STRICT;
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
