package dev.freshet.planner.catalog;

import java.util.List;
import java.util.Objects;

/**
 * A valid unique index (standing alone or backing a {@code UNIQUE} constraint) whose keys are plain
 * columns and which has no predicate. Partial and expression indexes are left out: neither makes a
 * set of columns unique over the whole table.
 *
 * @param nullsNotDistinct {@code NULLS NOT DISTINCT} (PostgreSQL 15+): at most one row per key value,
 *     NULLs included. Without it, any number of rows may share a key that contains a NULL, so the
 *     key identifies rows only if all its columns are {@code NOT NULL}.
 */
public record PgUniqueKey(String indexName, List<String> columns, boolean nullsNotDistinct) {

  public PgUniqueKey {
    Objects.requireNonNull(indexName, "indexName");
    columns = List.copyOf(columns);
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("unique index " + indexName + " has no columns");
    }
  }
}
