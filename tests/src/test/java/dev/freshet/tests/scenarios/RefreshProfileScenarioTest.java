package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.RefreshReport;
import dev.freshet.runtime.streamtable.RefreshStepTime;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code freshet refresh --profile}: a profiled refresh reports each of its steps in order (inside
 * PostgreSQL, then the buffer cleanup after commit), with the figures they worked on; an unprofiled one
 * reports none. Durations are only checked to be measured, never compared.
 */
@PostgresTest
class RefreshProfileScenarioTest {

  @Test
  void aProfiledRefreshReportsEachStep(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE rp_customer (id int PRIMARY KEY, region text)",
          "CREATE TABLE rp_order (id int PRIMARY KEY, customer_id int, amount int)",
          "INSERT INTO rp_customer VALUES (1, 'north'), (2, 'south')",
          "INSERT INTO rp_order VALUES (1, 1, 10), (2, 2, 20)");
      create(c, "rp_totals", "SELECT c.region, sum(o.amount) AS total FROM rp_order o "
          + "JOIN rp_customer c ON c.id = o.customer_id GROUP BY c.region", Mode.DIFFERENTIAL);
      exec(c, "INSERT INTO rp_order VALUES (3, 1, 5), (4, 2, 7)", "DELETE FROM rp_order WHERE id = 1");
      // the exact program for "only rp_order changed" is installed by this first refresh
      Oracle.refreshAndCheck(c, "rp_totals", Mode.DIFFERENTIAL);

      exec(c, "UPDATE rp_order SET amount = 11 WHERE id = 3");
      RefreshReport r = StreamTables.refresh(c, "rp_totals", true, false);
      Oracle.assertFresh(c, "rp_totals");
      List<String> steps = r.profile().stream().map(RefreshStepTime::step).toList();
      assertEquals("lock the sources, check their capture", steps.getFirst(), steps.toString());
      assertEquals("probe the window: 1 of 2 sources changed", steps.get(1), steps.toString());
      assertEquals("change table of \"public\".\"rp_order\": 2 rows", steps.get(2), steps.toString());
      assertEquals("index and analyze the change table of \"public\".\"rp_order\"", steps.get(3), steps.toString());
      // with PostgreSQL's join order, or as printed while the program measures both (catalog V23), which
      // depends on how long its first refresh took
      assertTrue(steps.stream().anyMatch(s -> s.matches("program \\d+( \\(joins as printed\\))?, step \\d+ "
          + "\\(statement\\): MERGE INTO \"public\".\"rp_totals\" AS st")), steps.toString());
      assertTrue(steps.contains("record the refresh"), steps.toString());
      // only the buffer of the source whose window held rows (rp_customer's held none)
      assertEquals("after commit: clean up the change buffer of \"public\".\"rp_order\": 2 rows deleted",
          steps.getLast(), steps.toString());
      assertFalse(steps.stream().anyMatch(s -> s.contains("rp_customer\": ")), steps.toString());
      assertTrue(r.profile().stream().allMatch(s -> s.millis() >= 0), r.profile().toString());

      exec(c, "UPDATE rp_order SET amount = 12 WHERE id = 3");
      assertEquals(List.of(), Oracle.refreshAndCheck(c, "rp_totals", Mode.DIFFERENTIAL).profile());
    }
  }
}
