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
 * Writes PostgreSQL's {@code ts AT TIME ZONE zone}, which Calcite's parser lacks, as a call it reads:
 * {@code "AT TIME ZONE"(ts, zone)}, a call of {@link AtTimeZone#INFIX}, which prints back as the operator.
 *
 * <p>Runs on the text {@link InfixCasts} made, so every cast is already a bracketed operand, and before
 * {@link InfixOperators}, whose operators bind looser. In PostgreSQL {@code AT} binds tighter than every
 * binary operator ({@code ^ * / + - ||}, json's, comparisons) and looser than {@code ::}, {@code [ ]},
 * unary signs and {@code COLLATE}, to the left ({@code ts AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Tokyo'}
 * converts twice). So each operand is the primary expression beside it (a column, literal, typed literal,
 * function call, bracketed expression, {@code CASE … END}, or an earlier {@code AT TIME ZONE} on the left), and
 * a neighbour that binds tighter (a unary sign or {@code COLLATE} left of it, a subscript, field or
 * {@code COLLATE} right of it) is a syntax error naming the operator: guessing the operands wrong would change
 * the query silently.
 */
public final class AtTimeZones {

  /** Words that bind tighter than {@code AT} beside an operand: it is not the whole operand. */
  private static final Set<String> TIGHTER_WORDS = Set.of("COLLATE", "ZONE", "TIME", "TIMESTAMP", "DATE",
      "INTERVAL");

  /** Types that make a typed literal with the string after them ({@code timestamp '2024-01-01'}). */
  private static final Set<String> TYPED_LITERALS = Set.of("DATE", "TIME", "TIMESTAMP", "INTERVAL");

  /** An interval literal's fields. */
  private static final Set<String> UNITS = Set.of("YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND");

  private AtTimeZones() {
  }

  /** {@code text} with each {@code AT TIME ZONE} as a call; positions still map to the user's text. */
  public static Rewritten rewrite(Rewritten text, String sql) {
    List<Token> tokens = InfixCasts.tokens(text.text());
    Map<Integer, Integer> startByRightEnd = new HashMap<>();
    List<List<String>> calls = new ArrayList<>();
    int[] closes = new int[tokens.size()];
    boolean[] separator = new boolean[tokens.size()]; // AT: a comma; TIME ZONE: dropped
    boolean[] dropped = new boolean[tokens.size()];
    boolean any = false;
    for (int i = 0; i < tokens.size(); i++) {
      calls.add(new ArrayList<>());
    }
    for (int i = 0; i + 2 < tokens.size(); i++) {
      if (!tokens.get(i).isWord("AT") || !tokens.get(i + 1).isWord("TIME") || !tokens.get(i + 2).isWord("ZONE")) {
        continue;
      }
      int start = i == 0 ? -1 : InfixCasts.operandStart(tokens, i - 1, startByRightEnd);
      int end = operandEnd(tokens, i + 3);
      if (start < 0 || end < 0 || !looserBefore(text.text(), tokens, start - 1) || !looserAfter(tokens, end + 1)) {
        throw unclear(text, sql, tokens.get(i), tokens.get(i + 2));
      }
      calls.get(start).add(0, AtTimeZone.callName()); // a later one encloses earlier ones
      closes[end]++;
      separator[i] = true;
      dropped[i + 1] = true;
      dropped[i + 2] = true;
      startByRightEnd.put(end, start);
      any = true;
    }
    if (!any) {
      return text;
    }
    String in = text.text();
    StringBuilder out = new StringBuilder(in.length() + 32);
    List<Integer> origin = new ArrayList<>(in.length() + 32);
    int copied = 0;
    for (int t = 0; t < tokens.size(); t++) {
      Token token = tokens.get(t);
      if (!dropped[t]) {
        copy(in, copied, token.start(), out, origin); // the blanks between AT, TIME and ZONE go with them
      }
      for (String call : calls.get(t)) {
        append(call + "(", token.start(), out, origin);
      }
      if (separator[t]) {
        append(",", token.start(), out, origin);
      } else if (!dropped[t]) {
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

  /**
   * The zone: a primary expression, or a typed literal ({@code interval '-05:00'}, {@code interval '2' hour}, as
   * {@link IntervalLiterals} writes {@code interval '2 hours'}, {@code interval '1:30' hour to minute}).
   */
  private static int operandEnd(List<Token> tokens, int first) {
    int end = InfixOperators.operandEnd(tokens, first);
    if (end == first && tokens.get(first).kind() == Kind.WORD && TYPED_LITERALS.contains(tokens.get(first).word())
        && first + 1 < tokens.size() && tokens.get(first + 1).kind() == Kind.STRING) {
      end = first + 1;
      if (isUnit(tokens, end + 1)) {
        end++;
        if (end + 2 < tokens.size() && tokens.get(end + 1).isWord("TO") && isUnit(tokens, end + 2)) {
          end += 2;
        }
      }
    }
    return end;
  }

  private static boolean isUnit(List<Token> tokens, int index) {
    return index < tokens.size() && tokens.get(index).kind() == Kind.WORD && UNITS.contains(tokens.get(index).word());
  }

  /** Whether the token at {@code index} (or the text's start) leaves the operand after it whole. */
  private static boolean looserBefore(String text, List<Token> tokens, int index) {
    if (index < 0) {
      return true;
    }
    Token token = tokens.get(index);
    return switch (token.kind()) {
      case OPEN, OPEN_SQUARE -> true;
      case WORD -> InfixCasts.NOT_FUNCTIONS.contains(token.word()) && !TIGHTER_WORDS.contains(token.word());
      case OTHER -> {
        char c = text.charAt(token.start());
        yield !((c == '-' || c == '+') && unary(tokens, index)); // -x AT TIME ZONE z is (-x) AT TIME ZONE z
      }
      default -> false;
    };
  }

  /** Whether the sign at {@code index} is unary: nothing that ends an operand stands before it. */
  private static boolean unary(List<Token> tokens, int index) {
    if (index == 0) {
      return true;
    }
    Token before = tokens.get(index - 1);
    return switch (before.kind()) {
      case CLOSE, CLOSE_SQUARE, STRING, NUMBER, QUOTED_NAME -> false;
      case WORD -> InfixCasts.NOT_FUNCTIONS.contains(before.word()) && !before.isWord("END");
      default -> true;
    };
  }

  /** Whether the token at {@code index} (or the text's end) leaves the operand before it whole. */
  private static boolean looserAfter(List<Token> tokens, int index) {
    if (index >= tokens.size()) {
      return true;
    }
    Token token = tokens.get(index);
    return switch (token.kind()) {
      case CLOSE, CLOSE_SQUARE, QUOTED_NAME, OTHER -> true; // a quoted name here is a column alias
      case WORD -> !TIGHTER_WORDS.contains(token.word()); // a looser keyword, a column alias, or AT again
      default -> false; // a subscript, a field, a cast the earlier rewrite did not bracket
    };
  }

  private static InvalidQueryException unclear(Rewritten text, String sql, Token at, Token zone) {
    SourcePosition position = text.original(position(text.text(), at, zone));
    return new InvalidQueryException("syntax error: cannot tell the operands of AT TIME ZONE"
        + " at line " + position.line() + ", column " + position.column()
        + " (Freshet reads it beside a column, literal, call or bracketed expression, with a looser operator,"
        + " bracket or comma around them); bracket its operands", sql, position, true, null);
  }

  private static SourcePosition position(String text, Token first, Token last) {
    int line = 1;
    int lineStart = 0;
    for (int k = 0; k < first.start(); k++) {
      if (text.charAt(k) == '\n') {
        line++;
        lineStart = k + 1;
      }
    }
    int column = first.start() - lineStart + 1;
    return new SourcePosition(line, column, line, column + last.end() - first.start() - 1);
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
