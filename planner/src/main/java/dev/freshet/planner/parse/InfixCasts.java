package dev.freshet.planner.parse;

import dev.freshet.planner.SourcePosition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Brackets every PostgreSQL cast {@code x::type} as {@code (x::type)} before Calcite parses the query.
 *
 * <p>Why: in PostgreSQL {@code ::} binds tighter than any other operator, but the Babel parser applies
 * it to everything parsed so far in the expression: {@code i + 1::numeric / 2} becomes
 * {@code CAST(i + 1 AS numeric) / 2} (PostgreSQL: {@code i + (1::numeric / 2)}), a wrong result with
 * no error, and {@code NOT b::text = 'x'} becomes {@code (NOT b)::text = 'x'}. Inside brackets the
 * cast's left side is exactly the operand PostgreSQL casts.
 *
 * <p>The operand is the primary expression just left of {@code ::}: a literal, a column
 * ({@code a.b}), a function call ({@code f(x)}), a bracketed expression, {@code CASE … END}, a typed
 * literal ({@code date '…'}), with subscripts, or an earlier cast ({@code x::int::text}). The type
 * is a (qualified) name with the multi-word forms ({@code double precision},
 * {@code character varying}, {@code … with time zone}), a modifier {@code (p, s)} and array brackets.
 * When in doubt the rewrite brackets more, never less: too wide a bracket is a syntax error, too
 * narrow a one would cast the wrong operand. Strings, quoted identifiers and comments are skipped.
 *
 * <p>The brackets shift columns, so positions in parser and validator errors are mapped back to the
 * user's text with {@link Rewritten#original}.
 */
public final class InfixCasts {

  /** Words that may stand before a bracket without being a function name: they end the operand. */
  static final Set<String> NOT_FUNCTIONS = Set.of(
      "ALL", "AND", "ANY", "AS", "BETWEEN", "BY", "CASE", "DISTINCT", "ELSE", "EXCEPT", "EXISTS", "FROM",
      "HAVING", "IN", "INTERSECT", "IS", "JOIN", "LIKE", "ILIKE", "NOT", "ON", "OR", "SELECT", "SOME",
      "THEN", "UNION", "USING", "VALUES", "WHEN", "WHERE", "WITH", "LATERAL", "RETURNING", "SIMILAR",
      "ORDER", "GROUP", "PARTITION", "OVER", "FILTER", "WITHIN", "LIMIT", "OFFSET", "FETCH", "ESCAPE",
      "SYMMETRIC", "ASYMMETRIC");

  /** Type names that make a typed literal with the string after them ({@code date '2020-01-01'}). */
  private static final Set<String> TYPED_LITERALS = Set.of("DATE", "TIME", "TIMESTAMP", "INTERVAL");

  private InfixCasts() {
  }

  /** The bracketed text, and the way back to positions in the text the user wrote. */
  public record Rewritten(String original, String text, int[] origin) {

    /** {@code sql} left as it is: every position its own. */
    public static Rewritten unchanged(String sql) {
      int[] identity = new int[sql.length() + 1];
      for (int k = 0; k < identity.length; k++) {
        identity[k] = k;
      }
      return new Rewritten(sql, sql, identity);
    }

    /** {@code position}, a range in {@link #text}, as a range in {@link #original}. */
    public SourcePosition original(SourcePosition position) {
      if (!position.isKnown() || text.equals(original)) {
        return position;
      }
      int[] start = lineColumn(original, origin[Math.min(offset(text, position.line(), position.column()),
          origin.length - 1)]);
      int[] end = position.endLine() > 0
          ? lineColumn(original, origin[Math.min(offset(text, position.endLine(), position.endColumn()),
              origin.length - 1)])
          : new int[] {0, 0};
      return new SourcePosition(start[0], start[1], end[0], end[1]);
    }

    /** {@code message} with each "line L, column C" in it (Calcite's parser says where) mapped back. */
    public String originalPositions(String message) {
      if (text.equals(original)) {
        return message;
      }
      Matcher m = LINE_COLUMN.matcher(message);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        int line = Integer.parseInt(m.group(1));
        int column = Integer.parseInt(m.group(2));
        SourcePosition p = original(new SourcePosition(line, column, 0, 0));
        m.appendReplacement(out, "line " + p.line() + ", column " + p.column());
      }
      m.appendTail(out);
      return out.toString();
    }

