package dev.freshet.planner.catalog;

import dev.freshet.planner.types.FreshetTypeSystem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.planner.catalog.MappedType.Supported;
import dev.freshet.planner.catalog.MappedType.Unsupported;
import dev.freshet.planner.types.FreshetTypeFactory;
import dev.freshet.planner.types.PostgresNamedType;
import java.util.List;
import org.apache.calcite.avatica.util.TimeUnit;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeSystem;
import org.apache.calcite.sql.SqlIntervalQualifier;
import org.apache.calcite.sql.type.SqlTypeName;
import org.junit.jupiter.api.Test;
import org.postgresql.core.Oid;

/** Type by type, with typmods encoded as PostgreSQL stores them in {@code pg_attribute.atttypmod}. */
class PgTypeMappingTest {

  private static final int NO_TYPMOD = -1;
  private static final RelDataTypeFactory FACTORY = new JavaTypeFactoryImpl(FreshetTypeSystem.INSTANCE);

  /** varchar(n), char(n): the length plus the 4-byte varlena header. */
  private static int length(int n) {
    return n + 4;
  }

  /** numeric(p,s): precision in the high 16 bits, scale (11-bit signed) in the low, plus the header. */
  private static int numeric(int precision, int scale) {
    return ((precision << 16) | (scale & 0x7FF)) + 4;
  }

  private static RelDataType supported(long oid, int typmod, String name) {
    MappedType mapped = PgTypeMapping.map(FACTORY, oid, typmod, name);
    return assertInstanceOf(Supported.class, mapped, () -> name + " → " + mapped).type();
  }

  private static String unsupported(RelDataTypeFactory factory, long oid, int typmod, String name) {
    MappedType mapped = PgTypeMapping.map(factory, oid, typmod, name);
    return assertInstanceOf(Unsupported.class, mapped, () -> name + " → " + mapped).reason();
  }

  private static void assertType(SqlTypeName name, int precision, int scale, RelDataType type) {
    assertEquals(name, type.getSqlTypeName(), type::getFullTypeString);
    assertEquals(precision, type.getPrecision(), () -> "precision of " + type.getFullTypeString());
    assertEquals(scale, type.getScale(), () -> "scale of " + type.getFullTypeString());
    assertFalse(type.isNullable(), "a bare type is NOT NULL; the column decides");
  }

  @Test
  void integers() {
    assertEquals(SqlTypeName.SMALLINT, supported(Oid.INT2, NO_TYPMOD, "smallint").getSqlTypeName());
    assertEquals(SqlTypeName.INTEGER, supported(Oid.INT4, NO_TYPMOD, "integer").getSqlTypeName());
    assertEquals(SqlTypeName.BIGINT, supported(Oid.INT8, NO_TYPMOD, "bigint").getSqlTypeName());
  }

  @Test
  void declaredNumericKeepsPrecisionAndScale() {
    assertType(SqlTypeName.DECIMAL, 15, 2, supported(Oid.NUMERIC, numeric(15, 2), "numeric(15,2)"));
    assertType(SqlTypeName.DECIMAL, 38, 0, supported(Oid.NUMERIC, numeric(38, 0), "numeric(38,0)"));
    assertType(SqlTypeName.DECIMAL, 1000, 20, supported(Oid.NUMERIC, numeric(1000, 20), "numeric(1000,20)"));
    assertType(SqlTypeName.DECIMAL, 5, 5, supported(Oid.NUMERIC, numeric(5, 5), "numeric(5,5)"));
  }

  @Test
  void unconstrainedNumericIsMaximumPrecisionWithAWideScale() {
    RelDataType type = supported(Oid.NUMERIC, NO_TYPMOD, "numeric");
    assertType(SqlTypeName.DECIMAL, 1000, PgTypeMapping.UNBOUNDED_NUMERIC_SCALE, type);
    assertTrue(PgTypeMapping.isUnboundedNumeric(type));
    assertFalse(PgTypeMapping.isUnboundedNumeric(supported(Oid.NUMERIC, numeric(38, 2), "numeric(38,2)")));
  }

