package dev.freshet.planner.catalog;

import java.util.List;
import java.util.Objects;

/**
 * A {@code FOREIGN KEY} constraint: {@code columns[i]} references {@code referencedColumns[i]} of
 * {@code referencedSchema.referencedTable}, which need not be among the schemas that were read.
 */
public record PgForeignKey(
    String name,
    List<String> columns,
    String referencedSchema,
    String referencedTable,
    List<String> referencedColumns) {

  public PgForeignKey {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(referencedSchema, "referencedSchema");
    Objects.requireNonNull(referencedTable, "referencedTable");
    columns = List.copyOf(columns);
    referencedColumns = List.copyOf(referencedColumns);
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("foreign key " + name + " has no columns");
    }
    if (columns.size() != referencedColumns.size()) {
      throw new IllegalArgumentException("foreign key " + name + " pairs " + columns.size()
          + " columns with " + referencedColumns.size() + " referenced columns");
    }
  }
}
