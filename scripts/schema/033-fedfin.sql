-- 033-fedfin.sql - the federation's remaining weaknesses (issue 17; scripts/federation/city.tcl,
-- county.tcl, scripts/web/city.tcl):
-- 1. the city's pages at size: city_event_count holds the number of county events per (member,
--    level, state, overdue or not), kept up to date by triggers on city_event (the pattern of 022's
--    event_count), so the dashboard reads a few rows per county instead of every event; indexes for
--    what the lists filter and sort on (paged 50 rows at a time).
-- 3. adoption of 政务信息 by the city office: city_submission.decision ('' not decided yet,
--    adopted 采用, rejected 不予采用) with who, when and why; the county keeps the decision it was
--    sent back in city_adoption, by the reference of its message (upward:N, submission:N).
-- 4. the clock skew in the 2-hour rule: city_event.major_skew is the member's measured clock skew
--    (its clock minus the city's, seconds; NULL unknown) when the event first reached the city at
--    重大/特别重大, so the rule compares the two times on one clock.

CREATE TABLE city_event_count(
  peer_id   INTEGER NOT NULL,
  level     TEXT NOT NULL,
  state     TEXT NOT NULL,
  overdue   INTEGER NOT NULL,                -- 1 when city_event.overdue > 0
  n         INTEGER NOT NULL,
  PRIMARY KEY(peer_id, level, state, overdue)
) WITHOUT ROWID;
INSERT INTO city_event_count(peer_id, level, state, overdue, n)
  SELECT peer_id, level, state, overdue > 0, count(*) FROM city_event GROUP BY peer_id, level, state, overdue > 0;

CREATE TRIGGER city_event_count_insert AFTER INSERT ON city_event BEGIN
  INSERT INTO city_event_count(peer_id, level, state, overdue, n)
    VALUES(NEW.peer_id, NEW.level, NEW.state, NEW.overdue > 0, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER city_event_count_delete AFTER DELETE ON city_event BEGIN
  UPDATE city_event_count SET n = n - 1
    WHERE peer_id = OLD.peer_id AND level = OLD.level AND state = OLD.state AND overdue = (OLD.overdue > 0);
  DELETE FROM city_event_count WHERE n <= 0;
END;
CREATE TRIGGER city_event_count_update AFTER UPDATE OF peer_id, level, state, overdue ON city_event
  WHEN OLD.peer_id IS NOT NEW.peer_id OR OLD.level IS NOT NEW.level OR OLD.state IS NOT NEW.state
    OR (OLD.overdue > 0) IS NOT (NEW.overdue > 0) BEGIN
  UPDATE city_event_count SET n = n - 1
    WHERE peer_id = OLD.peer_id AND level = OLD.level AND state = OLD.state AND overdue = (OLD.overdue > 0);
  DELETE FROM city_event_count WHERE n <= 0;
  INSERT INTO city_event_count(peer_id, level, state, overdue, n)
    VALUES(NEW.peer_id, NEW.level, NEW.state, NEW.overdue > 0, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- the county events list: newest detected first, over all counties or one, or one level
CREATE INDEX city_event_detected ON city_event(detected);
CREATE INDEX city_event_peer_detected ON city_event(peer_id, detected);
CREATE INDEX city_event_level_detected ON city_event(level, detected);
-- the 2-hour table: the matters that reached the city at 重大 or above, newest first
CREATE INDEX city_event_major ON city_event(major_received) WHERE major_received <> '';
-- 专报 per county, tasks per county
CREATE INDEX city_report_event ON city_report(peer_id, event_id);
CREATE INDEX city_task_peer_peer ON city_task_peer(peer_id, task_id);

ALTER TABLE city_event ADD COLUMN major_skew INTEGER;

ALTER TABLE city_submission ADD COLUMN decision TEXT NOT NULL DEFAULT ''
  CHECK(decision IN ('', 'adopted', 'rejected'));
ALTER TABLE city_submission ADD COLUMN decided TEXT NOT NULL DEFAULT '';
ALTER TABLE city_submission ADD COLUMN decided_by TEXT NOT NULL DEFAULT '';
ALTER TABLE city_submission ADD COLUMN reason TEXT NOT NULL DEFAULT '';
-- the quotas and the ranking count a county's items per month; the list pages them newest first
CREATE INDEX city_submission_peer_sent ON city_submission(peer_id, kind, sent);
CREATE INDEX city_submission_sent ON city_submission(sent);

CREATE TABLE city_adoption(
  peer_id   INTEGER NOT NULL REFERENCES federation_peer(id),  -- the city box that decided
  ref       TEXT NOT NULL,                  -- the object of the item's message: upward:N | submission:N
  decision  TEXT NOT NULL CHECK(decision IN ('adopted', 'rejected')),
  reason    TEXT NOT NULL DEFAULT '',
  decided   TEXT NOT NULL,                  -- city time
  received  TEXT NOT NULL,
  PRIMARY KEY(peer_id, ref)
);
-- how long it took (seconds, corrected by major_skew; NULL unknown): federation::city::Delay
ALTER TABLE city_event ADD COLUMN major_delay INTEGER;
UPDATE city_event SET major_skew = (SELECT skew FROM federation_peer p WHERE p.id = city_event.peer_id)
  WHERE major_received <> '';
UPDATE city_event SET major_delay = unixepoch(major_received) - unixepoch(coalesce(nullif(major_at, ''), detected))
                                    + coalesce(major_skew, 0)
  WHERE major_received <> '' AND coalesce(nullif(major_at, ''), detected) <> '';
CREATE INDEX city_event_major_delay ON city_event(major_delay) WHERE major_received <> '';