  @Test
  void numericWithNegativeScaleOrScaleAbovePrecisionIsUnsupported() {
    // PostgreSQL 15+ accepts both; Calcite's DECIMAL has neither.
    assertTrue(unsupported(FACTORY, Oid.NUMERIC, numeric(3, -2), "numeric(3,-2)").contains("numeric(3,-2)"));
    assertTrue(unsupported(FACTORY, Oid.NUMERIC, numeric(3, 5), "numeric(3,5)").contains("scale"));
  }

  @Test
  void numericNeedsTheWideTypeSystem() {
    RelDataTypeFactory narrow = new JavaTypeFactoryImpl(RelDataTypeSystem.DEFAULT);
    String reason = unsupported(narrow, Oid.NUMERIC, numeric(38, 2), "numeric(38,2)");
    assertTrue(reason.contains("numeric(38,2) needs DECIMAL with precision 38"), reason);
    unsupported(narrow, Oid.NUMERIC, NO_TYPMOD, "numeric");
  }

  @Test
  void floatingPointAndBoolean() {
    assertEquals(SqlTypeName.REAL, supported(Oid.FLOAT4, NO_TYPMOD, "real").getSqlTypeName());
    assertEquals(SqlTypeName.DOUBLE, supported(Oid.FLOAT8, NO_TYPMOD, "double precision").getSqlTypeName());
    assertEquals(SqlTypeName.BOOLEAN, supported(Oid.BOOL, NO_TYPMOD, "boolean").getSqlTypeName());
  }

  @Test
  void characterTypes() {
    int unbounded = RelDataType.PRECISION_NOT_SPECIFIED;
    assertType(SqlTypeName.VARCHAR, unbounded, RelDataType.SCALE_NOT_SPECIFIED,
        supported(Oid.TEXT, NO_TYPMOD, "text"));
    assertType(SqlTypeName.VARCHAR, unbounded, RelDataType.SCALE_NOT_SPECIFIED,
        supported(Oid.VARCHAR, NO_TYPMOD, "character varying"));
    assertType(SqlTypeName.VARCHAR, 40, RelDataType.SCALE_NOT_SPECIFIED,
        supported(Oid.VARCHAR, length(40), "character varying(40)"));
    assertType(SqlTypeName.VARCHAR, FreshetTypeSystem.MAX_CHARACTER_LENGTH, RelDataType.SCALE_NOT_SPECIFIED,
        supported(Oid.VARCHAR, length(FreshetTypeSystem.MAX_CHARACTER_LENGTH), "character varying(10485760)"));
    assertType(SqlTypeName.CHAR, 10, RelDataType.SCALE_NOT_SPECIFIED,
        supported(Oid.BPCHAR, length(10), "character(10)"));
    // "char" without a length is char(1) in PostgreSQL, stored with typmod 5.
    assertType(SqlTypeName.CHAR, 1, RelDataType.SCALE_NOT_SPECIFIED,
        supported(Oid.BPCHAR, length(1), "character(1)"));
    assertTrue(unsupported(FACTORY, Oid.BPCHAR, NO_TYPMOD, "bpchar").contains("trailing blanks"));
  }

  @Test
  void aLengthBeyondTheTypeSystemIsRefusedNotTruncated() {
    RelDataTypeFactory narrow = new JavaTypeFactoryImpl(RelDataTypeSystem.DEFAULT);
    String reason = unsupported(narrow, Oid.VARCHAR, length(100_000), "character varying(100000)");
    assertTrue(reason.contains("at most precision 65536"), reason);
  }

  @Test
  void bytea() {
    assertType(SqlTypeName.VARBINARY, RelDataType.PRECISION_NOT_SPECIFIED, RelDataType.SCALE_NOT_SPECIFIED,
        supported(Oid.BYTEA, NO_TYPMOD, "bytea"));
  }

  @Test
  void datetimeTypesDefaultToMicroseconds() {
    int none = RelDataType.SCALE_NOT_SPECIFIED;
    assertType(SqlTypeName.DATE, 0, none, supported(Oid.DATE, NO_TYPMOD, "date"));
    assertType(SqlTypeName.TIMESTAMP, 6, none, supported(Oid.TIMESTAMP, NO_TYPMOD, "timestamp without time zone"));
    assertType(SqlTypeName.TIMESTAMP, 0, none, supported(Oid.TIMESTAMP, 0, "timestamp(0) without time zone"));
    assertType(SqlTypeName.TIMESTAMP, 3, none, supported(Oid.TIMESTAMP, 3, "timestamp(3) without time zone"));
    assertType(SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE, 6, none,
        supported(Oid.TIMESTAMPTZ, NO_TYPMOD, "timestamp with time zone"));
    assertType(SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE, 2, none,
        supported(Oid.TIMESTAMPTZ, 2, "timestamp(2) with time zone"));
    assertType(SqlTypeName.TIME, 6, none, supported(Oid.TIME, NO_TYPMOD, "time without time zone"));
    assertType(SqlTypeName.TIME, 4, none, supported(Oid.TIME, 4, "time(4) without time zone"));
  }

