-- Personal data of finished orders is purged after retention.order_days: the
-- row stays (who ordered which card, when) but identity numbers, phone,
-- address and photos are emptied and purged_at says when.
ALTER TABLE orders ADD COLUMN purged_at INTEGER;
