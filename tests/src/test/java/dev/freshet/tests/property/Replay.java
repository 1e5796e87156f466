package dev.freshet.tests.property;

import dev.freshet.planner.QueryException;
import dev.freshet.runtime.streamtable.CompiledStreamTable;
import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.RefreshReport;
import dev.freshet.runtime.streamtable.StoredStreamTable;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.util.PSQLException;

/**
 * Runs a test-case script (see {@link Scenario#script()}) against a database the way psql would,
 * performing the Freshet operations its {@code -- @freshet} lines name and checking the property
 * after each: the stream table equals its query ({@link Oracle#assertFresh}) and every refresh ran
 * DIFFERENTIAL, or FULL when a TRUNCATE of a source committed since the previous refresh.
 *
 * <p>Script format: one SQL statement per line, ending in {@code ;}. {@code -- @freshet create NAME}
 * creates stream table NAME (mode DIFFERENTIAL) from the statement on the next line;
 * {@code -- @freshet refresh NAME} refreshes it. Other {@code --} lines are comments. Inside
 * {@code BEGIN; … COMMIT;} a failing statement aborts the transaction and COMMIT rolls it back, as in
 * psql.
 */
public final class Replay {

  static final String CREATE = "-- @freshet create ";
  static final String REFRESH = "-- @freshet refresh ";
  static final String REFRESH_FULL = "-- @freshet refresh --full ";

  private static final Pattern TRUNCATE = Pattern.compile("^TRUNCATE\\s+(?:TABLE\\s+)?([A-Za-z_][A-Za-z0-9_]*)",
      Pattern.CASE_INSENSITIVE);

  /** What a replay did. {@code refusal} is present when Freshet refused to create the stream table. */
  public record Result(Optional<String> refusal, int refreshes, int fullRefreshes, int failedStatements,
      long finalRows) {
  }

  /** The refusal reported when the query as written fails in PostgreSQL as Freshet did. */
  static final String QUERY_FAILS = "the query fails in PostgreSQL too: ";

  private Replay() {
  }

