-- 011-semantics.sql - what meets a deadline (issue 12, item 6): the owning unit's report to its own
-- leaders, which meets the 2-hour report (001 第八条); the press conference record, which meets the
-- 24-hour limit (004 二(四)); and optional deadlines (the 3-working-day extension-request window),
-- which are never overdue. Written by scripts/workflow/states.tcl (transitions unitreport, press)
-- and scripts/workflow/deadline.tcl.

-- deadline.optional: 1 for a window that is an option, not a duty (calendar rule with option yes):
-- never warned, breached, shown as overdue or counted; when it closes it ends (state cancelled,
-- stopped_by 'window').
ALTER TABLE deadline ADD COLUMN optional INTEGER NOT NULL DEFAULT 0;
UPDATE deadline SET optional = 1 WHERE rule = 'extension_request';

-- unit_report: the owning unit reported the matter and its proposals to its own leaders
-- (报告本单位领导), copied to the info office (001 第八条).
CREATE TABLE unit_report(
  id        INTEGER PRIMARY KEY,
  event_id  INTEGER NOT NULL REFERENCES event(id),
  unit_id   INTEGER NOT NULL REFERENCES unit(id),  -- the unit that reported
  reporter  TEXT NOT NULL,                         -- who reported (name)
  leaders   TEXT NOT NULL,                         -- to whom: the unit's leaders (free text)
  at        TEXT NOT NULL,                         -- when the report was made (ISO)
  login     TEXT NOT NULL,                         -- who recorded it
  recorded  TEXT NOT NULL                          -- when it was recorded (ISO)
);
CREATE INDEX unit_report_event ON unit_report(event_id);

-- press_conference: a press conference held on the event (召开新闻发布会, 004 二(四)).
CREATE TABLE press_conference(
  id        INTEGER PRIMARY KEY,
  event_id  INTEGER NOT NULL REFERENCES event(id),
  unit_id   INTEGER REFERENCES unit(id),           -- the owning unit then (NULL: not yet owned)
  at        TEXT NOT NULL,                         -- when it was held (ISO)
  place     TEXT NOT NULL,                         -- place or channel (e.g. 县政府新闻发布厅, 网络直播)
  url       TEXT NOT NULL DEFAULT '',              -- link to the release or the recording
  login     TEXT NOT NULL,                         -- who recorded it
  recorded  TEXT NOT NULL                          -- when it was recorded (ISO)
);
CREATE INDEX press_conference_event ON press_conference(event_id);
