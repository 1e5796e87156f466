-- DDL on the columns of a source (ALTER TABLE ... DROP COLUMN, ALTER COLUMN ... TYPE, RENAME) is no
-- longer refused by the guard view: capture functions compare the source's columns with the layout
-- they were written for and write a marker instead of reading rows when it changed, and the next
-- refresh rebuilds capture for the new layout. That layout is recorded here, per source.
ALTER TABLE freshet.change_buffers ADD COLUMN captured_attnums smallint[];
ALTER TABLE freshet.change_buffers ADD COLUMN captured_layout text;
COMMENT ON COLUMN freshet.change_buffers.captured_attnums IS
  'Source column number of each captured column, in buffer order; NULL for capture set up before catalog V15';
COMMENT ON COLUMN freshet.change_buffers.captured_layout IS
  'The source''s column layout the capture functions were written for (CapturePrinter.layout); NULL before V15';

-- What DDL on a source means for a stream table reading it, recorded as it happens by the event trigger
-- below (a refresh finds it too, later): cleared by the next refresh that succeeds.
ALTER TABLE freshet.stream_tables ADD COLUMN pending_rebuild text;
COMMENT ON COLUMN freshet.stream_tables.pending_rebuild IS
  'Why the next refresh rebuilds the stream table (DDL on a source, recorded as it happened); NULL otherwise';

CREATE FUNCTION freshet.clear_pending_rebuild() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.last_refresh_at IS DISTINCT FROM OLD.last_refresh_at THEN
    NEW.pending_rebuild := NULL;
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER clear_pending_rebuild BEFORE UPDATE OF last_refresh_at ON freshet.stream_tables
FOR EACH ROW EXECUTE FUNCTION freshet.clear_pending_rebuild();

-- At the end of an ALTER TABLE of a source: for each stream table reading it, a renamed table or a
-- column its query reads renamed or dropped sets status ERROR with a last error naming them and the fix
-- (its next refresh would fail so); a column it reads that changed type, or other captured columns of
-- the source renamed, dropped or retyped, records why its next refresh rebuilds it. Like freshet.on_sql_drop (V13), created
-- only when a superuser migrates the catalog, and never failing the DDL that fired it.
CREATE FUNCTION freshet.on_source_ddl() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $on_source_ddl$
DECLARE
  v_source record;
  v_read record;
  v_error text;
  v_rebuild text;
  v_column name;
  v_now name;
  v_attnum smallint;
  v_recorded text;
  v_current record;
