package dev.freshet.codegen.program;

/**
 * The statements a refresh's transactions run around its program: its isolation, its lock, its commit.
 * All are transaction-scoped, so nothing outlives a transaction on the server connection (a pooler in
 * transaction mode may give the next one another connection).
 */
public final class RefreshSessionSql {

  private RefreshSessionSql() {
  }

  /** The isolation of the transaction about to start; its first statement. {@code level}: e.g. REPEATABLE READ. */
  public static String setIsolation(String level) {
    return "SET TRANSACTION ISOLATION LEVEL " + level;
  }

  /**
   * Takes the refresh lock ({@code $1} the key class, {@code $2} the stream table's id) for the transaction
   * without waiting; returns whether it was granted and the transaction's isolation.
   */
  public static final String TRY_REFRESH_LOCK =
      "SELECT pg_try_advisory_xact_lock(?, ?), current_setting('transaction_isolation')";

  /**
   * Refreshes stream table {@code $1} inside PostgreSQL ({@code freshet.refresh_window}, catalog V4), exactly: a set
   * of changed sources without a program of its own is reported (FS003), not run through a larger program. With
   * {@code $2} each step's time, {@code $3} a recompute. Returns the mode used, the changed sources, the rows inserted,
   * updated and deleted, the delta's rows, the window's rows, the mode's reason, then the profile's steps and their
   * milliseconds, in order.
   */
  public static final String REFRESH_WINDOW = """
      SELECT r.mode_used, r.changed_sources, r.rows_inserted, r.rows_updated, r.rows_deleted, r.delta_rows,
        r.window_rows, r.mode_reason,
        ARRAY(SELECT p.e ->> 'step' FROM jsonb_array_elements(r.profile) WITH ORDINALITY AS p(e, n) ORDER BY p.n),
        ARRAY(SELECT (p.e ->> 'ms')::float8 FROM jsonb_array_elements(r.profile) WITH ORDINALITY AS p(e, n)
              ORDER BY p.n)
      FROM freshet.refresh_window(?, true, ?, ?) AS r""";

  /**
   * A whole refresh in one statement ({@code freshet.refresh_from_client}, catalog V31): {@code $1} the name as
   * given, {@code $2} the catalog version the caller runs with, {@code $3} each step's time, {@code $4} a recompute.
   * Returns the stream table's schema and name, the mode used, the changed sources, the rows inserted, updated and
   * deleted, the delta's rows, the window's rows, the mode's reason, the stream table's fallback reason, the
   * profile's steps and their milliseconds (the buffers' cleanups last), and a cleanup's failure and its SQLSTATE.
   * The NULLs stand for the procedure's OUT parameters, which a CALL names.
   */
  public static final String REFRESH_FROM_CLIENT = "CALL freshet.refresh_from_client(?, ?, ?, ?"
      + ", NULL".repeat(15) + ")";

  /**
   * Stream tables refreshed together ({@code freshet.refresh_together}, catalog V41): {@code $1} their names as given,
   * in refresh order, {@code $2} the catalog version the caller runs with, {@code $3} each step's time, {@code $4} a
   * recompute. Returns the results (jsonb, read by {@link #TOGETHER_RESULTS}), the cleanups' steps and milliseconds,
   * and a cleanup's failure and its SQLSTATE.
   */
  public static final String REFRESH_TOGETHER =
      "CALL freshet.refresh_together(?, ?, ?, ?, NULL, NULL, NULL, NULL, NULL)";

