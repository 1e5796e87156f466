package dev.freshet.codegen.refresh;

/**
 * The queries that compare two queries' results as multisets (DESIGN.md §7), with symmetric
 * {@code EXCEPT ALL}: PostgreSQL's own equality decides, over the values' own types. The differing rows
 * are read back as PostgreSQL's text of each value, as psql shows them, for people to read; their
 * typed columns come along only to say each value's type.
 */
public final class BagComparisonPrinter {

  private BagComparisonPrinter() {
  }

  /** The number of rows of {@code sql}; {@code alias} names the derived table. */
  public static String count(String sql, String alias) {
    return "SELECT count(*) FROM " + parenthesized(sql) + " AS " + alias;
  }

  /** The rows of {@code rows} that {@code without} has fewer times, each as often as the difference. */
  public static String difference(String rows, String rowsAlias, String without, String withoutAlias) {
    return "SELECT * FROM " + parenthesized(rows) + " AS " + rowsAlias + " EXCEPT ALL SELECT * FROM "
        + parenthesized(without) + " AS " + withoutAlias;
  }

  /** The number of rows of {@code difference} (a {@link #difference} query). */
  public static String differenceCount(String difference) {
    return "SELECT count(*) FROM (" + difference + ") AS d";
  }

  /**
   * Up to {@code limit} rows of {@code difference}: the first column is the whole row's text (PostgreSQL's
   * record output, which writes each value with its type's output function under the session's settings,
   * NULL as nothing, and quotes a value only where needed), the columns after it are the row's own, typed.
   */
  public static String sample(String difference, int limit) {
    // (d.*) is the whole row even when a column is named d
    return "SELECT (d.*)::pg_catalog.text, d.* FROM (" + difference + ") AS d LIMIT " + limit;
  }

  /** A query, which may end in a semicolon and comments, in parentheses (where neither is allowed). */
  private static String parenthesized(String sql) {
    String s = sql.strip();
    while (s.endsWith(";")) {
      s = s.substring(0, s.length() - 1).strip();
    }
    return "(" + s + "\n)";
  }
}
