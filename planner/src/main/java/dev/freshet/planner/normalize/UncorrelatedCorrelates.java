package dev.freshet.planner.normalize;

import java.util.List;
import java.util.Set;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Correlate;
import org.apache.calcite.rel.logical.LogicalJoin;

/**
 * A correlate whose sub-plan no longer names its variable is a join on TRUE: the sub-plan is the same for every
 * outer row. Calcite's simplifier leaves such correlates behind when it reduces a sub-query's condition to FALSE
 * ({@code q.b = a.n AND q.b <= 1 AND q.b = 5000000000}: the sub-query is empty, its comparison with the outer
 * row gone), and its decorrelator, which finds no variable to join on, keeps them; the query was refused ("could
 * not be turned into a join", property soak seed 5 once EXISTS compared numbers across types).
 */
final class UncorrelatedCorrelates extends RelHomogeneousShuttle {

  private UncorrelatedCorrelates() {
  }

  /**
   * {@code rel} with every correlate whose sub-plan does not name its variable made a join on TRUE; {@code rel}
   * itself when there is none.
   */
  static RelNode toJoins(RelNode rel) {
    UncorrelatedCorrelates shuttle = new UncorrelatedCorrelates();
    RelNode joined = rel.accept(shuttle);
    return shuttle.changed ? joined : rel;
  }

  private boolean changed;

  @Override
  public RelNode visit(RelNode other) {
    RelNode visited = super.visit(other);
    if (visited instanceof Correlate correlate
        && !RelOptUtil.getVariablesUsed(correlate.getRight()).contains(correlate.getCorrelationId())) {
      changed = true;
      return LogicalJoin.create(correlate.getLeft(), correlate.getRight(), List.of(),
          correlate.getCluster().getRexBuilder().makeLiteral(true), Set.of(), correlate.getJoinType());
    }
    return visited;
  }
}
