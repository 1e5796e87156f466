package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.count;
import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.inOneTransaction;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.codegen.sql.QuerySqlPrinter;
import dev.freshet.planner.QueryPlanner;
import dev.freshet.planner.admission.UnsupportedQueryException;
import dev.freshet.planner.catalog.PgCatalogReader;
import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.oracle.Oracle;
import dev.freshet.tests.harness.TestDatabase;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A string literal without a cast takes the type of the value it is compared with, as PostgreSQL's untyped
 * literal does, and so does a cast literal: {@code g = 'A0EEBC99-…'} beside a uuid column is a uuid comparison,
 * where upper case, braces and missing hyphens spell one uuid; {@code h = '\x00'} beside a bytea column is one
 * zero byte; {@code '10.0.0.1' = ip} is the inet 10.0.0.1/32; {@code '1 day'} and {@code '24 hours'} are one
 * interval. Freshet's planner (Calcite 1.42) compared the uuid and bytea ones by text ({@code CAST(g AS CHAR(36))
 * = 'A0EE…'}, {@code CAST(h AS VARCHAR) = '\x00'}), read {@code '\x00'::bytea} as the four bytes of its text,
 * ordered uuid constants as Java's signed numbers ({@code g > '0…01'::uuid AND g < '8…'::uuid} was planned as no
 * rows) and judged {@code iv = '1 day' AND iv = '24 hours'} false by the literals' text (found by the property
 * soak, 2026-12). Every query here is maintained DIFFERENTIAL and checked by the oracle at create and after each
 * refresh, with rows inserted and updated after the create that match only by value.
 */
@PostgresTest
class UntypedLiteralScenarioTest {

  private static final String UUID_UPPER = "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11";
  private static final String UUID_BRACES = "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}";
  private static final String UUID_BARE = "a0eebc999c0b4ef8bb6d6bb9bd380a11";

  /** Each query, and how many rows it has once the table is {@link #FILLED} (PostgreSQL's answer). */
  private static final Map<String, Long> QUERIES = new LinkedHashMap<>();

