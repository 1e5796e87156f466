package dev.freshet.tpch;

import static dev.freshet.planner.sql.Quoting.qualified;

import dev.freshet.planner.sql.Quoting;
import io.trino.tpch.TpchEntity;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * Creates the TPC-H tables and fills them at a scale factor: rows are generated and streamed
 * to PostgreSQL with {@code COPY} in chunks of a few hundred kilobytes, so memory stays flat at
 * any scale factor. Keys and indexes are added after the data (one sort per index instead of
 * row-by-row maintenance), then every table is analyzed.
 *
 * <p>Everything runs in one transaction: a failed load leaves no half-filled tables, and because
 * each table is created in that same transaction, {@code COPY ... FREEZE} can write its rows
 * already frozen (no later hint-bit or anti-wraparound rewrite of the whole table).
 */
public final class TpchLoader {

  /** What to do when a TPC-H table already exists in the target schema. */
  public enum IfExists {
    /** Refuse, naming the table: the safe default. */
    FAIL,
    /** Drop the eight tables first (without CASCADE, so dependent objects still stop it). */
    REPLACE
  }

  /** Bytes handed to the driver at a time: large enough to amortise calls, small enough to stream. */
  private static final int CHUNK_CHARS = 512 * 1024;

  private TpchLoader() {
  }

  /** Loads into {@code schema}, refusing if a TPC-H table exists there already. */
  public static LoadReport load(Connection c, String schema, double scaleFactor,
                                Consumer<String> progress) throws SQLException {
    return load(c, schema, scaleFactor, IfExists.FAIL, progress);
  }

