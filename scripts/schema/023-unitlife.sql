-- 023-unitlife.sql - when a unit was closed, so that a period's figures (the assessment, the
-- reporting quotas) list the units that existed in it: created before its end and not closed
-- before its start (issue 14 item 9: units created after a quarter were ranked for it).

-- deactivated: when the unit was last set inactive (ISO, local time), NULL while it is active.
ALTER TABLE unit ADD COLUMN deactivated TEXT;

-- units closed before this migration: the time of the audit entry that closed them, else their
-- creation (closed at an unknown time: listed for no period after it)
UPDATE unit SET deactivated = coalesce(
    (SELECT max(a.at) FROM audit a WHERE a.action = 'unit.update' AND a.object = 'unit:' || unit.id
                                    AND a.after = 'active=0'),
    created)
  WHERE NOT active;
