package dev.freshet.tests.scenarios;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.RefreshReport;
import dev.freshet.runtime.streamtable.RefreshStepTime;
import dev.freshet.runtime.streamtable.StoredStreamTable;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Small JDBC helpers shared by the scenario tests (no mocking: everything runs on the test database). */
final class Scenarios {

  private Scenarios() {
  }

  /** Runs each statement in its own auto-commit transaction on {@code c}. */
  /**
   * The steps of a profiled refresh of {@code name} ({@code refresh --profile}), which must have been differential;
   * the stream table is checked by the oracle first.
   */
  static List<String> profiledDifferentialSteps(Connection c, String name) throws Exception {
    RefreshReport r = StreamTables.refresh(c, name, true, false);
    if (r.modeUsed() != Mode.DIFFERENTIAL) {
      throw new AssertionError("a differential refresh of " + name + " expected: " + r);
    }
    Oracle.assertFresh(c, name);
    return r.profile().stream().map(RefreshStepTime::step).toList();
  }

  static void exec(Connection c, String... statements) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  /** Runs all statements in ONE transaction on {@code c} (which is left in auto-commit mode). */
  static void inOneTransaction(Connection c, String... statements) throws SQLException {
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  /** Rows of {@code sql}, each rendered as its values joined by '|' (NULL as "null"), in query order. */
  static List<String> rows(Connection c, String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          if (i > 1) {
            b.append('|');
          }
          b.append(rs.getString(i));
        }
        rows.add(b.toString());
      }
    }
    return rows;
  }

  static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static String text(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** Creates a stream table in {@code mode}, asserts it runs in that mode, and checks it with the oracle. */
  static StoredStreamTable create(Connection c, String name, String sql, Mode mode) throws SQLException {
    StoredStreamTable st = StreamTables.create(c, name, sql, mode, null);
    org.junit.jupiter.api.Assertions.assertEquals(mode, st.effectiveMode(), () -> name + " runs " + st.effectiveMode()
        + ": " + st.fallbackReason());
    Oracle.assertFresh(c, name);
    return st;
  }

  /**
   * Refreshes {@code name} by {@code freshet.refresh_window} in a transaction of its own (committed) and returns, per
   * table of {@code tables}, how much the figure {@code statistic} gives for it (a query of this backend's statistics,
   * {@code pg_stat_get_xact_*}) grew during the refresh: a difference within one transaction, since PostgreSQL 15 may
   * still hold earlier transactions' figures unreported. The refresh must have been differential.
   */
  static long[] refreshMeasuring(Connection c, String name, Function<String, String> statistic, String... tables)
      throws SQLException {
    long id = count(c, "SELECT id FROM freshet.stream_tables WHERE table_name = '" + name.replace("'", "''") + "'");
    long[] grew = new long[tables.length];
    c.setAutoCommit(false);
    try {
      for (int i = 0; i < tables.length; i++) {
        grew[i] = -count(c, statistic.apply(tables[i]));
      }
      String mode = text(c, "SELECT mode_used FROM freshet.refresh_window(" + id + ", false)");
      if (!"DIFFERENTIAL".equals(mode)) {
        throw new AssertionError("a differential refresh of " + name + " expected, not " + mode);
      }
      for (int i = 0; i < tables.length; i++) {
        grew[i] += count(c, statistic.apply(tables[i]));
      }
      c.commit();
      return grew;
    } finally {
      c.setAutoCommit(true);
    }
  }

  /** The name of the change buffer of {@code table} (a regclass text), e.g. {@code freshet_changes.src_1234}. */
  static String buffer(Connection c, String table) throws SQLException {
    return "freshet_changes.src_" + count(c, "SELECT '" + table.replace("'", "''") + "'::regclass::oid::bigint");
  }
}
