package dev.freshet.planner.normalize;

import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.core.Correlate;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.logical.LogicalCorrelate;
import org.apache.calcite.rel.rules.TransformationRule;
import org.apache.calcite.tools.RelBuilder;
import org.immutables.value.Value;

/**
 * Planner rule that makes an inner correlate LEFT when its right input has a row for every outer row,
 * as a LATERAL sub-query with an aggregate and no GROUP BY has: {@code FROM a, LATERAL (SELECT max(b.j)
 * FROM b WHERE b.k = a.k) x}. Both join types then mean the same, but Calcite's decorrelator turns the
 * inner one into an inner join with the grouped aggregate, losing the outer rows without partners
 * (their {@code max} is NULL, not absent); from a LEFT correlate it builds the LEFT join a scalar
 * sub-query gets. The row type is kept (the right columns cast back where LEFT made them nullable).
 */
@Value.Enclosing
public class OneRowLateralRule extends RelRule<OneRowLateralRule.Config> implements TransformationRule {

  protected OneRowLateralRule(Config config) {
    super(config);
  }

  @Override
  public boolean matches(RelOptRuleCall call) {
    final Correlate correlate = call.rel(0);
    Double minRows = call.getMetadataQuery().getMinRowCount(correlate.getRight());
    return minRows != null && minRows >= 1;
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    final Correlate correlate = call.rel(0);
    final RelBuilder b = call.builder();
    b.push(LogicalCorrelate.create(correlate.getLeft(), correlate.getRight(), correlate.getHints(),
        correlate.getCorrelationId(), correlate.getRequiredColumns(), JoinRelType.LEFT));
    b.convert(correlate.getRowType(), false);
    call.transformTo(b.build());
  }

  /** Rule configuration. */
  @Value.Immutable
  public interface Config extends RelRule.Config {
    Config DEFAULT = ImmutableOneRowLateralRule.Config.of()
        .withDescription("OneRowLateralRule")
        .withOperandSupplier(b0 -> b0.operand(Correlate.class)
            .predicate(c -> c.getJoinType() == JoinRelType.INNER).anyInputs())
        .as(Config.class);

    @Override
    default OneRowLateralRule toRule() {
      return new OneRowLateralRule(this);
    }
  }
}