BEGIN
  FOR v_source IN
    SELECT DISTINCT s.stream_table_id, s.source_relid, s.source_schema, s.source_table, s.columns,
           n.nspname AS schema_now, c.relname AS table_now, st.schema_name, st.table_name,
           b.captured_columns, b.captured_attnums, b.captured_layout
    FROM pg_catalog.pg_event_trigger_ddl_commands() AS d
    JOIN freshet.stream_table_sources AS s ON s.source_relid = d.objid
    JOIN freshet.stream_tables AS st ON st.id = s.stream_table_id
    JOIN pg_catalog.pg_class AS c ON c.oid = s.source_relid
    JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
    LEFT JOIN freshet.change_buffers AS b ON b.source_relid = s.source_relid
    WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
  LOOP
    v_error := NULL;
    v_rebuild := NULL;
    IF (v_source.schema_now, v_source.table_now) IS DISTINCT FROM (v_source.source_schema, v_source.source_table) THEN
      v_error := format('its source %I.%I was renamed to %I.%I (ALTER TABLE); its query names the old table: '
        '''freshet alter %I.%I --query ...'' with the new name recreates it', v_source.source_schema,
        v_source.source_table, v_source.schema_now, v_source.table_now, v_source.schema_name, v_source.table_name);
    END IF;
    FOREACH v_column IN ARRAY v_source.columns LOOP
      EXIT WHEN v_error IS NOT NULL;
      -- the column's number when capture was set up (V15 records it), and what that column is now
      v_attnum := v_source.captured_attnums[pg_catalog.array_position(v_source.captured_columns, v_column)];
      SELECT a.attname, a.atttypid, a.atttypmod, a.attcollation INTO v_current
      FROM pg_catalog.pg_attribute AS a
      WHERE a.attrelid = v_source.source_relid AND NOT a.attisdropped AND a.attnum > 0
        AND (a.attnum = v_attnum OR (v_attnum IS NULL AND a.attname = v_column));
      IF NOT FOUND THEN
        v_error := format('its source column %I.%I.%I was dropped (ALTER TABLE ... DROP COLUMN), and its query '
          'reads it: ''freshet alter %I.%I --query ...'' without it recreates it, ''freshet drop %I.%I'' drops it',
          v_source.schema_now, v_source.table_now, v_column, v_source.schema_name, v_source.table_name,
          v_source.schema_name, v_source.table_name);
      ELSIF v_current.attname <> v_column THEN
        v_error := format('its source column %I.%I.%I was renamed to %I (ALTER TABLE ... RENAME COLUMN), and its '
          'query reads it: ''freshet alter %I.%I --query ...'' with the new name recreates it',
          v_source.schema_now, v_source.table_now, v_column, v_current.attname, v_source.schema_name,
          v_source.table_name);
      ELSIF v_attnum IS NOT NULL THEN
        -- this column's entry in the recorded layout: attnum:type:typmod:collation
        SELECT e INTO v_recorded
        FROM pg_catalog.unnest(pg_catalog.string_to_array(v_source.captured_layout, ',')) AS e
        WHERE pg_catalog.split_part(e, ':', 1) = v_attnum::text;
        IF v_recorded IS DISTINCT FROM format('%s:%s:%s:%s', v_attnum, v_current.atttypid::int8,
            v_current.atttypmod, v_current.attcollation::int8) AND v_rebuild IS NULL THEN
          v_rebuild := format('its source column %I.%I.%I changed type from %s to %s (ALTER TABLE ... TYPE): its '
            'next refresh compiles it again and recomputes it in full', v_source.schema_now, v_source.table_now,
            v_column, coalesce(pg_catalog.format_type(pg_catalog.split_part(v_recorded, ':', 2)::oid,
              pg_catalog.split_part(v_recorded, ':', 3)::int), 'another type'),
            pg_catalog.format_type(v_current.atttypid, v_current.atttypmod));
        END IF;
      END IF;
    END LOOP;
    IF v_error IS NULL AND v_rebuild IS NULL AND v_source.captured_attnums IS NOT NULL THEN
      -- a captured column its query does not read, renamed: capture is rebuilt, every reader recomputed
      SELECT format('column %I of its source %I.%I was renamed to %I (ALTER TABLE ... RENAME COLUMN): its next '
               'refresh recomputes it in full', k.name, v_source.schema_now, v_source.table_now, a.attname)
      INTO v_rebuild
      FROM ROWS FROM (pg_catalog.unnest(v_source.captured_columns), pg_catalog.unnest(v_source.captured_attnums))
        AS k(name, attnum)
      JOIN pg_catalog.pg_attribute AS a
        ON a.attrelid = v_source.source_relid AND a.attnum = k.attnum AND NOT a.attisdropped
      WHERE a.attname <> k.name
      ORDER BY k.attnum
      LIMIT 1;
    END IF;
    IF v_error IS NULL AND v_rebuild IS NULL AND v_source.captured_layout IS NOT NULL
       AND v_source.captured_layout IS DISTINCT FROM (
         SELECT coalesce(pg_catalog.string_agg(a.attnum::text
                  || CASE WHEN a.attnum = ANY (v_source.captured_attnums)
                          THEN ':' || a.atttypid::int8 || ':' || a.atttypmod || ':' || a.attcollation::int8
                          ELSE '' END, ',' ORDER BY a.attnum), '')
         FROM pg_catalog.pg_attribute AS a
         WHERE a.attrelid = v_source.source_relid AND a.attnum > 0 AND NOT a.attisdropped
           AND a.attnum <= (SELECT max(x) FROM pg_catalog.unnest(v_source.captured_attnums) AS x)) THEN
      v_rebuild := format('columns of its source %I.%I were dropped or changed type (ALTER TABLE): its next '
        'refresh rebuilds change capture and recomputes it in full', v_source.schema_now, v_source.table_now);
    END IF;
    IF v_error IS NOT NULL THEN
      UPDATE freshet.stream_tables SET status = 'ERROR', last_error = v_error WHERE id = v_source.stream_table_id;
    ELSIF v_rebuild IS NOT NULL THEN
      UPDATE freshet.stream_tables SET pending_rebuild = v_rebuild WHERE id = v_source.stream_table_id;
    END IF;
  END LOOP;
EXCEPTION WHEN OTHERS THEN
  RAISE WARNING 'Freshet could not record DDL on a table it uses: %', SQLERRM;
END
$on_source_ddl$;
REVOKE ALL ON FUNCTION freshet.on_source_ddl() FROM PUBLIC;

DO $install$
BEGIN
  IF (SELECT r.rolsuper FROM pg_catalog.pg_roles AS r WHERE r.rolname = current_user) THEN
    CREATE EVENT TRIGGER freshet_source_ddl ON ddl_command_end WHEN TAG IN ('ALTER TABLE')
    EXECUTE FUNCTION freshet.on_source_ddl();
  END IF;
END
$install$;
