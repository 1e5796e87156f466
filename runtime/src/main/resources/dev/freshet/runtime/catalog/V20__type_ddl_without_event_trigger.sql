-- DDL on a type that a source's columns use, seen by the refresh when no event trigger saw it (issue 14).
-- V18's event trigger freshet_type_ddl is created only when a superuser migrates the catalog (managed
-- services often have none), and may be disabled. Without it, ALTER TYPE ... RENAME VALUE 'ok' TO 'fine'
-- then an insert of 'fine' gave a grouped stream table two groups displayed 'fine' (the old group's hash
-- was of 'ok'), after a refresh that reported success.
--
-- Now refresh_window (R__refresh_functions.sql), when freshet_type_ddl is missing or not enabled for
-- ordinary sessions (evtenabled other than 'O' or 'A'), compares the types recorded for the stream table's
-- sources with the current ones, as the trigger would have at the DDL: only for a stream table whose
-- recorded types include one that is not built in (oid at or above 16384, FirstNormalObjectId: every enum,
-- composite and domain a user or an extension creates; the types initdb creates cannot be given other
-- labels or attributes, and are not renamed in practice), so a stream table of built-in types only pays one
-- look at its recorded types. On a difference that changes a result it fails with FS005 before applying
-- anything; the command line then calls freshet.note_type_changes in a transaction of its own (the
-- refresh's is rolled back), which marks the stream table as the trigger would (same reason, rebuild_step
-- 'compile'), and rebuilds it; CALL freshet.refresh marks it the same way and reports FS005. A difference
-- that changes nothing (an enum value added, a column's type changed by ALTER TABLE) is recorded by the
-- refresh, which goes on.
--
-- The comparison is freshet.note_type_changes, which V18's on_type_ddl now calls too; its reason names the
-- DDL the trigger's tag named, inferred when no trigger gives it: ALTER DOMAIN for a domain, ALTER SCHEMA
-- ... RENAME when the old schema's name is gone, else ALTER TYPE.

-- Why the types type_descriptor describes for a source (p_old as recorded, p_new as now) make its stream
-- tables compile again, or NULL: the first of its types recorded and still used that was renamed or moved,
-- had an enum value renamed (or removed) or its attributes changed (a declared type before the array types
-- PostgreSQL made for it). p_tag is the DDL's command tag (an event trigger's TG_TAG), or NULL to infer it.
CREATE FUNCTION freshet.type_change_reason(p_relid oid, p_columns name[], p_old jsonb, p_new jsonb, p_tag text)
RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $type_change_reason$
DECLARE
  v_type   record;
  v_label  record;
  v_use    record;
  v_uses   text;
  v_tag    text;
  v_source text;
BEGIN
  SELECT pg_catalog.format('%I.%I', n.nspname, c.relname) INTO v_source
  FROM pg_catalog.pg_class AS c JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
  WHERE c.oid = p_relid;
  FOR v_type IN
    SELECT o.key::oid AS type_oid, o.value AS old, p_new -> o.key AS new, t.typtype
    FROM pg_catalog.jsonb_each(p_old) AS o
    JOIN pg_catalog.pg_type AS t ON t.oid = o.key::oid
    WHERE p_new ? o.key AND p_new -> o.key <> o.value
    ORDER BY t.typcategory = 'A', o.key::oid
  LOOP
    SELECT u.column_name, u.column_type INTO v_use
    FROM freshet.source_type_uses(p_relid, p_columns) AS u
    WHERE u.type_oid = v_type.type_oid
    ORDER BY u.column_type = v_type.type_oid DESC, u.column_name
    LIMIT 1;
    v_uses := pg_catalog.format('which its source column %s.%I uses', v_source, v_use.column_name)
      || CASE WHEN v_use.column_type <> v_type.type_oid
              THEN pg_catalog.format(' (as %s)', pg_catalog.format_type(v_use.column_type, NULL)) ELSE '' END;
    v_tag := coalesce(p_tag, CASE WHEN v_type.typtype = 'd' THEN 'ALTER DOMAIN' ELSE 'ALTER TYPE' END);
    IF v_type.old ->> 'name' <> v_type.new ->> 'name' THEN
      -- a name is schema.type, each part quoted as needed: the schema's part ends at the first dot outside quotes
      IF p_tag IS NULL AND (pg_catalog.parse_ident(v_type.old ->> 'name'))[1]
            <> (pg_catalog.parse_ident(v_type.new ->> 'name'))[1]
          AND NOT EXISTS (SELECT FROM pg_catalog.pg_namespace AS n
                          WHERE n.nspname = (pg_catalog.parse_ident(v_type.old ->> 'name'))[1]) THEN
        v_tag := 'ALTER SCHEMA';
      END IF;
      RETURN pg_catalog.format('type %s, %s, was renamed to %s (%s)', v_type.old ->> 'name', v_uses,
        v_type.new ->> 'name', v_tag || CASE WHEN v_tag = 'ALTER SCHEMA' THEN ' ... RENAME'
          WHEN pg_catalog.split_part(v_type.old ->> 'name', '.', 1) = pg_catalog.split_part(v_type.new ->> 'name', '.', 1)
          THEN ' ... RENAME' ELSE ' ... SET SCHEMA' END);
    END IF;
    SELECT o.value AS old_label, l.value AS new_label INTO v_label
    FROM pg_catalog.jsonb_each_text(coalesce(v_type.old -> 'labels', '{}')) AS o
    LEFT JOIN pg_catalog.jsonb_each_text(coalesce(v_type.new -> 'labels', '{}')) AS l ON l.key = o.key
    WHERE l.value IS DISTINCT FROM o.value
    ORDER BY o.key::oid
    LIMIT 1;
    IF FOUND THEN
      RETURN pg_catalog.format('value %L of type %s, %s, was %s (%s ... RENAME VALUE)', v_label.old_label,
        v_type.new ->> 'name', v_uses, coalesce('renamed to ' || pg_catalog.quote_literal(v_label.new_label),
        'removed'), v_tag);
    END IF;
    IF (v_type.old ->> 'attributes') IS DISTINCT FROM (v_type.new ->> 'attributes') THEN
      RETURN pg_catalog.format('the attributes of type %s, %s, changed (%s ... ATTRIBUTE)', v_type.new ->> 'name',
        v_uses, v_tag);
    END IF;
  END LOOP;
  RETURN NULL;
