-- The revision of Freshet's plans each stream table was compiled at (ShapeAnalyzer.PLAN_REVISION): its state tables
-- are laid out by it, so verify, migrate and a rebuild after DDL compile it again at the same revision; an alter,
-- which creates it anew, takes the latest. 0: created before revisions were recorded. 1: an aggregate's DISTINCT
-- calls kept over a state table of each group's distinct values (count(DISTINCT x), sum(DISTINCT x), ...), where
-- revision 0 recomputes each affected group from the sources.
ALTER TABLE freshet.stream_tables ADD COLUMN IF NOT EXISTS plan_revision integer NOT NULL DEFAULT 0;
COMMENT ON COLUMN freshet.stream_tables.plan_revision IS
  'The plan revision it was compiled at (ShapeAnalyzer.PLAN_REVISION, V39); 0: before revisions';
