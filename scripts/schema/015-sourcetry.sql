-- 015-sourcetry.sql - how a source's rules were made (source try): proposed (taken as the box
-- proposed them), proposed+edited (proposed, then changed by the admin), by hand (typed).
ALTER TABLE source ADD COLUMN made TEXT NOT NULL DEFAULT 'by hand';
