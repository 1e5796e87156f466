package dev.freshet.planner.parse;

import dev.freshet.planner.sql.QuotedText;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites PostgreSQL's single-unit interval literals ({@code interval '3 months'}) into the standard
 * form Calcite parses ({@code interval '3' month}), keeping every character's column: the rewrite is
 * padded to the original length, so error positions still point into the user's text.
 * Strings, quoted identifiers and comments are skipped; multi-unit literals are left for the parser
 * to reject with its position.
 */
public final class IntervalLiterals {

  private static final Pattern SIMPLE = Pattern.compile(
      "(?i)'\\s*([+-]?\\d+)\\s+(year|month|week|day|hour|minute|second)s?\\s*'");

  private static final Map<String, String> UNIT = Map.of(
      "year", "YEAR", "month", "MONTH", "week", "DAY", "day", "DAY",
      "hour", "HOUR", "minute", "MINUTE", "second", "SECOND");

  private IntervalLiterals() {
  }

  public static String rewrite(String sql) {
    StringBuilder out = new StringBuilder(sql.length());
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int end = sql.indexOf('\n', i);
        end = end < 0 ? n : end;
        out.append(sql, i, end);
        i = end;
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        end = end < 0 ? n : end + 2;
        out.append(sql, i, end);
        i = end;
      } else if (c == '"' || c == '\'') {
        int end = QuotedText.closing(sql, i, c);
        out.append(sql, i, end);
        i = end;
      } else if (isWordStart(sql, i) && sql.regionMatches(true, i, "interval", 0, 8)
          && (i + 8 >= n || !Character.isLetterOrDigit(sql.charAt(i + 8)) && sql.charAt(i + 8) != '_')) {
        int j = i + 8;
        while (j < n && Character.isWhitespace(sql.charAt(j))) {
          j++;
        }
        out.append(sql, i, j);
        i = j;
        if (j < n && sql.charAt(j) == '\'') {
          int end = QuotedText.closing(sql, j, '\'');
          String literal = sql.substring(j, end);
          Matcher m = SIMPLE.matcher(literal);
          if (m.matches()) {
            String unit = m.group(2).toLowerCase(Locale.ROOT);
            long amount = Long.parseLong(m.group(1));
            if (unit.equals("week")) {
              amount *= 7;
            }
            String replacement = "'" + amount + "' " + UNIT.get(unit);
            if (replacement.length() <= literal.length()) {
              out.append(replacement).append(" ".repeat(literal.length() - replacement.length()));
              i = end;
              continue;
            }
          }
          out.append(literal);
          i = end;
        }
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static boolean isWordStart(String sql, int i) {
    return i == 0 || !(Character.isLetterOrDigit(sql.charAt(i - 1)) || sql.charAt(i - 1) == '_');
  }
}
