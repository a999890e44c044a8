-- 031-map.sql - the county's map as data of the box (issue 20): its townships (乡镇/街道), their
-- villages and communities (村/社区) and its places (landmarks, schools, hospitals, industrial
-- parks, roads), each with its administrative code and aliases. The region terms of the matcher
-- and the townships' routing terms are derived from these tables on a box that is its own county
-- (scripts/analyse/map.tcl); the demo (青山县) keeps the shipped region.txt.

-- township: a 乡镇 or 街道. unit_id: the unit that answers for it (NULL: the active township unit of
-- the same name, if any). aliases: other names, separated by spaces.
CREATE TABLE township(
  id      INTEGER PRIMARY KEY,
  name    TEXT NOT NULL UNIQUE,
  code    TEXT NOT NULL DEFAULT '',
  aliases TEXT NOT NULL DEFAULT '',
  unit_id INTEGER REFERENCES unit(id)
);

-- village: a 村 or 社区 of a township.
CREATE TABLE village(
  id          INTEGER PRIMARY KEY,
  township_id INTEGER NOT NULL REFERENCES township(id) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  code        TEXT NOT NULL DEFAULT '',
  aliases     TEXT NOT NULL DEFAULT '',
  UNIQUE(township_id, name)
);

-- place: a landmark, school, hospital, industrial park or road; in a township, or county-wide
-- (township_id NULL).
CREATE TABLE place(
  id          INTEGER PRIMARY KEY,
  township_id INTEGER REFERENCES township(id) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK(kind IN ('landmark', 'school', 'hospital', 'park', 'road')),
  code        TEXT NOT NULL DEFAULT '',
  aliases     TEXT NOT NULL DEFAULT '',
  UNIQUE(township_id, name)
);
