-- 006-workflow.sql - the life of an event (RULES.md): its timeline, deadlines, judgements,
-- investigation, replies, leaders' instructions, the notification queue and numbered documents.
-- The state machine that writes these tables is declared in scripts/workflow/states.tcl. The
-- quarterly assessment (assessment.tcl) reads event_step(unit_id, at, action, overdue),
-- deadline(unit_id, rule, due_epoch, met_at, breached_at) and instruction(unit_id, due_epoch, done_at).

-- what the workflow keeps on the event itself
ALTER TABLE event ADD COLUMN attention INTEGER NOT NULL DEFAULT 0;   -- 1: high attention (reviewed by the info office)
ALTER TABLE event ADD COLUMN legacy INTEGER NOT NULL DEFAULT 0;      -- 1: long-standing matter (历史遗留)
ALTER TABLE event ADD COLUMN police TEXT NOT NULL DEFAULT '';        -- rumour referred to police: when and why
ALTER TABLE event ADD COLUMN handler TEXT NOT NULL DEFAULT '';       -- the unit's handler: name and contact
CREATE INDEX event_state ON event(state);

-- event_step: the timeline; one row per transition, written with its audit entry.
CREATE TABLE event_step(
  id         INTEGER PRIMARY KEY,
  event_id   INTEGER NOT NULL REFERENCES event(id),
  at         TEXT NOT NULL,
  action     TEXT NOT NULL,               -- the transition: claim, assign, judge, ... or deadline.warning/breach
  from_state TEXT NOT NULL,
  to_state   TEXT NOT NULL,
  login      TEXT NOT NULL,
  role       TEXT NOT NULL DEFAULT '',
  unit       TEXT NOT NULL DEFAULT '',
  origin     TEXT NOT NULL,
  unit_id    INTEGER REFERENCES unit(id), -- the owning unit after the step
  note       TEXT NOT NULL DEFAULT '',    -- reason, text, summary
  overdue    INTEGER NOT NULL DEFAULT 0,  -- claim/assign after the claim window (counted against the unit)
  audit_id   INTEGER NOT NULL             -- the audit entry written with it
);
CREATE INDEX event_step_event ON event_step(event_id, id);

-- claim: who took on an event and how (the quarterly assessment counts these).
CREATE TABLE claim(
  id       INTEGER PRIMARY KEY,
  event_id INTEGER NOT NULL REFERENCES event(id),
  unit_id  INTEGER NOT NULL REFERENCES unit(id),
  mode     TEXT NOT NULL CHECK(mode IN ('claimed','assigned','auto','rerouted')),
  overdue  INTEGER NOT NULL DEFAULT 0,    -- 1: the claim window had passed (counted against the unit)
  late_unit INTEGER REFERENCES unit(id),  -- the unit the overdue claim counts against (suggested unit)
  at       TEXT NOT NULL,
  login    TEXT NOT NULL,
  ended    TEXT,                          -- handed back at
  reason   TEXT NOT NULL DEFAULT ''       -- hand-back reason
);
CREATE INDEX claim_event ON claim(event_id);
CREATE INDEX claim_unit ON claim(unit_id, at);

-- deadline: every time limit running on an event or an instruction, with the rule that set it.
CREATE TABLE deadline(
  id             INTEGER PRIMARY KEY,
  event_id       INTEGER NOT NULL REFERENCES event(id),
  instruction_id INTEGER REFERENCES instruction(id),
  rule           TEXT NOT NULL,           -- calendar rule name, or "N UNIT" for a leader's due date
  title          TEXT NOT NULL,           -- what must be done (Chinese)
  unit_id        INTEGER REFERENCES unit(id),   -- the unit responsible (NULL: the info office)
  start          TEXT NOT NULL,
  due            TEXT NOT NULL,           -- as calendar::due writes it (24:00 convention)
  due_epoch      INTEGER NOT NULL,
  warn_at        TEXT NOT NULL,
  warn_epoch     INTEGER NOT NULL,
  allowed        TEXT NOT NULL,           -- e.g. "5 个工作日"
  extended       INTEGER NOT NULL DEFAULT 0,
  reason         TEXT NOT NULL DEFAULT '',
  state          TEXT NOT NULL DEFAULT 'open' CHECK(state IN ('open','done','cancelled')),
  warned_at      TEXT,                    -- the 70 % warning was recorded (once)
  breached_at    TEXT,                    -- the breach was recorded (once)
  met_at         TEXT,                    -- the duty was done (state done)
  stopped_at     TEXT,                    -- done or cancelled at
  stopped_by     TEXT NOT NULL DEFAULT '' -- the transition that stopped it
);
CREATE INDEX deadline_open ON deadline(state, warn_epoch);
CREATE INDEX deadline_event ON deadline(event_id);

