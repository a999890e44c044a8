-- 018-sourcetype.sql - source.type loses its CHECK: the source types register themselves
-- (crawl::type in scripts/crawl/*.tcl) and crawl::checkSource validates against that registry, so
-- a new type needs no schema change. SQLite cannot drop a CHECK in place: the table is rebuilt
-- (https://sqlite.org/lang_altertable.html#otheralter) with the same columns in the same order,
-- its rows and ids copied. db::migrate runs migrations with foreign keys off and checks them before
-- commit, so dropping the old table neither cascades into fetch nor breaks post's references, which
-- name `source` and so point at the new table. The source table has no index of its own besides
-- its UNIQUE name (recreated with the table), no trigger and no view.
CREATE TABLE source_new(
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,          -- identifier in the console and the config
  title      TEXT NOT NULL DEFAULT '',      -- display name
  type       TEXT NOT NULL,                 -- a registered source type (crawl::type)
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
  next_due   TEXT,
  made       TEXT NOT NULL DEFAULT 'by hand' -- proposed, proposed+edited or by hand (015)
);
INSERT INTO source_new(id, name, title, type, url, tier, rules, headers, cookies, proxy, internal,
                       robots, interval, enabled, origin, created, updated, state, failures, reason,
                       last_fetch, last_ok, last_new, last_items, yielded, next_due, made)
  SELECT id, name, title, type, url, tier, rules, headers, cookies, proxy, internal,
         robots, interval, enabled, origin, created, updated, state, failures, reason,
         last_fetch, last_ok, last_new, last_items, yielded, next_due, made FROM source;
DROP TABLE source;
ALTER TABLE source_new RENAME TO source;