  static {
    // uuid: bare and cast literals, each spelling, in WHERE, IN, CASE and JOIN ON
    QUERIES.put("SELECT id FROM ul WHERE g = '" + UUID_UPPER + "'", 3L);
    QUERIES.put("SELECT id FROM ul WHERE g = '" + UUID_BRACES + "'", 3L);
    QUERIES.put("SELECT id FROM ul WHERE '" + UUID_BARE + "' = g", 3L);
    QUERIES.put("SELECT id FROM ul WHERE g = '" + UUID_UPPER + "'::uuid AND g = CAST('" + UUID_BRACES + "' AS uuid)", 3L);
    QUERIES.put("SELECT id FROM ul WHERE g IN ('" + UUID_UPPER + "', '{00000000-0000-0000-0000-00000000000B}')", 4L);
    QUERIES.put("SELECT id FROM ul WHERE g <> '" + UUID_UPPER + "'", 2L);
    // PostgreSQL orders uuids by their bytes: 0…01 < 8… (Java's signed order puts 8… first)
    QUERIES.put("SELECT id FROM ul WHERE g > '00000000-0000-0000-0000-000000000001'::uuid "
        + "AND g < '80000000-0000-0000-0000-000000000000'::uuid", 1L);
    QUERIES.put("SELECT id, CASE WHEN g = '" + UUID_BRACES + "' THEN 'same' WHEN g = '" + UUID_UPPER
        + "'::uuid THEN 'cast' ELSE 'other' END AS k FROM ul", 6L);
    QUERIES.put("SELECT a.id, b.id AS other FROM ul a JOIN ul b ON a.g = b.g AND b.g = '" + UUID_UPPER + "'", 9L);
    QUERIES.put("SELECT a.id, b.id AS other FROM ul a JOIN ul b ON a.id = b.id AND b.g = '" + UUID_BARE + "'::uuid", 3L);
    QUERIES.put("SELECT id, COALESCE(g, '" + UUID_BRACES + "') AS g FROM ul", 6L);
    // inet: 10.0.0.1 is 10.0.0.1/32, not 10.0.0.1/24
    QUERIES.put("SELECT id FROM ul WHERE '10.0.0.1' = ip", 2L);
    QUERIES.put("SELECT id FROM ul WHERE ip = '10.0.0.1/32' AND ip = '10.0.0.1'::inet", 2L);
    QUERIES.put("SELECT id, CASE WHEN ip = '10.0.0.1/32' THEN 1 ELSE 0 END AS k FROM ul", 6L);
    QUERIES.put("SELECT a.id, b.id AS other FROM ul a JOIN ul b ON a.ip = b.ip AND a.ip = '10.0.0.1'", 4L);
    // bytea: '\x00' is one zero byte, whatever the text; '\000' (escape format) is the same byte
    QUERIES.put("SELECT id FROM ul WHERE h = '\\x00'", 2L);
    QUERIES.put("SELECT id FROM ul WHERE h = '\\x00'::bytea OR h = '\\x0001'::bytea", 3L);
    QUERIES.put("SELECT id FROM ul WHERE h IN ('\\000', '\\x0001')", 3L);
    QUERIES.put("SELECT id FROM ul WHERE h > '\\x00'", 2L);
    QUERIES.put("SELECT id, CASE WHEN h = '\\x0001' THEN 'two' WHEN h = '\\x00'::bytea THEN 'one' END AS k FROM ul", 6L);
    QUERIES.put("SELECT a.id, b.id AS other FROM ul a JOIN ul b ON a.h = b.h AND b.h = '\\x00'", 4L);
    QUERIES.put("SELECT id, COALESCE(h, '\\x00') AS h FROM ul", 6L);
    // interval: '1 day' = '24 hours'
    QUERIES.put("SELECT id FROM ul WHERE iv = '1 day' AND iv = '24 hours'", 2L);
    QUERIES.put("SELECT id FROM ul WHERE iv IN ('1 day', '24 hours') AND iv <> '1440 minutes'", 0L);
  }

  /** Rows matching each literal by value only: other spellings, and the text PostgreSQL prints apart. */
  private static final String FILLED = "INSERT INTO ul VALUES "
      + "(1, '" + UUID_BARE + "', '10.0.0.1', '\\x00', '1 day'), "
      + "(2, '" + UUID_UPPER + "', '10.0.0.1/32', '\\x0001', '24 hours'), "
      + "(3, '00000000-0000-0000-0000-00000000000b', '10.0.0.1/24', '\\x', '1 mon'), "
      + "(4, 'ffffffff-0000-0000-0000-000000000000', '9.0.0.1', '\\x01', '-1 day'), "
      + "(5, NULL, NULL, NULL, NULL), "
      + "(6, '" + UUID_BRACES + "', '::1', '\\000', '30 days')";

