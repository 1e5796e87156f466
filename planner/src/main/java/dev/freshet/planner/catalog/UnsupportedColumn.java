package dev.freshet.planner.catalog;

import dev.freshet.planner.sql.Quoting;
import java.util.Objects;

/** A column whose type has no Calcite counterpart (see {@link PgTypeMapping}), and why. */
public record UnsupportedColumn(String schema, String table, PgColumn column, String reason) {

  public UnsupportedColumn {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(column, "column");
    Objects.requireNonNull(reason, "reason");
  }

  /** For the user, names quoted as PostgreSQL would: {@code column "s"."t"."doc" has type jsonb, ...}. */
  public String message() {
    return "column " + Quoting.qualified(schema, table, column.name()) + " has type " + column.typeName()
        + ", which Freshet cannot use: " + reason;
  }
}
