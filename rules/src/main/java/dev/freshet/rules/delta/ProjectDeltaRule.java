package dev.freshet.rules.delta;

import dev.freshet.rules.rel.Weights;
import dev.freshet.rules.rel.ZSetMarker;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.rules.TransformationRule;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.tools.RelBuilder;
import org.immutables.value.Value;

/**
 * Planner rule that pushes a marker through a projection of deterministic expressions, carrying the
 * weight along (admission has refused volatile ones):
 * <pre>{@code
 * Δ(Project(e, X))  →  Project(e, __w, Δ(X))
 * }</pre>
 *
 * @see DeltaRules#PROJECT_DELTA
 */
@Value.Enclosing
public class ProjectDeltaRule extends RelRule<ProjectDeltaRule.Config> implements TransformationRule {

  protected ProjectDeltaRule(Config config) {
    super(config);
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    final ZSetMarker marker = call.rel(0);
    final Project project = call.rel(1);
    final RelBuilder b = call.builder();
    b.push(ZSetMarker.create(project.getInput(), marker.kind(), marker.changed()));
    List<RexNode> exprs = new ArrayList<>(project.getProjects());
    exprs.add(b.field(project.getInput().getRowType().getFieldCount()));
    b.project(exprs, Weights.names(project.getRowType()), true);
    call.transformTo(b.build());
  }

  /** Rule configuration. */
  @Value.Immutable
  public interface Config extends RelRule.Config {
    Config DEFAULT = ImmutableProjectDeltaRule.Config.of()
        .withDescription("ProjectDeltaRule")
        .withOperandSupplier(b0 -> b0.operand(ZSetMarker.class).oneInput(b1 ->
            b1.operand(Project.class).anyInputs()))
        .as(Config.class);

    @Override
    default ProjectDeltaRule toRule() {
      return new ProjectDeltaRule(this);
    }
  }
}
