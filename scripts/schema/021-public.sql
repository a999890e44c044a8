-- 021-public.sql - the public column grows up (issue 14 item 11): full-text search over the
-- replies, the citizens' satisfaction vote on each published reply, and the 舆情反馈 entries the
-- info office records when a unit has answered a forum post under its real name (seed 000 二.4).
-- The pages are scripts/column.tcl and scripts/web/public.tcl.

-- reply_fts: full-text search over each reply's question and text with the CJK bigram tokenizer
-- (src/cjk.c), kept by the triggers below; the column joins it with reply to search only the
-- published ones.
CREATE VIRTUAL TABLE reply_fts USING fts5(question, body, content='reply', content_rowid='id',
                                          tokenize='cjk');
INSERT INTO reply_fts(reply_fts) VALUES('rebuild');
CREATE TRIGGER reply_fts_insert AFTER INSERT ON reply BEGIN
  INSERT INTO reply_fts(rowid, question, body) VALUES(new.id, new.question, new.body);
END;
CREATE TRIGGER reply_fts_delete AFTER DELETE ON reply BEGIN
  INSERT INTO reply_fts(reply_fts, rowid, question, body) VALUES('delete', old.id, old.question, old.body);
END;
CREATE TRIGGER reply_fts_update AFTER UPDATE OF question, body ON reply BEGIN
  INSERT INTO reply_fts(reply_fts, rowid, question, body) VALUES('delete', old.id, old.question, old.body);
  INSERT INTO reply_fts(rowid, question, body) VALUES(new.id, new.question, new.body);
END;

-- reply_vote: one citizen's satisfaction with one published reply (满意 satisfied, 基本满意
-- basic, 不满意 unsatisfied). A browser votes once per reply: voter is a keyed hash of the random
-- cookie the browser was given, client a keyed hash of its address and user agent, and either one
-- already present refuses the vote. addr (a keyed hash of the address alone) bounds the votes of
-- one address per hour. No address is stored in the clear.
CREATE TABLE reply_vote(
  id       INTEGER PRIMARY KEY,
  reply_id INTEGER NOT NULL REFERENCES reply(id),
  choice   TEXT NOT NULL CHECK(choice IN ('satisfied','basic','unsatisfied')),
  voter    TEXT NOT NULL,
  client   TEXT NOT NULL,
  addr     TEXT NOT NULL,
  at       TEXT NOT NULL,
  UNIQUE(reply_id, voter),
  UNIQUE(reply_id, client)
);
CREATE INDEX reply_vote_addr ON reply_vote(addr, at);
CREATE INDEX reply_vote_at ON reply_vote(at);

-- feedback: a unit's follow-up reply in the forum where the question was posted (实名跟帖回复),
-- recorded by the info office (`event feedback ID URL TEXT`) and published in 舆情反馈.
CREATE TABLE feedback(
  id          INTEGER PRIMARY KEY,
  event_id    INTEGER NOT NULL REFERENCES event(id),
  unit_id     INTEGER NOT NULL REFERENCES unit(id),
  url         TEXT NOT NULL,              -- the unit's reply in the forum (http or https)
  body        TEXT NOT NULL,              -- what the unit replied
  recorded_by TEXT NOT NULL,              -- login of the person who recorded it
  recorded_at TEXT NOT NULL
);
CREATE INDEX feedback_event ON feedback(event_id);
CREATE INDEX feedback_recorded ON feedback(recorded_at);
