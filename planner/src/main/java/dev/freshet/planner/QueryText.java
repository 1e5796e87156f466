package dev.freshet.planner;

/** The text of a defining query as users write it, tidied for embedding in other statements. */
public final class QueryText {

  private QueryText() {
  }

  /**
   * Removes trailing semicolons and whitespace ({@code SELECT 1;} as in a .sql file), keeping the
   * rest byte for byte so that source positions stay valid.
   */
  public static String withoutTerminator(String sql) {
    int end = sql.length();
    while (end > 0 && (Character.isWhitespace(sql.charAt(end - 1)) || sql.charAt(end - 1) == ';')) {
      end--;
    }
    return sql.substring(0, end);
  }
}
