-- 019-totp.sql - the TOTP second factor made mandatory for the three admin roles: one-time
-- recovery codes, and the secret an enrolment in progress shows (kept with its session, so that
-- reloading the page shows the same QR code and the confirmation checks against it).

-- totp_recovery: a user's one-time recovery codes, usable once each instead of a TOTP code at
-- /login/totp (a lost or broken phone). Only their hash is kept: hash is
-- pbkdf2-sha256$ITERATIONS$SALT$HEX of the normalised code (session::totp::RecoveryHash); the codes
-- of one batch share the salt, so an attempt costs one PBKDF2 whatever the number of codes. A new
-- batch replaces the old one.
CREATE TABLE totp_recovery(
  id      INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
  hash    TEXT NOT NULL,
  created TEXT NOT NULL,
  used    TEXT                               -- ISO time it was spent; NULL while usable
);
CREATE INDEX totp_recovery_user ON totp_recovery(user_id, used);

-- the base32 secret of an enrolment begun in this session and not yet confirmed ('' = none)
ALTER TABLE session ADD COLUMN totp_pending TEXT NOT NULL DEFAULT '';
