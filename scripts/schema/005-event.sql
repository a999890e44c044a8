-- 005-event.sql - 研判: what the analysis keeps of a post, and events (一事一报) with their scores.

-- event: posts about one matter. state is the workflow state (scripts/workflow/).
CREATE TABLE event(
  id             INTEGER PRIMARY KEY,
  title          TEXT NOT NULL,
  state          TEXT NOT NULL DEFAULT 'detected',
  unit_id        INTEGER REFERENCES unit(id),   -- owning unit once claimed or assigned
  suggested_unit TEXT NOT NULL DEFAULT '',       -- routing's suggestion (a unit name)
  route_reason   TEXT NOT NULL DEFAULT '',
  score          REAL NOT NULL DEFAULT 0,
  level          TEXT NOT NULL DEFAULT '一般' CHECK(level IN ('一般','较大','重大','特别重大')),
  reasons        TEXT NOT NULL DEFAULT '',       -- the score's factors: {{FACTOR POINTS TEXT} ...}
  terms          TEXT NOT NULL DEFAULT '',       -- region and topic terms of its posts (for clustering)
  posts          INTEGER NOT NULL DEFAULT 0,
  sources        INTEGER NOT NULL DEFAULT 0,
  first_seen     TEXT NOT NULL,
  last_post      TEXT NOT NULL,
  created        TEXT NOT NULL,
  updated        TEXT NOT NULL
);
CREATE INDEX event_last_post ON event(last_post);
CREATE INDEX event_level ON event(level, state);

ALTER TABLE post ADD COLUMN relevant INTEGER;       -- NULL not analysed yet, 0 no, 1 yes
ALTER TABLE post ADD COLUMN rules TEXT NOT NULL DEFAULT '';     -- relevance rules that matched
ALTER TABLE post ADD COLUMN simhash TEXT NOT NULL DEFAULT '';
ALTER TABLE post ADD COLUMN sentiment REAL;
ALTER TABLE post ADD COLUMN event_id INTEGER REFERENCES event(id);
CREATE INDEX post_event ON post(event_id);

-- post_term: every term the rules' lists found in a post, for highlighting and clustering.
CREATE TABLE post_term(
  post_id  INTEGER NOT NULL REFERENCES post(id) ON DELETE CASCADE,
  list     TEXT NOT NULL,         -- 区域, 话题, ... or literal
  section  TEXT NOT NULL,         -- the category or place the term belongs to
  term     TEXT NOT NULL,
  start    INTEGER NOT NULL,      -- character offsets in title + "\n" + body
  end      INTEGER NOT NULL
);
CREATE INDEX post_term_post ON post_term(post_id);

-- event_score: every (re)score of an event, with its reasons (the history shown with the level).
CREATE TABLE event_score(
  event_id INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,
  at       TEXT NOT NULL,
  score    REAL NOT NULL,
  level    TEXT NOT NULL,
  reasons  TEXT NOT NULL,
  cause    TEXT NOT NULL          -- new post, new metric sample, merge, split, rescore
);
CREATE INDEX event_score_event ON event_score(event_id, at);
