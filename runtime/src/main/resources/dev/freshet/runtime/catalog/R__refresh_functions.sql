-- The refresh functions as this version of Freshet runs them, installed in the transaction of the last
-- migration step of every creation or upgrade of the catalog (CatalogMigrations.FUNCTIONS), so that the
-- migrations hold the catalog's tables and each function's text is kept once, here. A change to a function
-- needs a new migration step all the same (V<n>, which may hold nothing else but a comment), so that a
-- catalog at an older version is upgraded and gets it. Migrations up to V17 also created these functions,
-- in the versions of their day.
--
-- refresh_window: one refresh of a stream table's window, inside PostgreSQL (see V4, V11, V14, V16, V17,
-- V18, V19, V20, V21, V22, V23, V24 for the history of its design). note_join_order_trial: a differential
-- program's join order, measured (V23). auto_choice: AUTO's choice for a window (V11; V24: from the
-- refreshes since the last fill from its query). pending_changes: the
-- changes buffered for a stream table since its last refresh, per source (V4). The procedure refresh: CALL
-- freshet.refresh (V4, V11, V12; here since V20, which marks a stream table whose refresh_window saw DDL on a
-- type, FS005). sources_under_row_security: the sources whose row-level security applies to the current role
-- (V12), which the procedure refuses to refresh differentially.
--
-- Names in their messages and hints are quoted as the command line quotes them (dev.freshet.planner.sql.Quoting:
-- every part in double quotes, a quote doubled: "public"."t", "fr_alice"), not by quote_ident or format('%I'),
-- which leave a lower-case name bare; so a refresh's error reads the same from 'freshet refresh' and from
-- CALL freshet.refresh.

