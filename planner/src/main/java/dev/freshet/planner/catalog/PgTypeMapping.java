package dev.freshet.planner.catalog;

import dev.freshet.planner.catalog.MappedType.Supported;
import dev.freshet.planner.catalog.MappedType.Unsupported;
import dev.freshet.planner.types.FreshetTypeFactory;
import dev.freshet.planner.types.FreshetTypeSystem;
import dev.freshet.planner.types.PostgresNamedType;
import org.apache.calcite.avatica.util.TimeUnit;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.SqlIntervalQualifier;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;
import org.postgresql.core.Oid;

/**
 * Maps a PostgreSQL type (oid and typmod, as {@code pg_attribute} stores them) to a Calcite type.
 *
 * <table>
 *   <caption>The mapping</caption>
 *   <tr><th>PostgreSQL</th><th>Calcite</th></tr>
 *   <tr><td>smallint, integer, bigint</td><td>SMALLINT, INTEGER, BIGINT</td></tr>
 *   <tr><td>numeric(p,s)</td><td>DECIMAL(p,s)</td></tr>
 *   <tr><td>numeric</td><td>DECIMAL(1000, {@value #UNBOUNDED_NUMERIC_SCALE}), see below</td></tr>
 *   <tr><td>real, double precision</td><td>REAL, DOUBLE</td></tr>
 *   <tr><td>boolean, date, uuid</td><td>BOOLEAN, DATE, UUID</td></tr>
 *   <tr><td>text, varchar</td><td>VARCHAR (no length)</td></tr>
 *   <tr><td>varchar(n), char(n)</td><td>VARCHAR(n), CHAR(n)</td></tr>
 *   <tr><td>bytea</td><td>VARBINARY (no length)</td></tr>
 *   <tr><td>timestamp(p), timestamptz(p), time(p)</td><td>TIMESTAMP(p), TIMESTAMP_WITH_LOCAL_TIME_ZONE(p),
 *       TIME(p); p defaults to 6, PostgreSQL's microseconds</td></tr>
 *   <tr><td>interval year / month / year to month</td><td>the same INTERVAL type</td></tr>
 *   <tr><td>any other interval</td><td>INTERVAL with the same fields, unqualified ones DAY TO SECOND(p), see
 *       below</td></tr>
 *   <tr><td>a domain</td><td>its base type with the base typmod</td></tr>
 *   <tr><td>any other type with an equality operator (jsonb, arrays, enums, inet, ranges, timetz, ...)</td>
 *       <td>{@link PostgresNamedType}: Calcite's ANY, carrying the PostgreSQL name</td></tr>
 *   <tr><td>everything else (json, point, xml, composite types, ...)</td><td>{@link Unsupported}, with a
 *       reason</td></tr>
 * </table>
 *
 * <p><b>numeric without a typmod.</b> PostgreSQL's unconstrained numeric has no precision and no scale (each
 * value keeps its own scale), and Calcite has no such type. It becomes DECIMAL with the type system's maximum
 * precision, 1000, which therefore means "unbounded numeric": code that prints SQL must print any DECIMAL of
 * that precision as plain {@code numeric}, never {@code numeric(1000,s)}, so that PostgreSQL never rounds (see
 * {@link #isUnboundedNumeric}). The scale, {@value #UNBOUNDED_NUMERIC_SCALE}, is what Calcite assumes about the
 * fractional digits, and it matters: when Calcite meets such a column with a literal ({@code x = 1.5},
 * {@code x IN (...)}, {@code CASE}), its least restrictive type keeps all whole digits of the column and
 * cuts the scale to what remains of the 1000 digits, then casts the literal to that type. With scale 0,
 * Calcite rewrites {@code x = 1.5} to {@code x = 1}, a wrong result. With scale 100, a literal keeps every
 * fractional digit up to 100, and products keep whole digits for up to nine factors (scale 100 each);
 * a larger scale would fail sooner on {@code x * y > 100} (no whole digits left for the literal).
 *
 * <p><b>Intervals.</b> Calcite separates year-month intervals from day-time intervals, PostgreSQL does not:
 * an {@code interval} or {@code interval day to second} value can be {@code '1 year 2 days'}. Intervals
 * qualified {@code YEAR}, {@code MONTH} or {@code YEAR TO MONTH} hold months only and map exactly. The
 * others map to the day-time interval with the same fields (full range: {@code DAY TO SECOND}); that their
 * values may also hold months does not matter to Freshet, which never evaluates them in Calcite but prints
 * the SQL for PostgreSQL, and Calcite refuses, rather than miscomputes, mixing them with year-month
 * intervals. Leading precision is the maximum, 10, since PostgreSQL bounds no field below that.
 *
 * <p>A precision the type system cannot hold (for example {@code timestamp(6)} where the maximum is 3) is
 * {@link Unsupported} rather than silently reduced, since Calcite would then print lossy casts.
 */
