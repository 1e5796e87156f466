package dev.freshet.runtime.cli;

import dev.freshet.codegen.program.RefreshProgram;
import dev.freshet.codegen.refresh.StoredColumn;
import dev.freshet.rules.ChangedSet;
import dev.freshet.rules.shape.AggregateClass;
import dev.freshet.rules.shape.MaintenanceShape;
import dev.freshet.codegen.refresh.ChangeTablePrinter;
import dev.freshet.codegen.sql.PlanPrinter;
import dev.freshet.planner.sql.Quoting;
import dev.freshet.rules.rel.ChangeTables;
import dev.freshet.rules.shape.Stratum;
import dev.freshet.runtime.streamtable.CompiledStreamTable;
import dev.freshet.runtime.streamtable.StoredStreamTable;
import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StreamTableException;
import dev.freshet.runtime.streamtable.StreamTables;
import java.io.PrintWriter;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code freshet explain}: how a stream table is maintained, down to the delta SQL. */
@Command(name = "explain", mixinStandardHelpOptions = true,
    description = {"Show how a stream table is maintained: the logical plan of its defining query, the "
        + "maintenance shape (a bag of rows, or one row per group with the class of each aggregate), "
        + "the row identity, and, for each set of changed source tables, the delta plan and its SQL; "
        + "with --program, every statement of the refresh program.", "",
        "A delta plan is specialized for the set of sources that changed: the terms of the other sources "
            + "are pruned and do not appear in the SQL at all. Without --changed the sets shown are each "
            + "source alone, then all sources together.", "",
        "Compiles the query against the live catalog; reads nothing else and changes nothing."},
    footer = {"", "Examples:",
        "  freshet explain revenue_by_customer \\",
        "      --jdbc-url jdbc:postgresql://localhost/shop",
        "  freshet explain order_lines --changed orders --changed orders,lineitem",
        "  freshet explain order_lines --changed orders --program"})