    /**
     * This rewrite followed by {@code next}, a rewrite of {@link #text} (or of a text of the same length and
     * positions, such as {@link IntervalLiterals}' rewrite of it): {@code next}'s text, with positions mapped back
     * to this rewrite's {@link #original}.
     */
    public Rewritten then(Rewritten next) {
      if (next.text().equals(next.original()) && next.original().equals(text)) {
        return this;
      }
      int[] composed = new int[next.origin().length];
      for (int k = 0; k < composed.length; k++) {
        composed[k] = origin[Math.min(next.origin()[k], origin.length - 1)];
      }
      return new Rewritten(original, next.text(), composed);
    }

    private static int offset(String s, int line, int column) {
      return SourcePosition.offset(s, line, column);
    }

    private static int[] lineColumn(String s, int offset) {
      int line = 1;
      int lineStart = 0;
      for (int i = 0; i < offset && i < s.length(); i++) {
        if (s.charAt(i) == '\n') {
          line++;
          lineStart = i + 1;
        }
      }
      return new int[] {line, offset - lineStart + 1};
    }
  }

  private static final Pattern LINE_COLUMN = Pattern.compile("line (\\d+), column (\\d+)");

  enum Kind { WORD, QUOTED_NAME, STRING, NUMBER, CAST, OPEN, CLOSE, OPEN_SQUARE, CLOSE_SQUARE, DOT, OTHER }

  record Token(Kind kind, int start, int end, String word) {
    boolean isWord(String w) {
      return kind == Kind.WORD && word.equals(w);
    }
  }

  public static Rewritten rewrite(String sql) {
    List<Token> tokens = tokens(sql);
    // Operand start token and type end token of each cast; a bracket opens before the start and
    // closes after the end.
    Map<Integer, Integer> castStartByTypeEnd = new HashMap<>();
    int[] opens = new int[tokens.size() + 1];
    int[] closes = new int[tokens.size() + 1];
    boolean any = false;
    for (int i = 0; i < tokens.size(); i++) {
      if (tokens.get(i).kind() != Kind.CAST || i == 0 || i + 1 >= tokens.size()) {
        continue;
      }
      int start = operandStart(tokens, i - 1, castStartByTypeEnd);
      int end = typeEnd(tokens, i + 1);
      if (start < 0 || end < 0) {
        continue; // not a cast we understand: Calcite's parser will say what is wrong
      }
      opens[start]++;
      closes[end]++;
      castStartByTypeEnd.put(end, start);
      any = true;
    }
    if (!any) {
      return Rewritten.unchanged(sql);
    }
    StringBuilder out = new StringBuilder(sql.length() + 8);
    List<Integer> origin = new ArrayList<>(sql.length() + 8);
    int copied = 0;
    for (int t = 0; t < tokens.size(); t++) {
      Token token = tokens.get(t);
      copy(sql, copied, token.start(), out, origin);
      for (int k = 0; k < opens[t]; k++) {
        out.append('(');
        origin.add(token.start());
      }
      copy(sql, token.start(), token.end(), out, origin);
      for (int k = 0; k < closes[t]; k++) {
        out.append(')');
        origin.add(token.end() - 1);
      }
      copied = token.end();
    }
    copy(sql, copied, sql.length(), out, origin);
    origin.add(sql.length());
    return new Rewritten(sql, out.toString(), origin.stream().mapToInt(Integer::intValue).toArray());
  }

  private static void copy(String sql, int from, int to, StringBuilder out, List<Integer> origin) {
    for (int k = from; k < to; k++) {
      out.append(sql.charAt(k));
      origin.add(k);
    }
  }

  /** Index of the first token of the primary expression that ends at token {@code last}; -1 if none. */
  static int operandStart(List<Token> tokens, int last, Map<Integer, Integer> castStartByTypeEnd) {
    Integer earlierCast = castStartByTypeEnd.get(last);
    if (earlierCast != null) {
      return earlierCast; // x::int::text: the operand is x::int
    }
    Token token = tokens.get(last);
    int start;
    switch (token.kind()) {
      case CLOSE -> {
        start = matching(tokens, last, Kind.OPEN, Kind.CLOSE);
        if (start < 0) {
          return -1;
        }
        if (start > 0 && isFunctionName(tokens.get(start - 1))) {
          start = qualifiedNameStart(tokens, start - 1); // f(x), schema.f(x), CAST(x AS t)
        }
      }
      case CLOSE_SQUARE -> {
        int open = matching(tokens, last, Kind.OPEN_SQUARE, Kind.CLOSE_SQUARE);
        if (open <= 0) {
          return -1;
        }
        start = tokens.get(open - 1).isWord("ARRAY") ? open - 1 : operandStart(tokens, open - 1, castStartByTypeEnd);
      }
      case WORD -> {
        if (token.isWord("END")) {
          start = caseStart(tokens, last);
        } else if (NOT_FUNCTIONS.contains(token.word())) {
          return -1;
        } else {
          start = qualifiedNameStart(tokens, last);
        }
      }
      case QUOTED_NAME -> start = qualifiedNameStart(tokens, last);
      case STRING -> start = last > 0 && tokens.get(last - 1).kind() == Kind.WORD
          && TYPED_LITERALS.contains(tokens.get(last - 1).word()) ? last - 1 : last;
      case NUMBER -> start = last;
      default -> {
        return -1;
      }
    }
    return start;
  }

  private static boolean isFunctionName(Token token) {
    return token.kind() == Kind.QUOTED_NAME
        || token.kind() == Kind.WORD && !NOT_FUNCTIONS.contains(token.word());
  }

  /** Start of {@code a.b.c} ending at token {@code last} (a name). */
  private static int qualifiedNameStart(List<Token> tokens, int last) {
    int start = last;
    while (start >= 2 && tokens.get(start - 1).kind() == Kind.DOT
        && (tokens.get(start - 2).kind() == Kind.WORD || tokens.get(start - 2).kind() == Kind.QUOTED_NAME)) {
      start -= 2;
    }
    return start;
  }

  /** The CASE that the END at {@code end} closes; -1 if none. */
  private static int caseStart(List<Token> tokens, int end) {
    int depth = 0;
    for (int k = end; k >= 0; k--) {
      if (tokens.get(k).isWord("END")) {
        depth++;
      } else if (tokens.get(k).isWord("CASE") && --depth == 0) {
        return k;
      }
    }
    return -1;
  }

  /** The opening token matching the closing one at {@code close}; -1 if unbalanced. */
  static int matching(List<Token> tokens, int close, Kind open, Kind closing) {
    int depth = 0;
    for (int k = close; k >= 0; k--) {
      Kind kind = tokens.get(k).kind();
      if (kind == closing) {
        depth++;
      } else if (kind == open && --depth == 0) {
        return k;
      }
    }
    return -1;
  }

  /** Index of the last token of the type name starting at token {@code first}; -1 if not a type. */
  private static int typeEnd(List<Token> tokens, int first) {
    Token token = tokens.get(first);
    if (token.kind() != Kind.WORD && token.kind() != Kind.QUOTED_NAME) {
      return -1;
    }
    int end = first;
    while (end + 2 < tokens.size() && tokens.get(end + 1).kind() == Kind.DOT
        && (tokens.get(end + 2).kind() == Kind.WORD || tokens.get(end + 2).kind() == Kind.QUOTED_NAME)) {
      end += 2; // schema.type
    }
    if (token.isWord("DOUBLE") && next(tokens, end, "PRECISION")) {
      end++;
    } else if ((token.isWord("CHARACTER") || token.isWord("CHAR") || token.isWord("BIT")
        || token.isWord("NATIONAL")) && next(tokens, end, "VARYING")) {
      end++;
    }
    if (end + 1 < tokens.size() && tokens.get(end + 1).kind() == Kind.OPEN) {
      int depth = 0;
      for (int k = end + 1; k < tokens.size(); k++) {
        Kind kind = tokens.get(k).kind();
        if (kind == Kind.OPEN) {
          depth++;
        } else if (kind == Kind.CLOSE && --depth == 0) {
          end = k;
          break;
        }
      }
      if (depth != 0) {
        return -1;
      }
    }
    if ((next(tokens, end, "WITH") || next(tokens, end, "WITHOUT")) && end + 3 < tokens.size()
        && tokens.get(end + 2).isWord("TIME") && tokens.get(end + 3).isWord("ZONE")) {
      end += 3;
    }
    while (end + 2 < tokens.size() && tokens.get(end + 1).kind() == Kind.OPEN_SQUARE) {
      int k = end + 2;
      if (tokens.get(k).kind() == Kind.NUMBER) {
        k++;
      }
      if (tokens.get(k).kind() != Kind.CLOSE_SQUARE) {
        break;
      }
      end = k;
    }
    return end;
  }

  private static boolean next(List<Token> tokens, int index, String word) {
    return index + 1 < tokens.size() && tokens.get(index + 1).isWord(word);
  }

  /** The tokens of {@code sql}, without white space and comments. */
  static List<Token> tokens(String sql) {
    List<Token> tokens = new ArrayList<>();
    int n = sql.length();
    int i = 0;
    while (i < n) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int end = sql.indexOf('\n', i);
        i = end < 0 ? n : end;
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
      } else if (c == '\'') {
        int end = closingQuote(sql, i, false);
        tokens.add(new Token(Kind.STRING, i, end, null));
        i = end;
      } else if ((c == 'E' || c == 'e') && i + 1 < n && sql.charAt(i + 1) == '\'' && wordStart(sql, i)) {
        int end = closingQuote(sql, i + 1, true);
        tokens.add(new Token(Kind.STRING, i, end, null));
        i = end;
      } else if (c == '"') {
        int end = closingDoubleQuote(sql, i);
        tokens.add(new Token(Kind.QUOTED_NAME, i, end, null));
        i = end;
      } else if (c == '$' && i + 1 < n && (sql.charAt(i + 1) == '$' || Character.isLetter(sql.charAt(i + 1)))) {
        int tagEnd = sql.indexOf('$', i + 1);
        String tag = tagEnd < 0 ? null : sql.substring(i, tagEnd + 1);
        int close = tag == null || !tag.substring(1, tag.length() - 1).chars()
            .allMatch(ch -> Character.isLetterOrDigit(ch) || ch == '_') ? -1 : sql.indexOf(tag, tagEnd + 1);
        int end = close < 0 ? i + 1 : close + tag.length();
        tokens.add(new Token(close < 0 ? Kind.OTHER : Kind.STRING, i, end, null));
        i = end;
      } else if (Character.isDigit(c) || c == '.' && i + 1 < n && Character.isDigit(sql.charAt(i + 1))) {
        int end = i;
        while (end < n && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '.'
            || (sql.charAt(end) == '+' || sql.charAt(end) == '-')
                && (sql.charAt(end - 1) == 'e' || sql.charAt(end - 1) == 'E'))) {
          end++;
        }
        tokens.add(new Token(Kind.NUMBER, i, end, null));
        i = end;
      } else if (Character.isLetter(c) || c == '_') {
        int end = i;
        while (end < n && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_'
            || sql.charAt(end) == '$')) {
          end++;
        }
        tokens.add(new Token(Kind.WORD, i, end, sql.substring(i, end).toUpperCase(Locale.ROOT)));
        i = end;
      } else if (c == ':' && i + 1 < n && sql.charAt(i + 1) == ':') {
        tokens.add(new Token(Kind.CAST, i, i + 2, null));
        i += 2;
      } else {
        Kind kind = switch (c) {
          case '(' -> Kind.OPEN;
          case ')' -> Kind.CLOSE;
          case '[' -> Kind.OPEN_SQUARE;
          case ']' -> Kind.CLOSE_SQUARE;
          case '.' -> Kind.DOT;
          default -> Kind.OTHER;
        };
        tokens.add(new Token(kind, i, i + 1, null));
        i++;
      }
    }
    return tokens;
  }

  private static boolean wordStart(String sql, int i) {
    return i == 0 || !(Character.isLetterOrDigit(sql.charAt(i - 1)) || sql.charAt(i - 1) == '_');
  }

  /** Index just past the string literal opening at {@code start} ({@code ''} escapes; {@code \'} too in E''). */
  private static int closingQuote(String sql, int start, boolean backslashEscapes) {
    int i = start + 1;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (backslashEscapes && c == '\\') {
        i += 2;
        continue;
      }
      if (c == '\'') {
        if (i + 1 < sql.length() && sql.charAt(i + 1) == '\'') {
          i += 2;
          continue;
        }
        return i + 1;
      }
      i++;
    }
    return sql.length();
  }

  private static int closingDoubleQuote(String sql, int start) {
    int i = start + 1;
    while (i < sql.length()) {
      if (sql.charAt(i) == '"') {
        if (i + 1 < sql.length() && sql.charAt(i + 1) == '"') {
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
