-- AUTO chooses per refresh: a stream table requested AUTO and maintained DIFFERENTIAL is recomputed
-- (a FULL refresh, applied as a diff) when its window is large enough that a differential refresh would
-- cost more. The estimate is the stream table's own record: what its recent differential refreshes cost
-- for their windows (a line fitted through them), against what its last recompute cost (at create, or
-- its last FULL refresh). Both modes give the same result; a wrong guess costs time, never rows.
-- Also: stream tables belong to their creator (freshet.may_manage), the catalog is readable by every role,
-- a refresh can be profiled step by step or asked to recompute (refresh_window's p_profile, p_full), and a
-- change table's rows are counted as they are written.

ALTER TABLE freshet.refresh_history ADD COLUMN window_rows bigint CHECK (window_rows >= 0);
ALTER TABLE freshet.refresh_history ADD COLUMN mode_reason text;
COMMENT ON COLUMN freshet.refresh_history.window_rows IS 'Buffered changes the refresh read, all sources together';
COMMENT ON COLUMN freshet.refresh_history.mode_reason IS 'Why this refresh ran in its mode (AUTO''s estimate, a TRUNCATE)';

ALTER TABLE freshet.stream_tables ADD COLUMN recompute_ms double precision CHECK (recompute_ms >= 0);
COMMENT ON COLUMN freshet.stream_tables.recompute_ms IS
  'What computing the whole stream table last cost (its population at create, or its last FULL refresh), in ms';
-- stream tables created before this version: their creation's duration (it includes the plan check, so
-- it overestimates a recompute a little until their first FULL refresh measures one)
UPDATE freshet.stream_tables st
SET recompute_ms = (SELECT extract(epoch FROM h.finished_at - h.started_at) * 1000
                    FROM freshet.refresh_history h
                    WHERE h.stream_table_id = st.id AND h.mode_used = 'FULL' AND h.error IS NULL
                      AND h.finished_at IS NOT NULL
                    ORDER BY h.id DESC LIMIT 1);

-- AUTO's choice for a window of p_window_rows buffered changes: DIFFERENTIAL unless a differential refresh
-- is estimated to cost more than the last recompute. The estimate comes from the last 20 successful
-- differential refreshes that read something:
--  * windows of sizes at least a factor 2 apart: a least-squares line, cost = fixed + per change × changes;
--  * windows of about one size (a line through them would be noise): their mean cost for a window up to
--    that size; for a larger one the cost lies between that mean (if cost only grew with the window) and
--    the mean scaled by the sizes' ratio (if there were no fixed cost), and a recompute is chosen only when
--    the lower bound exceeds it, or when neither bound decides and the window holds more changes than a
--    tenth of its sources' rows (PostgreSQL's estimate, pg_class.reltuples);
--  * none yet: that last rule alone.
CREATE FUNCTION freshet.auto_choice(p_id bigint, p_window_rows bigint,
    OUT mode text, OUT differential_ms double precision, OUT full_ms double precision, OUT reason text)
LANGUAGE plpgsql STABLE AS $auto_choice$
DECLARE
  v_seen        bigint;
  v_min_rows    double precision;
  v_max_rows    double precision;
  v_slope       double precision;
  v_avg_ms      double precision;
  v_avg_rows    double precision;
  v_upper       double precision;
  v_source_rows double precision;
  v_large       boolean;
  v_changes     text := to_char(p_window_rows, 'FM999,999,999,999,990')
                          || CASE WHEN p_window_rows = 1 THEN ' change' ELSE ' changes' END;
  v_recompute   text;
