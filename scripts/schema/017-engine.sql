-- 017-engine.sql - one engine for every guarded process (issue 16 part 3): disclosure requests,
-- government-information submissions and 约稿 commissions run on the event workflow's engine
-- (scripts/workflow/states.tcl). Their time limits move into the one deadline table, their
-- timelines into process_step, and a duplicate request or item can be withdrawn.

-- deadline: rebuilt so that a row belongs to exactly one owner: an event (with instruction_id for a
-- leader's 批示 on it), a disclosure request, or a commission (one row per unit asked, unit_id).
-- due, due_epoch, warn_at and warn_epoch are empty while a pause (a request's consultation) runs.
CREATE TABLE deadline_new(
  id             INTEGER PRIMARY KEY,
  event_id       INTEGER REFERENCES event(id),
  instruction_id INTEGER REFERENCES instruction(id),
  request_id     INTEGER REFERENCES request(id),
  commission_id  INTEGER REFERENCES commission(id),
  rule           TEXT NOT NULL,           -- calendar rule name, or "N UNIT" for a given due date
  title          TEXT NOT NULL,           -- what must be done (Chinese)
  unit_id        INTEGER REFERENCES unit(id),   -- the unit responsible (NULL: the info office)
  start          TEXT NOT NULL,
  due            TEXT NOT NULL,           -- as calendar::due writes it (24:00 convention); '' while paused
  due_epoch      INTEGER,                 -- NULL while paused
  warn_at        TEXT NOT NULL,
  warn_epoch     INTEGER,
  allowed        TEXT NOT NULL,           -- e.g. "5 个工作日"
  extended       INTEGER NOT NULL DEFAULT 0,
  reason         TEXT NOT NULL DEFAULT '',
  state          TEXT NOT NULL DEFAULT 'open' CHECK(state IN ('open','done','cancelled')),
  warned_at      TEXT,                    -- the 70 % warning was recorded (once)
  breached_at    TEXT,                    -- the breach was recorded (once)
  met_at         TEXT,                    -- the duty was done (state done)
  stopped_at     TEXT,                    -- done or cancelled at
  stopped_by     TEXT NOT NULL DEFAULT '', -- the transition that stopped it
  provisional    TEXT NOT NULL DEFAULT '',
  optional       INTEGER NOT NULL DEFAULT 0,
  CHECK((event_id IS NOT NULL) + (request_id IS NOT NULL) + (commission_id IS NOT NULL) = 1),
  CHECK(instruction_id IS NULL OR event_id IS NOT NULL)
);
INSERT INTO deadline_new(id, event_id, instruction_id, rule, title, unit_id, start, due, due_epoch, warn_at,
                         warn_epoch, allowed, extended, reason, state, warned_at, breached_at, met_at,
                         stopped_at, stopped_by, provisional, optional)
  SELECT id, event_id, instruction_id, rule, title, unit_id, start, due, due_epoch, warn_at, warn_epoch,
         allowed, extended, reason, state, warned_at, breached_at, met_at, stopped_at, stopped_by,
         provisional, optional FROM deadline;
-- a request's answer deadline (rule request_answer); its warning time is filled in by the clock's
-- first tick (workflow::deadline::refresh: warn_at '' marks a row to compute)
INSERT INTO deadline_new(request_id, rule, title, start, due, due_epoch, warn_at, allowed, extended, reason,
                         state, met_at, stopped_at, stopped_by, provisional)
  SELECT id, 'request_answer', '答复政府信息公开申请', received, due, due_epoch, '', '20 个工作日', extension,
         ext_reason, CASE WHEN state = 'registered' THEN 'open' ELSE 'done' END, answered, answered,
         CASE WHEN state = 'registered' THEN '' ELSE 'answer' END, due_provisional FROM request;
-- each unit's deadline of a commission
INSERT INTO deadline_new(commission_id, rule, title, unit_id, start, due, due_epoch, warn_at, allowed, state,
                         met_at, stopped_at, stopped_by)
  SELECT u.commission_id, u.time_limit, '报送约稿：' || c.title, u.unit_id, c.issued, u.due, u.due_epoch, '',
         u.time_limit, CASE WHEN u.delivered IS NULL THEN 'open' ELSE 'done' END, u.delivered, u.delivered,
         CASE WHEN u.delivered IS NULL THEN '' ELSE 'send' END
  FROM commission_unit u JOIN commission c ON c.id = u.commission_id;
DROP TABLE deadline;
ALTER TABLE deadline_new RENAME TO deadline;
CREATE INDEX deadline_open ON deadline(state, warn_epoch);
CREATE INDEX deadline_event ON deadline(event_id);
CREATE INDEX deadline_request ON deadline(request_id);
CREATE INDEX deadline_commission ON deadline(commission_id, unit_id);

-- process_step: the timeline of a request, a submission or a commission: one row per transition
-- fired on it (and per warning, breach or recomputation of its deadlines), like event_step.
CREATE TABLE process_step(
  id         INTEGER PRIMARY KEY,
  process    TEXT NOT NULL CHECK(process IN ('request','submission','commission')),
  object_id  INTEGER NOT NULL,
  at         TEXT NOT NULL,
  action     TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state   TEXT NOT NULL,
  login      TEXT NOT NULL,
  role       TEXT NOT NULL DEFAULT '',
  unit       TEXT NOT NULL DEFAULT '',
  origin     TEXT NOT NULL,
  unit_id    INTEGER REFERENCES unit(id),
  note       TEXT NOT NULL DEFAULT '',
  audit_id   INTEGER NOT NULL
);
CREATE INDEX process_step_object ON process_step(process, object_id, id);

-- request: state 'withdrawn' (a duplicate registration withdrawn by the office; it counts neither
-- as a new application nor as pending). The table is rebuilt for the CHECK.
CREATE TABLE request_new(
  id            INTEGER PRIMARY KEY,
  number        TEXT NOT NULL UNIQUE,
  secret_hash   TEXT NOT NULL,
  channel       TEXT NOT NULL CHECK(channel IN ('online','letter','fax','visit','email')),
  oral          INTEGER NOT NULL DEFAULT 0,
  applicant_kind TEXT NOT NULL CHECK(applicant_kind IN ('person','organisation')),
  name          TEXT NOT NULL,
  id_type       TEXT NOT NULL,
  id_number     TEXT NOT NULL,
  address       TEXT NOT NULL DEFAULT '',
  phone         TEXT NOT NULL DEFAULT '',
  email         TEXT NOT NULL DEFAULT '',
  description   TEXT NOT NULL,
  purpose       TEXT NOT NULL,
  form          TEXT NOT NULL,
  delivery      TEXT NOT NULL DEFAULT '',
  signature     TEXT NOT NULL,
  applied       TEXT NOT NULL,
  received      TEXT NOT NULL,
  registered_by TEXT NOT NULL,
  peer          TEXT NOT NULL DEFAULT '',
  state         TEXT NOT NULL DEFAULT 'registered'
                CHECK(state IN ('registered','answered','archived','withdrawn')),
  identity      TEXT NOT NULL DEFAULT '' CHECK(identity IN ('','verified','failed')),
  identity_note TEXT NOT NULL DEFAULT '',
  identity_by   TEXT NOT NULL DEFAULT '',
  identity_at   TEXT,
  repeat_of     INTEGER REFERENCES request(id),
  due           TEXT NOT NULL DEFAULT '',    -- the engine's copy of the request_answer deadline
  due_epoch     INTEGER,
  extension     INTEGER NOT NULL DEFAULT 0,
  ext_reason    TEXT NOT NULL DEFAULT '',
  ext_approver  TEXT NOT NULL DEFAULT '',
  ext_told      TEXT NOT NULL DEFAULT '',
  ext_at        TEXT,
  answer        TEXT NOT NULL DEFAULT '' CHECK(answer IN ('','public','disclose','withhold',
                  'none','elsewhere','repeat','special')),
  answer_detail TEXT NOT NULL DEFAULT '',
  answer_text   TEXT NOT NULL DEFAULT '',
  answered      TEXT,
  answered_by   TEXT NOT NULL DEFAULT '',
  on_time       INTEGER,
  letter_no     TEXT NOT NULL DEFAULT '',
  fee           REAL NOT NULL DEFAULT 0,
  fee_reason    TEXT NOT NULL DEFAULT '',
  waived        INTEGER NOT NULL DEFAULT 0,
  waiver_by     TEXT NOT NULL DEFAULT '',
  archived      TEXT,
  updated       TEXT NOT NULL,
  due_provisional TEXT NOT NULL DEFAULT ''
);
INSERT INTO request_new SELECT id, number, secret_hash, channel, oral, applicant_kind, name, id_type, id_number,
  address, phone, email, description, purpose, form, delivery, signature, applied, received, registered_by,
  peer, state, identity, identity_note, identity_by, identity_at, repeat_of, due, due_epoch, extension,
  ext_reason, ext_approver, ext_told, ext_at, answer, answer_detail, answer_text, answered, answered_by,
  on_time, letter_no, fee, fee_reason, waived, waiver_by, archived, updated, due_provisional FROM request;
DROP TABLE request;
ALTER TABLE request_new RENAME TO request;
CREATE INDEX request_received ON request(received);
CREATE INDEX request_applicant ON request(id_number);
CREATE INDEX request_peer ON request(peer, received);

-- submission: state 'withdrawn' (the unit withdrew its item, e.g. one written or sent twice; it
-- no longer counts toward the quota). Rebuilt for the CHECK.
CREATE TABLE submission_new(
  id            INTEGER PRIMARY KEY,
  unit_id       INTEGER NOT NULL REFERENCES unit(id),
  author        TEXT NOT NULL,
  title         TEXT NOT NULL,
  body          TEXT NOT NULL,
  original      TEXT NOT NULL DEFAULT '',
  state         TEXT NOT NULL DEFAULT 'draft'
                CHECK(state IN ('draft','signed','sent','adopted','rejected','withdrawn')),
  signer        TEXT NOT NULL DEFAULT '',
  signer_name   TEXT NOT NULL DEFAULT '',
  signed        TEXT,
  sent          TEXT,
  screened_by   TEXT NOT NULL DEFAULT '',
  screened      TEXT,
  reason        TEXT NOT NULL DEFAULT '',    -- why it was rejected, or withdrawn
  commission_id INTEGER REFERENCES commission(id),
  created       TEXT NOT NULL,
  updated       TEXT NOT NULL
);
INSERT INTO submission_new SELECT id, unit_id, author, title, body, original, state, signer, signer_name, signed,
  sent, screened_by, screened, reason, commission_id, created, updated FROM submission;
DROP TABLE submission;
ALTER TABLE submission_new RENAME TO submission;
CREATE INDEX submission_unit ON submission(unit_id, sent);
CREATE INDEX submission_sent ON submission(sent);

-- commission: a row of the engine's commission process (state, updated like the others' rows)
ALTER TABLE commission ADD COLUMN state TEXT NOT NULL DEFAULT 'issued' CHECK(state IN ('issued'));
ALTER TABLE commission ADD COLUMN updated TEXT NOT NULL DEFAULT '';
