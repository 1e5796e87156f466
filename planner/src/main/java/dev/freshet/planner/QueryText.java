package dev.freshet.planner;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The text of a defining query as users write it, tidied for embedding in other statements. */
public final class QueryText {

  /** The words a query can start with (after comments and opening parentheses). */
  private static final Set<String> QUERY_STARTS = Set.of("SELECT", "VALUES", "WITH", "TABLE");

  /** The statements a defining query can be, as messages list them: every one of {@link #QUERY_STARTS}. */
  public static final String QUERY_KINDS = "SELECT, VALUES, WITH or TABLE";

  /**
   * The words PostgreSQL's statements start with (its grammar's {@code stmt}, PostgreSQL 15 to 18: the keywords
   * of {@code pg_get_keywords()} that {@code WORD )} is refused after, not at). A text starting with another word
   * is no statement at all, and PostgreSQL says so in its words: {@code syntax error at or near "SELEC"}.
   */
  private static final Set<String> STATEMENT_STARTS = Set.of("ABORT", "ALTER", "ANALYSE", "ANALYZE", "BEGIN",
      "CALL", "CHECKPOINT", "CLOSE", "CLUSTER", "COMMENT", "COMMIT", "COPY", "CREATE", "DEALLOCATE", "DECLARE",
      "DELETE", "DISCARD", "DO", "DROP", "END", "EXECUTE", "EXPLAIN", "FETCH", "GRANT", "IMPORT", "INSERT", "LISTEN",
      "LOAD", "LOCK", "MERGE", "MOVE", "NOTIFY", "PREPARE", "REASSIGN", "REFRESH", "REINDEX", "RELEASE", "RESET",
      "REVOKE", "ROLLBACK", "SAVEPOINT", "SECURITY", "SELECT", "SET", "SHOW", "START", "TABLE", "TRUNCATE",
      "UNLISTEN", "UPDATE", "VACUUM", "VALUES", "WITH");

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