BEGIN
  SELECT st.recompute_ms INTO full_ms FROM freshet.stream_tables st WHERE st.id = p_id;
  IF full_ms IS NULL THEN
    mode := 'DIFFERENTIAL';
    reason := format('AUTO: %s; no recompute measured yet', v_changes);
    RETURN;
  END IF;
  v_recompute := 'a recompute at ' || to_char(full_ms, 'FM999,999,999,990.0') || ' ms';
  SELECT count(*), min(o.rows), max(o.rows), regr_slope(o.ms, o.rows), avg(o.ms), avg(o.rows)
  INTO v_seen, v_min_rows, v_max_rows, v_slope, v_avg_ms, v_avg_rows
  FROM (SELECT h.window_rows::double precision AS rows,
          extract(epoch FROM h.finished_at - h.started_at)::double precision * 1000 AS ms
        FROM freshet.refresh_history h
        WHERE h.stream_table_id = p_id AND h.mode_used = 'DIFFERENTIAL' AND h.error IS NULL
          AND h.window_rows > 0 AND h.finished_at IS NOT NULL
        ORDER BY h.id DESC
        LIMIT 20) AS o;
  SELECT sum(greatest(c.reltuples, 0)) INTO v_source_rows
  FROM freshet.refresh_sources s JOIN pg_catalog.pg_class c ON c.oid = s.source_relid
  WHERE s.stream_table_id = p_id;
  v_large := coalesce(v_source_rows > 0 AND p_window_rows > v_source_rows / 10, false);

  IF v_seen = 0 THEN
    IF v_large THEN
      mode := 'FULL';
      reason := format('AUTO: %s, more than a tenth of the sources'' %s rows, and no differential refresh '
        'measured yet: recomputed', v_changes, to_char(v_source_rows, 'FM999,999,999,999,990'));
    ELSE
      mode := 'DIFFERENTIAL';
      reason := format('AUTO: %s; no differential refresh measured yet', v_changes);
    END IF;
    RETURN;
  END IF;

  IF v_max_rows >= 2 * v_min_rows THEN
    v_slope := greatest(coalesce(v_slope, 0), 0);
    differential_ms := greatest(v_avg_ms - v_slope * v_avg_rows, 0) + v_slope * p_window_rows;
    reason := format('AUTO: %s; differential estimated at %s ms (a line through the last %s), %s', v_changes,
      to_char(differential_ms, 'FM999,999,999,990.0'), v_seen, v_recompute);
  ELSIF p_window_rows <= v_max_rows THEN
    differential_ms := v_avg_ms;
    reason := format('AUTO: %s; differential estimated at %s ms (the last %s, of about as many changes), %s',
      v_changes, to_char(differential_ms, 'FM999,999,999,990.0'), v_seen, v_recompute);
  ELSE
    v_upper := v_avg_ms * p_window_rows / v_avg_rows;
    IF v_avg_ms > full_ms THEN
      differential_ms := v_avg_ms;
      reason := format('AUTO: %s; differential at least %s ms (the last %s, of fewer changes), %s', v_changes,
        to_char(differential_ms, 'FM999,999,999,990.0'), v_seen, v_recompute);
    ELSIF v_upper <= full_ms THEN
      differential_ms := v_upper;
      reason := format('AUTO: %s; differential at most %s ms (the last %s, of fewer changes, scaled), %s',
        v_changes, to_char(differential_ms, 'FM999,999,999,990.0'), v_seen, v_recompute);
    ELSE
      mode := CASE WHEN v_large THEN 'FULL' ELSE 'DIFFERENTIAL' END;
      reason := format('AUTO: %s; differential between %s and %s ms (only fewer changes measured), %s; %s',
        v_changes, to_char(v_avg_ms, 'FM999,999,999,990.0'), to_char(v_upper, 'FM999,999,999,990.0'),
        v_recompute, CASE WHEN v_large THEN 'more than a tenth of the sources'' rows changed: recomputed'
                          ELSE 'not more than a tenth of the sources'' rows changed: differential' END);
      RETURN;
    END IF;
  END IF;
  mode := CASE WHEN differential_ms > full_ms THEN 'FULL' ELSE 'DIFFERENTIAL' END;
END
$auto_choice$;
COMMENT ON FUNCTION freshet.auto_choice(bigint, bigint) IS
  'The mode AUTO would choose for a refresh of stream table p_id reading p_window_rows buffered changes, with its estimates';

-- A change table's rows are counted as CREATE TABLE AS writes them (ROW_COUNT), not by a query after it.
ALTER TABLE freshet.refresh_sources DROP COLUMN count_change_table;

-- Ownership: a stream table belongs to the role that created it (stream_tables.owner_role). Only that
-- role, a member of it or a superuser refreshes, alters or drops it, as PostgreSQL's "must be owner".
-- Anyone may read the catalog (like pg_views): list, status and explain work for every role; the change
-- buffers hold source rows and stay readable by their owner only.
CREATE FUNCTION freshet.may_manage(p_owner name) RETURNS boolean
LANGUAGE sql STABLE AS $may_manage$
  SELECT coalesce((SELECT pg_catalog.pg_has_role(r.oid, 'MEMBER') FROM pg_catalog.pg_roles r WHERE r.rolname = p_owner),
                  (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = CURRENT_USER), false)
$may_manage$;
COMMENT ON FUNCTION freshet.may_manage(name) IS
  'Whether the current role may refresh, alter or drop a stream table owned by p_owner';
