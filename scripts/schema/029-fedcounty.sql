-- 029-fedcounty.sql - what a county box keeps of the tasks its city box sends down (issue 17 item
-- 3; scripts/federation/county.tcl): repost tasks (004 三(三): the city's major releases reposted by
-- the county's Weibo within 1 hour, WeChat within 1 working day) as a process of the workflow
-- engine with its deadline in the one deadline table, the 约稿 notices the city sends (a commission
-- of the county's own 约稿 process, marked with the city's reference) and the city's quarterly
-- 通报 (a document the county office reads).

-- repost: one repost task from the city; its deadline (rule repost_weibo or repost_wechat) runs
-- from the city's release time (trigger city_posted).
CREATE TABLE repost(
  id         INTEGER PRIMARY KEY,
  peer_id    INTEGER NOT NULL REFERENCES federation_peer(id),  -- the city box that sent it
  ref        TEXT NOT NULL,                 -- the city's id of the task
  channel    TEXT NOT NULL CHECK(channel IN ('weibo','wechat')),
  title      TEXT NOT NULL,                 -- what the city released
  url        TEXT NOT NULL,                 -- where the city released it
  posted     TEXT NOT NULL,                 -- when the city released it (ISO)
  state      TEXT NOT NULL DEFAULT 'open' CHECK(state IN ('open','done')),
  repost_url TEXT NOT NULL DEFAULT '',      -- the county's repost
  done_at    TEXT,                          -- when the county reposted it
  done_by    TEXT NOT NULL DEFAULT '',
  created    TEXT NOT NULL,
  updated    TEXT NOT NULL,
  UNIQUE(peer_id, ref)
);

-- commission.city: the city's reference (PEER/ID) of a 约稿 notice the city sent ('' = the county's own)
ALTER TABLE commission ADD COLUMN city TEXT NOT NULL DEFAULT '';

-- bulletin: the city's quarterly 通报 as received (the printable document, HTML)
CREATE TABLE bulletin(
  id        INTEGER PRIMARY KEY,
  peer_id   INTEGER NOT NULL REFERENCES federation_peer(id),
  ref       TEXT NOT NULL,                  -- the city's id of it
  period    TEXT NOT NULL,                  -- YYYY-Qn
  title     TEXT NOT NULL,
  html      TEXT NOT NULL,
  received  TEXT NOT NULL,
  UNIQUE(peer_id, ref)
);

-- deadline: rebuilt (as 017 did) so that a repost task can own a deadline: exactly one owner.
CREATE TABLE deadline_new(
  id             INTEGER PRIMARY KEY,
  event_id       INTEGER REFERENCES event(id),
  instruction_id INTEGER REFERENCES instruction(id),
  request_id     INTEGER REFERENCES request(id),
  commission_id  INTEGER REFERENCES commission(id),
  repost_id      INTEGER REFERENCES repost(id),
  rule           TEXT NOT NULL,
  title          TEXT NOT NULL,
  unit_id        INTEGER REFERENCES unit(id),
  start          TEXT NOT NULL,
  due            TEXT NOT NULL,
  due_epoch      INTEGER,
  warn_at        TEXT NOT NULL,
  warn_epoch     INTEGER,
  allowed        TEXT NOT NULL,
  extended       INTEGER NOT NULL DEFAULT 0,
  reason         TEXT NOT NULL DEFAULT '',
  state          TEXT NOT NULL DEFAULT 'open' CHECK(state IN ('open','done','cancelled')),
  warned_at      TEXT,
  breached_at    TEXT,
  met_at         TEXT,
  stopped_at     TEXT,
  stopped_by     TEXT NOT NULL DEFAULT '',
  provisional    TEXT NOT NULL DEFAULT '',
  optional       INTEGER NOT NULL DEFAULT 0,
  CHECK((event_id IS NOT NULL) + (request_id IS NOT NULL) + (commission_id IS NOT NULL) + (repost_id IS NOT NULL) = 1),
  CHECK(instruction_id IS NULL OR event_id IS NOT NULL)
);
INSERT INTO deadline_new(id, event_id, instruction_id, request_id, commission_id, rule, title, unit_id, start, due,
                         due_epoch, warn_at, warn_epoch, allowed, extended, reason, state, warned_at, breached_at,
                         met_at, stopped_at, stopped_by, provisional, optional)
  SELECT id, event_id, instruction_id, request_id, commission_id, rule, title, unit_id, start, due, due_epoch,
         warn_at, warn_epoch, allowed, extended, reason, state, warned_at, breached_at, met_at, stopped_at,
         stopped_by, provisional, optional FROM deadline;
DROP TABLE deadline;
ALTER TABLE deadline_new RENAME TO deadline;
CREATE INDEX deadline_open ON deadline(state, warn_epoch);
CREATE INDEX deadline_event ON deadline(event_id);
CREATE INDEX deadline_request ON deadline(request_id);
CREATE INDEX deadline_commission ON deadline(commission_id, unit_id);
CREATE INDEX deadline_repost ON deadline(repost_id);

-- process_step: rebuilt so that the repost process keeps its timeline there too.
CREATE TABLE process_step_new(
  id         INTEGER PRIMARY KEY,
  process    TEXT NOT NULL CHECK(process IN ('request','submission','commission','repost')),
  object_id  INTEGER NOT NULL,
  at         TEXT NOT NULL,
  action     TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state   TEXT NOT NULL,
  login      TEXT NOT NULL,
  role       TEXT NOT NULL DEFAULT '',
  unit       TEXT NOT NULL DEFAULT '',
  origin     TEXT NOT NULL,
  unit_id    INTEGER REFERENCES unit(id),
  note       TEXT NOT NULL DEFAULT '',
  audit_id   INTEGER NOT NULL
);
INSERT INTO process_step_new SELECT id, process, object_id, at, action, from_state, to_state, login, role, unit,
                                    origin, unit_id, note, audit_id FROM process_step;
DROP TABLE process_step;
ALTER TABLE process_step_new RENAME TO process_step;
CREATE INDEX process_step_object ON process_step(process, object_id, id);