public final class PgTypeMapping {

  /** Scale Calcite assumes for an unconstrained {@code numeric}; see the class comment. */
  public static final int UNBOUNDED_NUMERIC_SCALE = 100;

  /** PostgreSQL's default (and maximum) fractional-seconds precision: microseconds. */
  private static final int DEFAULT_FRACTIONAL_SECONDS = 6;

  /** varchar, bpchar and numeric store their typmod offset by the varlena header size. */
  private static final int VARHDRSZ = 4;

  // Interval typmod = range << 16 | precision; range bits from PostgreSQL's datetime.h.
  private static final int MONTH = 1 << 1;
  private static final int YEAR = 1 << 2;
  private static final int DAY = 1 << 3;
  private static final int HOUR = 1 << 10;
  private static final int MINUTE = 1 << 11;
  private static final int SECOND = 1 << 12;
  private static final int INTERVAL_FULL_RANGE = 0x7FFF;
  private static final int INTERVAL_FULL_PRECISION = 0xFFFF;

  private PgTypeMapping() {
  }

  /**
   * Maps a column's (base) type, nullable unless the column is {@code NOT NULL}. A type with no Calcite
   * counterpart becomes a {@link PostgresNamedType} under the planner's {@link FreshetTypeFactory}, with or
   * without an equality operator (one without is payload only: see {@link PostgresNamedType#equality()}).
   */
  public static MappedType map(RelDataTypeFactory factory, PgColumn column) {
    if (!column.deterministicCollation()) {
      return new Unsupported("its collation is nondeterministic, and Freshet identifies rows by a canonical text of "
          + "their values, one text for values that PostgreSQL holds equal ('A' and 'a' are equal in a "
          + "case-insensitive collation)");
    }
    long oid = column.baseTypeOid();
    if (!hasCalciteCounterpart(oid) && factory instanceof FreshetTypeFactory freshet) {
      if (column.baseTypeEquality() && !column.baseTypeIdentity()) {
        return new Unsupported("Freshet identifies rows by a canonical text of their values, one text for "
            + "values that PostgreSQL holds equal, and has none for type " + column.baseTypeName() + " yet");
      }
      // without an equality operator (json, point): carried as payload, never compared (NoEqualityCheck)
      return new Supported(freshet.createPostgresType(column.baseTypeName(), column.nullable(),
          column.baseTypeEquality(), column.baseTypeComposite()));
    }
    MappedType mapped = map(factory, column.baseTypeOid(), column.baseTypmod(), column.typeName());
    return switch (mapped) {
      case Supported supported ->
          new Supported(factory.createTypeWithNullability(supported.type(), column.nullable()));
      case Unsupported unsupported -> unsupported;
    };
  }

