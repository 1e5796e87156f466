package dev.freshet.planner;

import java.util.List;
import java.util.Objects;

/**
 * A {@code *}, {@code t.*} or {@code TABLE t} of a defining query, and the columns it stands for in
 * today's catalog. PostgreSQL expands a view's stars when the view is created, so that a column added
 * to a table later does not change the view; a stream table's stored query is expanded the same way
 * (codegen's {@code StarExpansionPrinter} writes the columns in), or its stored table and its query
 * would part at the first {@code ALTER TABLE … ADD COLUMN}.
 *
 * @param at where the star is in the text the user wrote: the {@code *} (with its qualifier), or the
 *     table's name when {@code explicitTable}
 * @param explicitTable {@code TABLE t}: the keyword before the name is replaced by {@code SELECT columns FROM}
 */
public record StarExpansion(SourcePosition at, boolean explicitTable, List<Column> columns) {

  public StarExpansion {
    Objects.requireNonNull(at, "at");
    columns = List.copyOf(columns);
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("a star stands for at least one column");
    }
  }

  /**
   * One column a star stands for.
   *
   * @param qualifier the names that qualify it ({@code t} of {@code t.c}); empty when the column's name
   *     alone says which it is (a name the star's FROM clause has once, or the merged column of a
   *     {@code JOIN … USING})
   */
  public record Column(List<String> qualifier, String name) {
    public Column {
      qualifier = List.copyOf(qualifier);
      Objects.requireNonNull(name, "name");
    }
  }
}
