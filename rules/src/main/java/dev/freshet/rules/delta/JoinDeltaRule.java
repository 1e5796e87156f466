package dev.freshet.rules.delta;

import dev.freshet.planner.FaultInjection;
import dev.freshet.rules.rel.Weights;
import dev.freshet.rules.rel.ZSetMarker;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.rules.TransformationRule;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.tools.RelBuilder;
import org.immutables.value.Value;

/**
 * Planner rule that differentiates an inner (or cross) join with the telescoping formula of
 * DESIGN.md §4, exact when both sides change in the same window:
 * <pre>{@code
 * Δ(A ⋈ B)          →  Δ(A) ⋈ pre-state(B)  ⊎  A1 ⋈ Δ(B)         weight = wA · wB
 * pre-state(A ⋈ B)  →  pre-state(A) ⋈ pre-state(B)
 * }</pre>
 * Applied to a tree of binary joins it yields, term by term, {@code Σᵢ A1⋯(i−1)1 ⋈ ΔI ⋈ (i+1)0⋯N0}.
 * Terms whose Δ input reads no changed source become empty and are pruned afterwards (§5).
 * The join condition is kept as is: SQL's {@code =} never matches NULL, exactly as in the original.
 *
 * @see DeltaRules#JOIN_DELTA
 */
@Value.Enclosing
public class JoinDeltaRule extends RelRule<JoinDeltaRule.Config> implements TransformationRule {

  protected JoinDeltaRule(Config config) {
    super(config);
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    final ZSetMarker marker = call.rel(0);
    final Join join = call.rel(1);
    final RelBuilder b = call.builder();
    final RelNode left = join.getLeft();
    final RelNode right = join.getRight();
    if (marker.kind() == ZSetMarker.Kind.PRE_STATE) {
      weightedJoin(b, join, ZSetMarker.preState(left, marker.changed()),
          ZSetMarker.preState(right, marker.changed()));
      call.transformTo(b.build());
      return;
    }
    weightedJoin(b, join, ZSetMarker.delta(left, marker.changed()),
        FaultInjection.active(FaultInjection.Fault.JOIN_WITHOUT_PRE_STATE)
            ? Weights.pushWeighted(b, right).build()
            : ZSetMarker.preState(right, marker.changed()));
    weightedJoin(b, join, Weights.pushWeighted(b, left).build(),
        ZSetMarker.delta(right, marker.changed()));
    b.union(true, 2);
    call.transformTo(b.build());
  }

  /**
   * Pushes {@code Project(l.*, r.*, l.__w · r.__w, Join(l, r))} for two Z-sets whose columns are
   * those of {@code join}'s inputs plus a weight each.
   */
  static void weightedJoin(RelBuilder b, Join join, RelNode weightedLeft, RelNode weightedRight) {
    final int leftCount = join.getLeft().getRowType().getFieldCount();
    final int rightCount = join.getRight().getRowType().getFieldCount();
    // In the condition, right fields move one place to the right, past the left weight.
    RexNode condition = join.getCondition().accept(new RexShuttle() {
      @Override
      public RexNode visitInputRef(RexInputRef ref) {
        return ref.getIndex() < leftCount ? ref
            : new RexInputRef(ref.getIndex() + 1, ref.getType());
      }
    });
    b.push(weightedLeft).push(weightedRight).join(JoinRelType.INNER, condition);
    List<RexNode> fields = new ArrayList<>();
    for (int i = 0; i < leftCount; i++) {
      fields.add(b.field(i));
    }
    for (int i = 0; i < rightCount; i++) {
      fields.add(b.field(leftCount + 1 + i));
    }
    fields.add(b.call(SqlStdOperatorTable.MULTIPLY, b.field(leftCount),
        b.field(leftCount + 1 + rightCount)));
    b.project(fields, Weights.names(join.getRowType()), true);
  }

  /** Rule configuration. */
  @Value.Immutable
  public interface Config extends RelRule.Config {
    Config DEFAULT = ImmutableJoinDeltaRule.Config.of()
        .withDescription("JoinDeltaRule")
        .withOperandSupplier(b0 -> b0.operand(ZSetMarker.class).oneInput(b1 ->
            b1.operand(Join.class).predicate(j -> j.getJoinType() == JoinRelType.INNER)
                .anyInputs()))
        .as(Config.class);

    @Override
    default JoinDeltaRule toRule() {
      return new JoinDeltaRule(this);
    }
  }
}
