package dev.freshet.runtime.oracle;

import dev.freshet.codegen.refresh.BagComparisonPrinter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Compares the results of two queries as multisets, in PostgreSQL, with symmetric {@code EXCEPT ALL}
 * (DESIGN.md §7). PostgreSQL's own equality decides: numerics compare by value ({@code 1.50 = 1.5}),
 * {@code char(n)} ignores trailing blanks, and NULLs match NULLs as in any set operation.
 * Run it inside one snapshot (a REPEATABLE READ transaction) when the data may change.
 */
public final class BagComparison {

  /** How many differing rows a comparison reports in full. */
  public static final int SAMPLE_LIMIT = 20;

  /** Types whose values a sampled row shows unquoted, as PostgreSQL prints them (pgjdbc's type names). */
  private static final Set<String> UNQUOTED = Set.of("int2", "int4", "int8", "numeric", "float4", "float8", "oid",
      "bool");

  private BagComparison() {
  }

  /**
   * The result: row counts of both sides and the differing rows with their multiplicity.
   *
   * @param missing rows {@code expected} has more often than {@code actual} (sampled), as {@link #sample} prints them
   * @param extra   rows {@code actual} has more often than {@code expected} (sampled), as {@link #sample} prints them
   */
  public record Result(long expectedRows, long actualRows, long missingCount, long extraCount,
      List<List<String>> missing, List<List<String>> extra) {
    public Result {
      missing = List.copyOf(missing);
      extra = List.copyOf(extra);
    }

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
    long expectedRows = count(c, BagComparisonPrinter.count(expectedSql, "expected"));
    long actualRows = count(c, BagComparisonPrinter.count(actualSql, "actual"));
    String missing = BagComparisonPrinter.difference(expectedSql, "e", actualSql, "a");
    String extra = BagComparisonPrinter.difference(actualSql, "a", expectedSql, "e");
    long missingCount = count(c, BagComparisonPrinter.differenceCount(missing));
    long extraCount = count(c, BagComparisonPrinter.differenceCount(extra));
    return new Result(expectedRows, actualRows, missingCount, extraCount,
        missingCount == 0 ? List.of() : sample(c, missing), extraCount == 0 ? List.of() : sample(c, extra));
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * Up to {@link #SAMPLE_LIMIT} rows of {@code difference}, each value as PostgreSQL's text output of it (what
   * psql shows, under the session's settings: TimeZone, DateStyle, bytea_output …): {@code NULL} for NULL, a
   * number or a boolean as printed ({@code 1.50}, {@code t}), anything else in single quotes as an SQL literal
   * ({@code '2026-01-01 10:00:00+00'}, {@code '{1,2}'}, {@code '\x00ff'}, {@code 'it''s'}). The text comes from
   * the server, not from the driver's Java objects.
   */
  private static List<List<String>> sample(Connection c, String difference) throws SQLException {
    List<List<String>> rows = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(BagComparisonPrinter.sample(difference, SAMPLE_LIMIT))) {
      ResultSetMetaData md = rs.getMetaData();
      List<Boolean> unquoted = new ArrayList<>();
      for (int i = 2; i <= md.getColumnCount(); i++) {
        unquoted.add(UNQUOTED.contains(md.getColumnTypeName(i)));
      }
      while (rs.next()) {
        List<String> texts = RecordText.fields(rs.getString(1), unquoted.size());
        List<String> row = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
          row.add(literal(texts.get(i), unquoted.get(i)));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  /** A value for people: {@code NULL}, PostgreSQL's text, or that text quoted as an SQL literal. */
  static String literal(String text, boolean unquoted) {
    if (text == null) {
      return "NULL";
    }
    return unquoted ? text : "'" + text.replace("'", "''") + "'";
  }
}
