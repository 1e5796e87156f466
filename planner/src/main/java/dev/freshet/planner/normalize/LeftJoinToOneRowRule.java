package dev.freshet.planner.normalize;

import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.rules.TransformationRule;
import org.apache.calcite.tools.RelBuilder;
import org.immutables.value.Value;

/**
 * Planner rule that turns a LEFT join ON TRUE into an inner one when its right input always has a
 * row: every left row then meets at least one right row, and none is NULL-extended.
 *
 * <p>Why: Calcite plans an uncorrelated scalar sub-query in the select list,
 * {@code SELECT a.k, (SELECT max(b.v) FROM b) FROM a}, as a LEFT join ON TRUE to the sub-query's
 * aggregate without GROUP BY, which returns exactly one row, NULL over no input. An inner join is
 * maintained differentially where an outer one is not yet.
 * <pre>{@code
 * before:  Join(LEFT, TRUE)                 after:  Join(INNER, TRUE)
 *            Project(a.k)                             Project(a.k)
 *            Aggregate(group={}, MAX(b.v))            Aggregate(group={}, MAX(b.v))
 * }</pre>
 * The right input's columns keep their nullable types, so the join's row type does not change.
 */
@Value.Enclosing
public class LeftJoinToOneRowRule extends RelRule<LeftJoinToOneRowRule.Config> implements TransformationRule {

  protected LeftJoinToOneRowRule(Config config) {
    super(config);
  }

  @Override
  public boolean matches(RelOptRuleCall call) {
    final Join join = call.rel(0);
    if (!join.getCondition().isAlwaysTrue()) {
      return false; // a condition false for some left row would keep it NULL-extended
    }
    Double minRows = call.getMetadataQuery().getMinRowCount(join.getRight());
    return minRows != null && minRows >= 1;
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    final Join join = call.rel(0);
    final RelBuilder b = call.builder();
    b.push(join.getLeft()).push(join.getRight()).join(JoinRelType.INNER, join.getCondition());
    b.convert(join.getRowType(), false);
    call.transformTo(b.build());
  }

  /** Rule configuration. */
  @Value.Immutable
  public interface Config extends RelRule.Config {
    Config DEFAULT = ImmutableLeftJoinToOneRowRule.Config.of()
        .withDescription("LeftJoinToOneRowRule")
        .withOperandSupplier(b0 -> b0.operand(Join.class)
            .predicate(j -> j.getJoinType() == JoinRelType.LEFT).anyInputs())
        .as(Config.class);

    @Override
    default LeftJoinToOneRowRule toRule() {
      return new LeftJoinToOneRowRule(this);
    }
  }
}
