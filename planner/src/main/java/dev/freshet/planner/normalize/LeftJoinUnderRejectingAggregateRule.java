package dev.freshet.planner.normalize;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.plan.Strong;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.rules.TransformationRule;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.tools.RelBuilder;
import org.apache.calcite.util.ImmutableBitSet;
import org.immutables.value.Value;

/**
 * Planner rule that turns a LEFT join into an inner one when the aggregate above it, grouping by the
 * left side only, aggregates the right side with functions that are NULL on no input, and a filter
 * above the aggregate rejects those NULLs.
 *
 * <p>Why: Calcite decorrelates a scalar sub-query compared in WHERE into exactly this shape (TPC-H
 * Q20: {@code ps_availqty > (SELECT 0.5 * sum(l_quantity) FROM lineitem WHERE l_partkey = ps_partkey …)}).
 * A left row without a partner forms a group whose aggregates are all NULL, which the filter drops;
 * a left row with partners gets no NULL-extended row. So the inner join gives the same rows, and an
 * inner join is maintained differentially where an outer one is not yet.
 * <pre>{@code
 * before:  Filter(ps_availqty > 0.5 * $s)      after:  Filter(ps_availqty > 0.5 * $s)
 *            Aggregate(group={ps.*}, $s=SUM(l.q))          Aggregate(group={ps.*}, $s=SUM(l.q))
 *              Join(LEFT, ps.key = l.key)                    Join(INNER, ps.key = l.key)
 * }</pre>
 */
@Value.Enclosing
public class LeftJoinUnderRejectingAggregateRule extends RelRule<LeftJoinUnderRejectingAggregateRule.Config>
    implements TransformationRule {

  /** Aggregate functions that ignore NULL inputs and are NULL over no (non-NULL) input. */
  private static final Set<SqlKind> NULL_ON_EMPTY = Set.of(SqlKind.SUM, SqlKind.MIN, SqlKind.MAX, SqlKind.AVG);

  protected LeftJoinUnderRejectingAggregateRule(Config config) {
    super(config);
  }

  @Override
  public boolean matches(RelOptRuleCall call) {
    final Filter filter = call.rel(0);
    final Aggregate aggregate = call.rel(1);
    final Join join = call.rel(2);
    int leftCount = join.getLeft().getRowType().getFieldCount();
    if (aggregate.getGroupType() != Aggregate.Group.SIMPLE || aggregate.getAggCallList().isEmpty()
        || aggregate.getGroupSet().asList().stream().anyMatch(k -> k >= leftCount)) {
      return false; // a key from the right side would tell NULL-extended rows apart
    }
    for (AggregateCall c : aggregate.getAggCallList()) {
      if (!NULL_ON_EMPTY.contains(c.getAggregation().getKind()) || c.filterArg >= 0 || c.getArgList().isEmpty()
          || c.getArgList().stream().anyMatch(a -> a < leftCount)) {
        return false; // COUNT is 0, not NULL, for a left row without partners; left arguments are not NULL
      }
    }
    ImmutableBitSet calls = ImmutableBitSet.range(aggregate.getGroupCount(), aggregate.getRowType().getFieldCount());
    return Strong.isNotTrue(filter.getCondition(), calls);
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    final Filter filter = call.rel(0);
    final Aggregate aggregate = call.rel(1);
    final Join join = call.rel(2);
    final RelBuilder b = call.builder();
    b.push(join.getLeft()).push(join.getRight()).join(JoinRelType.INNER, join.getCondition());
    List<RelBuilder.AggCall> calls = new ArrayList<>();
    aggregate.getAggCallList().forEach(c -> calls.add(b.aggregateCall(c)));
    b.aggregate(b.groupKey(aggregate.getGroupSet()), calls);
    // The right side's columns are NOT NULL now: the calls' types narrow; the filter expects them as were.
    b.convert(aggregate.getRowType(), false);
    b.filter(filter.getCondition());
    call.transformTo(b.build());
  }

  /** Rule configuration. */
  @Value.Immutable
  public interface Config extends RelRule.Config {
    Config DEFAULT = ImmutableLeftJoinUnderRejectingAggregateRule.Config.of()
        .withDescription("LeftJoinUnderRejectingAggregateRule")
        .withOperandSupplier(b0 -> b0.operand(Filter.class).oneInput(b1 ->
            b1.operand(Aggregate.class).oneInput(b2 ->
                b2.operand(Join.class).predicate(j -> j.getJoinType() == JoinRelType.LEFT).anyInputs())))
        .as(Config.class);

    @Override
    default LeftJoinUnderRejectingAggregateRule toRule() {
      return new LeftJoinUnderRejectingAggregateRule(this);
    }
  }
}
