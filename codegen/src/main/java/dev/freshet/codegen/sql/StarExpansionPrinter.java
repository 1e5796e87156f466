package dev.freshet.codegen.sql;

import dev.freshet.planner.StarExpansion;
import dev.freshet.planner.sql.Quoting;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes the columns a defining query's stars stand for into its text, as PostgreSQL does when it
 * stores a view: {@code SELECT * FROM orders} is stored as {@code SELECT "id", "total" FROM orders}, and
 * {@code TABLE orders} as {@code SELECT "id", "total" FROM orders}. Everything else in the text is kept
 * as the user wrote it.
 */
public final class StarExpansionPrinter {

  private StarExpansionPrinter() {
  }

  /** {@code sql} with each of {@code stars} (positions in {@code sql}) replaced by its columns. */
  public static String expand(String sql, List<StarExpansion> stars) {
    List<StarExpansion> lastFirst = new ArrayList<>(stars);
    lastFirst.sort(Comparator.comparingInt((StarExpansion star) -> star.at().startOffset(sql)).reversed());
    StringBuilder text = new StringBuilder(sql);
    int before = sql.length();
    for (StarExpansion star : lastFirst) {
      int start = star.at().startOffset(sql);
      int end = star.at().endOffset(sql) + 1;
      if (!star.at().isKnown() || end > before || start >= end) {
        throw new IllegalArgumentException("star at " + star.at() + " is not in the query's text");
      }
      String columns = star.columns().stream()
          .map(StarExpansionPrinter::qualifiedColumn)
          .collect(Collectors.joining(", "));
      if (star.explicitTable()) { // TABLE name: the keyword, then white space, then the name at start
        int keyword = start;
        while (keyword > 0 && Character.isWhitespace(sql.charAt(keyword - 1))) {
          keyword--;
        }
        keyword -= "TABLE".length();
        if (keyword < 0 || keyword == start - "TABLE".length() // no white space after the keyword
            || !sql.substring(keyword, keyword + "TABLE".length()).equalsIgnoreCase("TABLE")
            || keyword > 0 && isNamePart(sql.charAt(keyword - 1))) {
          throw new IllegalArgumentException("no keyword TABLE before the name at " + star.at());
        }
        text.replace(keyword, start, "SELECT " + columns + " FROM ");
        before = keyword;
      } else {
        if (!sql.substring(start, end).endsWith("*")) {
          throw new IllegalArgumentException("star at " + star.at() + " is not in the query's text: "
              + sql.substring(start, end));
        }
        text.replace(start, end, columns);
        before = start;
      }
    }
    return text.toString();
  }

  private static boolean isNamePart(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c == '"';
  }

  private static String qualifiedColumn(StarExpansion.Column column) {
    List<String> parts = new ArrayList<>(column.qualifier());
    parts.add(column.name());
    return Quoting.qualified(parts);
  }
}
