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
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL's json operators ({@code ->}, {@code ->>}, {@code #>}, {@code #>>}, {@code @>}, {@code ?}) over
 * jsonb and json columns are maintained DIFFERENTIAL: in the select list, casts of them, WHERE, GROUP BY, a
 * join condition and an aggregate's argument. The oracle checks each query after every refresh, through
 * inserts, updates (some changing only the key a query extracts, some only other keys), deletes and NULLs.
 */
@PostgresTest
class JsonOperatorScenarioTest {

  private static final List<String> QUERIES = List.of(
      "SELECT id, doc ->> 'name' AS name, doc -> 'tags' AS tags, doc #>> '{addr,city}' AS city FROM js_ev",
      "SELECT id, (doc ->> 'n')::numeric + 1 AS n1, doc -> 'addr' ->> 'zip' AS zip FROM js_ev WHERE doc ->> 'k' = 'x'",
      "SELECT doc ->> 'k' AS k, count(*) AS c, sum((doc->>'n')::numeric) AS total FROM js_ev GROUP BY doc ->> 'k'",
      "SELECT a.id, b.label FROM js_ev a JOIN js_ref b ON (a.doc ->> 'ref')::int = b.id",
      "SELECT id, CASE WHEN doc ? 'tags' THEN doc -> 'tags' ->> 0 ELSE 'none' END AS first_tag FROM js_ev "
          + "WHERE doc @> '{\"k\": \"x\"}' OR doc #> '{addr}' IS NULL",
      "SELECT id, j ->> 'name' AS name, j -> 'addr' AS addr, j #> '{addr,city}' AS city_json FROM js_ev "
          + "WHERE (j ->> 'n')::int > 1",
      "SELECT j ->> 'k' AS k, max((j #>> '{addr,zip}')::int) AS zip, count(*) AS c FROM js_ev GROUP BY 1",
      "SELECT id FROM js_ev WHERE doc ->> 'name' LIKE 'a%' AND NOT doc ? 'gone'");

  private static final String FILLED = "INSERT INTO js_ev VALUES "
      + "(1, '{\"name\":\"ann\",\"k\":\"x\",\"n\":\"3\",\"ref\":\"1\",\"tags\":[\"a\",\"b\"],"
      + "\"addr\":{\"city\":\"Oslo\",\"zip\":\"101\"}}', "
      + "'{\"name\":\"ann\",\"k\":\"x\",\"n\":\"3\",\"addr\":{\"city\":\"Oslo\",\"zip\":\"101\"}}'), "
      + "(2, '{\"name\":\"bob\",\"k\":\"y\",\"n\":\"5\",\"ref\":\"2\"}', '{\"name\":\"bob\",\"k\":\"y\",\"n\":\"5\"}'), "
      + "(3, '{\"name\":\"al\",\"k\":\"x\",\"n\":\"1.5\",\"ref\":\"1\",\"addr\":{\"zip\":\"7\"}}', "
      + "'{\"k\":\"x\",  \"n\" : \"2\",\"addr\":{\"zip\":\"7\"}}'), "
      + "(4, NULL, NULL), (5, '{}', '{}'), (6, '[1,2]', '[1, 2]')";

  @Test
  void jsonOperatorsAreMaintained(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE js_ev (id int PRIMARY KEY, doc jsonb, j json)",
          "CREATE TABLE js_ref (id int PRIMARY KEY, label text)",
          "INSERT INTO js_ref VALUES (1, 'one'), (2, 'two'), (3, 'three')");
      for (int i = 0; i < QUERIES.size(); i++) {
        create(c, "js" + i, QUERIES.get(i), Mode.DIFFERENTIAL); // on an empty table
      }
      exec(c, FILLED);
      refreshAll(c);
      assertEquals(6L, count(c, "SELECT count(*) FROM js0"));
      assertEquals(3L, count(c, "SELECT count(*) FROM js3"));
      // only the key a query extracts changes, or only another key
      inOneTransaction(c,
          "UPDATE js_ev SET doc = jsonb_set(doc, '{k}', '\"y\"') WHERE id = 1",
          "UPDATE js_ev SET doc = jsonb_set(doc, '{other}', '1') WHERE id = 2",
          "UPDATE js_ev SET doc = jsonb_set(doc, '{ref}', '\"3\"'), j = '{\"k\":\"x\",\"n\":\"9\"}' WHERE id = 3",
          "UPDATE js_ev SET doc = doc || '{\"addr\":{\"city\":\"Rome\",\"zip\":\"9\"}}' WHERE id = 2");
      refreshAll(c);
      inOneTransaction(c,
          "DELETE FROM js_ev WHERE id IN (1, 6)",
          "INSERT INTO js_ev VALUES (7, '{\"name\":\"amy\",\"k\":\"x\",\"n\":\"4\",\"ref\":\"2\",\"tags\":[\"z\"]}', "
              + "'{\"name\":\"amy\",\"k\":\"y\",\"n\":\"4\",\"addr\":{\"zip\":\"55\"}}')",
          "UPDATE js_ev SET doc = '{\"name\":\"al\",\"gone\":1}', j = NULL WHERE id = 5",
          "UPDATE js_ref SET label = 'uno' WHERE id = 1");
      refreshAll(c);
      exec(c, "UPDATE js_ev SET doc = doc - 'k', j = '{\"k\":\"x\",\"n\":\"2\"}' WHERE id IN (2, 7)",
          "UPDATE js_ev SET doc = jsonb_set(doc, '{name}', '\"bo\"') WHERE id = 2");
      refreshAll(c);
      exec(c, "DELETE FROM js_ev");
      refreshAll(c);
      for (int i = 0; i < QUERIES.size(); i++) {
        assertEquals(0L, count(c, "SELECT count(*) FROM js" + i), QUERIES.get(i));
      }
    }
  }

  /** The generated SQL writes the operators as PostgreSQL does, bracketed, never the internal call name. */
  @Test
  void printedAsOperators(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE js_print (id int PRIMARY KEY, doc jsonb)",
          "INSERT INTO js_print VALUES (1, '{\"a\":{\"b\":\"2\"}}'), (2, '{\"a\":1}')");
      String sql = QuerySqlPrinter.print(QueryPlanner.forCatalog(PgCatalogReader.read(c)).plan(
          "SELECT id, (doc -> 'a' ->> 'b')::int AS b FROM js_print WHERE doc #>> '{a,b}' = '2' "
              + "AND '{\"a\":1}'::jsonb ->> 'a' = '1'").rel());
      assertTrue(sql.contains("((\"doc\" -> 'a') ->> 'b')") && sql.contains("(\"doc\" #>> '{a,b}') = '2'"), sql);
      assertTrue(!sql.contains("\"->"), sql);
      assertEquals(1L, count(c, "SELECT count(*) FROM (" + sql + ") AS q"));
    }
  }

  private static void refreshAll(Connection c) throws Exception {
    for (int i = 0; i < QUERIES.size(); i++) {
      Oracle.refreshAndCheck(c, "js" + i, Mode.DIFFERENTIAL);
    }
  }
}
