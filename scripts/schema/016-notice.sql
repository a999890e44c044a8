-- 016-notice.sql - the one-line confirmation a staff page shows after a change (web::done) is
-- kept with the session, not in the address: the address carries only a random key, so no text
-- from outside is shown and a secret in a notice (a request's query code) stays out of access
-- logs and browser history.

ALTER TABLE session ADD COLUMN notice TEXT NOT NULL DEFAULT '';      -- the text, shown once
ALTER TABLE session ADD COLUMN notice_key TEXT NOT NULL DEFAULT '';  -- the ?done= key naming it
