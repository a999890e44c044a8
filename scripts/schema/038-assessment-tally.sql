-- 038-assessment-tally.sql - the quarterly assessment's counters kept up to date (issue 18: the
-- assessment of a quarter in 50 ms at 50,000 events): per counter, day and unit, how many of the
-- workflow's rows count, so that a period's figures add up a few rows per day and unit instead of
-- reading every step and deadline of the period. scripts/assessment.tcl (assessment::counters) is
-- the definition of each counter; the views below say the same per row, and the triggers keep the
-- tally right in the same transaction as every change of event_step or deadline (an insert, an
-- update of a column a counter reads, a delete, an event's merge). The tally is recounted here
-- from the views for the boxes made before it (and by assessment::recount).
--
-- day is the first 10 characters of the time the row counts at: for ISO times and a period from
-- FROM to TO (YYYY-MM-DD), `t >= FROM AND t < TO` holds exactly when `day >= FROM AND day < TO`.
-- owned counts events, not steps: a unit's claim or assignment of an event whose previous claim or
-- assignment to the same unit fell in the period too is not counted again. So each repeated step
-- is also tallied as owned_repeat with `since` the day of that previous step; the period's owned
-- is its owned minus its owned_repeat with since >= FROM.
CREATE TABLE assessment_tally(
  counter TEXT NOT NULL,
  day     TEXT NOT NULL,
  unit_id INTEGER NOT NULL,
  since   TEXT NOT NULL DEFAULT '',
  n       INTEGER NOT NULL,
  PRIMARY KEY(day, counter, unit_id, since)
) WITHOUT ROWID;

-- what an event's workflow steps count (every unit's): owned, owned_repeat, claimed_ontime (a claim
-- of an event whose claim deadline was never breached) and extensions. (+action: the triggers
-- select one event's rows, by event_step_event, not every claim by event_step_action.)
CREATE VIEW assessment_step_tally(event_id, counter, day, unit_id, since, n) AS
  SELECT event_id, 'owned', substr(at, 1, 10), unit_id, '', 1 FROM event_step
   WHERE +action IN ('claim', 'assign') AND unit_id IS NOT NULL
  UNION ALL
  SELECT event_id, 'owned_repeat', day, unit_id, since, 1 FROM (
    SELECT event_id, unit_id, substr(at, 1, 10) AS day,
           lag(substr(at, 1, 10)) OVER (PARTITION BY event_id, unit_id ORDER BY at, id) AS since
      FROM event_step WHERE +action IN ('claim', 'assign') AND unit_id IS NOT NULL)
   WHERE since IS NOT NULL
  UNION ALL
  SELECT s.event_id, 'claimed_ontime', substr(s.at, 1, 10), s.unit_id, '', 1 FROM event_step s
   WHERE +s.action = 'claim' AND s.unit_id IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM deadline d WHERE d.event_id = s.event_id AND d.rule = 'claim'
                     AND d.breached_at IS NOT NULL)
  UNION ALL
  SELECT event_id, 'extensions', substr(at, 1, 10), unit_id, '', 1 FROM event_step
   WHERE +action = 'extend' AND unit_id IS NOT NULL;

-- what one deadline counts: on time at the day it was met when never breached, late at the day it
-- was breached
CREATE VIEW assessment_deadline_tally(id, counter, day, unit_id, since, n) AS
  SELECT id, counter, substr(at, 1, 10), unit_id, '', 1 FROM (
    SELECT id, unit_id, coalesce(breached_at, met_at) AS at,
           CASE WHEN rule IN ('investigate', 'investigate_legacy')
                     THEN iif(breached_at IS NOT NULL, 'reports_late', iif(met_at IS NOT NULL, 'reports_ontime', NULL))
                WHEN rule IN ('reply', 'reply_major')
                     THEN iif(breached_at IS NOT NULL, 'replies_late', iif(met_at IS NOT NULL, 'replies_ontime', NULL))
                WHEN rule IN ('press_conference', 'respond')
                     THEN iif(breached_at IS NOT NULL, 'limit_breaches', NULL) END AS counter
      FROM deadline WHERE unit_id IS NOT NULL)
   WHERE counter IS NOT NULL;

