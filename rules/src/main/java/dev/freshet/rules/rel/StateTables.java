package dev.freshet.rules.rel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.calcite.prepare.RelOptTableImpl;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.logical.LogicalTableScan;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.schema.ScannableTable;
import org.apache.calcite.schema.Statistic;
import org.apache.calcite.schema.Statistics;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.util.ImmutableBitSet;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import com.google.common.collect.ImmutableList;

/**
 * Where the stored state of an operator inside a stream table's query lives (DESIGN.md §4): a hidden
 * table {@code freshet_state."st_<stream table id>_<n>"} holding the operator's result (with hidden
 * state columns). The plans above the operator read it through a scan of its result columns, like a
 * source table: its delta in a refresh is a change table ({@link ChangeTables}), its current state the
 * table itself, already updated.
 */
public final class StateTables {

  /** The schema of state tables. */
  public static final String SCHEMA = "freshet_state";

  private StateTables() {
  }

  /** {@code ["freshet_state", "st_<id>_<ordinal>"]}. */
  public static List<String> name(long streamTableId, int ordinal) {
    return List.of(SCHEMA, prefix(streamTableId) + ordinal);
  }

  /** The name prefix of every state table of a stream table: {@code st_<id>_}. */
  public static String prefix(long streamTableId) {
    return "st_" + streamTableId + "_";
  }

  public static boolean isStateTable(List<String> qualifiedName) {
    return qualifiedName.size() == 2 && qualifiedName.get(0).equals(SCHEMA);
  }

  /**
   * A scan of the state table {@code name} of {@code aggregate}: its result columns, and, for the
   * planner's metadata, its group keys as the table's key (one stored row per group), with the keys
   * Calcite derives of the aggregate from its input (GROUP BY a primary key and another column: unique on
   * the primary key alone). Without them a plan decided on the aggregate's uniqueness (an outer join's
   * D_B left without DISTINCT) could not be checked on its state table (soak 757's refusal).
   */
  public static RelNode scan(Aggregate aggregate, List<String> name) {
    RelDataType rowType = aggregate.getRowType();
    Table table = new KeyedTable(rowType, keys(aggregate));
    return LogicalTableScan.create(aggregate.getCluster(),
        RelOptTableImpl.create(null, rowType, table, ImmutableList.copyOf(name)), List.of());
  }

  /**
   * {@link #key}, then the other minimal keys Calcite finds the aggregate unique on, NULLs counted
   * (a table's key is read whatever the caller's {@code ignoreNulls}); at most {@value #MAX_KEYS} in all.
   */
  private static List<ImmutableBitSet> keys(Aggregate aggregate) {
    ImmutableBitSet groupKey = key(aggregate);
    List<ImmutableBitSet> keys = new ArrayList<>(List.of(groupKey));
    var derived = aggregate.getCluster().getMetadataQuery().getUniqueKeys(aggregate, false);
    if (derived != null) {
      derived.stream()
          .filter(k -> !k.isEmpty() || groupKey.isEmpty())
          .sorted(Comparator.comparingInt(ImmutableBitSet::cardinality).thenComparing(ImmutableBitSet::toString))
          .filter(k -> keys.stream().noneMatch(k::contains))
          .limit(MAX_KEYS - 1)
          .forEach(keys::add);
    }
    return keys;
  }

  private static final int MAX_KEYS = 8;

  /**
   * The group keys but those that are constant ({@code SELECT DISTINCT 'ab' AS c, x}: unique on x
   * alone), which Calcite knows of the aggregate but could no longer see in a scan of its table.
   */
  private static ImmutableBitSet key(Aggregate aggregate) {
    ImmutableBitSet key = ImmutableBitSet.range(aggregate.getGroupCount());
    var constants = aggregate.getCluster().getMetadataQuery().getPulledUpPredicates(aggregate).constantMap;
    for (int i : key) {
      if (constants.containsKey(aggregate.getCluster().getRexBuilder().makeInputRef(aggregate, i))) {
        key = key.clear(i);
      }
    }
    return key;
  }

  /** What the planner knows of a state table: its columns and its key. Never scanned by Calcite. */
  private static final class KeyedTable extends AbstractTable implements ScannableTable {
    private final RelDataType rowType;
    private final Statistic statistic;

    KeyedTable(RelDataType rowType, List<ImmutableBitSet> keys) {
      this.rowType = rowType;
      // 100 rows: what Calcite assumes of a table it knows nothing of, as before keys were given.
      this.statistic = Statistics.of(100d, keys);
    }

    @Override
    public RelDataType getRowType(RelDataTypeFactory typeFactory) {
      return rowType;
    }

    @Override
    public Statistic getStatistic() {
      return statistic;
    }

    @Override
    public Enumerable<Object[]> scan(DataContext root) {
      throw new UnsupportedOperationException("state tables are read by PostgreSQL");
    }
  }
}
