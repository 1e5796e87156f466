-- A refresh runs inside PostgreSQL: `CALL freshet.refresh('name')` from any SQL client does a whole
-- refresh. Freshet prints each stream table's refresh once, when it is created (or its capture is
-- reconciled), as data: per source the statements that read its window into a change table, and per
-- set of changed sources a refresh program (the statements of DESIGN.md §6). freshet.refresh_window
-- runs them for one window; it is the whole refresh transaction's work, and the command line runs it
-- too. Calcite is needed only to print programs, never to refresh.

ALTER TABLE freshet.stream_tables ADD COLUMN recomputes_every_refresh boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN freshet.stream_tables.recomputes_every_refresh IS
  'FULL only: the query reads something no change buffer watches (a function, a view of a catalog), so every refresh recomputes';
ALTER TABLE freshet.stream_tables ADD COLUMN reconcile_check text;
COMMENT ON COLUMN freshet.stream_tables.reconcile_check IS
  'Query ($1: the sources'' relation ids) returning the ids of sources whose capture must be reconciled (columns renamed since it was set up)';

CREATE TABLE freshet.refresh_sources (
  stream_table_id      bigint  NOT NULL REFERENCES freshet.stream_tables (id) ON DELETE CASCADE,
  ordinal              integer NOT NULL CHECK (ordinal BETWEEN 0 AND 62),
  source_relid         oid     NOT NULL,
  label                text    NOT NULL,
  window_counts        text    NOT NULL,
  create_change_table  text,
  count_change_table   text,
  prepare_change_table text[]  NOT NULL DEFAULT '{}',
  cleanup              text    NOT NULL,
  PRIMARY KEY (stream_table_id, ordinal),
  UNIQUE (stream_table_id, source_relid)
);
COMMENT ON TABLE freshet.refresh_sources IS
  'How a refresh reads each source''s window: $1 is the current snapshot, $2 the previous one; bit ordinal of a changed set';
COMMENT ON COLUMN freshet.refresh_sources.window_counts IS 'Rows and TRUNCATE markers in the window';
COMMENT ON COLUMN freshet.refresh_sources.create_change_table IS 'Fills the source''s change table (NULL: a FULL stream table needs none)';
COMMENT ON COLUMN freshet.refresh_sources.cleanup IS 'Deletes buffer rows no consumer needs any more ($1: the source''s relation id)';

CREATE TABLE freshet.refresh_programs (
  stream_table_id bigint NOT NULL REFERENCES freshet.stream_tables (id) ON DELETE CASCADE,
  changed_mask    bigint NOT NULL CHECK (changed_mask >= 0),
  step_kinds      text[] NOT NULL,
  step_sql        text[] NOT NULL,
  step_failures   text[] NOT NULL,
  PRIMARY KEY (stream_table_id, changed_mask),
  CHECK (cardinality(step_kinds) = cardinality(step_sql) AND cardinality(step_sql) = cardinality(step_failures)),
  CHECK (step_kinds <@ ARRAY['statement', 'check', 'figures'])
);
COMMENT ON TABLE freshet.refresh_programs IS
  'Refresh programs: changed_mask 0 is the full refresh; another mask is the differential refresh for that set of changed sources (bits: refresh_sources.ordinal), exact for any subset of it';

-- The work of one refresh, inside the caller's REPEATABLE READ transaction (its snapshot is the window's
-- upper bound and the sources' state the delta reads): reads the window, runs the program for the changed
-- sources, records the new snapshot and a history row. Raises SQLSTATE FS001 when a source's capture must
-- be reconciled first, FS002 when no program is installed for the changed sources, and, asked for the exact
-- program (p_exact, as the command line does: it can print one), FS003 when the changed sources have none of
-- their own (DETAIL: 'changed_mask <n>'); nothing is applied then.
CREATE FUNCTION freshet.refresh_window(p_id bigint, p_exact boolean,
    OUT mode_used text, OUT changed_sources text[], OUT rows_inserted bigint, OUT rows_updated bigint,
    OUT rows_deleted bigint, OUT delta_rows bigint, OUT changed_mask bigint, OUT program_mask bigint)
LANGUAGE plpgsql AS $refresh_window$
#variable_conflict use_column
DECLARE
  v_st        freshet.stream_tables%ROWTYPE;
  v_current   pg_snapshot := pg_current_snapshot();
  v_started   timestamptz := now();
  v_src       freshet.refresh_sources%ROWTYPE;
  v_program   freshet.refresh_programs%ROWTYPE;
  v_relids    oid[];
  v_renamed   oid[];
  v_locks     text;
  v_rows      bigint;
  v_truncates bigint;
  v_count     bigint;
  v_truncated boolean := false;
  v_created   bigint := 0;
  v_statement text;
