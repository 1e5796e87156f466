package dev.freshet.codegen.sql;

import java.util.EnumSet;
import java.util.Set;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Prints a {@code char(n)} column compared with a string literal as PostgreSQL reads the query:
 * {@code c_mktsegment = 'BUILDING'}, not Calcite's {@code CAST(c_mktsegment AS VARCHAR(10)) = 'BUILDING'}.
 * PostgreSQL has column statistics for the column but none for the cast, and estimates such a filter
 * at 0.5% of the rows (40 times too few for TPC-H's market segments), which turns delta terms into
 * scans of whole tables. It is also PostgreSQL's meaning: the literal is read as {@code bpchar}, whose
 * comparisons ignore trailing blanks on both sides (the cast ignores them on the column's side only).
 * {@code SEARCH} (IN lists, ranges) over such a cast is expanded into comparisons first.
 */
final class CharComparisonShuttle extends ExpressionRewriteShuttle {

  private static final Set<SqlKind> COMPARISONS = EnumSet.of(SqlKind.EQUALS, SqlKind.NOT_EQUALS,
      SqlKind.LESS_THAN, SqlKind.LESS_THAN_OR_EQUAL, SqlKind.GREATER_THAN, SqlKind.GREATER_THAN_OR_EQUAL);

  @Override
  protected RexShuttle rewriter(RexBuilder rex) {
    return new Rewriter(rex);
  }

  private static final class Rewriter extends RexShuttle {
    private final RexBuilder rex;

    Rewriter(RexBuilder rex) {
      this.rex = rex;
    }

    @Override
    public RexNode visitCall(RexCall call) {
      if (call.getKind() == SqlKind.SEARCH && isCharCast(call.getOperands().get(0))) {
        return RexUtil.expandSearch(rex, null, call).accept(this);
      }
      RexCall visited = (RexCall) super.visitCall(call);
      if (visited.getKind() == SqlKind.AND || visited.getKind() == SqlKind.OR) {
        return RexUtil.flatten(rex, visited); // an expanded SEARCH may be an OR under an OR
      }
      if (!COMPARISONS.contains(visited.getKind()) || visited.getOperands().size() != 2) {
        return visited;
      }
      RexNode a = visited.getOperands().get(0);
      RexNode b = visited.getOperands().get(1);
      if (isCharCast(a) && isString(b)) {
        return rex.makeCall(visited.getOperator(), ((RexCall) a).getOperands().get(0), b);
      }
      if (isString(a) && isCharCast(b)) {
        return rex.makeCall(visited.getOperator(), a, ((RexCall) b).getOperands().get(0));
      }
      return visited;
    }

    /** {@code CAST(x AS VARCHAR…)} of a {@code CHAR(n)} x. */
    private static boolean isCharCast(RexNode e) {
      return e.getKind() == SqlKind.CAST && e.getType().getSqlTypeName() == SqlTypeName.VARCHAR
          && ((RexCall) e).getOperands().get(0).getType().getSqlTypeName() == SqlTypeName.CHAR;
    }

    /** A string literal, or one the planner keeps opaque for PostgreSQL to order ({@code CollatedConstantFunction}). */
    private static boolean isString(RexNode e) {
      if (dev.freshet.planner.types.CollatedConstantFunction.isConstant(e)) {
        return isString(((RexCall) e).getOperands().get(0));
      }
      return e instanceof RexLiteral literal && !literal.isNull()
          && (literal.getTypeName() == SqlTypeName.CHAR || literal.getTypeName() == SqlTypeName.VARCHAR);
    }
  }
}
