-- 012-harden.sql - counters of failed logins per account name and per client address, the last
-- TOTP time step each user spent (a code works once), and the free-disk state (disk.tcl).

-- login_throttle: login attempts counted before the password is checked (org::authenticate).
-- key is 'name:LOGIN' (lower case; names longer than 64 characters by their SHA-256) or
-- 'addr:ADDRESS'. A row whose window and lock have both passed is removed by the next attempt.
CREATE TABLE login_throttle(
  key          TEXT PRIMARY KEY,
  failed       INTEGER NOT NULL DEFAULT 0,   -- attempts counted in the window, not yet successful
  since        INTEGER NOT NULL,             -- start of the window (seconds)
  locked_until INTEGER                       -- seconds; NULL when not locked
);

-- the TOTP time step (unix time / 30) of the last code accepted for the user; a code of this
-- step or an earlier one is refused, in any session.
ALTER TABLE user ADD COLUMN totp_step INTEGER NOT NULL DEFAULT 0;

-- disk_state: the one row of the free-disk watch (disk::check): low since when, last figures.
CREATE TABLE disk_state(
  id          INTEGER PRIMARY KEY CHECK(id = 1),
  low         INTEGER NOT NULL DEFAULT 0,
  since       TEXT,                          -- ISO time free space fell below the floor
  checked     TEXT,
  free_bytes  INTEGER,
  floor_bytes INTEGER
);
