package dev.freshet.rules.delta;

import dev.freshet.rules.rel.ChangeTables;
import dev.freshet.rules.rel.Weights;
import dev.freshet.rules.rel.ZSetMarker;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.rules.TransformationRule;
import org.apache.calcite.tools.RelBuilder;
import org.immutables.value.Value;

/**
 * Planner rule that prunes a marker over a sub-plan reading no changed source (DESIGN.md §5):
 * <pre>{@code
 * Δ(X)          →  Values()           -- empty: its terms vanish in clean-up
 * pre-state(X)  →  Project(X.*, 1)    -- X0 = X1
 * }</pre>
 * VALUES never change, so this is also the rule for them.
 *
 * @see DeltaRules#UNCHANGED_DELTA
 */
@Value.Enclosing
public class UnchangedDeltaRule extends RelRule<UnchangedDeltaRule.Config>
    implements TransformationRule {

  protected UnchangedDeltaRule(Config config) {
    super(config);
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    final ZSetMarker marker = call.rel(0);
    final RelNode input = marker.getInput();
    if (ChangeTables.readsChanged(input, marker.changed())) {
      return; // something below changed: the operator's own rule applies
    }
    final RelBuilder b = call.builder();
    if (marker.kind() == ZSetMarker.Kind.DELTA) {
      call.transformTo(b.values(marker.getRowType()).build());
    } else {
      call.transformTo(Weights.pushWeighted(b, input).build());
    }
  }

  /** Rule configuration. */
  @Value.Immutable
  public interface Config extends RelRule.Config {
    Config DEFAULT = ImmutableUnchangedDeltaRule.Config.of()
        .withDescription("UnchangedDeltaRule")
        .withOperandSupplier(b0 -> b0.operand(ZSetMarker.class).anyInputs())
        .as(Config.class);

    @Override
    default UnchangedDeltaRule toRule() {
      return new UnchangedDeltaRule(this);
    }
  }
}
