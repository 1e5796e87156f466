package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.exec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.planner.catalog.PgCatalogReader;
import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import dev.freshet.tpch.RoundTrip;
import java.sql.Connection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A column named in {@code USING} (or shared by a {@code NATURAL JOIN}) is one column in PostgreSQL,
 * wherever the query names it; Calcite merged it in the select list and GROUP BY only and called it
 * ambiguous in WHERE, HAVING and ORDER BY ({@code UsingColumnValidator}).
 */
@PostgresTest
class UsingJoinScenarioTest {

  @BeforeAll
  static void schema(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE a (i int, j int)", "CREATE TABLE b (i int, k int)",
        "INSERT INTO a VALUES (1, 10), (2, 20), (2, 21), (3, 30), (NULL, 40)",
        "INSERT INTO b VALUES (1, 101), (2, 102), (2, 103), (NULL, 104), (4, 105)");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "SELECT i, j, k FROM a JOIN b USING (i) GROUP BY i, j, k HAVING sum(i) > 1",
      "SELECT i FROM a JOIN b USING (i) WHERE i > 1",
      "SELECT i, sum(j) AS s FROM a JOIN b USING (i) GROUP BY 1 HAVING sum(i) > 1 AND i > 0",
      "SELECT * FROM a NATURAL JOIN b WHERE i > 1",
      "SELECT i, j, k FROM a LEFT JOIN b USING (i) WHERE i IS NULL OR k IS NULL",
      "SELECT i, j, k FROM a FULL JOIN b USING (i) WHERE i IS NOT NULL",
      "SELECT i, count(*) AS n FROM a JOIN b USING (i) GROUP BY i HAVING i > 1",
      "SELECT i AS x, j FROM a JOIN b USING (i) ORDER BY i, j",
      "SELECT j + i AS y FROM a JOIN b USING (i) GROUP BY j + i",
      "SELECT x.i, z.j FROM a x JOIN b y USING (i) JOIN a z USING (i) WHERE i > 1"})
  void planReturnsTheQuerysRows(String sql, TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      RoundTrip.Result result = RoundTrip.run(c, PgCatalogReader.read(c), sql);
      assertTrue(result.comparison().expectedRows() > 0, "the data must give rows: " + sql);
      assertTrue(result.matches(), result.comparison().summary() + "\n" + result.printedSql());
    }
  }

  /** USING columns in WHERE, GROUP BY and HAVING are maintained differentially: the query too. */
  @Test
  void usingColumnsAreDifferential(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      Scenarios.create(c, "u1", "SELECT i, j, k, count(*) AS n FROM a JOIN b USING (i) WHERE i > 1 GROUP BY i, j, k",
          Mode.DIFFERENTIAL);
      Scenarios.create(c, "u2", "SELECT i, j, k FROM a JOIN b USING (i) GROUP BY i, j, k HAVING sum(i) > 1",
          Mode.DIFFERENTIAL);
      exec(c, "INSERT INTO b VALUES (3, 106)", "DELETE FROM a WHERE j = 21", "UPDATE b SET i = 1 WHERE k = 105");
      Oracle.refreshAndCheck(c, "u1", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "u2", Mode.DIFFERENTIAL);
      assertEquals(1, StreamTables.drop(c, "u1", false).size());
      assertEquals(1, StreamTables.drop(c, "u2", false).size());
    }
  }
}
