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
 * A stream table's columns have exactly the types PostgreSQL gives its defining query, as
 * {@code CREATE TABLE AS} would (issue 15: {@code \d} showed {@code coalesce(s, 'x')} over text as
 * character varying, Calcite's type), whatever its shape: grouped (keys and aggregates), a single group,
 * {@code DISTINCT}, a bag, the top rows of a grouped query, and a stream table reading one of these. The
 * expressions are those whose Calcite type differs from PostgreSQL's or might: COALESCE and CASE over text,
 * {@code ||}, numeric arithmetic, {@code round(numeric, 2)}, integer division, {@code count(*)},
 * {@code avg(int)}. Every table is exact by the oracle at create and after each refresh.
 */
@PostgresTest
class StoredColumnTypesScenarioTest {

  private static final List<String> QUERIES = List.of(
      "SELECT id, coalesce(s, 'x') AS c, count(*) FROM pt GROUP BY id, s",
      "SELECT coalesce(s, 'x') AS c, CASE WHEN n > 1 THEN s ELSE 'small' END AS k, count(*), avg(id) AS a, "
          + "sum(n * 2) AS s2 FROM pt GROUP BY 1, 2",
      "SELECT s || 'y' AS sy, round(n, 2) AS r, id / 2 AS half, n * 1.5 + 1 AS m, count(*) FROM pt GROUP BY 1, 2, 3, 4",
      "SELECT g, coalesce(max(s), 'none') AS top, CASE WHEN count(*) > 1 THEN 'many' ELSE min(s) END AS k, "
          + "round(avg(n), 2) AS ra, sum(id) / 2 AS half, avg(id), count(*) FROM pt GROUP BY g",
      "SELECT count(*), avg(id), coalesce(max(s), 'x') AS m, sum(n) / 3 AS third FROM pt",
      "SELECT DISTINCT coalesce(s, 'x') AS c, g / 2 AS h FROM pt",
      "SELECT id, coalesce(s, 'x') AS c, CASE WHEN id > 2 THEN 'big' ELSE s END AS k, s || 'y' AS sy, "
          + "round(n, 2) AS r, id / 2 AS half, n * 3 AS m FROM pt",
      "SELECT coalesce(s, 'x') AS c, count(*) AS cnt, avg(id) AS a FROM pt GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 2",
      // reads the first: its column c is text
      "SELECT c || '!' AS c2, sum(count) AS total FROM typed0 GROUP BY c");

  @Test
  void storedColumnsHavePostgresTypesAndStayExact(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE pt (id int PRIMARY KEY, g int NOT NULL, s text, n numeric)",
          "INSERT INTO pt VALUES (1, 1, 'a', 1.5), (2, 1, NULL, 2.25), (3, 2, 'b', NULL), (4, 2, 'a', 3)");
      for (int i = 0; i < QUERIES.size(); i++) {
        create(c, "typed" + i, QUERIES.get(i), Mode.DIFFERENTIAL);
        assertEquals(columnTypes(c, QUERIES.get(i)), storedTypes(c, "typed" + i), QUERIES.get(i));
      }
      assertEquals(List.of("id integer", "c text", "count bigint"), storedTypes(c, "typed0"));
      assertEquals(List.of("count bigint", "avg numeric", "m text", "third numeric"), storedTypes(c, "typed4"));

      List<String[]> rounds = List.of(
          new String[] {"INSERT INTO pt VALUES (5, 3, NULL, 7.125), (6, 3, 'zz', 0.5)"},
          new String[] {"UPDATE pt SET s = NULL WHERE id = 1", "UPDATE pt SET n = n * 3 WHERE id IN (2, 4)"},
          new String[] {"DELETE FROM pt WHERE id IN (3, 6)", "UPDATE pt SET s = 'a' WHERE id = 5"},
          new String[] {"INSERT INTO pt VALUES (7, 1, 'x', 10), (8, 1, 'a', -0.125)", "DELETE FROM pt WHERE id = 2"});
      for (String[] round : rounds) {
        inOneTransaction(c, round);
        for (int i = 0; i < QUERIES.size(); i++) {
          Oracle.refreshAndCheck(c, "typed" + i, Mode.DIFFERENTIAL);
        }
      }
      assertEquals(List.of("1|x", "4|a", "5|a", "7|x", "8|a"), rows(c, "SELECT id, c FROM typed0 ORDER BY id"));
    }
  }

  /** {@code name type} of each column PostgreSQL gives {@code query} (a table created from it, empty). */
  private static List<String> columnTypes(Connection c, String query) throws SQLException {
    exec(c, "CREATE TEMPORARY TABLE probe AS " + query + " WITH NO DATA");
    try {
      return storedTypes(c, "pg_temp.probe");
    } finally {
      exec(c, "DROP TABLE pg_temp.probe");
    }
  }

  /** {@code name type} of each of a table's columns but Freshet's hidden ones, in order. */
  private static List<String> storedTypes(Connection c, String table) throws SQLException {
    return rows(c, "SELECT attname || ' ' || format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '"
        + table + "'::regclass AND attnum > 0 AND NOT attisdropped AND attname NOT LIKE '\\_\\_freshet%' "
        + "ORDER BY attnum");
  }
}
