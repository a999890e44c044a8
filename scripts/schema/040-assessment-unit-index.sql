-- 040-assessment-unit-index.sql - the events behind one figure of the assessment (the page
-- /assessment/events, assessment::eventPage) at ten years' size (issue 18: every staff page in
-- 5 ms at 50,000 events): the page asks a counter's query for one unit's rows, a page at a time.
-- 036's indexes lead with the kind of row and its time, so that query read every unit's rows of
-- the period (a whole quarter's claims, 20-35 ms); these lead with the unit.
CREATE INDEX event_step_unit ON event_step(unit_id, action, at, event_id);
CREATE INDEX deadline_unit_met ON deadline(unit_id, rule, met_at, breached_at, event_id);
CREATE INDEX deadline_unit_breached ON deadline(unit_id, rule, breached_at, event_id);
