package dev.freshet.planner.normalize;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Correlate;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.rules.TransformationRule;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.tools.RelBuilder;
import org.immutables.value.Value;

/**
 * Planner rule that rewrites an aggregate grouped only by constants, over an input holding a
 * correlation, into a scalar aggregate guarded by its row count, before the decorrelator sees it.
 *
 * <p>Why: {@code SubQueryRemoveRule} turns {@code EXISTS (q)} into {@code Aggregate({true})} over q —
 * one row if q has rows, none if it is empty. Calcite's {@code RelDecorrelator} drops constant group
 * keys while it rewrites an aggregate whose input it decorrelated (q holding a nested, correlated
 * EXISTS); with every key dropped the aggregate becomes {@code Aggregate({})}, one row always, and the
 * outer EXISTS is planned as TRUE: the stream table no longer reads q's tables at all.
 * <pre>{@code
 * SELECT a.j FROM a WHERE EXISTS (SELECT 1 FROM a a2 WHERE EXISTS (SELECT 1 FROM b WHERE a2.i = b.i))
 *
 * before:  Aggregate(group={0})                    after:  Project(i=[true])
 *            Project(i=[true])                               Filter(>($0, 0))
 *              Correlate(a2, Aggregate(Filter(b)))             Aggregate(group={}, rows=COUNT())
 *                                                                Project(i=[true])
 *                                                                  Correlate(a2, Aggregate(Filter(b)))
 * }</pre>
 * The rewrite is exact for any input: a scalar aggregate over a non-empty input has the values of its
 * one group, and the filter drops the row an empty input would produce.
 */
@Value.Enclosing
public class ConstantKeyAggregateRule extends RelRule<ConstantKeyAggregateRule.Config>
    implements TransformationRule {

  protected ConstantKeyAggregateRule(Config config) {
    super(config);
  }

  @Override
  public boolean matches(RelOptRuleCall call) {
    return allKeysConstant(call.rel(0), call.rel(1));
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    final Aggregate aggregate = call.rel(0);
    final Project project = call.rel(1);
    final RelBuilder b = call.builder();
    b.push(project);
    List<RelBuilder.AggCall> calls = new ArrayList<>();
    aggregate.getAggCallList().forEach(c -> calls.add(b.aggregateCall(c)));
    calls.add(b.countStar("rows"));
    b.aggregate(b.groupKey(), calls);
    final int rows = calls.size() - 1;
    b.filter(b.greaterThan(b.field(rows), b.literal(0)));
    List<RexNode> outputs = new ArrayList<>();
    for (int key : aggregate.getGroupSet()) {
      outputs.add(project.getProjects().get(key));
    }
    for (int i = 0; i < rows; i++) {
      outputs.add(b.field(i));
    }
    b.project(outputs, aggregate.getRowType().getFieldNames(), true);
    // A scalar aggregate types SUM and the like as nullable; the original's types must stay.
    b.convert(aggregate.getRowType(), false);
    call.transformTo(b.build());
  }

  /** Group keys that the input projects as literals: all of them, and at least one. */
  static boolean allKeysConstant(Aggregate aggregate, Project project) {
    return aggregate.getGroupType() == Aggregate.Group.SIMPLE
        && !aggregate.getGroupSet().isEmpty()
        && aggregate.getGroupSet().asList().stream()
            .allMatch(k -> project.getProjects().get(k) instanceof RexLiteral);
  }

  /**
   * True if {@code rel} or a node below it is a {@link Correlate}: only then does the decorrelator
   * rewrite the aggregate. Inputs are unwrapped ({@code stripped()}) because a HepPlanner holds them in vertices.
   */
  static boolean containsCorrelate(RelNode rel) {
    RelNode node = rel.stripped();
    return node instanceof Correlate
        || node.getInputs().stream().anyMatch(ConstantKeyAggregateRule::containsCorrelate);
  }

  /** Rule configuration. */
  @Value.Immutable
  public interface Config extends RelRule.Config {
    Config DEFAULT = ImmutableConstantKeyAggregateRule.Config.of()
        .withDescription("ConstantKeyAggregateRule")
        .withOperandSupplier(b0 -> b0.operand(Aggregate.class).oneInput(b1 ->
            b1.operand(Project.class).predicate(ConstantKeyAggregateRule::containsCorrelate).anyInputs()))
        .as(Config.class);

    @Override
    default ConstantKeyAggregateRule toRule() {
      return new ConstantKeyAggregateRule(this);
    }
  }
}