public final class ExplainCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ConnectionOptions connection;

  @Parameters(index = "0", paramLabel = "NAME", description = "The stream table (NAME or SCHEMA.NAME).")
  String name;

  @Option(names = "--changed", paramLabel = "T1,T2", description = "A set of changed source tables, "
      + "comma-separated (TABLE or SCHEMA.TABLE, or quoted as printed: \"SCHEMA\".\"TABLE\"); repeat the option "
      + "for more sets.")
  List<String> changed;

  @Option(names = "--program", description = "Also print, for each set, the whole refresh program: every "
      + "statement a refresh runs once the change tables exist (state tables, checks, counts, MERGE).")
  boolean program;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    CompiledStreamTable compiled;
    StoredStreamTable stored;
    Map<List<String>, List<StoredColumn>> storedColumns;
    boolean sessionForms;
    try (Connection c = connection.connect(spec.commandLine().getErr())) {
      VerifyCommand.requireStreamTable(c, name);
      compiled = StreamTables.compiled(c, name);
      stored = StreamTables.status(c, name, 0).table();
      storedColumns = StreamTables.storedColumns(c, compiled);
      sessionForms = StreamTables.hasSessionForms(c, stored.id());
    }
    List<ChangedSet> sets = changedSets(compiled);
    out.println("stream table " + compiled.target() + ": " + compiled.effectiveMode());
    stored.fallbackReason().ifPresent(r -> out.println("  fallback: " + r));
    compiled.notes().forEach(n -> out.println("  note:     " + n));
    out.println("  sources:  " + CreateCommand.sourcesText(compiled));
    out.println();
    if (compiled.effectiveMode() == Mode.FULL || compiled.shape().isEmpty()) {
      out.println("-- Maintenance: FULL refresh");
      out.println(compiled.recomputesEveryRefresh()
          ? "Every refresh recomputes the query as written (see the note) and merges the difference into the table."
          : "A refresh with changes to the sources recomputes the query as written and merges the difference "
              + "into the table; there are no delta plans.");
      printProgram(out, "-- Refresh program", compiled.fullProgram(storedColumns));
      out.flush();
      return ExitCode.OK.code();
    }
    out.println("-- Logical plan");
    out.print(PlanPrinter.print(compiled.plan().orElseThrow().rel(), compiled.columnNames()));
    out.println();
    CompiledStreamTable.StateIndexes indexes = compiled.stateIndexes();
    for (Stratum stratum : compiled.strata()) {
      out.println("-- State table " + Quoting.qualified(stratum.stateTable()) + ": stored state of");
      out.print(PlanPrinter.print(stratum.shape().aggregate(), List.of()));
      printShape(out, stratum.shape(), "   ", List.of());
      java.util.SortedSet<String> ranges = indexes.rangeCompared(stratum);
      if (!ranges.isEmpty()) {
        out.println("   Rows a join compares by range (" + String.join(", ", ranges.stream().map(Quoting::bareOrQuoted)
            .toList()) + ") with a value that changes: when it changes, the rows between its old and new value "
            + "are read from here through an index, not from the sources.");
      }
      java.util.SortedSet<String> indexed = indexes.indexed(stratum);
      if (!indexed.isEmpty()) {
        out.println("   Indexed on: " + String.join(", ", indexed.stream().map(Quoting::bareOrQuoted).toList())
            + indexes.predicate(stratum).map(p -> " (only the rows where " + p + ": every read of it keeps only those)")
                .orElse("")
            + ", and the hash of each row's group.");
      }
      out.println();
    }
    printShape(out, compiled.shape().get(), "", compiled.columnNames());
    if (compiled.shape().get() instanceof MaintenanceShape.TopK) {
      out.println("-- Top rows, read from the state table");
      out.println(compiled.definingSql() + ";");
    }
    out.println("Row identity: " + compiled.storage().identity().describe() + ".");
    out.println(sessionForms
        ? "Small windows: a window of at most freshet.small_window_rows changes (100 unless set) runs the session form "
            + "of the programs below: the same statements over temporary tables the session keeps (named for the "
            + "table, such as \"Δgroups·3f2a9c1b7d0e\"), prepared once per session; refresh --profile marks its "
            + "steps 'prepared'."
        : "Small windows: no session forms installed (created before catalog V37, a statement that cannot be "
            + "prepared, or a session table of a type that is not built in: docs/operations.md); every window runs "
            + "the programs as printed.");
    for (CompiledStreamTable.Source source : compiled.sources()) {
      source.rowFilter().ifPresent(filter -> out.println("Change table of " + Quoting.qualified(source.name())
          + ": only the window's rows where " + ChangeTablePrinter.condition(filter)
          + " (no other row can count)."));
    }
    for (ChangedSet sourcesChanged : sets) {
      ChangedSet set = compiled.withChangedStrata(sourcesChanged);
      out.println();
      out.println("-- Changed: " + String.join(", ", sourcesChanged.tables().stream().map(Quoting::qualified)
          .sorted().toList()));
      List<String> pruned = compiled.sources().stream().filter(s -> !set.contains(s.name()))
          .map(s -> Quoting.qualified(s.name())).toList();
      out.println("-- Pruned: " + (pruned.isEmpty() ? "nothing (every source changed)"
          : "the terms of " + String.join(", ", pruned) + " (unchanged: their deltas are empty)"));
      for (Stratum stratum : compiled.strata()) {
        if (set.contains(stratum.stateTable())) {
          out.println("-- Delta of the input of state table " + Quoting.qualified(stratum.stateTable())
              + " (with weight __w); its own delta feeds the plans above as a change table");
          out.println(compiled.stratumDeltaSql(stratum, set) + ";");
        }
      }
      if (compiled.shape().get() instanceof MaintenanceShape.TopK) {
        out.println(ChangeTables.readsChanged(compiled.shape().get().input(), set)
            ? "-- The ranked state table changes: its top rows are read again (the refresh program's last step)"
            : "-- The ranked state table does not change: a refresh with only these changes applies nothing"
                + " to the stream table.");
      } else if (!ChangeTables.readsChanged(compiled.shape().orElseThrow().input(), set) || compiled.deltaIsEmpty(set)) {
        out.println("-- The delta is provably empty: a refresh with only these changes applies nothing"
            + (compiled.strata().isEmpty() ? "." : " to the stream table."));
      } else {
        out.println("-- Delta plan" + switch (compiled.shape().orElseThrow()) {
          case MaintenanceShape.Grouped grouped -> " (of the aggregate's input, with weight __w)";
          case MaintenanceShape.Bag bag -> " (with weight __w)";
          case MaintenanceShape.TopK topK -> throw new IllegalStateException("top rows are derived, not differentiated");
        });
        out.print(PlanPrinter.print(compiled.deltaPlan(set), compiled.deltaColumnNames(set)));
        out.println("-- Delta SQL");
        out.println(compiled.deltaSql(set) + ";");
      }
      printProgram(out, "-- Refresh program for these changes", compiled.differentialProgram(sourcesChanged,
          storedColumns));
    }
    out.flush();
    return ExitCode.OK.code();
  }

  private void printProgram(PrintWriter out, String caption, RefreshProgram refreshProgram) {
    if (program) {
      out.println(caption + " (after the change tables; in the refresh transaction)");
      out.println(refreshProgram.isEmpty() ? "-- nothing to run" : refreshProgram.sql());
    }
  }

  /**
   * The names of an aggregate's fields as the user knows them: for the stream table's own aggregate
   * ({@code columnNames} given), the stream table's column a field becomes (through the finisher, when it is
   * that column as it is), else none; for a state table's, its columns.
   */
  private static List<String> userNames(MaintenanceShape.Grouped grouped, List<String> columnNames) {
    List<String> fields = grouped.aggregate().getRowType().getFieldNames();
    if (columnNames.isEmpty()) {
      return fields.stream().map(f -> PlanPrinter.isGenerated(f) ? null : f).toList();
    }
    String[] names = new String[fields.size()];
    for (int j = 0; j < grouped.finisher().size() && j < columnNames.size(); j++) {
      if (grouped.finisher().get(j) instanceof org.apache.calcite.rex.RexInputRef ref && names[ref.getIndex()] == null) {
        names[ref.getIndex()] = columnNames.get(j);
      }
    }
    return java.util.Arrays.asList(names);
  }

  private static void printShape(PrintWriter out, MaintenanceShape shape, String indent, List<String> columnNames) {
    switch (shape) {
      case MaintenanceShape.Bag bag -> {
        out.println("-- Maintenance: DIFFERENTIAL, bag");
        out.println("One stored row per result row (duplicates kept with an ordinal); "
            + "a refresh merges the consolidated delta.");
      }
      case MaintenanceShape.TopK topK -> {
        out.println("-- Maintenance: DIFFERENTIAL, top rows of the last state table");
        out.println("The ranked rows are kept in the state table above and maintained by deltas; when it changes,"
            + " the stream table is made equal to its top rows (below), a top-N read of the state table.");
        out.println("Ties at the last place are broken by the other columns, always the same way.");
      }
      case MaintenanceShape.Grouped grouped -> {
        Aggregate aggregate = grouped.aggregate();
        List<String> fields = userNames(grouped, columnNames);
        List<String> inputFields = PlanPrinter.columns(aggregate.getInput()); // amount, "amount" * 2
        List<String> keys = new ArrayList<>();
        for (int k = 0; k < aggregate.getGroupCount(); k++) {
          keys.add(fields.get(k) != null ? Quoting.bareOrQuoted(fields.get(k))
              : inputFields.get(aggregate.getGroupSet().nth(k)));
        }
        out.println(indent.isEmpty() ? "-- Maintenance: DIFFERENTIAL, grouped" : "-- Maintenance: stored state");
        boolean rows = aggregate.getAggCallList().isEmpty()
            && aggregate.getGroupCount() == aggregate.getInput().getRowType().getFieldCount();
        out.println(indent + (grouped.scalar() ? "One stored row (an aggregate without GROUP BY)."
            : rows ? "One stored row per distinct row of (" + String.join(", ", keys)
                + "), with its number of copies in a hidden column."
            : "One stored row per group of (" + String.join(", ", keys)
                + "), with the aggregate state in hidden columns."));
        for (int i = 0; i < aggregate.getAggCallList().size(); i++) {
          AggregateCall call = aggregate.getAggCallList().get(i);
          AggregateClass cls = grouped.classes().get(i);
          String name = fields.get(aggregate.getGroupCount() + i);
          out.println(indent + "  " + (name == null ? "" : Quoting.bareOrQuoted(name) + " = ") + callText(call, inputFields)
              + ": " + cls + " (" + describe(cls) + ")");
        }
        if (grouped.needsRescan()) {
          out.println(indent + "Groups touched by a delta may be read again from the sources (see the classes above).");
        }
      }
    }
  }

  private static String describe(AggregateClass cls) {
    return switch (cls) {
      case ALGEBRAIC -> "new state = old state + delta";
      case EXTREMUM -> "combined with inserted values; the group is rescanned when its extremum is deleted";
      case RECOMPUTE_GROUP -> "each affected group is recomputed from the sources";
    };
  }

  private static String callText(AggregateCall call, List<String> inputFields) {
    List<String> args = call.getArgList().stream().map(inputFields::get).toList();
    return call.getAggregation().getName().toLowerCase(Locale.ROOT) + "("
        + (call.isDistinct() ? "DISTINCT " : "") + (args.isEmpty() ? "*" : String.join(", ", args)) + ")"
        + (call.filterArg >= 0 ? " FILTER (WHERE " + inputFields.get(call.filterArg) + ")" : "");
  }

  /** The sets given with --changed, or each source alone and then all of them. */
  private List<ChangedSet> changedSets(CompiledStreamTable compiled) {
    List<List<String>> sources = compiled.sources().stream().map(CompiledStreamTable.Source::name).toList();
    List<ChangedSet> sets = new ArrayList<>();
    if (changed == null || changed.isEmpty()) {
      sources.forEach(s -> sets.add(ChangedSet.of(Set.of(s))));
      if (sources.size() > 1) {
        sets.add(ChangedSet.of(Set.copyOf(sources)));
      }
      return sets;
    }
    for (String option : changed) {
      Set<List<String>> set = new LinkedHashSet<>();
      for (String token : option.split(",")) {
        if (!token.isBlank()) {
          set.add(resolve(token.strip(), sources));
        }
      }
      if (set.isEmpty()) {
        throw new UsageException("--changed needs at least one source table");
      }
      sets.add(ChangedSet.of(set));
    }
    return sets;
  }

  /**
   * {@code orders}, {@code public.orders} (exact, else lower-cased as PostgreSQL folds names), or a name as
   * Freshet prints it, {@code "public"."orders"} or {@code "orders"}.
   */
  private static List<String> resolve(String token, List<List<String>> sources) {
    for (String candidate : List.of(token, token.toLowerCase(Locale.ROOT))) {
      List<List<String>> matches = sources.stream().filter(s -> String.join(".", s).equals(candidate)
          || s.get(1).equals(candidate) || Quoting.qualified(s).equals(token)
          || Quoting.identifier(s.get(1)).equals(token)).toList();
      if (matches.size() == 1) {
        return matches.get(0);
      }
      if (matches.size() > 1) {
        throw new UsageException("--changed " + token + " is ambiguous: qualify it as one of "
            + String.join(", ", matches.stream().map(Quoting::qualified).toList()));
      }
    }
    throw new StreamTableException("--changed " + token + " is not a source of this stream table; its sources are "
        + String.join(", ", sources.stream().map(Quoting::qualified).sorted().toList()));
  }
}
