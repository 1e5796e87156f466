package dev.freshet.runtime.streamtable;

import dev.freshet.codegen.refresh.HiddenColumns;
import dev.freshet.planner.LogicalPlan;
import dev.freshet.planner.QueryPlanner;
import dev.freshet.planner.admission.Refusal;
import dev.freshet.planner.admission.UnsupportedQueryException;
import dev.freshet.planner.catalog.PgCatalog;
import dev.freshet.planner.catalog.PgCatalogReader;
import dev.freshet.planner.catalog.PgTable;
import dev.freshet.rules.ChangedSet;
import dev.freshet.rules.Differentiator;
import dev.freshet.rules.SourceColumns;
import dev.freshet.rules.shape.MaintenanceShape;
import dev.freshet.rules.shape.ShapeAnalyzer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;

/** Plans a defining query against the live catalog and decides how it is maintained. */
public final class StreamTableCompiler {

  private StreamTableCompiler() {
  }

  public static CompiledStreamTable compile(Connection c, QualifiedName target, String sql, Mode requested)
      throws SQLException {
    return compile(c, target, sql, requested, List.of());
  }

  /**
   * @param searchPath where unqualified names resolve (the search_path the stream table was created
   *     under); empty for the session's
   */
  public static CompiledStreamTable compile(Connection c, QualifiedName target, String sql, Mode requested,
      List<String> searchPath) throws SQLException {
    PgCatalog catalog = PgCatalogReader.read(c);
    if (!searchPath.isEmpty()) {
      catalog = catalog.withSearchPath(searchPath);
    }
    LogicalPlan plan = QueryPlanner.forCatalog(catalog).plan(sql);
    checkColumnNames(target, plan);

    ShapeAnalyzer.Analysis analysis = ShapeAnalyzer.analyze(plan);
    Optional<Refusal> refusal = analysis.refusal();
    Optional<MaintenanceShape> shape = analysis.shape();
    if (shape.isPresent()) {
      try { // every operator must have a delta rule: differentiate once with every source changed
        Differentiator.delta(shape.get().input(), ChangedSet.of(SourceColumns.analyze(plan.rel()).keySet()));
      } catch (UnsupportedQueryException e) {
        refusal = Optional.of(e.refusal());
        shape = Optional.empty();
      }
    }
    Mode effective;
    List<String> notes = new ArrayList<>(analysis.notes());
    switch (requested) {
      case DIFFERENTIAL -> {
        if (refusal.isPresent()) {
          throw new UnsupportedQueryException(refusal.get(), sql);
        }
        effective = Mode.DIFFERENTIAL;
      }
      case AUTO -> effective = refusal.isPresent() ? Mode.FULL : Mode.DIFFERENTIAL;
      case FULL -> {
        effective = Mode.FULL;
        refusal = Optional.empty();
      }
      default -> throw new IllegalStateException();
    }
    if (effective == Mode.FULL) {
      shape = Optional.empty();
      notes.clear();
    }
    Map<List<String>, SortedSet<Integer>> read = SourceColumns.analyze(plan.rel());
    Map<List<String>, SortedSet<Integer>> joinKeys = SourceColumns.joinKeys(plan.rel());
    List<CompiledStreamTable.Source> sources = new ArrayList<>();
    for (var entry : read.entrySet()) {
      List<String> name = entry.getKey();
      PgTable table = catalog.table(name.get(0), name.get(1)).orElseThrow(() ->
          new IllegalStateException("planned table " + name + " is not in the catalog"));
      if (table.schema().equals(target.schema()) && table.name().equals(target.name())) {
        throw new StreamTableException("the query of " + target + " reads " + target + " itself");
      }
      List<String> columns = new ArrayList<>();
      if (effective == Mode.DIFFERENTIAL) {
        entry.getValue().forEach(i -> columns.add(table.columns().get(i).name()));
      }
      List<String> keys = new ArrayList<>();
      if (effective == Mode.DIFFERENTIAL) {
        joinKeys.getOrDefault(name, new java.util.TreeSet<>()).forEach(i -> keys.add(table.columns().get(i).name()));
      }
      sources.add(new CompiledStreamTable.Source(table, columns, keys));
    }
    return CompiledStreamTable.of(target, sql, plan, effective,
        effective == Mode.FULL ? refusal : Optional.empty(), notes, shape, sources);
  }

  private static void checkColumnNames(QualifiedName target, LogicalPlan plan) {
    Set<String> seen = new HashSet<>();
    for (String column : plan.columnNames()) {
      if (column.startsWith(HiddenColumns.PREFIX)) {
        throw new StreamTableException("the query of " + target + " has a column named " + column
            + "; names starting with " + HiddenColumns.PREFIX + " are reserved for Freshet; alias it");
      }
      if (!seen.add(column)) {
        throw new StreamTableException("the query of " + target + " has two columns named \"" + column
            + "\"; a table needs distinct column names: alias one of them (… AS other_name)");
      }
    }
  }
}
