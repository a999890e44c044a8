-- 014-review.sql - approving with open eyes: every version of a reply draft is kept (so whoever
-- approves, reviews or publishes sees what changed since the last version), and a draft sent back
-- for revision (退回修改) keeps who sent it back, when and why.

-- reply_version: a reply's text each time the handler wrote or revised it (n = 1, 2, ...).
CREATE TABLE reply_version(
  id       INTEGER PRIMARY KEY,
  reply_id INTEGER NOT NULL REFERENCES reply(id),
  n        INTEGER NOT NULL,
  question TEXT NOT NULL,
  body     TEXT NOT NULL,
  author   TEXT NOT NULL,
  at       TEXT NOT NULL,
  UNIQUE(reply_id, n)
);

-- reply_return: a draft sent back for revision, with the comment the drafter reads.
CREATE TABLE reply_return(
  id       INTEGER PRIMARY KEY,
  reply_id INTEGER NOT NULL REFERENCES reply(id),
  version  INTEGER NOT NULL,                -- the version that was sent back
  login    TEXT NOT NULL,
  role     TEXT NOT NULL DEFAULT '',
  at       TEXT NOT NULL,
  comment  TEXT NOT NULL
);
CREATE INDEX reply_return_reply ON reply_return(reply_id);

-- the replies drafted before this migration: their text as version 1
INSERT INTO reply_version(reply_id, n, question, body, author, at)
  SELECT id, 1, question, body, author, updated FROM reply;
