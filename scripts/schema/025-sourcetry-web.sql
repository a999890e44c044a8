-- 025-sourcetry-web.sql - a source in one URL on the web (issue 15 part 2): the queue of pasted list
-- page URLs. A web worker never fetches: POST /source-try stores a row here (queued) and answers at
-- once; the background interpreter's job `sourcetry` (scripts/crawl/sourcetry.tcl) runs
-- crawl::try::run on it through the patrol's own fetch path (politeness, robots.txt, SSRF rules),
-- and stores the result or the reason it failed; /source-try/ID shows it. Rows older than a day are
-- removed by the same job.
CREATE TABLE source_try(
  id       INTEGER PRIMARY KEY,
  user_id  INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,  -- who pasted it
  parent   INTEGER REFERENCES source_try(id) ON DELETE SET NULL,    -- the try whose rules were edited
  url      TEXT NOT NULL,                 -- the list page URL as typed
  edits    TEXT NOT NULL DEFAULT '',      -- the admin's rule changes (Tcl dict; "" value = removed)
  opts     TEXT NOT NULL DEFAULT '',      -- fetch options (Tcl dict: proxy)
  state    TEXT NOT NULL DEFAULT 'queued' CHECK(state IN ('queued','running','done','failed')),
  result   TEXT NOT NULL DEFAULT '',      -- done: the preview (Tcl dict, crawl::try::Keep)
  error    TEXT NOT NULL DEFAULT '',      -- failed: why, in Chinese
  saved    TEXT NOT NULL DEFAULT '',      -- the name of the source saved from it
  created  TEXT NOT NULL,
  finished TEXT
);
CREATE INDEX source_try_pending ON source_try(state) WHERE state IN ('queued','running');
CREATE INDEX source_try_user ON source_try(user_id, id);
CREATE INDEX source_try_created ON source_try(created);
