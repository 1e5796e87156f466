package dev.freshet.rules;

import dev.freshet.rules.delta.DeltaRules;
import dev.freshet.rules.expand.ExpansionRules;
import java.util.List;
import org.apache.calcite.plan.hep.HepMatchOrder;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.rel.rules.CoreRules;
import org.apache.calcite.rel.rules.PruneEmptyRules;

/** Every HepProgram of the compiler, one method per named phase. */
public final class FreshetPrograms {

  private FreshetPrograms() {
  }

  /**
   * Rewrites outer joins into inner joins, anti-joins and unions, which have delta rules: first the
   * anti-join pattern (a filter that only unmatched rows pass), then every other outer join.
   */
  public static HepProgram expandOuterJoins() {
    return HepProgram.builder()
        .addRuleInstance(ExpansionRules.UNMATCHED_ROWS_FILTER)
        .addRuleInstance(ExpansionRules.OUTER_JOIN_EXPANSION)
        .build();
  }

  /**
   * Moves an aggregate's DISTINCT calls over a state table of each group's distinct values, where their
   * groups would be recomputed from the sources ({@link dev.freshet.rules.expand.DistinctAggregates}).
   */
  public static HepProgram splitDistinctAggregates() {
    return HepProgram.builder()
        .addRuleInstance(dev.freshet.rules.expand.DistinctAggregates.SPLIT)
        .build();
  }

  /** Pushes Δ and pre-state markers down to the scans (top-down, so each marker meets its operator). */
  public static HepProgram differentiate() {
    return HepProgram.builder()
        .addMatchOrder(HepMatchOrder.TOP_DOWN)
        .addRuleCollection(List.copyOf(DeltaRules.ALL))
        .build();
  }

  /**
   * Distributes joins over every UNION ALL — of delta terms, and of the pre-states {@code R1 ⊎ −ΔR} —
   * so that the delta becomes a sum of flat joins of base tables and change tables (DESIGN.md §4).
   * PostgreSQL has column statistics for those, but none for a union: a join over a union is
   * estimated with default selectivities (off by 100× on TPC-H) and planned as a scan of whole
   * tables, where each flat term is planned from its small change table through index lookups.
   */
  public static HepProgram distribute() {
    return HepProgram.builder()
        .addRuleCollection(List.of(
            CoreRules.PROJECT_SET_OP_TRANSPOSE,
            CoreRules.FILTER_SET_OP_TRANSPOSE,
            CoreRules.JOIN_LEFT_UNION_TRANSPOSE,
            CoreRules.JOIN_RIGHT_UNION_TRANSPOSE,
            CoreRules.UNION_MERGE,
            CoreRules.PROJECT_MERGE,
            CoreRules.PROJECT_REMOVE))
        .build();
  }

  /**
   * Orders the joins of each delta term from its change table outwards
   * ({@link dev.freshet.rules.order.DeltaFirstJoinOrderRule}): projections are pulled above the joins,
   * each join tree becomes one MultiJoin, which is rebuilt left-deep from ΔR. The printed term is then
   * one flat {@code FROM ΔR JOIN … JOIN …}.
   */
  public static HepProgram order() {
    return HepProgram.builder()
        .addMatchOrder(HepMatchOrder.BOTTOM_UP)
        .addRuleCollection(List.of(
            CoreRules.JOIN_PROJECT_BOTH_TRANSPOSE,
            CoreRules.JOIN_PROJECT_LEFT_TRANSPOSE,
            CoreRules.JOIN_PROJECT_RIGHT_TRANSPOSE,
            CoreRules.PROJECT_MERGE))
        .addMatchOrder(HepMatchOrder.BOTTOM_UP)
        .addRuleInstance(CoreRules.JOIN_TO_MULTI_JOIN)
        .addRuleCollection(List.of(CoreRules.PROJECT_MULTI_JOIN_MERGE, CoreRules.FILTER_MULTI_JOIN_MERGE))
        .addRuleInstance(dev.freshet.rules.order.JoinOrderRules.DELTA_FIRST_JOIN_ORDER)
        .addRuleCollection(List.of(CoreRules.PROJECT_MERGE, CoreRules.PROJECT_REMOVE))
        .build();
  }

  /** The last step of {@link #order()} alone: projections merged, trivial ones removed. */
  public static HepProgram mergeProjections() {
    return HepProgram.builder()
        .addMatchOrder(HepMatchOrder.BOTTOM_UP)
        .addRuleCollection(List.of(CoreRules.PROJECT_MERGE, CoreRules.PROJECT_REMOVE))
        .build();
  }

  /** Removes the terms of unchanged sources (empty inputs) and merges the projections left behind. */
  public static HepProgram cleanUp() {
    return HepProgram.builder()
        .addRuleCollection(List.of(
            PruneEmptyRules.UNION_INSTANCE,
            PruneEmptyRules.PROJECT_INSTANCE,
            PruneEmptyRules.FILTER_INSTANCE,
            PruneEmptyRules.JOIN_LEFT_INSTANCE,
            PruneEmptyRules.JOIN_RIGHT_INSTANCE,
            CoreRules.PROJECT_MERGE,
            CoreRules.PROJECT_REMOVE))
        .build();
  }
}
