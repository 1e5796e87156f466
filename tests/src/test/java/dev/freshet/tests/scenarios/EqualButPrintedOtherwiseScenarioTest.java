package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Values PostgreSQL holds equal that the query shows otherwise: numeric {@code 1.0} and {@code 1.000}, interval
 * {@code '1 day'} and {@code '24 hours'} ({@code extract(day ...)} tells them apart), float {@code 0} and {@code -0},
 * jsonb {@code {"a": 1.0}} and {@code {"a": 1.00}}, text of a case-insensitive type (found by a red-team session on
 * PostgreSQL 15: a multiset stream table merged them at create, and an UPDATE from one to the other refreshed as "no
 * changes", the old value kept, in DIFFERENTIAL and FULL mode alike). Each row now keeps the value its query gives, as
 * its text shows; the oracle compares by equality, so the test compares the text too.
 */
@PostgresTest
class EqualButPrintedOtherwiseScenarioTest {

  private static final String QUERY = "SELECT id, n, iv, f, j FROM \"ep vålues\"";
  private static final String TAGS = "SELECT n, iv FROM \"ep vålues\"";

  @Test
  void rowsKeepTheValuesTheQueryShows(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE \"ep vålues\" (id int PRIMARY KEY, n numeric, iv interval, f float8, j jsonb)",
          "INSERT INTO \"ep vålues\" VALUES (1, 1.0, '1 day', 0, '{\"a\": 1.0}'), (2, 1.000, '24 hours', '-0', "
              + "'{\"a\": 1.00}'), (3, 2.5, '1 mon', 1, '{\"a\": 2}')");
      create(c, "ep_rows", QUERY, Mode.DIFFERENTIAL);
      create(c, "ep_full", QUERY, Mode.FULL);
      create(c, "ep_tags", TAGS, Mode.DIFFERENTIAL); // no key: equal values are rows of one multiset
      assertSameText(c, "ep_tags", TAGS);

      exec(c, "UPDATE \"ep vålues\" SET n = 1.00000, iv = '1 day', f = '-0', j = '{\"a\": 1.000}' WHERE id = 1",
          "UPDATE \"ep vålues\" SET iv = '30 days' WHERE id = 3",
          "INSERT INTO \"ep vålues\" VALUES (4, 1.0, '24:00:00', 0, '{\"a\": 1.0}')");
      for (String name : List.of("ep_rows", "ep_tags")) {
        Oracle.refreshAndCheck(c, name, Mode.DIFFERENTIAL);
      }
      Oracle.refreshAndCheck(c, "ep_full", Mode.FULL);
      assertSameText(c, "ep_rows", QUERY);
      assertSameText(c, "ep_full", QUERY);
      assertSameText(c, "ep_tags", TAGS);

      exec(c, "DELETE FROM \"ep vålues\" WHERE id = 2", "UPDATE \"ep vålues\" SET n = 1.0 WHERE id = 4");
      Oracle.refreshAndCheck(c, "ep_tags", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "ep_rows", Mode.DIFFERENTIAL);
      assertSameText(c, "ep_tags", TAGS);
      assertSameText(c, "ep_rows", QUERY);
      assertEquals(List.of("1 day", "24:00:00", "30 days"), rows(c, "SELECT iv::text FROM ep_tags ORDER BY 1"));

      // verify compares a multiset's rows by their text too: a row stored in another form is a difference
      Scenarios.inOneTransaction(c, "SELECT pg_catalog.set_config('freshet.refreshing', 'on', true)",
          "UPDATE ep_rows SET n = 2.50 WHERE id = 3");
      assertEquals(false, dev.freshet.runtime.streamtable.StreamTableVerifier.verify(c, "ep_rows").ok(),
          "2.50 stored where the query gives 2.5");
      Oracle.refreshAndCheck(c, "ep_full", Mode.FULL);

      for (String name : List.of("ep_rows", "ep_full", "ep_tags")) {
        StreamTables.drop(c, name, false);
      }
    }
  }

  /**
   * A group key takes the form of a row the delta adds, or keeps its own: it took the form of a row the delta
   * deleted ({@code '1 day'} deleted, {@code '24 hours'} left: the stream table showed {@code 1 day}). PostgreSQL's
   * GROUP BY and DISTINCT show any form the group's rows have; with one form left, that one.
   */
  @Test
  void groupKeysTakeTheFormOfARowThatIsThere(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE ep_gk (id int PRIMARY KEY, d interval, n numeric, a numeric[], v int)",
          "INSERT INTO ep_gk VALUES (1, '1 day', 1.0, '{1.0}', 1)");
      String grouped = "SELECT d, n, a, count(*) AS c, sum(v) AS s FROM ep_gk GROUP BY d, n, a";
      String distinct = "SELECT DISTINCT d, n FROM ep_gk";
      create(c, "ep_grouped", grouped, Mode.DIFFERENTIAL);
      create(c, "ep_distinct", distinct, Mode.DIFFERENTIAL);

      exec(c, "INSERT INTO ep_gk VALUES (2, '24 hours', 1.000, '{1.00}', 2)");
      Oracle.refreshAndCheck(c, "ep_grouped", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "ep_distinct", Mode.DIFFERENTIAL);
      exec(c, "DELETE FROM ep_gk WHERE id = 1"); // only the other form is left
      Oracle.refreshAndCheck(c, "ep_grouped", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "ep_distinct", Mode.DIFFERENTIAL);
      assertSameText(c, "ep_grouped", "SELECT d, n, a, c, s FROM ep_grouped", grouped);
      assertEquals(List.of("(24:00:00,1.000)"), rows(c, "SELECT (d, n)::text FROM ep_distinct"));

      exec(c, "UPDATE ep_gk SET d = '1 day', n = 1.0, a = '{1.0}' WHERE id = 2"); // the form changes, the group stays
      Oracle.refreshAndCheck(c, "ep_grouped", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "ep_distinct", Mode.DIFFERENTIAL);
      assertEquals(List.of("(\"1 day\",1.0,{1.0},1,2)"), rows(c, "SELECT (d, n, a, c, s)::text FROM ep_grouped"));
      assertEquals(List.of("(\"1 day\",1.0)"), rows(c, "SELECT (d, n)::text FROM ep_distinct"));
      StreamTables.drop(c, "ep_grouped", false);
      StreamTables.drop(c, "ep_distinct", false);
    }
  }

  /** The stream table's rows and the query's, each row as its text, as sorted lists. */
  private static void assertSameText(Connection c, String name, String query) throws Exception {
    assertSameText(c, name, query.replace("\"ep vålues\"", name), query);
  }

  /** {@code stored}, a query of the stream table, and {@code query}, each row as its text, as sorted lists. */
  private static void assertSameText(Connection c, String name, String stored, String query) throws Exception {
    assertEquals(rows(c, "SELECT q::text FROM (" + query + ") AS q ORDER BY 1"),
        rows(c, "SELECT q::text FROM (" + stored + ") AS q ORDER BY 1"), name);
  }
}
