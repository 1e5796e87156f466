package dev.freshet.codegen.program;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything one refresh of a stream table runs once its change tables exist, in order, in the refresh
 * transaction: the delta and MERGE of each state table, bottom-up, with the change table each passes up;
 * then the stream table's delta, its invariant checks, its figures and its MERGE (DESIGN.md §5). Printed
 * by {@link RefreshProgramPrinter} for a stream table and a changed set; the runtime executes the steps and
 * knows nothing of the query's shape.
 */
public record RefreshProgram(List<RefreshStep> steps) {

  /** A program with nothing to do: no change reaches the stream table. */
  public static final RefreshProgram EMPTY = new RefreshProgram(List.of());

  public RefreshProgram {
    steps = List.copyOf(steps);
    if (steps.stream().filter(s -> s instanceof RefreshStep.Figures).count() > 1) {
      throw new IllegalArgumentException("a refresh program has at most one Figures step");
    }
  }

  public boolean isEmpty() {
    return steps.isEmpty();
  }

  /** The program as one SQL script, each statement terminated, for {@code explain} and logs. */
  public String sql() {
    List<String> statements = new ArrayList<>();
    for (RefreshStep step : steps) {
      String comment = switch (step) {
        case RefreshStep.Statement s -> "";
        case RefreshStep.Check c -> "-- must be 0: " + c.failure() + "\n";
        case RefreshStep.Figures f -> "-- rows inserted, updated, deleted, delta rows\n";
      };
      statements.add(comment + step.sql() + ";");
    }
    return String.join("\n\n", statements);
  }
}
