package dev.freshet.rules.rel;

import java.util.List;
import org.apache.calcite.prepare.RelOptTableImpl;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.logical.LogicalTableScan;
import org.apache.calcite.rel.type.RelDataType;

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

  /** A scan of the state table {@code name}, whose columns are {@code rowType} (the operator's result). */
  public static RelNode scan(RelNode operator, List<String> name) {
    RelDataType rowType = operator.getRowType();
    return LogicalTableScan.create(operator.getCluster(), RelOptTableImpl.create(null, rowType, name, null),
        List.of());
  }
}
