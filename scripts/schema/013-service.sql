-- 013-service.sql - the records of backups and restores (等保 L3 asks for records of restore tests).

-- backup: one row per backup made, restore done, or backup file verified.
CREATE TABLE backup(
  id      INTEGER PRIMARY KEY,
  kind    TEXT NOT NULL CHECK (kind IN ('backup', 'restore')),
  at      TEXT NOT NULL,              -- when (ISO 8601, the box's clock)
  file    TEXT NOT NULL,              -- the backup file
  bytes   INTEGER NOT NULL,           -- its size
  sha256  TEXT NOT NULL,              -- of the backup file as a whole
  files   INTEGER NOT NULL,           -- how many files it holds (the database snapshot included)
  schema  INTEGER NOT NULL,           -- the database's schema (last migration) in it
  version TEXT NOT NULL,              -- the yqbox that wrote (backup) or restored it
  note    TEXT NOT NULL DEFAULT ''    -- e.g. "nightly", "before upgrade to X", "restored over ..."
);