  /**
   * {@link #REFRESH_TOGETHER}'s results ({@code $1}) as rows, in the order of the names: whether it left the name to a
   * refresh alone, its SQLSTATE and message then; else the stream table's schema and name, the mode used, the changed
   * sources, the rows inserted, updated and deleted, the delta's rows, the window's rows, the mode's reason, the
   * fallback reason, the milliseconds its refresh took, the profile's steps and their milliseconds.
   */
  public static final String TOGETHER_RESULTS = """
      SELECT (m ->> 'left')::boolean, m ->> 'state', m ->> 'message', m ->> 'schema_name', m ->> 'table_name',
        m ->> 'mode_used', ARRAY(SELECT jsonb_array_elements_text(m -> 'changed_sources')),
        (m ->> 'rows_inserted')::bigint, (m ->> 'rows_updated')::bigint, (m ->> 'rows_deleted')::bigint,
        (m ->> 'delta_rows')::bigint, (m ->> 'window_rows')::bigint, m ->> 'mode_reason', m ->> 'fallback_reason',
        (m ->> 'millis')::float8,
        ARRAY(SELECT jsonb_array_elements_text(m -> 'steps')),
        ARRAY(SELECT e::float8 FROM jsonb_array_elements_text(m -> 'step_millis') AS e)
      FROM jsonb_array_elements(?::jsonb) WITH ORDINALITY AS r(m, n)
      ORDER BY r.n""";

  /**
   * For the session: AUTO stream tables are refreshed differentially whatever AUTO would choose, their windows counted
   * and their refreshes recorded as AUTO's own (catalog V32), until {@link #RESET_AUTO_OVERRIDE}.
   */
  public static final String AUTO_OVERRIDE_DIFFERENTIAL = "SET freshet.auto_override = 'differential'";

  /** AUTO chooses again ({@link #AUTO_OVERRIDE_DIFFERENTIAL} undone). */
  public static final String RESET_AUTO_OVERRIDE = "RESET freshet.auto_override";

  /** {@link #TRY_REFRESH_LOCK}, waiting for the lock: granted (true) once it returns. */
  public static final String WAIT_FOR_REFRESH_LOCK =
      "SELECT true, current_setting('transaction_isolation') FROM pg_advisory_xact_lock(?, ?)";

  /**
   * The session holding the refresh lock ({@code $1} the key class, {@code $2} the stream table's id) in this
   * database, as far as this role may see it: its process id, application_name, role, when its transaction began and
   * how long ago (to the second, as text), its state (the last four null for another role's session, unless this
   * role may read all statistics); no row once it is released.
   */
  public static final String REFRESH_LOCK_HOLDER = """
      SELECT l.pid, a.application_name, a.usename, pg_catalog.date_trunc('second', a.xact_start)::text,
             pg_catalog.date_trunc('second', pg_catalog.clock_timestamp() - a.xact_start)::text, a.state
      FROM pg_catalog.pg_locks l LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
        AND l.classid = ?::integer::oid AND l.objid = ?::integer::oid
        AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
      LIMIT 1""";

  /** A commit that need not wait for the WAL flush: for a refresh that read and changed nothing. */
  public static final String RELAXED_COMMIT = "SET LOCAL synchronous_commit TO off";

  /**
   * Waits for the transaction-level advisory lock of key {@code $1} (a bigint): capture set-up, cleanup and
   * reconciling of one source, or catalog migrations, never overlap.
   */
  public static final String WAIT_FOR_KEY_LOCK = "SELECT pg_catalog.pg_advisory_xact_lock(?)";

  /**
   * No JIT compiling for the rest of the transaction: a buffer cleanup's DELETE is costed above
   * {@code jit_above_cost} at SF-1 (its subquery per row) and compiled for 5-7 ms to run in a few.
   */
  public static final String NO_JIT = "SET LOCAL jit TO off";
  /**
   * The settings a defining query's values can depend on, recorded when a stream table is created and set
   * for each of its refreshes, rebuilds and verifications (catalog V19): the time zone and the text of
   * dates, times, intervals, floats, bytea and money (every row and group is identified by a hash of its
   * values' text), locale-dependent formatting, the text search configuration of to_tsvector(text), and
   * how a query's text is read (standard_conforming_strings, transform_null_equals).
   */
  public static final java.util.List<String> QUERY_SETTINGS = java.util.List.of("TimeZone", "DateStyle",
      "IntervalStyle", "extra_float_digits", "bytea_output", "lc_monetary", "lc_numeric", "lc_time",
      "default_text_search_config", "standard_conforming_strings", "transform_null_equals");

  /** This session's values of {@code $1}, an array of setting names, as a jsonb object. */
  public static final String READ_SETTINGS =
      "(SELECT pg_catalog.jsonb_object_agg(name, pg_catalog.current_setting(name)) "
          + "FROM pg_catalog.unnest(?::text[]) AS name)";

