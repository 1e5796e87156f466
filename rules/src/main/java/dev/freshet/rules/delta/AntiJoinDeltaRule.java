package dev.freshet.rules.delta;

import dev.freshet.rules.expand.JoinKeys;
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
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.tools.RelBuilder;
import org.immutables.value.Value;

/**
 * Planner rule that differentiates an anti-join {@code A ▷ D} (NOT EXISTS) whose right input matches
 * each row of A at most once ({@link JoinKeys#matchesAtMostOnce}), as outer joins are expanded to:
 * then the rows of A with a partner are {@code A ⋉ D = π_A(A ⋈ D)}, a sub-bag of A, and
 * <pre>{@code
 * Δ(A ▷ D)          →  Δ(A)          ⊎  −Δ(π_A(A ⋈ D))
 * pre-state(A ▷ D)  →  pre-state(A)  ⊎  −pre-state(π_A(A ⋈ D))
 * }</pre>
 * The join is differentiated by {@link JoinDeltaRule}: a row of A changes sides when D gains or
 * loses its key ({@code A1 ⋈ ΔD}), at a cost that follows ΔD. Other anti-joins are left marked (and
 * refused).
 *
 * @see DeltaRules#ANTI_JOIN_DELTA
 */
@Value.Enclosing
public class AntiJoinDeltaRule extends RelRule<AntiJoinDeltaRule.Config> implements TransformationRule {

  protected AntiJoinDeltaRule(Config config) {
    super(config);
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    final ZSetMarker marker = call.rel(0);
    final Join join = call.rel(1);
    if (!JoinKeys.matchesAtMostOnce(join)) {
      return;
    }
    final RelBuilder b = call.builder();
    final RelNode left = join.getLeft();
    final int leftCount = left.getRowType().getFieldCount();
    b.push(left).push(join.getRight()).join(JoinRelType.INNER, join.getCondition());
    b.project(b.fields().subList(0, leftCount), left.getRowType().getFieldNames(), true);
    final RelNode matched = b.build();

    b.push(ZSetMarker.create(left, marker.kind(), marker.changed()));
    b.push(ZSetMarker.create(matched, marker.kind(), marker.changed()));
    List<RexNode> negated = new ArrayList<>(b.fields());
    negated.set(leftCount, b.call(SqlStdOperatorTable.UNARY_MINUS, b.field(leftCount)));
    b.project(negated, Weights.names(join.getRowType()), true);
    b.union(true, 2);
    call.transformTo(b.build());
  }

  /** Rule configuration. */
  @Value.Immutable
  public interface Config extends RelRule.Config {
    Config DEFAULT = ImmutableAntiJoinDeltaRule.Config.of()
        .withDescription("AntiJoinDeltaRule")
        .withOperandSupplier(b0 -> b0.operand(ZSetMarker.class).oneInput(b1 ->
            b1.operand(Join.class).predicate(j -> j.getJoinType() == JoinRelType.ANTI).anyInputs()))
        .as(Config.class);

    @Override
    default AntiJoinDeltaRule toRule() {
      return new AntiJoinDeltaRule(this);
    }
  }
}
