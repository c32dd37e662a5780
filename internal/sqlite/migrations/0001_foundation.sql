-- Settings are key/value; secrets (SMTP password, keys) are not stored here.
CREATE TABLE settings (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL,
	updated_at INTEGER NOT NULL
) STRICT;

-- The single admin credential used in `serve` mode.
CREATE TABLE admin_credential (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	password_hash TEXT NOT NULL,
	updated_at INTEGER NOT NULL
) STRICT;

-- Admin sessions; only a hash of the cookie value is kept.
CREATE TABLE admin_sessions (
	token_hash BLOB PRIMARY KEY,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX admin_sessions_expires ON admin_sessions(expires_at);

-- Who did what, when.
CREATE TABLE audit_log (
	id INTEGER PRIMARY KEY,
	at INTEGER NOT NULL,
	actor TEXT NOT NULL,
	action TEXT NOT NULL,
	subject TEXT NOT NULL DEFAULT '',
	detail TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX audit_log_at ON audit_log(at);
