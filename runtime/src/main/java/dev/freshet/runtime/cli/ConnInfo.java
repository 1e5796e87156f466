package dev.freshet.runtime.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A libpq connection string, {@code host=localhost port=5432 dbname='my shop' user=me}, read as libpq reads one
 * (conninfo_parse in fe-connect.c): {@code keyword = value} pairs separated by whitespace, spaces allowed around
 * the {@code =}; a value in single quotes may hold spaces; a backslash takes the next character as it is, in a
 * quoted value or not ({@code 'it\'s'}, {@code a\ b}). A keyword given twice keeps its last value.
 */
final class ConnInfo {

  /** The keywords Freshet takes: libpq's, those the JDBC driver can be given. */
  static final List<String> KEYWORDS = List.of("host", "hostaddr", "port", "dbname", "user", "password", "sslmode",
      "options", "application_name", "connect_timeout", "passfile");

  private ConnInfo() {
  }

  /** Whether {@code text} is a connection string rather than a URL: libpq's test, an {@code =} in it. */
  static boolean looksLikeOne(String text) {
    return text.indexOf('=') >= 0;
  }

  /**
   * The keywords and values of {@code text}, in the order given.
   *
   * @throws UserException (a usage error) in libpq's words where libpq has them: a keyword without {@code =}, an
   *     unterminated quoted value, a keyword Freshet does not take (named, with those it takes)
   */
  static Map<String, String> parse(String text) {
    Map<String, String> values = new LinkedHashMap<>();
    int i = 0;
    int n = text.length();
    while (true) {
      while (i < n && Character.isWhitespace(text.charAt(i))) {
        i++;
      }
      if (i >= n) {
        return values;
      }
      int start = i;
      while (i < n && text.charAt(i) != '=' && !Character.isWhitespace(text.charAt(i))) {
        i++;
      }
      String keyword = text.substring(start, i);
      while (i < n && Character.isWhitespace(text.charAt(i))) {
        i++;
      }
      if (i >= n || text.charAt(i) != '=') {
        throw new UserException(ExitCode.USAGE, "missing \"=\" after \"" + keyword + "\" in connection info string");
      }
      i++;
      while (i < n && Character.isWhitespace(text.charAt(i))) {
        i++;
      }
      StringBuilder value = new StringBuilder();
      if (i < n && text.charAt(i) == '\'') {
        i++;
        while (true) {
          if (i >= n) {
            throw new UserException(ExitCode.USAGE, "unterminated quoted string in connection info string");
          }
          char ch = text.charAt(i++);
          if (ch == '\\') {
            if (i < n) {
              value.append(text.charAt(i++));
            }
          } else if (ch == '\'') {
            break;
          } else {
            value.append(ch);
          }
        }
      } else {
        while (i < n && !Character.isWhitespace(text.charAt(i))) {
          char ch = text.charAt(i++);
          if (ch == '\\') {
            if (i < n) {
              value.append(text.charAt(i++));
            }
          } else {
            value.append(ch);
          }
        }
      }
      if (!KEYWORDS.contains(keyword)) {
        throw new UserException(ExitCode.USAGE, "invalid connection option \"" + keyword + "\": Freshet takes "
            + String.join(", ", KEYWORDS.subList(0, KEYWORDS.size() - 1)) + " and " + KEYWORDS.get(KEYWORDS.size() - 1)
            + " (a JDBC URL, jdbc:postgresql://HOST/DB?KEY=VALUE, takes the driver's other settings)");
      }
      values.put(keyword, value.toString());
    }
  }
}
