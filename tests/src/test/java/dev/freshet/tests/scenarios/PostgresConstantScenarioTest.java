package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.count;
import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.inOneTransaction;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.codegen.sql.QuerySqlPrinter;
import dev.freshet.planner.QueryPlanner;
import dev.freshet.planner.catalog.PgCatalogReader;
import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Constants of types carried by name are compared as PostgreSQL compares their values, not by their text.
 * Calcite's simplifier used to decide such comparisons by text: {@code m BETWEEN 'sad' AND 'happy'} (enum
 * order sad, ok, happy) and {@code doc = '1'::jsonb AND doc = '1.0'::jsonb} were planned as no rows, and
 * {@code ip = '10.0.0.1'::inet AND ip <> '10.0.0.1/32'::inet} as {@code ip = '10.0.0.1'}. Every query here
 * is maintained DIFFERENTIAL, on data where text order and value order differ, and checked by the oracle
 * at create and after every refresh, from a table empty at create through inserts, updates and deletes.
 */
@PostgresTest
class PostgresConstantScenarioTest {

  /** Each query, and how many rows it has on {@link #FILLED} (PostgreSQL's answer, not the text's). */
  private static final Map<String, Long> QUERIES = new java.util.LinkedHashMap<>();

  static {
    // text order: happy < ok < sad; enum order: sad < ok < happy
    QUERIES.put("SELECT id, m FROM pc_ev WHERE m BETWEEN 'sad' AND 'happy'", 5L);
    QUERIES.put("SELECT id, m FROM pc_ev WHERE m > 'ok'", 2L);
    QUERIES.put("SELECT id FROM pc_ev WHERE m = 'sad' OR m = 'happy'", 4L);
    QUERIES.put("SELECT id FROM pc_ev WHERE m <> 'sad' AND m <> 'happy'", 1L);
    QUERIES.put("SELECT id FROM pc_ev WHERE m IN ('sad', 'happy') AND m NOT IN ('ok')", 4L);
    QUERIES.put("SELECT m, count(*) AS n FROM pc_ev WHERE m >= 'ok' GROUP BY m", 2L);
    // '1' and '1.0' are one jsonb value; as jsonb numbers 10 > 2, as text '10' < '2'
    QUERIES.put("SELECT id FROM pc_ev WHERE doc = '1'::jsonb AND doc = '1.0'::jsonb", 2L);
    QUERIES.put("SELECT id FROM pc_ev WHERE doc IN ('1'::jsonb, '1.0'::jsonb, '2')", 3L);
    QUERIES.put("SELECT id, doc FROM pc_ev WHERE doc > '2'::jsonb", 1L);
    // '10.0.0.1' and '10.0.0.1/32' are one inet value; as addresses 10.0.0.1 > 9.0.0.0, as text it is less
    QUERIES.put("SELECT id FROM pc_ev WHERE ip = '10.0.0.1'::inet AND ip <> '10.0.0.1/32'::inet", 0L);
    QUERIES.put("SELECT id FROM pc_ev WHERE ip = '10.0.0.1'::inet AND ip = '10.0.0.1/32'::inet", 2L);
    QUERIES.put("SELECT id, ip FROM pc_ev WHERE ip > '9.0.0.0'::inet", 4L);
    // constants in the select list, a CASE, a GROUP BY and a join condition
    QUERIES.put("SELECT id, CASE WHEN m < 'happy' THEN '1.0'::jsonb ELSE doc END AS c, "
        + "'10.0.0.1/32'::inet AS net, NULL::jsonb AS nothing FROM pc_ev", 6L);
    QUERIES.put("SELECT doc = '1.0'::jsonb AS one, m > 'sad' AS cheerful, count(*) AS n FROM pc_ev "
        + "GROUP BY doc = '1.0'::jsonb, m > 'sad'", 5L);
    QUERIES.put("SELECT m, '1.0'::jsonb AS k, count(*) AS n FROM pc_ev GROUP BY m, '1.0'::jsonb", 4L);
    QUERIES.put("SELECT id FROM pc_ev WHERE doc IS NOT DISTINCT FROM '1' AND doc IS NOT DISTINCT FROM '1.0'", 2L);
    QUERIES.put("SELECT a.id, b.id AS other FROM pc_ev a JOIN pc_ev b ON a.m < b.m "
        + "WHERE a.m >= 'sad' AND b.m <= 'happy' AND b.ip = '10.0.0.1/32'::inet", 2L);
  }

  /** Rows that make each query's answer differ from the one by text. */
  private static final String FILLED = "INSERT INTO pc_ev VALUES "
      + "(1, 'sad', '1', '10.0.0.1'), (2, 'ok', '1.0', '10.0.0.1/32'), (3, 'happy', '2', '9.0.0.1'), "
      + "(4, 'happy', '10', '10.0.0.2'), (5, NULL, NULL, NULL), (6, 'sad', '\"x\"', '1.2.3.4')";

