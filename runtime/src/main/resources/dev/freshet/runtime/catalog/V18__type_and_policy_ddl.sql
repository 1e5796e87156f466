-- DDL that changes what a source's rows mean without an ALTER TABLE of its columns, recorded as it happens
-- (issue 14, CORR-3/4), like V13 and V15: event triggers created only when a superuser migrates the
-- catalog, never failing the DDL that fired them.
--
-- Types. Freshet identifies a stored row or group by a hash of its values' text, and its programs name
-- the types they cast to. So a stream table whose sources' columns use a type (directly, or through a
-- domain, an array, a range or a composite's attribute, at any depth) is rebuilt when
--   * a value of an enum is renamed (ALTER TYPE ... RENAME VALUE: stored labels read as the new one, their
--     hashes were computed from the old one: a later change to such a row or group was not found, and a
--     grouped stream table got a second group of the same label);
--   * the type or domain is renamed or moved to another schema (ALTER TYPE / ALTER DOMAIN ... RENAME, SET
--     SCHEMA, ALTER SCHEMA ... RENAME: the programs name the old type and fail);
--   * a composite's attributes change (ADD, DROP, ALTER ... TYPE, RENAME ATTRIBUTE: its values' text
--     changes; a query naming the attribute must be compiled again).
-- It is not rebuilt when an enum gets a value (ADD VALUE: existing labels, their hashes and their order
-- stay as they are), when a domain's constraints, NOT NULL or default change (stored values do not
-- change; Freshet's plans read a domain as its base type, with the column's own nullability, and never
-- rely on a domain's CHECK), nor on OWNER TO. The rebuild: status shows it (pending_rebuild); the next
-- refresh by the command line or the service compiles the stream table again, hashes its stored rows
-- anew and recomputes it in full, applied as a diff (rebuild_step 'compile', then 'recompute'); CALL
-- freshet.refresh does the recompute, and asks for 'freshet refresh' for the compile.
--
-- Row-level security. A recompute reads a source with the rights of the role that refreshes, and the
-- rows it may read are decided by the source's row-level security: ENABLE / DISABLE / FORCE / NO FORCE
-- ROW LEVEL SECURITY, and the policies that decide what SELECT sees (FOR SELECT or ALL: their roles, USING
-- expression, permissive or restrictive). When that changes (CREATE / ALTER / DROP POLICY, ALTER TABLE
-- ... ROW LEVEL SECURITY), every stream table reading the source is recomputed in full by its next refresh
-- (rebuild_step 'recompute'): what it holds may have been computed under the old rules. A policy for
-- INSERT, UPDATE or DELETE only, or a policy renamed, changes nothing.
--
-- What each source looked like when its stream table was compiled is recorded here, per source:
ALTER TABLE freshet.stream_table_sources ADD COLUMN column_types jsonb;
ALTER TABLE freshet.stream_table_sources ADD COLUMN row_security text;
COMMENT ON COLUMN freshet.stream_table_sources.column_types IS
  'Every type the read columns use, at any depth (freshet.source_column_types), as when the stream table was compiled or DDL was last seen; NULL before catalog V18';
COMMENT ON COLUMN freshet.stream_table_sources.row_security IS
  'The source''s row-level security as SELECT sees it (freshet.source_row_security), as last seen; NULL before catalog V18';

ALTER TABLE freshet.stream_tables ADD COLUMN rebuild_step text
  CONSTRAINT stream_tables_rebuild_step_check CHECK (rebuild_step IN ('compile', 'recompute'));
ALTER TABLE freshet.stream_tables ADD COLUMN rebuilt_at timestamptz;
COMMENT ON COLUMN freshet.stream_tables.rebuild_step IS
  'What its next refresh must do for pending_rebuild (DDL on a type or on row-level security): compile (the command line compiles it again, then recomputes) or recompute; NULL otherwise';
COMMENT ON COLUMN freshet.stream_tables.rebuilt_at IS
  'When it was last compiled again after DDL on a source: a plan compiled before is stale';

-- The clearing trigger of V15, clearing the step too: the refresh that succeeds is the rebuild
CREATE OR REPLACE FUNCTION freshet.clear_pending_rebuild() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.last_refresh_at IS DISTINCT FROM OLD.last_refresh_at THEN
    NEW.pending_rebuild := NULL;
    NEW.rebuild_step := NULL;
  END IF;
  RETURN NEW;
END
$$;

