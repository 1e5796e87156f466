package dev.freshet.planner.types;

import java.util.Objects;
import org.apache.calcite.sql.type.AbstractSqlType;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * A PostgreSQL type with no Calcite counterpart (jsonb, arrays, enums, inet, ranges, citext, ...),
 * carried by its name. Calcite sees {@code ANY}: it validates any use and never evaluates the values;
 * PostgreSQL compares, groups and joins them with its own operators, so results keep PostgreSQL's
 * semantics. A type without an equality operator (json, point, a composite without one: {@link #equality()}
 * false) is carried as payload only: a query may project it, pass it through joins and unions, and apply
 * functions to it, but not compare, group, join on, sort or de-duplicate it (the planner refuses that,
 * and PostgreSQL would too); Freshet's own row comparisons use its text. Printed SQL names the type as
 * {@code format_type} does, e.g. in a typed {@code NULL} padding an outer join.
 */
public final class PostgresNamedType extends AbstractSqlType {

  private final String postgresName;
  private final boolean equality;
  private final boolean composite;

  /** Made by {@link FreshetTypeFactory#createPostgresType}, which also interns it. */
  PostgresNamedType(String postgresName, boolean nullable, boolean equality, boolean composite) {
    super(SqlTypeName.ANY, nullable, null);
    this.postgresName = Objects.requireNonNull(postgresName, "postgresName");
    this.equality = equality;
    this.composite = composite;
    computeDigest();
  }

  /**
   * Whether it is a composite type (a row type, {@code CREATE TYPE addr AS (…)}): carried without equality,
   * although PostgreSQL compares its values field by field, because Freshet has no canonical text for them.
   */
  public boolean composite() {
    return composite;
  }

  /** Whether PostgreSQL has an equality operator for the type (a default btree or hash operator class). */
  public boolean equality() {
    return equality;
  }

  /** The type as SQL text, as {@code pg_catalog.format_type} prints it ({@code jsonb}, {@code public.mood}). */
  public String postgresName() {
    return postgresName;
  }

  @Override
  protected void generateTypeString(StringBuilder sb, boolean withDetail) {
    sb.append("POSTGRES(").append(postgresName).append(composite ? ", composite" : "")
        .append(equality ? ")" : ", no equality)");
  }
}
