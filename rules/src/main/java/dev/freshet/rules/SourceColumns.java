package dev.freshet.rules;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.Set;
import java.util.SortedSet;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelVisitor;
import org.apache.calcite.rel.core.Correlate;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.metadata.RelColumnOrigin;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * The source tables a plan scans and, for each, the columns it reads: what change capture must copy
 * into the buffer. The planner trims unused fields, so a scan read through a projection needs only the
 * columns the projection uses; otherwise all of them.
 */
public final class SourceColumns {

  private SourceColumns() {
  }

  /**
   * Qualified table name → ordinals of its columns compared by equality in a join condition: the
   * columns by which a delta term looks rows up, hence worth an index on a change table.
   */
  public static Map<List<String>, SortedSet<Integer>> joinKeys(RelNode rel) {
    Map<List<String>, SortedSet<Integer>> result = new LinkedHashMap<>();
    forEachJoinKey(rel, origin -> result.computeIfAbsent(origin.getOriginTable().getQualifiedName(),
        k -> new TreeSet<>()).add(origin.getOriginColumnOrdinal()));
    return result;
  }

  /** {@link #joinKeys} by column name (of the scanned table's row type), over several plans. */
  public static Map<List<String>, SortedSet<String>> joinKeyNames(List<RelNode> plans) {
    Map<List<String>, SortedSet<String>> result = new LinkedHashMap<>();
    for (RelNode plan : plans) {
      forEachJoinKey(plan, origin -> result.computeIfAbsent(origin.getOriginTable().getQualifiedName(),
          k -> new TreeSet<>()).add(origin.getOriginTable().getRowType().getFieldNames()
              .get(origin.getOriginColumnOrdinal())));
    }
    return result;
  }

  /**
   * Qualified table name → the names of its columns (not derived) that a join condition of one of {@code plans}
   * compares by range ({@code <}, {@code <=}, {@code >}, {@code >=}): a delta term reads the rows between two
   * values of the other side (ComparedRowsState's state tables).
   */
  public static Map<List<String>, SortedSet<String>> rangeKeyNames(List<RelNode> plans) {
    Map<List<String>, SortedSet<String>> result = new LinkedHashMap<>();
    for (RelNode plan : plans) {
      forEachJoinColumn(plan, RANGES, origin -> result.computeIfAbsent(origin.getOriginTable().getQualifiedName(),
          k -> new TreeSet<>()).add(origin.getOriginTable().getRowType().getFieldNames()
              .get(origin.getOriginColumnOrdinal())));
    }
    return result;
  }

  private static final Set<SqlKind> EQUALITIES = Set.of(SqlKind.EQUALS, SqlKind.IS_NOT_DISTINCT_FROM);
  private static final Set<SqlKind> RANGES = Set.of(SqlKind.LESS_THAN, SqlKind.LESS_THAN_OR_EQUAL,
      SqlKind.GREATER_THAN, SqlKind.GREATER_THAN_OR_EQUAL);

  /** Each table column (not derived) that a join condition of {@code rel} compares by equality. */
  private static void forEachJoinKey(RelNode rel, Consumer<RelColumnOrigin> action) {
    forEachJoinColumn(rel, EQUALITIES, action);
  }

  /** Each table column (not derived) that a join condition of {@code rel} compares by one of {@code kinds}. */
  private static void forEachJoinColumn(RelNode rel, Set<SqlKind> kinds, Consumer<RelColumnOrigin> action) {
    RelMetadataQuery mq = rel.getCluster().getMetadataQuery();
    new RelVisitor() {
      @Override
      public void visit(RelNode node, int ordinal, RelNode parent) {
        if (node instanceof Join join) {
          for (RexNode conjunct : RelOptUtil.conjunctions(join.getCondition())) {
            if (!kinds.contains(conjunct.getKind())) {
              continue;
            }
            ImmutableBitSet fields = RelOptUtil.InputFinder.bits(conjunct);
            if (kinds == RANGES) { // an index serves a range of a column (under casts), not of an expression
              fields = ImmutableBitSet.of(((RexCall) conjunct).getOperands().stream()
                  .map(SourceColumns::castColumn).filter(java.util.Objects::nonNull).toList());
            }
            for (int field : fields) {
              RelColumnOrigin origin = mq.getColumnOrigin(join, field);
              if (origin != null && !origin.isDerived()) {
                action.accept(origin);
              }
            }
          }
        }
        super.visit(node, ordinal, parent);
      }
    }.go(rel);
  }

  /** The column {@code e} is, under casts; null if it is another expression. */
  private static Integer castColumn(RexNode e) {
    RexNode stripped = e;
    while (stripped.getKind() == SqlKind.CAST) {
      stripped = ((RexCall) stripped).getOperands().get(0);
    }
    return stripped instanceof RexInputRef ref ? ref.getIndex() : null;
  }

  /**
   * The qualified names of the tables {@code rel} scans below a join, at any depth: those whose change tables the
   * delta terms join, so that PostgreSQL needs their statistics to plan them. A table read by no join (TPC-H Q1's and
   * Q6's line items) feeds only filters and aggregates, which a change table's size, read from its pages, plans as
   * well.
   */
  public static Set<List<String>> joined(RelNode rel) {
    Set<List<String>> result = new HashSet<>();
    new RelVisitor() {
      private int joins;

      @Override
      public void visit(RelNode node, int ordinal, RelNode parent) {
        if (node instanceof TableScan scan && joins > 0) {
          result.add(scan.getTable().getQualifiedName());
        }
        boolean join = node instanceof Join || node instanceof Correlate;
        joins += join ? 1 : 0;
        super.visit(node, ordinal, parent);
        joins -= join ? 1 : 0;
      }
    }.go(rel);
    return result;
  }

  /** Qualified table name → column names read, in table order. */
  public static Map<List<String>, SortedSet<Integer>> analyze(RelNode rel) {
    Map<List<String>, SortedSet<Integer>> result = new LinkedHashMap<>();
    new RelVisitor() {
      @Override
      public void visit(RelNode node, int ordinal, RelNode parent) {
        if (node instanceof TableScan scan) {
          SortedSet<Integer> columns = result.computeIfAbsent(scan.getTable().getQualifiedName(),
              k -> new TreeSet<>());
          if (parent instanceof Project project) {
            ImmutableBitSet used = RelOptUtil.InputFinder.bits(project.getProjects(), null);
            used.forEach(columns::add);
          } else {
            for (int i = 0; i < scan.getRowType().getFieldCount(); i++) {
              columns.add(i);
            }
          }
        }
        super.visit(node, ordinal, parent);
      }
    }.go(rel);
    return result;
  }
}
