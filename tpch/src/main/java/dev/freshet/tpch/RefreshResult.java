package dev.freshet.tpch;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What one refresh function did: per statement, the rows PostgreSQL reported as inserted, deleted
 * or updated. {@code function} is {@code RF1}, {@code RF2} or {@code RF3}.
 */
public record RefreshResult(String function, List<StatementRows> statements) {

  public RefreshResult {
    statements = List.copyOf(statements);
  }

  /**
   * One statement: the table it wrote, what it did ({@code "insert"}, {@code "delete"},
   * {@code "update l_suppkey (join key)"}), and the row count.
   */
  public record StatementRows(String table, String action, long rows) {
    @Override
    public String toString() {
      return table + " " + action + ": " + rows;
    }
  }

  /** Rows touched in {@code table}, all statements together. */
  public long rows(String table) {
    return statements.stream().filter(s -> s.table().equals(table)).mapToLong(StatementRows::rows).sum();
  }

  public long totalRows() {
    return statements.stream().mapToLong(StatementRows::rows).sum();
  }

  @Override
  public String toString() {
    return function + " [" + statements.stream().map(StatementRows::toString)
        .collect(Collectors.joining(", ")) + "]";
  }
}
