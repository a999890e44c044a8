-- 035-factors.sql - an event's score factors kept up to date as each post joins it (issue 18 item
-- 3), so scoring an event reads a few rows instead of aggregating over all of its posts
-- (scripts/analyse/event.tcl: analyse::Join adds a post, analyse::refresh counts from scratch).

-- counted: 1 once the factors below are counted; 0 for the events of a box made before this
-- migration (and rows inserted without them): they are counted from scratch at their next score.
ALTER TABLE event ADD COLUMN counted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE event ADD COLUMN replies INTEGER NOT NULL DEFAULT 0;      -- sums over the posts' latest metrics
ALTER TABLE event ADD COLUMN views INTEGER NOT NULL DEFAULT 0;
ALTER TABLE event ADD COLUMN reposts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE event ADD COLUMN sentiment_n INTEGER NOT NULL DEFAULT 0;   -- posts with a sentiment
ALTER TABLE event ADD COLUMN sentiment_sum REAL NOT NULL DEFAULT 0;    -- their sum, added in post id order
ALTER TABLE event ADD COLUMN sentiment_neg INTEGER NOT NULL DEFAULT 0; -- those at -0.1 or below
ALTER TABLE event ADD COLUMN topic_hits TEXT NOT NULL DEFAULT '';      -- dict 话题 section -> hits
ALTER TABLE event ADD COLUMN samples TEXT NOT NULL DEFAULT '';         -- the growth factor's two points
ALTER TABLE event ADD COLUMN places TEXT NOT NULL DEFAULT '';          -- the 区域 sections its posts name (clustering)

-- event_source: the sources of an event's posts (its tiers and its distinct-source count).
CREATE TABLE event_source(
  event_id  INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,
  source_id INTEGER NOT NULL,
  posts     INTEGER NOT NULL,
  PRIMARY KEY(event_id, source_id)
) WITHOUT ROWID;

-- event_rate: an event's posts by first_seen (posts stored by one patrol share it), for the posts
-- per hour of the spike factor.
CREATE TABLE event_rate(
  event_id   INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,
  first_seen TEXT NOT NULL,
  posts      INTEGER NOT NULL,
  PRIMARY KEY(event_id, first_seen)
) WITHOUT ROWID;
