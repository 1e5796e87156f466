package dev.freshet.rules;

import dev.freshet.planner.SourcePosition;
import dev.freshet.planner.admission.ReasonCode;
import dev.freshet.planner.admission.Refusal;
import dev.freshet.planner.admission.UnsupportedQueryException;
import dev.freshet.rules.rel.ZSetMarker;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelVisitor;

/**
 * Differentiates the Z-set part of a plan for one {@link ChangedSet}: marks the root with Δ, runs
 * {@link FreshetPrograms#differentiate()}, then {@link FreshetPrograms#cleanUp()}. The result has the
 * input's columns plus the weight, reads only change tables of changed sources and the current state
 * of the others, and contains no term for a source outside the changed set. Finally
 * {@link FreshetPrograms#distribute()} turns it into a UNION ALL of flat join terms.
 */
public final class Differentiator {

  private Differentiator() {
  }

  /** ΔX for {@code input}; refuses when an operator under it has no delta rule. */
  public static RelNode delta(RelNode input, ChangedSet changed) {
    RelNode marked = ZSetMarker.delta(input, changed);
    RelNode differentiated = run(FreshetPrograms.differentiate(), marked);
    new RelVisitor() {
      @Override
      public void visit(RelNode node, int ordinal, RelNode parent) {
        if (node instanceof ZSetMarker marker) {
          throw new UnsupportedQueryException(new Refusal(ReasonCode.UNSUPPORTED_CONSTRUCT,
              SourcePosition.UNKNOWN, "no delta rule for " + marker.getInput().getRelTypeName(),
              "use --mode FULL or AUTO"), "");
        }
        super.visit(node, ordinal, parent);
      }
    }.go(differentiated);
    RelNode pruned = run(FreshetPrograms.cleanUp(), differentiated);
    RelNode distributed = run(FreshetPrograms.distribute(), pruned);
    try {
      return run(FreshetPrograms.order(), distributed);
    } catch (RuntimeException | AssertionError e) {
      // Calcite's JoinProjectTransposeRule trips over nullability in some shapes (a UNION ALL on
      // an unchanged join side): the terms then stay in query order, which is just as exact.
      return distributed;
    }
  }

  private static RelNode run(HepProgram program, RelNode rel) {
    HepPlanner planner = new HepPlanner(program);
    planner.setRoot(rel);
    return planner.findBestExp();
  }
}