-- the whole tally counted from scratch (the recount)
CREATE VIEW assessment_tally_recount(counter, day, unit_id, since, n) AS
  SELECT counter, day, unit_id, since, sum(n) FROM (
    SELECT counter, day, unit_id, since, n FROM assessment_step_tally
    UNION ALL
    SELECT counter, day, unit_id, since, n FROM assessment_deadline_tally)
   GROUP BY counter, day, unit_id, since;

-- The triggers take an event's (or a deadline's) rows out of the tally before a change and add
-- them back after it, so every counter follows whatever the change did to them.
CREATE TRIGGER assessment_step_bi BEFORE INSERT ON event_step
  WHEN NEW.action IN ('claim', 'assign', 'extend') BEGIN
  INSERT INTO assessment_tally(counter, day, unit_id, since, n)
    SELECT counter, day, unit_id, since, -sum(n) FROM assessment_step_tally WHERE event_id = NEW.event_id
     GROUP BY counter, day, unit_id, since
  ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER assessment_step_ai AFTER INSERT ON event_step
  WHEN NEW.action IN ('claim', 'assign', 'extend') BEGIN
  INSERT INTO assessment_tally(counter, day, unit_id, since, n)
    SELECT counter, day, unit_id, since, sum(n) FROM assessment_step_tally WHERE event_id = NEW.event_id
     GROUP BY counter, day, unit_id, since
  ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER assessment_step_bu BEFORE UPDATE OF id, event_id, at, action, unit_id ON event_step
  WHEN OLD.action IN ('claim', 'assign', 'extend') OR NEW.action IN ('claim', 'assign', 'extend') BEGIN
  INSERT INTO assessment_tally(counter, day, unit_id, since, n)
    SELECT counter, day, unit_id, since, -sum(n) FROM assessment_step_tally
     WHERE event_id IN (OLD.event_id, NEW.event_id) GROUP BY counter, day, unit_id, since
  ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER assessment_step_au AFTER UPDATE OF id, event_id, at, action, unit_id ON event_step
  WHEN OLD.action IN ('claim', 'assign', 'extend') OR NEW.action IN ('claim', 'assign', 'extend') BEGIN
  INSERT INTO assessment_tally(counter, day, unit_id, since, n)
    SELECT counter, day, unit_id, since, sum(n) FROM assessment_step_tally
     WHERE event_id IN (OLD.event_id, NEW.event_id) GROUP BY counter, day, unit_id, since
  ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER assessment_step_bd BEFORE DELETE ON event_step
  WHEN OLD.action IN ('claim', 'assign', 'extend') BEGIN
  INSERT INTO assessment_tally(counter, day, unit_id, since, n)
    SELECT counter, day, unit_id, since, -sum(n) FROM assessment_step_tally WHERE event_id = OLD.event_id
     GROUP BY counter, day, unit_id, since
  ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER assessment_step_ad AFTER DELETE ON event_step
  WHEN OLD.action IN ('claim', 'assign', 'extend') BEGIN
  INSERT INTO assessment_tally(counter, day, unit_id, since, n)
    SELECT counter, day, unit_id, since, sum(n) FROM assessment_step_tally WHERE event_id = OLD.event_id
     GROUP BY counter, day, unit_id, since
  ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

