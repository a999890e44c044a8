-- 002-calendar.sql - working-day calendars added by the administrator (calendar.tcl).
-- The official calendars shipped with yqbox live in scripts/calendar/YYYY.txt; a year imported here
-- overrides the shipped one. A year can instead be set to fall back to Monday–Friday.

-- calendar_year: one row per year the administrator imported or set to the fallback.
CREATE TABLE calendar_year(
  year    INTEGER PRIMARY KEY,
  kind    TEXT NOT NULL CHECK (kind IN ('official', 'fallback')),
  file    TEXT NOT NULL DEFAULT '',   -- name of the imported file
  papers  TEXT NOT NULL DEFAULT '',   -- the notices the file cites, one per line
  changed TEXT NOT NULL               -- when (UTC, ISO 8601)
);

-- calendar_day: the days of an imported year that differ from Monday–Friday: off = 1 for a day
-- off (holiday), 0 for a make-up working day (调休). A file for one year may list a few days of the
-- years next to it (a New Year holiday that starts on 31 December).
CREATE TABLE calendar_day(
  year INTEGER NOT NULL REFERENCES calendar_year(year) ON DELETE CASCADE,
  date TEXT NOT NULL,
  off  INTEGER NOT NULL CHECK (off IN (0, 1)),
  name TEXT NOT NULL,
  PRIMARY KEY (year, date)
);

-- calendar_change: one row whose generation counts the changes to the two tables above, so that
-- every process notices an import and drops its cached years.
CREATE TABLE calendar_change(generation INTEGER NOT NULL);
INSERT INTO calendar_change(generation) VALUES (0);
