package dev.freshet.planner.catalog;

import dev.freshet.planner.types.FreshetTypeSystem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.rel.RelReferentialConstraint;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.Schema;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.Table;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.ImmutableBitSet;
import org.apache.calcite.util.mapping.IntPair;
import org.junit.jupiter.api.Test;
import org.postgresql.core.Oid;

/** The Calcite schema built from hand-made catalog records; no database. */
class PgCalciteSchemaTest {

  private static final RelDataTypeFactory FACTORY = new JavaTypeFactoryImpl(FreshetTypeSystem.INSTANCE);

  static PgColumn col(String name, long oid, int typmod, boolean notNull, int ordinal, String typeName) {
    return new PgColumn(name, typeName, oid, typmod, notNull, ordinal);
  }

  static PgColumn integer(String name, boolean notNull, int ordinal) {
    return col(name, Oid.INT4, -1, notNull, ordinal, "integer");
  }

  /** public.customer(id PK, email UNIQUE NOT NULL, phone UNIQUE nullable, code UNIQUE NULLS NOT DISTINCT). */
  static PgTable customer() {
    return new PgTable("public", "customer", PgTable.Kind.TABLE, 16_384, 1500,
        List.of(integer("id", true, 1), col("email", Oid.TEXT, -1, true, 2, "text"),
            col("phone", Oid.TEXT, -1, false, 4, "text"), integer("code", false, 5)),
        List.of("id"),
        List.of(new PgUniqueKey("customer_email_key", List.of("email"), false),
            new PgUniqueKey("customer_phone_key", List.of("phone"), false),
            new PgUniqueKey("customer_code_key", List.of("code"), true)),
        List.of(),
        List.of(new PgIndex("customer_pkey", List.of("id"), true, true, false),
            new PgIndex("customer_email_key", List.of("email"), true, false, false)));
  }

  /** "Sales"."Order Line"(order_id, "LineNo") PK, FK order_id → public.customer(id), a jsonb column. */
  static PgTable orderLine() {
    return new PgTable("Sales", "Order Line", PgTable.Kind.TABLE, 16_390, -1,
        List.of(integer("order_id", true, 1), integer("LineNo", true, 2),
            col("Notes", Oid.JSONB, -1, false, 3, "jsonb"), integer("customer_id", false, 5)),
        List.of("order_id", "LineNo"),
        List.of(),
        List.of(new PgForeignKey("order_line_customer_fk", List.of("customer_id"), "public", "customer",
            List.of("id")), new PgForeignKey("elsewhere_fk", List.of("order_id"), "archive", "orders",
            List.of("id"))),
        List.of());
  }

  static PgTable view() {
    return new PgTable("public", "big_customers", PgTable.Kind.VIEW, 16_500, 0,
        List.of(integer("id", false, 1)), List.of(), List.of(), List.of(), List.of());
  }

  static PgCatalog catalog() {
    return new PgCatalog(List.of("Sales", "empty", "public"), List.of("public"),
        List.of(orderLine(), view(), customer()));
  }

  private static PgCalciteTable table(SchemaPlus root, String schema, String name) {
    SchemaPlus sub = root.getSubSchema(schema);
    assertNotNull(sub, schema);
    Table table = sub.getTable(name);
    assertNotNull(table, name);
    return (PgCalciteTable) table;
  }

  @Test
  void schemasAndTablesKeepTheirExactNames() {
    SchemaPlus root = PgCalciteSchema.create(catalog());
    assertEquals(java.util.Set.of("Sales", "empty", "public"), root.getSubSchemaNames());
    assertEquals(java.util.Set.of("Order Line"), root.getSubSchema("Sales").getTableNames());
    assertTrue(root.getSubSchema("empty").getTableNames().isEmpty());
    RelDataType rowType = table(root, "Sales", "Order Line").getRowType(FACTORY);
    assertEquals(List.of("order_id", "LineNo", "Notes", "customer_id"), rowType.getFieldNames());
  }

  @Test
  void rowTypeMapsTypesAndNullability() {
    RelDataType rowType = table(PgCalciteSchema.create(catalog()), "public", "customer").getRowType(FACTORY);
    assertEquals(SqlTypeName.INTEGER, rowType.getFieldList().get(0).getType().getSqlTypeName());
    assertFalse(rowType.getFieldList().get(0).getType().isNullable());
    assertFalse(rowType.getFieldList().get(1).getType().isNullable());
    assertTrue(rowType.getFieldList().get(2).getType().isNullable());
  }

  @Test
  void keysArePrimaryKeyAndUniqueIndexesThatIdentifyRows() {
    PgCalciteTable customer = table(PgCalciteSchema.create(catalog()), "public", "customer");
    // phone is UNIQUE but nullable: many rows may have phone IS NULL, so it is no key.
    assertEquals(List.of(ImmutableBitSet.of(0), ImmutableBitSet.of(1), ImmutableBitSet.of(3)),
        customer.getStatistic().getKeys());
    assertTrue(customer.getStatistic().isKey(ImmutableBitSet.of(0, 2)));
    assertFalse(customer.getStatistic().isKey(ImmutableBitSet.of(2)));
    assertEquals(1500.0, customer.getStatistic().getRowCount());
  }

