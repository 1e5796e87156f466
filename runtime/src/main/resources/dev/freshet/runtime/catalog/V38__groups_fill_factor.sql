-- Tables of groups (state tables, and stream tables of one row per group) are made with fillfactor 90 from this
-- version (GroupedRefreshPrinter.GROUPS_FILL_FACTOR): a refresh updates changed groups in place, and room on the
-- page lets PostgreSQL keep the new version there without new index entries. The tables made before get the same
-- setting, where the role migrating may alter them (others get it when their stream table is created again); it
-- applies to pages filled from now on (a VACUUM FULL or CLUSTER applies it to all).
DO $$
DECLARE
  r record;
BEGIN
  FOR r IN
    SELECT c.oid::regclass AS rel
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'r' AND n.nspname = 'freshet_state'
    UNION
    SELECT c.oid::regclass
    FROM freshet.stream_tables st
    JOIN pg_catalog.pg_namespace n ON n.nspname = st.schema_name
    JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = st.table_name AND c.relkind = 'r'
    WHERE EXISTS (SELECT FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND a.attname = '__freshet_count'
        AND NOT a.attisdropped)
  LOOP
    CONTINUE WHEN NOT pg_catalog.pg_has_role((SELECT c.relowner FROM pg_catalog.pg_class c WHERE c.oid = r.rel),
        'USAGE');
    EXECUTE format('ALTER TABLE %s SET (fillfactor = 90)', r.rel);
  END LOOP;
END
$$;
