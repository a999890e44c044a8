-- 039-fts-merge.sql - storing posts with full-text search at the speed issue 18 item 2 asks for.
--
-- FTS5 writes its pending terms to disk as a new index segment at every savepoint of a transaction
-- that has written the index, and SQLite opens a savepoint for every statement that may abort:
-- every INSERT INTO post (its post_fts_insert trigger writes a virtual table). A patrol storing
-- 500 posts in one transaction therefore wrote 500 one-post segments of ~160 CJK bigrams each and
-- spent most of its time merging them (~75 of ~98 µs per post). crawl::store now sets
-- post_fts_defer.deferred to 1 inside its transaction, so that the trigger leaves its posts out,
-- indexes all of them with one INSERT ... SELECT at the end and sets the flag back before the
-- commit: one segment per batch. Other writers (and other connections, which never see the flag
-- set) keep the trigger. The index and its tokens are unchanged, so search results are the same.
--
-- The index also merges 8 segments at a time instead of FTS5's default 4: every merge rewrites
-- the position lists of all its tokens, and merging 8 at a time rewrites each about half as often.
CREATE TABLE post_fts_defer(
  deferred INTEGER NOT NULL CHECK (deferred IN (0, 1))   -- 1 only inside crawl::store's transaction
);
INSERT INTO post_fts_defer(deferred) VALUES(0);
DROP TRIGGER post_fts_insert;
CREATE TRIGGER post_fts_insert AFTER INSERT ON post
WHEN (SELECT deferred FROM post_fts_defer) = 0 BEGIN
  INSERT INTO post_fts(rowid, title, body) VALUES(new.id, new.title, new.body);
END;
INSERT INTO post_fts(post_fts, rank) VALUES('automerge', 8);