-- Each type a source's columns use, at any depth: the column's own type, a domain's base type, an
-- array's element type, a range's subtype, a multirange's range, a composite's attributes' types. No
-- columns (a FULL stream table records none: its query is run as written) means all of them.
CREATE FUNCTION freshet.source_type_uses(p_relid oid, p_columns name[],
    OUT column_name name, OUT column_type oid, OUT type_oid oid)
RETURNS SETOF record
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
  WITH RECURSIVE reach (column_name, column_type, type_oid) AS (
    SELECT a.attname, a.atttypid, a.atttypid
    FROM pg_catalog.pg_attribute AS a
    WHERE a.attrelid = p_relid AND (a.attname = ANY (p_columns) OR cardinality(p_columns) = 0) AND a.attnum > 0
      AND NOT a.attisdropped
    UNION
    SELECT r.column_name, r.column_type, x.type_oid
    FROM reach AS r
    JOIN pg_catalog.pg_type AS t ON t.oid = r.type_oid
    CROSS JOIN LATERAL (
      SELECT t.typbasetype WHERE t.typtype = 'd'
      UNION ALL
      SELECT t.typelem WHERE t.typcategory = 'A' AND t.typelem <> 0 AND t.typlen = -1
      UNION ALL
      SELECT ca.atttypid FROM pg_catalog.pg_attribute AS ca
      WHERE t.typtype = 'c' AND ca.attrelid = t.typrelid AND ca.attnum > 0 AND NOT ca.attisdropped
      UNION ALL
      SELECT rg.rngsubtype FROM pg_catalog.pg_range AS rg WHERE rg.rngtypid = t.oid
      UNION ALL
      SELECT rg.rngtypid FROM pg_catalog.pg_range AS rg WHERE rg.rngmultitypid = t.oid
    ) AS x (type_oid)
  )
  SELECT r.column_name, r.column_type, r.type_oid FROM reach AS r
$$;

-- What of a type decides its values' text and the names a program prints: its qualified name, an enum's
-- labels (by their oid: a renamed value keeps it), a composite's attributes (each present only if any).
CREATE FUNCTION freshet.type_descriptor(p_type oid) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
  SELECT pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
    'name', pg_catalog.format('%I.%I', n.nspname, t.typname),
    'labels', (SELECT pg_catalog.jsonb_object_agg(e.oid::text, e.enumlabel)
               FROM pg_catalog.pg_enum AS e WHERE e.enumtypid = t.oid),
    'attributes', (SELECT pg_catalog.string_agg(pg_catalog.format('%I %s %s %s', a.attname, a.atttypid, a.atttypmod,
                            a.attcollation), ', ' ORDER BY a.attnum)
                   FROM pg_catalog.pg_attribute AS a
                   WHERE t.typtype = 'c' AND a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped)))
  FROM pg_catalog.pg_type AS t
  JOIN pg_catalog.pg_namespace AS n ON n.oid = t.typnamespace
  WHERE t.oid = p_type
$$;

-- The descriptor of every type the columns use, by type oid.
CREATE FUNCTION freshet.source_column_types(p_relid oid, p_columns name[]) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
  SELECT coalesce(pg_catalog.jsonb_object_agg(u.type_oid::text, freshet.type_descriptor(u.type_oid)), '{}')
  FROM (SELECT DISTINCT s.type_oid FROM freshet.source_type_uses(p_relid, p_columns) AS s) AS u
$$;

-- A source's row-level security as it decides what a SELECT sees: enabled, forced, and each policy for
-- SELECT or ALL (permissive or restrictive, its roles, its USING expression), without the policies' names.
CREATE FUNCTION freshet.source_row_security(p_relid oid) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
  SELECT CASE WHEN c.relrowsecurity THEN 'enabled' ELSE 'disabled' END
         || CASE WHEN c.relforcerowsecurity THEN ', forced' ELSE '' END
         || coalesce((SELECT pg_catalog.string_agg(x.policy, '' ORDER BY x.policy)
                      FROM (SELECT pg_catalog.format('; %s %s to %s using %s',
                                     CASE WHEN p.polpermissive THEN 'permissive' ELSE 'restrictive' END, p.polcmd,
                                     (SELECT pg_catalog.array_agg(r ORDER BY r) FROM pg_catalog.unnest(p.polroles) AS r),
                                     coalesce(pg_catalog.pg_get_expr(p.polqual, p.polrelid), 'true')) AS policy
                            FROM pg_catalog.pg_policy AS p
                            WHERE p.polrelid = c.oid AND p.polcmd IN ('r', '*')) AS x), '')
  FROM pg_catalog.pg_class AS c
  WHERE c.oid = p_relid
$$;

