-- An order's photos move into a table of their own: a status change, an
-- edit or a Nexus batch rewrites the order's row, and with the photo inside
-- it every such change rewrote (and, with secure_delete, zeroed) its
-- 100–300 kB of photo too. The purge deletes the photo row.
CREATE TABLE order_photos (
	order_id TEXT PRIMARY KEY REFERENCES orders(id) ON DELETE CASCADE,
	photo BLOB NOT NULL,
	thumb BLOB NOT NULL
) STRICT;

INSERT INTO order_photos(order_id, photo, thumb) SELECT id, photo, thumb FROM orders WHERE length(photo) > 0;

ALTER TABLE orders DROP COLUMN photo;
ALTER TABLE orders DROP COLUMN thumb;
