-- An offline kiosk keeps the last site pack it refused (older than the one
-- applied, for another kiosk, damaged …): when, its number if it could be
-- read, and why, as a code and its sentence in Swedish and English, for the
-- kiosk's admin view. (Each refusal is in the audit log too.)
ALTER TABLE kiosk_sync ADD COLUMN pack_refused_at INTEGER;
ALTER TABLE kiosk_sync ADD COLUMN pack_refused_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE kiosk_sync ADD COLUMN pack_refused_code TEXT NOT NULL DEFAULT '';
ALTER TABLE kiosk_sync ADD COLUMN pack_refused_sv TEXT NOT NULL DEFAULT '';
ALTER TABLE kiosk_sync ADD COLUMN pack_refused_en TEXT NOT NULL DEFAULT '';
