package dev.freshet.planner.catalog;

import java.util.Objects;
import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.dialect.PostgresqlSqlDialect;

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
    SqlDialect dialect = PostgresqlSqlDialect.DEFAULT;
    return "column " + dialect.quoteIdentifier(schema) + "." + dialect.quoteIdentifier(table) + "."
        + dialect.quoteIdentifier(column.name()) + " has type " + column.typeName()
        + ", which Freshet cannot use: " + reason;
  }
}
