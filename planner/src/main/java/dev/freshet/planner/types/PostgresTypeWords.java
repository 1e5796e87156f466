package dev.freshet.planner.types;

import java.util.Locale;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * A type named in a message as PostgreSQL's own messages name it ({@code format_type_be}: {@code integer},
 * {@code character varying}, {@code timestamp with time zone}, {@code text[]}, {@code inet}), never as Calcite
 * prints it ({@code INTEGER}, {@code VARCHAR(20)}, {@code POSTGRES(INET)}, {@code CHAR(10)} for a string
 * constant). Without type modifiers, as PostgreSQL's {@code operator does not exist: inet << unknown} is.
 */
public final class PostgresTypeWords {

  /** What PostgreSQL calls a quoted constant whose type the context decides ({@code '10.0.0.0/8'}). */
  public static final String UNKNOWN = "unknown";

  private PostgresTypeWords() {
  }

  /**
   * @param type a type of the planner's
   * @param column whether the value is a column or a cast (a {@code CHAR} is then {@code character}, bpchar);
   *     a {@code CHAR} computed from string constants ({@code ARRAY['x']}, {@code 'a' || 'b'}) is {@code text}
   *     in PostgreSQL
   */
  public static String of(RelDataType type, boolean column) {
    if (type instanceof PostgresNamedType named) {
      return named.postgresName();
    }
    if (type.getComponentType() != null && type.getSqlTypeName() == SqlTypeName.ARRAY) {
      return of(type.getComponentType(), column) + "[]";
    }
    if (type.getIntervalQualifier() != null) {
      return "interval";
    }
    return switch (type.getSqlTypeName()) {
      case BOOLEAN -> "boolean";
      case TINYINT, SMALLINT -> "smallint";
      case INTEGER -> "integer";
      case BIGINT -> "bigint";
      case DECIMAL -> "numeric";
      case REAL -> "real";
      case FLOAT, DOUBLE -> "double precision";
      case CHAR -> column ? "character" : "text";
      case VARCHAR -> type.getPrecision() == RelDataType.PRECISION_NOT_SPECIFIED ? "text" : "character varying";
      case BINARY, VARBINARY -> "bytea";
      case DATE -> "date";
      case TIME -> "time without time zone";
      case TIME_WITH_LOCAL_TIME_ZONE -> "time with time zone";
      case TIMESTAMP -> "timestamp without time zone";
      case TIMESTAMP_WITH_LOCAL_TIME_ZONE -> "timestamp with time zone";
      case UUID -> "uuid";
      case NULL, UNKNOWN -> UNKNOWN;
      default -> type.getSqlTypeName().getName().toLowerCase(Locale.ROOT);
    };
  }
}
