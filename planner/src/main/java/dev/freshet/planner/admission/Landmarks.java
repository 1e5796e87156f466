package dev.freshet.planner.admission;

import dev.freshet.planner.QueryText;
import dev.freshet.planner.SourcePosition;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.JoinType;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlWith;
import org.apache.calcite.sql.SqlWithItem;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.apache.calcite.sql.util.SqlBasicVisitor;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Where each {@link Landmark} first occurs in a defining query's text, found in its validated parse
 * tree (operators resolved, positions kept).
 */
public final class Landmarks {

  /** The words that make a WITH query recursive. */
  private static final java.util.regex.Pattern WITH_RECURSIVE =
      java.util.regex.Pattern.compile("(?i)(?<![\\w$\"])WITH\\s+RECURSIVE(?![\\w$\"])");

  /** The keywords that introduce a row count. */
  private static final java.util.regex.Pattern KEYWORD =
      java.util.regex.Pattern.compile("(?i)(?<![\\w$\"])(LIMIT|OFFSET|FETCH)(?![\\w$\"])");

  /** No positions: refusals then say what, not where. */
  public static final Landmarks NONE = new Landmarks(Map.of());

  private final Map<Landmark, SourcePosition> first;

  private Landmarks(Map<Landmark, SourcePosition> first) {
    this.first = Map.copyOf(first);
  }

  public Optional<SourcePosition> position(Landmark landmark) {
    return Optional.ofNullable(first.get(landmark));
  }

  /** {@code refusal} pointing at {@code landmark}, if the query has it and the refusal has no position yet. */
  public Refusal locate(Refusal refusal, Landmark landmark) {
    if (refusal.position().isKnown()) {
      return refusal;
    }
    return position(landmark).map(p -> new Refusal(refusal.reason(), p, refusal.message(), refusal.fix()))
        .orElse(refusal);
  }

  /** {@link #of(SqlNode, String, UnaryOperator, Function)} with no types: no {@link Landmark#FLOAT_AGGREGATE}. */
  public static Landmarks of(SqlNode validated, String parsed, UnaryOperator<SourcePosition> toOriginal) {
    return of(validated, parsed, toOriginal, node -> null);
  }

