-- 026-federation.sql - boxes that report upward (issue 17): the core of the link between a county
-- box and its city box. A box knows its peers (its parent, or its members); what it sends waits in
-- federation_outbox until the peer acknowledged it (store and forward: restarts and days offline
-- lose nothing); what it receives is kept in federation_inbox under the sender's message id, so a
-- message that arrives twice (a retry, a file imported again) is applied once, and a message that
-- arrives before an earlier one about the same object waits for it (in order per object).
CREATE TABLE federation_peer(
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,        -- the peer box's name (its own fed_name), e.g. 青山县
  county      TEXT NOT NULL DEFAULT '',    -- the county (or 市直) the peer serves
  relation    TEXT NOT NULL CHECK(relation IN ('parent','member')),  -- what the peer is to this box
  url         TEXT NOT NULL DEFAULT '',    -- its HTTPS base URL; '' = reached by files only
  cert        TEXT NOT NULL DEFAULT '',    -- its certificate (PEM): its public key
  fingerprint TEXT NOT NULL DEFAULT '',    -- SHA-256 of that certificate, AA:BB:…
  enabled     INTEGER NOT NULL DEFAULT 1,
  enrolled    TEXT NOT NULL,               -- when the enrolment completed
  last_sent     TEXT,                      -- the last message the peer acknowledged
  last_received TEXT,                      -- the last message received from it
  skew        INTEGER,                     -- its clock minus ours, seconds, at the last exchange
  last_error  TEXT NOT NULL DEFAULT ''     -- why the last attempt failed, in Chinese ('' = fine)
);
CREATE TABLE federation_outbox(
  id        INTEGER PRIMARY KEY,           -- the order of sending
  peer_id   INTEGER NOT NULL REFERENCES federation_peer(id) ON DELETE CASCADE,
  msg_id    TEXT NOT NULL UNIQUE,          -- idempotent id: SENDER/random
  kind      TEXT NOT NULL,                 -- what it says (federation::on registers handlers)
  object    TEXT NOT NULL,                 -- what it is about, e.g. event:12
  seq       INTEGER NOT NULL,              -- 1, 2, … per (peer, object)
  payload   TEXT NOT NULL,                 -- JSON object
  created   TEXT NOT NULL,
  sent      TEXT,                          -- when the peer acknowledged it (NULL = waiting)
  attempts  INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  UNIQUE(peer_id, object, seq)
);
CREATE INDEX federation_outbox_waiting ON federation_outbox(peer_id, id) WHERE sent IS NULL;
CREATE TABLE federation_inbox(
  peer_id   INTEGER NOT NULL REFERENCES federation_peer(id) ON DELETE CASCADE,
  msg_id    TEXT NOT NULL,
  kind      TEXT NOT NULL,
  object    TEXT NOT NULL,
  seq       INTEGER NOT NULL,
  payload   TEXT NOT NULL,
  created   TEXT NOT NULL,                 -- when the sender queued it (its clock)
  received  TEXT NOT NULL,                 -- when it reached this box
  via       TEXT NOT NULL CHECK(via IN ('https','file','local')),
  applied   TEXT,                          -- when its handler ran (NULL = waits for an earlier seq)
  error     TEXT NOT NULL DEFAULT '',      -- its handler's refusal, in Chinese
  PRIMARY KEY(peer_id, msg_id),
  UNIQUE(peer_id, object, seq)
);
CREATE INDEX federation_inbox_waiting ON federation_inbox(peer_id, object, seq) WHERE applied IS NULL;
