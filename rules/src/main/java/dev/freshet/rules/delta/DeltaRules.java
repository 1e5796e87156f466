package dev.freshet.rules.delta;

import java.util.List;
import org.apache.calcite.plan.RelOptRule;

/** The differentiation rules, one per relational operator (DESIGN.md §4). */
public final class DeltaRules {

  private DeltaRules() {
  }

  /** Δ and pre-state of a sub-plan reading no changed source: empty, resp. the sub-plan itself. */
  public static final UnchangedDeltaRule UNCHANGED_DELTA = UnchangedDeltaRule.Config.DEFAULT.toRule();

  /** Δ(Scan R) → the change table ΔR; pre-state(Scan R) → R ⊎ −ΔR. */
  public static final ScanDeltaRule SCAN_DELTA = ScanDeltaRule.Config.DEFAULT.toRule();

  /** Pushes markers through filters. */
  public static final FilterDeltaRule FILTER_DELTA = FilterDeltaRule.Config.DEFAULT.toRule();

  /** Pushes markers through projections, carrying the weight. */
  public static final ProjectDeltaRule PROJECT_DELTA = ProjectDeltaRule.Config.DEFAULT.toRule();

  /** Telescoping delta of inner joins. */
  public static final JoinDeltaRule JOIN_DELTA = JoinDeltaRule.Config.DEFAULT.toRule();

  /** Anti-joins whose right input matches at most once: A ▷ D = A − π_A(A ⋈ D). */
  public static final AntiJoinDeltaRule ANTI_JOIN_DELTA = AntiJoinDeltaRule.Config.DEFAULT.toRule();

  /** Pushes markers into UNION ALL branches. */
  public static final UnionDeltaRule UNION_DELTA = UnionDeltaRule.Config.DEFAULT.toRule();

  /** All of the above, in the order {@code FreshetPrograms.differentiate} adds them. */
  public static final List<RelOptRule> ALL = List.of(UNCHANGED_DELTA, SCAN_DELTA, FILTER_DELTA,
      PROJECT_DELTA, JOIN_DELTA, ANTI_JOIN_DELTA, UNION_DELTA);
}
