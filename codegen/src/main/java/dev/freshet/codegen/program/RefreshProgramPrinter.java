package dev.freshet.codegen.program;

import dev.freshet.codegen.ddl.WriteGuardPrinter;
import dev.freshet.codegen.refresh.GroupedRefreshPrinter;
import dev.freshet.codegen.refresh.StoredColumn;
import dev.freshet.codegen.refresh.StoredTablePrinter;
import dev.freshet.planner.sql.Quoting;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Prints the {@link RefreshProgram} of a stream table: its state tables bottom-up, then the table itself.
 *
 * <p>Differentially, each changed state table computes the new state of its affected groups from its
 * input's delta, turns old and new rows into the change table the plans above read (old −1, new +1),
 * merges, and has the change table analyzed (PostgreSQL plans the joins above by its size); then the
 * stream table's delta is materialized, checked, counted and merged. In full, every state table is
 * recomputed bottom-up, then the stream table.
 */
public final class RefreshProgramPrinter {

  /** For statements that compute whole tables: no nested loops (see {@link #full}). */
  public static final String WHOLE_TABLES = "SET LOCAL enable_nestloop = off";

  private RefreshProgramPrinter() {
  }

  /** A state table inside the query, as one refresh maintains it. */
  public record StateTable(GroupedRefreshPrinter printer, List<StoredColumn> stored) {
    public StateTable {
      stored = List.copyOf(stored);
    }
  }

  /**
   * A state table whose input changed: {@code deltaSql} is its input's delta, {@code changeTable} the
   * name of the change table it passes up.
   */
  public record StateTableDelta(StateTable table, String deltaSql, List<String> changeTable) {
    public StateTableDelta {
      changeTable = List.copyOf(changeTable);
    }
  }

  /**
   * The differential program: the changed state tables' steps, bottom-up, then the stream table's
   * ({@code deltaSql} empty when no change reaches it, e.g. all filtered out by a constant condition).
   */
  public static RefreshProgram differential(List<StateTableDelta> changedStateTables, StoredTablePrinter streamTable,
      Optional<String> deltaSql, List<StoredColumn> stored) {
    List<RefreshStep> steps = stateTableSteps(changedStateTables);
    deltaSql.ifPresent(sql -> steps.addAll(streamTable.differential(sql, stored)));
    return writing(steps);
  }

  /**
   * The program of a stream table derived again from its state tables (the top rows of a grouped
   * query): the changed state tables' steps, bottom-up, then, when {@code derivingSql} is present (the
   * state it reads changed), the stream table made equal to it by one MERGE of the difference.
   */
  public static RefreshProgram derived(List<StateTableDelta> changedStateTables, StoredTablePrinter streamTable,
      Optional<String> derivingSql, List<StoredColumn> stored) {
    List<RefreshStep> steps = stateTableSteps(changedStateTables);
    derivingSql.ifPresent(sql -> steps.addAll(streamTable.full(sql, stored)));
    return writing(steps);
  }

  private static List<RefreshStep> stateTableSteps(List<StateTableDelta> changedStateTables) {
    List<RefreshStep> steps = new ArrayList<>();
    for (StateTableDelta delta : changedStateTables) {
      GroupedRefreshPrinter printer = delta.table().printer();
      steps.add(new RefreshStep.Statement(printer.materializeDifferential(delta.deltaSql(), delta.table().stored())));
      steps.add(new RefreshStep.Statement(printer.analyzeGroups()));
      steps.add(new RefreshStep.Statement(printer.changeTable(delta.changeTable())));
      steps.add(new RefreshStep.Statement(printer.apply(true)));
      steps.add(new RefreshStep.Statement(printer.insertNewGroups()));
      steps.add(new RefreshStep.Statement(printer.dropTemporary()));
      steps.add(new RefreshStep.Statement("ANALYZE " + Quoting.qualified(delta.changeTable())));
    }
    return steps;
  }

  /**
   * The full program: every state table recomputed bottom-up and analyzed when it has no statistics or changed much
   * (the next one is planned by its statistics), then the stream table from {@code definingSql}.
   */
  public static RefreshProgram full(List<StateTable> stateTables, StoredTablePrinter streamTable, String definingSql,
      List<StoredColumn> stored) {
    List<RefreshStep> steps = new ArrayList<>();
    for (StateTable table : stateTables) {
      // Whole state tables are computed here, where PostgreSQL's row estimates for decorrelated
      // sub-queries (value generators joined back) can be off by orders of magnitude: nested loops
      // then ran TPC-H Q21's state for minutes, hash joins in a second. (fullSteps sets it back after.)
      steps.add(new RefreshStep.Statement(WHOLE_TABLES));
      GroupedRefreshPrinter printer = table.printer();
      steps.addAll(printer.fullSteps(table.stored(), List.of(new RefreshStep.Statement(printer.apply(false)),
          new RefreshStep.Statement(printer.analyzeAfterFull()), new RefreshStep.Statement(printer.dropTemporary()))));
    }
    steps.addAll(streamTable.full(definingSql, stored));
    return writing(steps);
  }

  /** {@code steps}, after the statement that lets this transaction write its stream table (WriteGuardPrinter). */
  private static RefreshProgram writing(List<RefreshStep> steps) {
    if (steps.isEmpty()) {
      return RefreshProgram.EMPTY;
    }
    List<RefreshStep> all = new ArrayList<>();
    all.add(new RefreshStep.Statement(WriteGuardPrinter.ALLOW_WRITES));
    all.addAll(steps);
    return new RefreshProgram(all);
  }
}
