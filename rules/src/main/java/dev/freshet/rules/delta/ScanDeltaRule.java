package dev.freshet.rules.delta;

import dev.freshet.rules.rel.ChangeTables;
import dev.freshet.rules.rel.Weights;
import dev.freshet.rules.rel.ZSetMarker;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.rules.TransformationRule;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.tools.RelBuilder;
import org.immutables.value.Value;

/**
 * Planner rule that replaces a marker on the scan of a changed source by its change table
 * (DESIGN.md §2):
 * <pre>{@code
 * Δ(Scan R)          →  Scan ΔR
 * pre-state(Scan R)  →  Project(R.*, 1) ⊎ Project(ΔR.*, −__w)      -- R0 = R1 ⊎ −ΔR
 * }</pre>
 * Scans of unchanged sources are left to {@link UnchangedDeltaRule}.
 *
 * @see DeltaRules#SCAN_DELTA
 */
@Value.Enclosing
public class ScanDeltaRule extends RelRule<ScanDeltaRule.Config> implements TransformationRule {

  protected ScanDeltaRule(Config config) {
    super(config);
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    final ZSetMarker marker = call.rel(0);
    final TableScan scan = call.rel(1);
    if (!marker.changed().contains(scan.getTable().getQualifiedName())) {
      return; // unchanged source: UnchangedDeltaRule prunes it
    }
    final RelBuilder b = call.builder();
    if (marker.kind() == ZSetMarker.Kind.DELTA) {
      call.transformTo(ChangeTables.scan(scan));
      return;
    }
    Weights.pushWeighted(b, scan);
    b.push(ChangeTables.scan(scan));
    List<RexNode> negated = new ArrayList<>(b.fields());
    int w = negated.size() - 1;
    negated.set(w, b.call(org.apache.calcite.sql.fun.SqlStdOperatorTable.UNARY_MINUS, b.field(w)));
    b.project(negated, Weights.names(scan.getRowType()), true);
    b.union(true, 2);
    call.transformTo(b.build());
  }

  /** Rule configuration. */
  @Value.Immutable
  public interface Config extends RelRule.Config {
    Config DEFAULT = ImmutableScanDeltaRule.Config.of()
        .withDescription("ScanDeltaRule")
        .withOperandSupplier(b0 -> b0.operand(ZSetMarker.class).oneInput(b1 ->
            b1.operand(TableScan.class).noInputs()))
        .as(Config.class);

    @Override
    default ScanDeltaRule toRule() {
      return new ScanDeltaRule(this);
    }
  }
}
