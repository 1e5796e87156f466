package dev.freshet.runtime.streamtable;

import dev.freshet.codegen.program.RefreshHistorySql;
import dev.freshet.codegen.program.RefreshSessionSql;
import dev.freshet.codegen.program.StreamTableCatalogSql;
import dev.freshet.codegen.program.StreamTableRowSql;
import dev.freshet.codegen.program.SystemCatalogSql;
import dev.freshet.planner.sql.Quoting;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads and writes the rows of the {@code freshet} catalog schema about stream tables. */
final class StreamTableCatalog {

  private StreamTableCatalog() {
  }

  static Optional<StoredStreamTable> find(Connection c, QualifiedName name, boolean forUpdate)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(forUpdate
        ? StreamTableCatalogSql.STREAM_TABLE_FOR_UPDATE : StreamTableCatalogSql.STREAM_TABLE)) {
      ps.setString(1, name.schema());
      ps.setString(2, name.name());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(read(rs)) : Optional.empty();
      }
    }
  }

  static StoredStreamTable require(Connection c, QualifiedName name, boolean forUpdate) throws SQLException {
    Optional<StoredStreamTable> found = find(c, name, forUpdate);
    if (found.isEmpty()) {
      throw noSuchStreamTable(c, name);
    }
    return found.get();
  }

  /** Whether the current role may manage stream tables owned by {@code owner} (catalog V11, freshet.may_manage). */
  static boolean mayManage(Connection c, String owner) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(StreamTableCatalogSql.MAY_MANAGE)) {
      ps.setString(1, owner);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  /** Whether the current role may read every change buffer of stream table {@code id}'s sources. */
  static boolean changesVisible(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(StreamTableCatalogSql.CHANGES_VISIBLE)) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  /** {@link StreamTableCatalogSql#SESSION_FORMS} of stream table {@code id}. */
  static boolean hasSessionForms(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(StreamTableCatalogSql.SESSION_FORMS)) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  /**
   * {@code name} is no stream table: said as {@code freshet drop} says it of another relation ({@code "public"."orders"
   * is a table, not a stream table}), else that there is none (which reads as if the name were misspelt).
   */
  static StreamTableException noSuchStreamTable(Connection c, QualifiedName name) throws SQLException {
    return new StreamTableException(relationKind(c, name).map(kind -> name + " is " + kind + ", not a stream table")
        .orElse("there is no stream table " + name) + "; 'freshet list' shows the stream tables");
  }

  /** What relation {@code name} is ({@code a table}, {@code a view}, ...), when there is one. */
  static Optional<String> relationKind(Connection c, QualifiedName name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(SystemCatalogSql.RELATION_KIND)) {
      ps.setString(1, name.sql());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(switch (rs.getString(1)) {
          case "r" -> "a table";
          case "p" -> "a partitioned table";
          case "v" -> "a view";
          case "m" -> "a materialized view";
          case "f" -> "a foreign table";
          case "S" -> "a sequence";
          case "i", "I" -> "an index";
          default -> "a relation";
        });
      }
    }
  }

  static List<StoredStreamTable> list(Connection c) throws SQLException {
    List<StoredStreamTable> all = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(StreamTableCatalogSql.STREAM_TABLES);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        all.add(read(rs));
      }
    }
    return all;
  }

  /**
   * A stream table's row with what ordering and scheduling its refreshes needs (StreamTableCatalogSql
   * .STREAM_TABLES_TO_SCHEDULE): the catalog's version as read with it, its relation's and its sources' ids, its
   * last refresh's duration and its failures since (empty and none unless it is scheduled and not suspended).
   */
  record Scheduling(StoredStreamTable table, int catalogVersion, Optional<Long> relid, List<Long> sourceRelids,
      Optional<java.time.Duration> lastRefreshDuration, StreamTables.Failures failures) {
  }

  /**
   * Every stream table's {@link Scheduling}, in one statement, in the order of names; empty when the catalog cannot
   * be read so (no catalog, or one of a version without these columns): the caller reads it as it did before.
   */
  static Optional<List<Scheduling>> toSchedule(Connection c) throws SQLException {
    if (!c.getAutoCommit()) {
      return Optional.empty(); // a failed statement would end the caller's transaction
    }
    List<Scheduling> all = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(StreamTableCatalogSql.STREAM_TABLES_TO_SCHEDULE);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        long relid = rs.getLong("relid");
        Optional<Long> table = rs.wasNull() ? Optional.empty() : Optional.of(relid);
        long micros = rs.getLong("last_refresh_micros");
        Optional<java.time.Duration> last = rs.wasNull() ? Optional.empty()
            : Optional.of(java.time.Duration.ofNanos(micros * 1000));
        all.add(new Scheduling(read(rs), rs.getInt("catalog_version"), table,
            List.of((Long[]) rs.getArray("source_relids").getArray()), last,
            new StreamTables.Failures(rs.getInt("failures"), rs.getObject("last_failure", OffsetDateTime.class))));
      }
    } catch (SQLException e) {
      return Optional.empty();
    }
    return Optional.of(all);
  }

  private static StoredStreamTable read(ResultSet rs) throws SQLException {
    Array notes = rs.getArray("notes");
    return new StoredStreamTable(rs.getLong("id"),
        new QualifiedName(rs.getString("schema_name"), rs.getString("table_name")),
        rs.getString("owner_role"), rs.getString("defining_query"),
        Mode.valueOf(rs.getString("requested_mode")), Mode.valueOf(rs.getString("effective_mode")),
        Optional.ofNullable(rs.getString("fallback_reason")),
        notes == null ? List.of() : List.of((String[]) notes.getArray()),
        Optional.ofNullable(rs.getString("schedule")), rs.getString("status"),
        Optional.ofNullable(rs.getString("last_snapshot")),
        Optional.ofNullable(rs.getObject("last_refresh_at", OffsetDateTime.class)),
        Optional.ofNullable(rs.getString("last_error")),
        rs.getObject("created_at", OffsetDateTime.class),
        rs.getArray("search_path") == null ? List.of() : List.of((String[]) rs.getArray("search_path").getArray()),
        Optional.ofNullable(rs.getString("pending_rebuild")), rs.getInt("plan_revision"));
  }

  /**
   * The id the next stream table will get, taken before it is created: the state tables inside its
   * query are named for it, and are created before its catalog row (which must come after its sources
   * are locked, with the snapshot its population saw).
   */
  static long reserveId(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(StreamTableCatalogSql.RESERVE_ID);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** @param createdAt when it was created, kept by an alter that rebuilds it; null for now */
  static void insert(Connection c, long id, QualifiedName name, String query, Mode requested,
      CompiledStreamTable compiled, String schedule, double recomputeMillis, OffsetDateTime createdAt)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(StreamTableRowSql.INSERT_STREAM_TABLE)) {
      ps.setLong(1, id);
      ps.setString(2, name.schema());
      ps.setString(3, name.name());
      ps.setString(4, query);
      ps.setString(5, requested.name());
      ps.setString(6, compiled.effectiveMode().name());
      ps.setString(7, compiled.fallback().map(r -> r.reasonLine()).orElse(null));
      ps.setArray(8, c.createArrayOf("text", compiled.notes().toArray()));
      ps.setString(9, schedule);
      ps.setDouble(10, recomputeMillis);
      ps.setArray(11, c.createArrayOf("text", RefreshSessionSql.QUERY_SETTINGS.toArray()));
      ps.setObject(12, createdAt);
      ps.setString(13, query); // the columns it reads as PostgreSQL resolves it now (catalog V25)
      ps.setString(14, query); // and their numbers (V26): what ALTER TABLE renamed or dropped is named by them
      ps.setInt(15, dev.freshet.rules.shape.ShapeAnalyzer.PLAN_REVISION); // a stream table is created at the latest
      ps.executeUpdate();
    }
  }

  /** The columns of table {@code relid} in order, hidden ones included. */
  static List<String> columns(Connection c, long relid) throws SQLException {
    List<String> columns = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(SystemCatalogSql.COLUMN_NAMES_BY_RELID)) {
      ps.setLong(1, relid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          columns.add(rs.getString(1));
        }
      }
    }
    return columns;
  }

  /** The state tables of stream table {@code id}, qualified and quoted, as they exist now. */
  static List<List<String>> stateTables(Connection c, long id) throws SQLException {
    List<List<String>> tables = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(SystemCatalogSql.TABLES_BY_PREFIX)) {
      ps.setString(1, dev.freshet.rules.rel.StateTables.SCHEMA);
      ps.setString(2, dev.freshet.rules.rel.StateTables.prefix(id));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          tables.add(List.of(rs.getString(1), rs.getString(2)));
        }
      }
    }
    return tables;
  }

  static void insertSource(Connection c, long id, long relid, List<String> name, List<String> columns)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(StreamTableCatalogSql.INSERT_STREAM_TABLE_SOURCE)) {
      ps.setLong(1, id);
      ps.setLong(2, relid);
      ps.setString(3, name.get(0));
      ps.setString(4, name.get(1));
      ps.setArray(5, c.createArrayOf("name", columns.toArray()));
      ps.executeUpdate();
    }
  }

  /**
   * Records what stream table {@code id}'s refreshes compare to see writes no trigger captured and constraints its plan
   * relied on dropped (catalog V45).
   */
  static void recordCaptureStamps(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(StreamTableCatalogSql.RECORD_CAPTURE_STAMPS)) {
      ps.setLong(1, id);
      ps.setLong(2, id);
      ps.executeUpdate();
    }
  }

  /**
   * Why stream table {@code id}'s plan no longer holds (catalog V45): a constraint it relied on dropped from a table its
   * query reads, named; empty when none is gone (or none was recorded: created before V45).
   */
  static Optional<String> constraintGone(Connection c, long id) throws SQLException {
    return textOf(c, StreamTableCatalogSql.CONSTRAINT_GONE, id);
  }

  /**
   * The settings stream table {@code id} was created under ({@link RefreshSessionSql#QUERY_SETTINGS}), a jsonb
   * object's text; empty for one created before catalog V19.
   */
  static Optional<String> creationSettings(Connection c, long id) throws SQLException {
    return textOf(c, StreamTableCatalogSql.CREATION_SETTINGS, id);
  }

  /** The text the query {@code sql} gives for stream table {@code id} ({@code $1}); empty when no row, or NULL. */
  static Optional<String> textOf(Connection c, String sql, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
      }
    }
  }

  /**
   * What the next refresh of stream table {@code id} must do after DDL on a type or on the row-level
   * security of a source (catalog V18): {@code compile} or {@code recompute}; empty when nothing.
   */
  static Optional<String> rebuildStep(Connection c, long id) throws SQLException {
    return textOf(c, StreamTableCatalogSql.REBUILD_STEP, id);
  }

  /**
   * Compares the types stream table {@code id}'s sources use now with those recorded, records them, and marks
   * it to compile again when DDL on one of them changed a result (catalog V20, {@code freshet.note_type_changes});
   * the reason, empty when it marked nothing.
   */
  static Optional<String> noteTypeChanges(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(StreamTableCatalogSql.NOTE_TYPE_CHANGES)) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return Optional.ofNullable(rs.getString(1));
      }
    }
  }

  static void setRebuildStep(Connection c, long id, String step) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(StreamTableCatalogSql.SET_REBUILD_STEP)) {
      ps.setString(1, step);
      ps.setLong(2, id);
      ps.executeUpdate();
    }
  }

  /** When stream table {@code id} was last compiled again after DDL on a source; empty if never. */
  static Optional<OffsetDateTime> rebuiltAt(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(StreamTableCatalogSql.REBUILT_AT)) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.ofNullable(rs.getObject(1, OffsetDateTime.class)) : Optional.empty();
      }
    }
  }

  /** Stream table {@code id} is compiled again now: plans of it compiled before, in any process, are stale. */
  static void markRebuilt(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(StreamTableCatalogSql.MARK_REBUILT)) {
      ps.setLong(1, id);
      ps.executeUpdate();
    }
  }

  /** {@link #markRebuilt} for every stream table reading source {@code relid}. */
  static void markReadersRebuilt(Connection c, long relid) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(StreamTableCatalogSql.MARK_READERS_REBUILT)) {
      ps.setLong(1, relid);
      ps.executeUpdate();
    }
  }

  /** The relation ids of the sources of stream table {@code id} whose labels are {@code labels}, in order. */
  static List<Long> sourceRelids(Connection c, long id, List<String> labels) throws SQLException {
    List<Long> relids = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(StreamTableRowSql.CHANGED_SOURCE_RELIDS)) {
      ps.setLong(1, id);
      ps.setArray(2, c.createArrayOf("text", labels.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          relids.add(rs.getLong(1));
        }
      }
    }
    return relids;
  }

  static List<Long> sourceRelids(Connection c, long id) throws SQLException {
    List<Long> relids = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(StreamTableCatalogSql.SOURCE_RELIDS)) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          relids.add(rs.getLong(1));
        }
      }
    }
    return relids;
  }

  /**
   * The tables among {@code relids} whose row-level security applies to the current role ({@code
   * "schema"."name"}, catalog V12): change capture records every row written, whatever the policies, so a
   * differential refresh by such a role would read rows its query cannot see.
   */
  static List<String> sourcesUnderRowSecurity(Connection c, List<Long> relids) throws SQLException {
    // freshet.sources_under_row_security's query, not the function: create --dry-run asks before any
    // catalog exists (it said 'schema "freshet" does not exist' on a new database)
    // names quoted here, by Quoting, as every message quotes them (and as the function does: display_name)
    try (PreparedStatement ps = c.prepareStatement(SystemCatalogSql.UNDER_ROW_SECURITY)) {
      ps.setArray(1, c.createArrayOf("bigint", relids.toArray()));
      List<String> secured = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          secured.add(Quoting.qualified(rs.getString(1), rs.getString(2)));
        }
      }
      return secured;
    }
  }

  /** {@link #sourcesUnderRowSecurity(Connection, List)} of stream table {@code id}'s sources. */
  static List<String> sourcesUnderRowSecurity(Connection c, long id) throws SQLException {
    return sourcesUnderRowSecurity(c, sourceRelids(c, id));
  }

  /** The refusal of a differential refresh or create under row-level security (SQLSTATE 42501). */
  static String rowSecurityMessage(List<String> tables, String role) {
    return "row-level security of " + String.join(", ", tables) + " applies to role " + Quoting.identifier(role)
        + ": a differential refresh would read rows its policies hide from it";
  }

  static String currentUser(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(SystemCatalogSql.CURRENT_USER); ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** Stream tables that read the relation {@code relid}. */
  static List<QualifiedName> consumers(Connection c, long relid) throws SQLException {
    List<QualifiedName> names = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(StreamTableCatalogSql.READERS)) {
      ps.setLong(1, relid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          names.add(new QualifiedName(rs.getString(1), rs.getString(2)));
        }
      }
    }
    return names;
  }

  static void recordSuccess(Connection c, long id, String snapshot) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(StreamTableCatalogSql.RECORD_SUCCESS)) {
      ps.setString(1, snapshot);
      ps.setLong(2, id);
      ps.executeUpdate();
    }
  }

  static StreamTables.Failures consecutiveFailures(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(StreamTableCatalogSql.CONSECUTIVE_FAILURES)) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new StreamTables.Failures(rs.getInt(1), rs.getObject(2, OffsetDateTime.class));
      }
    }
  }

  /**
   * How long the last successful refresh of stream table {@code id} took, if its history has one (its
   * creation, recorded without a window, is not a refresh).
   */
  static Optional<java.time.Duration> lastRefreshDuration(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(StreamTableCatalogSql.LAST_REFRESH_MICROS)) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(java.time.Duration.ofNanos(rs.getLong(1) * 1000)) : Optional.empty();
      }
    }
  }

  static long pruneHistory(Connection c, java.time.Duration retention) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(StreamTableCatalogSql.PRUNE_HISTORY)) {
      ps.setLong(1, retention.toSeconds());
      return ps.executeUpdate();
    }
  }

  static boolean suspend(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(StreamTableCatalogSql.SUSPEND)) {
      ps.setLong(1, id);
      return ps.executeUpdate() > 0;
    }
  }

  static void resume(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(StreamTableCatalogSql.RESUME)) {
      ps.setLong(1, id);
      ps.executeUpdate();
    }
  }

  /**
   * Why stream table {@code id} cannot run its query as written since DDL on its sources (a source renamed,
   * columns its query reads renamed or dropped), naming them and the fix (catalog V26); empty when nothing
   * of the kind.
   */
  static Optional<String> sourceDdlReason(Connection c, long id) throws SQLException {
    return textOf(c, StreamTableRowSql.SOURCE_DDL_REASON, id);
  }

  /**
   * The sources of stream table {@code id} dropped since it was created ({@code DROP TABLE ... CASCADE}), as the
   * catalog names them; empty when none.
   */
  static List<QualifiedName> droppedSources(Connection c, long id) throws SQLException {
    List<QualifiedName> dropped = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(StreamTableRowSql.DROPPED_SOURCES)) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          dropped.add(new QualifiedName(rs.getString(1), rs.getString(2)));
        }
      }
    }
    return dropped;
  }

  /**
   * Status ERROR, and as the last error {@code error} with {@code hint} (the fix, may be null) on a line of its
   * own, as CALL freshet.refresh records a failure (StreamTableRowSql.RECORD_ERROR).
   */
  static void recordError(Connection c, long id, String error, String hint) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(StreamTableRowSql.RECORD_ERROR)) {
      ps.setString(1, error);
      ps.setString(2, hint);
      ps.setLong(3, id);
      ps.executeUpdate();
    }
  }

  /**
   * The mode reason of the history row of a stream table's first filling at create, which the history shows
   * in place of the changed sources: that fill read the whole query, not changes. An alter's rebuild says
   * what it changed instead ({@link #filledByAlter}).
   */
  static final String FILLED = "filled from its query (create)";

  /** What every fill's reason starts with. */
  private static final String FILL = "filled from its query (";

  /** The mode reason of the fill of an alter's rebuild: {@code filled from its query (alter: new query)}. */
  static String filledByAlter(List<String> changes) {
    return FILL + "alter: " + String.join(", ", changes) + ")";
  }

  /**
   * The mode reason of the fill of a stream table rebuilt because one it reads was: {@code filled from its query
   * (alter of "public"."totals", which it reads)}.
   */
  static String filledByAlterOf(QualifiedName read) {
    return FILL + "alter of " + read + ", which it reads)";
  }

  /**
   * The refresh history of stream table {@code id}, every column of every row (as a jsonb array), for
   * {@link #restoreHistory}: an alter that rebuilds a stream table drops its catalog row, and its history with it.
   */
  static String history(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(RefreshHistorySql.HISTORY_AS_JSON)) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  /** Gives {@link #history} back to stream table {@code id} (its rebuilt self), each row with its own id. */
  static void restoreHistory(Connection c, long id, String history) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(RefreshHistorySql.RESTORE_HISTORY)) {
      ps.setLong(1, id);
      ps.setString(2, history);
      ps.executeUpdate();
    }
  }

  /** Records history row {@code historyId} as stream table {@code id}'s last fill from its query (catalog V24). */
  static void setFilledHistory(Connection c, long id, long historyId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(RefreshHistorySql.SET_FILLED_HISTORY)) {
      ps.setLong(1, historyId);
      ps.setLong(2, id);
      ps.executeUpdate();
    }
  }

  static void insertHistory(Connection c, long id, OffsetDateTime started, Mode mode, List<String> changed,
      long inserted, long updated, long deleted, long deltaRows, String fallback, String error)
      throws SQLException {
    insertHistory(c, id, started, mode, changed, inserted, updated, deleted, deltaRows, fallback, error, null);
  }

  /** Returns the id of the history row. */
  static long insertHistory(Connection c, long id, OffsetDateTime started, Mode mode, List<String> changed,
      long inserted, long updated, long deleted, long deltaRows, String fallback, String error, String modeReason)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(StreamTableCatalogSql.INSERT_HISTORY)) {
      ps.setLong(1, id);
      ps.setObject(2, started);
      ps.setString(3, mode.name());
      ps.setArray(4, c.createArrayOf("text", changed.toArray()));
      ps.setLong(5, inserted);
      ps.setLong(6, updated);
      ps.setLong(7, deleted);
      ps.setLong(8, deltaRows);
      ps.setString(9, fallback);
      ps.setString(10, error);
      ps.setString(11, modeReason);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /**
   * The last {@code limit} refreshes, newest first, each with the reason it recorded for its mode: a FULL refresh
   * of a query calling now() or random() with no source changed says it recomputed ({@code recomputed at every
   * refresh}, recorded by refresh_window), not "no changes", whatever the query is now.
   */
  static List<String> history(Connection c, long id, int limit) throws SQLException {
    List<String> lines = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(StreamTableCatalogSql.RECENT_HISTORY)) {
      ps.setLong(1, id);
      ps.setInt(2, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          List<String> changed = List.of((String[]) rs.getArray(4).getArray());
          String reason = rs.getString(10);
          boolean filled = changed.isEmpty() && reason != null && reason.startsWith(FILL); // not "no changes"
          String error = rs.getString(9);
          if (error != null) {
            // a failed refresh applied nothing and read no window: not "no changes"; an error's later lines
            // (a caret, a fix) indented under its first, as status prints the rest of its lines
            lines.add(String.format(java.util.Locale.ROOT, "%s  %-12s %6s ms  failed, nothing applied  ERROR: %s",
                rs.getString(1), rs.getString(2), rs.getString(3), error.strip().replace("\n", "\n        ")));
            continue;
          }
          lines.add(String.format(java.util.Locale.ROOT, "%s  %-12s %6s ms  +%s ~%s -%s  delta %s  %s%s",
              rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(5), rs.getString(6),
              rs.getString(7), rs.getString(8), filled ? reason : RefreshReport.changedText(changed,
                  java.util.Optional.ofNullable(reason)),
              reason == null || filled ? "" : "  (" + reason + ")"));
        }
      }
    }
    return lines;
  }
}
