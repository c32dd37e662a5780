-- Batches of orders sent to Nexus (the zip Nexus's order portal imports).
-- An order belongs to at most one batch: orders.nexus_batch_id is set in
-- the same transaction that moves it from ready to sent_to_nexus.
CREATE TABLE nexus_batches (
	id TEXT PRIMARY KEY,
	created_at INTEGER NOT NULL,
	created_by TEXT NOT NULL,
	order_count INTEGER NOT NULL,
	profile TEXT NOT NULL,          -- the import profile's version the file follows
	channel TEXT NOT NULL,          -- folder | mail
	mailed_to TEXT NOT NULL DEFAULT '',
	mail_count INTEGER NOT NULL DEFAULT 0,
	zip_path TEXT NOT NULL DEFAULT '',      -- saved files ('' when none)
	summary_path TEXT NOT NULL DEFAULT '',
	zip_bytes INTEGER NOT NULL DEFAULT 0,
	files_deleted_at INTEGER        -- when the retention job removed them
) STRICT;
CREATE INDEX nexus_batches_created ON nexus_batches(created_at DESC, id);
CREATE INDEX nexus_batches_files ON nexus_batches(created_at) WHERE zip_path != '';

ALTER TABLE orders ADD COLUMN nexus_batch_id TEXT REFERENCES nexus_batches(id);
CREATE INDEX orders_nexus_batch ON orders(nexus_batch_id) WHERE nexus_batch_id IS NOT NULL;
