package dev.freshet.codegen.program;

import dev.freshet.planner.sql.QuotedText;
import dev.freshet.planner.sql.Quoting;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The names of a program's temporary tables in its session form ({@link SessionProgramPrinter}), and the one
 * rewrite of printed SQL that puts them in: every quoted name of a temporary table, where it names a table, spelt as
 * its session table. A session table's name is its table's name and a hash of what defines it (the stream table's
 * install, the step, the query filling it with the session names of the tables it reads), so that two tables of
 * other shapes never share a name, not even across an alter or a reinstall in one long-lived session.
 */
final class SessionTableNames {

  private SessionTableNames() {
  }

  /** The words after which a quoted name names a table in what codegen prints. */
  private static final Set<String> TABLE_POSITIONS = Set.of("from", "join", "using", "into", "table", "analyze");

  /** The longest prefix of a table's name kept in its session table's (bytes), the rest being the hash. */
  private static final int KEPT_BYTES = 40;

  /** {@code name}'s session table: its first {@value #KEPT_BYTES} bytes, a middle dot and 12 hex digits of {@code definition}'s hash. */
  static String sessionName(String name, String definition) {
    StringBuilder kept = new StringBuilder();
    int bytes = 0;
    for (int i = 0; i < name.length(); ) {
      int cp = name.codePointAt(i);
      int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      if (bytes + size > KEPT_BYTES) {
        break;
      }
      kept.appendCodePoint(cp);
      bytes += size;
      i += Character.charCount(cp);
    }
    return kept + "·" + md5(definition).substring(0, 12);
  }

  static String md5(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has MD5", e);
    }
  }

  /**
   * {@code sql} with each quoted name that is a key of {@code renames} spelt as its value, or empty when such a name
   * stands where it might not name a table (a column of a user's table called like a temporary table): the program
   * then has no session form. Names are found outside constants, comments and dollar quotes.
   */
  static Optional<String> rename(String sql, Map<String, String> renames) {
    StringBuilder out = new StringBuilder(sql.length() + 64);
    String previousWord = "";
    boolean afterTempSchema = false; // the last tokens were "pg_temp" and a dot
    boolean lastWasTempSchema = false;
    int i = 0;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (c == '\'') {
        int end = QuotedText.closing(sql, i, '\'');
        out.append(sql, i, end);
        i = end;
        previousWord = "'";
        afterTempSchema = lastWasTempSchema = false;
      } else if (c == '"') {
        int end = QuotedText.closing(sql, i, '"');
        String name = sql.substring(i + 1, end - 1).replace("\"\"", "\"");
        String renamed = renames.get(name);
        if (renamed != null) {
          if (!afterTempSchema && !TABLE_POSITIONS.contains(previousWord)) {
            return Optional.empty();
          }
          out.append(Quoting.identifier(renamed));
        } else {
          out.append(sql, i, end);
        }
        lastWasTempSchema = name.equals("pg_temp");
        afterTempSchema = false;
        previousWord = "\"";
        i = end;
      } else if (c == '/' && sql.startsWith("/*", i)) {
        int end = sql.indexOf("*/", i + 2);
        end = end < 0 ? sql.length() : end + 2;
        out.append(sql, i, end);
        i = end; // a comment is no token: what precedes it still does
      } else if (c == '-' && sql.startsWith("--", i)) {
        int end = sql.indexOf('\n', i);
        end = end < 0 ? sql.length() : end;
        out.append(sql, i, end);
        i = end;
      } else if (c == '$' && dollarTag(sql, i) != null) {
        String tag = dollarTag(sql, i);
        int end = sql.indexOf(tag, i + tag.length());
        end = end < 0 ? sql.length() : end + tag.length();
        out.append(sql, i, end);
        i = end;
        previousWord = "$";
        afterTempSchema = lastWasTempSchema = false;
      } else if (Character.isWhitespace(c)) {
        out.append(c);
        i++;
      } else if (c == '.') {
        out.append(c);
        i++;
        afterTempSchema = lastWasTempSchema;
        lastWasTempSchema = false;
        previousWord = ".";
      } else if (Character.isLetter(c) || c == '_') {
        int end = i;
        while (end < sql.length() && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_'
            || sql.charAt(end) == '$')) {
          end++;
        }
        previousWord = sql.substring(i, end).toLowerCase(Locale.ROOT);
        lastWasTempSchema = previousWord.equals("pg_temp");
        afterTempSchema = false;
        out.append(sql, i, end);
        i = end;
      } else {
        out.append(c);
        i++;
        previousWord = String.valueOf(c);
        afterTempSchema = lastWasTempSchema = false;
      }
    }
    return Optional.of(out.toString());
  }

  /** The dollar quote ({@code $$}, {@code $tag$}) opening at {@code i}, or null ({@code $1} is a parameter). */
  private static String dollarTag(String sql, int i) {
    if (i > 0 && (Character.isLetterOrDigit(sql.charAt(i - 1)) || sql.charAt(i - 1) == '_')) {
      return null;
    }
    int j = i + 1;
    while (j < sql.length() && (Character.isLetter(sql.charAt(j)) || sql.charAt(j) == '_'
        || (j > i + 1 && Character.isDigit(sql.charAt(j))))) {
      j++;
    }
    return j < sql.length() && sql.charAt(j) == '$' ? sql.substring(i, j + 1) : null;
  }
}
