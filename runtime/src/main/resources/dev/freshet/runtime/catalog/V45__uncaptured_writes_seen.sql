-- Writes that no trigger captured, with nothing else in the catalog to show it: Freshet's capture triggers disabled
-- by name, written past and enabled again by name (ALTER TABLE ... DISABLE / ENABLE TRIGGER freshet_capture_ins);
-- a refresh while one is disabled or dropped; a table rewritten with new values and no trigger fired (ALTER TABLE
-- ... ALTER COLUMN v TYPE int USING v * 2 on an int column). A stream table kept the rows as they were. Each
-- stream table now records, per source, what freshet.capture_stamp (R__refresh_functions.sql) reads: the storage
-- of the source and of its partitions and children (pg_class.relfilenode, new at every rewrite), and the row
-- version of each of Freshet's triggers there and on its ancestors (pg_trigger.xmin, new at every DISABLE or
-- ENABLE). A refresh that finds either changed since the last refresh, or a trigger disabled or missing, recomputes
-- in full and says why; the command line and CALL freshet.refresh alike.
ALTER TABLE freshet.stream_table_sources ADD COLUMN IF NOT EXISTS capture_stamp text[];
COMMENT ON COLUMN freshet.stream_table_sources.capture_stamp IS
  'The storage of the source and its partitions and children, and the row versions of Freshet''s triggers on them '
  'and its ancestors, when this stream table last read it (freshet.capture_stamp): a change means writes no trigger '
  'captured may have happened, and the next refresh recomputes (V45). NULL: not recorded yet (created before V45); '
  'the next refresh records it';

-- The constraints Freshet's planner read off each source when it compiled the stream table (NOT NULL columns, valid
-- unique indexes and keys, foreign keys): a plan may rely on them (a filter on IS NULL of a NOT NULL column folded
-- away, a semi-join on a unique key read without a state table). One dropped since (ALTER TABLE ... DROP NOT NULL,
-- DROP CONSTRAINT, DROP INDEX) left the stream table refreshing differentially to wrong rows; its refresh is now
-- refused (FS012) until it is created again from its query (freshet alter NAME --mode MODE).
ALTER TABLE freshet.stream_tables ADD COLUMN IF NOT EXISTS plan_constraints jsonb;
COMMENT ON COLUMN freshet.stream_tables.plan_constraints IS
  'The constraints of each table its query reads (by relation id, freshet.source_constraints) when it was compiled: '
  'NOT NULL columns, valid unique indexes, foreign keys. One gone refuses the refresh of a DIFFERENTIAL stream table '
  '(FS012) until it is created again (V45). NULL: created before V45, not compared';
