package dev.freshet.planner.normalize;

import java.util.HashSet;
import java.util.Set;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Correlate;
import org.apache.calcite.rel.core.CorrelationId;
import org.apache.calcite.sql2rel.RelDecorrelator;
import org.apache.calcite.tools.RelBuilder;

/**
 * Runs Calcite's {@link RelDecorrelator} one correlate at a time, innermost first, with the
 * conditions of outer joins hidden from it at every step ({@link OuterJoinConditionShuttle}).
 *
 * <p>Why: when the decorrelator joins a sub-query's result back to its outer rows, it compares the
 * correlated columns with {@code =} if it believes them NOT NULL, and it takes the condition of a
 * LEFT join as proof for the preserved side too. Decorrelating one sub-query creates such LEFT joins
 * (for NOT IN, a scalar sub-query, an EXISTS under OR); decorrelating the next one, over them, then
 * lost the rows whose correlated column is NULL ({@code x NOT IN (…) AND y NOT IN (…)}, found by the
 * round-trip property). Stepwise, the joins of earlier steps are hidden like the user's own.
 *
 * <p>A correlate whose sub-plan names variables of correlates above it cannot be decorrelated on its
 * own; when no innermost correlate can, the rest of the plan is decorrelated at once, as before.
 */
final class StepwiseDecorrelator {

  private StepwiseDecorrelator() {
  }

  static RelNode decorrelate(RelNode rel, RelBuilder relBuilder) {
    RelNode current = rel;
    while (true) {
      Correlate next = innermostSelfContained(current);
      if (next == null) {
        return decorrelateAll(current, relBuilder);
      }
      RelNode decorrelated = decorrelateAll(next, relBuilder);
      if (QueryNormalizer.containsCorrelate(decorrelated)) {
        return decorrelateAll(current, relBuilder); // the decorrelator gave up on it: let it see the whole plan
      }
      current = replace(current, next, decorrelated);
    }
  }

  private static RelNode decorrelateAll(RelNode rel, RelBuilder relBuilder) {
    if (!QueryNormalizer.containsCorrelate(rel)) {
      return rel;
    }
    return OuterJoinConditionShuttle.restore(
        RelDecorrelator.decorrelateQuery(OuterJoinConditionShuttle.hide(rel), relBuilder));
  }

  /** A correlate with no correlate below it and no variable of another correlate in it, if any. */
  private static Correlate innermostSelfContained(RelNode rel) {
    for (RelNode input : rel.getInputs()) {
      Correlate found = innermostSelfContained(input);
      if (found != null) {
        return found;
      }
    }
    if (rel instanceof Correlate correlate && !QueryNormalizer.containsCorrelate(correlate.getLeft())
        && !QueryNormalizer.containsCorrelate(correlate.getRight())) {
      Set<CorrelationId> used = new HashSet<>(RelOptUtil.getVariablesUsed(correlate.getRight()));
      used.remove(correlate.getCorrelationId());
      used.addAll(RelOptUtil.getVariablesUsed(correlate.getLeft()));
      return used.isEmpty() ? correlate : null;
    }
    return null;
  }

  /** {@code rel} with the node {@code target} (by identity) replaced by {@code replacement}. */
  private static RelNode replace(RelNode rel, RelNode target, RelNode replacement) {
    return rel.accept(new RelHomogeneousShuttle() {
      @Override
      public RelNode visit(RelNode other) {
        return other == target ? replacement : super.visit(other);
      }
    });
  }

}
