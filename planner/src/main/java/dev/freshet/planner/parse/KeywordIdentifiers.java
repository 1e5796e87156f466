package dev.freshet.planner.parse;

import dev.freshet.planner.parse.InfixCasts.Kind;
import dev.freshet.planner.parse.InfixCasts.Rewritten;
import dev.freshet.planner.parse.InfixCasts.Token;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Double-quotes the names PostgreSQL reads unquoted but Calcite's parser takes for its keywords: a column
 * {@code by}, {@code values}, {@code date}, {@code rows}, {@code time}; a table {@code range}; an alias
 * {@code AS from}.
 * {@code SELECT by, t.from FROM t AS next} becomes {@code SELECT "by", t."from" FROM t AS "next"}, each name folded
 * to lower case as PostgreSQL folds an unquoted one. Where the word is a keyword of the query ({@code GROUP BY},
 * {@code OVER (…)}, {@code ROWS BETWEEN}, {@code date '2020-01-01'}, {@code x::date}) it is left as written.
 *
 * <p>Which words, and where (found by trying every PostgreSQL 15 keyword and every token of Calcite 1.42's Babel
 * parser in each place a name can stand, against both; KeywordIdentifiersTest tries them all again):
 * <ul>
 *   <li>{@link #NAMES}: PostgreSQL's unreserved and column-name keywords, and words that are no keyword of
 *     PostgreSQL's at all, which Calcite's parser refuses as a name or reads as something else ({@code unknown}
 *     the truth value, {@code final} and {@code running} of MATCH_RECOGNIZE, {@code current_path} a function).
 *     PostgreSQL takes them as a column, table, alias, WITH query or window name anywhere a name can stand (its
 *     {@code ColId}), so each is quoted unless it is a keyword where it stands ({@link #isKeyword}), the name of a
 *     function ({@code date(…)}) or of a type ({@code x::date}, {@code CAST(x AS date)}, {@code date '…'}).</li>
 *   <li>{@link #RESERVED}: PostgreSQL's reserved and type-or-function-name keywords, which it takes as a name
 *     only after a dot ({@code t.from}) and after {@code AS} ({@code SELECT a AS select}), where they are quoted
 *     all, and as an alias without {@code AS} ({@code SELECT a null}), where those of {@link #BARE_LABELS} are.</li>
 * </ul>
 * {@code system_user} is a name in PostgreSQL 15 and a function from 16 on: quoted where no function can stand
 * (a table, an alias, before or after a dot), left alone in an expression, where Calcite reads the function: a
 * refusal (FR004) if the server is a 15 and the query meant a column, which {@code "system_user"} names in all.
 *
 * <p>Strings, comments and quoted names are never touched (the tokens are {@link InfixCasts#tokens}'s). Each
 * quote added maps to the word it encloses, so positions in parser and validator errors still point into the
 * user's text; the rewritten text is only ever parsed, never stored or shown.
 */
public final class KeywordIdentifiers {

  /** Words PostgreSQL takes as a name wherever a name stands, and Calcite's parser does not. */
  static final Set<String> NAMES = Set.of(
      // PostgreSQL's unreserved keywords
      "BY", "CALL", "CURRENT", "CURSOR", "DELETE", "DROP", "EXPLAIN", "INSERT", "MERGE", "NEW", "NEXT", "OVER",
      "PARTITION", "RANGE", "RECURSIVE", "ROLLUP", "ROWS", "SET", "SKIP", "SNAPSHOT", "UNKNOWN", "UPDATE", "VOLATILE",
      // its column-name keywords
      "EXISTS", "GROUPING", "INTERVAL", "ROW", "TIME", "TIMESTAMP", "VALUES",
      // no keyword of PostgreSQL's
      "ASOF", "CURRENT_DEFAULT_TRANSFORM_GROUP", "CURRENT_PATH", "DATE", "DATE_PART", "DATEADD", "DATEDIFF",
      "DATEPART", "DATETIME", "DEFINE", "DESCRIBE", "FINAL", "JSON_SCOPE", "MATCH_CONDITION", "MATCH_RECOGNIZE",
      "MEASURE", "MINUS", "ORDINAL", "PATTERN", "QUALIFY", "RUNNING", "SAFE_CAST", "SAFE_OFFSET", "SAFE_ORDINAL",
      "STREAM", "TRY_CAST", "UNNEST", "UNSIGNED", "UUID", "VARIANT", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY",
      "FRIDAY", "SATURDAY", "SUNDAY",
      // ... and as a table's alias before its columns' (FROM t pivot(a, b))
      "EXTEND", "PIVOT", "UNPIVOT");

  /**
   * PostgreSQL's reserved and type-or-function-name keywords (and {@code SYSTEM_USER}, reserved since 16): names
   * only after a dot or {@code AS}; and a word of these just before a name is not the end of an operand.
   */
  static final Set<String> RESERVED = Set.of(
      "ALL", "ANALYSE", "ANALYZE", "AND", "ANY", "ARRAY", "AS", "ASC", "ASYMMETRIC", "BOTH", "CASE", "CAST", "CHECK",
      "COLLATE", "COLUMN", "CONSTRAINT", "CREATE", "CURRENT_CATALOG", "CURRENT_DATE", "CURRENT_ROLE", "CURRENT_TIME",
      "CURRENT_TIMESTAMP", "CURRENT_USER", "DEFAULT", "DEFERRABLE", "DESC", "DISTINCT", "DO", "ELSE", "END",
      "EXCEPT", "FALSE", "FETCH", "FOR", "FOREIGN", "FROM", "GRANT", "GROUP", "HAVING", "IN", "INITIALLY",
      "INTERSECT", "INTO", "LATERAL", "LEADING", "LIMIT", "LOCALTIME", "LOCALTIMESTAMP", "NOT", "NULL", "OFFSET",
      "ON", "ONLY", "OR", "ORDER", "PLACING", "PRIMARY", "REFERENCES", "RETURNING", "SELECT", "SESSION_USER",
      "SOME", "SYMMETRIC", "SYSTEM_USER", "TABLE", "THEN", "TO", "TRAILING", "TRUE", "UNION", "UNIQUE", "USER",
      "USING", "VARIADIC", "WHEN", "WHERE", "WINDOW", "WITH",
      "AUTHORIZATION", "BINARY", "COLLATION", "CONCURRENTLY", "CROSS", "CURRENT_SCHEMA", "FREEZE", "FULL", "ILIKE",
      "INNER", "IS", "ISNULL", "JOIN", "LEFT", "LIKE", "NATURAL", "NOTNULL", "OUTER", "OVERLAPS", "RIGHT",
      "SIMILAR", "TABLESAMPLE", "VERBOSE");

  /**
   * Words of {@link #RESERVED} that PostgreSQL takes as a select item's alias without {@code AS} and Calcite's
   * parser does not (or keeps in upper case: {@code current_date}).
   */
  static final Set<String> BARE_LABELS = Set.of(
      "ANY", "CASE", "DEFAULT", "DISTINCT", "IN", "LATERAL", "NULL", "SELECT", "SOME", "TABLE", "THEN", "USING",
      "WHEN", "CROSS", "FULL", "INNER", "JOIN", "LEFT", "NATURAL", "OUTER", "RIGHT", "TABLESAMPLE",
      "CURRENT_CATALOG", "CURRENT_DATE", "CURRENT_ROLE", "CURRENT_SCHEMA", "CURRENT_TIME", "CURRENT_TIMESTAMP",
      "CURRENT_USER", "LOCALTIME", "LOCALTIMESTAMP", "SESSION_USER", "USER", "SYSTEM_USER");

  /** Words of {@link #NAMES} that, where they are keywords, an operand or a name follows: {@code ORDER BY x}. */
  private static final Set<String> BEFORE_OPERAND = Set.of("BY", "CURRENT", "NEXT", "OVER", "PARTITION", "RECURSIVE",
      "SET", "SKIP");

  /** The units of a window's frame: {@code ROWS BETWEEN …}. */
  private static final Set<String> FRAME_UNITS = Set.of("ROWS", "RANGE", "GROUPS");

  /** What may follow a select item: where an alias without {@code AS} ends. */
  private static final Set<String> AFTER_SELECT_ITEM = Set.of("FROM", "INTO", "WHERE", "GROUP", "HAVING", "WINDOW",
      "ORDER", "LIMIT", "OFFSET", "FETCH", "FOR", "UNION", "INTERSECT", "EXCEPT");

  /** Types of PostgreSQL's that Calcite's parser knows by these names. */
  private static final Set<String> CALCITE_TYPES = Set.of("DATE", "TIME", "TIMESTAMP", "INTERVAL", "UUID");

  /** Calls whose {@code AS} is followed by a type: {@code CAST(x AS date)}. */
  private static final Set<String> TYPE_CALLS = Set.of("CAST", "TREAT", "XMLCAST", "XMLSERIALIZE");

  /** What a data-modifying WITH query runs, {@code AS (DELETE …)}: PostgreSQL refuses it in a defining query. */
  private static final Set<String> DATA_MODIFYING = Set.of("DELETE", "INSERT", "MERGE", "UPDATE");

  /** Words that end a join condition and start the next table: {@code … ON a = b JOIN u …}. */
  private static final Set<String> JOINS = Set.of("JOIN", "CROSS", "NATURAL", "INNER", "LEFT", "RIGHT", "FULL",
      "USING");

  private KeywordIdentifiers() {
  }

  /** What a bracket holds, as far as the words in it are concerned. */
  private enum Bracket { QUERY, WINDOW, TYPE_CALL, DATA_MODIFYING, OTHER }

  /** The clause of a query a word is in (at the query's own bracket depth). */
  private enum Clause { START, WITH, SELECT, FROM, JOIN_CONDITION, EXPRESSION, WINDOW, OFFSET, FETCH, LOCKING }

  /** A bracket open at a word, and for a query's, the clause reached so far. */
  private static final class Frame {
    final Bracket bracket;
    Clause clause = Clause.START;

    Frame(Bracket bracket) {
      this.bracket = bracket;
    }
  }

  /** The tokens of the text, and which of them are names to quote (decided left to right). */
  private record Scan(String sql, List<Token> tokens, boolean[] quoted) {

    Token at(int i) {
      return i >= 0 && i < tokens.size() ? tokens.get(i) : null;
    }

    boolean isWord(int i, String word) {
      Token t = at(i);
      return t != null && t.isWord(word) && !quoted[i];
    }

    boolean isWord(int i, Set<String> words) {
      Token t = at(i);
      return t != null && t.kind() == Kind.WORD && words.contains(t.word()) && !quoted[i];
    }

    boolean is(int i, Kind kind) {
      Token t = at(i);
      return t != null && t.kind() == kind;
    }

    boolean isSymbol(int i, char symbol) {
      Token t = at(i);
      return t != null && t.kind() == Kind.OTHER && t.end() == t.start() + 1 && sql.charAt(t.start()) == symbol;
    }

    /** Whether token {@code i} ends an operand: a name, a literal, a closing bracket. */
    boolean endsOperand(int i) {
      Token t = at(i);
      if (t == null) {
        return false;
      }
      return switch (t.kind()) {
        case QUOTED_NAME, CLOSE, CLOSE_SQUARE, NUMBER, STRING -> true;
        case WORD -> quoted[i] || !RESERVED.contains(t.word()) && !BEFORE_OPERAND.contains(t.word())
            // a column named between, unless it follows an operand or a frame's unit: x BETWEEN, ROWS BETWEEN
            && !(t.isWord("BETWEEN") && (endsOperand(i - 1) || isWord(i - 1, FRAME_UNITS)));
        default -> false;
      };
    }
  }

  /** {@code sql} with those names quoted; positions in the result map back to {@code sql}'s. */
  public static Rewritten rewrite(String sql) {
    List<Token> tokens = InfixCasts.tokens(sql);
    Scan scan = new Scan(sql, tokens, new boolean[tokens.size()]);
    boolean any = false;
    Deque<Frame> frames = new ArrayDeque<>();
    frames.push(new Frame(Bracket.QUERY));
    for (int i = 0; i < tokens.size(); i++) {
      Token token = tokens.get(i);
      Frame frame = frames.peek();
      switch (token.kind()) {
        case OPEN -> frames.push(new Frame(bracketAt(scan, i, frame)));
        case OPEN_SQUARE -> frames.push(new Frame(Bracket.OTHER));
        case CLOSE, CLOSE_SQUARE -> {
          if (frames.size() > 1) {
            frames.pop();
          }
        }
        case WORD -> {
          scan.quoted()[i] = frame.bracket != Bracket.DATA_MODIFYING && isName(scan, i, frame);
          any |= scan.quoted()[i];
          if (frame.bracket == Bracket.QUERY && !scan.quoted()[i]) {
            frame.clause = clauseAfter(scan, i, frame.clause);
          }
        }
        case OTHER -> {
          if (frame.bracket == Bracket.QUERY && frame.clause == Clause.JOIN_CONDITION && scan.isSymbol(i, ',')) {
            frame.clause = Clause.FROM;
          }
        }
        default -> {
        }
      }
    }
    if (!any) {
      return Rewritten.unchanged(sql);
    }
    StringBuilder out = new StringBuilder(sql.length() + 8);
    List<Integer> origin = new ArrayList<>(sql.length() + 8);
    int copied = 0;
    for (int t = 0; t < tokens.size(); t++) {
      if (!scan.quoted()[t]) {
        continue;
      }
      Token token = tokens.get(t);
      copy(sql, copied, token.start(), out, origin);
      out.append('"');
      origin.add(token.start());
      for (int k = token.start(); k < token.end(); k++) {
        // PostgreSQL folds an unquoted name to lower case (these words are ASCII)
        out.append(Character.toLowerCase(sql.charAt(k)));
        origin.add(k);
      }
      out.append('"');
      origin.add(token.end() - 1);
      copied = token.end();
    }
    copy(sql, copied, sql.length(), out, origin);
    origin.add(sql.length());
    return new Rewritten(sql, out.toString(), origin.stream().mapToInt(Integer::intValue).toArray());
  }

  /** What the bracket opening at token {@code i} holds. */
  private static Bracket bracketAt(Scan scan, int i, Frame frame) {
    if (scan.isWord(i + 1, "SELECT") || scan.isWord(i + 1, "WITH") || scan.isWord(i + 1, "TABLE")
        || scan.isWord(i + 1, "VALUES") && scan.is(i + 2, Kind.OPEN)) {
      return Bracket.QUERY;
    }
    if (scan.isWord(i - 1, "OVER") && scan.is(i - 2, Kind.CLOSE)
        || scan.isWord(i - 1, "AS") && frame.bracket == Bracket.QUERY && frame.clause == Clause.WINDOW) {
      return Bracket.WINDOW; // f(x) OVER (…), WINDOW w AS (…)
    }
    if (scan.isWord(i - 1, TYPE_CALLS)) {
      return Bracket.TYPE_CALL;
    }
    if (scan.isWord(i + 1, DATA_MODIFYING) && (scan.isWord(i - 1, "AS") || scan.isWord(i - 1, "MATERIALIZED"))) {
      return Bracket.DATA_MODIFYING;
    }
    return Bracket.OTHER;
  }

  /** Whether the word at {@code i} is a name PostgreSQL reads and Calcite's parser would not. */
  private static boolean isName(Scan scan, int i, Frame frame) {
    String word = scan.at(i).word();
    boolean name = NAMES.contains(word);
    if (!name && !RESERVED.contains(word) || i == 0) {
      return false;
    }
    if (isType(scan, i, frame)) {
      // a type named by such a word (an enum pattern: 'a'::pattern), not one Calcite has (x::date, x::time(3))
      return name && !CALCITE_TYPES.contains(word) && !scan.is(i - 1, Kind.DOT) && !scan.is(i + 1, Kind.OPEN);
    }
    if (scan.is(i - 1, Kind.DOT)) {
      return !scan.is(i + 1, Kind.OPEN); // t.from, but not schema.function(…)
    }
    if (scan.isWord(i - 1, "AS")) {
      return !(word.equals("NOT") && scan.isWord(i + 1, "MATERIALIZED")); // but WITH w AS NOT MATERIALIZED (…)
    }
    if (!name) {
      return BARE_LABELS.contains(word) && isBareLabel(scan, i, frame)
          || word.equals("SYSTEM_USER") && (scan.is(i + 1, Kind.DOT) || isTable(scan, i, frame));
    }
    if (scan.is(i + 1, Kind.DOT) || isCteName(scan, i, frame) || isTableAlias(scan, i, frame)) {
      return true;
    }
    if (isKeyword(scan, i, frame)) {
      return false;
    }
    // a function's name, or a keyword that a bracket follows (ROW(…), EXISTS (…), VALUES (…), GROUPING(…)); a
    // typed literal (date '2020-01-01', interval '1 day')
    return !scan.is(i + 1, Kind.OPEN) && !scan.is(i + 1, Kind.STRING);
  }

  /** A type's name: after {@code ::}, after {@code AS} in {@code CAST(…)}, after {@code RETURNING} in a call. */
  private static boolean isType(Scan scan, int i, Frame frame) {
    return scan.is(i - 1, Kind.CAST)
        || scan.isWord(i - 1, "AS") && frame.bracket == Bracket.TYPE_CALL
        || scan.isWord(i - 1, "RETURNING") && frame.bracket != Bracket.QUERY
        || scan.is(i - 1, Kind.DOT) && (scan.is(i - 2, Kind.WORD) || scan.is(i - 2, Kind.QUOTED_NAME))
            && isType(scan, i - 2, frame); // ::pg_catalog.date
  }

  /** An alias of a select item without {@code AS}: {@code SELECT a null, b FROM t}. */
  private static boolean isBareLabel(Scan scan, int i, Frame frame) {
    return frame.bracket == Bracket.QUERY && frame.clause == Clause.SELECT && scan.endsOperand(i - 1)
        && (scan.at(i + 1) == null || scan.isSymbol(i + 1, ',') || scan.is(i + 1, Kind.CLOSE)
            || scan.isWord(i + 1, AFTER_SELECT_ITEM));
  }

  /** A WITH query's name: {@code WITH by AS (…)}, {@code WITH RECURSIVE rows(n) AS (…)}, {@code , x AS (…)}. */
  private static boolean isCteName(Scan scan, int i, Frame frame) {
    return frame.bracket == Bracket.QUERY && frame.clause == Clause.WITH
        && (scan.isWord(i - 1, "WITH") || scan.isWord(i - 1, "RECURSIVE") || scan.isSymbol(i - 1, ','))
        && (scan.isWord(i + 1, "AS") || scan.is(i + 1, Kind.OPEN));
  }

  /** A table, a WITH query's name or a table's alias, where a function's name is followed by a bracket. */
  private static boolean isTable(Scan scan, int i, Frame frame) {
    boolean from = frame.bracket == Bracket.QUERY && frame.clause == Clause.FROM;
    return !scan.is(i + 1, Kind.OPEN) && from && (scan.isWord(i - 1, "FROM") || scan.isWord(i - 1, JOINS)
            || scan.isWord(i - 1, "ONLY") || scan.isSymbol(i - 1, ','))
        || isCteName(scan, i, frame) || isTableAlias(scan, i, frame);
  }

  /** A table's alias without {@code AS}: {@code FROM t by}, {@code FROM (SELECT …) rows(a, b)}. */
  private static boolean isTableAlias(Scan scan, int i, Frame frame) {
    return frame.bracket == Bracket.QUERY && frame.clause == Clause.FROM && scan.endsOperand(i - 1);
  }

  /**
   * Whether the word at {@code i} (of {@link #NAMES}) is a keyword where it stands, in PostgreSQL's grammar of a
   * query. A word before {@code (} or a string is dealt with by the caller.
   */
  private static boolean isKeyword(Scan scan, int i, Frame frame) {
    boolean window = frame.bracket == Bracket.WINDOW;
    boolean rowCount = frame.bracket == Bracket.QUERY
        && (frame.clause == Clause.OFFSET || frame.clause == Clause.FETCH);
    return switch (scan.at(i).word()) {
      // GROUP BY, ORDER BY, PARTITION BY, SEARCH DEPTH FIRST BY
      case "BY" -> scan.isWord(i - 1, "GROUP") || scan.isWord(i - 1, "ORDER")
          || window && scan.isWord(i - 1, "PARTITION")
          || scan.isWord(i - 1, "FIRST") && (scan.isWord(i - 2, "DEPTH") || scan.isWord(i - 2, "BREADTH"));
      case "PARTITION" -> window && scan.isWord(i + 1, "BY");
      // f(x) OVER w, f(x) FILTER (WHERE …) OVER (…)
      case "OVER" -> scan.is(i - 1, Kind.CLOSE);
      // a frame (OVER (ORDER BY x ROWS …), OVER (RANGE …)); OFFSET 5 ROWS, FETCH FIRST 5 ROWS ONLY;
      // FROM ROWS FROM (…)
      case "ROWS", "RANGE" -> window && (scan.is(i - 1, Kind.OPEN) || scan.endsOperand(i - 1)
              || scan.isWord(i - 1, "ASC") || scan.isWord(i - 1, "DESC"))
          || rowCount && !scan.isWord(i - 1, "OFFSET")
          || scan.isWord(i + 1, "FROM") && frame.bracket == Bracket.QUERY && frame.clause == Clause.FROM;
      // CURRENT ROW in a frame; FETCH FIRST ROW ONLY, OFFSET 1 ROW
      case "ROW" -> window && scan.isWord(i - 1, "CURRENT")
          || rowCount && !scan.isWord(i - 1, "OFFSET") && !scan.isWord(i - 1, "FETCH");
      case "CURRENT" -> window && scan.isWord(i + 1, "ROW");
      case "NEXT" -> scan.isWord(i - 1, "FETCH");
      // WITH … SEARCH … BY x SET s, CYCLE x SET c
      case "SET" -> frame.bracket == Bracket.QUERY && frame.clause == Clause.WITH && !scan.isWord(i - 1, "SET");
      case "RECURSIVE" -> scan.isWord(i - 1, "WITH");
      // x IS UNKNOWN, x IS NOT UNKNOWN
      case "UNKNOWN" -> scan.isWord(i - 1, "IS") || scan.isWord(i - 1, "NOT") && scan.isWord(i - 2, "IS");
      case "GROUPING" -> scan.isWord(i + 1, "SETS");
      // x AT TIME ZONE z, timestamp WITH TIME ZONE, time with time zone '…'
      case "TIME", "TIMESTAMP" -> scan.isWord(i + 1, "ZONE")
              && (scan.isWord(i - 1, "AT") || scan.isWord(i - 1, "WITH") || scan.isWord(i - 1, "WITHOUT"))
          || (scan.isWord(i + 1, "WITH") || scan.isWord(i + 1, "WITHOUT")) && scan.isWord(i + 2, "TIME")
              && scan.isWord(i + 3, "ZONE");
      // FOR UPDATE, FOR NO KEY UPDATE … SKIP LOCKED
      case "UPDATE" -> scan.isWord(i - 1, "FOR") || scan.isWord(i - 1, "KEY") && scan.isWord(i - 2, "NO");
      case "SKIP" -> scan.isWord(i + 1, "LOCKED");
      default -> false;
    };
  }

  /** The clause a query is in after its (unquoted) word at {@code i}. */
  private static Clause clauseAfter(Scan scan, int i, Clause clause) {
    boolean inFrom = clause == Clause.FROM || clause == Clause.JOIN_CONDITION;
    String word = scan.at(i).word();
    if (JOINS.contains(word)) {
      // the next table (not left(s, 1) in a join condition)
      return inFrom && (!scan.is(i + 1, Kind.OPEN) || word.equals("USING")) ? Clause.FROM : clause;
    }
    return switch (word) {
      case "SELECT" -> Clause.SELECT;
      case "FROM" -> scan.isWord(i - 1, "DISTINCT") ? clause : Clause.FROM; // IS DISTINCT FROM
      case "ON" -> inFrom ? Clause.JOIN_CONDITION : clause; // not DISTINCT ON
      case "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT" -> Clause.EXPRESSION;
      case "WINDOW" -> Clause.WINDOW;
      case "OFFSET" -> Clause.OFFSET;
      case "FETCH" -> Clause.FETCH;
      case "FOR" -> Clause.LOCKING;
      case "UNION", "INTERSECT", "EXCEPT" -> Clause.START;
      case "WITH" -> clause == Clause.START ? Clause.WITH : clause; // not WITH ORDINALITY, WITH TIES
      case "VALUES", "TABLE" -> clause == Clause.START ? Clause.EXPRESSION : clause;
      default -> clause;
    };
  }

  private static void copy(String sql, int from, int to, StringBuilder out, List<Integer> origin) {
    for (int k = from; k < to; k++) {
      out.append(sql.charAt(k));
      origin.add(k);
    }
  }
}