  @Test
  void microsecondsBeyondTheTypeSystemAreRefusedNotTruncated() {
    // Calcite's default type system caps TIMESTAMP at precision 3: a silent cap would print lossy casts.
    RelDataTypeFactory narrow = new JavaTypeFactoryImpl(RelDataTypeSystem.DEFAULT);
    String reason = unsupported(narrow, Oid.TIMESTAMP, NO_TYPMOD, "timestamp without time zone");
    assertTrue(reason.contains("needs TIMESTAMP with precision 6") && reason.contains("at most precision 3"),
        reason);
  }

  @Test
  void yearMonthIntervals() {
    // Typmods as PostgreSQL 17 stores them: range mask << 16 | 0xFFFF (no fractional precision).
    assertInterval(TimeUnit.YEAR, TimeUnit.MONTH, supported(Oid.INTERVAL, 0x0006FFFF, "interval year to month"));
    assertInterval(TimeUnit.YEAR, null, supported(Oid.INTERVAL, 0x0004FFFF, "interval year"));
    assertInterval(TimeUnit.MONTH, null, supported(Oid.INTERVAL, 0x0002FFFF, "interval month"));
  }

  @Test
  void dayTimeIntervals() {
    RelDataType full = supported(Oid.INTERVAL, NO_TYPMOD, "interval");
    assertInterval(TimeUnit.DAY, TimeUnit.SECOND, full);
    assertEquals(6, full.getIntervalQualifier().getFractionalSecondPrecision(FACTORY.getTypeSystem()));
    RelDataType daySecond3 = supported(Oid.INTERVAL, 470286339, "interval day to second(3)");
    assertInterval(TimeUnit.DAY, TimeUnit.SECOND, daySecond3);
    assertEquals(3, daySecond3.getIntervalQualifier().getFractionalSecondPrecision(FACTORY.getTypeSystem()));
    RelDataType precision2 = supported(Oid.INTERVAL, 2147418114, "interval(2)");
    assertInterval(TimeUnit.DAY, TimeUnit.SECOND, precision2);
    assertEquals(2, precision2.getIntervalQualifier().getFractionalSecondPrecision(FACTORY.getTypeSystem()));
    assertInterval(TimeUnit.HOUR, null, supported(Oid.INTERVAL, 67174399, "interval hour"));
    assertInterval(TimeUnit.MINUTE, TimeUnit.SECOND, supported(Oid.INTERVAL, 402653184, "interval minute to second(0)"));
  }

  private static void assertInterval(TimeUnit start, TimeUnit end, RelDataType type) {
    SqlIntervalQualifier qualifier = type.getIntervalQualifier();
    assertEquals(start, qualifier.getStartUnit(), type::getFullTypeString);
    assertEquals(end == null ? start : end, qualifier.getEndUnit() == null ? qualifier.getStartUnit()
        : qualifier.getEndUnit(), type::getFullTypeString);
    assertEquals(10, qualifier.getStartPrecision(FACTORY.getTypeSystem()), "no leading-field limit below PostgreSQL's");
  }

  @Test
  void uuidIsCalcitesUuid() {
    assertEquals(SqlTypeName.UUID, supported(Oid.UUID, NO_TYPMOD, "uuid").getSqlTypeName());
  }

