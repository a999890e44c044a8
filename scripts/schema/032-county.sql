-- 032-county.sql - which county a box is (issue 20): the values its first-run setup gave (names
-- printed on documents and pages, document number prefixes, ...) and whether it is its own county.

-- county_setting: one value of the setup (a config key of scripts/county.tcl), with who set it.
CREATE TABLE county_setting(
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  updated    TEXT NOT NULL,
  updated_by TEXT NOT NULL
);

-- meta county_mode: 'demo' (the fictional 青山县, made by `yqbox init -demo`), 'legacy' (a box made
-- before this migration: it keeps its data and runs on the fictional lists until its setup is
-- done), 'county' (its own county, set by `yqbox init` or by finishing setup). A database that
-- already has users, sources, events or units other than the info office (which migration 003
-- makes) is legacy; a new one gets its mode from `yqbox init`.
INSERT INTO meta(key, value)
  SELECT 'county_mode', 'legacy'
  WHERE EXISTS (SELECT 1 FROM user) OR EXISTS (SELECT 1 FROM source) OR EXISTS (SELECT 1 FROM event)
     OR (SELECT count(*) FROM unit) > 1;

-- unit.catalog: the entry of the catalogue of usual county departments (scripts/analyse/terms/
-- units.txt) a department follows for its routing terms, when its name differs.
ALTER TABLE unit ADD COLUMN catalog TEXT NOT NULL DEFAULT '';