END
$type_change_reason$;

-- Compares the types each source of stream table p_id (of every stream table when NULL) uses now with those
-- recorded, records them, and marks a stream table whose source's types changed in a way that changes a
-- result (freshet.type_change_reason) to compile again before its next refresh (pending_rebuild, rebuild_step
-- 'compile'). Returns the reason of the last stream table it marked, NULL when none. For every stream table
-- (the event trigger's call) a source that cannot be compared is reported as a warning and the others are
-- still recorded: the DDL that fired it must not fail; for one stream table (a refresh's) the error is raised.
CREATE FUNCTION freshet.note_type_changes(p_id bigint, p_tag text) RETURNS text
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $note_type_changes$
DECLARE
  v_source record;
  v_now    jsonb;
  v_reason text;
  v_marked text;
BEGIN
  FOR v_source IN
    SELECT s.stream_table_id, s.source_relid, s.columns, s.column_types, n.nspname, c.relname
    FROM freshet.stream_table_sources AS s
    JOIN pg_catalog.pg_class AS c ON c.oid = s.source_relid
    JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
    WHERE (p_id IS NULL OR s.stream_table_id = p_id) AND s.column_types IS NOT NULL
    ORDER BY s.stream_table_id, s.source_relid
  LOOP
    v_now := freshet.source_column_types(v_source.source_relid, v_source.columns);
    CONTINUE WHEN v_now = v_source.column_types;
    BEGIN
      v_reason := freshet.type_change_reason(v_source.source_relid, v_source.columns, v_source.column_types, v_now,
        p_tag);
      UPDATE freshet.stream_table_sources SET column_types = v_now
      WHERE stream_table_id = v_source.stream_table_id AND source_relid = v_source.source_relid;
      IF v_reason IS NOT NULL THEN
        UPDATE freshet.stream_tables
        SET pending_rebuild = v_reason || ': its next refresh compiles it again and recomputes it in full',
            rebuild_step = 'compile'
        WHERE id = v_source.stream_table_id;
        v_marked := v_reason;
      END IF;
    EXCEPTION WHEN OTHERS THEN
      IF p_id IS NOT NULL THEN
        RAISE;
      END IF;
      RAISE WARNING 'Freshet could not compare the types of source %.% with those recorded: %', v_source.nspname,
        v_source.relname, SQLERRM;
    END;
  END LOOP;
  RETURN v_marked;
END
$note_type_changes$;
COMMENT ON FUNCTION freshet.note_type_changes(bigint, text) IS
  'Records the types the sources of stream table p_id (all when NULL) use, and marks it for a rebuild when DDL on one changed a result (catalog V20)';

-- V18's event trigger function, its comparison now freshet.note_type_changes (privileges kept: REVOKEd)
CREATE OR REPLACE FUNCTION freshet.on_type_ddl() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $on_type_ddl$
BEGIN
  PERFORM freshet.note_type_changes(NULL, TG_TAG);
EXCEPTION WHEN OTHERS THEN
  RAISE WARNING 'Freshet could not record DDL on a type its sources use: %', SQLERRM;
END
$on_type_ddl$;
