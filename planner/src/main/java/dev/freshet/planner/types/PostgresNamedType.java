package dev.freshet.planner.types;

import java.util.Objects;
import org.apache.calcite.sql.type.AbstractSqlType;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * A PostgreSQL type with no Calcite counterpart (jsonb, arrays, enums, inet, ranges, citext, ...),
 * carried by its name. Calcite sees {@code ANY}: it validates any use and never evaluates the values;
 * PostgreSQL compares, groups and joins them with its own operators, so results keep PostgreSQL's
 * semantics. Only types with an equality operator are mapped here (see {@code PgTypeMapping}): every
 * DIFFERENTIAL plan compares rows. Printed SQL names the type as {@code format_type} does, e.g. in a
 * typed {@code NULL} padding an outer join.
 */
public final class PostgresNamedType extends AbstractSqlType {

  private final String postgresName;

  /** Made by {@link FreshetTypeFactory#createPostgresType}, which also interns it. */
  PostgresNamedType(String postgresName, boolean nullable) {
    super(SqlTypeName.ANY, nullable, null);
    this.postgresName = Objects.requireNonNull(postgresName, "postgresName");
    computeDigest();
  }

  /** The type as SQL text, as {@code pg_catalog.format_type} prints it ({@code jsonb}, {@code public.mood}). */
  public String postgresName() {
    return postgresName;
  }

  @Override
  protected void generateTypeString(StringBuilder sb, boolean withDetail) {
    sb.append("POSTGRES(").append(postgresName).append(')');
  }
}