  /**
   * Refuses text that is not one query: empty, two statements ({@code SELECT 1; DROP TABLE t} would
   * run the second wherever Freshet embeds the query), or a statement that is not a query
   * ({@code DELETE FROM t}). Reads the text as PostgreSQL's lexer does: comments, string and
   * identifier quoting and dollar quoting hide semicolons and words. Text that starts as no statement does
   * ({@code SELEC 1}) passes, whatever follows: PostgreSQL refuses it at that word, and its words say what is
   * wrong (read its {@link #firstStatement} only).
   *
   * @throws InvalidQueryException saying what is wrong, positioned on it
   */
  public static void requireOneQuery(String sql) {
    String firstWord = null;
    int firstWordAt = -1;
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char ch = sql.charAt(i);
      if (Character.isWhitespace(ch) || (firstWord == null && ch == '(')) {
        i++;
      } else if (sql.startsWith("--", i)) {
        int eol = sql.indexOf('\n', i);
        i = eol < 0 ? n : eol + 1;
      } else if (sql.startsWith("/*", i)) {
        i = endOfBlockComment(sql, i);
      } else if (ch == ';' && firstWord == null) {
        i++;
      } else if (ch == ';' && firstWord != null) {
        int next = nextToken(sql, i + 1);
        if (next < n) {
          throw new InvalidQueryException("a defining query is one statement; found another after the ';'",
              sql, positionOf(sql, next), true, null);
        }
        return;
      } else {
        if (firstWord == null) {
          firstWordAt = i;
          int end = i;
          while (end < n && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_')) {
            end++;
          }
          firstWord = sql.substring(i, Math.max(end, i + 1)).toUpperCase(Locale.ROOT);
          if (!STATEMENT_STARTS.contains(firstWord)) {
            return; // a syntax error: PostgreSQL's, at this word
          }
          if (!QUERY_STARTS.contains(firstWord)) {
            throw new InvalidQueryException("a defining query must be " + QUERY_KINDS + " (a query), not "
                + firstWord, sql, positionOf(sql, firstWordAt), true, null);
          }
        }
        i = endOfToken(sql, i);
      }
    }
    if (firstWord == null) {
      throw new InvalidQueryException("the defining query is empty; give a " + QUERY_KINDS + " query",
          sql, SourcePosition.UNKNOWN, true, null);
    }
  }

  /**
   * The text up to its first semicolon that ends a statement (leading ones aside), found as PostgreSQL's lexer
   * finds it; all of it when there is none. What Freshet has PostgreSQL read: never a second statement, even of a
   * text {@link #requireOneQuery} leaves to PostgreSQL to refuse.
   */
  public static String firstStatement(String sql) {
    boolean started = false;
    for (int[] token : tokens(sql)) {
      boolean semicolon = sql.charAt(token[0]) == ';';
      if (semicolon && started) {
        return sql.substring(0, token[0]);
      }
      started |= !semicolon;
    }
    return sql;
  }

  /** Statements that write, as the first word of a WITH query's body ({@code WITH d AS (DELETE …)}). */
  private static final Set<String> WRITING = Set.of("INSERT", "UPDATE", "DELETE", "MERGE");

  /**
   * Where a WITH query that modifies data ({@code WITH d AS (DELETE FROM t RETURNING *) SELECT …}) starts
   * its statement: the offset of its INSERT, UPDATE, DELETE or MERGE, found as PostgreSQL's lexer reads
   * the text (quotes, dollar quotes and comments hide words); -1 when there is none. A word that follows
   * {@code AS (}, {@code AS MATERIALIZED (} or {@code AS NOT MATERIALIZED (}: only meaningful for a query
   * PostgreSQL refused, as a column definition list ({@code f() AS (delete int)}) reads alike.
   */
  public static int dataModifyingWith(String sql) {
    List<String> words = new ArrayList<>(); // the tokens so far, upper-cased
    for (int[] token : tokens(sql)) {
      String word = sql.substring(token[0], token[1]).toUpperCase(Locale.ROOT);
      int size = words.size();
      if (WRITING.contains(word) && size >= 2 && words.get(size - 1).equals("(")
          && (words.get(size - 2).equals("AS") || (words.get(size - 2).equals("MATERIALIZED") && size >= 3
              && (words.get(size - 3).equals("AS") || (words.get(size - 3).equals("NOT") && size >= 4
                  && words.get(size - 4).equals("AS")))))) {
        return token[0];
      }
      words.add(word);
    }
    return -1;
  }

  /** An identifier of the text: where it is, and the name it stands for (unquoted: folded to lower case). */
  public record Identifier(int start, int end, String name) {
  }

  /**
   * The identifiers of the text as PostgreSQL's lexer reads them: unquoted words (keywords among them)
   * folded to lower case, and quoted names with their doubled quotes undone; not those in strings and
   * comments, nor Unicode-escaped ones ({@code U&"…"}).
   */
  public static List<Identifier> identifiers(String sql) {
    List<Identifier> identifiers = new ArrayList<>();
    int previousEnd = -1;
    String previous = "";
    for (int[] token : tokens(sql)) {
      String text = sql.substring(token[0], token[1]);
      if (isWordStart(text.charAt(0))) {
        StringBuilder folded = new StringBuilder(text.length());
        text.chars().forEach(ch -> folded.append(ch >= 'A' && ch <= 'Z' ? (char) (ch + ('a' - 'A')) : (char) ch));
        identifiers.add(new Identifier(token[0], token[1], folded.toString()));
      } else if (text.length() >= 2 && text.charAt(0) == '"' && text.endsWith("\"")
          && !(previousEnd == token[0] && previous.equals("&"))) {
        identifiers.add(new Identifier(token[0], token[1], text.substring(1, text.length() - 1).replace("\"\"", "\"")));
      }
      previousEnd = token[1];
      previous = text;
    }
    return identifiers;
  }

  /**
   * A dollar-quoted string of the text ({@code $$it's$$}, {@code $tag$…$tag$}): its offsets, from its opening
   * {@code $} to just past its closing delimiter, and those of its body, between the delimiters.
   */
  public record DollarQuoted(int start, int end, int bodyStart, int bodyEnd) {
  }

  /**
   * The dollar-quoted strings of the text, found as PostgreSQL's lexer finds them: not in comments, quoted
   * strings or names, nor a {@code $} inside a word ({@code a$$b}) or a parameter ({@code $1}); one without its
   * closing delimiter is left out (PostgreSQL refuses the text).
   */
  public static List<DollarQuoted> dollarQuoted(String sql) {
    List<DollarQuoted> quoted = new ArrayList<>();
    for (int[] token : tokens(sql)) {
      if (sql.charAt(token[0]) != '$' || token[1] - token[0] < 2) {
        continue;
      }
      int delimiterLength = sql.indexOf('$', token[0] + 1) + 1 - token[0];
      if (token[1] - token[0] >= 2 * delimiterLength
          && sql.startsWith(sql.substring(token[0], token[0] + delimiterLength), token[1] - delimiterLength)) {
        quoted.add(new DollarQuoted(token[0], token[1], token[0] + delimiterLength, token[1] - delimiterLength));
      }
    }
    return quoted;
  }

  /** The quoted string constants of the text ({@code 'x'}, {@code E'x'}, {@code $$x$$}) as {start, end} offsets. */
  public static List<int[]> stringConstants(String sql) {
    return tokens(sql).stream().filter(t -> sql.charAt(t[0]) == '\'' || sql.charAt(t[0]) == '$' && t[1] > t[0] + 1)
        .toList();
  }

  /** The tokens of the text as {start, end} offsets: words, quoted strings and names, and single characters. */
  private static List<int[]> tokens(String sql) {
    List<int[]> tokens = new ArrayList<>();
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char ch = sql.charAt(i);
      if (Character.isWhitespace(ch)) {
        i++;
      } else if (sql.startsWith("--", i)) {
        int eol = sql.indexOf('\n', i);
        i = eol < 0 ? n : eol + 1;
      } else if (sql.startsWith("/*", i)) {
        i = endOfBlockComment(sql, i);
      } else {
        int end = isWordStart(ch) ? endOfWord(sql, i) : endOfToken(sql, i);
        tokens.add(new int[] {i, end});
        i = end;
      }
    }
    return tokens;
  }

  /** PostgreSQL's ident_start: a letter, an underscore or any non-ASCII character. */
  private static boolean isWordStart(char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' || ch >= 0x80;
  }

  /** The index after the unquoted word starting at {@code i} (PostgreSQL's ident_cont: also digits and $). */
  private static int endOfWord(String sql, int i) {
    int j = i + 1;
    while (j < sql.length() && (isWordStart(sql.charAt(j)) || Character.isDigit(sql.charAt(j)) || sql.charAt(j) == '$')) {
      j++;
    }
    return j;
  }

  /** The index after the token starting at {@code i} (a quoted string or identifier, or one character). */
  private static int endOfToken(String sql, int i) {
    char ch = sql.charAt(i);
    if (ch == '\'' || ch == '"') {
      boolean backslashes = ch == '\'' && i > 0 && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e')
          && (i < 2 || !Character.isLetterOrDigit(sql.charAt(i - 2)));
      int j = i + 1;
      while (j < sql.length()) {
        char c = sql.charAt(j);
        if (backslashes && c == '\\') {
          j += 2;
        } else if (c == ch) {
          if (j + 1 < sql.length() && sql.charAt(j + 1) == ch) {
            j += 2; // doubled quote
          } else {
            return j + 1;
          }
        } else {
          j++;
        }
      }
      return sql.length();
    }
    if (ch == '$') {
      int j = i + 1;
      while (j < sql.length() && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) {
        j++;
      }
      boolean tag = j < sql.length() && sql.charAt(j) == '$' && (j == i + 1 || !Character.isDigit(sql.charAt(i + 1)));
      if (tag && (i == 0 || !Character.isLetterOrDigit(sql.charAt(i - 1)))) {
        String delimiter = sql.substring(i, j + 1);
        int close = sql.indexOf(delimiter, j + 1);
        return close < 0 ? sql.length() : close + delimiter.length();
      }
    }
    return i + 1;
  }

  private static int endOfBlockComment(String sql, int i) {
    int depth = 0;
    int j = i;
    while (j < sql.length()) {
      if (sql.startsWith("/*", j)) {
        depth++;
        j += 2;
      } else if (sql.startsWith("*/", j)) {
        depth--;
        j += 2;
        if (depth == 0) {
          return j;
        }
      } else {
        j++;
      }
    }
    return sql.length();
  }

  /** The index of the next token at or after {@code i}: past whitespace, comments and semicolons. */
  private static int nextToken(String sql, int i) {
    int j = i;
    while (j < sql.length()) {
      if (Character.isWhitespace(sql.charAt(j)) || sql.charAt(j) == ';') {
        j++;
      } else if (sql.startsWith("--", j)) {
        int eol = sql.indexOf('\n', j);
        j = eol < 0 ? sql.length() : eol + 1;
      } else if (sql.startsWith("/*", j)) {
        j = endOfBlockComment(sql, j);
      } else {
        return j;
      }
    }
    return j;
  }

  /** The 1-based line and column of the 0-based character offset {@code offset} in {@code text}. */
  public static SourcePosition positionOf(String text, int offset) {
    int line = 1;
    int column = 1;
    for (int i = 0; i < Math.min(offset, text.length()); i++) {
      if (text.charAt(i) == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
    return new SourcePosition(line, column, line, column);
  }
}
