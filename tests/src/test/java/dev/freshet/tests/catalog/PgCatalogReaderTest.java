package dev.freshet.tests.catalog;

import dev.freshet.planner.admission.ReasonCode;
import dev.freshet.planner.admission.UnsupportedQueryException;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;

import dev.freshet.planner.types.FreshetTypeSystem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.planner.QueryPlanner;
import dev.freshet.planner.catalog.PgCalciteSchema;
import dev.freshet.planner.catalog.PgCalciteTable;
import dev.freshet.planner.catalog.PgCatalog;
import dev.freshet.planner.catalog.PgCatalogReader;
import dev.freshet.planner.catalog.PgColumn;
import dev.freshet.planner.catalog.PgForeignKey;
import dev.freshet.planner.catalog.PgIndex;
import dev.freshet.planner.catalog.PgTable;
import dev.freshet.planner.catalog.PgUniqueKey;
import dev.freshet.planner.catalog.UnsupportedColumn;
import dev.freshet.planner.catalog.UnsupportedColumnAnalyzer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.calcite.avatica.util.TimeUnit;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.rel.RelReferentialConstraint;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.ImmutableBitSet;
import org.apache.calcite.util.mapping.IntPair;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Reads a real catalog from PostgreSQL and checks the records and the Calcite schema built from them. */
@PostgresTest
class PgCatalogReaderTest {

  private static final RelDataTypeFactory FACTORY = new JavaTypeFactoryImpl(FreshetTypeSystem.INSTANCE);

