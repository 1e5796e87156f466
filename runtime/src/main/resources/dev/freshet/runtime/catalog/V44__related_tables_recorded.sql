-- A partition detached (DETACH PARTITION, also CONCURRENTLY) or dropped, an inheritance child that stops inheriting
-- (NO INHERIT) or is dropped, takes its rows out of the source without a write any trigger sees: the next refresh
-- found no change and the stream tables kept those rows. Capture now records the tables related to each source when
-- it is set up or reconciled, and the capture check compares: a descendant no longer there makes the next refresh
-- recompute in full (ChangeCapture.reconcile writes a marker naming it), an ancestor no longer there loses the
-- source's marker trigger. The refresh functions of R__refresh_functions.sql are installed again with this step: the
-- capture check's refusal (FS001) names partitions and children removed; a foreign table that became a partition or
-- child of a source refuses the refresh of a stream table that does not recompute at every refresh (FS011); and an
-- unlogged source counts as truncated when the server started after the last refresh (crash recovery empties it
-- with no trigger fired). Capture under session_replication_role = replica (row triggers enabled for replica mode)
-- is installed by the next reconcile of each source, which the capture check asks for.
ALTER TABLE freshet.change_buffers ADD COLUMN IF NOT EXISTS descendants oid[];
ALTER TABLE freshet.change_buffers ADD COLUMN IF NOT EXISTS ancestors oid[];
COMMENT ON COLUMN freshet.change_buffers.descendants IS
  'The source''s partitions and inheritance children at any level (ordinary and partitioned tables) when its capture '
  'was last set up or reconciled: one no longer there took its rows out uncaptured (V44)';
COMMENT ON COLUMN freshet.change_buffers.ancestors IS
  'The tables the source is a partition or child of, at any level, when its capture was last set up or reconciled: '
  'one no longer there loses the source''s marker trigger (V44)';

-- The sets as they are now. A source that has or had descendants (a partitioned table, or relhassubclass, which
-- PostgreSQL clears lazily) may have lost one before this step, unseen: its stream tables recompute once.
DO $related$
DECLARE
  v_buffer record;
BEGIN
  FOR v_buffer IN
    SELECT cb.source_relid, cb.buffer_table, c.relkind = 'p' OR c.relhassubclass AS had_descendants,
           '"' || replace(n.nspname, '"', '""') || '"."' || replace(c.relname, '"', '""') || '"' AS label
    FROM freshet.change_buffers cb
    JOIN pg_catalog.pg_class c ON c.oid = cb.source_relid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  LOOP
    UPDATE freshet.change_buffers cb
    SET descendants = (
          WITH RECURSIVE down (relid) AS (
            SELECT i.inhrelid FROM pg_catalog.pg_inherits i WHERE i.inhparent = v_buffer.source_relid
            UNION
            SELECT i.inhrelid FROM pg_catalog.pg_inherits i JOIN down d ON i.inhparent = d.relid)
          SELECT coalesce(pg_catalog.array_agg(d.relid ORDER BY d.relid), '{}')
          FROM down d JOIN pg_catalog.pg_class c ON c.oid = d.relid AND c.relkind IN ('r', 'p')),
        ancestors = (
          WITH RECURSIVE up (relid) AS (
            SELECT i.inhparent FROM pg_catalog.pg_inherits i WHERE i.inhrelid = v_buffer.source_relid
            UNION
            SELECT i.inhparent FROM pg_catalog.pg_inherits i JOIN up u ON i.inhrelid = u.relid)
          SELECT coalesce(pg_catalog.array_agg(u.relid ORDER BY u.relid), '{}')
          FROM up u JOIN pg_catalog.pg_class c ON c.oid = u.relid AND c.relkind IN ('r', 'p'))
    WHERE cb.source_relid = v_buffer.source_relid;
    IF v_buffer.had_descendants
        AND pg_catalog.to_regclass(format('freshet_changes.%I', v_buffer.buffer_table)) IS NOT NULL THEN
      EXECUTE format('INSERT INTO freshet_changes.%I ("__w", "__truncate") VALUES (0, true)', v_buffer.buffer_table);
      UPDATE freshet.change_buffers
      SET marker_reason = format('a partition or child of %s may have been detached or dropped before Freshet '
            || 'recorded them (catalog V44)', v_buffer.label),
          marker_xid = pg_catalog.pg_current_xact_id()
      WHERE source_relid = v_buffer.source_relid;
    END IF;
  END LOOP;
END
$related$;