  @Test
  void comparisonsWithConstantsAreMaintainedByValue(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TYPE pc_mood AS ENUM ('sad', 'ok', 'happy')",
          "CREATE TABLE pc_ev (id int PRIMARY KEY, m pc_mood, doc jsonb, ip inet)");
      List<String> queries = List.copyOf(QUERIES.keySet());
      for (int i = 0; i < queries.size(); i++) {
        create(c, "pc" + i, queries.get(i), Mode.DIFFERENTIAL); // on an empty table
      }
      exec(c, FILLED);
      refreshAll(c, queries.size());
      for (int i = 0; i < queries.size(); i++) {
        assertEquals(QUERIES.get(queries.get(i)), count(c, "SELECT count(*) FROM pc" + i), queries.get(i));
      }
      inOneTransaction(c,
          "UPDATE pc_ev SET m = 'ok', doc = '1.00', ip = '10.0.0.1' WHERE id = 3",
          "UPDATE pc_ev SET m = 'sad', doc = '2.0' WHERE id = 2",
          "DELETE FROM pc_ev WHERE id = 1",
          "INSERT INTO pc_ev VALUES (7, 'happy', '1', '10.0.0.1/32'), (8, 'ok', '3', '255.0.0.1')");
      refreshAll(c, queries.size());
      exec(c, "UPDATE pc_ev SET m = NULL, ip = '10.0.0.1/32' WHERE id = 4", "DELETE FROM pc_ev WHERE id IN (2, 7)");
      refreshAll(c, queries.size());
      exec(c, "DELETE FROM pc_ev");
      refreshAll(c, queries.size());
      for (int i = 0; i < queries.size(); i++) {
        assertEquals(0L, count(c, "SELECT count(*) FROM pc" + i), queries.get(i));
      }
    }
  }

  /** Created on a filled table, the plan check and the oracle agree at once. */
  @Test
  void maintainedOnAFilledTableToo(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TYPE pc_mood2 AS ENUM ('sad', 'ok', 'happy')",
          "CREATE TABLE pc_full (id int PRIMARY KEY, m pc_mood2, doc jsonb, ip inet)",
          FILLED.replace("pc_ev", "pc_full"));
      List<String> queries = QUERIES.keySet().stream().map(q -> q.replace("pc_ev", "pc_full")).toList();
      for (int i = 0; i < queries.size(); i++) {
        create(c, "pf" + i, queries.get(i), Mode.DIFFERENTIAL);
        assertEquals(QUERIES.get(List.copyOf(QUERIES.keySet()).get(i)), count(c, "SELECT count(*) FROM pf" + i),
            queries.get(i));
      }
      exec(c, "UPDATE pc_full SET m = 'happy', doc = '1.000' WHERE id = 6", "DELETE FROM pc_full WHERE id = 2");
      for (int i = 0; i < queries.size(); i++) {
        Oracle.refreshAndCheck(c, "pf" + i, Mode.DIFFERENTIAL);
      }
    }
  }

  /**
   * The generated SQL writes each constant as the cast it was, and PostgreSQL converts the text. Compared
   * with a column, Calcite prints the bare literal ({@code "m" >= 'sad'}), which PostgreSQL reads as a
   * value of the column's type, as it reads the query.
   */
  @Test
  void constantsArePrintedAsCasts(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TYPE pc_mood3 AS ENUM ('sad', 'ok', 'happy')",
          "CREATE TABLE pc_print (id int PRIMARY KEY, m pc_mood3, doc jsonb)");
      String sql = QuerySqlPrinter.print(QueryPlanner.forCatalog(PgCatalogReader.read(c)).plan(
          "SELECT id, '1.0'::jsonb AS j FROM pc_print WHERE m BETWEEN 'sad' AND 'happy' "
              + "AND 'happy'::pc_mood3 > 'sad'::pc_mood3")
          .rel());
      assertTrue(sql.contains("CAST('1.0' AS jsonb) AS \"j\"") && sql.contains("\"m\" >= 'sad'")
          && sql.contains("CAST('happy' AS pc_mood3) > CAST('sad' AS pc_mood3)"), sql);
      assertTrue(!sql.contains("jsonb(") && !sql.contains("pc_mood3("), sql);
      assertEquals(0L, count(c, "SELECT count(*) FROM (" + sql + ") AS q"));
      exec(c, "INSERT INTO pc_print VALUES (1, 'sad', NULL), (2, 'happy', NULL)");
      assertEquals(2L, count(c, "SELECT count(*) FROM (" + sql + ") AS q"));
    }
  }

  private static void refreshAll(Connection c, int n) throws Exception {
    for (int i = 0; i < n; i++) {
      Oracle.refreshAndCheck(c, "pc" + i, Mode.DIFFERENTIAL);
    }
  }
}
