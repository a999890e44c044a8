-- 004-crawl.sql - the patrol: sources, what was fetched, posts with their metrics over time.

-- source: a site, feed or API to patrol (defined in appliance.conf or from the console).
CREATE TABLE source(
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,          -- identifier in the console and the config
  title      TEXT NOT NULL DEFAULT '',      -- display name
  type       TEXT NOT NULL CHECK(type IN ('feed','html','json','sitemap')),
  url        TEXT NOT NULL,
  tier       TEXT NOT NULL CHECK(tier IN ('central','portal','local','forum','government')),
  rules      TEXT NOT NULL DEFAULT '',      -- type-specific rules, a Tcl dict (scripts/crawl/*.tcl)
  headers    TEXT NOT NULL DEFAULT '',      -- extra request headers, a Tcl dict
  cookies    TEXT NOT NULL DEFAULT '',
  proxy      TEXT NOT NULL DEFAULT '',
  internal   INTEGER NOT NULL DEFAULT 0,    -- may be on a private address (intranet, fixtures)
  robots     INTEGER NOT NULL DEFAULT 1,    -- 0: explicitly exempted from robots.txt
  interval   INTEGER NOT NULL DEFAULT 0,    -- minutes between patrols; 0 = the patrol schedule
  enabled    INTEGER NOT NULL DEFAULT 1,
  origin     TEXT NOT NULL DEFAULT 'console', -- config, console, web, opml
  created    TEXT NOT NULL,
  updated    TEXT NOT NULL,
  -- health
  state      TEXT NOT NULL DEFAULT 'ok' CHECK(state IN ('ok','flagged','paused')),
  failures   REAL NOT NULL DEFAULT 0,       -- weighted consecutive failures
  reason     TEXT NOT NULL DEFAULT '',      -- why it is flagged or paused
  last_fetch TEXT,
  last_ok    TEXT,
  last_new   TEXT,                          -- when it last yielded a new post
  last_items INTEGER,
  yielded    INTEGER NOT NULL DEFAULT 0,    -- its rules have yielded items before
  next_due   TEXT
);

-- page: conditional-GET memory for every URL fetched (list pages, feeds, robots.txt).
CREATE TABLE page(
  url           TEXT PRIMARY KEY,
  etag          TEXT NOT NULL DEFAULT '',
  last_modified TEXT NOT NULL DEFAULT '',
  sha256        TEXT NOT NULL DEFAULT '',
  body          BLOB,                       -- kept for robots.txt only
  fetched       TEXT NOT NULL,
  status        INTEGER NOT NULL DEFAULT 0
);

-- fetch: one HTTP exchange of a patrol (the patrol log; pruned after fetch_log_days).
CREATE TABLE fetch(
  id        INTEGER PRIMARY KEY,
  source_id INTEGER REFERENCES source(id) ON DELETE CASCADE,
  url       TEXT NOT NULL,
  at        TEXT NOT NULL,
  status    INTEGER NOT NULL DEFAULT 0,
  kind      TEXT NOT NULL DEFAULT '',       -- '' or the failure class (timeout, dns, blocked, ...)
  note      TEXT NOT NULL DEFAULT '',       -- unchanged, robots, parse error, n items ...
  bytes     INTEGER NOT NULL DEFAULT 0,
  ms        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX fetch_source ON fetch(source_id, at);

-- post: one item found by a patrol (canonical URL unique: the same content is stored once).
CREATE TABLE post(
  id           INTEGER PRIMARY KEY,
  source_id    INTEGER NOT NULL REFERENCES source(id),
  url          TEXT NOT NULL UNIQUE,
  title        TEXT NOT NULL DEFAULT '',
  body         TEXT NOT NULL DEFAULT '',
  author       TEXT NOT NULL DEFAULT '',
  published    TEXT NOT NULL DEFAULT '',    -- ISO 8601 +08:00, '' when unknown
  first_seen   TEXT NOT NULL,
  last_seen    TEXT NOT NULL,
  content_hash TEXT NOT NULL,               -- sha256 of title and body
  replies      INTEGER,                     -- the latest sample of the reaction metrics
  views        INTEGER,
  reposts      INTEGER,
  sample_until TEXT NOT NULL                -- metrics are re-sampled on visits until then
);
CREATE INDEX post_source ON post(source_id, first_seen);
CREATE INDEX post_first_seen ON post(first_seen);

-- post_metric: the reaction metrics of a post each time a patrol saw them.
CREATE TABLE post_metric(
  post_id INTEGER NOT NULL REFERENCES post(id) ON DELETE CASCADE,
  at      TEXT NOT NULL,
  replies INTEGER,
  views   INTEGER,
  reposts INTEGER,
  PRIMARY KEY(post_id, at)
);

-- post_fts: full-text search over title and body with the CJK bigram tokenizer (src/cjk.c).
CREATE VIRTUAL TABLE post_fts USING fts5(title, body, content='post', content_rowid='id',
                                         tokenize='cjk');
CREATE TRIGGER post_fts_insert AFTER INSERT ON post BEGIN
  INSERT INTO post_fts(rowid, title, body) VALUES(new.id, new.title, new.body);
END;
CREATE TRIGGER post_fts_delete AFTER DELETE ON post BEGIN
  INSERT INTO post_fts(post_fts, rowid, title, body) VALUES('delete', old.id, old.title, old.body);
END;
CREATE TRIGGER post_fts_update AFTER UPDATE OF title, body ON post BEGIN
  INSERT INTO post_fts(post_fts, rowid, title, body) VALUES('delete', old.id, old.title, old.body);
  INSERT INTO post_fts(rowid, title, body) VALUES(new.id, new.title, new.body);
END;

-- alert: something an administrator should look at (a source flagged or paused, ...).
CREATE TABLE alert(
  id      INTEGER PRIMARY KEY,
  at      TEXT NOT NULL,
  kind    TEXT NOT NULL,                    -- source.flagged, source.paused, ...
  object  TEXT NOT NULL,                    -- e.g. source:3
  message TEXT NOT NULL,
  acked   TEXT                              -- when an administrator acknowledged it
);
