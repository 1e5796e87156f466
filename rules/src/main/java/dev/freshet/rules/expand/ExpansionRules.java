package dev.freshet.rules.expand;

/**
 * Rules that rewrite a plan, before differentiation, into operators with delta rules (outer joins
 * into inner joins, anti-joins and unions).
 */
public final class ExpansionRules {

  private ExpansionRules() {
  }

  /** σ(b IS NULL)(A ⟕ B) → σ(b IS NULL)(pad(A ▷ D_B)): NOT EXISTS and NOT IN. */
  public static final UnmatchedRowsFilterRule UNMATCHED_ROWS_FILTER = UnmatchedRowsFilterRule.Config.DEFAULT.toRule();

  /** A ⟕ B → A ⋈ B ∪all pad(A ▷ D_B), and RIGHT and FULL alike. */
  public static final OuterJoinExpansionRule OUTER_JOIN_EXPANSION = OuterJoinExpansionRule.Config.DEFAULT.toRule();
}
