package dev.freshet.planner.catalog;

import java.util.List;
import java.util.Objects;

/**
 * A valid index whose key columns are all plain columns (expression indexes are left out: Freshet
 * looks rows up by column values only).
 *
 * @param columns the key columns in index order; {@code INCLUDE} columns are not keys and are left out
 * @param partial the index has a {@code WHERE} predicate, so it covers only some rows
 */
public record PgIndex(String name, List<String> columns, boolean unique, boolean primary, boolean partial) {

  public PgIndex {
    Objects.requireNonNull(name, "name");
    columns = List.copyOf(columns);
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("index " + name + " has no key columns");
    }
    if (primary && (!unique || partial)) {
      throw new IllegalArgumentException("primary key index " + name + " must be unique and total");
    }
  }
}
