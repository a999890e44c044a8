-- 027-federation-link.sql - the link between boxes itself (issue 17, fedlink): one-time enrolment
-- codes, the nonces of signed requests seen lately (replay refused), and what the transport and
-- the health check keep about each peer.
CREATE TABLE federation_invite(
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,               -- the member box's name (its fed_name) the code is for
  county      TEXT NOT NULL DEFAULT '',    -- the county (or 市直) it serves
  secret_hash TEXT NOT NULL,               -- SHA-256 of the code's secret (the code is never stored)
  url         TEXT NOT NULL,               -- this box's URL the code carries
  created     TEXT NOT NULL,
  expires     TEXT NOT NULL,
  used        TEXT,                        -- when a box enrolled with it (NULL = unused)
  used_fingerprint TEXT NOT NULL DEFAULT '' -- that box's certificate (a retry of the same box is answered again)
);
CREATE TABLE federation_nonce(
  peer_id INTEGER NOT NULL REFERENCES federation_peer(id) ON DELETE CASCADE,
  nonce   TEXT NOT NULL,
  seen    INTEGER NOT NULL,                -- seconds; pruned after twice the allowed clock window
  PRIMARY KEY(peer_id, nonce)
) WITHOUT ROWID;
ALTER TABLE federation_peer ADD COLUMN last_contact TEXT;            -- the last exchange that worked
ALTER TABLE federation_peer ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;  -- failed exchanges in a row
ALTER TABLE federation_peer ADD COLUMN next_try INTEGER NOT NULL DEFAULT 0;  -- seconds: back off until then
ALTER TABLE federation_peer ADD COLUMN silent_alerted INTEGER NOT NULL DEFAULT 0; -- offices told it went silent
