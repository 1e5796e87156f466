package dev.freshet.rules.rel;

import dev.freshet.rules.ChangedSet;
import java.util.List;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.SingleRel;
import org.apache.calcite.rel.type.RelDataType;

/**
 * Marks a sub-plan to be rewritten as a Z-set (DESIGN.md §2): its rows plus a weight column
 * {@value Weights#WEIGHT}. The delta rules push markers down to the scans, where they disappear.
 *
 * <ul>
 *   <li>{@link Kind#DELTA} — ΔX: the changes of X in the refresh window;</li>
 *   <li>{@link Kind#PRE_STATE} — X0: X as it was before the window, built per leaf as
 *       {@code R0 = R1 ⊎ −ΔR}.</li>
 * </ul>
 * A marker that remains after differentiation sits on an operator no rule maintains.
 */
public final class ZSetMarker extends SingleRel {

  /** Which Z-set of the input the marker stands for. */
  public enum Kind {
    DELTA("Δ"), PRE_STATE("pre-state");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  private final Kind kind;
  private final ChangedSet changed;

  private ZSetMarker(RelOptCluster cluster, RelTraitSet traits, RelNode input, Kind kind,
      ChangedSet changed) {
    super(cluster, traits, input);
    this.kind = kind;
    this.changed = changed;
  }

  public static ZSetMarker create(RelNode input, Kind kind, ChangedSet changed) {
    return new ZSetMarker(input.getCluster(), input.getTraitSet(), input, kind, changed);
  }

  public static ZSetMarker delta(RelNode input, ChangedSet changed) {
    return create(input, Kind.DELTA, changed);
  }

  public static ZSetMarker preState(RelNode input, ChangedSet changed) {
    return create(input, Kind.PRE_STATE, changed);
  }

  public Kind kind() {
    return kind;
  }

  public ChangedSet changed() {
    return changed;
  }

  @Override
  protected RelDataType deriveRowType() {
    return Weights.withWeight(getCluster().getTypeFactory(), getInput().getRowType());
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new ZSetMarker(getCluster(), traitSet, sole(inputs), kind, changed);
  }

  @Override
  public RelWriter explainTerms(RelWriter pw) {
    return super.explainTerms(pw).item("kind", kind.label()).item("changed", changed);
  }
}
