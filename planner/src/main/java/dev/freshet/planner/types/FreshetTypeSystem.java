package dev.freshet.planner.types;

import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeSystem;
import org.apache.calcite.rel.type.RelDataTypeSystemImpl;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Type system sized for PostgreSQL: {@code numeric} holds up to 1000 digits, so Calcite's default
 * maximum of 19 would make a {@code numeric(38,2)} column or a SUM over {@code numeric(15,2)}
 * unrepresentable and force lossy casts into printed SQL.
 */
public final class FreshetTypeSystem extends RelDataTypeSystemImpl {

  public static final RelDataTypeSystem INSTANCE = new FreshetTypeSystem();

  /** PostgreSQL's limit for a declared numeric precision. */
  public static final int MAX_NUMERIC_PRECISION = 1000;

  /** Scale assumed for numeric values without a declared scale (PostgreSQL keeps them exact). */
  public static final int UNBOUNDED_NUMERIC_SCALE = 100;

  /** PostgreSQL's limit for a declared {@code varchar(n)} / {@code char(n)} length. */
  public static final int MAX_CHARACTER_LENGTH = 10_485_760;

  private FreshetTypeSystem() {
  }

  @Override
  public int getMaxPrecision(SqlTypeName typeName) {
    return switch (typeName) {
      case DECIMAL -> MAX_NUMERIC_PRECISION;
      // PostgreSQL keeps microseconds: timestamp(6), time(6).
      case TIME, TIME_WITH_LOCAL_TIME_ZONE, TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE -> 6;
      // varchar(n)/char(n) accept n up to 10485760.
      case CHAR, VARCHAR -> MAX_CHARACTER_LENGTH;
      default -> super.getMaxPrecision(typeName);
    };
  }

  @Override
  public int getMaxScale(SqlTypeName typeName) {
    if (typeName == SqlTypeName.DECIMAL) {
      return MAX_NUMERIC_PRECISION;
    }
    return super.getMaxScale(typeName);
  }

  /**
   * {@code CAST(x AS numeric)} is PostgreSQL's unconstrained numeric, which keeps every digit; with
   * Calcite's default (scale 0) {@code CAST(1.5 AS numeric)} would fold to 2. Same as the catalog's
   * mapping of an unconstrained numeric column: DECIMAL(1000, 100). A time type's default precision is 6.
   */
  @Override
  public int getDefaultPrecision(SqlTypeName typeName) {
    return switch (typeName) {
      case DECIMAL -> MAX_NUMERIC_PRECISION;
      // PostgreSQL's timestamp, time and timestamptz without a precision keep microseconds: ts::timestamp is
      // ts as it is. With Calcite's default (0) it was CAST(ts AS timestamp(0)), which rounds to the second.
      case TIME, TIME_WITH_LOCAL_TIME_ZONE, TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE -> 6;
      default -> super.getDefaultPrecision(typeName);
    };
  }

  @Override
  public int getDefaultScale(SqlTypeName typeName) {
    return typeName == SqlTypeName.DECIMAL ? UNBOUNDED_NUMERIC_SCALE : super.getDefaultScale(typeName);
  }

  /** PostgreSQL rounds half away from zero when it casts to an integer or a smaller scale: 1.5 → 2. */
  @Override
  public java.math.RoundingMode roundingMode() {
    return java.math.RoundingMode.HALF_UP;
  }

  /**
   * PostgreSQL types {@code 'a'} and {@code 'ab'} as text, so a CASE or UNION of them never pads;
   * Calcite would make both CHAR(2) and pad {@code 'a'} to {@code 'a '}.
   */
  @Override
  public boolean shouldConvertRaggedUnionTypesToVarying() {
    return true;
  }

  /**
   * SUM follows PostgreSQL: over smallint/integer it is bigint, over bigint and numeric it is an
   * unbounded numeric, so a total never overflows its declared type. Its scale is that of a numeric
   * column without a type modifier ({@value #UNBOUNDED_NUMERIC_SCALE}), not the argument's: with scale 0,
   * {@code COALESCE(sum(b), 1.50)} made Calcite cast (and fold) 1.50 to 2.
   */
  @Override
  public RelDataType deriveSumType(RelDataTypeFactory typeFactory, RelDataType argumentType) {
    RelDataType sumType = switch (argumentType.getSqlTypeName()) {
      case TINYINT, SMALLINT, INTEGER -> typeFactory.createSqlType(SqlTypeName.BIGINT);
      case BIGINT -> typeFactory.createSqlType(
          SqlTypeName.DECIMAL, MAX_NUMERIC_PRECISION, UNBOUNDED_NUMERIC_SCALE);
      case DECIMAL -> typeFactory.createSqlType(SqlTypeName.DECIMAL, MAX_NUMERIC_PRECISION,
          Math.max(argumentType.getScale(), UNBOUNDED_NUMERIC_SCALE));
      default -> argumentType;
    };
    return typeFactory.createTypeWithNullability(sumType, argumentType.isNullable());
  }

  /**
   * AVG follows PostgreSQL: over integers and numerics it is an unbounded numeric, over real and double
   * precision a double. Calcite would type {@code avg(int)} as an integer, and a finishing expression
   * such as {@code COALESCE(avg(i), 0)} would then cast 1.5 to 2.
   */
  @Override
  public RelDataType deriveAvgAggType(RelDataTypeFactory typeFactory, RelDataType argumentType) {
    RelDataType avgType = switch (argumentType.getSqlTypeName()) {
      case TINYINT, SMALLINT, INTEGER, BIGINT, DECIMAL -> typeFactory.createSqlType(
          SqlTypeName.DECIMAL, MAX_NUMERIC_PRECISION, UNBOUNDED_NUMERIC_SCALE);
      case REAL, FLOAT, DOUBLE -> typeFactory.createSqlType(SqlTypeName.DOUBLE);
      default -> argumentType;
    };
    return typeFactory.createTypeWithNullability(avgType, argumentType.isNullable());
  }
}
