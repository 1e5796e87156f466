package dev.freshet.rules.expand;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.rules.AggregateExpandDistinctAggregatesRule;
import org.apache.calcite.rel.rules.CoreRules;
import org.apache.calcite.sql.SqlKind;

/**
 * The aggregates whose DISTINCT calls are maintained over their distinct values, kept in a state table:
 * <pre>{@code
 * γ_{g; count(DISTINCT x)}(R)  →  γ_{g; count(x)}(γ_{g, x}(R))
 * }</pre>
 * A DISTINCT call cannot be updated from the rows that changed (a row leaving may leave a copy of its value
 * behind), so it recomputed each affected group from the sources (TPC-H Q16: every part of the group's brand,
 * type and size scanned after a one-row change). The inner aggregate keeps each group's distinct values with
 * their number of rows, and tells the outer one which values came and went; {@code count}, {@code sum}, and
 * {@code avg} of them are then algebraic. Calcite's rule in its two forms that make two aggregates and nothing
 * else: every call DISTINCT (or a min/max, which DISTINCT does not change) over the same arguments; or one DISTINCT
 * call beside calls without it, which the inner aggregate computes per distinct value and the outer one combines
 * ({@code count(*)} as the sum of the counts, {@code sum}, {@code min}, {@code max} of the partial ones). No FILTER
 * or ORDER BY, and kinds that are algebraic or extrema above; the other forms use grouping sets or joins of
 * aggregates, and an aggregate of another shape ({@code count(DISTINCT x), count(DISTINCT y)}) keeps its rescan.
 */
public final class DistinctAggregates {

  private DistinctAggregates() {
  }

  /** The rule, for an aggregate {@link #splits} accepts. */
  public static final AggregateExpandDistinctAggregatesRule SPLIT = CoreRules.AGGREGATE_EXPAND_DISTINCT_AGGREGATES
      .config
      .withOperandSupplier(b -> b.operand(Aggregate.class).predicate(DistinctAggregates::splits).anyInputs())
      .withDescription("DistinctAggregates.SPLIT")
      .as(AggregateExpandDistinctAggregatesRule.Config.class)
      .withUsingGroupingSets(false)
      .toRule();

  /** Whether {@code aggregate} has DISTINCT calls that {@link #SPLIT} moves over a state table of distinct values. */
  public static boolean splits(Aggregate aggregate) {
    if (aggregate.getGroupType() != Aggregate.Group.SIMPLE || !aggregate.containsDistinctCall()) {
      return false;
    }
    Set<List<Integer>> arguments = new HashSet<>();
    boolean monopole = true; // every call DISTINCT or an extremum, over one argument list
    int distinct = 0;
    boolean combinable = true; // the calls without DISTINCT: partials the outer aggregate combines (no avg)
    for (AggregateCall call : aggregate.getAggCallList()) {
      SqlKind kind = call.getAggregation().getKind();
      boolean extremum = kind == SqlKind.MIN || kind == SqlKind.MAX;
      boolean algebraic = kind == SqlKind.COUNT || kind == SqlKind.SUM || kind == SqlKind.SUM0 || kind == SqlKind.AVG;
      if (call.filterArg >= 0 || !call.getCollation().getFieldCollations().isEmpty() || !(extremum || algebraic)) {
        return false;
      }
      if (call.isDistinct()) {
        distinct++;
        monopole &= !call.getArgList().isEmpty();
      } else {
        monopole &= extremum;
        combinable &= kind != SqlKind.AVG;
      }
      arguments.add(call.getArgList());
    }
    return monopole && arguments.size() == 1
        || distinct == 1 && combinable && distinct < aggregate.getAggCallList().size();
  }
}