  @Test
  void literalsBesideAColumnAreReadAsItsType(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE ul (id int PRIMARY KEY, g uuid, ip inet, h bytea, iv interval)");
      List<String> queries = List.copyOf(QUERIES.keySet());
      for (int i = 0; i < queries.size(); i++) {
        create(c, "ul" + i, queries.get(i), Mode.DIFFERENTIAL); // on an empty table
      }
      exec(c, FILLED);
      refreshAll(c, "ul", queries.size());
      List<String> wrong = new ArrayList<>();
      for (int i = 0; i < queries.size(); i++) {
        long rows = count(c, "SELECT count(*) FROM ul" + i);
        if (rows != QUERIES.get(queries.get(i))) {
          wrong.add(queries.get(i) + ": " + rows + " rows");
        }
      }
      assertEquals(List.of(), wrong);
      inOneTransaction(c,
          "UPDATE ul SET g = '" + UUID_BRACES.toUpperCase() + "', h = '\\x00', ip = '10.0.0.1/32' WHERE id = 4",
          "UPDATE ul SET g = '00000000-0000-0000-0000-00000000000B', h = '\\x02', iv = '1440 minutes' WHERE id = 1",
          "DELETE FROM ul WHERE id = 2",
          "INSERT INTO ul VALUES (7, '" + UUID_BARE.toUpperCase() + "', '10.0.0.1', '\\x0001', '86400 seconds')");
      refreshAll(c, "ul", queries.size());
      exec(c, "UPDATE ul SET g = NULL, h = '\\x0001', ip = NULL WHERE id = 6", "DELETE FROM ul WHERE id IN (3, 7)");
      refreshAll(c, "ul", queries.size());
      exec(c, "DELETE FROM ul");
      refreshAll(c, "ul", queries.size());
    }
  }

  /** Created on a filled table, the create's plan check and the oracle agree at once; then kept fresh. */
  @Test
  void maintainedOnAFilledTableToo(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE ulf (id int PRIMARY KEY, g uuid, ip inet, h bytea, iv interval)", FILLED.replace("INTO ul ", "INTO ulf "));
      List<String> queries = QUERIES.keySet().stream().map(q -> q.replaceAll("\\bul\\b", "ulf")).toList();
      for (int i = 0; i < queries.size(); i++) {
        create(c, "ulf" + i, queries.get(i), Mode.DIFFERENTIAL);
        assertEquals(QUERIES.get(List.copyOf(QUERIES.keySet()).get(i)), count(c, "SELECT count(*) FROM ulf" + i), queries.get(i));
      }
      exec(c, "UPDATE ulf SET g = '" + UUID_UPPER.toLowerCase() + "', h = '\\x00' WHERE id = 3",
          "INSERT INTO ulf VALUES (8, '" + UUID_BRACES + "', '10.0.0.1/32', '\\x0001', '1 day')");
      refreshAll(c, "ulf", queries.size());
    }
  }

  /**
   * The literal is printed for PostgreSQL to read as the column's type: bare beside the column, or as a cast,
   * never compared with the column's text; and under another bytea_output the answer is the same.
   */
  @Test
  void literalsArePrintedForPostgresToConvert(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE ulp (id int PRIMARY KEY, g uuid, h bytea)",
          "INSERT INTO ulp VALUES (1, '" + UUID_BRACES + "', '\\x00'), (2, NULL, '\\x0001')");
      String sql = QuerySqlPrinter.print(QueryPlanner.forCatalog(PgCatalogReader.read(c)).plan(
          "SELECT id, COALESCE(h, '\\x01') AS h FROM ulp WHERE g = '" + UUID_UPPER + "' OR h = '\\x0001'::bytea").rel());
      assertFalse(sql.contains("CHAR") || sql.contains("VARCHAR") || sql.contains("X'"), sql);
      assertTrue(sql.contains("'" + UUID_UPPER + "'") && sql.contains("'\\x0001'"), sql);
      assertEquals(2L, count(c, "SELECT count(*) FROM (" + sql + ") AS q"));
      exec(c, "SET bytea_output = 'escape'");
      assertEquals(2L, count(c, "SELECT count(*) FROM (" + sql + ") AS q"));
      exec(c, "RESET bytea_output");
    }
  }

  /** {@code uuid '…'} is a value Calcite orders as signed numbers: refused, with the cast to write instead. */
  @Test
  void aTypedUuidLiteralIsRefused(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE ulu (id int PRIMARY KEY, g uuid)");
      UnsupportedQueryException refused = assertThrows(UnsupportedQueryException.class,
          () -> QueryPlanner.forCatalog(PgCatalogReader.read(c)).plan(
              "SELECT id FROM ulu WHERE g > uuid '00000000-0000-0000-0000-000000000001'"));
      assertEquals("FR003", refused.refusal().reason().code(), refused.getMessage());
      assertTrue(refused.refusal().fix().contains("'...'::uuid"), refused.refusal().fix());
    }
  }

  private static void refreshAll(Connection c, String prefix, int n) throws Exception {
    for (int i = 0; i < n; i++) {
      Oracle.refreshAndCheck(c, prefix + i, Mode.DIFFERENTIAL);
    }
  }
}