  /**
   * Loads TPC-H at {@code scaleFactor} into {@code schema} (created if missing). Commits at the
   * end; the connection's auto-commit setting is restored afterwards. Do not call it inside a
   * transaction of your own: its commit would commit your work too.
   *
   * @param progress receives one line per table ({@code "lineitem: 60175 rows in 1.2 s"}) and per
   *                 later phase, as each finishes
   */
  public static LoadReport load(Connection c, String schema, double scaleFactor, IfExists ifExists,
                                Consumer<String> progress) throws SQLException {
    if (!(scaleFactor > 0) || Double.isInfinite(scaleFactor)) {
      throw new IllegalArgumentException("the scale factor must be a positive number, got "
          + scaleFactor + " (TPC-H uses 1, 10, 100, ...; 0.01 makes a 10 MB database)");
    }
    long start = System.nanoTime();
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      if (ifExists == IfExists.REPLACE) {
        refuseOtherTables(c, schema);
        execute(c, TpchSchema.dropTables(schema));
      } else {
        refuseExistingTables(c, schema);
      }
      for (String statement : TpchSchema.createTables(schema)) {
        execute(c, statement);
      }

      CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
      var tables = new ArrayList<LoadReport.TableLoad>();
      for (GeneratedTable<?> table : GeneratedTable.ALL) {
        long tableStart = System.nanoTime();
        long rows = copyTable(copy, schema, table, scaleFactor);
        var loaded = new LoadReport.TableLoad(table.table().name(), rows, secondsSince(tableStart));
        tables.add(loaded);
        progress.accept(String.format(Locale.ROOT, "%s: %d rows in %.1f s",
            loaded.table(), loaded.rows(), loaded.seconds()));
      }

      long keysStart = System.nanoTime();
      for (String statement : TpchSchema.addConstraints(schema)) {
        execute(c, statement);
      }
      for (String statement : TpchSchema.createIndexes(schema)) {
        execute(c, statement);
      }
      double keysSeconds = secondsSince(keysStart);
      progress.accept(String.format(Locale.ROOT,
          "primary keys, foreign keys and indexes in %.1f s", keysSeconds));

      long analyzeStart = System.nanoTime();
      for (TpchSchema.Table table : TpchSchema.TABLES) {
        execute(c, "ANALYZE " + qualified(schema, table.name()));
      }
      double analyzeSeconds = secondsSince(analyzeStart);
      progress.accept(String.format(Locale.ROOT, "analyze in %.1f s", analyzeSeconds));

      c.commit();
      return new LoadReport(schema, scaleFactor, tables, keysSeconds, analyzeSeconds,
          secondsSince(start));
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(c, e);
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  private static <E extends TpchEntity> long copyTable(CopyManager copy, String schema,
                                                       GeneratedTable<E> table, double scaleFactor)
      throws SQLException {
    String columns = table.table().columnNames().stream()
        .map(Quoting::identifier)
        .collect(Collectors.joining(", "));
    String sql = "COPY " + qualified(schema, table.table().name()) + " (" + columns + ")"
        + " FROM STDIN WITH (FORMAT text, FREEZE)";
    CopyIn in = copy.copyIn(sql);
    try {
      var buffer = new StringBuilder(CHUNK_CHARS + 4096);
      for (E row : table.rows(scaleFactor)) {
        table.append(row, buffer);
        if (buffer.length() >= CHUNK_CHARS) {
          write(in, buffer);
        }
      }
      write(in, buffer);
      return in.endCopy();
    } finally {
      if (in.isActive()) {
        in.cancelCopy();
      }
    }
  }

  private static void write(CopyIn in, StringBuilder buffer) throws SQLException {
    if (buffer.isEmpty()) {
      return;
    }
    byte[] bytes = buffer.toString().getBytes(StandardCharsets.UTF_8);
    in.writeToCopy(bytes, 0, bytes.length);
    buffer.setLength(0);
  }

  /**
   * Replacing drops the tables named as TPC-H's: one that is not a TPC-H table (the user's own
   * {@code orders}, in a database named by PGHOST/PGDATABASE) stops the load before anything is dropped.
   */
  public static void refuseOtherTables(Connection c, String schema) throws SQLException {
    var names = TpchSchema.TABLES.stream().map(TpchSchema.Table::name).toArray(String[]::new);
    java.util.Map<String, java.util.Set<String>> columns = new java.util.TreeMap<>();
    try (var statement = c.prepareStatement("""
        SELECT c.relname, a.attname
        FROM pg_catalog.pg_class AS c
        JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
        LEFT JOIN pg_catalog.pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE n.nspname = ? AND c.relname = ANY (?)""")) {
      statement.setString(1, schema);
      statement.setArray(2, c.createArrayOf("text", names));
      try (var rows = statement.executeQuery()) {
        while (rows.next()) {
          var set = columns.computeIfAbsent(rows.getString(1), k -> new java.util.HashSet<>());
          if (rows.getString(2) != null) {
            set.add(rows.getString(2));
          }
        }
      }
    }
    for (TpchSchema.Table table : TpchSchema.TABLES) {
      var have = columns.get(table.name());
      if (have == null) {
        continue;
      }
      var missing = table.columnNames().stream().filter(n -> !have.contains(n)).findFirst();
      if (missing.isPresent()) {
        throw new dev.freshet.runtime.cli.UserException(dev.freshet.runtime.cli.ExitCode.REFUSED,
            "table " + qualified(schema, table.name()) + " is not a TPC-H table (it has no column "
                + missing.get() + "), and loading TPC-H replaces the tables of TPC-H's names in schema \""
                + schema + "\"; nothing was dropped. Load TPC-H into another database: with no --jdbc-url, "
                + "FRESHET_JDBC_URL or PGHOST/PGDATABASE, demo and bench start an embedded PostgreSQL of their "
                + "own (or 'freshet tpch load --schema S' for another schema)");
      }
    }
  }

  private static void refuseExistingTables(Connection c, String schema) throws SQLException {
    var names = TpchSchema.TABLES.stream().map(TpchSchema.Table::name).toArray(String[]::new);
    List<String> existing = new ArrayList<>();
    try (var statement = c.prepareStatement("""
        SELECT c.relname
        FROM pg_catalog.pg_class AS c
        JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
        WHERE n.nspname = ? AND c.relname = ANY (?)
        ORDER BY c.relname""")) {
      statement.setString(1, schema);
      statement.setArray(2, c.createArrayOf("text", names));
      try (var rows = statement.executeQuery()) {
        while (rows.next()) {
          existing.add(rows.getString(1));
        }
      }
    }
    if (!existing.isEmpty()) {
      throw new IllegalStateException("schema " + Quoting.identifier(schema) + " already has TPC-H table(s) "
          + existing + "; drop them first (freshet tpch load --replace does), or load into "
          + "another schema (--schema)");
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (var statement = c.createStatement()) {
      statement.execute(sql);
    }
  }

  private static void rollbackQuietly(Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException rollbackFailure) {
      cause.addSuppressed(rollbackFailure);
    }
  }

  private static double secondsSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
