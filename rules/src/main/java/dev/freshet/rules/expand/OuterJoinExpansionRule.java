package dev.freshet.rules.expand;

import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.rules.TransformationRule;
import org.apache.calcite.tools.RelBuilder;
import org.immutables.value.Value;

/**
 * Planner rule that rewrites an outer join whose condition is equalities plus one-sided conjuncts,
 * {@code θ = (k_A = k_B) ∧ ρ_A ∧ ρ_B}, into operators that have delta rules:
 * <pre>{@code
 * A ⟕ B  →  A ⋈θ B  ∪all  pad_B(A ▷ D_B)
 * A ⟖ B  →  A ⋈θ B  ∪all  pad_A(B ▷ D_A)
 * A ⟗ B  →  A ⋈θ B  ∪all  pad_B(A ▷ D_B)  ∪all  pad_A(B ▷ D_A)
 *
 * D_B = SELECT DISTINCT k_B FROM B WHERE ρ_B       -- a DISTINCT: a state table, or B itself when unique
 * A ▷ D_B = the rows a of A with no d in D_B where k_A(a) = d ∧ ρ_A(a)
 * }</pre>
 * A row of A without a partner in B is exactly one whose keys are not among D_B (or that fails ρ_A),
 * whatever B's multiplicities. The anti-join is maintained by
 * {@link dev.freshet.rules.delta.AntiJoinDeltaRule} as {@code A − A ⋉ D_B}, so a row becomes
 * NULL-extended when its last partner leaves, and back, with a cost that follows the change of D_B.
 * A NULL key never matches: {@code =} drops NULL keys from D_B and never holds for a NULL in A.
 * Joins whose condition compares the sides otherwise are left as they are (and refused).
 */
@Value.Enclosing
public class OuterJoinExpansionRule extends RelRule<OuterJoinExpansionRule.Config>
    implements TransformationRule {

  protected OuterJoinExpansionRule(Config config) {
    super(config);
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    final Join join = call.rel(0);
    final JoinKeys keys = JoinKeys.of(join);
    if (keys.notExpandable().isPresent()) {
      return;
    }
    final RelBuilder b = call.builder();
    OuterJoinParts.matched(b, join);
    b.union(true, 1 + OuterJoinParts.unmatchedParts(b, join, keys));
    b.convert(join.getRowType(), true);
    call.transformTo(b.build());
  }

  /** Rule configuration. */
  @Value.Immutable
  public interface Config extends RelRule.Config {
    Config DEFAULT = ImmutableOuterJoinExpansionRule.Config.of()
        .withDescription("OuterJoinExpansionRule")
        .withOperandSupplier(b0 -> b0.operand(Join.class).predicate(j -> j.getJoinType() == JoinRelType.LEFT
            || j.getJoinType() == JoinRelType.RIGHT || j.getJoinType() == JoinRelType.FULL).anyInputs())
        .as(Config.class);

    @Override
    default OuterJoinExpansionRule toRule() {
      return new OuterJoinExpansionRule(this);
    }
  }
}
