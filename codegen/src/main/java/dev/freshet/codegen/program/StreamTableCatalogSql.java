package dev.freshet.codegen.program;

/**
 * The statements that read and write the freshet catalog's rows about stream tables ({@code freshet.stream_tables},
 * {@code freshet.stream_table_sources}, {@code freshet.refresh_history}) as create, alter, drop, refresh, status and
 * the service use them: a stream table's row by name or all of them, its sources and the stream tables reading a
 * source, what DDL on its sources left it to do, its status, and its refresh history. The runtime binds the values.
 */
public final class StreamTableCatalogSql {

  private StreamTableCatalogSql() {
  }

  /** The columns of a stream table's row that {@link #STREAM_TABLE} and {@link #STREAM_TABLES} read, by name. */
  private static final String COLUMNS = "id, schema_name, table_name, owner_role, defining_query, "
      + "requested_mode, effective_mode, fallback_reason, notes, schedule, status, last_snapshot::text, "
      + "last_refresh_at, last_error, created_at, search_path, pending_rebuild, plan_revision";

  /**
   * The catalog row of the stream table named {@code $2} in schema {@code $1}: its id, schema and name, owner,
   * query, requested and effective mode, fallback reason, notes, schedule, status, last snapshot (as text), last
   * refresh, last error, creation, search_path and pending rebuild; no row when there is none.
   */
  public static final String STREAM_TABLE = "SELECT " + COLUMNS
      + " FROM freshet.stream_tables WHERE schema_name = ? AND table_name = ?";

  /** {@link #STREAM_TABLE}, its row locked until the transaction ends. */
  public static final String STREAM_TABLE_FOR_UPDATE = STREAM_TABLE + " FOR UPDATE";

  /** Every stream table's catalog row, with the columns of {@link #STREAM_TABLE}, in the order of names. */
  public static final String STREAM_TABLES = "SELECT " + COLUMNS
      + " FROM freshet.stream_tables ORDER BY schema_name, table_name";

  /** Whether the current role may manage stream tables owned by role {@code $1} (catalog V11). */
  public static final String MAY_MANAGE = "SELECT freshet.may_manage(?)";

  /**
   * Whether the current role may read every change buffer of stream table {@code $1}'s sources (and the schema
   * that holds them): true when it has none.
   */
  public static final String CHANGES_VISIBLE = """
      SELECT pg_catalog.has_schema_privilege('freshet_changes', 'USAGE')
        AND coalesce(bool_and(pg_catalog.has_table_privilege(b.oid, 'SELECT')), true)
      FROM freshet.stream_table_sources s
      JOIN pg_catalog.pg_class b ON b.relname = 'src_' || s.source_relid::text
      JOIN pg_catalog.pg_namespace n ON n.oid = b.relnamespace AND n.nspname = 'freshet_changes'
      WHERE s.stream_table_id = ?""";

  /**
   * Whether stream table {@code $1} has the session forms of its change tables and differential programs installed
   * (catalog V37), as refresh_window requires of a small window to run them: every source and every program for
   * changed sources has one. False when it has no differential program.
   */
  public static final String SESSION_FORMS = """
      WITH st (id) AS (SELECT ?::bigint)
      SELECT EXISTS (SELECT FROM freshet.refresh_programs p WHERE p.stream_table_id = st.id AND p.changed_mask <> 0)
        AND NOT EXISTS (SELECT FROM freshet.refresh_programs p
                        WHERE p.stream_table_id = st.id AND p.changed_mask <> 0 AND p.session_step_sql IS NULL)
        AND NOT EXISTS (SELECT FROM freshet.refresh_sources s
                        WHERE s.stream_table_id = st.id AND (s.session_table IS NULL OR s.window_rows_upto IS NULL))
      FROM st""";

  /** Takes the id the next stream table gets from the catalog's sequence, and returns it. */
  public static final String RESERVE_ID =
      "SELECT nextval(pg_catalog.pg_get_serial_sequence('freshet.stream_tables', 'id'))";

