package dev.freshet.codegen.program;

/**
 * The statements that carry a stream table's refresh history across an {@code alter} that rebuilds it (catalog
 * V24): the rebuild drops its catalog row, and the history rows with it, so they are read out as jsonb first and
 * given back to the new row, each with its own id, before the rebuild's fill is recorded.
 */
public final class RefreshHistorySql {

  private RefreshHistorySql() {
  }

  /** Every column of every history row of stream table {@code $1}, as a jsonb array (text), oldest first. */
  public static final String HISTORY_AS_JSON = "SELECT coalesce(pg_catalog.jsonb_agg(h ORDER BY h.id), '[]')::text "
      + "FROM freshet.refresh_history h WHERE h.stream_table_id = ?";

  /** The rows of {@link #HISTORY_AS_JSON} ({@code $2}) inserted again for stream table {@code $1}, ids kept. */
  public static final String RESTORE_HISTORY = """
      INSERT INTO freshet.refresh_history OVERRIDING SYSTEM VALUE
      SELECT * FROM pg_catalog.jsonb_populate_recordset(NULL::freshet.refresh_history,
        (SELECT pg_catalog.jsonb_agg(e || pg_catalog.jsonb_build_object('stream_table_id', ?::bigint))
         FROM pg_catalog.jsonb_array_elements(?::jsonb) AS e))""";

  /** Records history row {@code $1} as stream table {@code $2}'s last fill from its query. */
  public static final String SET_FILLED_HISTORY = "UPDATE freshet.stream_tables SET filled_history_id = ? WHERE id = ?";
}
