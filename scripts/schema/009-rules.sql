-- 009-rules.sql - relevance rules and term lists changed by administrators (the bundled defaults
-- in scripts/analyse/ apply unless a row here replaces or deletes them).

-- rule: a relevance rule (analyse/rules.tcl); deleted 1 removes a default rule of that name.
CREATE TABLE rule(
  name       TEXT PRIMARY KEY,
  expr       TEXT NOT NULL DEFAULT '',
  deleted    INTEGER NOT NULL DEFAULT 0,
  updated    TEXT NOT NULL,
  updated_by TEXT NOT NULL
);

-- term_list: a term list (analyse/terms.tcl) replaced or added: its tokens as in the term files.
CREATE TABLE term_list(
  name       TEXT PRIMARY KEY,
  tokens     TEXT NOT NULL,
  attrs      TEXT NOT NULL DEFAULT '',
  updated    TEXT NOT NULL,
  updated_by TEXT NOT NULL
);

-- every process compares this with what it loaded, so a change shows everywhere at once
INSERT INTO meta(key, value) VALUES('analyse_generation', '0');