  /**
   * Maps a type to a {@code NOT NULL} Calcite type.
   *
   * @param typeName the name to show in reasons, as {@code format_type} gives it
   */
  public static MappedType map(RelDataTypeFactory factory, long typeOid, int typmod, String typeName) {
    // Built-in types have small oids; anything beyond int range is user-defined and unsupported below.
    int oid = typeOid > Integer.MAX_VALUE ? Oid.UNSPECIFIED : (int) typeOid;
    return switch (oid) {
      case Oid.INT2 -> plain(factory, SqlTypeName.SMALLINT);
      case Oid.INT4 -> plain(factory, SqlTypeName.INTEGER);
      case Oid.INT8 -> plain(factory, SqlTypeName.BIGINT);
      case Oid.FLOAT4 -> plain(factory, SqlTypeName.REAL);
      case Oid.FLOAT8 -> plain(factory, SqlTypeName.DOUBLE);
      case Oid.BOOL -> plain(factory, SqlTypeName.BOOLEAN);
      case Oid.DATE -> plain(factory, SqlTypeName.DATE);
      case Oid.UUID -> plain(factory, SqlTypeName.UUID);
      case Oid.NUMERIC -> numeric(factory, typmod, typeName);
      case Oid.TEXT -> sized(factory, SqlTypeName.VARCHAR, RelDataType.PRECISION_NOT_SPECIFIED, typeName);
      case Oid.VARCHAR -> sized(factory, SqlTypeName.VARCHAR,
          typmod < 0 ? RelDataType.PRECISION_NOT_SPECIFIED : typmod - VARHDRSZ, typeName);
      case Oid.BPCHAR -> typmod < 0
          ? new Unsupported("character without a length (bpchar) has no Calcite type: CHAR needs a length, and "
              + "VARCHAR treats trailing blanks as significant where bpchar does not")
          : sized(factory, SqlTypeName.CHAR, typmod - VARHDRSZ, typeName);
      case Oid.BYTEA -> sized(factory, SqlTypeName.VARBINARY, RelDataType.PRECISION_NOT_SPECIFIED, typeName);
      case Oid.TIMESTAMP -> sized(factory, SqlTypeName.TIMESTAMP, fractionalSeconds(typmod), typeName);
      case Oid.TIMESTAMPTZ ->
          sized(factory, SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE, fractionalSeconds(typmod), typeName);
      case Oid.TIME -> sized(factory, SqlTypeName.TIME, fractionalSeconds(typmod), typeName);
      case Oid.INTERVAL -> interval(factory, typmod, typeName);
      case Oid.JSON, Oid.JSONB -> new Unsupported(typeName + " has no Calcite type, so Freshet cannot compare, "
          + "group or join on it as PostgreSQL does");
      case Oid.TIMETZ -> new Unsupported("time with time zone keeps a UTC offset per value, which no Calcite "
          + "type does (PostgreSQL's documentation recommends timestamptz instead)");
      default -> new Unsupported(typeName.endsWith("[]")
          ? "arrays have no exact Calcite type yet"
          : "type " + typeName + " has no exact Calcite type (enum, composite, range, network, geometric, "
              + "bit string, money and the other non-standard types are not supported yet)");
    };
  }

  /** Whether {@link #map(RelDataTypeFactory, long, int, String)} gives type {@code oid} a Calcite type of its own. */
  static boolean hasCalciteCounterpart(long oid) {
    return oid <= Integer.MAX_VALUE && switch ((int) oid) {
      case Oid.INT2, Oid.INT4, Oid.INT8, Oid.FLOAT4, Oid.FLOAT8, Oid.BOOL, Oid.DATE, Oid.UUID, Oid.NUMERIC, Oid.TEXT,
           Oid.VARCHAR, Oid.BPCHAR, Oid.BYTEA, Oid.TIMESTAMP, Oid.TIMESTAMPTZ, Oid.TIME, Oid.INTERVAL -> true;
      default -> false;
    };
  }

  /** True for the DECIMAL that stands for PostgreSQL's unconstrained {@code numeric}: maximum precision. */
  public static boolean isUnboundedNumeric(RelDataType type) {
    return type.getSqlTypeName() == SqlTypeName.DECIMAL
        && type.getPrecision() == FreshetTypeSystem.MAX_NUMERIC_PRECISION;
  }

  private static MappedType plain(RelDataTypeFactory factory, SqlTypeName name) {
    return new Supported(factory.createSqlType(name));
  }

  private static MappedType numeric(RelDataTypeFactory factory, int typmod, String typeName) {
    if (typmod < VARHDRSZ) {
      return decimal(factory, FreshetTypeSystem.MAX_NUMERIC_PRECISION, UNBOUNDED_NUMERIC_SCALE, typeName);
    }
    int packed = typmod - VARHDRSZ;
    int precision = (packed >> 16) & 0xFFFF;
    // The scale is an 11-bit signed field since PostgreSQL 15 (numeric(3,-2) rounds to hundreds).
    int scale = ((packed & 0x7FF) ^ 1024) - 1024;
    if (scale < 0 || scale > precision) {
      return new Unsupported(typeName + " has a negative scale or a scale above its precision, which "
          + "Calcite's DECIMAL cannot express");
    }
    return decimal(factory, precision, scale, typeName);
  }

