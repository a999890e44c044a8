-- 008-reporting.sql - government-information reporting (政务信息报送, seed 000) and disclosure
-- requests (依申请公开, seed 002). The quarterly assessment reads these and the workflow's tables.

-- submission: one government-information item a unit (or an office staff member) sends to the info
-- office. state: draft -> signed (the unit's responsible leader signed it off) -> sent -> adopted |
-- rejected. The month of `sent` counts toward the quotas; adoption counts in the ranking.
CREATE TABLE submission(
  id            INTEGER PRIMARY KEY,
  unit_id       INTEGER NOT NULL REFERENCES unit(id),
  author        TEXT NOT NULL,               -- login of the user who wrote it ('' from the console)
  title         TEXT NOT NULL,
  body          TEXT NOT NULL,
  original      TEXT NOT NULL DEFAULT '',    -- the text as sent, when the office edited it
  state         TEXT NOT NULL DEFAULT 'draft'
                CHECK(state IN ('draft','signed','sent','adopted','rejected')),
  signer        TEXT NOT NULL DEFAULT '',    -- login of the responsible leader who signed it off
  signer_name   TEXT NOT NULL DEFAULT '',
  signed        TEXT,
  sent          TEXT,
  screened_by   TEXT NOT NULL DEFAULT '',    -- the office user who adopted or rejected it
  screened      TEXT,
  reason        TEXT NOT NULL DEFAULT '',    -- why it was rejected
  commission_id INTEGER REFERENCES commission(id),  -- the 约稿 notice it answers, if any
  created       TEXT NOT NULL,
  updated       TEXT NOT NULL
);
CREATE INDEX submission_unit ON submission(unit_id, sent);
CREATE INDEX submission_sent ON submission(sent);

-- submission_file: an attachment, stored under DATADIR/submission/ID/ (path relative to DATADIR).
CREATE TABLE submission_file(
  id            INTEGER PRIMARY KEY,
  submission_id INTEGER NOT NULL REFERENCES submission(id),
  name          TEXT NOT NULL,
  path          TEXT NOT NULL UNIQUE,
  size          INTEGER NOT NULL,
  sha256        TEXT NOT NULL,
  added         TEXT NOT NULL
);

-- submission_upward: what the info office sent on to the province: items (kind item, usually an
-- adopted submission) and 《政务信息专报》 special reports (kind special). Quota: rule_submission_province
-- and rule_special_report_province per month.
CREATE TABLE submission_upward(
  id            INTEGER PRIMARY KEY,
  kind          TEXT NOT NULL CHECK(kind IN ('item','special')),
  submission_id INTEGER REFERENCES submission(id),
  title         TEXT NOT NULL,
  sent          TEXT NOT NULL,
  sent_by       TEXT NOT NULL
);
CREATE INDEX submission_upward_sent ON submission_upward(sent);

-- commission: a 约稿 notice (000 政务信息工作制度 二.4); commission_unit: each unit asked, with its
-- own deadline (calendar::due) and the submission that delivered it.
CREATE TABLE commission(
  id        INTEGER PRIMARY KEY,
  title     TEXT NOT NULL,
  body      TEXT NOT NULL DEFAULT '',
  issued    TEXT NOT NULL,
  issued_by TEXT NOT NULL
);
CREATE TABLE commission_unit(
  commission_id INTEGER NOT NULL REFERENCES commission(id),
  unit_id       INTEGER NOT NULL REFERENCES unit(id),
  time_limit    TEXT NOT NULL,               -- as given to calendar::due, e.g. "5 workdays"
  due           TEXT NOT NULL,               -- as calendar::due shows it (24:00 convention)
  due_epoch     INTEGER NOT NULL,
  submission_id INTEGER REFERENCES submission(id),
  delivered     TEXT,                        -- when that submission was sent
  PRIMARY KEY(commission_id, unit_id)
);

-- request: an application for disclosure of government information (002 第六、七条). The clock
-- (rule request_answer) starts at `received`; pauses are in request_pause; due is recomputed with
-- calendar::due on every change. secret_hash is SHA-256 of the applicant's status secret.
CREATE TABLE request(
  id            INTEGER PRIMARY KEY,
  number        TEXT NOT NULL UNIQUE,        -- YYYY-NNNN, told to the applicant
  secret_hash   TEXT NOT NULL,
  channel       TEXT NOT NULL CHECK(channel IN ('online','letter','fax','visit','email')),
  oral          INTEGER NOT NULL DEFAULT 0,  -- made orally; staff filled in the form
  applicant_kind TEXT NOT NULL CHECK(applicant_kind IN ('person','organisation')),
  name          TEXT NOT NULL,
  id_type       TEXT NOT NULL,               -- 身份证, 统一社会信用代码, ...
  id_number     TEXT NOT NULL,
  address       TEXT NOT NULL DEFAULT '',
  phone         TEXT NOT NULL DEFAULT '',
  email         TEXT NOT NULL DEFAULT '',
  description   TEXT NOT NULL,
  purpose       TEXT NOT NULL,
  form          TEXT NOT NULL,               -- 纸质 / 电子文档 / 光盘 / 查阅
  delivery      TEXT NOT NULL DEFAULT '',    -- 邮寄 / 电子邮件 / 自行领取 / 当场阅读
  signature     TEXT NOT NULL,
  applied       TEXT NOT NULL,               -- the date the applicant wrote on the application
  received      TEXT NOT NULL,               -- when the agency received it (the clock starts)
  registered_by TEXT NOT NULL,
  peer          TEXT NOT NULL DEFAULT '',    -- address of an online application
  state         TEXT NOT NULL DEFAULT 'registered'
                CHECK(state IN ('registered','answered','archived')),
  identity      TEXT NOT NULL DEFAULT '' CHECK(identity IN ('','verified','failed')),
  identity_note TEXT NOT NULL DEFAULT '',
  identity_by   TEXT NOT NULL DEFAULT '',
  identity_at   TEXT,
  repeat_of     INTEGER REFERENCES request(id), -- an earlier similar request by the same applicant
  due           TEXT NOT NULL DEFAULT '',    -- '' while a consultation pauses the clock
  due_epoch     INTEGER,
  extension     INTEGER NOT NULL DEFAULT 0,  -- working days granted (once, at most rule_request_extension)
  ext_reason    TEXT NOT NULL DEFAULT '',
  ext_approver  TEXT NOT NULL DEFAULT '',    -- login of the head of the disclosure office
  ext_told      TEXT NOT NULL DEFAULT '',    -- how and when the applicant was told
  ext_at        TEXT,
  answer        TEXT NOT NULL DEFAULT '' CHECK(answer IN ('','public','disclose','withhold',
                  'none','elsewhere','repeat','special')),
  answer_detail TEXT NOT NULL DEFAULT '',    -- a dict: where / how / when / reason / agency / contact / law
  answer_text   TEXT NOT NULL DEFAULT '',
  answered      TEXT,
  answered_by   TEXT NOT NULL DEFAULT '',
  on_time       INTEGER,                     -- 1 answered by the deadline, 0 late
  letter_no     TEXT NOT NULL DEFAULT '',
  fee           REAL NOT NULL DEFAULT 0,     -- processing fee (002 第十九条), yuan
  fee_reason    TEXT NOT NULL DEFAULT '',
  waived        INTEGER NOT NULL DEFAULT 0,  -- hardship waiver (002 第二十条)
  waiver_by     TEXT NOT NULL DEFAULT '',
  archived      TEXT,
  updated       TEXT NOT NULL
);
CREATE INDEX request_received ON request(received);
CREATE INDEX request_applicant ON request(id_number);
CREATE INDEX request_peer ON request(peer, received);

-- request_pause: a written consultation of a third party (002 第十三条) or another agency (第十一、
-- 十六条); its time does not count (第十五条). resumed NULL while it runs.
CREATE TABLE request_pause(
  id         INTEGER PRIMARY KEY,
  request_id INTEGER NOT NULL REFERENCES request(id),
  kind       TEXT NOT NULL CHECK(kind IN ('third_party','agency')),
  party      TEXT NOT NULL,
  note       TEXT NOT NULL DEFAULT '',
  reply_by   TEXT NOT NULL DEFAULT '',        -- the answer deadline given to the party
  started    TEXT NOT NULL,
  resumed    TEXT
);
CREATE INDEX request_pause_request ON request_pause(request_id);

-- request_attempt: online applications refused by the per-address rate limit or the form check,
-- kept only as counts per address and hour (nothing the applicant typed).
CREATE TABLE request_attempt(
  peer  TEXT NOT NULL,
  hour  TEXT NOT NULL,                        -- YYYY-MM-DDTHH
  n     INTEGER NOT NULL,
  PRIMARY KEY(peer, hour)
);
