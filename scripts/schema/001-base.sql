-- 001-base.sql - the appliance's identity and the record of console-changed settings.
-- (db.tcl creates the `migration` table and sets application_id before every migration.)

-- meta: facts about this installation, one row per key (e.g. created, instance).
CREATE TABLE meta(
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
INSERT INTO meta(key, value) VALUES
  ('created', strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  ('instance', lower(hex(randomblob(8))));