GRANT USAGE ON SCHEMA freshet TO PUBLIC;
GRANT SELECT ON freshet.schema_version, freshet.stream_tables, freshet.stream_table_sources, freshet.change_buffers,
  freshet.refresh_history, freshet.refresh_sources, freshet.refresh_programs TO PUBLIC;

-- One step of a refresh's profile: what it did and the milliseconds since p_since.
CREATE FUNCTION freshet.profile_step(p_profile jsonb, p_step text, p_since timestamptz) RETURNS jsonb
LANGUAGE sql VOLATILE AS $profile_step$
  SELECT p_profile || jsonb_build_array(jsonb_build_object('step', p_step,
    'ms', round((extract(epoch FROM pg_catalog.clock_timestamp() - p_since) * 1000)::numeric, 3)))
$profile_step$;

-- refresh_window: counts the window first, asks auto_choice for AUTO stream tables, and records the
-- window's size, the reason for the mode and, after a recompute, its cost. Asked for (p_profile), it
-- returns where the refresh's time went, step by step (profile: [{"step": …, "ms": …}, …]); p_full
-- recomputes whatever the window holds (freshet refresh --full).
DROP FUNCTION freshet.refresh_window(bigint, boolean);
CREATE FUNCTION freshet.refresh_window(p_id bigint, p_exact boolean, p_profile boolean DEFAULT false,
    p_full boolean DEFAULT false,
    OUT mode_used text, OUT changed_sources text[], OUT rows_inserted bigint, OUT rows_updated bigint,
    OUT rows_deleted bigint, OUT delta_rows bigint, OUT changed_mask bigint, OUT program_mask bigint,
    OUT window_rows bigint, OUT mode_reason text, OUT profile jsonb)
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
  v_changed   integer[] := '{}';
  v_choice    record;
  v_step      timestamptz := clock_timestamp();
