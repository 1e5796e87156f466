package dev.freshet.runtime.streamtable;

import dev.freshet.codegen.ddl.WriteGuardPrinter;
import dev.freshet.codegen.program.RefreshProgram;
import dev.freshet.codegen.program.RefreshProgramPrinter;
import dev.freshet.codegen.refresh.GroupedRefreshPrinter;
import dev.freshet.codegen.refresh.StoredColumn;
import dev.freshet.codegen.refresh.StoredTablePrinter;
import dev.freshet.codegen.refresh.TopRowsPrinter;
import dev.freshet.codegen.sql.DeltaTermMarks;
import dev.freshet.codegen.sql.QuerySqlPrinter;
import dev.freshet.planner.LogicalPlan;
import dev.freshet.planner.admission.Refusal;
import dev.freshet.planner.catalog.PgTable;
import dev.freshet.rules.ChangedSet;
import dev.freshet.rules.Differentiator;
import dev.freshet.rules.rel.RequiredChanges;
import dev.freshet.rules.shape.MaintenanceShape;
import dev.freshet.rules.shape.Stratum;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.calcite.rel.RelNode;

/**
 * A defining query compiled for one stream table: how it is maintained, its sources, and the refresh
 * programs codegen prints for it. Delta SQL is compiled once per changed set and cached (DESIGN.md §5).
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
  /**
   * A source table as the stream table reads it.
   *
   * @param rowFilter a filter over a scan of the source that every row counting in the plan meets
   *     ({@link dev.freshet.rules.SourceFilters}): its change table keeps only the window's rows that do
   * @param joined whether the plan reads the source below a join ({@link dev.freshet.rules.SourceColumns#joined}):
   *     else its change table is not analyzed
   */
  public record Source(PgTable table, List<String> readColumns, List<String> joinKeys, Optional<RelNode> rowFilter,
      boolean joined) {
    public Source(PgTable table, List<String> readColumns, List<String> joinKeys) {
      this(table, readColumns, joinKeys, Optional.empty(), true);
    }

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
      List<Source> sources, Map<ChangedSet, RelNode> deltaCache) {
    return new CompiledStreamTable(target, sql, Optional.of(plan), columnNames, Mode.DIFFERENTIAL, Optional.empty(),
        notes, Optional.of(shape), strata, sources, false, deltaCache);
  }

  static CompiledStreamTable full(QualifiedName target, String sql, List<String> columnNames,
      Optional<Refusal> fallback, List<String> notes, List<Source> sources, boolean recomputesEveryRefresh) {
    return new CompiledStreamTable(target, sql, Optional.empty(), columnNames, Mode.FULL, fallback, notes,
        Optional.empty(), List.of(), sources, recomputesEveryRefresh, new ConcurrentHashMap<>());
  }

  /** The printer of the stream table's storage, laid out for its row identity. */
  public StoredTablePrinter storage() {
    return StoredTablePrinter.of(target.parts(), columnNames, shape);
  }

  /** The tables a refresh writes: the stream table, then each state table bottom-up. */
  public List<List<String>> storedTables() {
    List<List<String>> tables = new java.util.ArrayList<>();
    tables.add(target.parts());
    strata.forEach(s -> tables.add(s.stateTable()));
    return tables;
  }

  /** The printer of each table a refresh writes ({@link #storedTables()}), bottom-up. */
  /**
   * The query each table a refresh writes is created with (its columns' names and types; never run): a
   * state table's from its plan, the stream table's from the defining query and its plan.
   */
  public Map<List<String>, String> storageQueries() {
    Map<List<String>, String> queries = new java.util.LinkedHashMap<>();
    strata.forEach(s -> queries.put(s.stateTable(), stratumPrinter(s).stateQuery()));
    queries.put(target.parts(), storage().storageQuery(sql));
    return queries;
  }

  public Map<List<String>, StoredTablePrinter> storagePrinters() {
    Map<List<String>, StoredTablePrinter> printers = new java.util.LinkedHashMap<>();
    strata.forEach(s -> printers.put(s.stateTable(), stratumPrinter(s)));
    printers.put(target.parts(), storage());
    return printers;
  }

  /** The DDL creating the state tables, bottom-up, and the stream table, all empty. */
  public List<String> createStorage() {
    List<String> ddl = new java.util.ArrayList<>();
    StateIndexes indexes = stateIndexes();
    for (Stratum s : strata) {
      ddl.addAll(stratumPrinter(s).createStorage());
      indexes.indexed(s).forEach(column -> ddl.add(stratumPrinter(s).joinKeyIndex(column, indexes.predicate(s))));
    }
    if (shape.isPresent() && shape.get() instanceof MaintenanceShape.TopK topK) {
      TopRowsPrinter.rankIndex(topK, strata.getLast().stateTable()).ifPresent(ddl::add);
    }
    ddl.addAll(storage().createStorage(sql));
    ddl.add(WriteGuardPrinter.guard(target.parts()));
    return ddl;
  }

  /**
   * Each state table's columns that get an index (for {@link #createStorage} and explain), by state table: those a
   * join above compares by equality, and for a state table of rows without aggregates (ComparedRowsState's stored
   * rows, or distinct values) those a join compares by range ({@code <}, {@code >=} ...) too: a column never updated
   * in place, so an index on it costs nothing at updates, and serves the delta term that reads the rows between two
   * values of the other side ({@link StateIndexes#rangeCompared}). When every read of a state table keeps only its rows
   * that meet a condition ({@link dev.freshet.rules.SourceFilters}: TPC-H Q18's {@code sum(l_quantity) > 300}, met by
   * 60 of 1.5 million orders), its indexes hold only those rows ({@link StateIndexes#predicate}): a delta term's
   * lookups then find the few in a small index that stays in memory, where they read one page of the whole state
   * table's index per changed order (Q18's term of the changed orders: 75 ms → 17 on one window at SF-1). Such an
   * index makes every update of the condition's columns a non-HOT one (8 ms more for Q18's state MERGE).
   */
  public StateIndexes stateIndexes() {
    List<RelNode> plans = plansReadingState();
    Map<List<String>, RelNode> filters = dev.freshet.rules.SourceFilters.analyze(plans);
    Map<List<String>, String> predicates = new java.util.LinkedHashMap<>();
    Map<List<String>, java.util.SortedSet<String>> joinKeys = dev.freshet.rules.SourceColumns.joinKeyNames(plans);
    Map<List<String>, java.util.SortedSet<String>> rangeKeys = dev.freshet.rules.SourceColumns.rangeKeyNames(plans);
    Map<List<String>, java.util.SortedSet<String>> indexed = new java.util.LinkedHashMap<>();
    Map<List<String>, java.util.SortedSet<String>> ranges = new java.util.LinkedHashMap<>();
    for (Stratum s : strata) {
      java.util.SortedSet<String> range = s.shape().aggregate().getAggCallList().isEmpty()
          ? new java.util.TreeSet<>(rangeKeys.getOrDefault(s.stateTable(), new java.util.TreeSet<>()))
          : new java.util.TreeSet<>();
      java.util.SortedSet<String> columns = new java.util.TreeSet<>(joinKeys.getOrDefault(s.stateTable(),
          new java.util.TreeSet<>()));
      columns.addAll(range);
      indexed.put(s.stateTable(), columns);
      ranges.put(s.stateTable(), range);
      RelNode filter = filters.get(s.stateTable());
      if (filter != null && dev.freshet.rules.SourceFilters.indexable(filter)) {
        predicates.put(s.stateTable(), dev.freshet.codegen.refresh.ChangeTablePrinter.condition(filter));
      }
    }
    return new StateIndexes(indexed, ranges, predicates);
  }

  /**
   * {@link #stateIndexes()}: per state table, its indexed columns, and those of them a join compares by range.
   */
  public record StateIndexes(Map<List<String>, java.util.SortedSet<String>> indexed,
      Map<List<String>, java.util.SortedSet<String>> rangeCompared, Map<List<String>, String> predicates) {

    /** The condition every read of {@code s} keeps its rows by, as SQL over its columns: its indexes' predicate. */
    public Optional<String> predicate(Stratum s) {
      return Optional.ofNullable(predicates.get(s.stateTable()));
    }

    public java.util.SortedSet<String> indexed(Stratum s) {
      return indexed.getOrDefault(s.stateTable(), new java.util.TreeSet<>());
    }

    public java.util.SortedSet<String> rangeCompared(Stratum s) {
      return rangeCompared.getOrDefault(s.stateTable(), new java.util.TreeSet<>());
    }
  }

  /** Every plan that may read a state table: the strata's inputs and the stream table's own. */
  private List<RelNode> plansReadingState() {
    List<RelNode> plans = new java.util.ArrayList<>();
    strata.forEach(s -> plans.add(s.shape().input()));
    shape.ifPresent(sh -> plans.add(sh.input()));
    return plans;
  }

  /**
   * The program of a differential refresh for the sources in {@code changedSources} (their change
   * tables exist and are not empty): the state tables whose input reads them, bottom-up, then the
   * stream table. {@code stored} holds the columns of each of {@link #storedTables()}.
   */
  public RefreshProgram differentialProgram(ChangedSet changedSources, Map<List<String>, List<StoredColumn>> stored) {
    return differentialProgram(changedSources, stored, null);
  }

  /**
   * {@link #differentialProgram(ChangedSet, Map)}, with each delta term marked with the change tables it needs
   * ({@link DeltaTermMarks}): a bit per source, by its place in {@link #sources()}, so that a refresh where only some
   * of {@code changedSources} changed can run it without the terms that are then empty (V29); and a bit per state
   * table ({@link #stateBit}), so that a refresh leaves out the terms that need a state table's change table when
   * that came out empty (V35: after a small window, most of them do).
   */
  public RefreshProgram markedDifferentialProgram(ChangedSet changedSources,
      Map<List<String>, List<StoredColumn>> stored) {
    Map<List<String>, Long> bits = new java.util.HashMap<>();
    for (int i = 0; i < sources.size(); i++) {
      bits.put(dev.freshet.rules.rel.ChangeTables.name(sources.get(i).name()), 1L << i);
    }
    for (int k = 0; k < strata.size(); k++) {
      if (stateBit(k) != 0) {
        bits.put(dev.freshet.rules.rel.ChangeTables.name(strata.get(k).stateTable()), stateBit(k));
      }
    }
    return differentialProgram(changedSources, stored, new RequiredChanges(bits));
  }

  /**
   * The bit that marks the terms needing the change table of the {@code k}-th state table (in {@link #strata()}):
   * the sources' bits first, then the state tables', up to bit 62; 0 (no mark) beyond.
   */
  public long stateBit(int k) {
    int place = sources.size() + k;
    return place <= 62 ? 1L << place : 0L;
  }

  /** For each state table whose change table has a {@link #stateBit}, the start of the statement creating it. */
  public Map<String, Long> stateChangeTableStatements() {
    Map<String, Long> statements = new java.util.HashMap<>();
    for (int k = 0; k < strata.size(); k++) {
      if (stateBit(k) != 0) {
        statements.put(GroupedRefreshPrinter.changeTableStatementStart(
            dev.freshet.rules.rel.ChangeTables.name(strata.get(k).stateTable())), stateBit(k));
      }
    }
    return statements;
  }

  private RefreshProgram differentialProgram(ChangedSet changedSources, Map<List<String>, List<StoredColumn>> stored,
      RequiredChanges marks) { // null: no marks
    ChangedSet changed = withChangedStrata(changedSources);
    List<RefreshProgramPrinter.StateTableDelta> strataDeltas = new java.util.ArrayList<>();
    for (Stratum stratum : strata) {
      if (changed.tables().contains(stratum.stateTable())) {
        strataDeltas.add(new RefreshProgramPrinter.StateTableDelta(stateTable(stratum, stored),
            QuerySqlPrinter.printDelta(stratumDelta(stratum, changed), List.of(), marks),
            dev.freshet.rules.rel.ChangeTables.name(stratum.stateTable())));
      }
    }
    boolean reached = dev.freshet.rules.rel.ChangeTables.readsChanged(shape.orElseThrow().input(), changed);
    if (shape.get() instanceof MaintenanceShape.TopK) {
      return RefreshProgramPrinter.derived(strataDeltas, storage(), reached ? Optional.of(definingSql())
          : Optional.empty(), stored.get(target.parts()));
    }
    Optional<String> delta = reached && !deltaIsEmpty(changed)
        ? Optional.of(QuerySqlPrinter.printDelta(deltaPlan(changed), deltaColumnNames(changed), marks))
        : Optional.empty();
    return RefreshProgramPrinter.differential(strataDeltas, storage(), delta, stored.get(target.parts()));
  }

  /** The program of a full refresh: state tables bottom-up, then the stream table from its query. */
  public RefreshProgram fullProgram(Map<List<String>, List<StoredColumn>> stored) {
    return RefreshProgramPrinter.full(strata.stream().map(s -> stateTable(s, stored)).toList(), storage(),
        definingSql(), stored.get(target.parts()));
  }

  /**
   * What a full refresh fills the stream table from: the query as written, or, for the top rows of a
   * grouped query, those rows read from its state table with ties broken always the same way.
   */
  public String definingSql() {
    if (shape.isPresent() && shape.get() instanceof MaintenanceShape.TopK topK) {
      return TopRowsPrinter.print(topK);
    }
    return sql;
  }

  /**
   * The rows {@code verify} compares the stream table with: the query as written, or, for top rows,
   * the query's own plan ranked with Freshet's tie-breaking (PostgreSQL's LIMIT may return other rows
   * among those tied at the last place; {@link #orderKeyColumns} are compared with the query as written).
   */
  public String verificationSql() {
    if (shape.isPresent() && shape.get() instanceof MaintenanceShape.TopK topK) {
      return QuerySqlPrinter.print(topK.fromScratch());
    }
    return sql;
  }

  /** The shape of a top-rows stream table ({@code ORDER BY … LIMIT}); empty for the others. */
  public Optional<MaintenanceShape.TopK> topK() {
    return shape.filter(MaintenanceShape.TopK.class::isInstance).map(MaintenanceShape.TopK.class::cast);
  }

  /** The columns of the top-level ORDER BY of a top-rows stream table; empty otherwise. */
  public List<String> orderKeyColumns() {
    if (shape.isPresent() && shape.get() instanceof MaintenanceShape.TopK topK) {
      return topK.orderKeys().stream().map(columnNames::get).toList();
    }
    return List.of();
  }

  private RefreshProgramPrinter.StateTable stateTable(Stratum stratum, Map<List<String>, List<StoredColumn>> stored) {
    return new RefreshProgramPrinter.StateTable(stratumPrinter(stratum), stored.get(stratum.stateTable()));
  }

  /** The printer of a stratum's state table (laid out as a grouped stream table whose columns are its result). */
  public GroupedRefreshPrinter stratumPrinter(Stratum stratum) {
    return new GroupedRefreshPrinter(stratum.stateTable(), stratum.resultColumns(), stratum.shape());
  }

  /**
   * {@code changed} plus the state tables that change with it: those whose input reads something in
   * it, bottom-up.
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
    return QuerySqlPrinter.printDelta(stratumDelta(stratum, changed), List.of(), null);
  }

  private static RelNode stratumDelta(Stratum stratum, ChangedSet changed) {
    return stratum.deltaCache().computeIfAbsent(changed, c -> Differentiator.delta(stratum.shape().input(), c,
        stratum.shape().inputColumnsRead()));
  }

  /** The delta plan of the maintained input for {@code changed}; compiled once per changed set. */
  public RelNode deltaPlan(ChangedSet changed) {
    return deltaCache.computeIfAbsent(changed, c -> Differentiator.delta(shape.orElseThrow().input(), c,
        shape.orElseThrow().inputColumnsRead()));
  }

  /** True when the delta plan for {@code changed} is provably empty (all its terms were pruned). */
  public boolean deltaIsEmpty(ChangedSet changed) {
    return deltaPlan(changed) instanceof org.apache.calcite.rel.core.Values v && v.getTuples().isEmpty();
  }

  /** The delta query of the maintained input for {@code changed}: its columns plus {@code __w}. */
  public String deltaSql(ChangedSet changed) {
    return QuerySqlPrinter.printDelta(deltaPlan(changed), deltaColumnNames(changed), null);
  }

  /**
   * The names of the delta plan's columns for {@code changed} where they are the stream table's: a bag's
   * delta is its rows with {@code __w}, named as the stream table's columns (PostgreSQL's {@code ?column?},
   * not Freshet's {@code expr}); a grouped query's is the aggregate's input, whose columns are its own (empty).
   */
  public List<String> deltaColumnNames(ChangedSet changed) {
    if (shape.isEmpty() || !(shape.get() instanceof MaintenanceShape.Bag)
        || deltaPlan(changed).getRowType().getFieldCount() != columnNames.size() + 1) {
      return List.of();
    }
    List<String> names = new java.util.ArrayList<>(columnNames);
    names.add(deltaPlan(changed).getRowType().getFieldNames().get(columnNames.size())); // the weight, __w
    return names;
  }
}
