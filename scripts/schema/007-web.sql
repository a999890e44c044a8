-- 007-web.sql - the web pages' state: login sessions and each user's notification settings.

-- session: one login on the web. The browser holds a random token (crypto token, 256 bits) in the
-- __Host-yqbox cookie; only its SHA-256 is stored, so a copy of the database opens no session.
-- Times are seconds since the epoch (yqbox::now). A session is valid while ended IS NULL, the
-- idle and absolute timeouts have not run out and its user is active.
CREATE TABLE session(
  id         INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_id    INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
  csrf       TEXT NOT NULL,                  -- the token every state-changing form carries
  stage      TEXT NOT NULL DEFAULT 'ok' CHECK(stage IN ('ok','totp')),  -- totp: code still due
  created    INTEGER NOT NULL,
  seen       INTEGER NOT NULL,               -- last request (updated at most once a minute)
  peer       TEXT NOT NULL DEFAULT '',
  agent      TEXT NOT NULL DEFAULT '',
  ended      INTEGER,                        -- when it was ended (logout, timeout, admin)
  end_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX session_user ON session(user_id, ended);

-- notify_setting: how a user wants to be told of new events and deadlines.
CREATE TABLE notify_setting(
  user_id   INTEGER PRIMARY KEY REFERENCES user(id) ON DELETE CASCADE,
  email     INTEGER NOT NULL DEFAULT 1,      -- by e-mail (to user.email)
  sms       INTEGER NOT NULL DEFAULT 0,      -- by SMS (to user.phone)
  min_level TEXT NOT NULL DEFAULT '一般' CHECK(min_level IN ('一般','较大','重大','特别重大')),
  deadlines INTEGER NOT NULL DEFAULT 1,      -- warnings before a deadline runs out
  quiet     TEXT NOT NULL DEFAULT '',        -- HH:MM-HH:MM without SMS, '' = none
  updated   TEXT NOT NULL
);

-- post_hour: new posts per hour (first_seen's YYYY-MM-DDTHH), kept by triggers, so the dashboard's
-- chart reads 24 rows instead of counting every post of the day.
CREATE TABLE post_hour(
  hour TEXT PRIMARY KEY,
  n    INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO post_hour(hour, n) SELECT substr(first_seen, 1, 13), count(*) FROM post GROUP BY 1;
CREATE TRIGGER post_hour_insert AFTER INSERT ON post BEGIN
  INSERT INTO post_hour(hour, n) VALUES(substr(new.first_seen, 1, 13), 1)
  ON CONFLICT(hour) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER post_hour_delete AFTER DELETE ON post BEGIN
  UPDATE post_hour SET n = n - 1 WHERE hour = substr(old.first_seen, 1, 13);
END;
