-- 039-fts-merge.sql - post_fts merges its index segments 8 at a time instead of FTS5's default 4
-- (issue 18 item 2: ingest with FTS). Each Chinese post makes ~160 bigram tokens, and every merge
-- rewrites their position lists: merging 8 segments at a time rewrites each token about half as
-- often, which took ~12 % off the CPU of storing a post (bench/crawl.sh), while a search reads a
-- few more segments (the same query times at 20,000 posts). The table and its tokens are
-- unchanged, so search results are the same; the setting is kept in post_fts_config.
INSERT INTO post_fts(post_fts, rank) VALUES('automerge', 8);
