package dev.freshet.rules.delta;

import dev.freshet.rules.rel.ChangeTables;
import dev.freshet.rules.rel.UsedColumns;
import dev.freshet.rules.rel.Weights;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalUnion;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.tools.RelBuilder;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * Restricts each delta term that compares rows with the change of a one-row state — an aggregate without
 * GROUP BY, such as TPC-H Q22's {@code c_acctbal > (SELECT avg(c_acctbal) …)} or Q11's HAVING threshold — to
 * the rows whose compared value lies between the old and the new value of the state:
 * <pre>{@code
 * X ⋈[e(x) > s] ΔS   →   X ⋈[e(x) > s  ∧  e(x) ≥ min(ΔS.s)  ∧  (e(x) ≤ max(ΔS.s) ∨ Σ ΔS.w ≠ 0)] ΔS
 * }</pre>
 * (and alike for {@code ≥}, {@code <}, {@code ≤}; for {@code =} both bounds hold always). ΔS holds the old value
 * with weight −1 and the new one with +1, so a row x contributes {@code Σ_d w_d·[e(x) θ s_d]}: nothing when
 * e(x) is at or below every s_d (no pair matches), and {@code Σ_d w_d} when it is above all of them (every
 * pair matches) — zero when the weights of the non-NULL values cancel, but only if the pairs (x, old) and
 * (x, new) produce the same row above the join. So the bound that needs cancelling is added only when no
 * column of ΔS but its weight is read above the join or by another conjunct, and only for types whose
 * comparison agrees with {@code min}/{@code max} (numbers, dates, times; not collatable text); it is
 * checked at refresh time ({@code Σ w} over the non-NULL values, from ΔS itself), so a state row that
 * appears or vanishes keeps every row. Without it, a changed average compares every customer twice. X is
 * restricted in two branches, one with both bounds and one with the first alone, of which the sub-queries'
 * values let only one run: each is a range that an index on e(x) serves (Q22 with an index on
 * {@code c_acctbal} reads the customers between the two averages, not half of them).
 *
 * <p>A pass over a finished delta plan (after {@link dev.freshet.rules.Differentiator}'s join order): it
 * needs, at each join, which of its columns the plan above reads, which no single rule sees.
 */
public final class RestrictScalarComparisons {

  /** Comparison kinds the pass restricts, each as {@code e(x) θ s}. */
  private static final Set<SqlKind> COMPARISONS = Set.of(SqlKind.GREATER_THAN, SqlKind.GREATER_THAN_OR_EQUAL,
      SqlKind.LESS_THAN, SqlKind.LESS_THAN_OR_EQUAL, SqlKind.EQUALS);

  /** What a compared state value may be made of (see {@link #isArithmetic}). */
  private static final Set<SqlKind> ARITHMETIC = Set.of(SqlKind.CAST, SqlKind.PLUS, SqlKind.MINUS, SqlKind.TIMES,
      SqlKind.DIVIDE, SqlKind.MINUS_PREFIX);

  /** Types whose comparison operators order values as min and max do. */
  private static final Set<SqlTypeName> ORDERED = Set.of(SqlTypeName.TINYINT, SqlTypeName.SMALLINT,
      SqlTypeName.INTEGER, SqlTypeName.BIGINT, SqlTypeName.DECIMAL, SqlTypeName.FLOAT, SqlTypeName.REAL,
      SqlTypeName.DOUBLE, SqlTypeName.DATE, SqlTypeName.TIME, SqlTypeName.TIMESTAMP,
      SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE);

  private RestrictScalarComparisons() {
  }


  /** {@code delta} with its comparisons against one-row changes restricted; every column of it is read. */
  public static RelNode apply(RelNode delta) {
    return rewrite(delta, ImmutableBitSet.range(delta.getRowType().getFieldCount()));
  }

  /**
   * {@code delta} with its comparisons against one-row changes restricted, where the plan above reads the columns
   * {@code read} of its input and the weight, its last column (an aggregate over the delta: its keys and arguments).
   */
  public static RelNode apply(RelNode delta, ImmutableBitSet read) {
    return rewrite(delta, read.set(delta.getRowType().getFieldCount() - 1));
  }

  /** {@code rel} rewritten below, where {@code used} are the columns of it the plan above reads. */
  private static RelNode rewrite(RelNode rel, ImmutableBitSet used) {
    return UsedColumns.rewrite(rel, used, true, RestrictScalarComparisons::restrict);
  }

  /** {@code join} restricted, ΔS on its right or its left, where the plan above reads {@code used} of its columns. */
  private static RelNode restrict(Join join, ImmutableBitSet used) {
    if (join.getJoinType() != JoinRelType.INNER) {
      return join;
    }
    return restrict(join, used, true).or(() -> restrict(join, used, false)).orElse(join);
  }

  /**
   * The join restricted as in the class comment, with ΔS its right input ({@code deltaOnRight}) or its left;
   * empty when that input is no change of a one-row state, or the join does not qualify.
   */
  private static Optional<RelNode> restrict(Join join, ImmutableBitSet used, boolean deltaOnRight) {
    RelNode delta = deltaOnRight ? join.getRight() : join.getLeft();
    if (!isChangeOfOneRow(delta)) {
      return Optional.empty();
    }
    int leftCount = join.getLeft().getRowType().getFieldCount();
    int deltaCount = delta.getRowType().getFieldCount();
    int deltaStart = deltaOnRight ? leftCount : 0;
    int weight = deltaStart + deltaCount - 1;
    if (!delta.getRowType().getFieldNames().get(deltaCount - 1).equals(Weights.WEIGHT)) {
      return Optional.empty();
    }
    ImmutableBitSet values = ImmutableBitSet.range(deltaStart, weight); // ΔS's columns but its weight
    ImmutableBitSet others = ImmutableBitSet.range(join.getRowType().getFieldCount()).except(values).clear(weight);
    return bounded(join, values, others, used)
        .map(comparison -> build(join, deltaOnRight, comparison.row(), comparison.state(), comparison.kind()));
  }

  /** A comparison {@code e(x) θ s} this pass bounds, oriented so: the rows' expression, the state's, and θ. */
  public record Comparison(RexNode row, RexNode state, SqlKind kind) {
  }

  /**
   * The comparison of the join's condition between the columns {@code values} (a one-row state's) and the columns
   * {@code others}, if it is one this pass bounds: the only conjunct reading {@code values}, which the plan above does
   * not read ({@code used}), of an ordered type on both sides, deterministic, the state's side columns and literals
   * under arithmetic. ComparedRowsState stores the rows of exactly these comparisons.
   */
  public static Optional<Comparison> bounded(Join join, ImmutableBitSet values, ImmutableBitSet others,
      ImmutableBitSet used) {
    List<RexNode> reading = RelOptUtil.conjunctions(join.getCondition()).stream()
        .filter(c -> RelOptUtil.InputFinder.bits(c).intersects(values)).toList();
    // the pairs (x, old) and (x, new) must look alike above the join, and only one conjunct may tell them apart
    if (used.intersects(values) || reading.size() != 1 || !(reading.get(0) instanceof RexCall comparison)
        || !COMPARISONS.contains(comparison.getKind())) {
      return Optional.empty();
    }
    RexNode first = comparison.getOperands().get(0);
    RexNode second = comparison.getOperands().get(1);
    boolean stateSecond = reads(second, values) && reads(first, others);
    boolean stateFirst = reads(first, values) && reads(second, others);
    if (!stateSecond && !stateFirst) {
      return Optional.empty();
    }
    RexNode row = stateSecond ? first : second; // e(x)
    RexNode state = stateSecond ? second : first; // s
    SqlKind kind = stateSecond ? comparison.getKind() : comparison.getKind().reverse();
    if (!RexUtil.isDeterministic(row) || !ORDERED.contains(row.getType().getSqlTypeName())
        || row.getType().getSqlTypeName() != state.getType().getSqlTypeName() || !isArithmetic(state)) {
      return Optional.empty();
    }
    return Optional.of(new Comparison(row, state, kind));
  }

  /**
   * The join with X filtered by the bounds, each a scalar sub-query over ΔS: PostgreSQL runs them once, before
   * the join, and applies the bounds while it scans X.
   */
  private static RelNode build(Join join, boolean deltaOnRight, RexNode row, RexNode state, SqlKind kind) {
    RelBuilder b = RelFactories.LOGICAL_BUILDER.create(join.getCluster(), null);
    RexBuilder rex = b.getRexBuilder();
    RelNode delta = deltaOnRight ? join.getRight() : join.getLeft();
    RelNode other = deltaOnRight ? join.getLeft() : join.getRight();
    int deltaStart = deltaOnRight ? join.getLeft().getRowType().getFieldCount() : 0;
    int otherStart = deltaOnRight ? 0 : join.getLeft().getRowType().getFieldCount();
    RexNode s = RexUtil.shift(state, -deltaStart);
    RexNode w = rex.makeInputRef(delta, delta.getRowType().getFieldCount() - 1);
    RexNode e = RexUtil.shift(row, -otherStart);
    // x θ s for some value s of ΔS bounds e(x) on one side (>: at least the smallest) always; the other bound
    // (>: at most the largest) holds only if the weights of the values cancel, and is NULL (no bound) if not
    boolean below = kind == SqlKind.LESS_THAN || kind == SqlKind.LESS_THAN_OR_EQUAL;
    boolean above = kind == SqlKind.GREATER_THAN || kind == SqlKind.GREATER_THAN_OR_EQUAL;
    RexNode lo = bound(b, delta, s, w, false, below);
    RexNode hi = bound(b, delta, s, w, true, above);
    RexNode atLeastLo = b.call(SqlStdOperatorTable.GREATER_THAN_OR_EQUAL, e, lo);
    RexNode atMostHi = b.call(SqlStdOperatorTable.LESS_THAN_OR_EQUAL, e, hi);
    RelNode filtered = above ? eitherBound(other, atLeastLo, atMostHi, hi)
        : below ? eitherBound(other, atMostHi, atLeastLo, lo)
        : b.push(other).filter(atLeastLo, atMostHi).build(); // =: a matching row lies between the values
    return join.copy(join.getTraitSet(), deltaOnRight ? List.of(filtered, delta) : List.of(delta, filtered));
  }

  /**
   * X restricted by the bound that always holds and the one that may be NULL (no bound), as two branches only
   * one of which runs: {@code σ[always ∧ other ∧ value IS NOT NULL](X) ∪ σ[always ∧ value IS NULL](X)}. The same
   * rows as {@code σ[always ∧ (other ∨ value IS NULL)](X)}, but each branch is a range an index on e(x) can
   * read (an OR with the sub-query's NULL test is not), and PostgreSQL skips the branch whose test of the
   * sub-query fails before it reads X (a one-time filter).
   */
  private static RelNode eitherBound(RelNode other, RexNode always, RexNode bound, RexNode value) {
    RexBuilder rex = other.getCluster().getRexBuilder();
    RelNode known = filter(other, List.of(always, bound,
        rex.makeCall(SqlStdOperatorTable.IS_NOT_NULL, value)));
    RelNode unknown = filter(other, List.of(always, rex.makeCall(SqlStdOperatorTable.IS_NULL, value)));
    return LogicalUnion.create(List.of(known, unknown), true);
  }

  /**
   * {@code σ[conjuncts](X)} as written: RelBuilder's simplification would drop {@code value IS NOT NULL} beside
   * {@code e(x) <= value}, which it implies, and with it the one-time filter.
   */
  private static RelNode filter(RelNode input, List<RexNode> conjuncts) {
    return LogicalFilter.create(input, RexUtil.composeConjunction(input.getCluster().getRexBuilder(), conjuncts));
  }

  /**
   * {@code (SELECT min(s) FROM ΔS)}, or max; if {@code cancelling}, NULL unless the weights of ΔS's non-NULL
   * values sum to zero.
   */
  private static RexNode bound(RelBuilder b, RelNode delta, RexNode s, RexNode w, boolean largest,
      boolean cancelling) {
    RexBuilder rex = b.getRexBuilder();
    String name = largest ? "hi" : "lo";
    b.push(delta).aggregate(b.groupKey(), largest ? b.max(name, s) : b.min(name, s), b.sum(false, "nw",
        b.call(SqlStdOperatorTable.CASE, b.isNull(s), rex.makeExactLiteral(BigDecimal.ZERO), w)));
    RexNode value = b.field(name);
    if (cancelling) {
      value = b.call(SqlStdOperatorTable.CASE, b.equals(b.field("nw"), rex.makeExactLiteral(BigDecimal.ZERO)),
          value, rex.makeNullLiteral(value.getType()));
    }
    return RexSubQuery.scalar(b.project(List.of(value), List.of(name)).build());
  }

  /** True if {@code rel} is the change table of a one-row state, under projections and filters. */
  private static boolean isChangeOfOneRow(RelNode rel) {
    return switch (rel) {
      case Project project -> isChangeOfOneRow(project.getInput());
      case Filter filter -> isChangeOfOneRow(filter.getInput());
      case TableScan scan -> ChangeTables.isChangeOfOneRow(scan);
      default -> false;
    };
  }

  /**
   * True if {@code e} is columns and literals under casts and arithmetic: it moves into a sub-query, where
   * codegen's expression rewrites do not reach, so it must print as Calcite prints it.
   */
  private static boolean isArithmetic(RexNode e) {
    return switch (e) {
      case RexInputRef ref -> true;
      case RexLiteral literal -> true;
      case RexCall call -> ARITHMETIC.contains(call.getKind()) && call.getOperands().stream()
          .allMatch(RestrictScalarComparisons::isArithmetic);
      default -> false;
    };
  }

  /** True if {@code e} reads a column and only columns of {@code columns}. */
  private static boolean reads(RexNode e, ImmutableBitSet columns) {
    ImmutableBitSet bits = RelOptUtil.InputFinder.bits(e);
    return !bits.isEmpty() && columns.contains(bits);
  }
}