CREATE OR REPLACE FUNCTION freshet.refresh_window(p_id bigint, p_exact boolean, p_profile boolean DEFAULT false,
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
  v_sort      text := current_setting('enable_sort');
  v_random    text := current_setting('random_page_cost');
  v_jit       text := current_setting('jit');
  v_collapse  text := current_setting('join_collapse_limit');
  v_order     text; -- the join order the differential program runs with (V23)
  v_program_started timestamptz;
  v_why       text;
  v_whys      text[] := '{}';
  v_name      text; -- the stream table's name in messages
BEGIN
  changed_sources := '{}';
  rows_inserted := 0; rows_updated := 0; rows_deleted := 0; delta_rows := 0; changed_mask := 0; window_rows := 0;
  profile := '[]';
  -- FOR UPDATE: a refresh whose snapshot predates another's commit fails to serialize, never applies twice
  SELECT * INTO v_st FROM freshet.stream_tables WHERE id = p_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'there is no stream table with id %', p_id USING ERRCODE = '42704';
  END IF;
  -- quoted as the command line quotes names in its messages (Quoting: every part in double quotes, a quote
  -- doubled), where quote_ident and format('%I') leave a lower-case name bare: "public"."t", not public.t
  v_name := format('"%s"."%s"', replace(v_st.schema_name, '"', '""'), replace(v_st.table_name, '"', '""'));
  IF NOT freshet.may_manage(v_st.owner_role) THEN
    RAISE EXCEPTION 'must be owner of stream table %', v_name
      USING ERRCODE = '42501';
  END IF;
  IF to_regclass(format('%I.%I', v_st.schema_name, v_st.table_name)) IS NULL THEN
    RAISE EXCEPTION 'stream table % was dropped outside Freshet (its table is gone)', v_name
      USING ERRCODE = '42P01', HINT = format('''freshet drop %s'' removes what is left of it, and ''freshet create'' makes it again', v_name);
  END IF;
  IF v_st.last_snapshot IS NULL THEN
    RAISE EXCEPTION 'stream table % was never populated', v_name
      USING ERRCODE = '55000';
  END IF;
  IF cardinality(v_st.search_path) > 0 THEN -- the defining query's names resolve as when it was created
    PERFORM set_config('search_path', (SELECT string_agg(quote_ident(s), ', ') FROM unnest(v_st.search_path) s), true);
  END IF;
  -- and its values are computed as then: TimeZone, DateStyle... (catalog V19; NULL: created before it)
  PERFORM set_config(k, v, true) FROM jsonb_each_text(coalesce(v_st.settings, '{}')) AS kv(k, v);
  -- DDL on a type its sources use that no event trigger recorded (V20: freshet_type_ddl missing or not
  -- enabled): compared here, before anything is installed or applied, for a stream table whose sources use
  -- a type that is not built in. The mark is rolled back with this transaction: the command line and CALL
  -- freshet.refresh make it again in their own (note_type_changes) before the rebuild or the report.
  IF v_st.rebuild_step IS DISTINCT FROM 'compile'
      AND EXISTS (SELECT FROM freshet.stream_table_sources s, jsonb_object_keys(s.column_types) AS k (type_oid)
                  WHERE s.stream_table_id = p_id AND k.type_oid::oid >= 16384)
      AND NOT EXISTS (SELECT FROM pg_catalog.pg_event_trigger e
                      WHERE e.evtname = 'freshet_type_ddl' AND e.evtenabled IN ('O', 'A')) THEN
    v_why := freshet.note_type_changes(p_id, NULL);
    IF v_why IS NOT NULL THEN
      RAISE EXCEPTION 'stream table % must be compiled again: %', v_name, v_why
        USING ERRCODE = 'FS005',
          DETAIL = 'seen by this refresh: the event trigger freshet_type_ddl, which records DDL on types as it '
            'happens, is not installed or not enabled',
          HINT = 'run ''freshet refresh'' for it once: it compiles it again and recomputes it';
    END IF;
  END IF;
  SELECT array_agg(s.source_relid ORDER BY s.ordinal) INTO v_relids
  FROM freshet.refresh_sources s WHERE s.stream_table_id = p_id;
  IF v_st.reconcile_check IS NULL
      OR NOT EXISTS (SELECT FROM freshet.refresh_programs p WHERE p.stream_table_id = p_id AND p.changed_mask = 0) THEN
    RAISE EXCEPTION 'no refresh program is installed for %', v_name
      USING ERRCODE = 'FS002', HINT = 'run ''freshet refresh'' for it once: it installs its programs';
  END IF;
  -- Sources locked against DDL until commit (ACCESS SHARE: writes do not wait); then no column of
  -- theirs may have been renamed since capture was set up, or the buffers would be read under stale names.
  SELECT string_agg(format('%I.%I', n.nspname, c.relname), ', ' ORDER BY c.oid) INTO v_locks
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = ANY (v_relids);
  IF v_locks IS NOT NULL THEN
    EXECUTE 'LOCK TABLE ONLY ' || v_locks || ' IN ACCESS SHARE MODE';
  END IF;
  -- A source renamed or moved (ALTER TABLE ... RENAME or SET SCHEMA, ALTER SCHEMA ... RENAME; V21): capture
  -- and the programs follow it by oid, but the stored query names it by its old name, which a recompute,
  -- verify or rebuild reads: gone, or another table created under it since. Refused until the query is
  -- given the new name, as the event trigger freshet_source_ddl says when it sees the rename.
  SELECT format('its source "%s"."%s" was renamed to "%s"."%s" (ALTER TABLE); its query names the old table',
           replace(s.source_schema, '"', '""'), replace(s.source_table, '"', '""'), replace(n.nspname, '"', '""'),
           replace(c.relname, '"', '""')) INTO v_why
  FROM freshet.stream_table_sources s
  JOIN pg_class c ON c.oid = s.source_relid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE s.stream_table_id = p_id AND (n.nspname, c.relname) IS DISTINCT FROM (s.source_schema, s.source_table)
  ORDER BY s.source_schema, s.source_table
  LIMIT 1;
  IF v_why IS NOT NULL THEN
    RAISE EXCEPTION 'stream table % cannot be refreshed: %', v_name, v_why
      USING ERRCODE = 'FS006', HINT = format('''freshet alter %s --query ...'' with the new name recreates it', v_name);
  END IF;
  EXECUTE v_st.reconcile_check INTO v_renamed USING v_relids;
  IF cardinality(v_renamed) > 0 THEN
    RAISE EXCEPTION 'a source of % changed (a column renamed or dropped, a partition added) since its capture was set up',
        v_name
      USING ERRCODE = 'FS001', DETAIL = 'sources: ' || v_renamed::text,
        HINT = 'run ''freshet refresh'' for it once: it reconciles the capture and reinstalls its programs';
  END IF;
  -- DDL on a type its sources use (V18): its programs and stored hashes are stale until it is compiled again
  IF v_st.rebuild_step = 'compile' THEN
    RAISE EXCEPTION 'stream table % must be compiled again: %', v_name, split_part(v_st.pending_rebuild, ': its next refresh', 1)
      USING ERRCODE = 'FS005',
        HINT = 'run ''freshet refresh'' for it once: it compiles it again and recomputes it';
  END IF;

  IF p_profile THEN
    profile := freshet.profile_step(profile, 'lock the sources, check their capture', v_step);
    v_step := clock_timestamp();
  END IF;

  -- the window's size first: AUTO chooses the mode from it before any change table is built
  FOR v_src IN SELECT * FROM freshet.refresh_sources s WHERE s.stream_table_id = p_id ORDER BY s.ordinal LOOP
    -- $3: count the window's rows for AUTO; other modes only ask whether there is one (V16)
    EXECUTE v_src.window_counts INTO v_rows, v_truncates
      USING v_current, v_st.last_snapshot, v_st.requested_mode = 'AUTO' AND NOT p_full;
    CONTINUE WHEN v_rows = 0;
    changed_sources := changed_sources || v_src.label;
    window_rows := window_rows + v_rows;
    IF v_truncates > 0 THEN
      v_truncated := true;
      -- the marker of DDL on the source's columns, written with its reason (ChangeCapture.reconcile), or a TRUNCATE
      SELECT b.marker_reason INTO v_why FROM freshet.change_buffers b
      WHERE b.source_relid = v_src.source_relid AND b.marker_xid IS NOT NULL
        AND pg_visible_in_snapshot(b.marker_xid, v_current) AND NOT pg_visible_in_snapshot(b.marker_xid, v_st.last_snapshot);
      v_whys := v_whys || coalesce(v_why, format('%s was truncated', v_src.label));
    ELSE
      v_changed := v_changed || v_src.ordinal;
    END IF;
  END LOOP;
  IF p_profile THEN
    profile := freshet.profile_step(profile, CASE WHEN v_st.requested_mode = 'AUTO' AND NOT p_full
        THEN format('count the window: %s changes', window_rows)
        ELSE format('probe the window: %s of %s sources changed', cardinality(changed_sources), cardinality(v_relids))
      END, v_step);
    v_step := clock_timestamp();
  END IF;

  IF v_st.rebuild_step = 'recompute' THEN -- after DDL on a type or the row-level security of a source (V18)
    mode_used := 'FULL';
    mode_reason := coalesce(split_part(v_st.pending_rebuild, ': its next refresh', 1), 'a rebuild') || ': recomputed';
  ELSIF p_full THEN
    mode_used := 'FULL';
    mode_reason := 'a recompute was asked for';
  ELSIF v_st.recomputes_every_refresh
      OR (cardinality(changed_sources) > 0 AND (v_st.effective_mode = 'FULL' OR v_truncated)) THEN
    mode_used := 'FULL';
    IF v_truncated AND v_st.effective_mode = 'DIFFERENTIAL' THEN
      mode_reason := array_to_string(v_whys, '; ') || ': recomputed';
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
    -- no JIT compiling for a differential refresh (V22): its statements are estimated from change tables and
    -- state tables, often above jit_above_cost, and compiling took 20-130 ms of statements that run in tens
    -- of milliseconds (TPC-H at SF-1); a recompute keeps the server's setting
    PERFORM set_config('jit', 'off', true);
    FOR v_src IN SELECT * FROM freshet.refresh_sources s WHERE s.stream_table_id = p_id AND s.ordinal = ANY (v_changed)
        ORDER BY s.ordinal LOOP
      PERFORM set_config('enable_sort', 'off', true); -- consolidate by hashing (see the header)
      EXECUTE v_src.create_change_table USING v_current, v_st.last_snapshot;
      GET DIAGNOSTICS v_count = ROW_COUNT; -- the rows CREATE TABLE AS wrote: no second scan to count them
      PERFORM set_config('enable_sort', v_sort, true);
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
      RAISE EXCEPTION 'no refresh program of % for exactly these changed sources', v_name
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
        RAISE EXCEPTION 'no refresh program of % covers the changed sources', v_name
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
    IF program_mask <> 0 THEN -- a differential program probes tables by key (see the header)
      PERFORM set_config('random_page_cost',
        least(v_random::float8, 1.1 * current_setting('seq_page_cost')::float8)::text, true);
      -- its join order, measured (V23): PostgreSQL's and the printed one (from the change table outward)
      -- take turns until the program keeps one
      v_order := coalesce(v_program.join_order,
        CASE WHEN v_program.printed_runs < v_program.planner_runs THEN 'as printed' ELSE 'planner' END);
      IF v_order = 'as printed' THEN
        PERFORM set_config('join_collapse_limit', '1', true);
      END IF;
      v_program_started := clock_timestamp();
    END IF;
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
        profile := freshet.profile_step(profile, format('program %s%s, step %s (%s): %s', program_mask,
          CASE v_order WHEN 'as printed' THEN ' (joins as printed)' ELSE '' END, i,
          v_program.step_kinds[i], left(split_part(v_program.step_sql[i], E'\n', 1), 90)), v_step);
        v_step := clock_timestamp();
      END IF;
    END LOOP;
    IF program_mask <> 0 THEN
      PERFORM set_config('join_collapse_limit', v_collapse, true);
      IF v_program.join_order IS NULL THEN
        PERFORM freshet.note_join_order_trial(p_id, program_mask, v_order,
          extract(epoch FROM clock_timestamp() - v_program_started) * 1000, window_rows);
      END IF;
    END IF;
  END IF;

  PERFORM set_config('random_page_cost', v_random, true);
  PERFORM set_config('jit', v_jit, true);
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

-- One measured run of a differential program with a join order (V23): summed, and once both orders ran,
-- the program keeps PostgreSQL's unless the order as printed took less than 2/3 of its time per window
-- row; after one run of each when as printed was no faster, else after two of each. A run with
-- PostgreSQL's order faster than freshet.join_order_trial_ms (a setting, default 20 ms) is not counted:
-- there is little to win, and a trial of the printed order can cost seconds where it is the wrong one
-- (TPC-H Q17: 3.4 s against 0.4), so a program that stays fast never tries it.
CREATE OR REPLACE FUNCTION freshet.note_join_order_trial(p_id bigint, p_mask bigint, p_order text,
    p_ms double precision, p_window_rows bigint) RETURNS void
LANGUAGE plpgsql AS $note_join_order_trial$
DECLARE
  v_p freshet.refresh_programs%ROWTYPE;
  v_planner double precision;
  v_printed double precision;
BEGIN
  IF p_order = 'planner' AND p_ms < coalesce(nullif(current_setting('freshet.join_order_trial_ms', true), ''),
      '20')::double precision THEN
    RETURN;
  END IF;
  UPDATE freshet.refresh_programs p
  SET planner_runs = p.planner_runs + (p_order = 'planner')::int,
      planner_ms = p.planner_ms + CASE WHEN p_order = 'planner' THEN p_ms ELSE 0 END,
      planner_rows = p.planner_rows + CASE WHEN p_order = 'planner' THEN greatest(p_window_rows, 1) ELSE 0 END,
      printed_runs = p.printed_runs + (p_order = 'as printed')::int,
      printed_ms = p.printed_ms + CASE WHEN p_order = 'as printed' THEN p_ms ELSE 0 END,
      printed_rows = p.printed_rows + CASE WHEN p_order = 'as printed' THEN greatest(p_window_rows, 1) ELSE 0 END
  WHERE p.stream_table_id = p_id AND p.changed_mask = p_mask
  RETURNING * INTO v_p;
  IF v_p.planner_runs = 0 OR v_p.printed_runs = 0 THEN
    RETURN;
  END IF;
  v_planner := v_p.planner_ms / v_p.planner_rows;
  v_printed := v_p.printed_ms / v_p.printed_rows;
  IF v_printed >= v_planner OR (v_p.planner_runs >= 2 AND v_p.printed_runs >= 2) THEN
    UPDATE freshet.refresh_programs p
    SET join_order = CASE WHEN v_printed < v_planner * 2.0 / 3 THEN 'as printed' ELSE 'planner' END
    WHERE p.stream_table_id = p_id AND p.changed_mask = p_mask;
  END IF;
END
$note_join_order_trial$;

CREATE OR REPLACE FUNCTION freshet.auto_choice(p_id bigint, p_window_rows bigint,
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
  v_filled      bigint;
BEGIN
  SELECT st.recompute_ms, st.filled_history_id INTO full_ms, v_filled FROM freshet.stream_tables st WHERE st.id = p_id;
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
          AND h.mode_reason LIKE 'AUTO: %' -- chosen by AUTO, which counted its window (V16)
          AND h.id > coalesce(v_filled, 0) -- of its query as it is now, not one an alter replaced (V24)
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

CREATE OR REPLACE FUNCTION freshet.pending_changes(p_id bigint, OUT source text, OUT changes bigint)
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
    EXECUTE v_src.window_counts INTO changes, v_truncates USING pg_current_snapshot(), v_last, true;
    RETURN NEXT;
  END LOOP;
END
$pending_changes$;

CREATE OR REPLACE FUNCTION freshet.sources_under_row_security(p_relids oid[]) RETURNS text[]
LANGUAGE sql STABLE AS $sources_under_row_security$
  SELECT coalesce(array_agg(format('"%s"."%s"', replace(n.nspname, '"', '""'), replace(c.relname, '"', '""'))
      ORDER BY n.nspname, c.relname), '{}')
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE c.oid = ANY (p_relids) AND c.relrowsecurity AND pg_catalog.row_security_active(c.oid)
$sources_under_row_security$;
COMMENT ON FUNCTION freshet.sources_under_row_security(oid[]) IS
  'The tables among p_relids whose row-level security applies to the current role ("schema"."name", sorted)';

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
  v_rls      text[];
BEGIN
  SELECT st.id, format('"%s"."%s"', replace(st.schema_name, '"', '""'), replace(st.table_name, '"', '""'))
  INTO v_id, v_label -- quoted as in refresh_window's messages
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
      HINT = format('its owner "%s", a member of that role or a superuser can refresh it', replace(v_owner, '"', '""'));
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
    SELECT freshet.sources_under_row_security(array_agg(s.source_relid)) INTO v_rls
    FROM freshet.stream_table_sources s
    JOIN freshet.stream_tables st ON st.id = s.stream_table_id
    WHERE s.stream_table_id = v_id AND st.effective_mode = 'DIFFERENTIAL';
    IF cardinality(v_rls) > 0 THEN
      RAISE EXCEPTION 'row-level security of % applies to role %: a differential refresh would read rows its policies hide from it',
          array_to_string(v_rls, ', '), format('"%s"', replace(current_user, '"', '""'))
        USING ERRCODE = '42501',
          HINT = 'refresh as the tables'' owner or a role with BYPASSRLS, or make the stream table FULL (freshet alter NAME --mode FULL)';
    END IF;
    SELECT * INTO v_result FROM freshet.refresh_window(v_id, false);
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_message = MESSAGE_TEXT, v_state = RETURNED_SQLSTATE, v_detail = PG_EXCEPTION_DETAIL,
      v_hint = PG_EXCEPTION_HINT;
  END;
  IF v_message IS NOT NULL THEN
    IF v_state = 'FS005' THEN
      -- DDL on a type that refresh_window saw (no event trigger recorded it, V20): marked as the trigger would,
      -- for the next 'freshet refresh', which compiles it again (this procedure cannot)
      PERFORM freshet.note_type_changes(v_id, NULL);
    END IF;
    UPDATE freshet.stream_tables SET status = 'ERROR', last_error = v_message WHERE id = v_id
    RETURNING effective_mode, fallback_reason INTO v_mode, v_fallback;
    INSERT INTO freshet.refresh_history (stream_table_id, started_at, finished_at, mode_used, changed_sources,
      rows_inserted, rows_updated, rows_deleted, delta_rows, fallback_reason, error)
    VALUES (v_id, v_started, clock_timestamp(), v_mode, '{}', 0, 0, 0, 0, v_fallback, v_message);
    COMMIT;
    -- the error as it was: no DETAIL or HINT line where it had none (an empty one prints as "DETAIL:")
    IF coalesce(v_detail, '') = '' AND coalesce(v_hint, '') = '' THEN
      RAISE EXCEPTION USING MESSAGE = v_message, ERRCODE = v_state;
    ELSIF coalesce(v_detail, '') = '' THEN
      RAISE EXCEPTION USING MESSAGE = v_message, ERRCODE = v_state, HINT = v_hint;
    ELSIF coalesce(v_hint, '') = '' THEN
      RAISE EXCEPTION USING MESSAGE = v_message, ERRCODE = v_state, DETAIL = v_detail;
    ELSE
      RAISE EXCEPTION USING MESSAGE = v_message, ERRCODE = v_state, DETAIL = v_detail, HINT = v_hint;
    END IF;
  END IF;
  IF v_result.window_rows = 0 THEN
    -- no buffer row became deletable by an empty window (a row is freed by the refresh of its last
    -- consumer to read it, which read something): nothing to clean
    IF v_result.rows_inserted + v_result.rows_updated + v_result.rows_deleted = 0 THEN
      -- nothing read, nothing changed (a recompute of a query reading the clock may change rows): a commit
      -- lost in a crash loses nothing, so it does not wait for the WAL to reach the disk
      PERFORM set_config('synchronous_commit', 'off', true);
    END IF;
    COMMIT;
    RETURN;
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
