-- 020-inbox.sql - notices inside the page (issue 14 item 3): every notice the box queues for a
-- person is also kept in that person's in-page inbox; each user chooses which kinds of notice also
-- go by mail and by 短信 (SMS, through a configured HTTP gateway); the queue gains the sms channel.

-- inbox: one notice for one user, written in the transaction of the step that caused it
-- (notify::queue), whatever the user's mail settings. A notice links to the event it is about
-- (event_id, moved along when events are merged) and/or to another object (object: request:ID,
-- submission:ID, instruction:ID). Read items older than inbox_keep_days are removed by the
-- background job `inbox`; unread ones are kept.
CREATE TABLE inbox(
  id       INTEGER PRIMARY KEY,
  user_id  INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
  event_id INTEGER REFERENCES event(id),
  object   TEXT NOT NULL DEFAULT '',      -- request:ID, submission:ID, instruction:ID, or ''
  kind     TEXT NOT NULL,                 -- the notice's kind (event.claim, deadline.warning, ...)
  text     TEXT NOT NULL,                 -- the sentence the person reads (Chinese)
  body     TEXT NOT NULL DEFAULT '',      -- the details, one per line
  created  TEXT NOT NULL,
  read_at  TEXT                           -- NULL while unread
);
CREATE INDEX inbox_user ON inbox(user_id, id);                          -- the page, newest first
CREATE INDEX inbox_unread ON inbox(user_id) WHERE read_at IS NULL;      -- the header's count
CREATE INDEX inbox_read ON inbox(read_at) WHERE read_at IS NOT NULL;    -- the retention job
CREATE INDEX inbox_event ON inbox(event_id) WHERE event_id IS NOT NULL; -- merging events

-- notify_setting: which kinds of notice (event, deadline, request, submission, system; see
-- notify::kinds) a user also wants by mail and by 短信. The columns email and sms stay the
-- summary (any kind chosen); deadlines is no longer read (the kind `deadline` replaces it).
ALTER TABLE notify_setting ADD COLUMN mail_kinds TEXT NOT NULL DEFAULT 'event deadline request submission system';
ALTER TABLE notify_setting ADD COLUMN sms_kinds TEXT NOT NULL DEFAULT '';
UPDATE notify_setting SET mail_kinds = CASE WHEN email = 0 THEN ''
                                            WHEN deadlines = 0 THEN 'event request submission system'
                                            ELSE mail_kinds END,
                          sms_kinds = CASE WHEN sms = 0 THEN ''
                                           WHEN deadlines = 0 THEN 'event request submission system'
                                           ELSE 'event deadline request submission system' END;

-- notification: rebuilt for the channel 'sms' (target: a mobile number) and the user a mail or
-- SMS is for (user_id; NULL for webhooks), same columns in the same order before it, rows and ids
-- copied (see 018-sourcetype.sql for the way SQLite rebuilds a table; db::migrate runs this with
-- foreign keys off and checks them before commit). Its one index is recreated; no trigger or view
-- names it.
CREATE TABLE notification_new(
  id         INTEGER PRIMARY KEY,
  event_id   INTEGER REFERENCES event(id),
  kind       TEXT NOT NULL,               -- the transition or deadline.warning / deadline.breach
  channel    TEXT NOT NULL CHECK(channel IN ('email','webhook','sms')),
  target     TEXT NOT NULL,               -- an e-mail address, a webhook name or a mobile number
  subject    TEXT NOT NULL,
  body       TEXT NOT NULL,
  created    TEXT NOT NULL,
  state      TEXT NOT NULL DEFAULT 'queued' CHECK(state IN ('queued','sent')),
  attempts   INTEGER NOT NULL DEFAULT 0,
  next_try   INTEGER NOT NULL DEFAULT 0,  -- epoch seconds (an SMS in quiet hours: their end)
  last_error TEXT NOT NULL DEFAULT '',
  sent_at    TEXT,
  user_id    INTEGER REFERENCES user(id) ON DELETE SET NULL
);
INSERT INTO notification_new(id, event_id, kind, channel, target, subject, body, created, state, attempts,
                             next_try, last_error, sent_at)
  SELECT id, event_id, kind, channel, target, subject, body, created, state, attempts,
         next_try, last_error, sent_at FROM notification;
DROP TABLE notification;
ALTER TABLE notification_new RENAME TO notification;
CREATE INDEX notification_queue ON notification(state, next_try);
