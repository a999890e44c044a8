-- 003-org.sql - who is who: units, users and their roles, and the append-only audit log.

-- unit: the info office, departments, townships and the leadership (DESIGN: unit).
CREATE TABLE unit(
  id        INTEGER PRIMARY KEY,
  name      TEXT NOT NULL UNIQUE,
  kind      TEXT NOT NULL CHECK(kind IN ('office','department','township','leadership','other')),
  parent_id INTEGER REFERENCES unit(id),
  contact   TEXT NOT NULL DEFAULT '',      -- the handler's name reported to the info office
  phone     TEXT NOT NULL DEFAULT '',
  email     TEXT NOT NULL DEFAULT '',
  active    INTEGER NOT NULL DEFAULT 1,
  created   TEXT NOT NULL
);

-- user: a person who logs in; belongs to one unit.
CREATE TABLE user(
  id           INTEGER PRIMARY KEY,
  login        TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name         TEXT NOT NULL,
  unit_id      INTEGER NOT NULL REFERENCES unit(id),
  phone        TEXT NOT NULL DEFAULT '',
  email        TEXT NOT NULL DEFAULT '',
  password     TEXT NOT NULL DEFAULT '',   -- pbkdf2-sha256$ITERATIONS$SALT$HASH (hex), '' = none
  totp_secret  TEXT NOT NULL DEFAULT '',
  failed       INTEGER NOT NULL DEFAULT 0, -- consecutive failed logins
  locked_until TEXT,                       -- ISO time; NULL when not locked
  active       INTEGER NOT NULL DEFAULT 1,
  created      TEXT NOT NULL,
  password_set TEXT
);

-- user_role: the roles a user holds (see org.tcl for what each may do).
CREATE TABLE user_role(
  user_id INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
  role    TEXT NOT NULL CHECK(role IN ('sysadmin','secadmin','auditor','office','handler',
                                       'unithead','leader','viewer')),
  PRIMARY KEY(user_id, role)
);

-- audit: every action, hash-chained: hash = sha256(prev || "\n" || the entry's fields).
CREATE TABLE audit(
  id     INTEGER PRIMARY KEY,
  at     TEXT NOT NULL,
  login  TEXT NOT NULL,
  role   TEXT NOT NULL DEFAULT '',
  unit   TEXT NOT NULL DEFAULT '',
  origin TEXT NOT NULL,                    -- console, web ADDRESS, system
  action TEXT NOT NULL,                    -- e.g. user.create, event.claim
  object TEXT NOT NULL DEFAULT '',         -- e.g. user:3, event:12
  before TEXT NOT NULL DEFAULT '',
  after  TEXT NOT NULL DEFAULT '',
  prev   TEXT NOT NULL,
  hash   TEXT NOT NULL
);
CREATE INDEX audit_object ON audit(object);

-- audit_anchor: where a retention prune cut the chain (the hash the next entry continues from).
CREATE TABLE audit_anchor(
  upto_id INTEGER PRIMARY KEY,
  hash    TEXT NOT NULL,
  at      TEXT NOT NULL,
  archive TEXT NOT NULL                    -- file the pruned entries were exported to
);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
WHEN OLD.id > (SELECT coalesce(max(upto_id), 0) FROM audit_anchor)
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only (prune with audit prune)'); END;

INSERT INTO unit(name, kind, created) VALUES('信息办', 'office', strftime('%Y-%m-%dT%H:%M:%S+08:00', 'now', '+8 hours'));
