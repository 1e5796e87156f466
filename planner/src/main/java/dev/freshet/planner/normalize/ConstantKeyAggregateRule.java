package dev.freshet.planner.normalize;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.CorrelationId;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.rules.TransformationRule;
import org.apache.calcite.rex.RexCorrelVariable;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.tools.RelBuilder;
import org.immutables.value.Value;

/**
 * Planner rule that rewrites an aggregate grouped only by constants into a scalar aggregate guarded
 * by its row count, before the decorrelator sees it. {@code NormalizePrograms} runs it only on plans
 * holding a correlation: the decorrelator leaves the others alone.
 *
 * <p>Why: {@code SubQueryRemoveRule} turns {@code EXISTS (q)} into {@code Aggregate({true})} over q —
 * one row if q has rows, none if it is empty. Calcite's {@code RelDecorrelator}, once a plan holds any
 * correlation, rewrites every aggregate it meets and drops constant group keys; with every key
 * dropped the aggregate becomes {@code Aggregate({})}, one row always, and the EXISTS is planned as
 * TRUE: the stream table no longer reads q's tables at all. It happens to an EXISTS over a nested
 * correlated sub-query, and to an uncorrelated EXISTS beside a correlated one.
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

  /**
   * Group keys that the input projects as literals: all of them, and at least one; and an input that
   * names no variable of a correlate above it. A correlated input is safe and left alone: the
   * decorrelator adds the correlated columns to its group keys, which are then never all dropped (and
   * the rewrite would cost a LEFT JOIN on IS NOT DISTINCT FROM per sub-query, which PostgreSQL cannot hash).
   */
  static boolean allKeysConstant(Aggregate aggregate, Project project) {
    return aggregate.getGroupType() == Aggregate.Group.SIMPLE
        && !aggregate.getGroupSet().isEmpty()
        && aggregate.getGroupSet().asList().stream()
            .allMatch(k -> project.getProjects().get(k) instanceof RexLiteral)
        && freeVariables(project).isEmpty();
  }

  /** Correlation variables named in {@code rel} and not set by a correlate inside it. */
  static Set<CorrelationId> freeVariables(RelNode rel) {
    RelNode node = rel.stripped(); // inside a HepPlanner, inputs are vertices
    Set<CorrelationId> free = new HashSet<>();
    node.accept(new RexShuttle() {
      @Override
      public RexNode visitCorrelVariable(RexCorrelVariable variable) {
        free.add(variable.id);
        return variable;
      }
    });
    node.getInputs().forEach(input -> free.addAll(freeVariables(input)));
    free.removeAll(node.getVariablesSet());
    return free;
  }

  /** Rule configuration. */
  @Value.Immutable
  public interface Config extends RelRule.Config {
    Config DEFAULT = ImmutableConstantKeyAggregateRule.Config.of()
        .withDescription("ConstantKeyAggregateRule")
        .withOperandSupplier(b0 -> b0.operand(Aggregate.class).oneInput(b1 ->
            b1.operand(Project.class).anyInputs()))
        .as(Config.class);

    @Override
    default ConstantKeyAggregateRule toRule() {
      return new ConstantKeyAggregateRule(this);
    }
  }
}
