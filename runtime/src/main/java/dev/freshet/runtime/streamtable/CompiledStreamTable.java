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
import dev.freshet.rules.shape.Stratum;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.calcite.rel.RelNode;

/**
 * A defining query compiled for one stream table: how it is maintained, its sources and the printers
 * of its refresh SQL. Delta SQL is compiled once per changed set and cached (DESIGN.md §5).
 *
 * @param plan Freshet's plan; empty for a FULL stream table, which PostgreSQL runs as written
 * @param columnNames the stream table's columns: PostgreSQL's names for the query's result
 * @param shape empty when the table is maintained by FULL refresh
 * @param strata the stateful operators inside the query, bottom-up, each kept in a state table that
 *     the shape's input (and the strata above) read
 * @param recomputesEveryRefresh FULL only: a source or function cannot be watched for changes
 *     ({@link #notes} say which), so every refresh recomputes, changed sources or not
 */
public record CompiledStreamTable(QualifiedName target, String sql, Optional<LogicalPlan> plan,
    List<String> columnNames, Mode effectiveMode, Optional<Refusal> fallback, List<String> notes,
    Optional<MaintenanceShape> shape, List<Stratum> strata, List<Source> sources, boolean recomputesEveryRefresh,
    Map<ChangedSet, RelNode> deltaCache) {

  /** How the note saying why a FULL stream table recomputes at every refresh begins. */
  public static final String RECOMPUTED_EVERY_REFRESH = "recomputed at every refresh: its query ";

  /**
   * A source table (ordinary or partitioned: it carries change capture), and the columns of it the
   * query reads (what its change buffer must hold; none for FULL, which only asks whether it changed).
   */
  public record Source(PgTable table, List<String> readColumns, List<String> joinKeys) {
    public List<String> name() {
      return List.of(table.schema(), table.name());
    }
  }

  public CompiledStreamTable {
    columnNames = List.copyOf(columnNames);
    notes = List.copyOf(notes);
    strata = List.copyOf(strata);
    sources = List.copyOf(sources);
  }

  static CompiledStreamTable differential(QualifiedName target, String sql, LogicalPlan plan,
      List<String> columnNames, List<String> notes, MaintenanceShape shape, List<Stratum> strata,
      List<Source> sources) {
    return new CompiledStreamTable(target, sql, Optional.of(plan), columnNames, Mode.DIFFERENTIAL, Optional.empty(),
        notes, Optional.of(shape), strata, sources, false, new ConcurrentHashMap<>());
  }

  static CompiledStreamTable full(QualifiedName target, String sql, List<String> columnNames,
      Optional<Refusal> fallback, List<String> notes, List<Source> sources, boolean recomputesEveryRefresh) {
    return new CompiledStreamTable(target, sql, Optional.empty(), columnNames, Mode.FULL, fallback, notes,
        Optional.empty(), List.of(), sources, recomputesEveryRefresh, new ConcurrentHashMap<>());
  }

  /** True when stored one row per group. */
  public boolean grouped() {
    return shape.orElse(null) instanceof MaintenanceShape.Grouped;
  }

  public BagRefreshPrinter bagPrinter() {
    return new BagRefreshPrinter(target.parts(), columnNames);
  }

  public GroupedRefreshPrinter groupedPrinter() {
    return new GroupedRefreshPrinter(target.parts(), columnNames, (MaintenanceShape.Grouped) shape.orElseThrow());
  }

  /** The printer of a stratum's state table (laid out as a grouped stream table whose columns are its result). */
  public GroupedRefreshPrinter stratumPrinter(Stratum stratum) {
    return new GroupedRefreshPrinter(stratum.stateTable(), stratum.resultColumns(), stratum.shape());
  }

  /**
   * {@code changed} plus the state tables that change with it: those whose input reads something in
   * it, bottom-up (a refresh adds only those whose delta turned out non-empty).
   */
  public ChangedSet withChangedStrata(ChangedSet changed) {
    java.util.Set<List<String>> all = new java.util.HashSet<>(changed.tables());
    for (Stratum stratum : strata) {
      if (dev.freshet.rules.rel.ChangeTables.readsChanged(stratum.shape().input(), ChangedSet.of(all))) {
        all.add(stratum.stateTable());
      }
    }
    return ChangedSet.of(all);
  }

  /** The delta query of a stratum's input for {@code changed}; compiled once per changed set. */
  public String stratumDeltaSql(Stratum stratum, ChangedSet changed) {
    return QuerySqlPrinter.print(stratum.deltaCache().computeIfAbsent(changed,
        c -> Differentiator.delta(stratum.shape().input(), c)));
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