  /**
   * One source of stream table {@code $1}: {@code $2} its relation id, {@code $3}/{@code $4} its schema and name,
   * {@code $5} the columns its query reads (a name array).
   */
  public static final String INSERT_STREAM_TABLE_SOURCE = "INSERT INTO freshet.stream_table_sources "
      + "(stream_table_id, source_relid, source_schema, source_table, columns) VALUES (?, ?::oid, ?, ?, ?)";

  /**
   * Records, for each source of stream table {@code $1}, what its refreshes compare to see writes no trigger captured
   * (catalog V45, {@code freshet.capture_stamp}) and the constraints its plan may rely on, of every table its query
   * reads ({@code freshet.source_constraints}): in the transaction that compiles and fills it, after its capture is set
   * up and while its sources are locked against DDL.
   */
  public static final String RECORD_CAPTURE_STAMPS = """
      WITH stamped AS (
        UPDATE freshet.stream_table_sources AS s
        SET capture_stamp = (SELECT t.stamp FROM freshet.capture_stamp(s.source_relid, cb.descendants, cb.ancestors) AS t)
        FROM freshet.change_buffers AS cb
        WHERE s.stream_table_id = ? AND cb.source_relid = s.source_relid
      )
      UPDATE freshet.stream_tables AS st
      SET plan_constraints = (
        SELECT coalesce(pg_catalog.jsonb_object_agg(r.relid, pg_catalog.to_jsonb(coalesce(
                 -- NOT NULL of the columns the query reads only: another column's is in no plan
                 (SELECT pg_catalog.array_agg(x.e ORDER BY x.e)
                  FROM pg_catalog.unnest(freshet.source_constraints(r.relid::pg_catalog.oid)) AS x(e)
                  WHERE x.e NOT LIKE 'notnull %'
                     OR pg_catalog.split_part(x.e, ' ', 2) IN (
                          SELECT a ->> 'attnum' FROM pg_catalog.jsonb_array_elements(st.read_attributes) AS a
                          WHERE a ->> 'relid' = r.relid)), '{}'))), '{}')
        FROM (SELECT e ->> 'relid' FROM pg_catalog.jsonb_array_elements(coalesce(st.read_attributes, '[]')) AS e
              UNION
              SELECT s.source_relid::text FROM freshet.stream_table_sources s WHERE s.stream_table_id = st.id) AS r(relid))
      WHERE st.id = ?""";

  /**
   * Why the plan of stream table {@code $1} no longer holds (catalog V45, {@code freshet.constraint_gone_reason}): a
   * constraint recorded when it was compiled that a table its query reads no longer has; NULL when none is gone.
   */
  public static final String CONSTRAINT_GONE = "SELECT freshet.constraint_gone_reason(?)";

  /**
   * The settings stream table {@code $1} was created under (catalog V19: TimeZone, DateStyle...), as a jsonb
   * object's text; NULL for one created before.
   */
  public static final String CREATION_SETTINGS = "SELECT settings::text FROM freshet.stream_tables WHERE id = ?";

  /**
   * What the next refresh of stream table {@code $1} must do after DDL on a type or on the row-level security of a
   * source (catalog V18): {@code compile}, {@code recompute} or NULL; no row when there is no such stream table.
   */
  public static final String REBUILD_STEP = "SELECT rebuild_step FROM freshet.stream_tables WHERE id = ?";

  /**
   * Compares the types stream table {@code $1}'s sources use now with those recorded, records them, and marks it
   * to compile again when DDL on one of them changed a result (catalog V20); returns the reason, NULL when it
   * marked nothing.
   */
  public static final String NOTE_TYPE_CHANGES = "SELECT freshet.note_type_changes(?, NULL)";

  /** Sets what the next refresh of stream table {@code $2} must do to {@code $1} (see {@link #REBUILD_STEP}). */
  public static final String SET_REBUILD_STEP = "UPDATE freshet.stream_tables SET rebuild_step = ? WHERE id = ?";