  @Test
  void compositeKeyFieldIndexesFollowColumnPositionsNotAttnums() {
    PgCalciteTable line = table(PgCalciteSchema.create(catalog()), "Sales", "Order Line");
    assertEquals(List.of(ImmutableBitSet.of(0, 1)), line.getStatistic().getKeys());
    assertEquals(0.0, line.getStatistic().getRowCount(), "reltuples -1 (never analyzed) reads as 0");
  }

  @Test
  void foreignKeysToReadTablesBecomeReferentialConstraints() {
    PgCalciteTable line = table(PgCalciteSchema.create(catalog()), "Sales", "Order Line");
    List<RelReferentialConstraint> constraints = line.getStatistic().getReferentialConstraints();
    assertNotNull(constraints);
    // archive.orders was not read: its field indexes are unknown, so that FK is left out.
    assertEquals(1, constraints.size());
    RelReferentialConstraint fk = constraints.get(0);
    assertEquals(List.of("Sales", "Order Line"), fk.getSourceQualifiedName());
    assertEquals(List.of("public", "customer"), fk.getTargetQualifiedName());
    assertEquals(List.of(IntPair.of(3, 0)), fk.getColumnPairs());
  }

  @Test
  void viewsAreTablesWithoutKeys() {
    PgCalciteTable view = table(PgCalciteSchema.create(catalog()), "public", "big_customers");
    assertEquals(Schema.TableType.VIEW, view.getJdbcTableType());
    assertEquals(List.of(), view.getStatistic().getKeys());
  }

  @Test
  void unsupportedColumnStaysInTheRowTypeAsAny() {
    PgCalciteTable line = table(PgCalciteSchema.create(catalog()), "Sales", "Order Line");
    RelDataType notes = line.getRowType(FACTORY).getFieldList().get(2).getType();
    assertEquals(SqlTypeName.ANY, notes.getSqlTypeName());
    assertTrue(notes.isNullable());
    List<UnsupportedColumn> unsupported = line.unsupportedColumns(FACTORY);
    assertEquals(1, unsupported.size());
    assertEquals("column \"Sales\".\"Order Line\".\"Notes\" has type jsonb, which Freshet cannot use: "
        + "jsonb has no Calcite type, so Freshet cannot compare, group or join on it as PostgreSQL does",
        unsupported.get(0).message());
    assertTrue(line.unsupportedColumn(0, FACTORY).isEmpty());
  }

  @Test
  void unwrapGivesTheCatalogRecord() {
    PgCalciteTable customer = table(PgCalciteSchema.create(catalog()), "public", "customer");
    assertSame(customer.pgTable(), customer.unwrap(PgTable.class));
    assertSame(customer, customer.unwrap(PgCalciteTable.class));
    assertNull(customer.unwrap(String.class));
  }

  @Test
  void namesDifferingOnlyInCaseAreDistinctTables() {
    PgTable lower = new PgTable("public", "orders", PgTable.Kind.TABLE, 20_000, 0,
        List.of(integer("a", false, 1)), List.of(), List.of(), List.of(), List.of());
    PgTable upper = new PgTable("public", "Orders", PgTable.Kind.TABLE, 20_001, 0,
        List.of(integer("A", false, 1), integer("b", false, 2)), List.of(), List.of(), List.of(), List.of());
    SchemaPlus root = PgCalciteSchema.create(new PgCatalog(List.of("public"), List.of(), List.of(lower, upper)));
    assertEquals(1, table(root, "public", "orders").getRowType(FACTORY).getFieldCount());
    assertEquals(2, table(root, "public", "Orders").getRowType(FACTORY).getFieldCount());
  }

  @Test
  void recordsRejectInconsistentFacts() {
    assertThrows(IllegalArgumentException.class, () -> new PgTable("public", "t", PgTable.Kind.TABLE, 1, 0,
        List.of(integer("a", true, 1)), List.of("b"), List.of(), List.of(), List.of()));
    assertThrows(IllegalArgumentException.class, () -> new PgTable("public", "v", PgTable.Kind.VIEW, 1, 0,
        List.of(integer("a", true, 1)), List.of("a"), List.of(), List.of(), List.of()));
    assertThrows(IllegalArgumentException.class, () -> new PgForeignKey("fk", List.of("a", "b"), "s", "t",
        List.of("x")));
    assertThrows(IllegalArgumentException.class, () -> new PgCatalog(List.of("public"), List.of(),
        List.of(orderLine())));
    assertThrows(IllegalArgumentException.class, () -> integer("a", true, 0));
  }

  @Test
  void catalogLooksTablesUpCaseSensitively() {
    PgCatalog catalog = catalog();
    assertTrue(catalog.table("Sales", "Order Line").isPresent());
    assertTrue(catalog.table("sales", "order line").isEmpty());
    assertEquals(2, catalog.tables("public").size());
  }
}
