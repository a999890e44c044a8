-- 034-catalog-terms.sql - the department catalogue's responsibility terms as the county edited
-- them (issue 20, the rules page): the bundled terms of an entry (scripts/analyse/terms/units.txt
-- and catalogue.txt, county::catalogue) apply unless a row here replaces them.

-- catalog_term: the terms of catalogue entry ENTRY, as tokens of the term files (TERM/w,
-- TERM/not:LONGER), space separated; who changed them last and when (the audit log has every change).
CREATE TABLE catalog_term(
  entry      TEXT PRIMARY KEY,
  tokens     TEXT NOT NULL,
  updated    TEXT NOT NULL,
  updated_by TEXT NOT NULL
);
