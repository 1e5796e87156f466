package dev.freshet.runtime.oracle;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares the results of two queries as multisets, in PostgreSQL, with symmetric {@code EXCEPT ALL}
 * (DESIGN.md §7). PostgreSQL's own equality decides: numerics compare by value ({@code 1.50 = 1.5}),
 * {@code char(n)} ignores trailing blanks, and NULLs match NULLs as in any set operation.
 * Run it inside one snapshot (a REPEATABLE READ transaction) when the data may change.
 */
public final class BagComparison {

  /** How many differing rows a comparison reports in full. */
  public static final int SAMPLE_LIMIT = 20;

  private BagComparison() {
  }

  /**
   * The result: row counts of both sides and the differing rows with their multiplicity.
   *
   * @param missing rows {@code expected} has more often than {@code actual} (sampled)
   * @param extra   rows {@code actual} has more often than {@code expected} (sampled)
   */
  public record Result(long expectedRows, long actualRows, long missingCount, long extraCount,
      List<List<Object>> missing, List<List<Object>> extra) {
    public boolean equal() {
      return missingCount == 0 && extraCount == 0;
    }

    /** One line for tables and logs. */
    public String summary() {
      return equal() ? "equal (" + rows(expectedRows) + ")"
          : "DIFFERENT: " + rows(missingCount) + " missing, " + rows(extraCount) + " extra (expected "
              + expectedRows + ", got " + actualRows + ")";
    }
  }

  /** {@code 1 row}, {@code 2 rows}. */
  public static String rows(long n) {
    return n == 1 ? "1 row" : n + " rows";
  }

  public static Result compare(Connection c, String expectedSql, String actualSql) throws SQLException {
    String expected = "(" + strip(expectedSql) + ")";
    String actual = "(" + strip(actualSql) + ")";
    long expectedRows = count(c, "SELECT count(*) FROM " + expected + " AS expected");
    long actualRows = count(c, "SELECT count(*) FROM " + actual + " AS actual");
    String missing = "SELECT * FROM " + expected + " AS e EXCEPT ALL SELECT * FROM " + actual + " AS a";
    String extra = "SELECT * FROM " + actual + " AS a EXCEPT ALL SELECT * FROM " + expected + " AS e";
    return new Result(expectedRows, actualRows,
        count(c, "SELECT count(*) FROM (" + missing + ") AS d"),
        count(c, "SELECT count(*) FROM (" + extra + ") AS d"),
        sample(c, missing), sample(c, extra));
  }

  /** A query may end in a semicolon and comments; inside parentheses neither is allowed. */
  static String strip(String sql) {
    String s = sql.strip();
    while (s.endsWith(";")) {
      s = s.substring(0, s.length() - 1).strip();
    }
    return s + "\n";
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static List<List<Object>> sample(Connection c, String sql) throws SQLException {
    List<List<Object>> rows = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql + " LIMIT " + SAMPLE_LIMIT)) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          row.add(rs.getObject(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }
}
