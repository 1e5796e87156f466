-- The fixed cost of a refresh whose window is empty: CALL freshet.refresh no longer runs a buffer cleanup
-- per source (an empty window frees no buffer row), and when it changed nothing it no longer waits for its
-- commit to reach the disk (a lost commit leaves a window that is still empty).
-- Row-level security: change capture records every row written, whatever a source's policies, so a
-- differential refresh by a role the policies apply to would read rows its query cannot see. Such a
-- refresh is refused (freshet.sources_under_row_security), as a create in DIFFERENTIAL mode is.
-- Otherwise V11's procedure.

CREATE FUNCTION freshet.sources_under_row_security(p_relids oid[]) RETURNS text[]
LANGUAGE sql STABLE AS $$
  SELECT coalesce(array_agg(format('%I.%I', n.nspname, c.relname) ORDER BY n.nspname, c.relname), '{}')
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE c.oid = ANY (p_relids) AND c.relrowsecurity AND pg_catalog.row_security_active(c.oid)
$$;
COMMENT ON FUNCTION freshet.sources_under_row_security(oid[]) IS
  'The tables among p_relids whose row-level security applies to the current role (schema.name, sorted)';
GRANT EXECUTE ON FUNCTION freshet.sources_under_row_security(oid[]) TO PUBLIC;

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
    SELECT freshet.sources_under_row_security(array_agg(s.source_relid)) INTO v_rls
    FROM freshet.stream_table_sources s
    JOIN freshet.stream_tables st ON st.id = s.stream_table_id
    WHERE s.stream_table_id = v_id AND st.effective_mode = 'DIFFERENTIAL';
    IF cardinality(v_rls) > 0 THEN
      RAISE EXCEPTION 'row-level security of % applies to role %: a differential refresh would read rows its policies hide from it',
          array_to_string(v_rls, ', '), current_user
        USING ERRCODE = '42501',
          HINT = 'refresh as the tables'' owner or a role with BYPASSRLS, or make the stream table FULL (freshet alter NAME --mode FULL)';
    END IF;
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
