package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.planner.admission.UnsupportedQueryException;
import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * When PostgreSQL rejects the SQL Freshet printed to fill a differential stream table (a bug of the planner or the
 * printer), AUTO runs the query as written (FULL, the reason FR009 recorded) and DIFFERENTIAL is refused with FR009,
 * nothing created; before, both failed with a database error (red-team finding). The queries are two that Freshet
 * prints wrong today ({@code bool_and(b) FILTER (…)} as a nested aggregate; a count of distinct row values into a
 * column of type record): when the printer is mended, this test needs another query PostgreSQL rejects.
 */
@PostgresTest
class PrintedSqlRejectedScenarioTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "SELECT g, bool_and(b) FILTER (WHERE v > 0) AS ba, every(b) FILTER (WHERE v <> 0) AS e FROM pr GROUP BY g",
      "SELECT g, count(DISTINCT (v, b)) AS n FROM pr GROUP BY g"})
  void autoRunsTheQueryAsWrittenAndDifferentialIsRefused(String sql, TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "DROP TABLE IF EXISTS pr", "CREATE TABLE pr (id int PRIMARY KEY, g int, v int, b bool)",
          "INSERT INTO pr VALUES (1, 1, 1, true), (2, 1, -1, false), (3, 2, 2, true), (4, 2, 2, true)");
      UnsupportedQueryException refused = assertThrows(UnsupportedQueryException.class,
          () -> StreamTables.create(c, "st", sql, Mode.DIFFERENTIAL, null));
      assertTrue(refused.getMessage().contains("FR009") && refused.getMessage().contains("rejects the SQL"),
          refused.getMessage());
      assertEquals("0", text(c, "SELECT count(*) FROM pg_class WHERE relname = 'st'"), "nothing created");

      StreamTables.create(c, "st", sql, Mode.AUTO, null);
      assertEquals("FULL", text(c, "SELECT effective_mode FROM freshet.stream_tables WHERE table_name = 'st'"));
      String reason = text(c, "SELECT fallback_reason FROM freshet.stream_tables WHERE table_name = 'st'");
      assertTrue(reason.contains("FR009") && reason.contains("rejects the SQL"), reason);
      Oracle.assertFresh(c, "st");
      exec(c, "INSERT INTO pr VALUES (5, 1, 3, false)", "UPDATE pr SET b = false WHERE id = 3", "DELETE FROM pr WHERE id = 2");
      Oracle.refreshAndCheck(c, "st", Mode.FULL);
      assertEquals(1, StreamTables.drop(c, "st", false).size());
    }
  }
}