  private static final String DDL = """
      CREATE SCHEMA "Sales";
      CREATE SCHEMA sales;
      CREATE SCHEMA inventory;
      CREATE SCHEMA freshet;
      CREATE SCHEMA freshet_changes;
      CREATE TABLE freshet.stream_tables (id int);
      CREATE TABLE freshet_changes.buffer_1 (id int);

      CREATE TYPE mood AS ENUM ('sad', 'happy');
      CREATE DOMAIN money_amount AS numeric(12,2) CHECK (VALUE >= 0);
      CREATE DOMAIN positive_amount AS money_amount CHECK (VALUE > 0);

      CREATE TABLE public.customer (
        id integer PRIMARY KEY,
        email text NOT NULL UNIQUE,
        phone text UNIQUE,
        code integer UNIQUE NULLS NOT DISTINCT,
        region text,
        note text);
      CREATE UNIQUE INDEX customer_lower_email ON public.customer (lower(email));
      CREATE UNIQUE INDEX customer_region_partial ON public.customer (region) WHERE region <> 'none';
      CREATE INDEX customer_region_idx ON public.customer (region) INCLUDE (note);
      INSERT INTO public.customer VALUES (1, 'a@x', NULL, 1, 'eu', ''), (2, 'b@x', NULL, 2, 'us', ''),
        (3, 'c@x', '555', NULL, NULL, '');
      ANALYZE public.customer;

      CREATE TABLE "Sales"."Order" (
        "OrderId" bigint NOT NULL,
        "LineNo" smallint NOT NULL,
        "Customer" integer REFERENCES public.customer (id),
        "Ünïcødé ✓" text,
        PRIMARY KEY ("OrderId", "LineNo"));
      CREATE TABLE "Sales"."order" (id integer);
      CREATE TABLE sales."Order" (x integer, y integer);
      CREATE TABLE "Sales".shipment (
        order_id bigint,
        line_no smallint,
        CONSTRAINT shipment_order_fk FOREIGN KEY (line_no, order_id) REFERENCES "Sales"."Order" ("LineNo", "OrderId"));
      -- a foreign key added NOT VALID holds for new rows only: the row below has no order
      CREATE TABLE "Sales".return_slip (order_id bigint, line_no smallint);
      INSERT INTO "Sales".return_slip VALUES (404, 1);
      ALTER TABLE "Sales".return_slip ADD CONSTRAINT return_slip_order_fk FOREIGN KEY (line_no, order_id)
        REFERENCES "Sales"."Order" ("LineNo", "OrderId") NOT VALID;

      CREATE TABLE public.event_log (at timestamptz, payload text);

      CREATE TABLE public.gaps (a integer, b integer, c integer NOT NULL PRIMARY KEY);
      ALTER TABLE public.gaps DROP COLUMN b;

      CREATE VIEW public.customer_emails AS SELECT id, email FROM public.customer;
      CREATE MATERIALIZED VIEW public.customers_by_region AS
        SELECT region, count(*) AS n FROM public.customer GROUP BY region;
      CREATE UNIQUE INDEX customers_by_region_key ON public.customers_by_region (region) NULLS NOT DISTINCT;

      CREATE TABLE public.measurement (id integer, at date NOT NULL, v integer, PRIMARY KEY (id, at))
        PARTITION BY RANGE (at);
      CREATE TABLE public.measurement_2024 PARTITION OF public.measurement
        FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
      CREATE TABLE public.measurement_2025 PARTITION OF public.measurement
        FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
      CREATE TABLE public.measurement_note (id integer, at date, note text,
        CONSTRAINT note_measurement_fk FOREIGN KEY (id, at) REFERENCES public.measurement (id, at));

      CREATE EXTENSION postgres_fdw;
      CREATE SERVER elsewhere FOREIGN DATA WRAPPER postgres_fdw;
      CREATE FOREIGN TABLE public.remote_item (id integer NOT NULL, name text) SERVER elsewhere;

      CREATE TABLE inventory.all_types (
        c_smallint smallint NOT NULL,
        c_integer integer,
        c_bigint bigint NOT NULL,
        c_numeric numeric,
        c_numeric_15_2 numeric(15,2),
        c_numeric_38 numeric(38),
        c_real real,
        c_double double precision,
        c_boolean boolean,
        c_text text,
        c_varchar varchar,
        c_varchar_40 varchar(40),
        c_char_10 char(10),
        c_char char,
        c_date date,
        c_timestamp timestamp,
        c_timestamp_3 timestamp(3),
        c_timestamptz timestamptz,
        c_timestamptz_0 timestamptz(0),
        c_time time,
        c_time_2 time(2),
        c_interval interval,
        c_interval_ym interval year to month,
        c_interval_ds3 interval day to second(3),
        c_bytea bytea,
        c_uuid uuid,
        c_domain money_amount,
        c_domain2 positive_amount NOT NULL,
        c_json json,
        c_jsonb jsonb,
        c_int_array integer[],
        c_mood mood,
        c_timetz timetz,
        c_money money);
      """;

  private static TestDatabase database;
  private static PgCatalog catalog;
  private static SchemaPlus root;

