package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.inOneTransaction;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A string literal beside a typed value in a {@code CASE}, {@code COALESCE}, {@code NULLIF}, {@code GREATEST} or
 * {@code LEAST} takes that value's type, as PostgreSQL resolves its untyped literal ("UNION, CASE, and related
 * constructs"): {@code coalesce(d, '2021-2-3')} over a date column is a date, {@code CASE … THEN i ELSE '42' END}
 * an integer. Freshet's planner typed these as varchar ({@code CAST("d" AS varchar)}), so the create fell back to
 * FULL (FR009: "UNION types character varying and date cannot be matched") or stored text (issue 15). Each query is
 * maintained DIFFERENTIAL, checked by the oracle at create and after every refresh, and its stream table's columns
 * have the types PostgreSQL gives the query ({@code CREATE TEMP VIEW}).
 */
@PostgresTest
class UntypedBranchLiteralScenarioTest {

  private static final List<String> QUERIES = List.of(
      "SELECT id, CASE WHEN id > 1 THEN d ELSE '2020-01-01' END AS x, coalesce(d, '2021-02-03') AS y FROM ev",
      // PostgreSQL reads '2020-1-1' as a date, never as text
      "SELECT id, coalesce(d, '2020-1-1') AS y, CASE WHEN s = 'x' THEN '2019-12-31' ELSE d END AS z FROM ev",
      "SELECT coalesce(d, '2020-1-1') AS y, count(*) AS n FROM ev GROUP BY 1",
      "SELECT id, coalesce(ts, '2020-01-01 10:00') AS a, CASE WHEN id > 2 THEN ts ELSE '2020-1-1' END AS b FROM ev",
      "SELECT id, coalesce(tz, '2020-01-01 10:00+02') AS a, CASE WHEN id > 2 THEN '2020-01-01' ELSE tz END AS b FROM ev",
      "SELECT id, coalesce(i, '007') AS a, CASE WHEN id > 2 THEN '42' ELSE i END AS b FROM ev",
      "SELECT id, coalesce(g, '{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}') AS a FROM ev",
      "SELECT id, coalesce(iv, '1 day') AS a, CASE WHEN id > 2 THEN iv ELSE '24 hours' END AS b FROM ev",
      "SELECT id, coalesce(b, 'yes') AS a, CASE WHEN id > 2 THEN b ELSE 'off' END AS c FROM ev",
      "SELECT id, nullif(d, '2020-1-1') AS a, nullif(i, '3') AS c, nullif(n, '2.50') AS e FROM ev",
      "SELECT id, greatest(d, '2020-6-1') AS a, least(i, '5') AS c, greatest(i, '2') AS e FROM ev",
      "SELECT id, coalesce(ts, '2020-1-1') AS a, ts2 FROM ev WHERE coalesce(d, '2020-1-1') >= '2020-01-01'");

  @Test
  void literalsInCaseAndCoalesceTakeTheTypedBranchesType(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE ev (id int PRIMARY KEY, d date, s text, ts timestamp, ts2 timestamp, tz timestamptz, "
              + "n numeric, n2 numeric(10,3), i int, g uuid, iv interval, b boolean)",
          "INSERT INTO ev VALUES (1, '2020-01-01', 'x', '2020-01-01 10:00', NULL, '2020-01-01 08:00Z', 1.50, 2.125, 3, "
              + "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '1 day', true), "
              + "(2, NULL, 'y', NULL, '2021-01-01', NULL, NULL, NULL, NULL, NULL, NULL, NULL), "
              + "(3, '2019-05-05', NULL, '2019-05-05 00:00', NULL, '2019-05-05 00:00+02', 2.50, 1, 7, NULL, '24 hours', false)");
      for (int i = 0; i < QUERIES.size(); i++) {
        create(c, "ev" + i, QUERIES.get(i), Mode.DIFFERENTIAL);
        assertEquals(viewTypes(c, QUERIES.get(i)), storedTypes(c, "ev" + i), QUERIES.get(i));
      }
      assertEquals(List.of("id integer", "x date", "y date"), storedTypes(c, "ev0"));
      List<String[]> rounds = List.of(
          new String[] {"INSERT INTO ev (id, d, s, ts, n, n2, i, b) VALUES (4, '2020-01-01', 'x', '2020-01-01', 2.5, 2.5, 2, NULL), "
              + "(5, NULL, NULL, NULL, NULL, NULL, NULL, NULL)"},
          new String[] {"UPDATE ev SET d = NULL, ts = NULL, n = NULL, n2 = NULL, i = NULL, iv = NULL, b = NULL, tz = NULL, g = NULL "
              + "WHERE id = 1", "UPDATE ev SET d = '2020-01-01', n = 2.50, n2 = 2.5, i = 3 WHERE id = 2"},
          new String[] {"DELETE FROM ev WHERE id IN (3, 5)", "UPDATE ev SET s = 'x', ts2 = '2018-01-01' WHERE id = 2"},
          new String[] {"DELETE FROM ev"});
      for (String[] round : rounds) {
        inOneTransaction(c, round);
        for (int i = 0; i < QUERIES.size(); i++) {
          Oracle.refreshAndCheck(c, "ev" + i, Mode.DIFFERENTIAL);
          // the values as PostgreSQL prints them: '2020-1-1' a date, '007' beside an integer 7
          assertEquals(text(c, QUERIES.get(i)), text(c, "SELECT " + String.join(", ", columns(c, QUERIES.get(i)))
              + " FROM ev" + i), QUERIES.get(i));
        }
      }
    }
  }

  /** The rows of {@code query} as PostgreSQL prints them, sorted. */
  private static List<String> text(Connection c, String query) throws SQLException {
    return rows(c, "SELECT row_to_json(q)::text FROM (" + query + ") AS q ORDER BY 1");
  }

  /** The names of {@code query}'s columns. */
  private static List<String> columns(Connection c, String query) throws SQLException {
    return viewTypes(c, query).stream().map(t -> t.substring(0, t.indexOf(' '))).toList();
  }

  /** {@code name type} of each column PostgreSQL gives {@code query}, from a temporary view of it. */
  private static List<String> viewTypes(Connection c, String query) throws SQLException {
    exec(c, "CREATE TEMPORARY VIEW probe AS " + query);
    try {
      return storedTypes(c, "pg_temp.probe");
    } finally {
      exec(c, "DROP VIEW pg_temp.probe");
    }
  }

  /** {@code name type} of each of a relation's columns but Freshet's hidden ones, in order. */
  private static List<String> storedTypes(Connection c, String table) throws SQLException {
    return rows(c, "SELECT attname || ' ' || format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '"
        + table + "'::regclass AND attnum > 0 AND NOT attisdropped AND attname NOT LIKE '\\_\\_freshet%' "
        + "ORDER BY attnum");
  }
}
