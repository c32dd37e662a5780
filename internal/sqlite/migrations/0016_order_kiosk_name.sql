-- The kiosk a registration came from (issue 13: "registered at: kiosk
-- NAME"): its name as it was when the bundle was imported, so it survives
-- an unpaired or revoked kiosk. '' for the web and for a kiosk on the
-- console's own computer.
ALTER TABLE orders ADD COLUMN registered_kiosk TEXT NOT NULL DEFAULT '';
