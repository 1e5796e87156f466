package dev.freshet.planner.normalize;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Correlate;
import org.apache.calcite.rel.core.CorrelationId;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
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
      RelNode decorrelated = decorrelateStep(next, relBuilder);
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
    RelNode decorrelated = OuterJoinConditionShuttle.restore(
        NullabilityTolerantDecorrelator.withoutCorrelates(OuterJoinConditionShuttle.hide(rel), relBuilder));
    return typed(decorrelated, rel.getRowType(), relBuilder);
  }

  /**
   * One correlate decorrelated, with the type it had. The rules run before may have left it a type its inputs no
   * longer give: a filter pushed into an outer join below it makes the join inner and its padded columns NOT NULL,
   * and the projection Calcite adds to keep them nullable (a cast of each) is left out for a column of a type it
   * sees as {@code ANY} (a {@link dev.freshet.planner.types.PostgresNamedType}: arrays, jsonb, enums...), since
   * {@code RelOptUtil.areRowTypesEqual} takes {@code ANY} for any type; the correlate keeps the nullable column in
   * its type. The decorrelator derives the join it makes from the inputs and asserts that its type is the one it
   * was given (nullability included): it failed (seed 541 of the property, FR008 "AssertionError in Calcite while
   * removing its sub-queries": {@code … LEFT JOIN (SELECT k, max(arr) AS a … GROUP BY k) b … WHERE b.a > '{1}' AND
   * NOT EXISTS (…)}). The correlate is copied first (the copy derives its type from its inputs), and the result is
   * cast back to the type the plan above it reads, where they differ (only in nullability).
   */
  private static RelNode decorrelateStep(Correlate correlate, RelBuilder relBuilder) {
    RelNode fresh = correlate.copy(correlate.getTraitSet(), correlate.getInputs());
    return typed(decorrelateAll(fresh, relBuilder), correlate.getRowType(), relBuilder);
  }

  /**
   * {@code decorrelated} as of {@code type}, which it has but perhaps for the nullability of some columns (a cast of
   * each such column).
   */
  private static RelNode typed(RelNode decorrelated, RelDataType type, RelBuilder relBuilder) {
    if (decorrelated.getRowType().equalsSansFieldNames(type)) {
      return decorrelated;
    }
    RexBuilder rexBuilder = decorrelated.getCluster().getRexBuilder();
    List<RexNode> columns = new ArrayList<>();
    for (RelDataTypeField field : type.getFieldList()) {
      RexNode column = rexBuilder.makeInputRef(decorrelated, field.getIndex());
      columns.add(column.getType().equals(field.getType()) ? column
          : rexBuilder.makeAbstractCast(field.getType(), column, false));
    }
    return relBuilder.push(decorrelated).project(columns, type.getFieldNames(), true).build();
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
