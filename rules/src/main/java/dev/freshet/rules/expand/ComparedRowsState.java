package dev.freshet.rules.expand;

import dev.freshet.planner.catalog.PgTypeMapping;
import dev.freshet.rules.delta.RestrictScalarComparisons;
import dev.freshet.rules.rel.UsedColumns;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelVisitor;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.tools.RelBuilder;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.validate.SqlValidatorUtil;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * Keeps the rows compared with an aggregate without GROUP BY in a state table of their own:
 * <pre>{@code
 * X ⋈[e(x) θ s] S   →   γ_{all columns}(X) ⋈[e(x) θ s] S        (S one row: an aggregate without GROUP BY)
 * }</pre>
 * When S changes (TPC-H Q22's average balance moved), the delta term {@code X ⋈ ΔS} reads X between the old and the
 * new value ({@link RestrictScalarComparisons}); X as written is a scan of its sources (every customer of Q22's
 * seven country codes: 45–75 ms at SF-1 after a one-row change). As a state table it is the same rows, stored, and
 * the compared column gets an index there (a column a join compares by range), so that term reads the rows
 * between the two values through it. Only where that restriction will apply: S's columns read by that comparison
 * alone, nowhere above the join (a query that also returns the average compares every row again when it changes,
 * and gains nothing from storing them). X must be unique on its columns, so that grouping by all of them keeps
 * each row once: a key of a source among them, or added (the columns of a key of the projection's input, projected
 * away above the join); and each column of a type whose equal values are the same value (not floats, unbounded
 * numerics or intervals: {@code 1.0} and {@code 1.00} are one group but two values, and a row changed from one to
 * the other would keep the old one). X holds no aggregate (its rows are in a state table already) and S is an
 * aggregate without GROUP BY under projections and filters (it changes; a VALUES does not).
 *
 * <p>A pass, not a rule, for the reason RestrictScalarComparisons is one: it needs, at each join, which of its
 * columns the plan above reads. Plan revision 2 ({@code ShapeAnalyzer.PLAN_REVISION}): the state tables are
 * numbered anew.
 */
public final class ComparedRowsState {

  /** Types whose equal values are one value: a group of them stores what every row of it holds. */
  private static final Set<SqlTypeName> ONE_VALUE_PER_EQUALITY = Set.of(SqlTypeName.TINYINT, SqlTypeName.SMALLINT,
      SqlTypeName.INTEGER, SqlTypeName.BIGINT, SqlTypeName.DECIMAL, SqlTypeName.BOOLEAN, SqlTypeName.DATE,
      SqlTypeName.TIME, SqlTypeName.TIMESTAMP, SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE, SqlTypeName.CHAR,
      SqlTypeName.VARCHAR, SqlTypeName.BINARY, SqlTypeName.VARBINARY);

  private ComparedRowsState() {
  }

  /** {@code rel} with the compared rows of its qualifying joins stored; every column of it is read. */
  public static RelNode apply(RelNode rel) {
    return UsedColumns.rewrite(rel, ImmutableBitSet.range(rel.getRowType().getFieldCount()), false,
        ComparedRowsState::store);
  }

  /** {@code join} with its rows stored, if it qualifies, where the plan above reads {@code used} of its columns. */
  private static RelNode store(Join join, ImmutableBitSet used) {
    if (join.getJoinType() != JoinRelType.INNER) {
      return join;
    }
    for (boolean stateOnRight : new boolean[] {true, false}) {
      RelNode stored = store(join, used, stateOnRight);
      if (stored != null) {
        return stored;
      }
    }
    return join;
  }

  /** The join with its rows stored, the state on its right ({@code stateOnRight}) or left; null if it does not qualify. */
  private static RelNode store(Join join, ImmutableBitSet used, boolean stateOnRight) {
    RelNode state = stateOnRight ? join.getRight() : join.getLeft();
    RelNode rows = stateOnRight ? join.getLeft() : join.getRight();
    if (!isOneRowAggregate(state) || !comparesWith(join, used, stateOnRight) || !ofSources(rows)) {
      return null;
    }
    RelNode keyed = isStorable(rows) ? rows : withKey(rows);
    if (keyed == null) {
      return null;
    }
    // not RelBuilder's aggregate: it leaves out an aggregate over rows already unique on its keys
    RelNode stored = LogicalAggregate.create(keyed, List.of(),
        ImmutableBitSet.range(keyed.getRowType().getFieldCount()), null, List.of());
    int added = keyed.getRowType().getFieldCount() - rows.getRowType().getFieldCount();
    int leftCount = join.getLeft().getRowType().getFieldCount();
    // the key's columns follow the rows' own: the state's columns move right by as many when the rows are left
    RexNode condition = stateOnRight && added > 0 ? join.getCondition().accept(new RexShuttle() {
      @Override
      public RexNode visitInputRef(RexInputRef ref) {
        return ref.getIndex() < leftCount ? ref : new RexInputRef(ref.getIndex() + added, ref.getType());
      }
    }) : join.getCondition();
    RelNode joined = join.copy(join.getTraitSet(), condition, stateOnRight ? stored : state,
        stateOnRight ? state : stored, join.getJoinType(), join.isSemiJoinDone());
    if (added == 0) {
      return joined;
    }
    RelBuilder b = RelFactories.LOGICAL_BUILDER.create(join.getCluster(), null).push(joined);
    List<RexNode> columns = new ArrayList<>(); // the join's own columns again, without the key's
    for (int i = 0; i < join.getRowType().getFieldCount(); i++) {
      columns.add(b.field(stateOnRight && i >= leftCount ? i + added : i));
    }
    return b.project(columns, join.getRowType().getFieldNames(), true).build();
  }

  /**
   * {@code rows}, a projection, with the columns of a key of its input after its own, if that makes it storable
   * ({@link #isStorable}): the query returns the region and the balance of accounts, the state table keeps their
   * number too. Null if there is none.
   */
  private static RelNode withKey(RelNode rows) {
    if (!(rows instanceof Project project)) {
      return null;
    }
    RelNode input = project.getInput();
    RelMetadataQuery mq = rows.getCluster().getMetadataQuery();
    var keys = mq.getUniqueKeys(input, false);
    if (keys == null) {
      return null;
    }
    ImmutableBitSet key = keys.stream().filter(k -> !k.isEmpty())
        .min(java.util.Comparator.comparingInt(ImmutableBitSet::cardinality).thenComparing(ImmutableBitSet::toString))
        .orElse(null);
    if (key == null) {
      return null;
    }
    RelBuilder b = RelFactories.LOGICAL_BUILDER.create(rows.getCluster(), null).push(input);
    List<RexNode> columns = new ArrayList<>(project.getProjects());
    List<String> names = new ArrayList<>(project.getRowType().getFieldNames());
    for (int k : key) {
      columns.add(b.field(k));
      names.add(input.getRowType().getFieldNames().get(k));
    }
    RelNode keyed = b.project(columns, SqlValidatorUtil.uniquify(names, true), true).build();
    return isStorable(keyed) ? keyed : null;
  }

  /** True if {@code rel} is an aggregate without GROUP BY, under projections and filters. */
  private static boolean isOneRowAggregate(RelNode rel) {
    return switch (rel) {
      case Project project -> isOneRowAggregate(project.getInput());
      case Filter filter -> isOneRowAggregate(filter.getInput());
      case Aggregate aggregate -> aggregate.getGroupSet().isEmpty() && aggregate.getGroupType() == Aggregate.Group.SIMPLE;
      default -> false;
    };
  }

  /**
   * True if the join compares the rows with the state as RestrictScalarComparisons bounds the comparison (the one
   * conjunct reading the state's columns, which nothing above the join reads): the term that reads the rows when the
   * state changes then reads the ones between its old and new value, from the stored rows by index.
   */
  private static boolean comparesWith(Join join, ImmutableBitSet used, boolean stateOnRight) {
    int leftCount = join.getLeft().getRowType().getFieldCount();
    int count = join.getRowType().getFieldCount();
    ImmutableBitSet stateColumns = stateOnRight ? ImmutableBitSet.range(leftCount, count)
        : ImmutableBitSet.range(0, leftCount);
    return RestrictScalarComparisons.bounded(join, stateColumns, ImmutableBitSet.range(count).except(stateColumns),
        used).isPresent();
  }

  /**
   * True if {@code rows} can be kept as the groups of all its columns: rows of sources (scans, filters, projections,
   * inner joins; no aggregate), unique on their columns with NULLs equal, each column of a type whose equal values
   * are the same.
   */
  private static boolean isStorable(RelNode rows) {
    RelMetadataQuery mq = rows.getCluster().getMetadataQuery();
    int count = rows.getRowType().getFieldCount();
    if (!ofSources(rows) || !RelOptUtil.getVariablesUsed(rows).isEmpty()
        || !Boolean.TRUE.equals(mq.areColumnsUnique(rows, ImmutableBitSet.range(count), false))) {
      return false;
    }
    for (int i = 0; i < count; i++) {
      RelDataType type = rows.getRowType().getFieldList().get(i).getType();
      // a column of a nondeterministic collation ('A' and 'a' equal) is refused before (FR002)
      if (!ONE_VALUE_PER_EQUALITY.contains(type.getSqlTypeName()) || PgTypeMapping.isUnboundedNumeric(type)) {
        return false;
      }
    }
    return true;
  }

  private static boolean ofSources(RelNode rel) {
    boolean[] only = {true};
    new RelVisitor() {
      @Override
      public void visit(RelNode node, int ordinal, RelNode parent) {
        boolean allowed = node instanceof TableScan
            || node instanceof Filter filter && !RexUtil.SubQueryFinder.containsSubQuery(filter)
            || node instanceof Project project && !project.containsOver()
                && !RexUtil.SubQueryFinder.containsSubQuery(project)
            || node instanceof Join j && j.getJoinType() == JoinRelType.INNER
                && !RexUtil.SubQueryFinder.containsSubQuery(j);
        only[0] &= allowed;
        if (allowed) {
          super.visit(node, ordinal, parent);
        }
      }
    }.go(rel);
    return only[0];
  }
}