-- a deadline counts itself; a breached claim deadline also changes its event's claimed_ontime
CREATE TRIGGER assessment_deadline_bi BEFORE INSERT ON deadline
  WHEN NEW.rule = 'claim' AND NEW.breached_at IS NOT NULL BEGIN
  INSERT INTO assessment_tally(counter, day, unit_id, since, n)
    SELECT counter, day, unit_id, since, -sum(n) FROM assessment_step_tally WHERE event_id = NEW.event_id
     GROUP BY counter, day, unit_id, since
  ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER assessment_deadline_ai AFTER INSERT ON deadline BEGIN
  INSERT INTO assessment_tally(counter, day, unit_id, since, n)
    SELECT counter, day, unit_id, since, sum(n) FROM assessment_step_tally
     WHERE event_id = NEW.event_id AND NEW.rule = 'claim' AND NEW.breached_at IS NOT NULL
     GROUP BY counter, day, unit_id, since
  ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO assessment_tally(counter, day, unit_id, since, n)
    SELECT counter, day, unit_id, since, n FROM assessment_deadline_tally WHERE id = NEW.id
  ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER assessment_deadline_bu BEFORE UPDATE OF id, event_id, rule, unit_id, met_at, breached_at ON deadline BEGIN
  INSERT INTO assessment_tally(counter, day, unit_id, since, n)
    SELECT counter, day, unit_id, since, -sum(n) FROM assessment_step_tally
     WHERE event_id IN (OLD.event_id, NEW.event_id)
       AND ((OLD.rule = 'claim' AND OLD.breached_at IS NOT NULL) OR (NEW.rule = 'claim' AND NEW.breached_at IS NOT NULL))
     GROUP BY counter, day, unit_id, since
  ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO assessment_tally(counter, day, unit_id, since, n)
    SELECT counter, day, unit_id, since, -n FROM assessment_deadline_tally WHERE id = OLD.id
  ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER assessment_deadline_au AFTER UPDATE OF id, event_id, rule, unit_id, met_at, breached_at ON deadline BEGIN
  INSERT INTO assessment_tally(counter, day, unit_id, since, n)
    SELECT counter, day, unit_id, since, sum(n) FROM assessment_step_tally
     WHERE event_id IN (OLD.event_id, NEW.event_id)
       AND ((OLD.rule = 'claim' AND OLD.breached_at IS NOT NULL) OR (NEW.rule = 'claim' AND NEW.breached_at IS NOT NULL))
     GROUP BY counter, day, unit_id, since
  ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO assessment_tally(counter, day, unit_id, since, n)
    SELECT counter, day, unit_id, since, n FROM assessment_deadline_tally WHERE id = NEW.id
  ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER assessment_deadline_bd BEFORE DELETE ON deadline BEGIN
  INSERT INTO assessment_tally(counter, day, unit_id, since, n)
    SELECT counter, day, unit_id, since, -sum(n) FROM assessment_step_tally
     WHERE event_id = OLD.event_id AND OLD.rule = 'claim' AND OLD.breached_at IS NOT NULL
     GROUP BY counter, day, unit_id, since
  ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO assessment_tally(counter, day, unit_id, since, n)
    SELECT counter, day, unit_id, since, -n FROM assessment_deadline_tally WHERE id = OLD.id
  ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER assessment_deadline_ad AFTER DELETE ON deadline
  WHEN OLD.rule = 'claim' AND OLD.breached_at IS NOT NULL BEGIN
  INSERT INTO assessment_tally(counter, day, unit_id, since, n)
    SELECT counter, day, unit_id, since, sum(n) FROM assessment_step_tally WHERE event_id = OLD.event_id
     GROUP BY counter, day, unit_id, since
  ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

-- the boxes made before this migration: their tally counted from their rows
INSERT INTO assessment_tally(counter, day, unit_id, since, n)
  SELECT counter, day, unit_id, since, n FROM assessment_tally_recount WHERE true;

-- The side navigation of every staff page (the /assessment page's too) counts the office's work
-- list (web::worklist): its 指定认领 query took ~13 ms at 50,000 events, reading every detected
-- event's deadlines; starting from this index (CROSS JOIN) it reads only the open breached claim
-- deadlines.
CREATE INDEX deadline_rule_open ON deadline(rule, state, breached_at, event_id);