  /**
   * When stream table {@code $1} was last compiled again after DDL on a source (NULL if never); no row when there
   * is no such stream table.
   */
  public static final String REBUILT_AT = "SELECT rebuilt_at FROM freshet.stream_tables WHERE id = ?";

  /** Records stream table {@code $1} as compiled again now: plans of it compiled before, in any process, are stale. */
  public static final String MARK_REBUILT = "UPDATE freshet.stream_tables SET rebuilt_at = clock_timestamp() "
      + "WHERE id = ?";

  /** {@link #MARK_REBUILT} for every stream table reading source {@code $1} (a relation id). */
  public static final String MARK_READERS_REBUILT = "UPDATE freshet.stream_tables SET rebuilt_at = clock_timestamp() "
      + "WHERE id IN (SELECT stream_table_id FROM freshet.stream_table_sources WHERE source_relid = ?::oid)";

  /** The relation ids of stream table {@code $1}'s sources, in order. */
  public static final String SOURCE_RELIDS =
      "SELECT source_relid::bigint FROM freshet.stream_table_sources WHERE stream_table_id = ? ORDER BY 1";

  /** The stream tables reading relation {@code $1} (a relation id): schema and name of each, in order. */
  public static final String READERS = """
      SELECT st.schema_name, st.table_name FROM freshet.stream_table_sources s
      JOIN freshet.stream_tables st ON st.id = s.stream_table_id
      WHERE s.source_relid = ?::oid ORDER BY 1, 2""";

  /**
   * A successful refresh of stream table {@code $2}: {@code $1} the snapshot it read up to, refreshed now, status
   * ACTIVE, no last error.
   */
  public static final String RECORD_SUCCESS = "UPDATE freshet.stream_tables SET last_snapshot = "
      + "?::pg_snapshot, last_refresh_at = now(), status = 'ACTIVE', last_error = NULL WHERE id = ?";

  /**
   * The failed refreshes of stream table {@code $1} since its last successful one (or since it was resumed, if
   * later): how many, and when the last finished (NULL for none).
   */
  public static final String CONSECUTIVE_FAILURES = """
      SELECT count(*), max(h.finished_at)
      FROM freshet.refresh_history h
      JOIN freshet.stream_tables st ON st.id = h.stream_table_id
      WHERE h.stream_table_id = ? AND h.error IS NOT NULL
        AND h.started_at > coalesce(st.resumed_at, '-infinity')
        AND h.started_at > coalesce((SELECT max(ok.started_at) FROM freshet.refresh_history ok
                                     WHERE ok.stream_table_id = h.stream_table_id AND ok.error IS NULL),
                                    '-infinity')""";

  /**
   * How many microseconds the last successful refresh of stream table {@code $1} took; no row when its history has
   * none (its fill at create, recorded without a window, is not a refresh).
   */
  public static final String LAST_REFRESH_MICROS = """
      SELECT (extract(epoch FROM h.finished_at - h.started_at) * 1000000)::bigint
      FROM freshet.refresh_history h
      WHERE h.stream_table_id = ? AND h.error IS NULL AND h.finished_at IS NOT NULL
        AND h.window_rows IS NOT NULL -- a refresh's window (catalog V11), not the population at create
      ORDER BY h.id DESC LIMIT 1""";

  /** Deletes every stream table's history rows that finished more than {@code $1} seconds ago. */
  public static final String PRUNE_HISTORY =
      "DELETE FROM freshet.refresh_history WHERE finished_at < clock_timestamp() - ? * interval '1 second'";

  /** Status SUSPENDED for stream table {@code $1} if its status is ERROR; it changes no row otherwise. */
  public static final String SUSPEND =
      "UPDATE freshet.stream_tables SET status = 'SUSPENDED' WHERE id = ? AND status = 'ERROR'";

  /** Status ACTIVE for stream table {@code $1}, resumed now (its failures before no longer count). */
  public static final String RESUME =
      "UPDATE freshet.stream_tables SET status = 'ACTIVE', resumed_at = clock_timestamp() WHERE id = ?";

