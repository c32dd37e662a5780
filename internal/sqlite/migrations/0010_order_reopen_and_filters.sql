-- Review of orders: why an order went back to the cardholder (a reason
-- code and the admin's note; '' unless it is reopened), and indexes for the
-- Orders view's filters (card type, industry, where registered), each
-- ordered like the list (newest first). The registration date filter uses
-- orders_registered, the status filter orders_status.
ALTER TABLE orders ADD COLUMN reopen_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN reopen_note TEXT NOT NULL DEFAULT '';
CREATE INDEX orders_card_type ON orders(card_type, registered_at DESC);
CREATE INDEX orders_industry ON orders(industry, registered_at DESC);
CREATE INDEX orders_where ON orders(registered_where, registered_at DESC);
