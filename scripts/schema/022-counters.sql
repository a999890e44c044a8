-- 022-counters.sql - what the dashboard and the work lists count, kept up to date instead of
-- counted on every page (issue 14: page server time <= 5 ms at 10,000 events; issue 18: at
-- 50,000). event_count holds the number of events per (level, state, owning unit, suggested unit),
-- maintained by triggers on every insert, delete and change of those columns, so "open events by
-- level" for any person reads a few rows. unit_id 0 stands for "no owning unit yet". The partial
-- indexes let the office's duties (extensions waiting for approval, 批示 being carried out) start
-- from the few rows they list instead of every event.
CREATE TABLE event_count(
  level          TEXT NOT NULL,
  state          TEXT NOT NULL,
  unit_id        INTEGER NOT NULL,        -- event.unit_id, 0 when NULL
  suggested_unit TEXT NOT NULL,
  n              INTEGER NOT NULL,
  PRIMARY KEY(level, state, unit_id, suggested_unit)
) WITHOUT ROWID;
INSERT INTO event_count(level, state, unit_id, suggested_unit, n)
  SELECT level, state, coalesce(unit_id, 0), suggested_unit, count(*) FROM event
  GROUP BY level, state, coalesce(unit_id, 0), suggested_unit;

CREATE TRIGGER event_count_insert AFTER INSERT ON event BEGIN
  INSERT INTO event_count(level, state, unit_id, suggested_unit, n)
    VALUES(NEW.level, NEW.state, coalesce(NEW.unit_id, 0), NEW.suggested_unit, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER event_count_delete AFTER DELETE ON event BEGIN
  UPDATE event_count SET n = n - 1
    WHERE level = OLD.level AND state = OLD.state AND unit_id = coalesce(OLD.unit_id, 0)
      AND suggested_unit = OLD.suggested_unit;
  DELETE FROM event_count WHERE n <= 0;
END;
CREATE TRIGGER event_count_update AFTER UPDATE OF level, state, unit_id, suggested_unit ON event
  WHEN OLD.level IS NOT NEW.level OR OLD.state IS NOT NEW.state OR OLD.unit_id IS NOT NEW.unit_id
    OR OLD.suggested_unit IS NOT NEW.suggested_unit BEGIN
  UPDATE event_count SET n = n - 1
    WHERE level = OLD.level AND state = OLD.state AND unit_id = coalesce(OLD.unit_id, 0)
      AND suggested_unit = OLD.suggested_unit;
  DELETE FROM event_count WHERE n <= 0;
  INSERT INTO event_count(level, state, unit_id, suggested_unit, n)
    VALUES(NEW.level, NEW.state, coalesce(NEW.unit_id, 0), NEW.suggested_unit, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE INDEX investigation_extension ON investigation(event_id) WHERE ext_state = 'requested';
CREATE INDEX instruction_open ON instruction(event_id) WHERE state = 'open';

-- an event's posts in the order the event page lists them (first seen first, 50 a page), read
-- from the index instead of sorting all of a large event's posts; still serves event_id lookups
DROP INDEX post_event;
CREATE INDEX post_event ON post(event_id, first_seen);