-- judgement: 研判: the risk level confirmed or changed with a reason; 会商 record for major cases.
CREATE TABLE judgement(
  id            INTEGER PRIMARY KEY,
  event_id      INTEGER NOT NULL REFERENCES event(id),
  at            TEXT NOT NULL,
  login         TEXT NOT NULL,
  old_level     TEXT NOT NULL,
  level         TEXT NOT NULL CHECK(level IN ('一般','较大','重大','特别重大')),
  reason        TEXT NOT NULL,
  plan          TEXT NOT NULL DEFAULT '',   -- response plan (处置预案)
  consultation  TEXT NOT NULL DEFAULT '',   -- 会商: participants and conclusion (required for 重大/特别重大)
  attention     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX judgement_event ON judgement(event_id);

-- investigation: the unit's 核实调查 and its report; one extension request at most.
CREATE TABLE investigation(
  id            INTEGER PRIMARY KEY,
  event_id      INTEGER NOT NULL REFERENCES event(id),
  unit_id       INTEGER NOT NULL REFERENCES unit(id),
  handler       TEXT NOT NULL DEFAULT '',  -- name of the person handling it
  contact       TEXT NOT NULL DEFAULT '',  -- phone or other contact
  started       TEXT NOT NULL,
  report        TEXT NOT NULL DEFAULT '',  -- 核实调查报告 text
  reported_at   TEXT,
  reported_by   TEXT NOT NULL DEFAULT '',
  ext_days      INTEGER NOT NULL DEFAULT 0,
  ext_reason    TEXT NOT NULL DEFAULT '',
  ext_state     TEXT NOT NULL DEFAULT '' CHECK(ext_state IN ('','requested','approved','refused')),
  ext_at        TEXT,
  ext_decided_by TEXT NOT NULL DEFAULT '',
  ext_decided_at TEXT,
  ext_note      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX investigation_event ON investigation(event_id);

-- reply: the official reply (the public 网络新闻发言人 column shows state 'published').
CREATE TABLE reply(
  id           INTEGER PRIMARY KEY,
  event_id     INTEGER NOT NULL REFERENCES event(id),
  unit_id      INTEGER NOT NULL REFERENCES unit(id),
  state        TEXT NOT NULL DEFAULT 'draft' CHECK(state IN ('draft','approved','reviewed','published','withdrawn')),
  question     TEXT NOT NULL,               -- the question in brief
  body         TEXT NOT NULL,
  author       TEXT NOT NULL,
  created      TEXT NOT NULL,
  updated      TEXT NOT NULL,
  approved_by  TEXT NOT NULL DEFAULT '',
  approved_at  TEXT,
  reviewed_by  TEXT NOT NULL DEFAULT '',
  reviewed_at  TEXT,
  published_at TEXT,
  original_url TEXT NOT NULL DEFAULT ''     -- link to the original post
);
CREATE INDEX reply_event ON reply(event_id);
CREATE INDEX reply_published ON reply(state, published_at);

-- instruction: a leader's 批示 on an event, tracked as a task with its own due date.
CREATE TABLE instruction(
  id        INTEGER PRIMARY KEY,
  event_id  INTEGER NOT NULL REFERENCES event(id),
  unit_id   INTEGER REFERENCES unit(id), -- the unit owning the event when it was given
  leader    TEXT NOT NULL,
  text      TEXT NOT NULL,
  at        TEXT NOT NULL,
  due       TEXT NOT NULL,
  due_epoch INTEGER NOT NULL,
  state     TEXT NOT NULL DEFAULT 'open' CHECK(state IN ('open','done')),
  result    TEXT NOT NULL DEFAULT '',
  done_at   TEXT,
  done_by   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX instruction_event ON instruction(event_id);

-- notification: the outgoing queue (mail and webhooks); retried until sent, never dropped.
CREATE TABLE notification(
  id         INTEGER PRIMARY KEY,
  event_id   INTEGER REFERENCES event(id),
  kind       TEXT NOT NULL,               -- the transition or deadline.warning / deadline.breach
  channel    TEXT NOT NULL CHECK(channel IN ('email','webhook')),
  target     TEXT NOT NULL,               -- an e-mail address, or a webhook name
  subject    TEXT NOT NULL,
  body       TEXT NOT NULL,
  created    TEXT NOT NULL,
  state      TEXT NOT NULL DEFAULT 'queued' CHECK(state IN ('queued','sent')),
  attempts   INTEGER NOT NULL DEFAULT 0,
  next_try   INTEGER NOT NULL DEFAULT 0,  -- epoch seconds
  last_error TEXT NOT NULL DEFAULT '',
  sent_at    TEXT
);
CREATE INDEX notification_queue ON notification(state, next_try);

-- document: numbered documents (专报, 调查报告, 日报, 周报): number unique per kind and year.
CREATE TABLE document(
  id        INTEGER PRIMARY KEY,
  kind      TEXT NOT NULL CHECK(kind IN ('专报','调查报告','日报','周报')),
  year      INTEGER NOT NULL,
  number    INTEGER NOT NULL,
  event_id  INTEGER REFERENCES event(id),
  title     TEXT NOT NULL,
  created   TEXT NOT NULL,
  login     TEXT NOT NULL,
  body      TEXT NOT NULL,                -- the printable HTML
  UNIQUE(kind, year, number)
);
CREATE INDEX document_event ON document(event_id);
