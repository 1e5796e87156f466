-- The refresh functions as this version of Freshet runs them, installed in the transaction of the last
-- migration step of every creation or upgrade of the catalog (CatalogMigrations.FUNCTIONS), so that the
-- migrations hold the catalog's tables and each function's text is kept once, here. A change to a function
-- needs a new migration step all the same (V<n>, which may hold nothing else but a comment), so that a
-- catalog at an older version is upgraded and gets it. Migrations up to V17 also created these functions,
-- in the versions of their day.
--
-- refresh_window: one refresh of a stream table's window, inside PostgreSQL (see V4, V11, V14, V16, V17,
-- V18, V19, V20, V21, V22, V23, V24, V25, V26, V28, V29 for the history of its design). query_read_columns: the columns
-- a query reads as PostgreSQL resolves it (V25); query_read_attributes, the same with their numbers (V26).
-- source_ddl_reason: the columns a stream table's query reads that ALTER TABLE renamed or dropped, named with
-- the fix (V26), which refresh_window refuses with, on_source_ddl records and status shows. capture_ddl_columns:
-- the captured columns ALTER TABLE changed that a stream table must recompute for (V27). note_join_order_trial: a differential
-- program's join order, measured (V23), and each of its statements' (V28, with summed_times). auto_choice: AUTO's choice for a window (V11; V24: from the
-- refreshes since the last fill from its query). pending_changes: the
-- changes buffered for a stream table since its last refresh, per source (V4). The procedure refresh: CALL
-- freshet.refresh (V4, V11, V12; here since V20, which marks a stream table whose refresh_window saw DDL on a
-- type, FS005). sources_under_row_security: the sources whose row-level security applies to the current role
-- (V12), which the procedure refuses to refresh differentially. The procedure refresh_from_client: the command
-- line's and the service's refresh in one CALL (V31), which leaves to them what only they can do or say;
-- clean_up_buffers: the buffers' cleanup after a refresh, for both procedures (V31).
--
-- Names in their messages and hints are quoted as the command line quotes them (dev.freshet.planner.sql.Quoting:
-- every part in double quotes, a quote doubled: "public"."t", "fr_alice"), not by quote_ident or format('%I'),
-- which leave a lower-case name bare; so a refresh's error reads the same from 'freshet refresh' and from
-- CALL freshet.refresh. freshet.display_name, defined first, quotes them so (one, two or three parts). Type
-- names keep PostgreSQL's own form (format_type, or format('%I.%I') as type_descriptor records them), and
-- enum labels their single quotes.
--
-- A command a message suggests is written by freshet.suggested_command, as the command line's SuggestedCommand
-- writes it (issue 15): pasteable into a POSIX shell as printed, a name single-quoted for the shell
-- (freshet.shell_word), and last in its sentence, without quotes of its own around it.
--
-- The functions whose texts become a stream table's last_error or pending_rebuild (shown by 'freshet
-- status' and 'list') live here too since catalog V24, with the same quoting, so that what status says of a
-- DDL reads as what refresh says of it: on_sql_drop (V13: DROP TABLE of a stream table or a source),
-- on_source_ddl (V15: ALTER TABLE of a source; V27: only what a stream table reads), on_row_security_ddl
-- (V18: row-level security of a source), type_change_reason and note_type_changes (V20: DDL on a type a source uses; on_type_ddl, V20, calls
-- note_type_changes and names nothing itself). Their earlier versions, in those migrations, wrote names with
-- format('%I') (public.t); apart from the quoting they behave as there. The event triggers calling them are
-- still created by those migrations, when a superuser runs them.