BEGIN
  changed_sources := '{}';
  rows_inserted := 0; rows_updated := 0; rows_deleted := 0; delta_rows := 0; changed_mask := 0; window_rows := 0;
  profile := '[]';
  -- FOR UPDATE: a refresh whose snapshot predates another's commit fails to serialize, never applies twice
  SELECT * INTO v_st FROM freshet.stream_tables WHERE id = p_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'there is no stream table with id %', p_id USING ERRCODE = '42704';
  END IF;
  IF NOT freshet.may_manage(v_st.owner_role) THEN
    RAISE EXCEPTION 'must be owner of stream table %.%', quote_ident(v_st.schema_name), quote_ident(v_st.table_name)
      USING ERRCODE = '42501';
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

  IF p_profile THEN
    profile := freshet.profile_step(profile, 'lock the sources, check their capture', v_step);
    v_step := clock_timestamp();
  END IF;

  -- the window's size first: AUTO chooses the mode from it before any change table is built
  FOR v_src IN SELECT * FROM freshet.refresh_sources s WHERE s.stream_table_id = p_id ORDER BY s.ordinal LOOP
    EXECUTE v_src.window_counts INTO v_rows, v_truncates USING v_current, v_st.last_snapshot;
    CONTINUE WHEN v_rows = 0;
    changed_sources := changed_sources || v_src.label;
    window_rows := window_rows + v_rows;
    IF v_truncates > 0 THEN
      v_truncated := true;
    ELSE
      v_changed := v_changed || v_src.ordinal;
    END IF;
  END LOOP;
  IF p_profile THEN
    profile := freshet.profile_step(profile, format('count the window: %s changes', window_rows), v_step);
    v_step := clock_timestamp();
  END IF;

  IF p_full THEN
    mode_used := 'FULL';
    mode_reason := 'a recompute was asked for';
  ELSIF v_st.recomputes_every_refresh
      OR (cardinality(changed_sources) > 0 AND (v_st.effective_mode = 'FULL' OR v_truncated)) THEN
    mode_used := 'FULL';
    IF v_truncated AND v_st.effective_mode = 'DIFFERENTIAL' THEN
      mode_reason := 'a source was truncated: recomputed';
    END IF;
  ELSIF cardinality(changed_sources) = 0 THEN
    mode_used := v_st.effective_mode;
  ELSIF v_st.requested_mode = 'AUTO' THEN
    SELECT * INTO STRICT v_choice FROM freshet.auto_choice(p_id, window_rows);
    mode_used := v_choice.mode;
    mode_reason := v_choice.reason;
  ELSE
    mode_used := 'DIFFERENTIAL';
  END IF;

  IF mode_used = 'FULL' THEN
    program_mask := 0;
  ELSIF cardinality(v_changed) > 0 THEN
    FOR v_src IN SELECT * FROM freshet.refresh_sources s WHERE s.stream_table_id = p_id AND s.ordinal = ANY (v_changed)
        ORDER BY s.ordinal LOOP
      EXECUTE v_src.create_change_table USING v_current, v_st.last_snapshot;
      GET DIAGNOSTICS v_count = ROW_COUNT; -- the rows CREATE TABLE AS wrote: no second scan to count them
      v_created := v_created | (1::bigint << v_src.ordinal);
      IF p_profile THEN
        profile := freshet.profile_step(profile, format('change table of %s: %s rows', v_src.label, v_count), v_step);
        v_step := clock_timestamp();
      END IF;
      IF v_count > 0 THEN -- else only columns this stream table does not read changed
        FOREACH v_statement IN ARRAY v_src.prepare_change_table LOOP
          EXECUTE v_statement;
        END LOOP;
        changed_mask := changed_mask | (1::bigint << v_src.ordinal);
        IF p_profile THEN
          profile := freshet.profile_step(profile, format('index and analyze the change table of %s', v_src.label),
            v_step);
          v_step := clock_timestamp();
        END IF;
      END IF;
    END LOOP;
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
        IF p_profile THEN
          profile := freshet.profile_step(profile, format('empty change table of %s', v_src.label), v_step);
          v_step := clock_timestamp();
        END IF;
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
      IF p_profile THEN
        profile := freshet.profile_step(profile, format('program %s, step %s (%s): %s', program_mask, i,
          v_program.step_kinds[i], left(split_part(v_program.step_sql[i], E'\n', 1), 90)), v_step);
        v_step := clock_timestamp();
      END IF;
    END LOOP;
  END IF;

  UPDATE freshet.stream_tables
  SET last_snapshot = v_current, last_refresh_at = now(), status = 'ACTIVE', last_error = NULL,
    recompute_ms = CASE WHEN program_mask = 0 THEN extract(epoch FROM clock_timestamp() - v_started) * 1000
                        ELSE recompute_ms END
  WHERE id = p_id;
  INSERT INTO freshet.refresh_history (stream_table_id, started_at, finished_at, mode_used, changed_sources,
    rows_inserted, rows_updated, rows_deleted, delta_rows, fallback_reason, error, window_rows, mode_reason)
  VALUES (p_id, v_started, clock_timestamp(), mode_used, changed_sources, rows_inserted, rows_updated,
    rows_deleted, delta_rows, v_st.fallback_reason, NULL, window_rows, mode_reason);
  IF p_profile THEN
    profile := freshet.profile_step(profile, 'record the refresh', v_step);
  END IF;
END
$refresh_window$;

-- freshet.refresh: refuses, before recording anything, a role that may not refresh the stream table.
-- A whole refresh from any SQL client: CALL freshet.refresh('schema.name'). Run it outside an explicit
-- transaction block (like VACUUM): it commits the refresh, then cleans the change buffers one source at
-- a time. A failed refresh applies nothing, is recorded (status ERROR, a history row) and re-raised.
CREATE OR REPLACE PROCEDURE freshet.refresh(stream_table text)
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
  v_owner    name;
  v_horizon  xid8;
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
  -- before anything is recorded: a role that may not refresh it leaves no error on it
  SELECT st.owner_role INTO v_owner FROM freshet.stream_tables st WHERE st.id = v_id;
  IF NOT freshet.may_manage(v_owner) THEN
    RAISE EXCEPTION 'must be owner of stream table %', v_label USING ERRCODE = '42501',
      HINT = format('its owner %I, a member of that role or a superuser can refresh it', v_owner);
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
      -- the horizon, as a value (see ChangeCapture): rows at or above it are still needed by some consumer
      SELECT CASE WHEN count(*) = 0 THEN pg_snapshot_xmax(pg_current_snapshot())
                  ELSE min(pg_snapshot_xmax(st.last_snapshot)) END INTO v_horizon
      FROM freshet.stream_table_sources ss JOIN freshet.stream_tables st ON st.id = ss.stream_table_id
      WHERE ss.source_relid = v_source.source_relid;
      IF v_horizon IS NOT NULL THEN
        EXECUTE v_source.cleanup USING v_source.source_relid, v_horizon;
      END IF;
    END IF;
    COMMIT;
  END LOOP;
END
$refresh$;
