package dev.freshet.planner.parse;

import dev.freshet.planner.InvalidQueryException;
import dev.freshet.planner.SourcePosition;
import dev.freshet.planner.parse.InfixCasts.Kind;
import dev.freshet.planner.parse.InfixCasts.Rewritten;
import dev.freshet.planner.parse.InfixCasts.Token;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes PostgreSQL's infix operators that Calcite's parser lacks ({@link InfixOperator}: json's {@code ->},
 * {@code ->>}, {@code #>}, {@code #>>}, {@code ?}; {@code @>}, {@code <@}, {@code &&}, {@code <<},
 * {@code >>}, {@code <<=}, {@code >>=}, {@code &<}, {@code &>}, {@code -|-} on jsonb, inet, arrays and
 * ranges) as calls Calcite's parser reads: {@code doc ->> 'a'} becomes {@code "->>"(doc, 'a')}, a call of
 * {@link InfixOperator#JSON_TEXT}, which prints back as the operator.
 *
 * <p>Runs on the text {@link InfixCasts} made, so every cast is already a bracketed operand. Each operand
 * is the primary expression beside the operator (a column, literal, function call, bracketed expression,
 * {@code CASE … END}, {@code ARRAY[…]}, or an earlier such operator, which makes chains left-associative).
 * In PostgreSQL these are all "other" operators: {@code * / + -}, unary signs, {@code COLLATE} and
 * {@code AT} bind tighter, comparisons, {@code LIKE}, {@code IS}, {@code NOT}, {@code AND}, {@code OR}
 * looser, and {@code ||} as tight, to the left. So the rewrite requires a looser word or symbol (or a
 * bracket, comma, the text's end) on each side of the operands, or {@code ||} and another such operator
 * right of it; any other neighbour (say {@code 'x' || doc ->> 'a'}, which PostgreSQL reads as
 * {@code ('x' || doc) ->> 'a'}, or {@code a || b && tags}) is a syntax error naming the operator: guessing
 * the operands wrong would change the query silently. The exception is {@code <<}, which Calcite's parser
 * reads as a shift with PostgreSQL's precedence: there the text is left to it, as it was before.
 */
public final class InfixOperators {

  /** Characters PostgreSQL makes operators of: a run of them is one operator. */
  private static final String OPERATOR_CHARS = "+-*/<>=~!@#%^&|`?";

  /** An operator holding one of these may end in {@code +} or {@code -}; others give those back. */
  private static final String OPERATOR_MARKS = "~!@#%^&|`?";

  /**
   * The one operator Calcite's parser has a token for: a shift ({@code n << 2 + 1}, which PostgreSQL reads as
   * {@code n << (2 + 1)}, as Calcite's precedence does) is left to it where the rewrite cannot tell the operands.
   */
  private static final String CALCITE_READS = "<<";

  private static final Set<String> COMPARISONS = Set.of("=", "<", ">", "<=", ">=", "<>", "!=");

  /** Words after which an expression starts that binds looser than these operators. */
  private static final Set<String> BEFORE = Set.of("SELECT", "DISTINCT", "ALL", "WHERE", "AND", "OR", "NOT",
      "ON", "CASE", "WHEN", "THEN", "ELSE", "BY", "HAVING", "LIKE", "ILIKE", "BETWEEN");

  /** Words that would extend the right operand (they bind tighter) or apply to it alone. */
  private static final Set<String> NOT_AFTER = Set.of("COLLATE", "AT", "OVER", "FILTER", "WITHIN", "UESCAPE");

  private InfixOperators() {
  }

  /** {@code text} with these operators as calls; positions still map to the user's text. */
  public static Rewritten rewrite(Rewritten text, String sql) {
    List<Token> tokens = operators(text.text(), InfixCasts.tokens(text.text()));
    Map<Integer, Integer> startByRightEnd = new HashMap<>();
    List<List<String>> calls = new ArrayList<>();
    int[] closes = new int[tokens.size()];
    boolean[] operator = new boolean[tokens.size()];
    boolean any = false;
    for (int i = 0; i < tokens.size(); i++) {
      calls.add(new ArrayList<>());
    }
    for (int i = 0; i < tokens.size(); i++) {
      Token token = tokens.get(i);
      if (token.kind() != Kind.OTHER || InfixOperator.of(token.word()) == null) {
        continue;
      }
      int start = i == 0 ? -1 : InfixCasts.operandStart(tokens, i - 1, startByRightEnd);
      int end = operandEnd(tokens, i + 1);
      if (start < 0 || end < 0 || !looserBefore(tokens, start - 1) || !looserAfter(tokens, end + 1)) {
        if (token.word().equals(CALCITE_READS)) {
          continue; // as before this rewrite: Calcite's parser reads it, as an integer shift
        }
        throw unclear(text, sql, token);
      }
      calls.get(start).add(0, InfixOperator.callName(token.word())); // a later operator encloses earlier ones
      closes[end]++;
      operator[i] = true;
      startByRightEnd.put(end, start);
      any = true;
    }
    if (!any) {
      return text;
    }
    String in = text.text();
    StringBuilder out = new StringBuilder(in.length() + 16);
    List<Integer> origin = new ArrayList<>(in.length() + 16);
    int copied = 0;
    for (int t = 0; t < tokens.size(); t++) {
      Token token = tokens.get(t);
      copy(in, copied, token.start(), out, origin);
      for (String call : calls.get(t)) {
        append(call + "(", token.start(), out, origin);
      }
      if (operator[t]) {
        append(",", token.start(), out, origin);
      } else {
        copy(in, token.start(), token.end(), out, origin);
      }
      for (int k = 0; k < closes[t]; k++) {
        append(")", token.end() - 1, out, origin);
      }
      copied = token.end();
    }
    copy(in, copied, in.length(), out, origin);
    origin.add(in.length());
    return text.then(new Rewritten(in, out.toString(), origin.stream().mapToInt(Integer::intValue).toArray()));
  }

  private static InvalidQueryException unclear(Rewritten text, String sql, Token token) {
    SourcePosition position = text.original(position(text.text(), token));
    return new InvalidQueryException("syntax error: cannot tell the operands of " + token.word()
        + " at line " + position.line() + ", column " + position.column()
        + " (Freshet reads it beside a column, literal, call or bracketed expression, with a looser operator,"
        + " bracket or comma around them); bracket its operands", sql, position, true, null);
  }

  private static SourcePosition position(String text, Token token) {
    int line = 1;
    int lineStart = 0;
    for (int k = 0; k < token.start(); k++) {
      if (text.charAt(k) == '\n') {
        line++;
        lineStart = k + 1;
      }
    }
    int column = token.start() - lineStart + 1;
    return new SourcePosition(line, column, line, column + token.end() - token.start() - 1);
  }

  /** Whether the token at {@code index} (or the text's start) binds looser than such an operator after it. */
  private static boolean looserBefore(List<Token> tokens, int index) {
    if (index < 0) {
      return true;
    }
    Token token = tokens.get(index);
    return switch (token.kind()) {
      case OPEN, OPEN_SQUARE -> true;
      case WORD -> BEFORE.contains(token.word());
      case OTHER -> token.word().equals(",") || COMPARISONS.contains(token.word());
      default -> false;
    };
  }

  /** Whether the token at {@code index} (or the text's end) leaves the operand before it whole. */
  private static boolean looserAfter(List<Token> tokens, int index) {
    if (index >= tokens.size()) {
      return true;
    }
    Token token = tokens.get(index);
    return switch (token.kind()) {
      case CLOSE, CLOSE_SQUARE, QUOTED_NAME -> true; // a quoted name here is a column alias
      case WORD -> !NOT_AFTER.contains(token.word()); // a looser keyword, or a column alias
      case OTHER -> token.word().equals(",") || token.word().equals(";") || token.word().equals("||")
          || COMPARISONS.contains(token.word()) || InfixOperator.of(token.word()) != null;
      default -> false;
    };
  }

  /** Index of the last token of the primary expression starting at token {@code first}; -1 if none. */
  static int operandEnd(List<Token> tokens, int first) {
    if (first >= tokens.size()) {
      return -1;
    }
    Token token = tokens.get(first);
    switch (token.kind()) {
      case STRING, NUMBER -> {
        return first;
      }
      case OPEN -> {
        return closing(tokens, first, Kind.OPEN, Kind.CLOSE);
      }
      case OTHER -> {
        // a signed number: the sign binds tighter than the operator
        boolean sign = token.word().equals("-") || token.word().equals("+");
        return sign && first + 1 < tokens.size() && tokens.get(first + 1).kind() == Kind.NUMBER ? first + 1 : -1;
      }
      case WORD, QUOTED_NAME -> {
        if (token.isWord("CASE")) {
          return caseEnd(tokens, first);
        }
        if (token.isWord("ARRAY")) {
          return first + 1 < tokens.size() && tokens.get(first + 1).kind() == Kind.OPEN_SQUARE
              ? closing(tokens, first + 1, Kind.OPEN_SQUARE, Kind.CLOSE_SQUARE) : -1;
        }
        if (token.kind() == Kind.WORD && InfixCasts.NOT_FUNCTIONS.contains(token.word())) {
          return -1;
        }
        int end = first;
        while (end + 2 < tokens.size() && tokens.get(end + 1).kind() == Kind.DOT
            && (tokens.get(end + 2).kind() == Kind.WORD || tokens.get(end + 2).kind() == Kind.QUOTED_NAME)) {
          end += 2; // t.col
        }
        if (end + 1 < tokens.size() && tokens.get(end + 1).kind() == Kind.OPEN) {
          return closing(tokens, end + 1, Kind.OPEN, Kind.CLOSE); // f(x)
        }
        return end;
      }
      default -> {
        return -1;
      }
    }
  }

  /** The closing token matching the opening one at {@code open}; -1 if unbalanced. */
  private static int closing(List<Token> tokens, int open, Kind opening, Kind close) {
    int depth = 0;
    for (int k = open; k < tokens.size(); k++) {
      Kind kind = tokens.get(k).kind();
      if (kind == opening) {
        depth++;
      } else if (kind == close && --depth == 0) {
        return k;
      }
    }
    return -1;
  }

  /** The END closing the CASE at {@code start}; -1 if none. */
  private static int caseEnd(List<Token> tokens, int start) {
    int depth = 0;
    for (int k = start; k < tokens.size(); k++) {
      if (tokens.get(k).isWord("CASE")) {
        depth++;
      } else if (tokens.get(k).isWord("END") && --depth == 0) {
        return k;
      }
    }
    return -1;
  }

  /**
   * {@code tokens} with each run of adjacent operator characters made one token, as PostgreSQL's lexer
   * splits it ({@code ->>-1} is {@code ->>}, {@code -}, {@code 1}); every other single character keeps its
   * text as its word.
   */
  private static List<Token> operators(String text, List<Token> tokens) {
    List<Token> out = new ArrayList<>(tokens.size());
    int i = 0;
    while (i < tokens.size()) {
      Token token = tokens.get(i);
      if (token.kind() != Kind.OTHER) {
        out.add(token);
        i++;
        continue;
      }
      if (OPERATOR_CHARS.indexOf(text.charAt(token.start())) < 0) {
        out.add(new Token(Kind.OTHER, token.start(), token.end(), text.substring(token.start(), token.end())));
        i++;
        continue;
      }
      int end = i + 1;
      while (end < tokens.size() && tokens.get(end).kind() == Kind.OTHER
          && tokens.get(end).start() == tokens.get(end - 1).end()
          && OPERATOR_CHARS.indexOf(text.charAt(tokens.get(end).start())) >= 0) {
        end++;
      }
      int from = token.start();
      int to = tokens.get(end - 1).end();
      while (from < to) {
        int length = to - from;
        String run = text.substring(from, to);
        if (run.chars().noneMatch(c -> OPERATOR_MARKS.indexOf(c) >= 0)) {
          while (length > 1 && (run.charAt(length - 1) == '+' || run.charAt(length - 1) == '-')) {
            length--;
          }
        }
        out.add(new Token(Kind.OTHER, from, from + length, run.substring(0, length)));
        from += length;
      }
      i = end;
    }
    return out;
  }

  private static void copy(String text, int from, int to, StringBuilder out, List<Integer> origin) {
    for (int k = from; k < to; k++) {
      out.append(text.charAt(k));
      origin.add(k);
    }
  }

  private static void append(String s, int at, StringBuilder out, List<Integer> origin) {
    out.append(s);
    for (int k = 0; k < s.length(); k++) {
      origin.add(at);
    }
  }
}