-- A name as messages show it: every part in double quotes, a quote doubled ("public"."t", "public"."t"."c",
-- "fr_alice"), as Quoting.identifier and Quoting.qualified print it. SQL-standard bodies, bound when created:
-- a caller's search_path (refresh_window runs under the defining query's) does not change what they call.
CREATE OR REPLACE FUNCTION freshet.display_name(p_name text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN '"' || pg_catalog.replace(p_name, '"', '""') || '"';

CREATE OR REPLACE FUNCTION freshet.display_name(p_schema text, p_name text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN '"' || pg_catalog.replace(p_schema, '"', '""') || '"."' || pg_catalog.replace(p_name, '"', '""') || '"';

CREATE OR REPLACE FUNCTION freshet.display_name(p_schema text, p_table text, p_column text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN '"' || pg_catalog.replace(p_schema, '"', '""') || '"."' || pg_catalog.replace(p_table, '"', '""') || '"."'
  || pg_catalog.replace(p_column, '"', '""') || '"';

-- p_text as one word of a POSIX shell, as SuggestedCommand.shellWord writes it: as it is when it holds only
-- letters, digits, _ . - (ASCII), else in single quotes, a single quote in it written '\'' (so "public"."My t"
-- is '"public"."My t"', and $, backticks, spaces and newlines in it are the shell's literal text).
CREATE OR REPLACE FUNCTION freshet.shell_word(p_text text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE WHEN p_text ~ '^[A-Za-z0-9_.-]+$' THEN p_text
            ELSE '''' || pg_catalog.replace(p_text, '''', '''\''''') || '''' END;

-- The command line 'freshet' with p_words, each a word of the shell (freshet.shell_word), as
-- SuggestedCommand.freshet writes it: freshet alter '"public"."My t"' --query ...
CREATE OR REPLACE FUNCTION freshet.suggested_command(VARIADIC p_words text[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN 'freshet' || coalesce((SELECT pg_catalog.string_agg(' ' || freshet.shell_word(w.word), '' ORDER BY w.n)
                              FROM pg_catalog.unnest(p_words) WITH ORDINALITY AS w(word, n)), '');

-- What a failed refresh records as its stream table's last error (issue 15): the error's message, then its HINT
-- (the fix) on a line of its own as the command line prints it under the message ('HINT:  ' and the hint), which
-- 'freshet status' shows indented under 'last error:'. CALL freshet.refresh records with it, and so does the
-- command line (StreamTableRowSql.RECORD_ERROR), so both read the same.
CREATE OR REPLACE FUNCTION freshet.recorded_error(p_message text, p_hint text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN pg_catalog.btrim(coalesce(p_hint, ''), E' \t\r\n') = '' THEN p_message
            ELSE p_message || E'\nHINT:  ' || pg_catalog.btrim(p_hint, E' \t\r\n') END;

-- The setting p_name of the session or role as a count of p_unit (0 or more), or p_default when it is not set; any
-- other value is refused, naming the setting and how to give back the default (V37: refresh_window's three counts).
CREATE OR REPLACE FUNCTION freshet.count_setting(p_name text, p_default bigint, p_unit text) RETURNS bigint
LANGUAGE plpgsql STABLE AS $count_setting$
DECLARE
  v_value text := btrim(coalesce(current_setting(p_name, true), ''));
BEGIN
  IF v_value ~ '^[0-9]{1,18}$' THEN
    RETURN v_value::bigint;
  ELSIF v_value <> '' THEN
    RAISE EXCEPTION '% must be a number of % (0 or more), not %', p_name, p_unit, quote_literal(v_value)
      USING ERRCODE = '22023', HINT = format('RESET %s gives back the default, %s', p_name, p_default);
  END IF;
  RETURN p_default;
END
$count_setting$;

CREATE OR REPLACE FUNCTION freshet.refresh_window(p_id bigint, p_exact boolean, p_profile boolean DEFAULT false,
    p_full boolean DEFAULT false, p_shared boolean DEFAULT false,
    OUT mode_used text, OUT changed_sources text[], OUT rows_inserted bigint, OUT rows_updated bigint,
    OUT rows_deleted bigint, OUT delta_rows bigint, OUT changed_mask bigint, OUT program_mask bigint,
    OUT window_rows bigint, OUT mode_reason text, OUT profile jsonb)
-- generic plans for its own catalog queries from their second run (issue 12): PostgreSQL plans a cached statement
-- anew for its first five runs in a session, and a session's refreshes 2 to 6 spent about 0.8 ms more locking the
-- sources and checking their capture (1.8-2.2 ms against 1.0-1.1; TPC-H Q11 after a one-row change, 9-9.6 ms a CALL
-- against 10-12.8); the delta statements, run by EXECUTE, are planned for their values as before. The clause also
-- gives back, when it returns, every setting it changed for the transaction (search_path, the query's session
-- settings, planner settings), as the caller had them.
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $refresh_window$
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
  v_read      text; -- the columns the query reads now (V25)
  v_program_started timestamptz;
  v_statement_started timestamptz;
  v_step_order text; -- the join order of the program's statement running, when each has its own (V28)
  v_step_ms   double precision[] := '{}'; -- each statement's milliseconds, for the join order trials (V28)
  v_sql       text; -- the statement of the program's step running
  v_tables    bigint; -- the sources whose change tables the program reads (V29)
  v_why       text;
  v_whys      text[] := '{}';
  v_name      text; -- the stream table's name in messages
  v_reconcile text; -- the name of the capture check prepared in this session
  -- change tables of more rows than this are not indexed (V30; the setting freshet.change_table_index_rows)
  v_index_rows bigint := 1000;
  v_mixed     boolean; -- whether the window of the source being read holds both inserts and deletes (V33)
  -- a window of at most this many changed rows runs its program with the joins as printed (the setting
  -- freshet.small_window_rows): planned 30-40% faster, from the few changed rows outward
  v_small_rows bigint := 100;
  v_changed_rows bigint := 0; -- the rows of the changed sources' change tables
  v_small     boolean := false; -- whether this window is a small one
  -- the source bits of the terms' marks (V29), below the state tables' (V35)
  v_source_bits bigint; -- computed once from v_relids
  v_absent    bigint := 0; -- the marks of change tables known empty: sources unchanged, state changes none (V35)
  v_left_out  bigint; -- the pieces of a statement left out
  -- an AUTO stream table refreshed differentially whatever AUTO would choose (V32): AUTO learns from it
  v_override  text := btrim(coalesce(current_setting('freshet.auto_override', true), ''));
  -- a small window runs the session forms of the change tables and the program (V37): prepared statements over
  -- temporary tables the session keeps, planned once per session
  v_session   boolean := false;
  v_prepared  text[]; -- the statements of session forms this session has prepared
  v_temp      text[]; -- the temporary tables this session has
  v_empty     text[] := '{}'; -- the statements emptying the session tables this refresh filled
  v_made      text[] := '{}'; -- the session tables this refresh made
  v_analyzed  text[] := '{}'; -- those of them analyzed already
  v_upto      bigint;
  v_ps        text; -- the name of a prepared statement: freshet_s_ and the md5 of its text
  -- the most statements of session forms a session keeps prepared (the setting freshet.session_statements): the
  -- oldest half go when there are more (a TPC-H statement's plan took about 135 kB)
  v_max_statements bigint := 250;
  v_foreign   boolean; -- whether a session table of this session belongs to another role
  v_checks    record; -- the stream table's row and what the checks before its window refuse by (V40)
  -- p_shared (V41): refreshed together with other stream tables in this transaction (freshet.refresh_together),
  -- which keeps in pg_temp."Δwindows" the sources whose window one of them copied, and for which last snapshot
  v_shared    boolean; -- whether the change table of the source being read comes from the shared copy
  v_copy      record;
  v_copied    bigint; -- the rows of the shared copy
  v_stamp     record; -- a source's capture stamp, recorded and now (V45)
BEGIN
  changed_sources := '{}';
  -- refused before anything is read: a typo would silently index every change table, or none
  v_index_rows := freshet.count_setting('freshet.change_table_index_rows', v_index_rows, 'rows');
  v_small_rows := freshet.count_setting('freshet.small_window_rows', v_small_rows, 'rows');
  v_max_statements := freshet.count_setting('freshet.session_statements', v_max_statements, 'statements');
  IF lower(v_override) NOT IN ('', 'differential') THEN
    RAISE EXCEPTION 'freshet.auto_override must be ''differential'' or empty, not %', quote_literal(v_override)
      USING ERRCODE = '22023', HINT = 'RESET freshet.auto_override lets AUTO choose again';
  END IF;
  rows_inserted := 0; rows_updated := 0; rows_deleted := 0; delta_rows := 0; changed_mask := 0; window_rows := 0;
  profile := '[]';
  -- FOR UPDATE: a refresh whose snapshot predates another's commit fails to serialize, never applies twice.
  -- The same statement gathers what the checks below refuse by (V40): a session's first refresh planned each of
  -- about ten catalog queries cold, 13 of the 17 ms a CALL took for an empty window (TPC-H Q1 at SF-1), and
  -- pg_cron runs every job in a session of its own. The errors are raised in the order they always were.
  SELECT st AS st, freshet.may_manage(st.owner_role) AS may_manage,
         pg_catalog.to_regclass(format('%I.%I', st.schema_name, st.table_name)) IS NOT NULL AS table_present,
         -- DDL on a type its sources use that no event trigger recorded (V20: freshet_type_ddl missing or not
         -- enabled): compared below, for a stream table whose sources use a type that is not built in
         st.rebuild_step IS DISTINCT FROM 'compile'
           AND EXISTS (SELECT FROM freshet.stream_table_sources s, jsonb_object_keys(s.column_types) AS k (type_oid)
                       WHERE s.stream_table_id = st.id AND k.type_oid::oid >= 16384)
           AND NOT EXISTS (SELECT FROM pg_catalog.pg_event_trigger e
                           WHERE e.evtname = 'freshet_type_ddl' AND e.evtenabled IN ('O', 'A')) AS compare_types,
         (SELECT array_agg(s.source_relid ORDER BY s.ordinal)
          FROM freshet.refresh_sources s WHERE s.stream_table_id = st.id) AS relids,
         EXISTS (SELECT FROM freshet.refresh_programs p
                 WHERE p.stream_table_id = st.id AND p.changed_mask = 0) AS installed,
         (SELECT array_agg(freshet.display_name(s.source_schema, s.source_table) ORDER BY s.source_schema, s.source_table)
          FROM freshet.stream_table_sources s
          WHERE s.stream_table_id = st.id
            AND NOT EXISTS (SELECT FROM pg_catalog.pg_class c WHERE c.oid = s.source_relid)) AS dropped,
         -- each source's row by its oid (OFFSET 0: as a join, pg_class was hashed whole)
         (SELECT string_agg(format('%I.%I', c.nspname, c.relname), ', ' ORDER BY c.oid)
          FROM freshet.refresh_sources s
          CROSS JOIN LATERAL (SELECT c.oid, n.nspname, c.relname
                              FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                              WHERE c.oid = s.source_relid OFFSET 0) AS c
          WHERE s.stream_table_id = st.id) AS locks
  INTO v_checks
  FROM freshet.stream_tables st WHERE st.id = p_id FOR UPDATE OF st;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'there is no stream table with id %', p_id USING ERRCODE = '42704';
  END IF;
  v_st := v_checks.st;
  -- quoted as the command line quotes names in its messages (Quoting: every part in double quotes, a quote
  -- doubled), where quote_ident and format('%I') leave a lower-case name bare: "public"."t", not public.t
  v_name := freshet.display_name(v_st.schema_name, v_st.table_name);
  IF NOT v_checks.may_manage THEN
    RAISE EXCEPTION 'must be owner of stream table %', v_name
      USING ERRCODE = '42501';
  END IF;
  IF NOT v_checks.table_present THEN
    RAISE EXCEPTION 'stream table % was dropped outside Freshet (its table is gone)', v_name
      USING ERRCODE = '42P01', HINT = '''freshet create'' makes it again once what is left of it is removed: '
        || freshet.suggested_command('drop', v_name);
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
  -- DDL on a type its sources use that no event trigger recorded, before anything is installed or applied. The
  -- mark is rolled back with this transaction: the command line and CALL freshet.refresh make it again in their
  -- own (note_type_changes) before the rebuild or the report.
  IF v_checks.compare_types THEN
    v_why := freshet.note_type_changes(p_id, NULL);
    IF v_why IS NOT NULL THEN
      RAISE EXCEPTION 'stream table % must be compiled again: %', v_name, v_why
        USING ERRCODE = 'FS005',
          DETAIL = 'seen by this refresh: the event trigger freshet_type_ddl, which records DDL on types as it '
            'happens, is not installed or not enabled',
          HINT = 'refreshing it once from the command line compiles it again and recomputes it: '
            || freshet.suggested_command('refresh', v_name);
    END IF;
  END IF;
  v_relids := v_checks.relids;
  v_source_bits := CASE WHEN coalesce(cardinality(v_relids), 0) >= 63 THEN -1
    ELSE (1::bigint << coalesce(cardinality(v_relids), 0)) - 1 END;
  IF v_st.reconcile_check IS NULL OR NOT v_checks.installed THEN
    RAISE EXCEPTION 'no refresh program is installed for %', v_name
      USING ERRCODE = 'FS002', HINT = 'refreshing it once from the command line installs its programs: '
        || freshet.suggested_command('refresh', v_name);
  END IF;
  -- A source dropped (DROP TABLE ... CASCADE; V27): nothing to read and no new name to give the query. Refused
  -- saying so, before the capture check below would take the missing table for one whose columns changed (FS001,
  -- whose fix, a refresh from the command line, cannot help); the command line says the same (SQLSTATE FS009).
  v_whys := v_checks.dropped;
  IF cardinality(v_whys) > 0 THEN
    RAISE EXCEPTION 'stream table % cannot be refreshed: %', v_name,
        CASE WHEN cardinality(v_whys) = 1 THEN 'its source ' || v_whys[1] || ' was'
          ELSE 'its sources ' || array_to_string(v_whys[1:cardinality(v_whys) - 1], ', ') || ' and '
            || v_whys[cardinality(v_whys)] || ' were' END || ' dropped (DROP TABLE ... CASCADE)'
      USING ERRCODE = 'FS009', HINT = 'give it a query that reads '
        || CASE WHEN cardinality(v_whys) = 1 THEN 'another table' ELSE 'other tables' END
        || ' (this recreates it): ' || freshet.suggested_command('alter', v_name, '--query', '...')
        || '; or drop it: ' || freshet.suggested_command('drop', v_name);
  END IF;
  v_whys := '{}';
  -- Sources locked against DDL until commit (ACCESS SHARE: writes do not wait); then no column of
  -- theirs may have been renamed since capture was set up, or the buffers would be read under stale names.
  IF v_checks.locks IS NOT NULL THEN
    EXECUTE 'LOCK TABLE ONLY ' || v_checks.locks || ' IN ACCESS SHARE MODE';
  END IF;
  -- Whether a source was renamed or a column its query reads is gone under its name, in one query (V40): the
  -- two checks below, which say what and how to fix it, run only then. The columns read are those recorded at
  -- create or alter; without them (created before V26) the two checks run.
  IF v_st.read_attributes IS NULL
      OR EXISTS (SELECT FROM freshet.stream_table_sources s
                 JOIN pg_catalog.pg_class c ON c.oid = s.source_relid
                 JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                 WHERE s.stream_table_id = p_id
                   AND (n.nspname, c.relname) IS DISTINCT FROM (s.source_schema, s.source_table))
      -- each column looked up by its name as a lateral LIMIT 1 (an index probe): as an anti-join, planned for
      -- jsonb_array_elements' guess of 100 rows, it was a hash join reading all of pg_attribute, 0.7 ms a refresh
      OR EXISTS (SELECT FROM pg_catalog.jsonb_array_elements(v_st.read_attributes) AS e
                 LEFT JOIN LATERAL (SELECT true AS found FROM pg_catalog.pg_attribute a
                                    WHERE a.attrelid = (e ->> 'relid')::oid AND a.attname = e ->> 'name'
                                      AND a.attnum > 0 AND NOT a.attisdropped
                                    LIMIT 1) AS present ON true
                 WHERE present.found IS NULL) THEN
    -- A source renamed or moved (ALTER TABLE ... RENAME or SET SCHEMA, ALTER SCHEMA ... RENAME; V21): capture
    -- and the programs follow it by oid, but the stored query names it by its old name, which a recompute,
    -- verify or rebuild reads: gone, or another table created under it since. Refused until the query is
    -- given the new name, as the event trigger freshet_source_ddl says when it sees the rename.
    SELECT format('its source %s was renamed to %s (ALTER TABLE); its query names the old table',
             freshet.display_name(s.source_schema, s.source_table), freshet.display_name(n.nspname, c.relname))
    INTO v_why
    FROM freshet.stream_table_sources s
    JOIN pg_class c ON c.oid = s.source_relid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE s.stream_table_id = p_id AND (n.nspname, c.relname) IS DISTINCT FROM (s.source_schema, s.source_table)
    ORDER BY s.source_schema, s.source_table
    LIMIT 1;
    IF v_why IS NOT NULL THEN
      RAISE EXCEPTION 'stream table % cannot be refreshed: %', v_name, v_why
        USING ERRCODE = 'FS006', HINT = 'give its query the new name (this recreates it): '
          || freshet.suggested_command('alter', v_name, '--query', '...');
    END IF;
    -- A column its query reads renamed or dropped (V26): refused, naming each column and the fix, before the
    -- query is compiled or run again (it would fail on the first name it met, or read another table's column
    -- under the name), until the query is given the names as they are now.
    v_why := freshet.source_ddl_reason(p_id);
    IF v_why IS NOT NULL THEN
      RAISE EXCEPTION 'stream table % cannot be refreshed: %', v_name, v_why USING ERRCODE = 'FS008';
    END IF;
  END IF;
  -- the capture check, prepared once per session and text: run by EXECUTE it was planned anew at every refresh,
  -- 0.45 of the 0.65 ms it took, half of this step (a new session, or DISCARD ALL, prepares it again)
  v_reconcile := 'freshet_reconcile_' || md5(v_st.reconcile_check);
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_prepared_statements ps WHERE ps.name = v_reconcile) THEN
    EXECUTE format('PREPARE %I (pg_catalog.oid[]) AS %s', v_reconcile, v_st.reconcile_check);
  END IF;
  EXECUTE format('EXECUTE %I (%L)', v_reconcile, v_relids) INTO v_renamed;
  IF cardinality(v_renamed) > 0 THEN
    RAISE EXCEPTION 'a source of % changed (a column renamed or dropped, a partition or child added or removed, a capture trigger dropped) since its capture was set up',
        v_name
      USING ERRCODE = 'FS001', DETAIL = 'sources: ' || v_renamed::text,
        HINT = 'refreshing it once from the command line reconciles the capture and reinstalls its programs: '
          || freshet.suggested_command('refresh', v_name);
  END IF;
  -- A foreign table that became a partition or child of a source since the stream table was compiled (V44): its rows
  -- change outside this database, where no trigger sees them, so no refresh short of a recompute at every refresh
  -- is exact. relhassubclass first: a table that never had children pays one look at it (by its oid, OFFSET 0: as
  -- oid = ANY (v_relids) pg_class was read whole, 0.06-0.15 ms a refresh).
  IF NOT v_st.recomputes_every_refresh
      AND EXISTS (SELECT FROM pg_catalog.unnest(v_relids) AS r(relid)
                  CROSS JOIN LATERAL (SELECT FROM pg_catalog.pg_class c
                                      WHERE c.oid = r.relid AND c.relhassubclass OFFSET 0) AS c) THEN
    WITH RECURSIVE down (source, relid) AS (
      SELECT i.inhparent, i.inhrelid FROM pg_catalog.pg_inherits i WHERE i.inhparent = ANY (v_relids)
      UNION
      SELECT d.source, i.inhrelid FROM pg_catalog.pg_inherits i JOIN down d ON i.inhparent = d.relid)
    SELECT format('its source %s has foreign table %s as a partition or child, whose rows change outside this '
             'database where no trigger sees them', freshet.display_name(sn.nspname, s.relname),
             freshet.display_name(fn.nspname, f.relname))
    INTO v_why
    FROM down d
    JOIN pg_catalog.pg_class f ON f.oid = d.relid AND f.relkind = 'f'
    JOIN pg_catalog.pg_namespace fn ON fn.oid = f.relnamespace
    JOIN pg_catalog.pg_class s ON s.oid = d.source
    JOIN pg_catalog.pg_namespace sn ON sn.oid = s.relnamespace
    ORDER BY 1
    LIMIT 1;
    IF v_why IS NOT NULL THEN
      RAISE EXCEPTION 'stream table % cannot be refreshed exactly: %', v_name, v_why
        USING ERRCODE = 'FS011', HINT = 'recompute it at every refresh (this recreates it): '
          || freshet.suggested_command('alter', v_name, '--mode', 'FULL');
    END IF;
  END IF;
  -- A constraint its plan relied on dropped (V45): a NOT NULL column, a unique index or key, a foreign key of a table
  -- its query reads (also one the plan left out, as a filter on IS NULL of a NOT NULL column), which the planner read
  -- when it compiled the stream table; its programs may be wrong from now on, so none runs until it is created again
  -- from its query. The constraints recorded are compared first, a few index probes per table.
  IF v_st.effective_mode = 'DIFFERENTIAL' AND v_st.plan_constraints IS NOT NULL
      AND EXISTS (SELECT FROM pg_catalog.jsonb_each(v_st.plan_constraints) AS k(relid, elements)
                  WHERE NOT ARRAY(SELECT pg_catalog.jsonb_array_elements_text(k.elements))
                            <@ ARRAY(SELECT x.e FROM freshet.source_constraint_list(k.relid::oid) AS x(e))
                    -- a table dropped is not a constraint dropped: said otherwise (FS009 above, or the query fails)
                    AND EXISTS (SELECT FROM pg_catalog.pg_class c WHERE c.oid = k.relid::oid)) THEN
    RAISE EXCEPTION 'stream table % must be created again from its query: %', v_name, freshet.constraint_gone_reason(p_id)
      USING ERRCODE = 'FS012',
        DETAIL = 'its plan relied on it when it was compiled: a differential refresh could apply wrong rows',
        HINT = 'create it again from its query (its rows are computed anew, its history kept): '
          || freshet.suggested_command('alter', v_name, '--mode', v_st.requested_mode);
  END IF;
  -- DDL on a type its sources use (V18): its programs and stored hashes are stale until it is compiled again
  IF v_st.rebuild_step = 'compile' THEN
    RAISE EXCEPTION 'stream table % must be compiled again: %', v_name, split_part(v_st.pending_rebuild, ': its next refresh', 1)
      USING ERRCODE = 'FS005',
        HINT = 'refreshing it once from the command line compiles it again and recomputes it: '
          || freshet.suggested_command('refresh', v_name);
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
  -- Crash recovery empties an unlogged source with no trigger fired (V44): when the server started after the last
  -- refresh (or the fill), each unlogged source counts as truncated. A clean restart keeps its rows, but nothing
  -- in SQL tells the two apart, so it recomputes too, once.
  IF pg_catalog.pg_postmaster_start_time() > coalesce(v_st.last_refresh_at, v_st.created_at) THEN
    FOR v_src IN SELECT s.* FROM freshet.refresh_sources s
                 JOIN pg_catalog.pg_class c ON c.oid = s.source_relid AND c.relpersistence = 'u'
                 WHERE s.stream_table_id = p_id ORDER BY s.ordinal LOOP
      v_truncated := true;
      v_changed := pg_catalog.array_remove(v_changed, v_src.ordinal);
      IF NOT v_src.label = ANY (changed_sources) THEN
        changed_sources := changed_sources || v_src.label;
      END IF;
      v_whys := v_whys || format('the server started after the last refresh, and crash recovery empties the unlogged '
        'table %s', v_src.label);
    END LOOP;
  END IF;
  -- Writes no trigger captured (V45): Freshet's triggers disabled, or disabled and enabled again, or dropped; a table
  -- rewritten with new values (freshet.capture_stamp). The source counts as truncated, and the stamp read now, in
  -- this refresh's snapshot, is recorded: what changes after that snapshot, the next refresh sees. A stamp not
  -- recorded yet (a stream table created before V45) is recorded without a recompute.
  FOR v_stamp IN SELECT * FROM freshet.capture_stamps(p_id) LOOP
    IF v_stamp.recorded IS DISTINCT FROM v_stamp.stamp THEN
      UPDATE freshet.stream_table_sources SET capture_stamp = v_stamp.stamp
      WHERE stream_table_id = p_id AND source_relid = v_stamp.source_relid;
    END IF;
    v_why := coalesce(v_stamp.why_now, v_stamp.why_changed);
    CONTINUE WHEN v_why IS NULL;
    -- a TRUNCATE in the window gives the table new storage too, and says so already
    CONTINUE WHEN v_stamp.label = ANY (changed_sources) AND NOT v_stamp.ordinal = ANY (v_changed)
      AND v_stamp.why_now IS NULL;
    v_truncated := true;
    v_changed := pg_catalog.array_remove(v_changed, v_stamp.ordinal);
    IF NOT v_stamp.label = ANY (changed_sources) THEN
      changed_sources := changed_sources || v_stamp.label;
    END IF;
    v_whys := v_whys || v_why;
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
    ELSIF v_st.recomputes_every_refresh THEN
      -- its query calls now() or random(), or reads what capture cannot see (its note says which): recorded
      -- with the refresh, so its history line keeps saying so after an alter gives it another query (the
      -- command line derived it from the stream table's note as it is now; RefreshReport.RECOMPUTED_EVERY_REFRESH)
      mode_reason := 'recomputed at every refresh';
    END IF;
  ELSIF cardinality(changed_sources) = 0 THEN
    mode_used := v_st.effective_mode;
  ELSIF v_st.requested_mode = 'AUTO' AND lower(v_override) = 'differential' THEN
    -- asked for (V32): a differential refresh of a counted window, which AUTO's estimate learns from like its own
    mode_used := 'DIFFERENTIAL';
    mode_reason := format('AUTO: %s %s; differential, as freshet.auto_override asks',
      to_char(window_rows, 'FM999,999,999,999,990'), CASE WHEN window_rows = 1 THEN 'change' ELSE 'changes' END);
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
    -- a window of at most freshet.small_window_rows buffered changes runs the session forms (V37), when its sources
    -- and programs all have one: a refresh after a change of a few rows spent most of its time planning statements
    -- that ran in a fraction of a millisecond, and creating temporary tables. Counted up to the limit only.
    IF v_small_rows > 0 AND v_max_statements > 0
        AND NOT EXISTS (SELECT FROM freshet.refresh_sources s
                        WHERE s.stream_table_id = p_id AND (s.session_table IS NULL OR s.window_rows_upto IS NULL))
        AND NOT EXISTS (SELECT FROM freshet.refresh_programs p
                        WHERE p.stream_table_id = p_id AND p.changed_mask <> 0 AND p.session_step_sql IS NULL) THEN
      IF v_st.requested_mode = 'AUTO' THEN -- counted already
        v_session := window_rows <= v_small_rows;
      ELSE
        v_session := true;
        v_rows := 0;
        FOR v_src IN SELECT * FROM freshet.refresh_sources s WHERE s.stream_table_id = p_id
            AND s.ordinal = ANY (v_changed) ORDER BY s.ordinal LOOP
          EXECUTE v_src.window_rows_upto INTO v_upto USING v_current, v_st.last_snapshot, v_small_rows + 1 - v_rows;
          v_rows := v_rows + v_upto;
          IF v_rows > v_small_rows THEN
            v_session := false;
            EXIT;
          END IF;
        END LOOP;
      END IF;
      IF v_session THEN
        -- a session table of another role (SET ROLE since it was made) is not this role's to fill: as printed then
        SELECT coalesce(array_agg(c.relname::text), '{}'),
               coalesce(bool_or(c.relowner <> (SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname = current_user)
                                AND c.relname LIKE '%·%'), false)
        INTO v_temp, v_foreign
        FROM pg_catalog.pg_class c WHERE c.relnamespace = pg_catalog.pg_my_temp_schema();
        v_session := NOT v_foreign;
      END IF;
      IF v_session THEN
        SELECT coalesce(array_agg(ps.name ORDER BY ps.prepare_time DESC, ps.name), '{}') INTO v_prepared
        FROM pg_catalog.pg_prepared_statements ps WHERE ps.name LIKE 'freshet\_s\_%';
        IF cardinality(v_prepared) >= v_max_statements THEN
          -- the oldest half go: a session refreshing many stream tables would keep every plan it made
          FOREACH v_ps IN ARRAY v_prepared[v_max_statements / 2 + 1 :] LOOP
            EXECUTE format('DEALLOCATE %I', v_ps);
          END LOOP;
          v_prepared := v_prepared[1 : v_max_statements / 2];
        END IF;
      END IF;
    END IF;
    FOR v_src IN SELECT * FROM freshet.refresh_sources s WHERE s.stream_table_id = p_id AND s.ordinal = ANY (v_changed)
        ORDER BY s.ordinal LOOP
      -- a window of only inserts or only deletes is not consolidated (V33): no row of it can cancel another
      v_mixed := true;
      v_shared := false;
      IF p_shared AND NOT v_session AND v_src.shared_window IS NOT NULL THEN
        -- refreshed together (V41): the window of this source since this last snapshot is read from the buffer once
        -- in the transaction, into a copy the stream tables after this one read
        SELECT w.last_snapshot = v_st.last_snapshot::text AS same, w.mixed, w.copied INTO v_copy
        FROM pg_temp."Δwindows" w WHERE w.source_relid = v_src.source_relid;
        IF NOT FOUND THEN
          IF v_src.window_mixed IS NOT NULL THEN
            EXECUTE v_src.window_mixed INTO v_mixed USING v_current, v_st.last_snapshot;
          END IF;
          EXECUTE v_src.shared_window USING v_current, v_st.last_snapshot;
          GET DIAGNOSTICS v_copied = ROW_COUNT;
          INSERT INTO pg_temp."Δwindows" (source_relid, last_snapshot, mixed, copied)
          VALUES (v_src.source_relid, v_st.last_snapshot::text, v_mixed, v_copied);
          v_shared := true;
          IF p_profile THEN
            profile := freshet.profile_step(profile, format('copy of the window of %s, for the stream tables refreshed '
              'together: %s rows', v_src.label, v_copied), v_step);
            v_step := clock_timestamp();
          END IF;
        ELSIF v_copy.same THEN
          v_shared := true;
          v_mixed := v_copy.mixed;
          v_copied := v_copy.copied;
        END IF;
      END IF;
      IF NOT v_shared AND v_src.window_mixed IS NOT NULL THEN
        EXECUTE v_src.window_mixed INTO v_mixed USING v_current, v_st.last_snapshot;
      END IF;
      IF v_shared AND NOT v_mixed THEN
        -- a view projecting and filtering the copy: nothing written; the copy's statistics on its join keys, each
        -- ANALYZE once in the transaction
        FOREACH v_statement IN ARRAY coalesce(v_src.shared_prepare, '{}') LOOP
          CONTINUE WHEN v_statement LIKE 'ANALYZE %' AND EXISTS (SELECT FROM pg_temp."Δwindows" w
            WHERE w.source_relid = v_src.source_relid AND v_statement = ANY (w.analyzed));
          EXECUTE v_statement;
          IF v_statement LIKE 'ANALYZE %' THEN
            UPDATE pg_temp."Δwindows" w SET analyzed = w.analyzed || v_statement
            WHERE w.source_relid = v_src.source_relid;
          END IF;
        END LOOP;
        EXECUTE v_src.shared_view;
        -- counted as the copy's rows, filter or not: counting the view's took longer (1.8-4 ms for TPC-H's 6,400
        -- deleted line items) than its terms take when it holds none
        v_count := v_copied;
        -- the copy's index on each of this stream table's join keys (once: by name), unless it is large (V30)
        IF v_count > 0 AND v_copied <= v_index_rows THEN
          FOREACH v_statement IN ARRAY coalesce(v_src.shared_indexes, '{}') LOOP
            EXECUTE v_statement;
          END LOOP;
        END IF;
      ELSIF v_shared THEN
        PERFORM set_config('enable_sort', 'off', true); -- consolidate by hashing (see the header)
        EXECUTE v_src.shared_create;
        GET DIAGNOSTICS v_count = ROW_COUNT;
        PERFORM set_config('enable_sort', v_sort, true);
      ELSIF v_session THEN -- its session table, filled by a prepared statement; no statistics, no index (V37)
        IF NOT v_src.session_table = ANY (v_temp) THEN
          EXECUTE v_src.session_setup USING NULL::pg_snapshot, NULL::pg_snapshot;
          v_temp := v_temp || v_src.session_table;
          v_made := v_made || v_src.session_table;
        END IF;
        v_sql := CASE WHEN v_mixed THEN v_src.session_fill ELSE v_src.session_fill_as_is END;
        v_ps := 'freshet_s_' || md5(v_sql);
        IF NOT v_ps = ANY (v_prepared) THEN
          EXECUTE format('PREPARE %I (pg_catalog.pg_snapshot, pg_catalog.pg_snapshot) AS %s', v_ps, v_sql);
          v_prepared := v_prepared || v_ps;
        END IF;
        IF v_mixed THEN
          PERFORM set_config('enable_sort', 'off', true);
        END IF;
        EXECUTE format('EXECUTE %I (%L, %L)', v_ps, v_current, v_st.last_snapshot) INTO v_count;
        PERFORM set_config('enable_sort', v_sort, true);
        v_empty := v_empty || v_src.session_empty;
        IF v_src.session_table = ANY (v_made) THEN
          -- statistics once, when it is made: PostgreSQL's guess for a table never analyzed (ten pages of rows, 150
          -- changed suppliers for 2) made TPC-H Q8 hash the green parts (12 ms) where 2 suppliers' 1,300 line items
          -- look them up by key; analyzed later, every statement reading it would be planned again
          EXECUTE format('ANALYZE pg_temp.%I', v_src.session_table);
          v_analyzed := v_analyzed || v_src.session_table;
        END IF;
      ELSIF v_mixed THEN
        PERFORM set_config('enable_sort', 'off', true); -- consolidate by hashing (see the header)
        EXECUTE v_src.create_change_table USING v_current, v_st.last_snapshot;
        GET DIAGNOSTICS v_count = ROW_COUNT; -- the rows CREATE TABLE AS wrote: no second scan to count them
        PERFORM set_config('enable_sort', v_sort, true);
      ELSE
        EXECUTE v_src.create_change_table_as_is USING v_current, v_st.last_snapshot;
        GET DIAGNOSTICS v_count = ROW_COUNT;
      END IF;
      v_created := v_created | (1::bigint << v_src.ordinal);
      IF p_profile THEN
        profile := freshet.profile_step(profile, CASE WHEN v_shared AND NOT v_mixed
          THEN format('change table of %s: a view of the shared copy of %s rows, one kind of change', v_src.label,
            v_count)
          ELSE format('change table of %s: %s rows%s%s', v_src.label, v_count,
            CASE WHEN NOT v_mixed THEN ', one kind of change (not consolidated)' ELSE '' END,
            CASE WHEN v_session THEN ' (session table, prepared)' WHEN v_shared THEN ' (from the shared copy)' ELSE '' END)
          END, v_step);
        v_step := clock_timestamp();
      END IF;
      v_changed_rows := v_changed_rows + v_count;
      IF v_count > 0 AND v_shared AND NOT v_mixed THEN -- the view: the copy is analyzed and indexed
        changed_mask := changed_mask | (1::bigint << v_src.ordinal);
      ELSIF v_count > 0 AND v_session THEN
        changed_mask := changed_mask | (1::bigint << v_src.ordinal);
      ELSIF v_count > 0 THEN -- else only columns this stream table does not read changed
        FOREACH v_statement IN ARRAY v_src.prepare_change_table LOOP
          EXECUTE v_statement;
        END LOOP;
        -- an index per join key for the terms that look its rows up by key, unless it is large (V30): a hash join
        -- reads it once where building each index reads and sorts it (7 ms for 35,000 line items at SF-1)
        IF v_count <= v_index_rows THEN
          FOREACH v_statement IN ARRAY coalesce(v_src.change_table_indexes, '{}') LOOP
            EXECUTE v_statement;
          END LOOP;
        END IF;
        changed_mask := changed_mask | (1::bigint << v_src.ordinal);
        IF p_profile THEN
          profile := freshet.profile_step(profile, CASE
              WHEN cardinality(v_src.prepare_change_table) = 0
                THEN format('no statistics for the change table of %s (no join reads it)', v_src.label)
              WHEN v_src.change_table_indexes IS NULL OR v_count <= v_index_rows AND cardinality(v_src.change_table_indexes) > 0
                THEN format('index and analyze the change table of %s', v_src.label)
              WHEN cardinality(v_src.change_table_indexes) = 0 THEN format('analyze the change table of %s', v_src.label)
              ELSE format('analyze the change table of %s (more than %s rows: not indexed)', v_src.label, v_index_rows)
            END, v_step);
          v_step := clock_timestamp();
        END IF;
      END IF;
    END LOOP;
    IF changed_mask <> 0 AND NOT EXISTS (SELECT FROM freshet.refresh_programs p
        WHERE p.stream_table_id = p_id AND p.changed_mask = refresh_window.changed_mask) THEN
      -- no program for the changed sources: one that includes them and is stored cut into pieces (V29, the one
      -- for all sources) holds it, as its statements without the terms that need another source, which PostgreSQL
      -- would plan and find empty; put together and installed, it runs now and at the next such window
      -- (the marks' bits above the sources' are state tables' (V35): kept, as the pieces the program keeps are)
      INSERT INTO freshet.refresh_programs (stream_table_id, changed_mask, step_kinds, step_sql, step_failures,
        change_tables_mask, piece_steps, piece_masks, piece_sql, step_state_bits, session_tables, session_setup,
        session_step_sql, session_piece_sql, session_empty)
      SELECT p.stream_table_id, refresh_window.changed_mask, p.step_kinds,
        ARRAY(SELECT CASE WHEN i = ANY (p.piece_steps) THEN
                (SELECT string_agg(u.piece, '' ORDER BY u.n)
                 FROM unnest(p.piece_steps, p.piece_masks, p.piece_sql) WITH ORDINALITY AS u(step, needs, piece, n)
                 WHERE u.step = i AND u.needs & ~refresh_window.changed_mask & v_source_bits = 0)
              ELSE p.step_sql[i] END
              FROM generate_subscripts(p.step_sql, 1) AS i ORDER BY i),
        p.step_failures, coalesce(p.change_tables_mask, p.changed_mask), -- each UNION's first term reads what it reads
        CASE WHEN p.step_state_bits IS NOT NULL THEN
          ARRAY(SELECT u.step FROM unnest(p.piece_steps, p.piece_masks) WITH ORDINALITY AS u(step, needs, n)
                WHERE u.needs & ~refresh_window.changed_mask & v_source_bits = 0 ORDER BY u.n) END,
        CASE WHEN p.step_state_bits IS NOT NULL THEN
          ARRAY(SELECT u.needs FROM unnest(p.piece_steps, p.piece_masks) WITH ORDINALITY AS u(step, needs, n)
                WHERE u.needs & ~refresh_window.changed_mask & v_source_bits = 0 ORDER BY u.n) END,
        CASE WHEN p.step_state_bits IS NOT NULL THEN
          ARRAY(SELECT u.piece FROM unnest(p.piece_masks, p.piece_sql) WITH ORDINALITY AS u(needs, piece, n)
                WHERE u.needs & ~refresh_window.changed_mask & v_source_bits = 0 ORDER BY u.n) END,
        p.step_state_bits,
        -- the session form (V37), put together from its pieces alike
        p.session_tables, p.session_setup,
        CASE WHEN p.session_step_sql IS NOT NULL THEN
          ARRAY(SELECT CASE WHEN i = ANY (p.piece_steps) THEN
                  (SELECT string_agg(u.piece, '' ORDER BY u.n)
                   FROM unnest(p.piece_steps, p.piece_masks, p.session_piece_sql) WITH ORDINALITY AS u(step, needs, piece, n)
                   WHERE u.step = i AND u.needs & ~refresh_window.changed_mask & v_source_bits = 0)
                ELSE p.session_step_sql[i] END
                FROM generate_subscripts(p.session_step_sql, 1) AS i ORDER BY i) END,
        CASE WHEN p.step_state_bits IS NOT NULL AND p.session_piece_sql IS NOT NULL THEN
          ARRAY(SELECT u.piece FROM unnest(p.piece_masks, p.session_piece_sql) WITH ORDINALITY AS u(needs, piece, n)
                WHERE u.needs & ~refresh_window.changed_mask & v_source_bits = 0 ORDER BY u.n) END,
        p.session_empty
      FROM freshet.refresh_programs p
      WHERE p.stream_table_id = p_id AND p.piece_steps IS NOT NULL
        AND p.changed_mask & refresh_window.changed_mask = refresh_window.changed_mask
      ORDER BY p.changed_mask
      LIMIT 1
      ON CONFLICT (stream_table_id, changed_mask) DO NOTHING;
      IF FOUND AND p_profile THEN
        profile := freshet.profile_step(profile, format('program %s put together from the pieces of a larger one',
          changed_mask), v_step);
        v_step := clock_timestamp();
      END IF;
    END IF;
    IF changed_mask <> 0 AND p_exact AND NOT EXISTS (SELECT FROM freshet.refresh_programs p
        WHERE p.stream_table_id = p_id AND p.changed_mask = refresh_window.changed_mask) THEN
      RAISE EXCEPTION 'no refresh program of % for exactly these changed sources', v_name
        USING ERRCODE = 'FS003', DETAIL = 'changed_mask ' || refresh_window.changed_mask;
    END IF;
    IF changed_mask <> 0 THEN
      -- the program for the changed sources, or else for the fewest sources that include them: exact
      -- too, since an unchanged source's change table is empty
      SELECT p.changed_mask, coalesce(p.change_tables_mask, p.changed_mask) INTO program_mask, v_tables
      FROM freshet.refresh_programs p
      WHERE p.stream_table_id = p_id AND p.changed_mask <> 0
        AND p.changed_mask & refresh_window.changed_mask = refresh_window.changed_mask
      ORDER BY length(replace(p.changed_mask::bit(64)::text, '0', '')), p.changed_mask
      LIMIT 1;
      IF program_mask IS NULL THEN
        RAISE EXCEPTION 'no refresh program of % covers the changed sources', v_name
          USING ERRCODE = 'FS002', HINT = 'refreshing it once from the command line installs its programs: '
            || freshet.suggested_command('refresh', v_name);
      END IF;
      -- the program's other sources get their (empty) change tables, indexed and analyzed like any: an
      -- empty table never analyzed is planned as thousands of rows, and its terms as full scans
      FOR v_src IN SELECT * FROM freshet.refresh_sources s WHERE s.stream_table_id = p_id
          AND v_tables & ~changed_mask & (1::bigint << s.ordinal) <> 0 LOOP
        IF v_session THEN -- its session table, empty (V37)
          IF NOT v_src.session_table = ANY (v_temp) THEN
            EXECUTE v_src.session_setup USING NULL::pg_snapshot, NULL::pg_snapshot;
            v_temp := v_temp || v_src.session_table;
            v_made := v_made || v_src.session_table;
          END IF;
          CONTINUE;
        END IF;
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

  IF program_mask = 0 AND v_st.read_columns IS NOT NULL THEN
    -- a FULL program reads the query text anew: its names must still read the columns they read at create (V25)
    v_read := freshet.query_read_columns(v_st.defining_query);
    IF v_read IS DISTINCT FROM v_st.read_columns AND v_read IS NOT NULL THEN
      RAISE EXCEPTION 'stream table % cannot be refreshed: its query now reads other columns than when it was created '
          '(a column of a table it reads was renamed, dropped or added, and a name in the query now stands for another '
          'column)', v_name
        USING ERRCODE = 'FS007',
          HINT = 'a query naming every column with its table (promo.price) keeps its meaning; give it the names as '
            'they are now (this recreates it): ' || freshet.suggested_command('alter', v_name, '--query', '...');
    END IF;
  END IF;
  IF program_mask IS NOT NULL THEN
    SELECT * INTO STRICT v_program FROM freshet.refresh_programs p
    WHERE p.stream_table_id = p_id AND p.changed_mask = program_mask;
    IF program_mask <> 0 THEN -- a differential program probes tables by key (see the header)
      PERFORM set_config('random_page_cost',
        least(v_random::float8, 1.1 * current_setting('seq_page_cost')::float8)::text, true);
      -- its join order, measured (V23): PostgreSQL's and the printed one (from the change table outward)
      -- take turns until the program keeps one; a small window runs as printed, unmeasured: from its few rows
      -- outward is the order, and planning PostgreSQL's took 30-40% of the statements' time (TPC-H Q2, one row)
      v_small := v_changed_rows <= v_small_rows OR v_session;
      v_order := CASE WHEN v_small THEN 'as printed' ELSE coalesce(v_program.join_order,
        CASE WHEN v_program.printed_runs < v_program.planner_runs THEN 'as printed' ELSE 'planner' END) END;
      IF v_order = 'as printed' AND (v_small OR v_program.step_join_orders IS NULL) THEN
        PERFORM set_config('join_collapse_limit', '1', true);
      END IF;
      v_program_started := clock_timestamp();
    END IF;
    IF program_mask <> 0 AND v_program.piece_steps IS NOT NULL THEN
      -- the program's sources that did not change (one printed for more sources than changed: V29's pruning, done here)
      v_absent := program_mask & ~changed_mask & v_source_bits;
    END IF;
    v_session := v_session AND program_mask <> 0;
    IF v_session THEN -- the program's session tables, made once per session (V37)
      FOR j IN 1 .. coalesce(cardinality(v_program.session_tables), 0) LOOP
        IF NOT v_program.session_tables[j] = ANY (v_temp) THEN
          EXECUTE v_program.session_setup[j];
          v_temp := v_temp || v_program.session_tables[j];
          v_made := v_made || v_program.session_tables[j];
        END IF;
      END LOOP;
      v_empty := v_empty || v_program.session_empty;
    END IF;
    FOR i IN 1 .. cardinality(v_program.step_kinds) LOOP
      v_sql := CASE WHEN v_session THEN v_program.session_step_sql[i] ELSE v_program.step_sql[i] END;
      v_left_out := 0;
      -- the terms that need a change table known empty are left out before PostgreSQL plans them (V35): a state
      -- table's change table comes out empty after most small windows, and planning its terms was most of the refresh
      IF v_absent <> 0 AND i = ANY (v_program.piece_steps) THEN
        SELECT string_agg(u.piece, '' ORDER BY u.n) FILTER (WHERE u.needs & v_absent = 0),
               count(*) FILTER (WHERE u.needs & v_absent <> 0)
        INTO v_sql, v_left_out
        FROM unnest(v_program.piece_steps, v_program.piece_masks,
               CASE WHEN v_session THEN v_program.session_piece_sql ELSE v_program.piece_sql END) WITH ORDINALITY
          AS u(step, needs, piece, n)
        WHERE u.step = i;
        -- never all: each UNION's first term stays
        v_sql := coalesce(v_sql, CASE WHEN v_session THEN v_program.session_step_sql[i] ELSE v_program.step_sql[i] END);
      END IF;
      -- the session form's statement, prepared once per session (V37); a step it does not need (a DROP, an ANALYZE)
      -- is empty
      CONTINUE WHEN v_session AND v_sql = '';
      IF v_session THEN
        v_ps := 'freshet_s_' || md5(v_sql);
        IF NOT v_ps = ANY (v_prepared) THEN
          EXECUTE format('PREPARE %I AS %s', v_ps, v_sql);
          v_prepared := v_prepared || v_ps;
        END IF;
        v_sql := format('EXECUTE %I', v_ps);
      END IF;
      -- once decided, each statement runs with its own order (V28)
      IF program_mask <> 0 AND NOT v_small AND v_program.step_join_orders IS NOT NULL
          AND v_program.step_join_orders[i] IS DISTINCT FROM v_step_order THEN
        v_step_order := v_program.step_join_orders[i];
        PERFORM set_config('join_collapse_limit', CASE v_step_order WHEN 'as printed' THEN '1' ELSE v_collapse END,
          true);
      END IF;
      v_statement_started := clock_timestamp();
      CASE v_program.step_kinds[i]
        WHEN 'statement' THEN
          IF v_program.step_state_bits IS NOT NULL AND v_program.step_state_bits[i] <> 0 THEN
            -- a state table's change table: empty, its terms can go
            IF v_session THEN
              EXECUTE v_sql INTO v_count; -- the session form's filling counts what it wrote
            ELSE
              EXECUTE v_sql;
              GET DIAGNOSTICS v_count = ROW_COUNT;
            END IF;
            IF v_count = 0 THEN
              v_absent := v_absent | v_program.step_state_bits[i];
            END IF;
          ELSE
            EXECUTE v_sql;
          END IF;
        WHEN 'check' THEN
          EXECUTE v_sql INTO v_count;
          IF v_count <> 0 THEN
            RAISE EXCEPTION '% (% rows)', v_program.step_failures[i], v_count USING ERRCODE = 'XX000';
          END IF;
        WHEN 'figures' THEN
          EXECUTE v_sql INTO rows_inserted, rows_updated, rows_deleted, delta_rows;
      END CASE;
      v_step_ms := v_step_ms || extract(epoch FROM clock_timestamp() - v_statement_started)::double precision * 1000;
      IF p_profile THEN
        profile := freshet.profile_step(profile, format('program %s%s, step %s (%s): %s', program_mask,
          CASE WHEN program_mask <> 0 AND coalesce(v_step_order, v_order) = 'as printed'
            THEN ' (joins as printed)' ELSE '' END, i,
          v_program.step_kinds[i], CASE WHEN v_session THEN 'prepared, ' ELSE '' END
            || left(split_part(CASE WHEN v_session THEN v_program.step_sql[i] ELSE v_sql END, E'\n', 1), 90)
            || CASE WHEN v_left_out > 0 THEN format(' (%s terms left out: their change tables are empty)', v_left_out)
               ELSE '' END), v_step);
        v_step := clock_timestamp();
      END IF;
    END LOOP;
    IF program_mask <> 0 THEN
      PERFORM set_config('join_collapse_limit', v_collapse, true);
      IF v_program.join_order IS NULL AND NOT v_small THEN
        PERFORM freshet.note_join_order_trial(p_id, program_mask, v_order,
          extract(epoch FROM clock_timestamp() - v_program_started) * 1000, window_rows, v_step_ms);
      END IF;
    END IF;
  END IF;

  -- the program's session tables made here are analyzed once, as they are after this window (the statements of the
  -- session's next refresh that read them are planned again, once, with their statistics)
  FOREACH v_statement IN ARRAY v_made LOOP
    CONTINUE WHEN v_statement = ANY (v_analyzed);
    EXECUTE format('ANALYZE pg_temp.%I', v_statement);
  END LOOP;
  -- the session tables emptied for the next refresh of this session (V37): ON COMMIT DELETE ROWS would truncate
  -- every such table of the session at each commit (43 ms for 300)
  FOREACH v_statement IN ARRAY v_empty LOOP
    v_ps := 'freshet_s_' || md5(v_statement);
    IF NOT v_ps = ANY (v_prepared) THEN
      EXECUTE format('PREPARE %I AS %s', v_ps, v_statement);
      v_prepared := v_prepared || v_ps;
    END IF;
    EXECUTE format('EXECUTE %I', v_ps);
  END LOOP;
  -- A session table made here with a column of a type that is not built in (an enum, a composite, an extension's)
  -- would keep that type from being dropped while the session lasts, whoever asks: this stream table runs every
  -- window as printed from now on (until it is installed anew), and the tables go.
  IF cardinality(v_made) > 0 AND EXISTS (SELECT FROM pg_catalog.pg_attribute a
      JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
      WHERE c.relnamespace = pg_catalog.pg_my_temp_schema() AND c.relname = ANY (v_made) AND a.attnum > 0
        AND (a.atttypid >= 16384 OR a.attcollation >= 16384)) THEN
    UPDATE freshet.refresh_programs SET session_tables = NULL, session_setup = NULL, session_step_sql = NULL,
      session_piece_sql = NULL, session_empty = NULL
    WHERE stream_table_id = p_id;
    UPDATE freshet.refresh_sources SET session_table = NULL, session_setup = NULL, session_fill = NULL,
      session_fill_as_is = NULL, session_empty = NULL
    WHERE stream_table_id = p_id;
    FOREACH v_statement IN ARRAY v_made LOOP
      EXECUTE format('DROP TABLE pg_temp.%I', v_statement);
    END LOOP;
  END IF;
  IF cardinality(v_empty) > 0 AND p_profile THEN
    profile := freshet.profile_step(profile, format('empty %s session tables', cardinality(v_empty)), v_step);
    v_step := clock_timestamp();
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

-- The columns p_query reads as PostgreSQL resolves its names under the current search_path (V25): 'table
-- oid:column name' pairs, sorted, from the dependencies of a temporary view of it; NULL when PostgreSQL
-- cannot make a view of it (then nothing is compared). Recorded at create, compared before a FULL program.
CREATE OR REPLACE FUNCTION freshet.query_read_columns(p_query text) RETURNS text
LANGUAGE plpgsql AS $query_read_columns$
DECLARE
  v_read jsonb := freshet.query_read_attributes(p_query); -- one temporary view of the query (V26)
BEGIN
  IF v_read IS NULL THEN
    RETURN NULL;
  END IF;
  -- by name: a column dropped and added again under its name is the one the query names (a FULL refresh
  -- reads it, as a DIFFERENTIAL one recomputes); another table's column under that name is not
  RETURN (SELECT coalesce(string_agg(k.col, ',' ORDER BY k.col), '')
          FROM (SELECT DISTINCT (e.value ->> 'relid') || ':' || pg_catalog.quote_ident(e.value ->> 'name') AS col
                FROM pg_catalog.jsonb_array_elements(v_read) AS e) AS k);
END
$query_read_columns$;

-- The columns p_query reads as PostgreSQL resolves its names under the current search_path, with their numbers
-- (V26): [{"relid", "attnum", "name"}], from the dependencies of a temporary view of it as query_read_columns
-- reads them; NULL when PostgreSQL cannot make a view of it. Recorded at create and alter, read by
-- source_ddl_reason.
CREATE OR REPLACE FUNCTION freshet.query_read_attributes(p_query text) RETURNS jsonb
LANGUAGE plpgsql AS $query_read_attributes$
DECLARE
  v_read jsonb;
BEGIN
  BEGIN
    EXECUTE 'CREATE TEMPORARY VIEW freshet_read_attributes_probe AS ' || p_query;
  EXCEPTION WHEN OTHERS THEN
    RETURN NULL;
  END;
  SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('relid', k.relid, 'attnum', k.attnum,
           'name', k.name) ORDER BY k.relid, k.attnum), '[]')
  INTO v_read
  FROM (SELECT DISTINCT d.refobjid::bigint AS relid, a.attnum, a.attname::text AS name
        FROM pg_catalog.pg_depend d
        JOIN pg_catalog.pg_rewrite r ON r.oid = d.objid
        JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
        WHERE d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass
          AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
          AND r.ev_class = 'pg_temp.freshet_read_attributes_probe'::pg_catalog.regclass
          AND d.refobjid <> r.ev_class AND d.refobjsubid > 0) AS k;
  DROP VIEW pg_temp.freshet_read_attributes_probe;
  RETURN v_read;
END
$query_read_attributes$;

-- Names as a sentence lists them: 'a', 'a and b', 'a, b and c'.
CREATE OR REPLACE FUNCTION freshet.word_list(p_words text[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN pg_catalog.cardinality(p_words) <= 1 THEN p_words[1]
            ELSE pg_catalog.array_to_string(p_words[1 : pg_catalog.cardinality(p_words) - 1], ', ') || ' and '
              || p_words[pg_catalog.cardinality(p_words)] END;

-- Why stream table p_id cannot run its query as written since DDL on its sources (V26; only source p_relid's
-- when given), with the fix, or NULL: a source renamed or moved (as refresh_window's FS006 says), else every
-- column its query reads that its table no longer has under that name, renamed (its number has another name
-- now) or dropped. The columns read are those recorded with their numbers at create or alter
-- (stream_tables.read_attributes); for a stream table without them (created before V26), the columns captured
-- for it, numbered as capture recorded them (V15), or by name alone (then 'dropped or renamed'). A name its
-- table still has (a column dropped and added again, names swapped) is read by that name: nothing to say.
CREATE OR REPLACE FUNCTION freshet.source_ddl_reason(p_id bigint, p_relid oid DEFAULT NULL) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $source_ddl_reason$
DECLARE
  v_st       record;
  v_name     text;
  v_why      text;
  v_column   record;
  v_renamed  text[] := '{}'; -- "s"."t"."c" of each column renamed
  v_to       text[] := '{}'; -- and its name now
  v_dropped  text[] := '{}';
  v_items    text[] := '{}'; -- every one, with what happened to it
  v_count    int;
BEGIN
  SELECT st.schema_name, st.table_name, st.read_attributes INTO v_st
  FROM freshet.stream_tables AS st WHERE st.id = p_id;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  v_name := freshet.display_name(v_st.schema_name, v_st.table_name);
  SELECT format('its source %s was renamed to %s (ALTER TABLE); its query names the old table. Give it the new '
           'name (this recreates it): %s', freshet.display_name(s.source_schema, s.source_table),
           freshet.display_name(n.nspname, c.relname), freshet.suggested_command('alter', v_name, '--query', '...'))
  INTO v_why
  FROM freshet.stream_table_sources AS s
  JOIN pg_catalog.pg_class AS c ON c.oid = s.source_relid
  JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
  WHERE s.stream_table_id = p_id AND (p_relid IS NULL OR s.source_relid = p_relid)
    AND (n.nspname, c.relname) IS DISTINCT FROM (s.source_schema, s.source_table)
  ORDER BY s.source_schema, s.source_table
  LIMIT 1;
  IF v_why IS NOT NULL THEN
    RETURN v_why;
  END IF;
  FOR v_column IN
    WITH read AS (
      SELECT (e ->> 'relid')::oid AS relid, (e ->> 'attnum')::int2 AS attnum, e ->> 'name' AS name
      FROM pg_catalog.jsonb_array_elements(v_st.read_attributes) AS e
      UNION
      SELECT s.source_relid, b.captured_attnums[pg_catalog.array_position(b.captured_columns, k.name)], k.name
      FROM freshet.stream_table_sources AS s
      CROSS JOIN LATERAL pg_catalog.unnest(s.columns) AS k(name)
      LEFT JOIN freshet.change_buffers AS b ON b.source_relid = s.source_relid
      WHERE s.stream_table_id = p_id AND v_st.read_attributes IS NULL)
    SELECT freshet.display_name(n.nspname, c.relname, r.name) AS shown, r.attnum, a.attname AS now_name
    FROM read AS r
    JOIN pg_catalog.pg_class AS c ON c.oid = r.relid
    JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
    -- each column read looked up by its number and by its name (V29): as joins, planned for jsonb_array_elements'
    -- guess of 100 rows, both were hash joins reading all of pg_attribute (this function 0.8-0.9 ms a call for
    -- TPC-H Q2 where it took 1.2-1.4 ms, in a database of 4,700 columns)
    LEFT JOIN LATERAL (SELECT a.attname FROM pg_catalog.pg_attribute AS a
                       WHERE a.attrelid = r.relid AND a.attnum = r.attnum AND NOT a.attisdropped
                       LIMIT 1) AS a ON true
    LEFT JOIN LATERAL (SELECT true AS found FROM pg_catalog.pg_attribute AS x
                       WHERE x.attrelid = r.relid AND x.attname = r.name AND x.attnum > 0 AND NOT x.attisdropped
                       LIMIT 1) AS present ON true
    WHERE (p_relid IS NULL OR r.relid = p_relid) AND present.found IS NULL
    ORDER BY n.nspname, c.relname, r.attnum, r.name
  LOOP
    IF v_column.now_name IS NOT NULL THEN
      v_renamed := v_renamed || v_column.shown;
      v_to := v_to || freshet.display_name(v_column.now_name);
      v_items := v_items || format('%s (renamed to %s)', v_column.shown, freshet.display_name(v_column.now_name));
    ELSIF v_column.attnum IS NOT NULL THEN
      v_dropped := v_dropped || v_column.shown;
      v_items := v_items || format('%s (dropped)', v_column.shown);
    ELSE
      v_items := v_items || format('%s (dropped or renamed)', v_column.shown);
    END IF;
  END LOOP;
  v_count := cardinality(v_items);
  IF v_count = 0 THEN
    RETURN NULL;
  ELSIF v_count = cardinality(v_dropped) THEN
    RETURN format('its source %1$s %2$s %3$s dropped (ALTER TABLE ... DROP COLUMN), and its query reads %4$s. '
      'Drop the stream table, or give it a query without %4$s (this recreates it): %5$s',
      CASE WHEN v_count = 1 THEN 'column' ELSE 'columns' END, freshet.word_list(v_dropped),
      CASE WHEN v_count = 1 THEN 'was' ELSE 'were' END, CASE WHEN v_count = 1 THEN 'it' ELSE 'them' END,
      freshet.suggested_command('alter', v_name, '--query', '...'));
  ELSIF v_count = cardinality(v_renamed) THEN
    RETURN format('its source %1$s %2$s %3$s renamed to %4$s (ALTER TABLE ... RENAME COLUMN), and its query reads '
      '%5$s. Give it the new %7$s (this recreates it): %6$s',
      CASE WHEN v_count = 1 THEN 'column' ELSE 'columns' END, freshet.word_list(v_renamed),
      CASE WHEN v_count = 1 THEN 'was' ELSE 'were' END, freshet.word_list(v_to),
      CASE WHEN v_count = 1 THEN 'it' ELSE 'them' END, freshet.suggested_command('alter', v_name, '--query', '...'),
      CASE WHEN v_count = 1 THEN 'name' ELSE 'names' END);
  END IF;
  RETURN format('its source %1$s %2$s %3$s no longer there under the %4$s its query reads (ALTER TABLE). Drop '
    'the stream table, or give it the names as they are now (this recreates it): %5$s',
    CASE WHEN v_count = 1 THEN 'column' ELSE 'columns' END, freshet.word_list(v_items),
    CASE WHEN v_count = 1 THEN 'is' ELSE 'are' END, CASE WHEN v_count = 1 THEN 'name' ELSE 'names' END,
    freshet.suggested_command('alter', v_name, '--query', '...'));
END
$source_ddl_reason$;

-- The captured columns of source p_relid that ALTER TABLE renamed, dropped or retyped since its capture was
-- written (found by the numbers and types capture recorded, V15), for which stream table p_id must recompute
-- (V27): those its program reads from the change buffer (stream_table_sources.columns), those its query
-- reads (stream_tables.read_attributes; every one when that is not recorded), and those no stream table's
-- program reads (captured for the source's primary key: every reader recomputes). The capture functions
-- write NULL in such a column until the next refresh writes them anew (CapturePrinter.followDdl), and a
-- rename leaves the values they capture alone, so the other stream tables on the source stay differential.
-- Their numbers, empty when none; NULL when the source's capture records no layout (set up before V15).
CREATE OR REPLACE FUNCTION freshet.capture_ddl_columns(p_id bigint, p_relid oid) RETURNS int2[]
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $capture_ddl_columns$
  SELECT CASE WHEN b.captured_layout IS NULL OR b.captured_attnums IS NULL THEN NULL ELSE
    coalesce((SELECT pg_catalog.array_agg(k.attnum ORDER BY k.attnum)
              FROM ROWS FROM (pg_catalog.unnest(b.captured_columns), pg_catalog.unnest(b.captured_attnums))
                AS k(name, attnum)
              LEFT JOIN pg_catalog.pg_attribute AS a
                ON a.attrelid = p_relid AND a.attnum = k.attnum AND NOT a.attisdropped
              WHERE (a.attname IS NULL OR a.attname <> k.name
                     OR NOT (a.attnum::text || ':' || a.atttypid::int8 || ':' || a.atttypmod || ':'
                               || a.attcollation::int8 = ANY (pg_catalog.string_to_array(b.captured_layout, ','))))
                AND (st.read_attributes IS NULL
                     OR k.name = ANY (s.columns)
                     OR EXISTS (SELECT FROM pg_catalog.jsonb_array_elements(st.read_attributes) AS e
                                WHERE (e ->> 'relid')::oid = p_relid AND (e ->> 'attnum')::int2 = k.attnum)
                     OR NOT EXISTS (SELECT FROM freshet.stream_table_sources AS o
                                    WHERE o.source_relid = p_relid AND k.name = ANY (o.columns)))), '{}') END
  FROM freshet.change_buffers AS b
  JOIN freshet.stream_table_sources AS s ON s.source_relid = b.source_relid AND s.stream_table_id = p_id
  JOIN freshet.stream_tables AS st ON st.id = p_id
  WHERE b.source_relid = p_relid
$capture_ddl_columns$;

-- One measured run of a differential program with a join order (V23): summed, and once both orders ran,
-- the program keeps PostgreSQL's unless the order as printed took less than 2/3 of its time per window
-- row; after one run of each when as printed was no faster, or less than a third as long (V43: a second run of
-- an order three times slower decides nothing, and cost TPC-H Q9's programs 1.7-8.6 s each with PostgreSQL's
-- order, against 0.2-0.3 s as printed), else after two of each. A run with
-- PostgreSQL's order faster than freshet.join_order_trial_ms (a setting, default 20 ms) is not counted:
-- there is little to win, and a trial of the printed order can cost seconds where it is the wrong one
-- (TPC-H Q17: 3.4 s against 0.4), so a program that stays fast never tries it.
CREATE OR REPLACE FUNCTION freshet.note_join_order_trial(p_id bigint, p_mask bigint, p_order text,
    p_ms double precision, p_window_rows bigint, p_step_ms double precision[]) RETURNS void
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
      printed_rows = p.printed_rows + CASE WHEN p_order = 'as printed' THEN greatest(p_window_rows, 1) ELSE 0 END,
      -- each statement's milliseconds summed alike (V28)
      planner_step_ms = CASE WHEN p_order <> 'planner' THEN p.planner_step_ms
        ELSE freshet.summed_times(p.planner_step_ms, p_step_ms) END,
      printed_step_ms = CASE WHEN p_order <> 'as printed' THEN p.printed_step_ms
        ELSE freshet.summed_times(p.printed_step_ms, p_step_ms) END
  WHERE p.stream_table_id = p_id AND p.changed_mask = p_mask
  RETURNING * INTO v_p;
  IF v_p.planner_runs = 0 OR v_p.printed_runs = 0 THEN
    RETURN;
  END IF;
  v_planner := v_p.planner_ms / v_p.planner_rows;
  v_printed := v_p.printed_ms / v_p.printed_rows;
  IF v_printed >= v_planner OR v_printed * 3 < v_planner OR (v_p.planner_runs >= 2 AND v_p.printed_runs >= 2) THEN
    -- the program's order, and each statement's: as printed only when that ran it in less than 2/3 of the time
    -- per window row (V28), so that a statement measured alike keeps PostgreSQL's order
    UPDATE freshet.refresh_programs p
    SET join_order = CASE WHEN v_printed < v_planner * 2.0 / 3 THEN 'as printed' ELSE 'planner' END,
        step_join_orders = CASE WHEN cardinality(p.planner_step_ms) = cardinality(p.step_kinds)
            AND cardinality(p.printed_step_ms) = cardinality(p.step_kinds) THEN
          ARRAY(SELECT CASE WHEN t.printed / p.printed_rows < t.planner / p.planner_rows * 2.0 / 3
                            THEN 'as printed' ELSE 'planner' END
                FROM unnest(p.planner_step_ms, p.printed_step_ms) WITH ORDINALITY AS t (planner, printed, n)
                ORDER BY t.n) END
    WHERE p.stream_table_id = p_id AND p.changed_mask = p_mask;
  END IF;
END
$note_join_order_trial$;

-- Two arrays of milliseconds added element by element; NULL (none yet) counts as zeros (V28).
CREATE OR REPLACE FUNCTION freshet.summed_times(p_sum double precision[], p_add double precision[])
RETURNS double precision[]
LANGUAGE sql IMMUTABLE AS $summed_times$
  SELECT CASE WHEN p_sum IS NULL OR cardinality(p_sum) <> cardinality(p_add) THEN p_add
    ELSE ARRAY(SELECT s + a FROM unnest(p_sum, p_add) WITH ORDINALITY AS t (s, a, n) ORDER BY t.n) END
$summed_times$;

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

-- The tables related to a source (V44): its partitions and inheritance children at any level (descendant true), whose
-- statements change its rows without firing its statement triggers, and the tables it is a partition or child of at
-- any level (descendant false), whose statements reach its rows; ordinary and partitioned tables only. Capture's
-- set-up (CaptureCatalogSql.relatedCte) and its check (below) read them here.
CREATE OR REPLACE FUNCTION freshet.related_tables(p_relid oid, OUT relid oid, OUT descendant boolean)
RETURNS SETOF record
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $related_tables$
  WITH RECURSIVE down (relid) AS (
    SELECT i.inhrelid FROM pg_catalog.pg_inherits i WHERE i.inhparent = p_relid
    UNION
    SELECT i.inhrelid FROM pg_catalog.pg_inherits i JOIN down d ON i.inhparent = d.relid
  ), up (relid) AS (
    SELECT i.inhparent FROM pg_catalog.pg_inherits i WHERE i.inhrelid = p_relid
    UNION
    SELECT i.inhparent FROM pg_catalog.pg_inherits i JOIN up u ON i.inhrelid = u.relid
  )
  SELECT d.relid, true FROM down d JOIN pg_catalog.pg_class c ON c.oid = d.relid AND c.relkind IN ('r', 'p')
  UNION ALL
  SELECT u.relid, false FROM up u JOIN pg_catalog.pg_class c ON c.oid = u.relid AND c.relkind IN ('r', 'p')
$related_tables$;

-- Whether the tables related to a source (freshet.related_tables) call for its capture to be reconciled (V44): one
-- without the marker trigger (a partition or child created or attached, a new ancestor), a recorded descendant or
-- ancestor (p_descendants, p_ancestors) that is no longer one (detached, no longer inheriting, dropped), a partition
-- or child holding rows without the replica trigger, or a TRUNCATE or marker trigger enabled as by default; the last
-- two on tables this role owns (or is a member of the owner of). The capture check
-- (CaptureCatalogSql.NEEDING_RECONCILE) calls it only for a source that has or had such tables, or is one: in a
-- function of its own, its plan is set up only then, where as a sub-query of the check every node of it was set up at
-- every refresh of every stream table.
CREATE OR REPLACE FUNCTION freshet.related_tables_changed(p_relid oid, p_descendants oid[], p_ancestors oid[])
RETURNS boolean
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $related_tables_changed$
DECLARE
  v_replica  oid := pg_catalog.to_regprocedure('freshet_changes.src_' || p_relid || '_replica()');
  v_truncate oid := pg_catalog.to_regprocedure('freshet_changes.src_' || p_relid || '_trunc()');
BEGIN
  RETURN EXISTS (
    WITH related AS MATERIALIZED (SELECT t.relid, t.descendant FROM freshet.related_tables(p_relid) AS t)
    SELECT FROM related r
    WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_trigger t WHERE t.tgrelid = r.relid AND t.tgfoid = v_truncate)
    UNION ALL
    SELECT FROM pg_catalog.unnest(p_descendants) AS x(relid)
    WHERE x.relid NOT IN (SELECT r.relid FROM related r WHERE r.descendant)
    UNION ALL
    SELECT FROM pg_catalog.unnest(p_ancestors) AS x(relid)
    WHERE x.relid NOT IN (SELECT r.relid FROM related r WHERE NOT r.descendant)
    UNION ALL
    SELECT FROM related r
    JOIN pg_catalog.pg_class c ON c.oid = r.relid AND c.relkind = 'r' AND pg_catalog.pg_has_role(c.relowner, 'USAGE')
    WHERE r.descendant
      AND NOT EXISTS (SELECT FROM pg_catalog.pg_trigger g
                      WHERE g.tgrelid = r.relid AND g.tgfoid = v_replica AND g.tgenabled IN ('R', 'D'))
    UNION ALL
    SELECT FROM related r
    JOIN pg_catalog.pg_class c ON c.oid = r.relid AND pg_catalog.pg_has_role(c.relowner, 'USAGE')
    JOIN pg_catalog.pg_trigger g ON g.tgrelid = r.relid AND g.tgenabled = 'O' AND g.tgfoid = v_truncate);
END
$related_tables_changed$;

-- What a refresh compares to see writes that no trigger captured (V45), for the source p_relid whose partitions and
-- children (at any level) are p_descendants and whose ancestors are p_ancestors (freshet.change_buffers):
-- stamp, the storage of the source and of each descendant (pg_class.relfilenode: a rewrite gives a table new storage,
-- and ALTER TABLE ... ALTER COLUMN v TYPE int USING v * 2 on an int column rewrites values with no trigger fired and
-- no column changed in the catalog; VACUUM FULL, CLUSTER and SET TABLESPACE give new storage too, with the same
-- values, and cost a recompute they did not need) and the row version of each trigger capturing the source, on it,
-- its descendants and ancestors (pg_trigger.xmin: ALTER TABLE ... DISABLE or ENABLE TRIGGER writes the trigger's row
-- anew; between the two, writes went uncaptured); uncaptured, why writes there are not being captured now (one of
-- those triggers disabled, or one other than the replica trigger enabled for replica mode only), NULL when they are
-- (a capture trigger dropped, the capture check sees). A trigger is the source's by the function it calls, whatever
-- its name (a user may rename one), and is known in the stamp by its table and function ('trigger <relid>/<function>
-- <trigger oid>.<xmin>'), so that one dropped and created again under the same function is a change too. A stream
-- table records the stamp when it reads the source (freshet.stream_table_sources.capture_stamp) and recomputes in
-- full when it changed or while uncaptured is set. A set-returning SQL function without settings of its own, so
-- that the refresh's query takes it in as a sub-query.
CREATE OR REPLACE FUNCTION freshet.capture_stamp(p_relid oid, p_descendants oid[], p_ancestors oid[])
RETURNS TABLE (stamp text[], uncaptured text)
LANGUAGE sql STABLE AS $capture_stamp$
  WITH functions AS MATERIALIZED (
    SELECT p.oid, p.proname = 'src_' || p_relid || '_replica' AS replica
    FROM pg_catalog.pg_proc p
    WHERE p.proname IN ('src_' || p_relid || '_ins', 'src_' || p_relid || '_upd', 'src_' || p_relid || '_del',
                        'src_' || p_relid || '_trunc', 'src_' || p_relid || '_replica')
      AND p.pronamespace = pg_catalog.to_regnamespace('freshet_changes')
  ), tables (relid, holds_rows) AS MATERIALIZED (
    SELECT p_relid, true
    UNION ALL
    SELECT d.relid, true FROM pg_catalog.unnest(p_descendants) AS d(relid)
    UNION ALL
    SELECT a.relid, false FROM pg_catalog.unnest(p_ancestors) AS a(relid)
  ), few (yes) AS (
    -- up to 50 related tables, each table's row and triggers are looked up by its oid (index probes, OFFSET 0: as a
    -- join of lists, pg_class and pg_trigger were read whole, 0.1 ms a source); beyond, a join reads them once
    SELECT coalesce(pg_catalog.cardinality(p_descendants), 0) + coalesce(pg_catalog.cardinality(p_ancestors), 0) <= 50
  ), storage (relid, filenode) AS (
    SELECT c.oid, c.relfilenode
    FROM tables t
    CROSS JOIN LATERAL (SELECT c.oid, c.relfilenode FROM pg_catalog.pg_class c WHERE c.oid = t.relid OFFSET 0) AS c
    WHERE (SELECT yes FROM few) AND t.holds_rows
    UNION ALL
    SELECT c.oid, c.relfilenode
    FROM pg_catalog.pg_class c
    WHERE NOT (SELECT yes FROM few) AND c.oid IN (SELECT t.relid FROM tables t WHERE t.holds_rows)
  ), triggers (tgrelid, tgfoid, oid, version, tgname, tgenabled) AS (
    SELECT g.tgrelid, g.tgfoid, g.oid, g.xmin, g.tgname, g.tgenabled
    FROM tables t
    CROSS JOIN LATERAL (SELECT g.tgrelid, g.tgfoid, g.oid, g.xmin, g.tgname, g.tgenabled
                        FROM pg_catalog.pg_trigger g WHERE g.tgrelid = t.relid OFFSET 0) AS g
    WHERE (SELECT yes FROM few)
    UNION ALL
    SELECT g.tgrelid, g.tgfoid, g.oid, g.xmin, g.tgname, g.tgenabled
    FROM pg_catalog.pg_trigger g
    WHERE NOT (SELECT yes FROM few) AND g.tgrelid IN (SELECT t.relid FROM tables t)
  )
  SELECT pg_catalog.array_agg(x.element ORDER BY x.element), pg_catalog.min(x.why)
  FROM (SELECT 'storage ' || s.relid || ' ' || s.filenode, NULL::text
        FROM storage s
        WHERE s.filenode <> 0
        UNION ALL
        SELECT 'trigger ' || g.tgrelid || '/' || g.tgfoid || ' ' || g.oid || '.' || g.version,
               CASE WHEN g.tgenabled = 'D' OR (g.tgenabled = 'R' AND NOT f.replica)
                    THEN pg_catalog.format('trigger %s of %s %s: writes there are not captured, and every refresh '
                           'recomputes until it is enabled (ALTER TABLE %s ENABLE TRIGGER %s)',
                           freshet.display_name(g.tgname), l.label,
                           CASE g.tgenabled WHEN 'D' THEN 'is disabled (ALTER TABLE ... DISABLE TRIGGER)'
                                ELSE 'fires under session_replication_role = replica only (ALTER TABLE ... ENABLE '
                                     'REPLICA TRIGGER)' END,
                           l.label, freshet.display_name(g.tgname)) END
        FROM triggers g
        JOIN functions f ON f.oid = g.tgfoid
        LEFT JOIN LATERAL (SELECT freshet.display_name(n.nspname, c.relname) AS label
                           FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                           WHERE c.oid = g.tgrelid AND (g.tgenabled = 'D' OR g.tgenabled = 'R' AND NOT f.replica)
                           OFFSET 0) AS l ON true) AS x(element, why)
$capture_stamp$;

-- The constraints of table p_relid that Freshet's planner reads (PgCatalogReader) and a plan may rely on (V45): its
-- NOT NULL columns ('notnull <attnum>'), valid unique indexes and keys ('unique <index oid>') and foreign keys
-- ('fkey <constraint oid>'), one row each. A set-returning SQL function without settings, which a query takes in
-- as a sub-query (refresh_window compares them at every refresh: 140 us for six tables, where a function planned at
-- every call took 300-400).
CREATE OR REPLACE FUNCTION freshet.source_constraint_list(p_relid oid) RETURNS SETOF text
LANGUAGE sql STABLE AS $source_constraint_list$
  SELECT 'notnull ' || a.attnum FROM pg_catalog.pg_attribute a
  WHERE a.attrelid = p_relid AND a.attnum > 0 AND NOT a.attisdropped AND a.attnotnull
  UNION ALL
  SELECT 'unique ' || i.indexrelid FROM pg_catalog.pg_index i
  WHERE i.indrelid = p_relid AND i.indisunique AND i.indisvalid
  UNION ALL
  SELECT 'fkey ' || c.oid FROM pg_catalog.pg_constraint c
  WHERE c.conrelid = p_relid AND c.contype = 'f'
$source_constraint_list$;

-- freshet.source_constraint_list as a sorted array: what a stream table records when it is compiled, for each table
-- its query reads (freshet.stream_tables.plan_constraints); one gone since makes its plan unsound.
CREATE OR REPLACE FUNCTION freshet.source_constraints(p_relid oid) RETURNS text[]
LANGUAGE sql STABLE AS $source_constraints$
  SELECT pg_catalog.array_agg(x.e ORDER BY x.e) FROM freshet.source_constraint_list(p_relid) AS x(e)
$source_constraints$;

-- Why the plan of stream table p_id no longer holds (V45): the first constraint recorded for a table its query reads
-- when it was compiled (freshet.stream_tables.plan_constraints) that the table no longer has, named; NULL when every
-- one is still there (or none was recorded: created before V45).
CREATE OR REPLACE FUNCTION freshet.constraint_gone_reason(p_id bigint) RETURNS text
LANGUAGE sql STABLE AS $constraint_gone_reason$
  SELECT CASE pg_catalog.split_part(g.e, ' ', 1)
           WHEN 'notnull' THEN pg_catalog.format('column %s of %s is no longer NOT NULL (ALTER TABLE ... DROP NOT NULL)',
             coalesce((SELECT freshet.display_name(a.attname) FROM pg_catalog.pg_attribute a
                       WHERE a.attrelid = k.relid::oid AND a.attnum = pg_catalog.split_part(g.e, ' ', 2)::int2
                         AND NOT a.attisdropped), 'number ' || pg_catalog.split_part(g.e, ' ', 2)), t.label)
           WHEN 'unique' THEN pg_catalog.format('a unique index or key of %s was dropped (DROP INDEX, ALTER TABLE ... '
             'DROP CONSTRAINT, or an index built again by ALTER TABLE)', t.label)
           ELSE pg_catalog.format('a foreign key of %s was dropped (ALTER TABLE ... DROP CONSTRAINT)', t.label) END
  FROM freshet.stream_tables st
  CROSS JOIN LATERAL pg_catalog.jsonb_each(st.plan_constraints) AS k(relid, elements)
  CROSS JOIN LATERAL (SELECT coalesce((SELECT freshet.display_name(n.nspname, c.relname)
                                       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                                       WHERE c.oid = k.relid::oid), 'the table with relation id ' || k.relid) AS label) AS t
  CROSS JOIN LATERAL (SELECT x.e FROM pg_catalog.jsonb_array_elements_text(k.elements) AS x(e)
                      EXCEPT SELECT y.e FROM freshet.source_constraint_list(k.relid::oid) AS y(e)
                      ORDER BY 1 LIMIT 1) AS g
  WHERE st.id = p_id
    AND EXISTS (SELECT FROM pg_catalog.pg_class c WHERE c.oid = k.relid::oid) -- a table dropped is said otherwise
  ORDER BY t.label
  LIMIT 1
$constraint_gone_reason$;

-- Why a source's capture stamp changed (V45, freshet.capture_stamp): p_recorded as the stream table last read it,
-- p_now as it is. Names the first table whose storage is new, else the first trigger capturing the source written
-- anew (disabled or enabled, renamed, or dropped and created again); NULL when the two differ only by tables or
-- triggers that came or went: a trigger missing, a partition or child added or removed, the capture check sees, and
-- the reconcile that follows writes a marker where writes went uncaptured (not where the tables related to the source
-- changed with no row of it coming or going, a parent it stopped inheriting from losing its marker trigger).
-- Elements are 'storage <relid> <filenode>' and 'trigger <relid>/<function> <trigger oid>.<xmin>': no name in them,
-- so they split on spaces.
CREATE OR REPLACE FUNCTION freshet.capture_stamp_reason(p_recorded text[], p_now text[]) RETURNS text
LANGUAGE sql STABLE AS $capture_stamp_reason$
  WITH changed (kind, key) AS (
    SELECT pg_catalog.split_part(x.e, ' ', 1), pg_catalog.split_part(x.e, ' ', 2)
    FROM ((SELECT pg_catalog.unnest(p_recorded) EXCEPT SELECT pg_catalog.unnest(p_now))
          UNION ALL
          (SELECT pg_catalog.unnest(p_now) EXCEPT SELECT pg_catalog.unnest(p_recorded))) AS x(e)
  )
  SELECT CASE WHEN k.kind = 'storage'
              THEN pg_catalog.format('%s was written anew (ALTER TABLE ... TYPE ... USING, VACUUM FULL, CLUSTER or '
                     'another command that rewrites a table): its values may have changed with no trigger fired',
                     k.label)
              ELSE pg_catalog.format('trigger %s of %s was disabled or enabled (ALTER TABLE ... DISABLE or ENABLE '
                     'TRIGGER), or created again, since the last refresh: writes made without it were not captured',
                     coalesce((SELECT freshet.display_name(g.tgname) FROM pg_catalog.pg_trigger g
                               WHERE g.tgrelid = k.relid
                                 AND g.tgfoid = pg_catalog.split_part(k.key, '/', 2)::oid
                               LIMIT 1), 'of its capture'), k.label) END
  FROM (SELECT ch.kind, ch.key, pg_catalog.split_part(ch.key, '/', 1)::oid AS relid,
               coalesce((SELECT freshet.display_name(n.nspname, c.relname)
                         FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                         WHERE c.oid = pg_catalog.split_part(ch.key, '/', 1)::oid),
                        'table with relation id ' || pg_catalog.split_part(ch.key, '/', 1)) AS label
        FROM changed ch
        GROUP BY ch.kind, ch.key
        HAVING pg_catalog.count(*) = 2) AS k -- there before and now, each time another
  ORDER BY k.kind = 'storage' DESC, k.label, k.key
  LIMIT 1
$capture_stamp_reason$;

-- The sources of stream table p_id whose capture stamp (V45, freshet.capture_stamp) is not the one it recorded, or
-- under which writes are not being captured now: the stamp recorded and as it is, and why its next refresh recomputes
-- (why_now: writes not captured now, a trigger disabled; else why_changed: the stamp changed in place, NULL when only
-- tables or triggers came or went, or none was recorded). Read by each refresh (freshet.refresh_window), which records
-- the stamp, and by `freshet status`.
CREATE OR REPLACE FUNCTION freshet.capture_stamps(p_id bigint)
RETURNS TABLE (ordinal integer, label text, source_relid oid, recorded text[], stamp text[], why_now text,
               why_changed text)
LANGUAGE sql STABLE AS $capture_stamps$
  SELECT r.ordinal, r.label, r.source_relid, s.capture_stamp, t.stamp, t.uncaptured,
         CASE WHEN s.capture_stamp IS NOT NULL AND s.capture_stamp IS DISTINCT FROM t.stamp
              THEN freshet.capture_stamp_reason(s.capture_stamp, t.stamp) END
  FROM freshet.refresh_sources r
  JOIN freshet.stream_table_sources s ON s.stream_table_id = r.stream_table_id AND s.source_relid = r.source_relid
  LEFT JOIN freshet.change_buffers cb ON cb.source_relid = r.source_relid
  -- OFFSET 0: read once per source, where the filter and the list each read it
  CROSS JOIN LATERAL (SELECT * FROM freshet.capture_stamp(r.source_relid, cb.descendants, cb.ancestors) OFFSET 0) AS t
  WHERE r.stream_table_id = p_id AND (t.uncaptured IS NOT NULL OR s.capture_stamp IS DISTINCT FROM t.stamp)
  ORDER BY r.ordinal
$capture_stamps$;

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
  SELECT coalesce(array_agg(freshet.display_name(n.nspname, c.relname) ORDER BY n.nspname, c.relname), '{}')
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE c.oid = ANY (p_relids) AND c.relrowsecurity AND pg_catalog.row_security_active(c.oid)
$sources_under_row_security$;
COMMENT ON FUNCTION freshet.sources_under_row_security(oid[]) IS
  'The tables among p_relids whose row-level security applies to the current role ("schema"."name", sorted)';

-- One stream table's refresh from SQL (V42: the body of CALL freshet.refresh(name), which raises what this returns):
-- its checks, a REPEATABLE READ transaction under its refresh lock, refresh_window, the commit, its buffers' cleanup.
-- What fails is returned in failure, failure_state, failure_detail and failure_hint (NULL when nothing did), where the
-- procedure used to raise it, so that CALL freshet.refresh('a', 'b', ...) goes on with the stream tables after a
-- failed one: a procedure that commits cannot catch an error. A refresh that failed is recorded (status ERROR, its
-- history row) and committed before it returns; a refused call (no such stream table, not its owner, its refresh
-- lock held elsewhere) records nothing, as before.
CREATE OR REPLACE PROCEDURE freshet.refresh_alone(stream_table text, INOUT failure text, INOUT failure_state text,
    INOUT failure_detail text, INOUT failure_hint text)
LANGUAGE plpgsql AS $refresh_alone$
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
  v_owner    name;
  v_rls      text[];
  v_parts    text[];
  v_steps    text[]; -- the cleanups' profile, not asked for here
  v_times    double precision[];
BEGIN
  failure := NULL;
  failure_state := NULL;
  failure_detail := NULL;
  failure_hint := NULL;
  SELECT st.id, freshet.display_name(st.schema_name, st.table_name), st.owner_role
  INTO v_id, v_label, v_owner -- quoted as in refresh_window's messages
  FROM freshet.stream_tables st
  JOIN pg_namespace n ON n.nspname = st.schema_name
  JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = st.table_name
  WHERE c.oid = to_regclass(stream_table);
  IF v_id IS NULL THEN
    BEGIN -- named as the command line names it: "public"."t" for t, as search_path resolves it
      v_parts := pg_catalog.parse_ident(stream_table);
    EXCEPTION WHEN OTHERS THEN
      v_parts := NULL;
    END;
    -- a relation that is not a stream table is named as what it is (V27), as the command line says it
    SELECT format('%s is %s, not a stream table', freshet.display_name(n.nspname, c.relname),
             CASE c.relkind WHEN 'r' THEN 'a table' WHEN 'p' THEN 'a partitioned table' WHEN 'v' THEN 'a view'
               WHEN 'm' THEN 'a materialized view' WHEN 'f' THEN 'a foreign table' WHEN 'S' THEN 'a sequence'
               WHEN 'i' THEN 'an index' WHEN 'I' THEN 'an index' ELSE 'a relation' END)
    INTO v_message
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.oid = pg_catalog.to_regclass(stream_table);
    IF v_message IS NOT NULL THEN
      failure := v_message;
      failure_state := '42809';
      failure_hint := 'SELECT schema_name, table_name FROM freshet.stream_tables lists the stream tables';
      RETURN;
    END IF;
    failure := format('there is no stream table %s', CASE cardinality(v_parts)
        WHEN 1 THEN freshet.display_name(coalesce(pg_catalog.current_schema(), 'public'), v_parts[1])
        WHEN 2 THEN freshet.display_name(v_parts[1], v_parts[2])
        ELSE pg_catalog.quote_literal(stream_table) END);
    failure_state := '42P01';
    failure_hint := 'SELECT schema_name, table_name FROM freshet.stream_tables lists them';
    RETURN;
  END IF;
  -- before anything is recorded: a role that may not refresh it leaves no error on it
  IF NOT freshet.may_manage(v_owner) THEN
    failure := format('must be owner of stream table %s', v_label);
    failure_state := '42501';
    failure_hint := format('its owner %s, a member of that role or a superuser can refresh it',
      freshet.display_name(v_owner));
    RETURN;
  END IF;
  COMMIT;
  SET TRANSACTION ISOLATION LEVEL REPEATABLE READ;
  -- the key of the command line's refresh lock ("FRRF", id): refreshes of one stream table never overlap
  IF NOT pg_try_advisory_xact_lock(x'46525246'::integer, v_id::integer) THEN
    -- who holds it (V27), as the command line says it: a client killed while it refreshed leaves its session
    -- refreshing on the server for a while, and whoever meets the lock needs its process id to stop it
    SELECT l.pid AS pid,
           format('the session of server process %s holds its refresh lock (%s). A client killed or cut off while it '
             'refreshed (kill -9 of freshet refresh) leaves its session running the refresh on the server until '
             'PostgreSQL notices the client is gone, at the end of its current statement at the latest', l.pid,
             concat_ws(', ', CASE WHEN a.application_name <> ''
               THEN 'application_name "' || replace(a.application_name, '"', '""') || '"' END,
               'role "' || replace(a.usename, '"', '""') || '"',
               'in a transaction begun at ' || date_trunc('second', a.xact_start)::text || ', '
                 || date_trunc('second', clock_timestamp() - a.xact_start)::text || ' ago',
               a.state)) AS detail
    INTO v_result
    FROM pg_catalog.pg_locks l LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
      AND l.classid = x'46525246'::integer::oid AND l.objid = v_id::integer::oid
      AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
    LIMIT 1;
    failure := format('a refresh of %s is already running in another session', v_label);
    failure_state := '55P03';
    IF v_result IS NULL THEN
      failure_hint := 'wait for it to finish: refreshes of one stream table never overlap';
      RETURN;
    END IF;
    failure_detail := v_result.detail;
    failure_hint := format('wait for it to finish (refreshes of one stream table never overlap); if its client is '
      'gone, stop it from psql, as its role or a superuser: SELECT pg_cancel_backend(%s) cancels its statement, '
      'SELECT pg_terminate_backend(%s) ends its session', v_result.pid, v_result.pid);
    RETURN;
  END IF;
  v_started := now();
  BEGIN
    SELECT freshet.sources_under_row_security(array_agg(s.source_relid)) INTO v_rls
    FROM freshet.stream_table_sources s
    JOIN freshet.stream_tables st ON st.id = s.stream_table_id
    WHERE s.stream_table_id = v_id AND st.effective_mode = 'DIFFERENTIAL';
    IF cardinality(v_rls) > 0 THEN
      RAISE EXCEPTION 'row-level security of % applies to role %: a differential refresh would read rows its policies hide from it',
          array_to_string(v_rls, ', '), freshet.display_name(current_user)
        USING ERRCODE = '42501',
          HINT = 'refresh as the tables'' owner or a role with BYPASSRLS, or make the stream table FULL: '
            || freshet.suggested_command('alter', v_label, '--mode', 'FULL');
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
    -- the message and its fix (HINT), as status shows them: a failed refresh no longer records the bare message
    -- over the last error an event trigger wrote with its fix (a stream table dropped outside Freshet)
    UPDATE freshet.stream_tables SET status = 'ERROR', last_error = freshet.recorded_error(v_message, v_hint)
    WHERE id = v_id
    RETURNING effective_mode, fallback_reason INTO v_mode, v_fallback;
    INSERT INTO freshet.refresh_history (stream_table_id, started_at, finished_at, mode_used, changed_sources,
      rows_inserted, rows_updated, rows_deleted, delta_rows, fallback_reason, error)
    VALUES (v_id, v_started, clock_timestamp(), v_mode, '{}', 0, 0, 0, 0, v_fallback, v_message);
    COMMIT;
    failure := v_message;
    failure_state := v_state;
    failure_detail := v_detail;
    failure_hint := v_hint;
    RETURN;
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
  -- only the buffers of the sources whose window held rows (V28); a source whose cleanup failed is named in the
  -- error raised after the others were cleaned (V31): the refresh itself is committed
  CALL freshet.clean_up_buffers(v_id, v_result.changed_sources, false, v_steps, v_times, failure, failure_state);
END
$refresh_alone$;

-- CALL freshet.refresh('name'): freshet.refresh_alone, and what failed raised as it was, with no DETAIL or HINT line
-- where it had none (an empty one prints as "DETAIL:").
CREATE OR REPLACE PROCEDURE freshet.refresh(stream_table text)
LANGUAGE plpgsql AS $refresh$
DECLARE
  v_failure text;
  v_state   text;
  v_detail  text;
  v_hint    text;
BEGIN
  CALL freshet.refresh_alone(stream_table, v_failure, v_state, v_detail, v_hint);
  IF v_failure IS NOT NULL THEN
    PERFORM freshet.raise_failure(v_failure, v_state, v_detail, v_hint);
  END IF;
END
$refresh$;

-- Raises an error of that message, SQLSTATE, DETAIL and HINT, each of the last two only when it has a text.
CREATE OR REPLACE FUNCTION freshet.raise_failure(p_message text, p_state text, p_detail text, p_hint text)
RETURNS void
LANGUAGE plpgsql AS $raise_failure$
BEGIN
  IF coalesce(p_detail, '') = '' AND coalesce(p_hint, '') = '' THEN
    RAISE EXCEPTION USING MESSAGE = p_message, ERRCODE = coalesce(p_state, 'P0001');
  ELSIF coalesce(p_detail, '') = '' THEN
    RAISE EXCEPTION USING MESSAGE = p_message, ERRCODE = coalesce(p_state, 'P0001'), HINT = p_hint;
  ELSIF coalesce(p_hint, '') = '' THEN
    RAISE EXCEPTION USING MESSAGE = p_message, ERRCODE = coalesce(p_state, 'P0001'), DETAIL = p_detail;
  ELSE
    RAISE EXCEPTION USING MESSAGE = p_message, ERRCODE = coalesce(p_state, 'P0001'), DETAIL = p_detail,
      HINT = p_hint;
  END IF;
END
$raise_failure$;

-- The buffers' cleanup after a refresh whose window held rows, for CALL freshet.refresh and
-- freshet.refresh_from_client (V31; the loop was freshet.refresh's since V28): only the buffers of the sources
-- whose window held rows (a buffer row is freed by the refresh of its last consumer to read it, whose window
-- held it), each in a transaction of its own under the capture's per-source lock ("FRCP", relid), which keeps
-- cleaning, capture set-up and reconciling apart. The refresh is committed before: a cleanup that fails (a lock
-- or statement timeout) is reported in failure and failure_state, first one only, after the other sources
-- were cleaned; the rows it left are deleted by the next cleanup. With p_profile each source's step, in the
-- command line's words, and its milliseconds are appended to steps and millis.
CREATE OR REPLACE PROCEDURE freshet.clean_up_buffers(p_id bigint, p_changed text[], p_profile boolean,
    INOUT steps text[], INOUT millis double precision[], INOUT failure text, INOUT failure_state text)
LANGUAGE plpgsql AS $clean_up_buffers$
DECLARE
  v_source  record;
  v_horizon xid8;
  v_started timestamptz;
  v_deleted bigint;
BEGIN
  FOR v_source IN SELECT s.source_relid, s.cleanup,
        coalesce(freshet.display_name(n.nspname, c.relname), 'source ' || s.source_relid) AS shown
      FROM freshet.refresh_sources s
      LEFT JOIN pg_catalog.pg_class c ON c.oid = s.source_relid
      LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE s.stream_table_id = p_id AND s.label = ANY (p_changed) LOOP
    v_started := clock_timestamp();
    v_deleted := 0;
    BEGIN
      IF to_regclass('freshet_changes.src_' || v_source.source_relid) IS NOT NULL THEN
        PERFORM pg_advisory_xact_lock((x'46524350'::bigint << 32) | v_source.source_relid::bigint);
        -- the horizon, as a value (see ChangeCapture): rows at or above it are still needed by some consumer
        SELECT CASE WHEN count(*) = 0 THEN pg_snapshot_xmax(pg_current_snapshot())
                    ELSE min(pg_snapshot_xmax(st.last_snapshot)) END INTO v_horizon
        FROM freshet.stream_table_sources ss JOIN freshet.stream_tables st ON st.id = ss.stream_table_id
        WHERE ss.source_relid = v_source.source_relid;
        IF v_horizon IS NOT NULL THEN
          -- (V28) not worth compiling: costed above jit_above_cost at SF-1, it deletes nothing most of the time
          PERFORM set_config('jit', 'off', true);
          EXECUTE v_source.cleanup USING v_source.source_relid, v_horizon;
          GET DIAGNOSTICS v_deleted = ROW_COUNT;
        END IF;
      END IF;
    EXCEPTION WHEN OTHERS THEN
      IF failure IS NULL THEN
        GET STACKED DIAGNOSTICS failure = MESSAGE_TEXT, failure_state = RETURNED_SQLSTATE;
        failure := format('the refresh is committed, but cleaning up the change buffer of %s failed: %s',
          v_source.shown, failure);
      END IF;
    END;
    COMMIT;
    IF p_profile THEN
      steps := steps || format('after commit: clean up the change buffer of %s: %s %s deleted', v_source.shown,
        v_deleted, CASE WHEN v_deleted = 1 THEN 'row' ELSE 'rows' END);
      millis := millis || (extract(epoch FROM clock_timestamp() - v_started) * 1000)::double precision;
    END IF;
  END LOOP;
END
$clean_up_buffers$;

-- A refresh in one statement, for the command line and the service (V31, issue 12): StreamTables.refresh calls
-- it first, and does what it would do itself only when this procedure leaves it that to do. It takes the name
-- as the command line resolves it (parse_ident; an unqualified name in the first schema of the search path), and
-- does what CALL freshet.refresh does, but exactly (refresh_window's p_exact: a set of changed sources without a
-- program of its own is FS003, for the caller to print it) and without recording a failure: the caller records
-- the failures it does not recover from, once, as it did. What the caller says or does in its own words raises
-- SQLSTATE FS010 before anything is done: a catalog of another version than p_catalog (the caller's), a name
-- that is not a stream table's, a role that may not refresh it, its refresh lock held by another session, its
-- sources under row-level security. Returns the stream table's name, what refresh_window returned, the
-- stream table's fallback reason, and with p_profile the steps and milliseconds of the refresh, then of each
-- buffer's cleanup; failure and failure_state say that a cleanup failed after the refresh was committed.
CREATE OR REPLACE PROCEDURE freshet.refresh_from_client(p_name text, p_catalog integer, p_profile boolean,
    p_full boolean, OUT schema_name text, OUT table_name text, OUT mode_used text, OUT changed_sources text[],
    OUT rows_inserted bigint, OUT rows_updated bigint, OUT rows_deleted bigint, OUT delta_rows bigint,
    OUT window_rows bigint, OUT mode_reason text, OUT fallback_reason text, OUT steps text[],
    OUT millis double precision[], OUT failure text, OUT failure_state text)
LANGUAGE plpgsql AS $refresh_from_client$
#variable_conflict use_column
DECLARE
  v_parts  text[];
  v_id     bigint;
  v_owner  name;
  v_result record;
  v_rls    text[];
BEGIN
  IF p_catalog IS DISTINCT FROM (SELECT max(v.version) FROM freshet.schema_version v) THEN
    RAISE EXCEPTION 'the catalog is not at version %', p_catalog USING ERRCODE = 'FS010';
  END IF;
  v_parts := pg_catalog.parse_ident(p_name); -- a name it cannot parse: the caller says why
  IF cardinality(v_parts) = 1 THEN
    v_parts := ARRAY[pg_catalog.current_schema(), v_parts[1]];
  END IF;
  SELECT st.id, st.owner_role, st.schema_name, st.table_name, st.fallback_reason
  INTO v_id, v_owner, schema_name, table_name, fallback_reason
  FROM freshet.stream_tables st
  WHERE cardinality(v_parts) = 2 AND st.schema_name = v_parts[1] AND st.table_name = v_parts[2];
  IF v_id IS NULL OR NOT freshet.may_manage(v_owner) THEN
    RAISE EXCEPTION 'no stream table % that this role may refresh', p_name USING ERRCODE = 'FS010';
  END IF;
  COMMIT;
  SET TRANSACTION ISOLATION LEVEL REPEATABLE READ;
  -- the key of freshet.refresh's lock ("FRRF", id): refreshes of one stream table never overlap
  IF NOT pg_try_advisory_xact_lock(x'46525246'::integer, v_id::integer) THEN
    RAISE EXCEPTION 'a refresh of stream table % is running', v_id USING ERRCODE = 'FS010';
  END IF;
  SELECT freshet.sources_under_row_security(array_agg(s.source_relid)) INTO v_rls
  FROM freshet.stream_table_sources s
  JOIN freshet.stream_tables st ON st.id = s.stream_table_id
  WHERE s.stream_table_id = v_id AND st.effective_mode = 'DIFFERENTIAL';
  IF cardinality(v_rls) > 0 THEN
    RAISE EXCEPTION 'row-level security applies to sources of stream table %', v_id USING ERRCODE = 'FS010';
  END IF;
  SELECT * INTO v_result FROM freshet.refresh_window(v_id, true, p_profile, p_full) AS r;
  mode_used := v_result.mode_used;
  changed_sources := v_result.changed_sources;
  rows_inserted := v_result.rows_inserted;
  rows_updated := v_result.rows_updated;
  rows_deleted := v_result.rows_deleted;
  delta_rows := v_result.delta_rows;
  window_rows := v_result.window_rows;
  mode_reason := v_result.mode_reason;
  SELECT coalesce(array_agg(p.e ->> 'step' ORDER BY p.n), '{}'),
         coalesce(array_agg((p.e ->> 'ms')::double precision ORDER BY p.n), '{}')
  INTO steps, millis
  FROM jsonb_array_elements(v_result.profile) WITH ORDINALITY AS p(e, n);
  IF v_result.window_rows = 0 AND v_result.rows_inserted + v_result.rows_updated + v_result.rows_deleted = 0 THEN
    -- nothing read, nothing changed: a commit lost in a crash loses nothing (as freshet.refresh)
    PERFORM set_config('synchronous_commit', 'off', true);
  END IF;
  COMMIT;
  IF v_result.window_rows > 0 THEN
    CALL freshet.clean_up_buffers(v_id, v_result.changed_sources, p_profile, steps, millis, failure, failure_state);
  END IF;
END
$refresh_from_client$;

-- Stream tables refreshed together, for the command line and the service (V41, issue 12): in one REPEATABLE READ
-- transaction, so with one current snapshot, each by refresh_window in a subtransaction of its own (a failure
-- rolls back its refresh only), those whose last refresh took the same snapshot reading each source's window from
-- one copy (p_shared); one commit for all; then each changed source's buffer cleaned once. p_names as
-- refresh_from_client takes a name, in refresh order. What a refresh alone would do otherwise is left to the caller,
-- which refreshes those stream tables alone after this commit (refresh_from_client, or its own steps): one this role
-- may not refresh or whose refresh lock another session holds, one under row-level security, one reading another
-- stream table of the list (it must see that one's refresh), one whose refresh failed (its error is returned, not
-- recorded: the refresh alone records it). A catalog of another version than p_catalog, or a statement_timeout
-- set, raises FS010, leaving all.
-- results: one object per name, in order: {"name", "left": true, "state", "message"} or {"name", "left": false,
-- "schema_name", "table_name", what refresh_window returned, "fallback_reason", "millis", "steps" and "step_millis"
-- (its profile: empty without p_profile)}. cleanup_steps and cleanup_millis: the cleanups' (p_profile); failure and
-- failure_state: a cleanup that failed after the refreshes were committed, as refresh_from_client says it.
CREATE OR REPLACE PROCEDURE freshet.refresh_together(p_names text[], p_catalog integer, p_profile boolean,
    p_full boolean, OUT results jsonb, OUT cleanup_steps text[], OUT cleanup_millis double precision[],
    OUT failure text, OUT failure_state text)
LANGUAGE plpgsql AS $refresh_together$
DECLARE
  v_name     text;
  v_parts    text[];
  v_st       record;
  v_named    bigint[] := '{}'; -- the stream tables named so far
  v_tables   oid[] := '{}'; -- and their tables
  v_members  jsonb[] := '{}';
  v_member   jsonb;
  v_result   record;
  v_left     text;
  v_rls      text[];
  v_before   oid[];
  v_drop     text;
  v_started  timestamptz;
  v_message  text;
  v_state    text;
  v_read     boolean := false; -- whether any window held rows
  v_changed  boolean := false; -- whether any stream table changed
  v_cleanup  record;
BEGIN
  IF p_catalog IS DISTINCT FROM (SELECT max(v.version) FROM freshet.schema_version v) THEN
    RAISE EXCEPTION 'the catalog is not at version %', p_catalog USING ERRCODE = 'FS010';
  END IF;
  -- statement_timeout bounds this one statement, all the refreshes together, where it bounds each refresh alone: a
  -- list that takes longer than it would be cancelled at every try, and then refreshed alone. Left to that at once.
  IF current_setting('statement_timeout') NOT IN ('0', '0ms') THEN
    RAISE EXCEPTION 'statement_timeout is set (%)', current_setting('statement_timeout') USING ERRCODE = 'FS010';
  END IF;
  results := '[]';
  cleanup_steps := '{}';
  cleanup_millis := '{}';
  COMMIT;
  SET TRANSACTION ISOLATION LEVEL REPEATABLE READ;
  -- the sources whose window a stream table of this transaction copied, since which snapshot, and the ANALYZE
  -- statements run on the copy (refresh_window)
  CREATE TEMPORARY TABLE "Δwindows" (source_relid oid PRIMARY KEY, last_snapshot text NOT NULL, mixed boolean NOT NULL,
    copied bigint NOT NULL, analyzed text[] NOT NULL DEFAULT '{}') ON COMMIT DROP;
  FOREACH v_name IN ARRAY p_names LOOP
    v_left := NULL;
    v_st := NULL;
    BEGIN
      v_parts := pg_catalog.parse_ident(v_name);
    EXCEPTION WHEN OTHERS THEN
      v_parts := NULL;
    END;
    IF cardinality(v_parts) = 1 THEN
      v_parts := ARRAY[pg_catalog.current_schema(), v_parts[1]];
    END IF;
    SELECT st.id, st.owner_role, st.schema_name, st.table_name, st.fallback_reason, st.effective_mode,
           pg_catalog.to_regclass(format('%I.%I', st.schema_name, st.table_name)) AS relid
    INTO v_st
    FROM freshet.stream_tables st
    WHERE cardinality(v_parts) = 2 AND st.schema_name = v_parts[1] AND st.table_name = v_parts[2];
    IF v_st.id IS NULL OR NOT freshet.may_manage(v_st.owner_role) THEN
      v_left := 'no stream table that this role may refresh';
    ELSIF v_st.id = ANY (v_named) THEN
      v_left := 'named twice';
    ELSIF NOT pg_try_advisory_xact_lock(x'46525246'::integer, v_st.id::integer) THEN
      -- the key of freshet.refresh's lock ("FRRF", id): refreshes of one stream table never overlap
      v_left := 'a refresh of it is running';
    ELSIF EXISTS (SELECT FROM freshet.stream_table_sources s
                  WHERE s.stream_table_id = v_st.id AND s.source_relid = ANY (v_tables)) THEN
      -- refreshed alone after this commit, which commits the refresh of the one it reads (or refreshed alone before it)
      v_left := 'it reads a stream table named before it';
    ELSE
      SELECT freshet.sources_under_row_security(array_agg(s.source_relid)) INTO v_rls
      FROM freshet.stream_table_sources s
      WHERE s.stream_table_id = v_st.id AND v_st.effective_mode = 'DIFFERENTIAL';
      IF cardinality(v_rls) > 0 THEN
        v_left := 'row-level security applies to its sources';
      END IF;
    END IF;
    IF v_st.id IS NOT NULL THEN
      v_named := v_named || v_st.id;
      v_tables := v_tables || v_st.relid::oid;
    END IF;
    IF v_left IS NOT NULL THEN
      v_members := v_members || jsonb_build_object('name', v_name, 'left', true, 'state', 'FS010', 'message', v_left);
      CONTINUE;
    END IF;
    -- the temporary relations there before it: what its refresh makes is dropped after it, for the next one to make its
    -- own change tables under the same names (the shared copies stay, and the session tables of V37)
    SELECT coalesce(array_agg(c.oid), '{}') INTO v_before
    FROM pg_catalog.pg_class c WHERE c.relnamespace = pg_catalog.pg_my_temp_schema();
    v_started := clock_timestamp();
    v_message := NULL;
    BEGIN
      SELECT * INTO v_result FROM freshet.refresh_window(v_st.id, true, p_profile, p_full, true) AS r;
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS v_message = MESSAGE_TEXT, v_state = RETURNED_SQLSTATE;
    END;
    IF v_message IS NOT NULL THEN
      v_members := v_members
        || jsonb_build_object('name', v_name, 'left', true, 'state', v_state, 'message', v_message);
      CONTINUE;
    END IF;
    FOR v_drop IN
      SELECT format('DROP %s IF EXISTS pg_temp.%I', CASE c.relkind WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END, c.relname)
      FROM pg_catalog.pg_class c
      WHERE c.relnamespace = pg_catalog.pg_my_temp_schema() AND c.relkind IN ('r', 'v') AND NOT c.oid = ANY (v_before)
        AND c.relname !~ '^Δwindow(s|_[0-9]+)$' AND c.relname NOT LIKE '%·%'
      ORDER BY c.relkind DESC -- views first
    LOOP
      EXECUTE v_drop;
    END LOOP;
    v_read := v_read OR v_result.window_rows > 0;
    v_changed := v_changed OR v_result.rows_inserted + v_result.rows_updated + v_result.rows_deleted > 0;
    v_members := v_members || jsonb_build_object('name', v_name, 'left', false, 'id', v_st.id,
      'schema_name', v_st.schema_name, 'table_name', v_st.table_name, 'mode_used', v_result.mode_used,
      'changed_sources', to_jsonb(v_result.changed_sources), 'rows_inserted', v_result.rows_inserted,
      'rows_updated', v_result.rows_updated, 'rows_deleted', v_result.rows_deleted,
      'delta_rows', v_result.delta_rows, 'window_rows', v_result.window_rows, 'mode_reason', v_result.mode_reason,
      'fallback_reason', v_st.fallback_reason,
      'millis', extract(epoch FROM clock_timestamp() - v_started) * 1000,
      'steps', (SELECT coalesce(jsonb_agg(p.e -> 'step' ORDER BY p.n), '[]')
                FROM jsonb_array_elements(v_result.profile) WITH ORDINALITY AS p(e, n)),
      'step_millis', (SELECT coalesce(jsonb_agg(p.e -> 'ms' ORDER BY p.n), '[]')
                      FROM jsonb_array_elements(v_result.profile) WITH ORDINALITY AS p(e, n)));
  END LOOP;
  results := to_jsonb(v_members);
  IF NOT v_read AND NOT v_changed THEN
    -- nothing read, nothing changed: a commit lost in a crash loses nothing (as freshet.refresh)
    PERFORM set_config('synchronous_commit', 'off', true);
  END IF;
  COMMIT;
  -- each buffer once, whichever stream tables read its window (a row is freed by the refresh of its last consumer)
  FOR v_cleanup IN
    SELECT DISTINCT ON (s.source_relid) s.stream_table_id, s.label
    FROM jsonb_array_elements(results) AS m
    JOIN freshet.refresh_sources s ON s.stream_table_id = (m ->> 'id')::bigint
    WHERE NOT (m ->> 'left')::boolean AND (m ->> 'window_rows')::bigint > 0
      AND s.label IN (SELECT jsonb_array_elements_text(m -> 'changed_sources'))
    ORDER BY s.source_relid, s.stream_table_id
  LOOP
    CALL freshet.clean_up_buffers(v_cleanup.stream_table_id, ARRAY[v_cleanup.label], p_profile, cleanup_steps,
      cleanup_millis, failure, failure_state);
  END LOOP;
END
$refresh_together$;

-- CALL freshet.refresh('a', 'b', ...): stream tables refreshed together from SQL (V41), as 'freshet refresh a b'
-- refreshes them (pg_cron: one job, each source's window read once, one commit): freshet.refresh_together, then
-- freshet.refresh_alone of each stream table it left, in the order given. A refresh alone that fails is recorded
-- (status, history) and said by a WARNING, and the others are refreshed all the same (V42: until then the call
-- stopped there, and a stream table that kept failing kept those after it from ever being refreshed by the job);
-- the first failure is raised at the end (else a buffer cleanup's that failed after the commit of those refreshed
-- together), so that the call fails as pg_cron and psql show it. With a
-- statement_timeout set, each is refreshed alone (see refresh_together). One name: CALL freshet.refresh of it
-- (PostgreSQL prefers the procedure of one text to this one for a call with one argument).
CREATE OR REPLACE PROCEDURE freshet.refresh(VARIADIC stream_tables text[])
LANGUAGE plpgsql AS $refresh_together_from_sql$
DECLARE
  v_results jsonb := '[]';
  v_steps   text[];
  v_millis  double precision[];
  v_failure text;
  v_state   text;
  v_member  jsonb;
  v_n       integer := 0;
  v_catalog integer := (SELECT max(v.version) FROM freshet.schema_version v);
  v_alone   text;
  v_alone_state  text;
  v_alone_detail text;
  v_alone_hint   text;
  v_first   text[]; -- the first failure: message, SQLSTATE, DETAIL, HINT
BEGIN
  IF cardinality(stream_tables) > 1 AND current_setting('statement_timeout') IN ('0', '0ms') THEN
    CALL freshet.refresh_together(stream_tables, v_catalog, false, false, v_results, v_steps, v_millis, v_failure,
      v_state);
  END IF;
  FOREACH v_member IN ARRAY ARRAY(SELECT m FROM jsonb_array_elements(v_results) AS m) LOOP
    v_n := v_n + 1;
    CONTINUE WHEN (v_member ->> 'left')::boolean;
    stream_tables[v_n] := NULL; -- refreshed together
  END LOOP;
  FOR i IN 1 .. coalesce(cardinality(stream_tables), 0) LOOP
    CONTINUE WHEN stream_tables[i] IS NULL;
    CALL freshet.refresh_alone(stream_tables[i]::text, v_alone, v_alone_state, v_alone_detail, v_alone_hint);
    IF v_alone IS NOT NULL THEN
      RAISE WARNING 'the refresh of % failed: %', stream_tables[i], v_alone;
      v_first := coalesce(v_first, ARRAY[v_alone, v_alone_state, v_alone_detail, v_alone_hint]);
    END IF;
  END LOOP;
  IF v_first IS NULL AND v_failure IS NOT NULL THEN -- a buffer's cleanup after the commit of those refreshed together
    v_first := ARRAY[v_failure, v_state, NULL, NULL];
  END IF;
  IF v_first IS NOT NULL THEN
    PERFORM freshet.raise_failure(v_first[1], v_first[2], v_first[3], v_first[4]);
  END IF;
END
$refresh_together_from_sql$;

-- DDL outside Freshet, recorded as it happens by event triggers (created by V13, V15, V18 when a superuser
-- migrates the catalog) or, for types, seen by a refresh (V20): what they write into last_error and
-- pending_rebuild names tables and columns as the refresh's messages do (freshet.display_name).

-- A DROP TABLE of a stream table or of a source, outside Freshet (V13): the stream tables concerned get status
-- ERROR and a last error that names the dropped table and the fix. Never fails the DDL that fired it.
CREATE OR REPLACE FUNCTION freshet.on_sql_drop() RETURNS event_trigger
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
        last_error = format('stream table %s was dropped outside Freshet (DROP TABLE); ''freshet create'' makes it '
          'again once what is left of it is removed: %s', freshet.display_name(st.schema_name, st.table_name),
          freshet.suggested_command('drop', freshet.display_name(st.schema_name, st.table_name)))
    WHERE st.schema_name = v_dropped.schema_name AND st.table_name = v_dropped.object_name;
    UPDATE freshet.stream_tables AS st
    SET status = 'ERROR',
        last_error = format('its source %s was dropped (DROP TABLE ... CASCADE). Give the stream table a query '
          'that reads another table (''freshet alter'' with --query recreates it), or remove it: %s',
          freshet.display_name(v_dropped.schema_name, v_dropped.object_name),
          freshet.suggested_command('drop', freshet.display_name(st.schema_name, st.table_name)))
    WHERE st.id IN (SELECT s.stream_table_id FROM freshet.stream_table_sources AS s
                    WHERE s.source_relid = v_dropped.objid);
  END LOOP;
EXCEPTION WHEN OTHERS THEN
  RAISE WARNING 'Freshet could not record the drop of a table it uses: %', SQLERRM;
END
$on_sql_drop$;

-- At the end of an ALTER TABLE of a source (V15): for each stream table reading it, a renamed table or a
-- column its query reads renamed or dropped sets status ERROR with a last error naming them and the fix (its
-- next refresh would fail so; every column, freshet.source_ddl_reason, V26); a column it reads that changed
-- type, or other captured columns of the source renamed, dropped or retyped, records why its next refresh
-- rebuilds it; since V27 only for the captured columns it reads (or that no stream table reads, captured for
-- the primary key: freshet.capture_ddl_columns) when the capture functions follow the DDL, and nothing for
-- columns that nothing captures. Never fails the DDL that fired it.
CREATE OR REPLACE FUNCTION freshet.on_source_ddl() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $on_source_ddl$
DECLARE
  v_source record;
  v_error text;
  v_rebuild text;
  v_column name;
  v_attnum smallint;
  v_recorded text;
  v_current record;
  v_st text;  -- the stream table's name in messages
  v_src text; -- the source's, as it is named now
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
    v_st := freshet.display_name(v_source.schema_name, v_source.table_name);
    v_src := freshet.display_name(v_source.schema_now, v_source.table_now);
    -- the source renamed, or every column its query reads renamed or dropped (V26), with the fix
    v_error := freshet.source_ddl_reason(v_source.stream_table_id, v_source.source_relid);
    FOREACH v_column IN ARRAY v_source.columns LOOP
      EXIT WHEN v_error IS NOT NULL;
      -- the column's number when capture was set up (V15 records it), and what that column is now
      v_attnum := v_source.captured_attnums[pg_catalog.array_position(v_source.captured_columns, v_column)];
      SELECT a.attname, a.atttypid, a.atttypmod, a.attcollation INTO v_current
      FROM pg_catalog.pg_attribute AS a
      WHERE a.attrelid = v_source.source_relid AND NOT a.attisdropped AND a.attnum > 0
        AND (a.attnum = v_attnum OR (v_attnum IS NULL AND a.attname = v_column));
      IF FOUND AND v_current.attname = v_column AND v_attnum IS NOT NULL THEN
        -- this column's entry in the recorded layout: attnum:type:typmod:collation
        SELECT e INTO v_recorded
        FROM pg_catalog.unnest(pg_catalog.string_to_array(v_source.captured_layout, ',')) AS e
        WHERE pg_catalog.split_part(e, ':', 1) = v_attnum::text;
        IF v_recorded IS DISTINCT FROM format('%s:%s:%s:%s', v_attnum, v_current.atttypid::int8,
            v_current.atttypmod, v_current.attcollation::int8) AND v_rebuild IS NULL THEN
          v_rebuild := format('its source column %s changed type from %s to %s (ALTER TABLE ... TYPE): its '
            'next refresh compiles it again and recomputes it in full',
            freshet.display_name(v_source.schema_now, v_source.table_now, v_column),
            coalesce(pg_catalog.format_type(pg_catalog.split_part(v_recorded, ':', 2)::oid,
              pg_catalog.split_part(v_recorded, ':', 3)::int), 'another type'),
            pg_catalog.format_type(v_current.atttypid, v_current.atttypmod));
        END IF;
      END IF;
    END LOOP;
    IF v_error IS NULL AND v_rebuild IS NULL AND v_source.captured_attnums IS NOT NULL THEN
      -- a captured column renamed, dropped or retyped that this stream table reads, or that no stream table's
      -- program reads (V27: freshet.capture_ddl_columns); the others stay differential
      SELECT CASE WHEN a.attname IS NULL
                  THEN format('column %s of its source %s was dropped (ALTER TABLE ... DROP COLUMN): its next '
                         'refresh recomputes it in full', freshet.display_name(k.name), v_src)
                  WHEN a.attname <> k.name
                  THEN format('column %s of its source %s was renamed to %s (ALTER TABLE ... RENAME COLUMN): its '
                         'next refresh recomputes it in full', freshet.display_name(k.name), v_src,
                         freshet.display_name(a.attname))
                  ELSE format('column %s of its source %s changed type to %s (ALTER TABLE ... TYPE): its next '
                         'refresh compiles it again and recomputes it in full', freshet.display_name(k.name), v_src,
                         pg_catalog.format_type(a.atttypid, a.atttypmod)) END
      INTO v_rebuild
      FROM ROWS FROM (pg_catalog.unnest(v_source.captured_columns), pg_catalog.unnest(v_source.captured_attnums))
        AS k(name, attnum)
      LEFT JOIN pg_catalog.pg_attribute AS a
        ON a.attrelid = v_source.source_relid AND a.attnum = k.attnum AND NOT a.attisdropped
      WHERE k.attnum = ANY (freshet.capture_ddl_columns(v_source.stream_table_id, v_source.source_relid))
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
           AND a.attnum <= (SELECT max(x) FROM pg_catalog.unnest(v_source.captured_attnums) AS x))
       -- (V27) unless the capture functions follow such DDL (CapturePrinter's FOLLOWS_DDL_MARK): they read the
       -- captured columns where they are now, NULL for one dropped or retyped, and only the stream tables
       -- reading such a column recompute (above). Functions of an older Freshet write markers.
       AND NOT EXISTS (SELECT FROM pg_catalog.pg_proc AS p
                       JOIN pg_catalog.pg_namespace AS pn ON pn.oid = p.pronamespace
                       WHERE pn.nspname = 'freshet_changes' AND p.proname = 'src_' || v_source.source_relid || '_ins'
                         AND p.prosrc LIKE '%is read where it is now%') THEN
      v_rebuild := format('columns of its source %s were dropped or changed type (ALTER TABLE): its next '
        'refresh rebuilds change capture and recomputes it in full', v_src);
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

-- At the end of CREATE / ALTER / DROP POLICY and ALTER TABLE (V18): each source concerned (every source, for a
-- DROP POLICY, which names no object here) whose row-level security changed as SELECT sees it makes every
-- stream table reading it recompute in full at its next refresh.
CREATE OR REPLACE FUNCTION freshet.on_row_security_ddl() RETURNS event_trigger
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
    SET pending_rebuild = pg_catalog.format('the row-level security of its source %s changed (%s): its next '
          'refresh recomputes it in full', freshet.display_name(v_source.nspname, v_source.relname),
          CASE WHEN TG_TAG = 'ALTER TABLE' THEN 'ALTER TABLE ... ROW LEVEL SECURITY' ELSE TG_TAG END),
        rebuild_step = 'recompute'
    WHERE id = v_source.stream_table_id AND rebuild_step IS DISTINCT FROM 'compile';
  END LOOP;
EXCEPTION WHEN OTHERS THEN
  RAISE WARNING 'Freshet could not record a change of row-level security of a table it uses: %', SQLERRM;
END
$on_row_security_ddl$;

-- Why the types type_descriptor describes for a source (p_old as recorded, p_new as now) make its stream
-- tables compile again, or NULL (V20): the first of its types recorded and still used that was renamed or
-- moved, had an enum value renamed (or removed) or its attributes changed (a declared type before the array
-- types PostgreSQL made for it). p_tag is the DDL's command tag (an event trigger's TG_TAG), or NULL to infer
-- it. A type is named as type_descriptor records it (format('%I.%I'): quoted only where PostgreSQL would), the
-- source table and its column as the other messages name them (freshet.display_name).
CREATE OR REPLACE FUNCTION freshet.type_change_reason(p_relid oid, p_columns name[], p_old jsonb, p_new jsonb,
    p_tag text)
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
  SELECT freshet.display_name(n.nspname, c.relname) INTO v_source
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
    v_uses := pg_catalog.format('which its source column %s.%s uses', v_source,
        freshet.display_name(v_use.column_name))
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
-- (the event trigger on_type_ddl's call) a source that cannot be compared is reported as a warning and the
-- others are still recorded: the DDL that fired it must not fail; for one stream table (a refresh's) the
-- error is raised. (V20)
CREATE OR REPLACE FUNCTION freshet.note_type_changes(p_id bigint, p_tag text) RETURNS text
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
      RAISE WARNING 'Freshet could not compare the types of source % with those recorded: %',
        freshet.display_name(v_source.nspname, v_source.relname), SQLERRM;
    END;
  END LOOP;
  RETURN v_marked;
END
$note_type_changes$;