  /**
   * Sets, for the rest of the transaction, the settings stream table {@code $1} was created under (none
   * for one created before catalog V19).
   */
  public static final String USE_CREATION_SETTINGS =
      "SELECT pg_catalog.set_config(kv.key, kv.value, true) FROM freshet.stream_tables AS st, "
          + "pg_catalog.jsonb_each_text(coalesce(st.settings, '{}')) AS kv WHERE st.id = ?";

  /**
   * This session's temporary tables and views (oid, whether a view, name), views first, but for those a session keeps
   * on purpose: the window copies of stream tables refreshed together and the small windows' session tables (named
   * with {@code ·}), as {@code freshet.refresh_together} leaves them.
   */
  public static final String TEMPORARY_RELATIONS = "SELECT c.oid, c.relkind = 'v', c.relname FROM pg_catalog.pg_class c "
      + "WHERE c.relnamespace = pg_catalog.pg_my_temp_schema() AND c.relkind IN ('r', 'v') "
      + "AND c.relname !~ '^Δwindow(s|_[0-9]+)$' AND c.relname NOT LIKE '%·%' ORDER BY c.relkind DESC";

  /** Drops this session's temporary table (or view) {@code name}, if it is there. */
  public static String dropTemporary(boolean view, String name) {
    return "DROP " + (view ? "VIEW" : "TABLE") + " IF EXISTS pg_temp." + dev.freshet.planner.sql.Quoting.identifier(name);
  }

  /** This session's values of {@code $1} (an array of setting names), a jsonb object's text, and its search_path. */
  public static final String SESSION_SETTINGS = "SELECT " + READ_SETTINGS + "::text, pg_catalog.current_setting('search_path')";

  /** Sets, for the rest of the transaction, the search_path to {@code $1} (its text, as current_setting gives it). */
  public static final String SET_LOCAL_SEARCH_PATH_TEXT = "SELECT pg_catalog.set_config('search_path', ?, true)";

  /** Sets, for the rest of the transaction, the settings of {@code $1}, a jsonb object's text (name to value). */
  public static final String USE_SETTINGS =
      "SELECT pg_catalog.set_config(kv.key, kv.value, true) FROM pg_catalog.jsonb_each_text(?::jsonb) AS kv";

  /**
   * Sets, for the rest of the transaction, the search_path a stream table was created under: {@code schemas} in
   * order, each quoted.
   */
  public static String setLocalSearchPath(java.util.List<String> schemas) {
    return "SET LOCAL search_path TO "
        + String.join(", ", schemas.stream().map(dev.freshet.planner.sql.Quoting::identifier).toList());
  }

  /** Sets setting {@code $1} to {@code $2} for the session (libpq's {@code PGTZ}, for one). */
  public static final String SET_SESSION_SETTING = "SELECT pg_catalog.set_config(?, ?, false)";

  /**
   * What AUTO would choose for a refresh of stream table {@code $1} reading {@code $2} buffered changes: the mode, the
   * estimated differential and full milliseconds, and the reason.
   */
  public static final String AUTO_CHOICE =
      "SELECT mode, differential_ms, full_ms, reason FROM freshet.auto_choice(?, ?)";

  /** Stream table {@code $1}'s buffered changes not yet refreshed, per source: its name and how many. */
  public static final String PENDING_CHANGES = "SELECT source, changes FROM freshet.pending_changes(?)";

  /**
   * Why the next refresh of stream table {@code $1} recomputes in full for writes no trigger captured (catalog V45,
   * {@code freshet.capture_stamps}): a trigger disabled, or disabled and enabled again, a source rewritten; no row when
   * it does not.
   */
  public static final String UNCAPTURED_WRITES = "SELECT coalesce(why_now, why_changed) FROM freshet.capture_stamps(?) "
      + "WHERE coalesce(why_now, why_changed) IS NOT NULL ORDER BY ordinal LIMIT 1";

  /** The server's clock now. */
  public static final String CLOCK = "SELECT clock_timestamp()";
}
