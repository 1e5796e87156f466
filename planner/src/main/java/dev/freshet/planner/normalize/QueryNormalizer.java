package dev.freshet.planner.normalize;

import dev.freshet.planner.FaultInjection;
import dev.freshet.planner.SourcePosition;
import dev.freshet.planner.admission.ReasonCode;
import dev.freshet.planner.admission.Refusal;
import dev.freshet.planner.admission.UnsupportedQueryException;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Correlate;
import org.apache.calcite.sql2rel.RelDecorrelator;
import org.apache.calcite.tools.RelBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the normalization phases of {@link NormalizePrograms} and the decorrelator, logging each plan. */
public final class QueryNormalizer {
  private static final Logger LOG = LoggerFactory.getLogger(QueryNormalizer.class);

  private QueryNormalizer() {
  }

  /**
   * Normalizes {@code rel}: removes sub-queries and correlations, then simplifies. Fails with a
   * refusal on a correlation Calcite's decorrelator would misread ({@link CheckCorrelations}) or one
   * that survives decorrelation.
   */
  public static RelNode normalize(RelNode rel, RelBuilder relBuilder, String sql) {
    CheckCorrelations.findAcrossLevels(rel).ifPresent(reason -> refuse(reason, sql));
    RelNode current = run("remove-sub-queries", NormalizePrograms.removeSubQueries(), rel);
    current = CorrelatedCastPullUp.pullUp(current);
    log("pull-up-correlated-casts", current);
    CheckCorrelations.find(current).ifPresent(reason -> refuse(reason, sql));
    if (containsCorrelate(current)) {
      if (FaultInjection.active(FaultInjection.Fault.CONSTANT_KEYS_UNGUARDED)) {
        current = RelDecorrelator.decorrelateQuery(current, relBuilder); // the planner as it was
      } else {
        current = run("guard-constant-keys", NormalizePrograms.guardConstantKeys(), current);
        current = run("push-filters-down", NormalizePrograms.pushFiltersDown(), current);
        current = StepwiseDecorrelator.decorrelate(current, relBuilder);
        log("decorrelate", current);
      }
    }
    RelNode joined = UncorrelatedCorrelates.toJoins(current);
    if (joined != current) { // a sub-query Calcite found empty: its join removed, as PostgreSQL would plan it
      current = run("prune-empty", NormalizePrograms.pruneEmpty(), joined);
    }
    if (containsCorrelate(current)) {
      refuse("a correlated sub-query could not be turned into a join", sql);
    }
    current = run("simplify", NormalizePrograms.simplify(), current);
    return run("reduce-aggregate-keys", NormalizePrograms.reduceAggregateKeys(), current);
  }

  private static void refuse(String reason, String sql) {
    throw new UnsupportedQueryException(new Refusal(ReasonCode.CORRELATED_SUBQUERY, SourcePosition.UNKNOWN,
        reason, "use --mode FULL or AUTO (PostgreSQL runs the query as written), or rewrite the sub-query as a join"),
        sql);
  }

  private static RelNode run(String phase, HepProgram program, RelNode rel) {
    HepPlanner planner = new HepPlanner(program);
    planner.setRoot(rel);
    RelNode result = planner.findBestExp();
    log(phase, result);
    return result;
  }

  private static void log(String phase, RelNode rel) {
    if (LOG.isDebugEnabled()) {
      LOG.debug("after {}:\n{}", phase, org.apache.calcite.plan.RelOptUtil.toString(rel));
    }
  }

  /** True if {@code rel} is or holds a {@link Correlate} (a plan outside a HepPlanner: no vertices). */
  static boolean containsCorrelate(RelNode rel) {
    return rel instanceof Correlate || rel.getInputs().stream().anyMatch(QueryNormalizer::containsCorrelate);
  }

}