  /**
   * Drops every stream table, every table of schema public and then its enum types and domains: a clean slate for
   * the next script.
   */
  public static void reset(Connection c) throws SQLException {
    if (!c.getAutoCommit()) {
      c.rollback();
      c.setAutoCommit(true);
    }
    if (inTransaction(c)) { // left open by a failed Freshet call (see Run#leftOpen)
      try (Statement s = c.createStatement()) {
        s.execute("ROLLBACK");
      }
    }
    for (StoredStreamTable st : StreamTables.list(c)) {
      StreamTables.drop(c, st.name().sql(), true);
    }
    List<String> tables = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public'")) {
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
    }
    if (!tables.isEmpty()) {
      try (Statement s = c.createStatement()) {
        s.execute("DROP TABLE " + String.join(", ", tables) + " CASCADE");
      }
    }
    // then the enum types and domains of schema public (a script creates its own, ColType.ENUM_DDL and
    // ColType.DOMAIN_DDL); without CASCADE: once the tables are gone nothing may still use them (a leftover would be Freshet's)
    List<String> types = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT quote_ident(t.typname) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
            + "WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd')")) {
      while (rs.next()) {
        types.add(rs.getString(1));
      }
    }
    if (!types.isEmpty()) {
      try (Statement s = c.createStatement()) {
        s.execute("DROP TYPE " + String.join(", ", types));
      }
    }
  }

  /** Resets the database, then replays {@code script}; throws a {@link Counterexample} when the property fails. */
  public static Result run(Connection c, String script) throws SQLException {
    long start = System.nanoTime();
    reset(c);
    Coverage.time("reset", System.nanoTime() - start);
    start = System.nanoTime();
    try {
      return new Run(c, script).run();
    } finally {
      Coverage.time("replay (all)", System.nanoTime() - start);
    }
  }

  private static final class Run {
    private final Connection c;
    private final List<String> lines;
    private int line;
    private String streamTable;
    private Set<String> sources = Set.of();
    private final Set<String> truncatedInWindow = new HashSet<>();
    private final Set<String> truncatedInTransaction = new HashSet<>();
    private boolean inTransaction;
    private String query;
    private boolean transactionFailed;
    private int refreshes;
    private int fullRefreshes;
    private int failedStatements;

    Run(Connection c, String script) {
      this.c = c;
      this.lines = script.lines().toList();
    }

    Result run() throws SQLException {
      for (line = 0; line < lines.size(); line++) {
        String text = lines.get(line).strip();
        if (text.startsWith(CREATE)) {
          streamTable = text.substring(CREATE.length()).strip();
          line++;
          query = stripSemicolon(lines.get(line).strip());
          Optional<String> refusal = create(query);
          if (refusal.isPresent()) {
            return new Result(refusal, 0, 0, failedStatements, 0);
          }
        } else if (text.startsWith(REFRESH_FULL) || text.startsWith(REFRESH)) {
          boolean full = text.startsWith(REFRESH_FULL);
          Optional<String> queryFails = refresh(text.substring((full ? REFRESH_FULL : REFRESH).length()).strip(), full);
          if (queryFails.isPresent()) {
            return new Result(queryFails, refreshes, fullRefreshes, failedStatements, 0);
          }
        } else if (text.isEmpty() || text.startsWith("--")) {
          continue;
        } else {
          statement(stripSemicolon(text));
        }
      }
      if (inTransaction) {
        c.rollback();
        c.setAutoCommit(true);
      }
      long rows = 0;
      if (streamTable != null) {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + streamTable)) {
          rs.next();
          rows = rs.getLong(1);
        }
      }
      return new Result(Optional.empty(), refreshes, fullRefreshes, failedStatements, rows);
    }

    private Optional<String> create(String query) throws SQLException {
      try (Statement s = c.createStatement()) {
        s.execute("EXPLAIN " + query);
      } catch (SQLException e) {
        throw fail(Counterexample.InvalidQuery::new, "PostgreSQL rejects the generated query: " + e.getMessage(), e);
      }
      long start = System.nanoTime();
      try {
        requireIdle("before create");
        StreamTables.create(c, streamTable, query, Mode.DIFFERENTIAL, null);
        Coverage.time("create", System.nanoTime() - start);
      } catch (QueryException e) {
        return Optional.of(e.kind() + ": " + firstLine(e.getMessage()));
      } catch (SQLException e) {
        Optional<String> sameError = failsAsWritten(query, e);
        if (sameError.isPresent()) {
          return sameError;
        }
        throw fail(Counterexample.CreateFailed::new, "creating the stream table failed: " + e + leftOpen(), e);
      } catch (RuntimeException | AssertionError e) {
        throw fail(Counterexample.CreateFailed::new, "creating the stream table failed: " + e + leftOpen(), e);
      }
      Set<String> names = new HashSet<>();
      for (CompiledStreamTable.Source source : StreamTables.compiled(c, streamTable).sources()) {
        names.add(source.name().get(1));
      }
      sources = names;
      check("after create");
      return Optional.empty();
    }

    /** The stream table's programs put together from pieces by its refreshes so far (catalog V29). */
    private long programsPutTogether() throws SQLException {
      try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM freshet.refresh_programs p "
          + "JOIN freshet.stream_tables st ON st.id = p.stream_table_id WHERE p.change_tables_mask IS NOT NULL "
          + "AND to_regclass(format('%I.%I', st.schema_name, st.table_name)) = to_regclass(?)")) {
        ps.setString(1, streamTable);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    }

    /** Refreshes; present when the refresh failed as the query as written now does (see {@link #failsAsWritten}). */
    private Optional<String> refresh(String name, boolean full) throws SQLException {
      if (!name.equals(streamTable)) {
        throw new IllegalArgumentException("line " + (line + 1) + ": refresh of " + name
            + ", but the script created " + streamTable);
      }
      boolean truncated = truncatedInWindow.stream().anyMatch(sources::contains);
      Mode expected = truncated || full ? Mode.FULL : Mode.DIFFERENTIAL;
      RefreshReport report;
      long start = System.nanoTime();
      try {
        requireIdle("before refresh");
        long putTogether = programsPutTogether();
        // every other refresh through freshet.refresh_together (catalog V41), its window read from the transaction's
        // copy of it (small windows too: they would run the session forms, which never read the copy); one it leaves
        // (a failure) alone, as the command line does
        Optional<RefreshReport> together = Optional.empty();
        if (refreshes % 2 == 1) {
          try (Statement s = c.createStatement()) {
            s.execute("SET freshet.small_window_rows = 0");
            together = StreamTables.refreshTogether(c, List.of(streamTable), false, full).reports().getFirst();
          } finally {
            try (Statement s = c.createStatement()) {
              s.execute("RESET freshet.small_window_rows");
            }
          }
        }
        report = together.isPresent() ? together.get() : StreamTables.refresh(c, streamTable, false, full);
        Coverage.time("refresh", System.nanoTime() - start);
        if (programsPutTogether() > putTogether) {
          Coverage.observed(Change.PROGRAM_PUT_TOGETHER);
        }
      } catch (SQLException e) {
        Optional<String> sameError = failsAsWritten(query, e);
        if (sameError.isPresent()) {
          return sameError;
        }
        throw fail(Counterexample.RefreshFailed::new, "refresh failed: " + e + leftOpen(), e);
      } catch (RuntimeException | AssertionError e) {
        throw fail(Counterexample.RefreshFailed::new, "refresh failed: " + e + leftOpen(), e);
      }
      refreshes++;
      if (report.modeUsed() == Mode.FULL) {
        fullRefreshes++;
      }
      if (truncated) {
        Coverage.observed(Change.REFRESH_AFTER_TRUNCATE);
      }
      truncatedInWindow.clear();
      if (report.modeUsed() != expected) {
        throw fail(Counterexample.WrongMode::new, "refresh ran " + report.modeUsed() + ", expected " + expected
            + (truncated ? " (a source was truncated in the window)" : "") + ": " + report, null);
      }
      check("after refresh " + refreshes);
      return Optional.empty();
    }

    private void check(String when) throws SQLException {
      long start = System.nanoTime();
      try {
        requireIdle("before the oracle");
        Oracle.assertFresh(c, streamTable);
        Coverage.time("oracle", System.nanoTime() - start);
      } catch (AssertionError e) {
        throw fail(Counterexample.Stale::new, when + ": " + e.getMessage(), e);
      } catch (SQLException | RuntimeException e) {
        throw fail(Counterexample.Uncomparable::new, when + ": the oracle cannot compare the stream table with "
            + "its query: " + e, e);
      }
    }

    private void statement(String sql) throws SQLException {
      String upper = sql.toUpperCase(Locale.ROOT);
      switch (upper) {
        case "BEGIN", "START TRANSACTION" -> {
          c.setAutoCommit(false);
          inTransaction = true;
          transactionFailed = false;
          truncatedInTransaction.clear();
          return;
        }
        case "COMMIT", "END" -> {
          if (transactionFailed) {
            c.rollback();
          } else {
            c.commit();
            truncatedInWindow.addAll(truncatedInTransaction);
          }
          c.setAutoCommit(true);
          inTransaction = false;
          return;
        }
        case "ROLLBACK" -> {
          c.rollback();
          c.setAutoCommit(true);
          inTransaction = false;
          return;
        }
        default -> { }
      }
      if (inTransaction && transactionFailed) {
        return; // psql: "current transaction is aborted, commands ignored until end of transaction block"
      }
      try (Statement s = c.createStatement()) {
        s.execute(sql);
      } catch (SQLException e) {
        if (raisedByFreshet(e)) {
          throw fail(Counterexample.CaptureFailed::new, "change capture failed: " + e.getMessage(), e);
        }
        failedStatements++;
        Coverage.observed(Change.FAILED_STATEMENT);
        if (inTransaction) {
          c.rollback();
          transactionFailed = true;
        }
        return;
      }
      Matcher m = TRUNCATE.matcher(sql);
      if (m.find()) {
        String table = m.group(1).toLowerCase(Locale.ROOT);
        (inTransaction ? truncatedInTransaction : truncatedInWindow).add(table);
      }
    }

    /** A note when a failed Freshet call left the session inside a transaction block. */
    /**
     * Outside BEGIN … COMMIT the session must be idle: StreamTables leaves a connection "as it found
     * it". A violation names the step before.
     */
    /**
     * When Freshet failed with {@code e} and the query as written fails with the same SQLSTATE on the
     * same data (e.g. {@code sum(bigint)::int} out of range), the scenario has no result to compare:
     * not a counterexample.
     */
    private Optional<String> failsAsWritten(String query, SQLException e) throws SQLException {
      if (e.getSQLState() == null) {
        return Optional.empty();
      }
      if (!c.getAutoCommit()) {
        c.rollback();
      } else if (inTransaction(c)) {
        try (Statement s = c.createStatement()) {
          s.execute("ROLLBACK");
        }
      }
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
        while (rs.next()) {
          // read every row: an error may come from any of them
        }
        return Optional.empty();
      } catch (SQLException asWritten) {
        return e.getSQLState().equals(asWritten.getSQLState())
            ? Optional.of(QUERY_FAILS + firstLine(asWritten.getMessage()))
            : Optional.empty();
      }
    }

    private void requireIdle(String when) throws SQLException {
      if (c.getAutoCommit() && inTransaction(c)) {
        throw new IllegalStateException(when + " (script line " + (line + 1) + "): the session is inside a "
            + "transaction block although auto-commit is on");
      }
    }

    private String leftOpen() throws SQLException {
      return c.getAutoCommit() && inTransaction(c) ? " (and it left the session inside a transaction block)" : "";
    }

    /** Whether the error was raised inside one of Freshet's trigger functions. */
    private static boolean raisedByFreshet(SQLException e) {
      if (e instanceof PSQLException p && p.getServerErrorMessage() != null) {
        String where = p.getServerErrorMessage().getWhere();
        return where != null && where.toLowerCase(Locale.ROOT).contains("freshet");
      }
      return false;
    }

    private Counterexample fail(BiFunction<String, Throwable, Counterexample> kind, String message, Throwable cause) {
      List<String> annotated = new ArrayList<>(lines);
      annotated.add(line + 1, "-- ^^^ FAILED HERE: " + firstLine(message));
      return kind.apply(message + "\n\nScript (a self-contained reproduction):\n" + String.join("\n", annotated),
          cause);
    }
  }

  /** Whether the session is inside a transaction block (whatever JDBC's auto-commit flag says). */
  static boolean inTransaction(Connection c) throws SQLException {
    return c.unwrap(org.postgresql.core.BaseConnection.class).getTransactionState()
        != org.postgresql.core.TransactionState.IDLE;
  }

  private static String stripSemicolon(String sql) {
    String s = sql.strip();
    return s.endsWith(";") ? s.substring(0, s.length() - 1).strip() : s;
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "";
    }
    int i = text.indexOf('\n');
    return i < 0 ? text : text.substring(0, i);
  }
}
