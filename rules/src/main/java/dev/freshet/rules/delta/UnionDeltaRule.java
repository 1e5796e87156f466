package dev.freshet.rules.delta;

import dev.freshet.rules.rel.ZSetMarker;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Union;
import org.apache.calcite.rel.rules.TransformationRule;
import org.apache.calcite.tools.RelBuilder;
import org.immutables.value.Value;

/**
 * Planner rule that pushes a marker into the branches of a UNION ALL: weights add up.
 * <pre>{@code
 * Δ(X ∪all Y)  →  Δ(X) ∪all Δ(Y)
 * }</pre>
 * UNION without ALL is planned as an aggregate over UNION ALL and is not matched here.
 *
 * @see DeltaRules#UNION_DELTA
 */
@Value.Enclosing
public class UnionDeltaRule extends RelRule<UnionDeltaRule.Config> implements TransformationRule {

  protected UnionDeltaRule(Config config) {
    super(config);
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    final ZSetMarker marker = call.rel(0);
    final Union union = call.rel(1);
    final RelBuilder b = call.builder();
    for (RelNode input : union.getInputs()) {
      b.push(ZSetMarker.create(input, marker.kind(), marker.changed()));
    }
    b.union(true, union.getInputs().size());
    call.transformTo(b.build());
  }

  /** Rule configuration. */
  @Value.Immutable
  public interface Config extends RelRule.Config {
    Config DEFAULT = ImmutableUnionDeltaRule.Config.of()
        .withDescription("UnionDeltaRule")
        .withOperandSupplier(b0 -> b0.operand(ZSetMarker.class).oneInput(b1 ->
            b1.operand(Union.class).predicate(u -> u.all).anyInputs()))
        .as(Config.class);

    @Override
    default UnionDeltaRule toRule() {
      return new UnionDeltaRule(this);
    }
  }
}
