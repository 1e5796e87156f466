package dev.freshet.rules.delta;

import dev.freshet.rules.rel.ZSetMarker;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.rules.TransformationRule;
import org.immutables.value.Value;

/**
 * Planner rule that pushes a marker through a filter: a filter keeps or drops each row with its
 * weight, so it commutes with Δ and with the pre-state.
 * <pre>{@code
 * Δ(Filter(c, X))  →  Filter(c, Δ(X))
 * }</pre>
 *
 * @see DeltaRules#FILTER_DELTA
 */
@Value.Enclosing
public class FilterDeltaRule extends RelRule<FilterDeltaRule.Config> implements TransformationRule {

  protected FilterDeltaRule(Config config) {
    super(config);
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    final ZSetMarker marker = call.rel(0);
    final Filter filter = call.rel(1);
    call.transformTo(call.builder()
        .push(ZSetMarker.create(filter.getInput(), marker.kind(), marker.changed()))
        .filter(filter.getVariablesSet(), filter.getCondition())
        .build());
  }

  /** Rule configuration. */
  @Value.Immutable
  public interface Config extends RelRule.Config {
    Config DEFAULT = ImmutableFilterDeltaRule.Config.of()
        .withDescription("FilterDeltaRule")
        .withOperandSupplier(b0 -> b0.operand(ZSetMarker.class).oneInput(b1 ->
            b1.operand(Filter.class).anyInputs()))
        .as(Config.class);

    @Override
    default FilterDeltaRule toRule() {
      return new FilterDeltaRule(this);
    }
  }
}
