package dev.freshet.planner.normalize;

import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;

/**
 * Hides the conditions of LEFT and RIGHT joins from the decorrelator, and brings them back after it.
 *
 * <p>Why: when {@code RelDecorrelator} joins a decorrelated sub-query back to its outer rows, it
 * compares the correlated columns with {@code =} if it can prove them NOT NULL, else with
 * {@code IS NOT DISTINCT FROM}. Its proof takes a join condition that rejects NULLs as proof for the
 * columns of both sides — wrong for the preserved side of an outer join: in
 * {@code u LEFT JOIN w ON u.e = w.b}, {@code u.e} may well be NULL. Rows whose correlated column is
 * NULL then lose their sub-query's result ({@code WHERE EXISTS (… WHERE w.b = u.e OR u.e IS NULL)}
 * dropped them). Wrapped in a function it knows nothing about, the condition proves nothing.
 */
final class OuterJoinConditionShuttle extends RelHomogeneousShuttle {

  /** The wrapper; it never reaches printed SQL: {@link #restore} removes it right after decorrelation. */
  static final SqlFunction OPAQUE = new SqlFunction("FRESHET_OUTER_JOIN_CONDITION", SqlKind.OTHER_FUNCTION,
      ReturnTypes.ARG0, null, OperandTypes.BOOLEAN, SqlFunctionCategory.SYSTEM);

  private OuterJoinConditionShuttle() {
  }

  /** {@code rel} with the condition of each LEFT or RIGHT join wrapped in {@link #OPAQUE}. */
  static RelNode hide(RelNode rel) {
    return rel.accept(new OuterJoinConditionShuttle());
  }

  /** {@code rel} with every {@link #OPAQUE} call replaced by its operand, wherever the decorrelator put it. */
  static RelNode restore(RelNode rel) {
    RexShuttle unwrap = new RexShuttle() {
      @Override
      public RexNode visitCall(RexCall call) {
        RexCall visited = (RexCall) super.visitCall(call);
        return visited.getOperator() == OPAQUE ? visited.getOperands().get(0) : visited;
      }
    };
    return rel.accept(new RelHomogeneousShuttle() {
      @Override
      public RelNode visit(RelNode other) {
        return super.visit(other).accept(unwrap);
      }
    });
  }

  @Override
  public RelNode visit(RelNode other) {
    RelNode visited = super.visit(other);
    if (visited instanceof Join join
        && (join.getJoinType() == JoinRelType.LEFT || join.getJoinType() == JoinRelType.RIGHT)) {
      RexNode hidden = join.getCluster().getRexBuilder().makeCall(OPAQUE, join.getCondition());
      return join.copy(join.getTraitSet(), hidden, join.getLeft(), join.getRight(), join.getJoinType(),
          join.isSemiJoinDone());
    }
    return visited;
  }
}
