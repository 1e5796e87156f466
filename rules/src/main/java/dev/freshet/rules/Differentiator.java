package dev.freshet.rules;

import dev.freshet.planner.SourcePosition;
import dev.freshet.planner.admission.ReasonCode;
import dev.freshet.planner.admission.Refusal;
import dev.freshet.planner.admission.UnsupportedQueryException;
import dev.freshet.rules.delta.RestrictScalarComparisons;
import dev.freshet.rules.rel.ZSetMarker;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.util.ImmutableBitSet;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.RelVisitor;
import org.apache.calcite.rel.core.Correlate;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.logical.LogicalUnion;
import org.apache.calcite.rel.rules.MultiJoin;

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
    return delta(input, changed, ImmutableBitSet.range(input.getRowType().getFieldCount()));
  }

  /**
   * ΔX for {@code input}, of which the maintenance reads the columns {@code read} (and the weight): the others may
   * differ from what X would hold where that makes a term cheaper ({@link RestrictScalarComparisons}).
   */
  public static RelNode delta(RelNode input, ChangedSet changed, ImmutableBitSet read) {
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
    RelNode ordered;
    try {
      ordered = order(distributed);
    } catch (RuntimeException | AssertionError e) {
      // Calcite's JoinProjectTransposeRule trips over nullability in some shapes (a UNION ALL on
      // an unchanged join side): the terms then stay in query order, which is just as exact.
      ordered = distributed;
    }
    return RestrictScalarComparisons.apply(ordered, read);
  }

  /**
   * {@link FreshetPrograms#order()}, run on each term of the UNION ALLs on its own when no join is above them
   * (the usual delta: a projection or grouping of one union of flat join terms). None of its rules matches
   * across a union, so the result is the same; one planner over the whole delta walks its whole graph after
   * every rewrite, which made ordering the 127 terms of TPC-H Q8's all-sources delta most of its create
   * time. Above the unions, only projections are left to merge or remove.
   */
  private static RelNode order(RelNode distributed) {
    if (!joinsOnlyUnderUnions(distributed)) {
      return run(FreshetPrograms.order(), distributed);
    }
    RelNode termsOrdered = distributed.accept(new RelShuttleImpl() {
      @Override
      public RelNode visit(LogicalUnion union) {
        List<RelNode> terms = new ArrayList<>();
        for (RelNode term : union.getInputs()) {
          terms.add(run(FreshetPrograms.order(), term));
        }
        return union.copy(union.getTraitSet(), terms);
      }
    });
    return run(FreshetPrograms.mergeProjections(), termsOrdered);
  }

  /** True if every join of {@code rel} is under a {@link LogicalUnion} (and there is a union). */
  private static boolean joinsOnlyUnderUnions(RelNode rel) {
    boolean[] union = {false};
    boolean[] joinAbove = {false};
    new RelVisitor() {
      @Override
      public void visit(RelNode node, int ordinal, RelNode parent) {
        if (node instanceof LogicalUnion) {
          union[0] = true;
          return;
        }
        if (node instanceof Join || node instanceof Correlate || node instanceof MultiJoin) {
          joinAbove[0] = true;
          return;
        }
        super.visit(node, ordinal, parent);
      }
    }.go(rel);
    return union[0] && !joinAbove[0];
  }

  private static RelNode run(HepProgram program, RelNode rel) {
    HepPlanner planner = new HepPlanner(program);
    planner.setRoot(rel);
    return planner.findBestExp();
  }
}
