package dev.freshet.planner.types;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql2rel.SqlRexConvertlet;
import org.apache.calcite.sql2rel.SqlRexConvertletTable;
import org.apache.calcite.sql2rel.StandardConvertletTable;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Calcite's convertlets, except that the string constants an ordering comparison ({@code <}, {@code <=}, {@code >},
 * {@code >=}, {@code BETWEEN}) compares become {@link CollatedConstantFunction} calls as the comparison is made,
 * before any simplifier sees them: only PostgreSQL knows their order.
 */
public final class CollatedComparisonConvertlets implements SqlRexConvertletTable {

  public static final CollatedComparisonConvertlets INSTANCE = new CollatedComparisonConvertlets();

  private static final Set<SqlKind> ORDERING = EnumSet.of(SqlKind.LESS_THAN, SqlKind.LESS_THAN_OR_EQUAL,
      SqlKind.GREATER_THAN, SqlKind.GREATER_THAN_OR_EQUAL, SqlKind.BETWEEN);

  private CollatedComparisonConvertlets() {
  }

  @Override
  public @Nullable SqlRexConvertlet get(SqlCall call) {
    SqlRexConvertlet standard = StandardConvertletTable.INSTANCE.get(call);
    if (standard == null || !ORDERING.contains(call.getKind())) {
      return standard;
    }
    return (cx, c) -> opaque(cx.getRexBuilder(), standard.convertCall(cx, c));
  }

  /** {@code converted} with the string literals its ordering comparisons compare made opaque. */
  private static RexNode opaque(RexBuilder rex, RexNode converted) {
    return converted.accept(new RexShuttle() {
      @Override
      public RexNode visitCall(RexCall call) {
        RexCall visited = (RexCall) super.visitCall(call);
        if (!ORDERING.contains(visited.getKind())) {
          return visited;
        }
        boolean changed = false;
        List<RexNode> operands = new ArrayList<>();
        for (RexNode operand : visited.getOperands()) {
          if (operand instanceof RexLiteral literal && !literal.isNull()
              && SqlTypeFamily.CHARACTER.contains(literal.getType())) {
            operands.add(rex.makeCall(literal.getType(), CollatedConstantFunction.INSTANCE, List.of(literal)));
            changed = true;
          } else {
            operands.add(operand);
          }
        }
        return changed ? visited.clone(visited.getType(), operands) : visited;
      }
    });
  }
}