  /**
   * @param validated the validated parse tree
   * @param parsed the text that was parsed
   * @param toOriginal maps a position in {@code parsed} to the user's text
   * @param typeOf the validated type of an expression of the tree, null where unknown
   */
  public static Landmarks of(SqlNode validated, String parsed, UnaryOperator<SourcePosition> toOriginal,
      Function<SqlNode, @Nullable RelDataType> typeOf) {
    Map<Landmark, SourcePosition> first = new EnumMap<>(Landmark.class);
    SourcePosition[] anyScalarSubQuery = {null}; // the first scalar sub-query, if none is found for the landmark
    validated.accept(new SqlBasicVisitor<Void>() {
      @Override
      public Void visit(SqlCall call) {
        if (call instanceof SqlSelect select) {
          noteLimitKeyword(select.getFetch(), select.getOffset());
        } else if (call instanceof SqlOrderBy orderBy) {
          noteLimitKeyword(orderBy.fetch, orderBy.offset);
        } else if (call instanceof SqlWith with && with.withList.stream()
            .anyMatch(item -> item instanceof SqlWithItem withItem && withItem.recursive != null
                && withItem.recursive.booleanValue())) {
          noteWithRecursive(with);
        } else if (call instanceof SqlJoin join) {
          JoinType type = join.getJoinType();
          if (type == JoinType.LEFT || type == JoinType.RIGHT || type == JoinType.FULL) {
            note(Landmark.OUTER_JOIN, join.getJoinTypeNode());
          }
        }
        switch (call.getKind()) {
          case OVER -> note(Landmark.WINDOW, call);
          case UNION, INTERSECT, EXCEPT -> noteKeywordAfter(Landmark.SET_OPERATION, call.operand(0));
          case ROLLUP, CUBE, GROUPING_SETS -> note(Landmark.GROUPING_SETS, call);
          case WITHIN_GROUP -> note(Landmark.ORDERED_AGGREGATE, call);
          case SCALAR_QUERY -> noteScalarSubQuery(call);
          case CAST -> noteClockReading(call);
          default -> {
            noteClockReading(call);
            // string_agg(x, ',' ORDER BY y), array_agg(x ORDER BY y): the ORDER BY is a list argument.
            if (call.getOperator().isAggregator()
                && call.getOperandList().stream().anyMatch(o -> o instanceof org.apache.calcite.sql.SqlNodeList)) {
              note(Landmark.ORDERED_AGGREGATE, call);
            }
            if (!call.getOperator().isDeterministic() || call.getOperator().isDynamicFunction()) {
              note(Landmark.VOLATILE_FUNCTION, call);
            }
            if (call.getOperator().isAggregator() && isFloatAggregate(call)) {
              note(Landmark.FLOAT_AGGREGATE, call);
            }
          }
        }
        return super.visit(call);
      }

      /** Whether PostgreSQL computes {@code call} in floating point, by the validated types of its arguments. */
      private boolean isFloatAggregate(SqlCall call) {
        List<RelDataType> types = new ArrayList<>();
        for (SqlNode operand : call.getOperandList()) {
          RelDataType type = operand == null ? null : typeOf.apply(operand);
          if (type != null) {
            types.add(type);
          }
        }
        return FloatingPointAggregates.inexact(call.getOperator().getKind(), call.getOperator().getName(), types)
            .isPresent();
      }

      /**
       * The word after {@code left} in the text: a set operation's position spans its operands, but the
       * refusal is about its keyword.
       */
      private void noteKeywordAfter(Landmark landmark, SqlNode left) {
        SqlParserPos pos = left.getParserPosition();
        if (first.containsKey(landmark) || pos.getEndLineNum() <= 0) {
          return;
        }
        String[] lines = parsed.split("\n", -1);
        int line = pos.getEndLineNum();
        int column = pos.getEndColumnNum() + 1; // 1-based, just after the operand
        while (line <= lines.length) {
          String text = lines[line - 1];
          while (column <= text.length()
              && (Character.isWhitespace(text.charAt(column - 1)) || text.charAt(column - 1) == ')')) {
            column++;
          }
          if (column <= text.length()) {
            int end = column;
            while (end < text.length() && Character.isLetter(text.charAt(end))) {
              end++;
            }
            first.put(landmark, toOriginal.apply(new SourcePosition(line, column, line, end)));
            return;
          }
          line++;
          column = 1;
        }
      }

      /**
       * The words {@code WITH RECURSIVE} that open {@code with}: the parser's position of it starts after WITH
       * and spans its queries, but the refusal is about the words, the last two before that position. Its
       * position when a comment stands between them.
       */
      private void noteWithRecursive(SqlWith with) {
        SourcePosition whole = SourcePosition.of(with.getParserPosition());
        if (first.containsKey(Landmark.RECURSIVE_WITH) || !whole.isKnown()) {
          return;
        }
        int start = whole.startOffset(parsed);
        java.util.regex.Matcher m = WITH_RECURSIVE.matcher(parsed);
        int[] words = null;
        while (m.find() && m.start() <= start) {
          words = new int[] {m.start(), m.end() - 1};
        }
        first.put(Landmark.RECURSIVE_WITH, toOriginal.apply(words == null ? whole : new SourcePosition(
            QueryText.positionOf(parsed, words[0]).line(), QueryText.positionOf(parsed, words[0]).column(),
            QueryText.positionOf(parsed, words[1]).line(), QueryText.positionOf(parsed, words[1]).column())));
      }

      /**
       * The keyword of a {@code LIMIT}, {@code OFFSET} or {@code FETCH} (whichever comes first in the text),
       * not its count: the parse tree has positions for the counts only, so the keyword is the word before
       * the count ({@code FETCH FIRST 3 ROWS ONLY}: the {@code FETCH} before {@code FIRST}).
       */
      private void noteLimitKeyword(SqlNode fetch, SqlNode offset) {
        if (first.containsKey(Landmark.LIMIT_OFFSET)) {
          return;
        }
        SourcePosition best = null;
        for (SqlNode count : new SqlNode[] {fetch, offset}) {
          if (count == null) {
            continue;
          }
          SourcePosition p = SourcePosition.of(count.getParserPosition());
          if (!p.isKnown()) {
            continue;
          }
          SourcePosition keyword = keywordBefore(p).orElse(p);
          if (best == null || keyword.line() < best.line()
              || (keyword.line() == best.line() && keyword.column() < best.column())) {
            best = keyword;
          }
        }
        if (best != null) {
          first.put(Landmark.LIMIT_OFFSET, toOriginal.apply(best));
        }
      }

      /** The last LIMIT, OFFSET or FETCH word before {@code count} in the parsed text, if any. */
      private Optional<SourcePosition> keywordBefore(SourcePosition count) {
        String[] lines = parsed.split("\n", -1);
        for (int line = Math.min(count.line(), lines.length); line >= 1; line--) {
          String text = lines[line - 1];
          int limit = line == count.line() ? Math.min(count.column() - 1, text.length()) : text.length();
          java.util.regex.Matcher m = KEYWORD.matcher(text.substring(0, limit));
          SourcePosition found = null;
          while (m.find()) {
            found = new SourcePosition(line, m.start() + 1, line, m.end());
          }
          if (found != null) {
            return Optional.of(found);
          }
        }
        return Optional.empty();
      }

      private void noteScalarSubQuery(SqlCall call) {
        SourcePosition p = SourcePosition.of(call.getParserPosition());
        if (first.containsKey(Landmark.SCALAR_SUBQUERY) || !p.isKnown()) {
          return;
        }
        if (!plainlyOneRow(call.operand(0))) {
          first.put(Landmark.SCALAR_SUBQUERY, toOriginal.apply(p));
        } else if (anyScalarSubQuery[0] == null) {
          anyScalarSubQuery[0] = toOriginal.apply(p);
        }
      }

      /** An aggregate without GROUP BY ({@code SELECT max(v) FROM t}), or a query limited to one row. */
      private boolean plainlyOneRow(SqlNode query) {
        SqlNode fetch = null;
        if (query instanceof SqlOrderBy orderBy) {
          fetch = orderBy.fetch;
          query = orderBy.query;
        }
        if (!(query instanceof SqlSelect select)) {
          return false;
        }
        fetch = fetch != null ? fetch : select.getFetch();
        if (fetch instanceof org.apache.calcite.sql.SqlNumericLiteral n && n.intValue(false) <= 1) {
          return true;
        }
        return select.getGroup() == null && select.getSelectList().size() == 1
            && select.getSelectList().get(0).accept(new SqlBasicVisitor<Boolean>() {
              @Override
              public Boolean visit(SqlCall c) {
                if (c.getKind() == SqlKind.AS) {
                  return c.operand(0).accept(this);
                }
                return c.getOperator().isAggregator() && c.getKind() != SqlKind.OVER;
              }
            }) == Boolean.TRUE;
      }

      /**
       * A string constant {@code call} reads as a date, time or timestamp and that holds a clock word
       * ({@link ClockLiterals}): the operand of a cast to such a type, or beside an operand of such a type (a
       * comparison, {@code BETWEEN}, {@code CASE}, {@code COALESCE}); and a cast of another text value to one.
       */
      private void noteClockReading(SqlCall call) {
        RelDataType type = typeOf.apply(call);
        boolean dateTime = type != null && ClockLiterals.readsDateTimeInput(type);
        for (SqlNode operand : call.getOperandList()) {
          RelDataType operandType = operand == null || operand instanceof SqlLiteral ? null : typeOf.apply(operand);
          dateTime |= operandType != null && ClockLiterals.readsDateTimeInput(operandType);
        }
        if (!dateTime) {
          return;
        }
        for (SqlNode operand : call.getOperandList()) {
          if (operand instanceof SqlCharStringLiteral literal
              && ClockLiterals.clockWord(literal.getValueAs(String.class)).isPresent()) {
            note(Landmark.CLOCK_LITERAL, literal);
          }
        }
        if (call.getKind() == SqlKind.CAST && type != null && ClockLiterals.readsDateTimeInput(type)
            && !(call.operand(0) instanceof SqlLiteral)) {
          RelDataType from = typeOf.apply(call.operand(0));
          if (from != null && SqlTypeUtil.inCharFamily(from)) {
            note(Landmark.TEXT_TO_DATETIME_CAST, call);
          }
        }
      }

      private void note(Landmark landmark, SqlNode node) {
        if (node != null && !first.containsKey(landmark)) {
          SourcePosition p = SourcePosition.of(node.getParserPosition());
          if (p.isKnown()) {
            first.put(landmark, toOriginal.apply(p));
          }
        }
      }
    });
    return new Landmarks(first);
  }
}
