-- 040-assessment-unit-index.sql - the events behind one figure of the assessment (the page
-- /assessment/events, assessment::eventPage) at ten years' size (issue 18: every staff page in
-- 5 ms at 50,000 events): the page asks a counter's query for one unit's rows of a window of
-- event ids at a time and stops when the page is full. 036's indexes lead with the kind of row and
-- its time, so that query read every unit's rows of the period (a whole quarter's claims); these
-- lead with the unit and the event.
CREATE INDEX event_step_unit ON event_step(unit_id, event_id, action, at);
CREATE INDEX deadline_unit ON deadline(unit_id, event_id, rule, met_at, breached_at);