  @BeforeAll
  static void createCatalog(TestDatabase db) throws Exception {
    database = db;
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute(DDL);
      s.execute("SET search_path TO \"Sales\", public, no_such_schema");
      // A temporary table lives in pg_temp_N: never a source, never read.
      s.execute("CREATE TEMPORARY TABLE scratch (x integer)");
      catalog = PgCatalogReader.read(c);
    }
    root = PgCalciteSchema.create(catalog);
  }

  private static Connection connect() throws SQLException {
    return database.connect();
  }

  private static PgTable table(String schema, String name) {
    return catalog.table(schema, name).orElseThrow(() -> new AssertionError(schema + "." + name + " not read"));
  }

  private static PgCalciteTable calciteTable(String schema, String name) {
    SchemaPlus sub = root.getSubSchema(schema);
    assertNotNull(sub, schema);
    PgCalciteTable table = (PgCalciteTable) sub.getTable(name);
    assertNotNull(table, schema + "." + name);
    return table;
  }

  private static Map<String, RelDataType> fieldTypes(String schema, String name) {
    return calciteTable(schema, name).getRowType(FACTORY).getFieldList().stream()
        .collect(Collectors.toMap(RelDataTypeField::getName, RelDataTypeField::getType));
  }

  @Test
  void readsUserSchemasOnly() {
    assertEquals(List.of("Sales", "inventory", "public", "sales"), catalog.schemas());
    assertTrue(catalog.tables().stream().noneMatch(t -> t.schema().startsWith("pg_")
        || t.schema().equals("information_schema") || t.schema().startsWith("freshet")));
    assertTrue(catalog.tables().stream().noneMatch(t -> t.name().equals("scratch")));
  }

  @Test
  void searchPathListsExistingSchemasInOrder() {
    assertEquals(List.of("Sales", "public"), catalog.searchPath());
  }

  /**
   * Unqualified names resolve along the search_path as in PostgreSQL: {@code order} is found in
   * "Sales" (first in the path), {@code customer} only in public (second).
   */
  @Test
  void unqualifiedNamesResolveAlongTheSearchPath() {
    QueryPlanner planner = QueryPlanner.forCatalog(catalog);
    String plan = org.apache.calcite.plan.RelOptUtil.toString(
        planner.plan("SELECT o.id, c.email FROM \"order\" o, customer c WHERE o.id = c.id").rel());
    assertTrue(plan.contains("[[Sales, order]]"), plan);
    assertTrue(plan.contains("[[public, customer]]"), plan);
  }

  @Test
  void quotedMixedCaseAndUnicodeNamesAreKeptExactly() {
    PgTable order = table("Sales", "Order");
    assertEquals(List.of("OrderId", "LineNo", "Customer", "Ünïcødé ✓"),
        order.columns().stream().map(PgColumn::name).toList());
    assertEquals(List.of("id"), table("Sales", "order").columns().stream().map(PgColumn::name).toList());
    assertEquals(List.of("x", "y"), table("sales", "Order").columns().stream().map(PgColumn::name).toList());
    assertEquals(4, calciteTable("Sales", "Order").getRowType(FACTORY).getFieldCount());
    assertEquals(1, calciteTable("Sales", "order").getRowType(FACTORY).getFieldCount());
    assertEquals(2, calciteTable("sales", "Order").getRowType(FACTORY).getFieldCount());
  }

  @Test
  void kindsOfRelations() {
    assertEquals(PgTable.Kind.TABLE, table("public", "customer").kind());
    assertEquals(PgTable.Kind.VIEW, table("public", "customer_emails").kind());
    assertEquals(PgTable.Kind.MATERIALIZED_VIEW, table("public", "customers_by_region").kind());
    assertEquals(PgTable.Kind.PARTITIONED, table("public", "measurement").kind());
    assertEquals(PgTable.Kind.TABLE, table("public", "measurement_2024").kind());
    assertEquals(PgTable.Kind.FOREIGN, table("public", "remote_item").kind());
  }

  @Test
  void everyTypeMapsExactly() {
    Map<String, RelDataType> types = fieldTypes("inventory", "all_types");
    int none = RelDataType.PRECISION_NOT_SPECIFIED;
    assertType(types, "c_smallint", SqlTypeName.SMALLINT, false);
    assertType(types, "c_integer", SqlTypeName.INTEGER, true);
    assertType(types, "c_bigint", SqlTypeName.BIGINT, false);
    assertSized(types, "c_numeric", SqlTypeName.DECIMAL, 1000, 100);
    assertSized(types, "c_numeric_15_2", SqlTypeName.DECIMAL, 15, 2);
    assertSized(types, "c_numeric_38", SqlTypeName.DECIMAL, 38, 0);
    assertType(types, "c_real", SqlTypeName.REAL, true);
    assertType(types, "c_double", SqlTypeName.DOUBLE, true);
    assertType(types, "c_boolean", SqlTypeName.BOOLEAN, true);
    assertSized(types, "c_text", SqlTypeName.VARCHAR, none, RelDataType.SCALE_NOT_SPECIFIED);
    assertSized(types, "c_varchar", SqlTypeName.VARCHAR, none, RelDataType.SCALE_NOT_SPECIFIED);
    assertSized(types, "c_varchar_40", SqlTypeName.VARCHAR, 40, RelDataType.SCALE_NOT_SPECIFIED);
    assertSized(types, "c_char_10", SqlTypeName.CHAR, 10, RelDataType.SCALE_NOT_SPECIFIED);
    assertSized(types, "c_char", SqlTypeName.CHAR, 1, RelDataType.SCALE_NOT_SPECIFIED);
    assertType(types, "c_date", SqlTypeName.DATE, true);
    assertSized(types, "c_timestamp", SqlTypeName.TIMESTAMP, 6, RelDataType.SCALE_NOT_SPECIFIED);
    assertSized(types, "c_timestamp_3", SqlTypeName.TIMESTAMP, 3, RelDataType.SCALE_NOT_SPECIFIED);
    assertSized(types, "c_timestamptz", SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE, 6,
        RelDataType.SCALE_NOT_SPECIFIED);
    assertSized(types, "c_timestamptz_0", SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE, 0,
        RelDataType.SCALE_NOT_SPECIFIED);
    assertSized(types, "c_time", SqlTypeName.TIME, 6, RelDataType.SCALE_NOT_SPECIFIED);
    assertSized(types, "c_time_2", SqlTypeName.TIME, 2, RelDataType.SCALE_NOT_SPECIFIED);
    assertInterval(types, "c_interval", TimeUnit.DAY, TimeUnit.SECOND, 6);
    assertInterval(types, "c_interval_ym", TimeUnit.YEAR, TimeUnit.MONTH, -1);
    assertInterval(types, "c_interval_ds3", TimeUnit.DAY, TimeUnit.SECOND, 3);
    assertSized(types, "c_bytea", SqlTypeName.VARBINARY, none, RelDataType.SCALE_NOT_SPECIFIED);
    assertType(types, "c_uuid", SqlTypeName.UUID, true);
    // Domains are their base types, typmod included, through a domain over a domain too.
    assertSized(types, "c_domain", SqlTypeName.DECIMAL, 12, 2);
    assertSized(types, "c_domain2", SqlTypeName.DECIMAL, 12, 2);
    assertFalse(types.get("c_domain2").isNullable());
  }

  private static void assertType(Map<String, RelDataType> types, String column, SqlTypeName name,
      boolean nullable) {
    RelDataType type = types.get(column);
    assertEquals(name, type.getSqlTypeName(), column);
    assertEquals(nullable, type.isNullable(), column + " nullability");
  }

  private static void assertSized(Map<String, RelDataType> types, String column, SqlTypeName name, int precision,
      int scale) {
    RelDataType type = types.get(column);
    assertEquals(name, type.getSqlTypeName(), column);
    assertEquals(precision, type.getPrecision(), column + " precision");
    assertEquals(scale, type.getScale(), column + " scale");
  }

  private static void assertInterval(Map<String, RelDataType> types, String column, TimeUnit start, TimeUnit end,
      int fractionalSeconds) {
    RelDataType type = types.get(column);
    assertEquals(start, type.getIntervalQualifier().getStartUnit(), column);
    assertEquals(end, type.getIntervalQualifier().getEndUnit(), column);
    if (fractionalSeconds >= 0) {
      assertEquals(fractionalSeconds, type.getIntervalQualifier().getFractionalSecondPrecision(
          FACTORY.getTypeSystem()), column);
    }
  }

  @Test
  void columnsRecordPostgresTypeNamesTypmodsAndOrdinals() {
    PgTable types = table("inventory", "all_types");
    PgColumn numeric = types.column("c_numeric_15_2").orElseThrow();
    assertEquals("numeric(15,2)", numeric.typeName());
    assertEquals(1700, numeric.typeOid());
    assertEquals((15 << 16 | 2) + 4, numeric.typmod());
    assertEquals(5, numeric.ordinal());
    PgColumn domain = types.column("c_domain2").orElseThrow();
    assertEquals("positive_amount", domain.typeName());
    assertEquals(1700, domain.baseTypeOid());
    assertEquals((12 << 16 | 2) + 4, domain.baseTypmod());
    assertEquals("character varying(40)", types.column("c_varchar_40").orElseThrow().typeName());
    assertEquals("integer[]", types.column("c_int_array").orElseThrow().typeName());
  }

  @Test
  void notNullComesFromAttnotnull() {
    Map<String, RelDataType> customer = fieldTypes("public", "customer");
    assertFalse(customer.get("id").isNullable());
    assertFalse(customer.get("email").isNullable());
    assertTrue(customer.get("phone").isNullable());
    // PostgreSQL knows nothing about a view column's nullability.
    assertTrue(fieldTypes("public", "customer_emails").get("id").isNullable());
  }

  @Test
  void droppedColumnsLeaveGapsInOrdinalsButNotInFieldIndexes() {
    PgTable gaps = table("public", "gaps");
    assertEquals(List.of("a", "c"), gaps.columns().stream().map(PgColumn::name).toList());
    assertEquals(List.of(1, 3), gaps.columns().stream().map(PgColumn::ordinal).toList());
    assertEquals(List.of(ImmutableBitSet.of(1)), calciteTable("public", "gaps").getStatistic().getKeys());
  }

  @Test
  void compositePrimaryKeyInKeyOrder() {
    assertEquals(List.of("OrderId", "LineNo"), table("Sales", "Order").primaryKey());
    assertEquals(List.of(ImmutableBitSet.of(0, 1)), calciteTable("Sales", "Order").getStatistic().getKeys());
  }

  @Test
  void uniqueKeysAreTotalPlainColumnUniqueIndexes() {
    PgTable customer = table("public", "customer");
    assertEquals(List.of("id"), customer.primaryKey());
    // The expression index (lower(email)) and the partial one (region) make no column set unique.
    assertEquals(Set.of(
            new PgUniqueKey("customer_email_key", List.of("email"), false),
            new PgUniqueKey("customer_phone_key", List.of("phone"), false),
            new PgUniqueKey("customer_code_key", List.of("code"), true)),
        Set.copyOf(customer.uniqueKeys()));
  }

  @Test
  void calciteKeysAreThoseThatTellRowsApart() {
    // id (primary key), email (unique, NOT NULL), code (unique NULLS NOT DISTINCT); not phone, which is
    // unique but nullable, so any number of rows may have phone IS NULL.
    List<ImmutableBitSet> keys = calciteTable("public", "customer").getStatistic().getKeys();
    assertEquals(Set.of(ImmutableBitSet.of(0), ImmutableBitSet.of(1), ImmutableBitSet.of(3)), Set.copyOf(keys));
    assertEquals(ImmutableBitSet.of(0), keys.get(0), "the primary key comes first");
    // A partitioned table's primary key, and each partition's own copy of it.
    assertEquals(List.of(ImmutableBitSet.of(0, 1)), calciteTable("public", "measurement").getStatistic().getKeys());
    assertEquals(List.of(ImmutableBitSet.of(0, 1)),
        calciteTable("public", "measurement_2024").getStatistic().getKeys());
    // A materialized view's unique index: region is nullable, but NULLS NOT DISTINCT makes it a key.
    assertEquals(List.of(ImmutableBitSet.of(0)),
        calciteTable("public", "customers_by_region").getStatistic().getKeys());
  }

  @Test
  void tablesWithoutKeys() {
    PgTable log = table("public", "event_log");
    assertTrue(log.primaryKey().isEmpty());
    assertTrue(log.uniqueKeys().isEmpty());
    assertTrue(log.indexes().isEmpty());
    assertEquals(List.of(), calciteTable("public", "event_log").getStatistic().getKeys());
    assertEquals(List.of(), calciteTable("public", "customer_emails").getStatistic().getKeys());
    assertEquals(List.of(), calciteTable("public", "remote_item").getStatistic().getKeys());
  }

  @Test
  void rowEstimateIsReltuplesNeverNegative() {
    assertEquals(3.0, calciteTable("public", "customer").getStatistic().getRowCount());
    assertEquals(-1.0, table("public", "event_log").reltuples(), "never analyzed");
    assertEquals(0.0, calciteTable("public", "event_log").getStatistic().getRowCount());
  }

  @Test
  void indexesWithPlainKeyColumns() {
    Map<String, PgIndex> indexes = table("public", "customer").indexes().stream()
        .collect(Collectors.toMap(PgIndex::name, Function.identity()));
    assertEquals(Set.of("customer_pkey", "customer_email_key", "customer_phone_key", "customer_code_key",
        "customer_region_partial", "customer_region_idx"), indexes.keySet());
    assertEquals(new PgIndex("customer_pkey", List.of("id"), true, true, false), indexes.get("customer_pkey"));
    assertEquals(new PgIndex("customer_region_partial", List.of("region"), true, false, true),
        indexes.get("customer_region_partial"));
    // INCLUDE columns are not keys.
    assertEquals(new PgIndex("customer_region_idx", List.of("region"), false, false, false),
        indexes.get("customer_region_idx"));
  }

  @Test
  void foreignKeys() {
    assertEquals(List.of(new PgForeignKey("Order_Customer_fkey", List.of("Customer"), "public", "customer",
        List.of("id"))), table("Sales", "Order").foreignKeys());
    // Column pairs keep the constraint's order, not the referenced table's.
    assertEquals(List.of(new PgForeignKey("shipment_order_fk", List.of("line_no", "order_id"), "Sales", "Order",
        List.of("LineNo", "OrderId"))), table("Sales", "shipment").foreignKeys());
    // A partitioned referenced table gets internal per-partition copies of the constraint: read it once.
    assertEquals(List.of(new PgForeignKey("note_measurement_fk", List.of("id", "at"), "public", "measurement",
        List.of("id", "at"))), table("public", "measurement_note").foreignKeys());
    // NOT VALID: rows written before it may have no partner, so it guarantees nothing about the table.
    assertEquals(List.of(), table("Sales", "return_slip").foreignKeys());
  }

  @Test
  void foreignKeysBecomeReferentialConstraints() {
    List<RelReferentialConstraint> constraints =
        calciteTable("Sales", "shipment").getStatistic().getReferentialConstraints();
    assertNotNull(constraints);
    assertEquals(1, constraints.size());
    assertEquals(List.of("Sales", "shipment"), constraints.get(0).getSourceQualifiedName());
    assertEquals(List.of("Sales", "Order"), constraints.get(0).getTargetQualifiedName());
    assertEquals(List.of(IntPair.of(1, 1), IntPair.of(0, 0)), constraints.get(0).getColumnPairs());
  }

  @Test
  void viewsAreTablesWithoutKeys() {
    PgTable view = table("public", "customer_emails");
    assertEquals(List.of("id", "email"), view.columns().stream().map(PgColumn::name).toList());
    assertEquals(org.apache.calcite.schema.Schema.TableType.VIEW, calciteTable("public", "customer_emails")
        .getJdbcTableType());
  }

  @Test
  void aTableWithUnsupportedColumnsLoadsAndExplainsThem() {
    PgCalciteTable types = calciteTable("inventory", "all_types");
    assertEquals(table("inventory", "all_types").columns().size(), types.getRowType(FACTORY).getFieldCount());
    List<UnsupportedColumn> unsupported = types.unsupportedColumns(FACTORY);
    assertEquals(List.of("c_json", "c_jsonb", "c_int_array", "c_mood", "c_timetz", "c_money"),
        unsupported.stream().map(u -> u.column().name()).toList());
    assertEquals("column \"inventory\".\"all_types\".\"c_jsonb\" has type jsonb, which Freshet cannot use: "
        + "jsonb has no Calcite type, so Freshet cannot compare, group or join on it as PostgreSQL does",
        unsupported.get(1).message());
    assertTrue(unsupported.get(3).message().contains("has type mood"), unsupported.get(3).message());
  }

  @Test
  void unwrapGivesTheCatalogRecord() {
    assertSame(table("Sales", "Order"), calciteTable("Sales", "Order").unwrap(PgTable.class));
  }

  @Test
  void readsOnlyTheNamedSchemas() throws SQLException {
    try (Connection c = connect()) {
      PgCatalog sales = PgCatalogReader.read(c, Set.of("Sales", "no_such_schema", "freshet"));
      assertEquals(List.of("Sales", "freshet"), sales.schemas());
      assertEquals(List.of("Order", "order", "return_slip", "shipment", "stream_tables"),
          sales.tables().stream().map(PgTable::name).toList());
      // The FK to public.customer is a fact of "Sales"."Order"; with customer unread, Calcite gets no constraint.
      assertEquals(1, sales.table("Sales", "Order").orElseThrow().foreignKeys().size());
      PgCalciteTable order = (PgCalciteTable) PgCalciteSchema.create(sales).getSubSchema("Sales").getTable("Order");
      assertEquals(List.of(), order.getStatistic().getReferentialConstraints());
    }
  }

  @Test
  void restoresAutoCommitAndIsolation() throws SQLException {
    try (Connection c = connect()) {
      c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      PgCatalogReader.read(c, Set.of("public"));
      assertTrue(c.getAutoCommit());
      assertEquals(Connection.TRANSACTION_READ_COMMITTED, c.getTransactionIsolation());
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW transaction_isolation")) {
        rs.next();
        assertEquals("read committed", rs.getString(1));
      }
    }
  }

  @Test
  void readsInsideTheCallersTransaction() throws SQLException {
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE public.uncommitted (x integer)");
      }
      assertTrue(PgCatalogReader.read(c, Set.of("public")).table("public", "uncommitted").isPresent());
      assertFalse(c.getAutoCommit());
      c.rollback();
      assertTrue(PgCatalogReader.read(c, Set.of("public")).table("public", "uncommitted").isEmpty());
    }
  }

  @Test
  void plansResolveExactNamesAndUnsupportedColumnsAreNamed() {
    QueryPlanner planner = new QueryPlanner(root, List.of("public"));
    assertEquals(List.of(), UnsupportedColumnAnalyzer.analyze(
        planner.plan("SELECT o.\"OrderId\", o.\"Ünïcødé ✓\", c.email FROM \"Sales\".\"Order\" o "
            + "JOIN customer c ON c.id = o.\"Customer\"").rel()));
    assertEquals(List.of(), UnsupportedColumnAnalyzer.analyze(
        planner.plan("SELECT c_bigint, c_uuid FROM inventory.all_types").rel()));
    // The planner refuses a query that uses such a column, naming it and the reason code.
    UnsupportedQueryException refused = assertThrows(UnsupportedQueryException.class,
        () -> planner.plan("SELECT c_bigint FROM inventory.all_types WHERE c_timetz IS NOT NULL"));
    assertEquals(ReasonCode.UNSUPPORTED_TYPE, refused.refusal().reason());
    assertTrue(refused.getMessage().contains("\"inventory\".\"all_types\".\"c_timetz\" has type"),
        refused.getMessage());
    // json has no equality: payload, so reading it is planned, and comparing it refused
    planner.plan("SELECT c_bigint FROM inventory.all_types WHERE c_json IS NOT NULL");
    UnsupportedQueryException compared = assertThrows(UnsupportedQueryException.class,
        () -> planner.plan("SELECT c_bigint, c_json FROM inventory.all_types ORDER BY c_bigint LIMIT 1 OFFSET 1"));
    assertTrue(compared.getMessage().contains("a value of type json is in the rows of a LIMIT or OFFSET"),
        compared.getMessage());
  }
}
