package dev.freshet.planner.sql;

/** Where a quoted piece of SQL text ends: a constant ({@code '…'}) or a quoted name ({@code "…"}). */
public final class QuotedText {

  private QuotedText() {
  }

  /**
   * The index just past the quote that closes the one at {@code start} (a doubled quote stays inside, as PostgreSQL
   * reads {@code 'it''s'} and {@code "a ""b"""}); the text's length when nothing closes it.
   */
  public static int closing(String sql, int start, char quote) {
    int i = start + 1;
    while (i < sql.length()) {
      if (sql.charAt(i) == quote) {
        if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
          i += 2;
          continue;
        }
        return i + 1;
      }
      i++;
    }
    return sql.length();
  }
}
