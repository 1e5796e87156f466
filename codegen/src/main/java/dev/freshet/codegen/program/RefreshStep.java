package dev.freshet.codegen.program;

/**
 * One statement of a {@link RefreshProgram}, typed by what the runtime does with its result. Every
 * step's SQL is printed by codegen; the runtime only runs it.
 */
public sealed interface RefreshStep {

  /** The statement's SQL. */
  String sql();

  /** A statement run for its effect (a change table, a state table's delta, a MERGE). */
  record Statement(String sql) implements RefreshStep {
  }

  /**
   * An invariant: the query returns one count, which must be 0. Otherwise the refresh fails with
   * {@code failure} (the count is appended) and nothing is applied.
   */
  record Check(String sql, String failure) implements RefreshStep {
  }

  /**
   * The refresh's figures: the query returns one row of rows inserted, updated, deleted and delta rows,
   * as the refresh history records them. A program has at most one.
   */
  record Figures(String sql) implements RefreshStep {
  }
}
