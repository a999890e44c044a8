-- 030-fedcity.sql - what a city box keeps of its member boxes (issue 17 items 2 to 4;
-- scripts/federation/city.tcl): each county's events with their timelines as reported, its 专报,
-- its 政务信息 items, its quarterly counters and patrol figures; and the tasks the city sends down
-- (repost tasks, 约稿) with each member's answer, and its 通报. Times written by a county are the
-- county's clock (federation_peer.skew says how far off it was); `received` is the city's.

CREATE TABLE city_event(
  peer_id     INTEGER NOT NULL REFERENCES federation_peer(id),
  event_id    INTEGER NOT NULL,             -- the county's event id
  title       TEXT NOT NULL,
  level       TEXT NOT NULL,
  score       REAL NOT NULL DEFAULT 0,
  reasons     TEXT NOT NULL DEFAULT '[]',   -- JSON array of {factor points text}
  state       TEXT NOT NULL,
  unit        TEXT NOT NULL DEFAULT '',     -- the county unit owning it
  first_seen  TEXT NOT NULL DEFAULT '',
  detected    TEXT NOT NULL DEFAULT '',     -- the county's detection
  major_at    TEXT NOT NULL DEFAULT '',     -- when the county rated it 重大/特别重大 ('' never)
  posts       TEXT NOT NULL DEFAULT '[]',   -- JSON array of {url title seen source}
  posts_count INTEGER NOT NULL DEFAULT 0,
  overdue     INTEGER NOT NULL DEFAULT 0,   -- its deadlines breached, as last reported
  reply       TEXT NOT NULL DEFAULT '',     -- the published reply
  reply_at    TEXT NOT NULL DEFAULT '',
  closed_at   TEXT NOT NULL DEFAULT '',     -- 办结 (county time)
  result      TEXT NOT NULL DEFAULT '',     -- 办结 reason
  received    TEXT NOT NULL,                -- first reached the city
  major_received TEXT NOT NULL DEFAULT '',  -- first reached the city at level 重大/特别重大 (001 第八条: 2 hours)
  updated     TEXT NOT NULL,
  PRIMARY KEY(peer_id, event_id)
);
CREATE INDEX city_event_level ON city_event(level, state);
CREATE TABLE city_event_step(
  peer_id   INTEGER NOT NULL REFERENCES federation_peer(id),
  event_id  INTEGER NOT NULL,
  step      INTEGER NOT NULL,               -- the county's step id (orders the timeline)
  at        TEXT NOT NULL,
  action    TEXT NOT NULL,
  from_state TEXT NOT NULL DEFAULT '',
  to_state  TEXT NOT NULL DEFAULT '',
  by_unit   TEXT NOT NULL DEFAULT '',
  note      TEXT NOT NULL DEFAULT '',
  received  TEXT NOT NULL,
  PRIMARY KEY(peer_id, event_id, step)
);
CREATE TABLE city_report(
  peer_id   INTEGER NOT NULL REFERENCES federation_peer(id),
  document  INTEGER NOT NULL,               -- the county's document id
  number    TEXT NOT NULL,
  title     TEXT NOT NULL,
  event_id  INTEGER,
  level     TEXT NOT NULL DEFAULT '',
  issued    TEXT NOT NULL,
  html      TEXT NOT NULL,                  -- its printable page as the county rendered it
  received  TEXT NOT NULL,
  PRIMARY KEY(peer_id, document)
);
CREATE TABLE city_submission(
  id        INTEGER PRIMARY KEY,
  peer_id   INTEGER NOT NULL REFERENCES federation_peer(id),
  ref       TEXT NOT NULL,                  -- the message's object (upward:N, submission:N)
  kind      TEXT NOT NULL,                  -- item | special
  title     TEXT NOT NULL,
  body      TEXT NOT NULL DEFAULT '',
  unit      TEXT NOT NULL DEFAULT '',
  signer    TEXT NOT NULL DEFAULT '',
  sent      TEXT NOT NULL,                  -- county time
  task_id   INTEGER,                        -- the city's 约稿 it answers
  received  TEXT NOT NULL,
  UNIQUE(peer_id, ref)
);
CREATE TABLE city_counters(
  peer_id   INTEGER NOT NULL REFERENCES federation_peer(id),
  period    TEXT NOT NULL,                  -- YYYY-Qn
  counters  TEXT NOT NULL,                  -- JSON object name -> n
  units     INTEGER NOT NULL DEFAULT 0,
  received  TEXT NOT NULL,
  PRIMARY KEY(peer_id, period)
);
CREATE TABLE city_stats(
  peer_id   INTEGER PRIMARY KEY REFERENCES federation_peer(id),
  at        TEXT NOT NULL,                  -- county time of the figures
  hours     TEXT NOT NULL,                  -- JSON array: posts found in each of the last 24 hours, oldest first
  received  TEXT NOT NULL
);
CREATE TABLE city_task(
  id         INTEGER PRIMARY KEY,
  kind       TEXT NOT NULL CHECK(kind IN ('repost','commission')),
  channel    TEXT NOT NULL DEFAULT '',      -- repost: weibo | wechat
  title      TEXT NOT NULL,
  body       TEXT NOT NULL DEFAULT '',
  url        TEXT NOT NULL DEFAULT '',      -- repost: the city's release
  posted     TEXT NOT NULL DEFAULT '',      -- repost: when the city released it
  time_limit TEXT NOT NULL,                 -- calendar rule or "N UNIT"
  due        TEXT NOT NULL,
  due_epoch  INTEGER NOT NULL,
  issued     TEXT NOT NULL,
  issued_by  TEXT NOT NULL
);
CREATE TABLE city_task_peer(
  task_id   INTEGER NOT NULL REFERENCES city_task(id),
  peer_id   INTEGER NOT NULL REFERENCES federation_peer(id),
  done      TEXT,                           -- when the county did it (its clock)
  url       TEXT NOT NULL DEFAULT '',       -- repost: the county's repost
  submission_id INTEGER REFERENCES city_submission(id),  -- 约稿: the item delivering it
  received  TEXT,
  PRIMARY KEY(task_id, peer_id)
);
CREATE TABLE city_bulletin(
  id        INTEGER PRIMARY KEY,
  period    TEXT NOT NULL,
  title     TEXT NOT NULL,
  html      TEXT NOT NULL,
  issued    TEXT NOT NULL,
  issued_by TEXT NOT NULL
);