BEGIN
  changed_sources := '{}';
  rows_inserted := 0; rows_updated := 0; rows_deleted := 0; delta_rows := 0; changed_mask := 0;
  -- FOR UPDATE: a refresh whose snapshot predates another's commit fails to serialize, never applies twice
  SELECT * INTO v_st FROM freshet.stream_tables WHERE id = p_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'there is no stream table with id %', p_id USING ERRCODE = '42704';
  END IF;
  IF to_regclass(format('%I.%I', v_st.schema_name, v_st.table_name)) IS NULL THEN
    RAISE EXCEPTION 'stream table %.% was dropped outside Freshet (its table is gone)', quote_ident(v_st.schema_name),
        quote_ident(v_st.table_name)
      USING ERRCODE = '42P01', HINT = format('''freshet drop %I.%I'' removes what is left of it, and ''freshet create'' makes it again', v_st.schema_name, v_st.table_name);
  END IF;
  IF v_st.last_snapshot IS NULL THEN
    RAISE EXCEPTION 'stream table %.% was never populated', quote_ident(v_st.schema_name), quote_ident(v_st.table_name)
      USING ERRCODE = '55000';
  END IF;
  IF cardinality(v_st.search_path) > 0 THEN -- the defining query's names resolve as when it was created
    PERFORM set_config('search_path', (SELECT string_agg(quote_ident(s), ', ') FROM unnest(v_st.search_path) s), true);
  END IF;
  SELECT array_agg(s.source_relid ORDER BY s.ordinal) INTO v_relids
  FROM freshet.refresh_sources s WHERE s.stream_table_id = p_id;
  IF v_st.reconcile_check IS NULL
      OR NOT EXISTS (SELECT FROM freshet.refresh_programs p WHERE p.stream_table_id = p_id AND p.changed_mask = 0) THEN
    RAISE EXCEPTION 'no refresh program is installed for %.%', quote_ident(v_st.schema_name), quote_ident(v_st.table_name)
      USING ERRCODE = 'FS002', HINT = 'run ''freshet refresh'' for it once: it installs its programs';
  END IF;
  -- Sources locked against DDL until commit (ACCESS SHARE: writes do not wait); then no column of
  -- theirs may have been renamed since capture was set up, or the buffers would be read under stale names.
  SELECT string_agg(format('%I.%I', n.nspname, c.relname), ', ' ORDER BY c.oid) INTO v_locks
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = ANY (v_relids);
  IF v_locks IS NOT NULL THEN
    EXECUTE 'LOCK TABLE ONLY ' || v_locks || ' IN ACCESS SHARE MODE';
  END IF;
  EXECUTE v_st.reconcile_check INTO v_renamed USING v_relids;
  IF cardinality(v_renamed) > 0 THEN
    RAISE EXCEPTION 'a source of %.% changed (a column renamed or dropped, a partition added) since its capture was set up',
        quote_ident(v_st.schema_name), quote_ident(v_st.table_name)
      USING ERRCODE = 'FS001', DETAIL = 'sources: ' || v_renamed::text,
        HINT = 'run ''freshet refresh'' for it once: it reconciles the capture and reinstalls its programs';
  END IF;

  FOR v_src IN SELECT * FROM freshet.refresh_sources s WHERE s.stream_table_id = p_id ORDER BY s.ordinal LOOP
    EXECUTE v_src.window_counts INTO v_rows, v_truncates USING v_current, v_st.last_snapshot;
    CONTINUE WHEN v_rows = 0;
    changed_sources := changed_sources || v_src.label;
    IF v_truncates > 0 THEN
      v_truncated := true;
      CONTINUE;
    END IF;
    IF v_st.effective_mode = 'DIFFERENTIAL' THEN
      EXECUTE v_src.create_change_table USING v_current, v_st.last_snapshot;
      v_created := v_created | (1::bigint << v_src.ordinal);
      EXECUTE v_src.count_change_table INTO v_count;
      IF v_count > 0 THEN -- else only columns this stream table does not read changed
        FOREACH v_statement IN ARRAY v_src.prepare_change_table LOOP
          EXECUTE v_statement;
        END LOOP;
        changed_mask := changed_mask | (1::bigint << v_src.ordinal);
      END IF;
    END IF;
  END LOOP;

  IF v_st.recomputes_every_refresh
      OR (cardinality(changed_sources) > 0 AND (v_st.effective_mode = 'FULL' OR v_truncated)) THEN
    mode_used := 'FULL';
    program_mask := 0;
  ELSIF cardinality(changed_sources) = 0 THEN
    mode_used := v_st.effective_mode;
  ELSE
    mode_used := 'DIFFERENTIAL';
    IF changed_mask <> 0 AND p_exact AND NOT EXISTS (SELECT FROM freshet.refresh_programs p
        WHERE p.stream_table_id = p_id AND p.changed_mask = refresh_window.changed_mask) THEN
      RAISE EXCEPTION 'no refresh program of %.% for exactly these changed sources', quote_ident(v_st.schema_name),
          quote_ident(v_st.table_name)
        USING ERRCODE = 'FS003', DETAIL = 'changed_mask ' || refresh_window.changed_mask;
    END IF;
    IF changed_mask <> 0 THEN
      -- the program for the changed sources, or else for the fewest sources that include them: exact
      -- too, since an unchanged source's change table is empty
      SELECT p.changed_mask INTO program_mask
      FROM freshet.refresh_programs p
      WHERE p.stream_table_id = p_id AND p.changed_mask <> 0
        AND p.changed_mask & refresh_window.changed_mask = refresh_window.changed_mask
      ORDER BY length(replace(p.changed_mask::bit(64)::text, '0', '')), p.changed_mask
      LIMIT 1;
      IF program_mask IS NULL THEN
        RAISE EXCEPTION 'no refresh program of %.% covers the changed sources', quote_ident(v_st.schema_name),
            quote_ident(v_st.table_name)
          USING ERRCODE = 'FS002', HINT = 'run ''freshet refresh'' for it once: it installs its programs';
      END IF;
      -- the program's other sources get their (empty) change tables, indexed and analyzed like any: an
      -- empty table never analyzed is planned as thousands of rows, and its terms as full scans
      FOR v_src IN SELECT * FROM freshet.refresh_sources s WHERE s.stream_table_id = p_id
          AND program_mask & ~changed_mask & (1::bigint << s.ordinal) <> 0 LOOP
        IF v_created & (1::bigint << v_src.ordinal) = 0 THEN
          EXECUTE v_src.create_change_table USING v_current, v_st.last_snapshot;
        END IF;
        FOREACH v_statement IN ARRAY v_src.prepare_change_table LOOP
          EXECUTE v_statement;
        END LOOP;
      END LOOP;
    END IF;
  END IF;

  IF program_mask IS NOT NULL THEN
    SELECT * INTO STRICT v_program FROM freshet.refresh_programs p
    WHERE p.stream_table_id = p_id AND p.changed_mask = program_mask;
    FOR i IN 1 .. cardinality(v_program.step_kinds) LOOP
      CASE v_program.step_kinds[i]
        WHEN 'statement' THEN
          EXECUTE v_program.step_sql[i];
        WHEN 'check' THEN
          EXECUTE v_program.step_sql[i] INTO v_count;
          IF v_count <> 0 THEN
            RAISE EXCEPTION '% (% rows)', v_program.step_failures[i], v_count USING ERRCODE = 'XX000';
          END IF;
        WHEN 'figures' THEN
          EXECUTE v_program.step_sql[i] INTO rows_inserted, rows_updated, rows_deleted, delta_rows;
      END CASE;
    END LOOP;
  END IF;

  UPDATE freshet.stream_tables
  SET last_snapshot = v_current, last_refresh_at = now(), status = 'ACTIVE', last_error = NULL
  WHERE id = p_id;
  INSERT INTO freshet.refresh_history (stream_table_id, started_at, finished_at, mode_used, changed_sources,
    rows_inserted, rows_updated, rows_deleted, delta_rows, fallback_reason, error)
  VALUES (p_id, v_started, clock_timestamp(), mode_used, changed_sources, rows_inserted, rows_updated,
    rows_deleted, delta_rows, v_st.fallback_reason, NULL);
END
$refresh_window$;

-- A whole refresh from any SQL client: CALL freshet.refresh('schema.name'). Run it outside an explicit
-- transaction block (like VACUUM): it commits the refresh, then cleans the change buffers one source at
-- a time. A failed refresh applies nothing, is recorded (status ERROR, a history row) and re-raised.
CREATE PROCEDURE freshet.refresh(stream_table text)
LANGUAGE plpgsql AS $refresh$
DECLARE
  v_id       bigint;
  v_label    text;
  v_started  timestamptz;
  v_result   record;
  v_message  text;
  v_state    text;
  v_detail   text;
  v_hint     text;
  v_mode     text;
  v_fallback text;
  v_source   record;
BEGIN
  SELECT st.id, format('%I.%I', st.schema_name, st.table_name) INTO v_id, v_label
  FROM freshet.stream_tables st
  JOIN pg_namespace n ON n.nspname = st.schema_name
  JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = st.table_name
  WHERE c.oid = to_regclass(stream_table);
  IF v_id IS NULL THEN
    RAISE EXCEPTION 'there is no stream table %', stream_table USING ERRCODE = '42P01',
      HINT = 'SELECT schema_name, table_name FROM freshet.stream_tables lists them';
  END IF;
  COMMIT;
  SET TRANSACTION ISOLATION LEVEL REPEATABLE READ;
  -- the key of the command line's refresh lock ("FRRF", id): refreshes of one stream table never overlap
  IF NOT pg_try_advisory_xact_lock(x'46525246'::integer, v_id::integer) THEN
    RAISE EXCEPTION 'a refresh of % is already running in another session', v_label USING ERRCODE = '55P03',
      HINT = 'wait for it to finish: refreshes of one stream table never overlap';
  END IF;
  v_started := now();
  BEGIN
    SELECT * INTO v_result FROM freshet.refresh_window(v_id, false);
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_message = MESSAGE_TEXT, v_state = RETURNED_SQLSTATE, v_detail = PG_EXCEPTION_DETAIL,
      v_hint = PG_EXCEPTION_HINT;
  END;
  IF v_message IS NOT NULL THEN
    UPDATE freshet.stream_tables SET status = 'ERROR', last_error = v_message WHERE id = v_id
    RETURNING effective_mode, fallback_reason INTO v_mode, v_fallback;
    INSERT INTO freshet.refresh_history (stream_table_id, started_at, finished_at, mode_used, changed_sources,
      rows_inserted, rows_updated, rows_deleted, delta_rows, fallback_reason, error)
    VALUES (v_id, v_started, clock_timestamp(), v_mode, '{}', 0, 0, 0, 0, v_fallback, v_message);
    COMMIT;
    RAISE EXCEPTION USING MESSAGE = v_message, ERRCODE = v_state, DETAIL = coalesce(v_detail, ''),
      HINT = coalesce(v_hint, '');
  END IF;
  COMMIT;
  FOR v_source IN SELECT s.source_relid, s.cleanup FROM freshet.refresh_sources s WHERE s.stream_table_id = v_id LOOP
    -- the capture's per-source lock ("FRCP", relid) keeps cleaning, capturing set-up and reconciling apart
    IF to_regclass('freshet_changes.src_' || v_source.source_relid) IS NOT NULL THEN
      PERFORM pg_advisory_xact_lock((x'46524350'::bigint << 32) | v_source.source_relid::bigint);
      EXECUTE v_source.cleanup USING v_source.source_relid;
    END IF;
    COMMIT;
  END LOOP;
END
$refresh$;
COMMENT ON PROCEDURE freshet.refresh(text) IS
  'Refreshes a stream table (CALL outside a transaction block); the command line''s refresh does the same work';

-- Changes buffered for a stream table since its last refresh, per source (rows of its change buffer in the
-- window the next refresh would read): what `freshet status` and `list` show as pending.
CREATE FUNCTION freshet.pending_changes(p_id bigint, OUT source text, OUT changes bigint)
RETURNS SETOF record
LANGUAGE plpgsql STABLE AS $pending_changes$
DECLARE
  v_last      pg_snapshot;
  v_src       freshet.refresh_sources%ROWTYPE;
  v_truncates bigint;
BEGIN
  SELECT st.last_snapshot INTO v_last FROM freshet.stream_tables st WHERE st.id = p_id;
  IF v_last IS NULL THEN
    RETURN;
  END IF;
  FOR v_src IN SELECT * FROM freshet.refresh_sources s WHERE s.stream_table_id = p_id ORDER BY s.ordinal LOOP
    source := v_src.label;
    EXECUTE v_src.window_counts INTO changes, v_truncates USING pg_current_snapshot(), v_last;
    RETURN NEXT;
  END LOOP;
END
$pending_changes$;
