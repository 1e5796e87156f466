package dev.freshet.rules.rel;

import java.util.List;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.prepare.RelOptTableImpl;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.logical.LogicalTableScan;
import org.apache.calcite.rel.type.RelDataType;

/**
 * Where ΔR lives at refresh time: a temporary table {@code pg_temp."Δschema.table"} holding the source's
 * window, consolidated (one row per distinct row, its summed weight, no zero weights), with the
 * source's columns plus {@value Weights#WEIGHT}. Delta plans scan it like any table.
 */
public final class ChangeTables {

  /** The schema PostgreSQL gives each session for its temporary tables. */
  public static final String TEMP_SCHEMA = "pg_temp";

  private ChangeTables() {
  }

  /** {@code ["pg_temp", "Δpublic.orders"]} for source {@code ["public", "orders"]}. */
  public static List<String> name(List<String> source) {
    return List.of(TEMP_SCHEMA, "Δ" + String.join(".", source));
  }

  /** A scan of ΔR for the scan of R: R's row type plus the weight. */
  public static RelNode scan(TableScan source) {
    RelDataType rowType = Weights.withWeight(source.getCluster().getTypeFactory(), source.getRowType());
    RelOptTable table = RelOptTableImpl.create(source.getTable().getRelOptSchema(), rowType,
        name(source.getTable().getQualifiedName()), null);
    return LogicalTableScan.create(source.getCluster(), table, List.of());
  }

  /** True if a scan of a changed source is under {@code rel}. */
  public static boolean readsChanged(RelNode node, dev.freshet.rules.ChangedSet changed) {
    RelNode rel = node.stripped(); // inside a HepPlanner, inputs are vertices
    if (rel instanceof TableScan scan) {
      return changed.contains(scan.getTable().getQualifiedName());
    }
    for (RelNode input : rel.getInputs()) {
      if (readsChanged(input, changed)) {
        return true;
      }
    }
    return false;
  }
}