  /**
   * Under the planner's factory, a type with no Calcite counterpart is carried by name when PostgreSQL
   * can compare it, keeps that name through nullability changes and unions with NULLs and string
   * literals, and is refused, saying why, when it cannot be compared.
   */
  @Test
  void typesWithoutCalciteCounterpartAreCarriedByNameWhenPostgresCanCompareThem() {
    FreshetTypeFactory freshet = new FreshetTypeFactory();
    PgColumn jsonb = new PgColumn("doc", "jsonb", Oid.JSONB, NO_TYPMOD, true, 1, Oid.JSONB, NO_TYPMOD, "jsonb", true, true);
    RelDataType type = assertInstanceOf(Supported.class, PgTypeMapping.map(freshet, jsonb)).type();
    PostgresNamedType named = assertInstanceOf(PostgresNamedType.class, type);
    assertEquals("jsonb", named.postgresName());
    assertFalse(named.isNullable());
    RelDataType nullable = freshet.createTypeWithNullability(type, true);
    assertEquals("jsonb", assertInstanceOf(PostgresNamedType.class, nullable).postgresName());
    assertEquals(nullable, freshet.leastRestrictive(List.of(type, freshet.createSqlType(SqlTypeName.NULL))));
    assertEquals(type, freshet.leastRestrictive(List.of(type, freshet.createSqlType(SqlTypeName.CHAR, 2))));
    assertNull(freshet.leastRestrictive(List.of(type, freshet.createSqlType(SqlTypeName.INTEGER))));
    RelDataType inet = freshet.createPostgresType("inet", false);
    assertNull(freshet.leastRestrictive(List.of(type, inet)), "two PostgreSQL types have no common type here");

    PgColumn json = new PgColumn("j", "json", Oid.JSON, NO_TYPMOD, false, 2, Oid.JSON, NO_TYPMOD, "json", false, false);
    // without an equality operator: carried by name as payload only (PayloadOnlyCheck refuses comparing it)
    PostgresNamedType payload = assertInstanceOf(PostgresNamedType.class,
        assertInstanceOf(Supported.class, PgTypeMapping.map(freshet, json)).type());
    assertEquals("json", payload.postgresName());
    assertFalse(payload.equality());
    assertFalse(assertInstanceOf(PostgresNamedType.class, freshet.createTypeWithNullability(payload, false))
        .equality(), "nullability keeps it");
    PgColumn times = new PgColumn("r", "time with time zone[]", 1270, NO_TYPMOD, false, 3, 1270, NO_TYPMOD,
        "time with time zone[]", true, false);
    String reason = assertInstanceOf(Unsupported.class, PgTypeMapping.map(freshet, times)).reason();
    assertEquals("Freshet identifies rows by a canonical text of their values, one text for values that "
        + "PostgreSQL holds equal, and has none for type time with time zone[] yet", reason);
  }

  @Test
  void typesWithoutCalciteCounterpartAreUnsupportedWithAReason() {
    assertTrue(unsupported(FACTORY, Oid.JSONB, NO_TYPMOD, "jsonb").startsWith("jsonb has no Calcite type"));
    assertTrue(unsupported(FACTORY, Oid.JSON, NO_TYPMOD, "json").startsWith("json has no Calcite type"));
    assertTrue(unsupported(FACTORY, Oid.TIMETZ, NO_TYPMOD, "time with time zone").contains("timestamptz"));
    assertTrue(unsupported(FACTORY, 1007, NO_TYPMOD, "integer[]").contains("arrays"));
    assertTrue(unsupported(FACTORY, Oid.MONEY, NO_TYPMOD, "money").contains("type money"));
    // A user-defined enum: its oid is assigned at CREATE TYPE, possibly above 2^31.
    assertTrue(unsupported(FACTORY, 3_000_000_000L, NO_TYPMOD, "mood").contains("type mood"));
  }

  @Test
  void columnAddsNullabilityAndUsesTheDomainsBaseType() {
    PgColumn nullable = new PgColumn("amount", "money_amount", 16_400, NO_TYPMOD, false, 1, Oid.NUMERIC,
        numeric(12, 2));
    RelDataType type = assertInstanceOf(Supported.class, PgTypeMapping.map(FACTORY, nullable)).type();
    assertEquals(SqlTypeName.DECIMAL, type.getSqlTypeName());
    assertEquals(12, type.getPrecision());
    assertEquals(2, type.getScale());
    assertTrue(type.isNullable());

    PgColumn notNull = new PgColumn("id", "integer", Oid.INT4, NO_TYPMOD, true, 2);
    assertFalse(assertInstanceOf(Supported.class, PgTypeMapping.map(FACTORY, notNull)).type().isNullable());
  }
}
