-- Nexus's word for a card being made is "in production"; the status is
-- named so (it was "produced"). The count triggers follow the UPDATE.
UPDATE orders SET status = 'in_production' WHERE status = 'produced';
UPDATE invitations SET status = 'in_production' WHERE status = 'produced';

-- The cost centre the admin may set while reviewing an order (not asked of
-- the cardholder).
ALTER TABLE orders ADD COLUMN cost_centre TEXT NOT NULL DEFAULT '';
