package dev.freshet.runtime.streamtable;

import dev.freshet.codegen.refresh.BagRefreshPrinter;
import dev.freshet.codegen.refresh.GroupedRefreshPrinter;
import dev.freshet.codegen.sql.QuerySqlPrinter;
import dev.freshet.planner.LogicalPlan;
import dev.freshet.planner.admission.Refusal;
import dev.freshet.planner.catalog.PgTable;
import dev.freshet.rules.ChangedSet;
import dev.freshet.rules.Differentiator;
import dev.freshet.rules.shape.MaintenanceShape;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.calcite.rel.RelNode;

/**
 * A defining query compiled for one stream table: its plan, how it is maintained, its sources and
 * the printers of its refresh SQL. Delta SQL is compiled once per changed set and cached (DESIGN.md §5).
 *
 * @param shape empty when the table is maintained by FULL refresh
 */
public record CompiledStreamTable(QualifiedName target, String sql, LogicalPlan plan, Mode effectiveMode,
    Optional<Refusal> fallback, List<String> notes, Optional<MaintenanceShape> shape, List<Source> sources,
    Map<ChangedSet, RelNode> deltaCache) {

  /** A source table, and the columns of it the query reads (what its change buffer must hold). */
  public record Source(PgTable table, List<String> readColumns, List<String> joinKeys) {
    public List<String> name() {
      return List.of(table.schema(), table.name());
    }

    /** Ordinary and partitioned tables carry change capture; views and foreign tables cannot. */
    public boolean capturable() {
      return table.kind() == PgTable.Kind.TABLE || table.kind() == PgTable.Kind.PARTITIONED;
    }
  }

  public CompiledStreamTable {
    notes = List.copyOf(notes);
    sources = List.copyOf(sources);
  }

  static CompiledStreamTable of(QualifiedName target, String sql, LogicalPlan plan, Mode effectiveMode,
      Optional<Refusal> fallback, List<String> notes, Optional<MaintenanceShape> shape, List<Source> sources) {
    return new CompiledStreamTable(target, sql, plan, effectiveMode, fallback, notes, shape, sources,
        new ConcurrentHashMap<>());
  }

  /** True when stored one row per group. */
  public boolean grouped() {
    return shape.orElse(null) instanceof MaintenanceShape.Grouped;
  }

  public BagRefreshPrinter bagPrinter() {
    return new BagRefreshPrinter(target.parts(), plan.columnNames());
  }

  public GroupedRefreshPrinter groupedPrinter() {
    return new GroupedRefreshPrinter(target.parts(), plan.columnNames(),
        (MaintenanceShape.Grouped) shape.orElseThrow());
  }

  /** The delta plan of the maintained input for {@code changed}; compiled once per changed set. */
  public RelNode deltaPlan(ChangedSet changed) {
    return deltaCache.computeIfAbsent(changed, c -> Differentiator.delta(shape.orElseThrow().input(), c));
  }

  /** True when the delta plan for {@code changed} is provably empty (all its terms were pruned). */
  public boolean deltaIsEmpty(ChangedSet changed) {
    return deltaPlan(changed) instanceof org.apache.calcite.rel.core.Values v && v.getTuples().isEmpty();
  }

  /** The delta query of the maintained input for {@code changed}: its columns plus {@code __w}. */
  public String deltaSql(ChangedSet changed) {
    return QuerySqlPrinter.print(deltaPlan(changed));
  }
}