  /**
   * A history row of stream table {@code $1}, finished now: {@code $2} when it started, {@code $3} the mode used,
   * {@code $4} the changed sources (a text array), {@code $5}–{@code $8} the rows inserted, updated and deleted and
   * the delta's rows, {@code $9} the fallback reason, {@code $10} the error, {@code $11} the mode's reason (each may
   * be NULL). Returns the row's id.
   */
  public static final String INSERT_HISTORY = """
      INSERT INTO freshet.refresh_history (stream_table_id, started_at, finished_at, mode_used,
        changed_sources, rows_inserted, rows_updated, rows_deleted, delta_rows, fallback_reason, error,
        mode_reason)
      VALUES (?, ?, clock_timestamp(), ?, ?, ?, ?, ?, ?, ?, ?, ?)
      RETURNING id""";

  /**
   * The last {@code $2} history rows of stream table {@code $1}, newest first: when each started (text, to the
   * second), the mode used, its milliseconds, the changed sources, the rows inserted, updated and deleted, the
   * delta's rows, the error and the mode's reason.
   */
  public static final String RECENT_HISTORY = """
      SELECT to_char(started_at, 'YYYY-MM-DD HH24:MI:SS'), mode_used,
        round(extract(epoch FROM finished_at - started_at) * 1000)::bigint, changed_sources,
        rows_inserted, rows_updated, rows_deleted, delta_rows, error, mode_reason
      FROM freshet.refresh_history WHERE stream_table_id = ? ORDER BY id DESC LIMIT ?""";

  /**
   * Every stream table's catalog row with what ordering and scheduling their refreshes needs, in one statement
   * (issue 12: a pass of the service sent four statements per stream table, and {@code refresh --all} two): the
   * catalog's version, the stream table's relation id (NULL once its table is gone), its sources' relation ids,
   * and for a scheduled stream table that is not suspended the microseconds its last successful refresh took
   * (a refresh's, with a window: not the fill at create) and its failures since then (or since it was resumed),
   * with the time of the last. In the order of names.
   */
  public static final String STREAM_TABLES_TO_SCHEDULE = """
      SELECT st.*,
        (SELECT max(v.version) FROM freshet.schema_version AS v) AS catalog_version,
        pg_catalog.to_regclass(pg_catalog.format('%I.%I', st.schema_name, st.table_name))::oid::bigint AS relid,
        ARRAY(SELECT s.source_relid::bigint FROM freshet.stream_table_sources AS s
              WHERE s.stream_table_id = st.id ORDER BY 1) AS source_relids,
        last.micros AS last_refresh_micros, failed.failures, failed.last_failure
      FROM freshet.stream_tables AS st
      LEFT JOIN LATERAL (
        SELECT (extract(epoch FROM h.finished_at - h.started_at) * 1000000)::bigint AS micros
        FROM freshet.refresh_history AS h
        WHERE h.stream_table_id = st.id AND h.error IS NULL AND h.finished_at IS NOT NULL
          AND h.window_rows IS NOT NULL
        ORDER BY h.id DESC LIMIT 1) AS last ON st.schedule IS NOT NULL AND st.status <> 'SUSPENDED'
      LEFT JOIN LATERAL (
        SELECT count(*) AS failures, max(h.finished_at) AS last_failure
        FROM freshet.refresh_history AS h
        WHERE h.stream_table_id = st.id AND h.error IS NOT NULL
          AND h.started_at > coalesce(st.resumed_at, '-infinity')
          AND h.started_at > coalesce((SELECT max(ok.started_at) FROM freshet.refresh_history AS ok
                                       WHERE ok.stream_table_id = st.id AND ok.error IS NULL), '-infinity')
        ) AS failed ON st.schedule IS NOT NULL AND st.status <> 'SUSPENDED'
      ORDER BY st.schema_name, st.table_name""";
}