-- Records how stream table p_id's sources look now (when it is compiled, and at this migration).
CREATE FUNCTION freshet.record_source_state(p_id bigint) RETURNS void
LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$
  UPDATE freshet.stream_table_sources AS s
  SET column_types = freshet.source_column_types(s.source_relid, s.columns),
      row_security = freshet.source_row_security(s.source_relid)
  WHERE s.stream_table_id = p_id
$$;

SELECT freshet.record_source_state(st.id) FROM freshet.stream_tables AS st;

-- At the end of ALTER TYPE, ALTER DOMAIN or ALTER SCHEMA: each source's types now against those recorded.
-- A type recorded and still used that was renamed or moved, had an enum value renamed or its attributes
-- changed makes every stream table reading it compile again before its next refresh (rebuild_step
-- 'compile', with a reason naming the type, the value, the table and the column). A type used now and
-- not recorded (a column changed type: ALTER TABLE, see V15) or recorded and no longer used is only
-- recorded. The new state is recorded in every case (an enum's added values too).
CREATE FUNCTION freshet.on_type_ddl() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $on_type_ddl$
DECLARE
  v_source record;
  v_now jsonb;
  v_type record;
  v_label record;
  v_use record;
  v_reason text;
  v_uses text;
BEGIN
  FOR v_source IN
    SELECT s.stream_table_id, s.source_relid, s.columns, s.column_types, n.nspname, c.relname
    FROM freshet.stream_table_sources AS s
    JOIN pg_catalog.pg_class AS c ON c.oid = s.source_relid
    JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
    ORDER BY s.stream_table_id, s.source_relid
  LOOP
    v_now := freshet.source_column_types(v_source.source_relid, v_source.columns);
    CONTINUE WHEN v_now = v_source.column_types;
    BEGIN -- one source that cannot be compared does not keep the others from being recorded
    v_reason := NULL;
    -- the types recorded and used now; a declared type before the array types PostgreSQL made for it
    FOR v_type IN
      SELECT o.key::oid AS type_oid, o.value AS old, v_now -> o.key AS new
      FROM pg_catalog.jsonb_each(v_source.column_types) AS o
      JOIN pg_catalog.pg_type AS t ON t.oid = o.key::oid
      WHERE v_now ? o.key AND v_now -> o.key <> o.value
      ORDER BY t.typcategory = 'A', o.key::oid
    LOOP
      SELECT u.column_name, u.column_type INTO v_use
      FROM freshet.source_type_uses(v_source.source_relid, v_source.columns) AS u
      WHERE u.type_oid = v_type.type_oid
      ORDER BY u.column_type = v_type.type_oid DESC, u.column_name
      LIMIT 1;
      v_uses := pg_catalog.format('which its source column %I.%I.%I uses', v_source.nspname, v_source.relname,
        v_use.column_name)
        || CASE WHEN v_use.column_type <> v_type.type_oid
                THEN pg_catalog.format(' (as %s)', pg_catalog.format_type(v_use.column_type, NULL)) ELSE '' END;
      IF v_type.old ->> 'name' <> v_type.new ->> 'name' THEN
        v_reason := pg_catalog.format('type %s, %s, was renamed to %s (%s)', v_type.old ->> 'name', v_uses,
          v_type.new ->> 'name', TG_TAG || CASE WHEN TG_TAG = 'ALTER SCHEMA' THEN ' ... RENAME'
            WHEN pg_catalog.split_part(v_type.old ->> 'name', '.', 1) = pg_catalog.split_part(v_type.new ->> 'name', '.', 1)
            THEN ' ... RENAME' ELSE ' ... SET SCHEMA' END);
      ELSE
        SELECT o.value AS old_label, l.value AS new_label INTO v_label
        FROM pg_catalog.jsonb_each_text(coalesce(v_type.old -> 'labels', '{}')) AS o
        LEFT JOIN pg_catalog.jsonb_each_text(coalesce(v_type.new -> 'labels', '{}')) AS l ON l.key = o.key
        WHERE l.value IS DISTINCT FROM o.value
        ORDER BY o.key::oid
        LIMIT 1;
        IF FOUND THEN
          v_reason := pg_catalog.format('value %L of type %s, %s, was %s (%s ... RENAME VALUE)', v_label.old_label,
            v_type.new ->> 'name', v_uses, coalesce('renamed to ' || pg_catalog.quote_literal(v_label.new_label),
            'removed'), TG_TAG);
        ELSIF (v_type.old ->> 'attributes') IS DISTINCT FROM (v_type.new ->> 'attributes') THEN
          v_reason := pg_catalog.format('the attributes of type %s, %s, changed (%s ... ATTRIBUTE)',
            v_type.new ->> 'name', v_uses, TG_TAG);
        END IF;
      END IF;
      EXIT WHEN v_reason IS NOT NULL;
    END LOOP;
    UPDATE freshet.stream_table_sources SET column_types = v_now
    WHERE stream_table_id = v_source.stream_table_id AND source_relid = v_source.source_relid;
    IF v_reason IS NOT NULL THEN
      UPDATE freshet.stream_tables
      SET pending_rebuild = v_reason || ': its next refresh compiles it again and recomputes it in full',
          rebuild_step = 'compile'
      WHERE id = v_source.stream_table_id;
    END IF;
    EXCEPTION WHEN OTHERS THEN
      RAISE WARNING 'Freshet could not compare the types of source %.% with those recorded: %', v_source.nspname,
        v_source.relname, SQLERRM;
    END;
  END LOOP;
EXCEPTION WHEN OTHERS THEN
  RAISE WARNING 'Freshet could not record DDL on a type its sources use: %', SQLERRM;
END
$on_type_ddl$;
REVOKE ALL ON FUNCTION freshet.on_type_ddl() FROM PUBLIC;

-- At the end of CREATE / ALTER / DROP POLICY and ALTER TABLE: each source concerned (every source, for a
-- DROP POLICY, which names no object here) whose row-level security changed as SELECT sees it makes every
-- stream table reading it recompute in full at its next refresh.
CREATE FUNCTION freshet.on_row_security_ddl() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $on_row_security_ddl$
DECLARE
  v_source record;
  v_now text;
BEGIN
  FOR v_source IN
    SELECT s.stream_table_id, s.source_relid, s.row_security, n.nspname, c.relname
    FROM freshet.stream_table_sources AS s
    JOIN pg_catalog.pg_class AS c ON c.oid = s.source_relid
    JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
    WHERE TG_TAG = 'DROP POLICY'
       OR s.source_relid IN (
         SELECT CASE WHEN d.classid = 'pg_catalog.pg_policy'::pg_catalog.regclass
                     THEN (SELECT p.polrelid FROM pg_catalog.pg_policy AS p WHERE p.oid = d.objid)
                     ELSE d.objid END
         FROM pg_catalog.pg_event_trigger_ddl_commands() AS d
         WHERE d.classid IN ('pg_catalog.pg_policy'::pg_catalog.regclass, 'pg_catalog.pg_class'::pg_catalog.regclass))
    ORDER BY s.stream_table_id, s.source_relid
  LOOP
    v_now := freshet.source_row_security(v_source.source_relid);
    CONTINUE WHEN v_now IS NOT DISTINCT FROM v_source.row_security;
    UPDATE freshet.stream_table_sources SET row_security = v_now
    WHERE stream_table_id = v_source.stream_table_id AND source_relid = v_source.source_relid;
    -- a compile pending (DDL on a type) keeps its reason: it recomputes too
    UPDATE freshet.stream_tables
    SET pending_rebuild = pg_catalog.format('the row-level security of its source %I.%I changed (%s): its next '
          'refresh recomputes it in full', v_source.nspname, v_source.relname,
          CASE WHEN TG_TAG = 'ALTER TABLE' THEN 'ALTER TABLE ... ROW LEVEL SECURITY' ELSE TG_TAG END),
        rebuild_step = 'recompute'
    WHERE id = v_source.stream_table_id AND rebuild_step IS DISTINCT FROM 'compile';
  END LOOP;
EXCEPTION WHEN OTHERS THEN
  RAISE WARNING 'Freshet could not record a change of row-level security of a table it uses: %', SQLERRM;
END
$on_row_security_ddl$;
REVOKE ALL ON FUNCTION freshet.on_row_security_ddl() FROM PUBLIC;

DO $install$
BEGIN
  IF (SELECT r.rolsuper FROM pg_catalog.pg_roles AS r WHERE r.rolname = current_user) THEN
    CREATE EVENT TRIGGER freshet_type_ddl ON ddl_command_end WHEN TAG IN ('ALTER TYPE', 'ALTER DOMAIN', 'ALTER SCHEMA')
    EXECUTE FUNCTION freshet.on_type_ddl();
    CREATE EVENT TRIGGER freshet_row_security_ddl ON ddl_command_end
    WHEN TAG IN ('CREATE POLICY', 'ALTER POLICY', 'DROP POLICY', 'ALTER TABLE')
    EXECUTE FUNCTION freshet.on_row_security_ddl();
  END IF;
END
$install$;
