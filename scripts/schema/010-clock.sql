-- 010-clock.sql - the clock never stops: provisional deadlines on years without an official
-- calendar, years where guessing is forbidden, and the health of every background job.

-- A year without an official calendar is now computed on Monday-Friday automatically; the old
-- explicit "fallback" rows say nothing any more.
DELETE FROM calendar_year WHERE kind = 'fallback';

-- calendar_forbidden: years for which the administrator forbade the Monday-Friday guess
-- (`calendar fallback YEAR off`): a deadline that needs such a year is refused.
CREATE TABLE calendar_forbidden(
  year    INTEGER PRIMARY KEY,
  changed TEXT NOT NULL               -- when (UTC, ISO 8601)
);

-- provisional: the years (space-separated) whose Monday-Friday guess the due time depends on;
-- '' when it rests on official calendars only. Recomputed when such a year is imported.
ALTER TABLE deadline ADD COLUMN provisional TEXT NOT NULL DEFAULT '';
ALTER TABLE request ADD COLUMN due_provisional TEXT NOT NULL DEFAULT '';

-- job: one row per background job (server.tcl `job`): its last run and how it ended.
CREATE TABLE job(
  name        TEXT PRIMARY KEY,
  title       TEXT NOT NULL,          -- what it does (Chinese)
  schedule    TEXT NOT NULL,          -- e.g. "every 60 s", "daily 03:00"
  last_start  TEXT,                   -- ISO 8601, the box's clock
  last_end    TEXT,
  duration_ms INTEGER,
  ok          INTEGER,                -- 1 the last run succeeded, 0 it failed, NULL never ran
  result      TEXT NOT NULL DEFAULT '',   -- the last run's summary or error (first 500 characters)
  failures    INTEGER NOT NULL DEFAULT 0, -- consecutive failed runs
  runs        INTEGER NOT NULL DEFAULT 0,
  failed_runs INTEGER NOT NULL DEFAULT 0,
  last_ok     TEXT,                   -- the last successful run's end
  alerted     INTEGER NOT NULL DEFAULT 0  -- 1 once the failure notice went out (reset by success)
);

-- late_name: the name of the unit an overdue claim counts against (the suggested unit), kept even
-- when no unit of that name exists yet: the assessment counts it against the unit once created.
ALTER TABLE claim ADD COLUMN late_name TEXT NOT NULL DEFAULT '';
