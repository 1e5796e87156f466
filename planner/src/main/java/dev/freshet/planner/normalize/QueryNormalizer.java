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
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.sql2rel.RelDecorrelator;
import org.apache.calcite.tools.RelBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the normalization phases of {@link NormalizePrograms} and the decorrelator, logging each plan. */
public final class QueryNormalizer {
  private static final Logger LOG = LoggerFactory.getLogger(QueryNormalizer.class);

  private QueryNormalizer() {
  }

  /** Normalizes {@code rel}; fails with a refusal if a correlation survives decorrelation. */
  public static RelNode normalize(RelNode rel, RelBuilder relBuilder, String sql) {
    CheckCorrelations.findAcrossLevels(rel).ifPresent(reason -> {
      throw new UnsupportedQueryException(new Refusal(ReasonCode.CORRELATED_SUBQUERY, SourcePosition.UNKNOWN,
          reason, "use --mode FULL or AUTO: PostgreSQL runs the query as written"), sql);
    });
    RelNode current = run("remove-sub-queries", NormalizePrograms.removeSubQueries(), rel);
    CheckCorrelations.find(current).ifPresent(reason -> {
      throw new UnsupportedQueryException(new Refusal(ReasonCode.CORRELATED_SUBQUERY, SourcePosition.UNKNOWN,
          reason, "use --mode FULL or AUTO: PostgreSQL runs the query as written"), sql);
    });
    if (containsCorrelate(current) && !FaultInjection.active(FaultInjection.Fault.CONSTANT_KEYS_UNGUARDED)) {
      current = run("guard-constant-keys", NormalizePrograms.guardConstantKeys(), current);
    }
    if (containsCorrelate(current) && FaultInjection.active(FaultInjection.Fault.CONSTANT_KEYS_UNGUARDED)) {
      current = RelDecorrelator.decorrelateQuery(current, relBuilder); // as it was
    }
    if (containsCorrelate(current)) {
      current = run("push-filters-down", NormalizePrograms.pushFiltersDown(), current);
      current = StepwiseDecorrelator.decorrelate(current, relBuilder);
      log("decorrelate", current);
    }
    if (containsCorrelate(current)) {
      throw new UnsupportedQueryException(new Refusal(ReasonCode.CORRELATED_SUBQUERY,
          SourcePosition.UNKNOWN,
          "a correlated sub-query could not be turned into a join",
          "rewrite the sub-query as a join or a derived table with GROUP BY"), sql);
    }
    return run("simplify", NormalizePrograms.simplify(), current);
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

  private static boolean containsCorrelate(RelNode rel) {
    boolean[] found = {false};
    rel.accept(new RelHomogeneousShuttle() {
      @Override
      public RelNode visit(RelNode other) {
        if (other instanceof Correlate) {
          found[0] = true;
        }
        return super.visit(other);
      }
    });
    return found[0];
  }
}
