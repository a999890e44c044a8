-- 036-assessment-index.sql - indexes for the quarter's assessment at ten years' size (issue 18: 50,000
-- events, 1,000,000 posts; the assessment of a quarter in 50 ms). Each counter of assessment.tcl
-- selects one period's rows of one kind: workflow steps by action and time, deadlines by rule and
-- the time they were met or breached; a claim counts as on time unless its event's claim deadline
-- was breached. Without these every counter read the whole table; the indexes hold every column
-- the counters read, so that tens of thousands of rows are counted without reading the tables.
CREATE INDEX event_step_action ON event_step(action, at, unit_id, event_id, overdue);
CREATE INDEX deadline_met ON deadline(rule, met_at, breached_at, unit_id, event_id);
CREATE INDEX deadline_breached ON deadline(rule, breached_at, unit_id, event_id);
CREATE INDEX deadline_event_rule ON deadline(event_id, rule, breached_at);
