-- A DROP TABLE of a stream table or of a source, outside Freshet, is recorded as it happens (an event
-- trigger on sql_drop): the stream tables concerned get status ERROR and a last error that names the
-- dropped table and the fix, so list and status show it before any refresh tries. Freshet's own drops
-- remove the catalog row first, so they are not seen here. PostgreSQL lets only a superuser create an
-- event trigger: a catalog created or migrated by another role goes without it, and the drop is found
-- by the next refresh, as before. The function never fails the DDL that fired it.

CREATE FUNCTION freshet.on_sql_drop() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $on_sql_drop$
DECLARE
  v_dropped record;
BEGIN
  FOR v_dropped IN
    SELECT d.objid, d.schema_name, d.object_name
    FROM pg_catalog.pg_event_trigger_dropped_objects() AS d
    WHERE d.object_type = 'table' AND NOT d.is_temporary
      AND d.schema_name NOT IN ('freshet', 'freshet_changes', 'freshet_state')
  LOOP
    UPDATE freshet.stream_tables AS st
    SET status = 'ERROR',
        last_error = format('stream table %I.%I was dropped outside Freshet (DROP TABLE); ''freshet drop %I.%I'' '
          'removes what is left of it, and ''freshet create'' makes it again', st.schema_name, st.table_name,
          st.schema_name, st.table_name)
    WHERE st.schema_name = v_dropped.schema_name AND st.table_name = v_dropped.object_name;
    UPDATE freshet.stream_tables AS st
    SET status = 'ERROR',
        last_error = format('its source %I.%I was dropped (DROP TABLE ... CASCADE); ''freshet drop %I.%I'' removes '
          'the stream table, or ''freshet alter %I.%I --query ...'' makes it read another table',
          v_dropped.schema_name, v_dropped.object_name, st.schema_name, st.table_name, st.schema_name,
          st.table_name)
    WHERE st.id IN (SELECT s.stream_table_id FROM freshet.stream_table_sources AS s
                    WHERE s.source_relid = v_dropped.objid);
  END LOOP;
EXCEPTION WHEN OTHERS THEN
  RAISE WARNING 'Freshet could not record the drop of a table it uses: %', SQLERRM;
END
$on_sql_drop$;
REVOKE ALL ON FUNCTION freshet.on_sql_drop() FROM PUBLIC;

DO $install$
BEGIN
  IF (SELECT r.rolsuper FROM pg_catalog.pg_roles AS r WHERE r.rolname = current_user) THEN
    CREATE EVENT TRIGGER freshet_sql_drop ON sql_drop EXECUTE FUNCTION freshet.on_sql_drop();
  END IF;
END
$install$;
