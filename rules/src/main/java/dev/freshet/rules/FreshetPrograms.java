package dev.freshet.rules;

import dev.freshet.rules.delta.DeltaRules;
import java.util.List;
import org.apache.calcite.plan.hep.HepMatchOrder;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.rel.rules.CoreRules;
import org.apache.calcite.rel.rules.PruneEmptyRules;

/** Every HepProgram of the compiler, one method per named phase. */
public final class FreshetPrograms {

  private FreshetPrograms() {
  }

  /** Pushes Δ and pre-state markers down to the scans (top-down, so each marker meets its operator). */
  public static HepProgram differentiate() {
    return HepProgram.builder()
        .addMatchOrder(HepMatchOrder.TOP_DOWN)
        .addRuleCollection(List.copyOf(DeltaRules.ALL))
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