  private static MappedType decimal(RelDataTypeFactory factory, int precision, int scale, String typeName) {
    RelDataType type = factory.createSqlType(SqlTypeName.DECIMAL, precision, scale);
    return checked(factory, type, precision, scale, typeName);
  }

  private static MappedType sized(RelDataTypeFactory factory, SqlTypeName name, int precision, String typeName) {
    RelDataType type = precision == RelDataType.PRECISION_NOT_SPECIFIED
        ? factory.createSqlType(name)
        : factory.createSqlType(name, precision);
    return checked(factory, type, precision, RelDataType.SCALE_NOT_SPECIFIED, typeName);
  }

  private static int fractionalSeconds(int typmod) {
    return typmod < 0 ? DEFAULT_FRACTIONAL_SECONDS : typmod;
  }

  private static MappedType interval(RelDataTypeFactory factory, int typmod, String typeName) {
    int range = typmod < 0 ? INTERVAL_FULL_RANGE : (typmod >>> 16) & INTERVAL_FULL_RANGE;
    int precision = typmod < 0 ? INTERVAL_FULL_PRECISION : typmod & 0xFFFF;
    int fractional = precision == INTERVAL_FULL_PRECISION ? DEFAULT_FRACTIONAL_SECONDS : precision;
    TimeUnit start;
    TimeUnit end;
    switch (range) {
      case YEAR -> { start = TimeUnit.YEAR; end = null; }
      case MONTH -> { start = TimeUnit.MONTH; end = null; }
      case YEAR | MONTH -> { start = TimeUnit.YEAR; end = TimeUnit.MONTH; }
      case DAY -> { start = TimeUnit.DAY; end = null; }
      case HOUR -> { start = TimeUnit.HOUR; end = null; }
      case MINUTE -> { start = TimeUnit.MINUTE; end = null; }
      case SECOND -> { start = TimeUnit.SECOND; end = null; }
      case DAY | HOUR -> { start = TimeUnit.DAY; end = TimeUnit.HOUR; }
      case DAY | HOUR | MINUTE -> { start = TimeUnit.DAY; end = TimeUnit.MINUTE; }
      case DAY | HOUR | MINUTE | SECOND, INTERVAL_FULL_RANGE -> { start = TimeUnit.DAY; end = TimeUnit.SECOND; }
      case HOUR | MINUTE -> { start = TimeUnit.HOUR; end = TimeUnit.MINUTE; }
      case HOUR | MINUTE | SECOND -> { start = TimeUnit.HOUR; end = TimeUnit.SECOND; }
      case MINUTE | SECOND -> { start = TimeUnit.MINUTE; end = TimeUnit.SECOND; }
      default -> {
        return new Unsupported(typeName + " has interval fields (typmod " + typmod + ") Freshet does not know");
      }
    }
    boolean seconds = (end == null ? start : end) == TimeUnit.SECOND;
    int leading = SqlTypeName.MAX_INTERVAL_START_PRECISION;
    int scale = seconds ? fractional : RelDataType.PRECISION_NOT_SPECIFIED;
    RelDataType type = factory.createSqlIntervalType(
        new SqlIntervalQualifier(start, leading, end, scale, SqlParserPos.ZERO));
    return checked(factory, type, leading, seconds ? fractional : RelDataType.SCALE_NOT_SPECIFIED, typeName);
  }

  /** Refuses a type the factory silently narrowed (Calcite caps precision at the type system's maximum). */
  private static MappedType checked(RelDataTypeFactory factory, RelDataType type, int precision, int scale,
      String typeName) {
    boolean precisionKept = precision == RelDataType.PRECISION_NOT_SPECIFIED || type.getPrecision() == precision;
    boolean scaleKept = scale == RelDataType.SCALE_NOT_SPECIFIED || type.getScale() == scale;
    if (precisionKept && scaleKept) {
      return new Supported(type);
    }
    SqlTypeName name = type.getSqlTypeName();
    return new Unsupported(typeName + " needs " + name + " with precision " + precision
        + (scale == RelDataType.SCALE_NOT_SPECIFIED ? "" : " and scale " + scale)
        + ", but the planner's type system allows at most precision "
        + factory.getTypeSystem().getMaxPrecision(name)
        + (scale == RelDataType.SCALE_NOT_SPECIFIED ? "" : " and scale " + factory.getTypeSystem().getMaxScale(name)));
  }
}
