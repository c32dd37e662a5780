-- Keeps "Handle invitations" fast at 100,000 rows: status counts kept by
-- triggers instead of a GROUP BY over the table, and a trigram index for the
-- free-text search (substring of email or name).

CREATE TABLE invitation_counts (
	status TEXT PRIMARY KEY,
	n INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

INSERT INTO invitation_counts(status, n) SELECT status, count(*) FROM invitations GROUP BY status;

CREATE TRIGGER invitation_counts_insert AFTER INSERT ON invitations BEGIN
	INSERT INTO invitation_counts(status, n) VALUES (NEW.status, 1)
		ON CONFLICT(status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER invitation_counts_delete AFTER DELETE ON invitations BEGIN
	UPDATE invitation_counts SET n = n - 1 WHERE status = OLD.status;
END;

CREATE TRIGGER invitation_counts_update AFTER UPDATE OF status ON invitations
WHEN OLD.status <> NEW.status BEGIN
	UPDATE invitation_counts SET n = n - 1 WHERE status = OLD.status;
	INSERT INTO invitation_counts(status, n) VALUES (NEW.status, 1)
		ON CONFLICT(status) DO UPDATE SET n = n + 1;
END;

-- The search index shares the invitations' rowid. That table has no INTEGER
-- PRIMARY KEY, so a VACUUM could renumber it: never VACUUM this database
-- (the list query also re-checks the text on the row itself, so a stale
-- index could only miss rows, never show wrong ones).
CREATE VIRTUAL TABLE invitation_search USING fts5(email, name, content = '', contentless_delete = 1, tokenize = 'trigram');

INSERT INTO invitation_search(rowid, email, name) SELECT rowid, email, name FROM invitations;

CREATE TRIGGER invitation_search_insert AFTER INSERT ON invitations BEGIN
	INSERT INTO invitation_search(rowid, email, name) VALUES (NEW.rowid, NEW.email, NEW.name);
END;

CREATE TRIGGER invitation_search_delete AFTER DELETE ON invitations BEGIN
	DELETE FROM invitation_search WHERE rowid = OLD.rowid;
END;

CREATE TRIGGER invitation_search_update AFTER UPDATE OF email, name ON invitations BEGIN
	DELETE FROM invitation_search WHERE rowid = OLD.rowid;
	INSERT INTO invitation_search(rowid, email, name) VALUES (NEW.rowid, NEW.email, NEW.name);
END;

CREATE INDEX invitations_expires ON invitations(expires_at, id);

-- The outbox worker claims the lowest pending id after the last one it
-- tried: a partial index keeps that a seek instead of a sort of every
-- pending mail.
CREATE INDEX outbox_pending ON outbox(id, next_attempt_at, claimed_until) WHERE status = 'pending';
