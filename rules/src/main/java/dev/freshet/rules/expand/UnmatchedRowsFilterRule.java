package dev.freshet.rules.expand;

import java.util.List;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.rules.TransformationRule;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.tools.RelBuilder;
import org.immutables.value.Value;

/**
 * Planner rule for the anti-join written as an outer join, which is how NOT EXISTS and NOT IN come
 * out of decorrelation: a filter {@code b IS NULL} over {@code A ⟕ B}, where {@code b} is a column B
 * never has NULL in, passes no matched row. Only the unmatched part of
 * {@link OuterJoinExpansionRule}'s rewrite is kept:
 * <pre>{@code
 * σ(b IS NULL ∧ …)(A ⟕ B)  →  σ(b IS NULL ∧ …)(pad_B(A ▷ D_B))
 * }</pre>
 * and likewise for a FULL join (the matched rows dropped, both unmatched parts kept) and, with the
 * sides swapped, for RIGHT joins. The filter stays whole, so the rewrite is exact as it stands.
 */
@Value.Enclosing
public class UnmatchedRowsFilterRule extends RelRule<UnmatchedRowsFilterRule.Config>
    implements TransformationRule {

  protected UnmatchedRowsFilterRule(Config config) {
    super(config);
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    final Filter filter = call.rel(0);
    final Join join = call.rel(1);
    final JoinKeys keys = JoinKeys.of(join);
    if (keys.notExpandable().isPresent() || !rejectsMatched(filter.getCondition(), join)) {
      return;
    }
    final RelBuilder b = call.builder();
    int parts = OuterJoinParts.unmatchedParts(b, join, keys);
    if (parts > 1) {
      b.union(true, parts);
    }
    b.convert(join.getRowType(), true);
    b.filter(filter.getVariablesSet(), filter.getCondition());
    call.transformTo(b.build());
  }

  /**
   * True if a conjunct of {@code condition} is {@code x IS NULL} for a column x that is NOT NULL in
   * its input and on a side the join pads with NULLs: a matched row never passes it.
   */
  static boolean rejectsMatched(RexNode condition, Join join) {
    int leftCount = join.getLeft().getRowType().getFieldCount();
    for (RexNode conjunct : RelOptUtil.conjunctions(condition)) {
      if (conjunct.getKind() != SqlKind.IS_NULL
          || !(((RexCall) conjunct).getOperands().get(0) instanceof RexInputRef ref)) {
        continue;
      }
      int field = ref.getIndex();
      boolean rightField = field >= leftCount;
      var input = rightField ? join.getRight() : join.getLeft();
      var type = input.getRowType().getFieldList().get(rightField ? field - leftCount : field).getType();
      boolean padded = rightField ? join.getJoinType().generatesNullsOnRight()
          : join.getJoinType().generatesNullsOnLeft();
      if (padded && !type.isNullable()) {
        return true;
      }
    }
    return false;
  }

  /** Rule configuration. */
  @Value.Immutable
  public interface Config extends RelRule.Config {
    Config DEFAULT = ImmutableUnmatchedRowsFilterRule.Config.of()
        .withDescription("UnmatchedRowsFilterRule")
        .withOperandSupplier(b0 -> b0.operand(Filter.class).oneInput(b1 ->
            b1.operand(Join.class).predicate(j -> j.getJoinType() != JoinRelType.INNER
                && j.getJoinType().isOuterJoin()).anyInputs()))
        .as(Config.class);

    @Override
    default UnmatchedRowsFilterRule toRule() {
      return new UnmatchedRowsFilterRule(this);
    }
  }
}
