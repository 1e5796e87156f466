package dev.freshet.planner.normalize;

import org.apache.calcite.plan.hep.HepMatchOrder;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.plan.hep.HepProgramBuilder;
import org.apache.calcite.rel.rules.CoreRules;

/**
 * The fixed {@code HepProgram}s that turn a converted query into the logical plan the rules
 * differentiate. Each method is one named phase; {@link QueryNormalizer} runs them in order.
 */
public final class NormalizePrograms {

  private NormalizePrograms() {
  }

  /**
   * Rewrites IN / EXISTS / scalar sub-queries into correlates, which the decorrelator then removes.
   * One collection, run to a fixpoint: removing a sub-query from a projection brings the sub-query's
   * own filter (and its sub-queries) into the plan, where the filter rule must still see it.
   */
  public static HepProgram removeSubQueries() {
    return new HepProgramBuilder()
        .addRuleCollection(java.util.List.of(
            CoreRules.FILTER_SUB_QUERY_TO_CORRELATE,
            CoreRules.PROJECT_SUB_QUERY_TO_CORRELATE,
            CoreRules.JOIN_SUB_QUERY_TO_CORRELATE))
        .build();
  }

  /**
   * Keeps aggregates grouped by constants meaningful through decorrelation (see
   * {@link ConstantKeyAggregateRule}: EXISTS over a nested correlated sub-query was planned as TRUE).
   */
  public static HepProgram guardConstantKeys() {
    return new HepProgramBuilder()
        .addRuleInstance(ConstantKeyAggregateRule.Config.DEFAULT.toRule())
        .addRuleInstance(OneRowLateralRule.Config.DEFAULT.toRule())
        .build();
  }

  /**
   * Pushes filters into the joins and correlates below them before sub-queries are decorrelated one
   * at a time ({@link StepwiseDecorrelator}): a correlate decorrelated on its own builds the outer
   * values of its sub-query from its left input, which must already be filtered (TPC-H Q21's WHERE
   * sits above its two correlates: unpushed, the outer values were a four-table cross product).
   */
  public static HepProgram pushFiltersDown() {
    return new HepProgramBuilder()
        .addRuleCollection(java.util.List.of(
            CoreRules.FILTER_CORRELATE,
            CoreRules.FILTER_INTO_JOIN,
            CoreRules.JOIN_CONDITION_PUSH,
            CoreRules.FILTER_MERGE))
        .build();
  }

  /**
   * Pushes predicates into joins (so {@code FROM a, b WHERE a.k = b.k} becomes an equi-join the
   * join delta can drive by key), merges adjacent filters and projects, and turns LEFT joins that a
   * filter above their aggregate makes inner into inner joins ({@link LeftJoinUnderRejectingAggregateRule}), as
   * are LEFT joins ON TRUE to an input that always has a row ({@link LeftJoinToOneRowRule}).
   */
  public static HepProgram simplify() {
    return new HepProgramBuilder()
        .addMatchOrder(HepMatchOrder.BOTTOM_UP)
        .addRuleCollection(java.util.List.of(
            CoreRules.FILTER_INTO_JOIN,
            CoreRules.JOIN_CONDITION_PUSH,
            CoreRules.FILTER_MERGE,
            CoreRules.FILTER_PROJECT_TRANSPOSE,
            CoreRules.PROJECT_MERGE,
            CoreRules.PROJECT_REMOVE,
            CoreRules.AGGREGATE_PROJECT_MERGE,
            LeftJoinUnderRejectingAggregateRule.Config.DEFAULT.toRule(),
            LeftJoinToOneRowRule.Config.DEFAULT.toRule()))
        .build();
  }

  /**
   * Restricts aggregates joined on their group keys to the keys a selective input of the join supplies
   * ({@link AggregateKeyReductionRule}): their state tables then hold only the groups the query can read.
   * Last, on the simplified plan, where the joins' conditions are in place.
   */
  /**
   * After {@link UncorrelatedCorrelates} made joins of correlates whose sub-query Calcite found empty: the empty
   * inputs and what they make empty or pad with NULLs removed, so that no join on TRUE with nothing is left.
   */
  public static HepProgram pruneEmpty() {
    return HepProgram.builder()
        .addRuleCollection(java.util.List.of(
            org.apache.calcite.rel.rules.PruneEmptyRules.PROJECT_INSTANCE,
            org.apache.calcite.rel.rules.PruneEmptyRules.FILTER_INSTANCE,
            org.apache.calcite.rel.rules.PruneEmptyRules.AGGREGATE_INSTANCE,
            org.apache.calcite.rel.rules.PruneEmptyRules.JOIN_LEFT_INSTANCE,
            org.apache.calcite.rel.rules.PruneEmptyRules.JOIN_RIGHT_INSTANCE,
            CoreRules.PROJECT_MERGE,
            CoreRules.PROJECT_REMOVE))
        .build();
  }

  public static HepProgram reduceAggregateKeys() {
    return new HepProgramBuilder()
        .addMatchOrder(HepMatchOrder.BOTTOM_UP)
        .addRuleInstance(AggregateKeyReductionRule.Config.DEFAULT.toRule())
        .build();
  }
}
