package dev.freshet.codegen.program;

import dev.freshet.planner.sql.Quoting;
import java.util.List;

/**
 * The statements that write a stream table's catalog row and read what DDL on its sources did to it: the row as
 * create and alter write it (with the columns its query reads, catalog V25 and V26), and why its query cannot
 * run as written since ALTER TABLE renamed or dropped what it reads ({@code freshet.source_ddl_reason}, V26), and a
 * failed refresh's last error.
 */
public final class StreamTableRowSql {

  private StreamTableRowSql() {
  }

  /**
   * The catalog row of a stream table: {@code $1} id, {@code $2}/{@code $3} schema and name, {@code $4} the
   * query, {@code $5}/{@code $6} requested and effective mode, {@code $7} fallback reason, {@code $8} notes,
   * {@code $9} schedule, {@code $10} recompute ms, {@code $11} the settings its values depend on, {@code $12}
   * created at (null: now), {@code $13} and {@code $14} the query again, for the columns it reads as PostgreSQL
   * resolves it now (names, V25; with their numbers, V26), {@code $15} the plan revision it was compiled at (V39).
   */
  public static final String INSERT_STREAM_TABLE = """
      INSERT INTO freshet.stream_tables (id, schema_name, table_name, defining_query, requested_mode,
        effective_mode, fallback_reason, notes, schedule, last_snapshot, last_refresh_at, search_path,
        recompute_ms, settings, created_at, read_columns, read_attributes, plan_revision)
      OVERRIDING SYSTEM VALUE
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, pg_current_snapshot(), now(), pg_catalog.current_schemas(false), ?,
        """ + RefreshSessionSql.READ_SETTINGS + ", coalesce(?::timestamptz, now()), "
      + "freshet.query_read_columns(?), freshet.query_read_attributes(?), ?)";

  /** The number of rows the stream table {@code table} (schema and name) holds. */
  public static String rowCount(List<String> table) {
    return "SELECT count(*) FROM " + Quoting.qualified(table);
  }

  /**
   * Why stream table {@code $1} cannot run its query as written since DDL on its sources (a source renamed,
   * columns it reads renamed or dropped), naming them and the fix; NULL when nothing of the kind.
   */
  public static final String SOURCE_DDL_REASON = "SELECT freshet.source_ddl_reason(?)";

  /**
   * The sources of stream table {@code $1} that were dropped ({@code DROP TABLE ... CASCADE}): no table has their
   * number any more. Each as the catalog recorded it at create, schema and name, in that order.
   */
  public static final String DROPPED_SOURCES = """
      SELECT s.source_schema, s.source_table FROM freshet.stream_table_sources AS s
      WHERE s.stream_table_id = ?
        AND NOT EXISTS (SELECT FROM pg_catalog.pg_class AS c WHERE c.oid = s.source_relid)
      ORDER BY 1, 2""";

  /**
   * For a stream table's relation named {@code ?} (the same name bound three times): whether it is gone (dropped
   * outside Freshet), and whether the current role may read it.
   */
  public static final String TABLE_GONE_OR_READABLE = "SELECT pg_catalog.to_regclass(?) IS NULL, "
      + "pg_catalog.to_regclass(?) IS NOT NULL AND pg_catalog.has_table_privilege(pg_catalog.to_regclass(?), 'SELECT')";

  /**
   * The relation ids of the sources of stream table {@code $1} named in {@code $2} (a text array of the labels a
   * refresh reports for the sources whose window held rows: {@code "public"."orders"}), in order.
   */
  public static final String CHANGED_SOURCE_RELIDS = """
      SELECT s.source_relid::bigint FROM freshet.refresh_sources AS s
      WHERE s.stream_table_id = ? AND s.label = ANY (?::text[])
      ORDER BY 1""";

  /**
   * A failed refresh of stream table {@code $3}: status ERROR, and as its last error the message {@code $1} with
   * its hint {@code $2} (the fix; NULL when none) on a line of its own, {@code HINT:  ...}, as CALL freshet.refresh
   * records it ({@code freshet.recorded_error}, issue 15).
   */
  public static final String RECORD_ERROR =
      "UPDATE freshet.stream_tables SET status = 'ERROR', last_error = freshet.recorded_error(?, ?) WHERE id = ?";

  /** Deletes stream table {@code $1}'s catalog row (its sources, programs and history go with it). */
  public static final String DELETE_STREAM_TABLE = "DELETE FROM freshet.stream_tables WHERE id = ?";

  /** Sets stream table {@code $2}'s schedule to {@code $1} (null: none). */
  public static final String SET_SCHEDULE = "UPDATE freshet.stream_tables SET schedule = ? WHERE id = ?";

  /** Stream table {@code $1}'s sources: schema, table and the columns its programs read, by name. */
  public static final String SOURCES = """
      SELECT source_schema, source_table, columns::text[]
      FROM freshet.stream_table_sources WHERE stream_table_id = ? ORDER BY 1, 2""";

  /**
   * Deletes the programs of every stream table reading source {@code $1} (an oid): they compile again before their
   * next refresh, after its capture was reconciled.
   */
  public static final String DELETE_PROGRAMS_OF_READERS = """
      DELETE FROM freshet.refresh_programs WHERE stream_table_id IN (
        SELECT stream_table_id FROM freshet.stream_table_sources WHERE source_relid = ?::oid)""";

  /** The oid of relation {@code $1} (a quoted, qualified name), null when there is none. */
  public static final String RELATION_OID = "SELECT to_regclass(?)::oid::bigint";

  /** Whether schema {@code $1} exists: a row when it does. */
  public static final String SCHEMA_EXISTS = "SELECT 1 FROM pg_namespace WHERE nspname = ?";
}
