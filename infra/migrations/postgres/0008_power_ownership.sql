-- The PostgreSQL twin of infra/migrations/sqlite/0008_power_ownership.sql: the same tables, columns,
-- keys and indexes; every integer is BIGINT (the functions bind 64-bit integers),
-- blobs are BYTEA.
-- Shared power sockets: who owns a site or socket, and how far a socket's meter has
-- been read.
--
-- owner_agency: the operator agency that created the site or socket (the agency of
-- the API key; the bootstrap key is the agency `bootstrap`). Only that agency may
-- change it or read its statements; an update never changes it. Existing sites take
-- the agency of the key that last saved them (`operator` is `agency:<agency>/<16-hex
-- key id>`, so the agency is the text between the 7-character prefix and the last
-- 17 characters); existing sockets take their site's. A row whose owner cannot be
-- told stays NULL, and no agency may change it.
--
-- last_seq: the sequence number of the reading that set last_register_wh and
-- last_reading_at. Only a newer sequence number moves the register; existing
-- sockets take the highest sequence number stored for their meter.

ALTER TABLE power_sites ADD COLUMN owner_agency TEXT;
UPDATE power_sites
   SET owner_agency = SUBSTR(operator, 8, LENGTH(operator) - 24)
 WHERE operator LIKE 'agency:%' AND LENGTH(operator) > 24;
CREATE INDEX IF NOT EXISTS power_sites_owner ON power_sites (owner_agency);

ALTER TABLE power_sockets ADD COLUMN owner_agency TEXT;
ALTER TABLE power_sockets ADD COLUMN last_seq BIGINT;
UPDATE power_sockets
   SET owner_agency = (SELECT s.owner_agency FROM power_sites s
                        WHERE s.site_id = power_sockets.site_id);
UPDATE power_sockets
   SET last_seq = (SELECT MAX(r.seq) FROM power_readings r
                    WHERE r.meter_id = power_sockets.meter_id)
 WHERE last_register_wh IS NOT NULL;
