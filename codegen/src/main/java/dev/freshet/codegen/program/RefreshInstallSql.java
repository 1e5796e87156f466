package dev.freshet.codegen.program;

/**
 * The statements that install a stream table's refresh in its catalog (catalog V4, V29): its sources' window
 * statements ({@code freshet.refresh_sources}) and its programs ({@code freshet.refresh_programs}), as create,
 * alter and migrate write them. The runtime binds the values codegen printed.
 */
public final class RefreshInstallSql {

  private RefreshInstallSql() {
  }

  /** Every program of stream table {@code $1}. */
  public static final String DELETE_PROGRAMS = "DELETE FROM freshet.refresh_programs WHERE stream_table_id = ?";

  /** Every source's window statements of stream table {@code $1}. */
  public static final String DELETE_SOURCES = "DELETE FROM freshet.refresh_sources WHERE stream_table_id = ?";

  /**
   * Stream table {@code $3}'s flags a refresh reads: {@code $1} whether it recomputes at every refresh, {@code $2}
   * the query that finds the sources whose capture must be reconciled.
   */
  public static final String SET_REFRESH_FLAGS = """
      UPDATE freshet.stream_tables SET recomputes_every_refresh = ?, reconcile_check = ? WHERE id = ?""";

  /**
   * Every installed stream table's capture check set to {@code $1} (and {@code $2}, the same text), as this version
   * prints it ({@code CaptureCatalogSql.needingReconcileArray}): run by the migration step that installs the refresh
   * functions, so that stream tables not reinstalled (FULL ones; those whose sources changed) check what this version
   * checks (catalog V44: the related tables recorded).
   */
  public static final String UPDATE_RECONCILE_CHECKS = """
      UPDATE freshet.stream_tables SET reconcile_check = ?
      WHERE reconcile_check IS NOT NULL AND reconcile_check IS DISTINCT FROM ?""";

  /** Records the types stream table {@code $1}'s sources use and their row-level security (catalog V18). */
  public static final String RECORD_SOURCE_STATE = "SELECT freshet.record_source_state(?)";

  /**
   * One source of stream table {@code $1}: {@code $2} its ordinal (its bit in the programs' masks), {@code $3} its
   * oid, {@code $4} its name as messages show it, {@code $5} the statement counting its window, {@code $6} the one
   * filling its change table (null for FULL), {@code $7} the statements analyzing it, {@code $8} the cleanup of its
   * buffer, {@code $9} the statements indexing it (catalog V30: built for change tables that are not large),
   * {@code $10} whether a window holds both inserts and deletes and {@code $11} the statement filling its change table
   * without consolidating, for a window of one kind (catalog V33; both null for FULL); {@code $12}-{@code $16} its
   * change table's session form ({@code SessionProgramPrinter.SessionChangeTable}: table, setup, fill, fill as it is,
   * empty; null when it has none) and {@code $17} the statement counting the window's rows up to a limit (V37);
   * {@code $18}-{@code $22} its statements for a window shared by stream tables refreshed together
   * ({@code SharedWindowPrinter.SharedWindow}: copy, its statistics, view, consolidated table, indexes; null for FULL,
   * V41).
   */
  public static final String INSERT_SOURCE = """
      INSERT INTO freshet.refresh_sources (stream_table_id, ordinal, source_relid, label, window_counts,
        create_change_table, prepare_change_table, cleanup, change_table_indexes, window_mixed,
        create_change_table_as_is, session_table, session_setup, session_fill, session_fill_as_is, session_empty,
        window_rows_upto, shared_window, shared_prepare, shared_view, shared_create, shared_indexes)
      VALUES (?, ?, ?::oid, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

  /**
   * The program of stream table {@code $1} for the changed sources {@code $2} (a mask; 0 the full program): per
   * step its kind, SQL and failure message ({@code $3}–{@code $5}); and, for a program stored cut into pieces
   * (V29, {@code DeltaTermMarks}), per piece its step, the sources it needs and its text ({@code $6}–{@code $8},
   * else null); {@code $9} per step the state table bit of the change table it creates (V35); {@code $10}-{@code $14}
   * its session form ({@code SessionProgramPrinter.SessionProgram}: tables, setup, steps, pieces cut as {@code $8}
   * is, empty; null when it has none, V37). One already there is kept.
   */
  public static final String INSERT_PROGRAM = """
      INSERT INTO freshet.refresh_programs (stream_table_id, changed_mask, step_kinds, step_sql, step_failures,
        piece_steps, piece_masks, piece_sql, step_state_bits, session_tables, session_setup, session_step_sql,
        session_piece_sql, session_empty)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (stream_table_id, changed_mask) DO NOTHING""";
}
