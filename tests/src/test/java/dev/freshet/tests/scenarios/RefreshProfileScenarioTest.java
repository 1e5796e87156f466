package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.RefreshReport;
import dev.freshet.runtime.streamtable.RefreshStepTime;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.sql.SQLException;
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
      // the change tables as printed, analyzed and indexed: a small window fills session tables (catalog V37)
      exec(c, "SET freshet.small_window_rows = 0");
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

  /**
   * A change table of more rows than {@code freshet.change_table_index_rows} is analyzed but not indexed (catalog
   * V30), and the delta terms read it all the same: both sources changed in one window, so a term joins the two
   * change tables, and the result is checked after each refresh, indexed and not.
   */
  @Test
  void aLargeChangeTableIsNotIndexed(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      // the change tables as printed, analyzed and indexed: a small window fills session tables (catalog V37)
      exec(c, "SET freshet.small_window_rows = 0");
      exec(c, "CREATE TABLE ri_customer (id int PRIMARY KEY, region text)",
          "CREATE TABLE ri_order (id int PRIMARY KEY, customer_id int, amount int)",
          "INSERT INTO ri_customer SELECT g, 'r' || (g % 3) FROM generate_series(1, 20) g",
          "INSERT INTO ri_order SELECT g, 1 + g % 20, g FROM generate_series(1, 200) g");
      create(c, "ri_totals", "SELECT c.region, count(*) AS orders, sum(o.amount) AS total FROM ri_order o "
          + "JOIN ri_customer c ON c.id = o.customer_id GROUP BY c.region", Mode.DIFFERENTIAL);
      exec(c, "SET freshet.change_table_index_rows = 5",
          "UPDATE ri_customer SET region = 'moved' WHERE id <= 4",
          "INSERT INTO ri_order SELECT g, 1 + g % 20, g FROM generate_series(201, 230) g",
          "DELETE FROM ri_order WHERE id % 7 = 0");
      List<String> steps = profiledSteps(c, "ri_totals");
      // 8 rows of customers (4 updated: old and new), 30 + 28 of orders: both above 5
      assertTrue(steps.contains("analyze the change table of \"public\".\"ri_customer\" (more than 5 rows: not indexed)"),
          steps.toString());
      assertTrue(steps.contains("analyze the change table of \"public\".\"ri_order\" (more than 5 rows: not indexed)"),
          steps.toString());

      exec(c, "SET freshet.change_table_index_rows = 1000",
          "UPDATE ri_customer SET region = 'back' WHERE id <= 2",
          "UPDATE ri_order SET customer_id = 3 WHERE id BETWEEN 10 AND 19");
      steps = profiledSteps(c, "ri_totals");
      assertTrue(steps.contains("index and analyze the change table of \"public\".\"ri_customer\""), steps.toString());
      assertTrue(steps.contains("index and analyze the change table of \"public\".\"ri_order\""), steps.toString());

      // a setting that is not a number of rows is refused, naming it, and nothing is applied
      exec(c, "SET freshet.change_table_index_rows = '10k'", "UPDATE ri_order SET amount = amount + 1 WHERE id = 3");
      SQLException typo = assertThrows(SQLException.class, () -> StreamTables.refresh(c, "ri_totals"));
      assertTrue(typo.getMessage().contains("freshet.change_table_index_rows must be a number of rows (0 or more), "
          + "not '10k'"), typo.getMessage());
      exec(c, "RESET freshet.change_table_index_rows");
      Oracle.refreshAndCheck(c, "ri_totals", Mode.DIFFERENTIAL);
    }
  }

  private static List<String> profiledSteps(Connection c, String name) throws Exception {
    RefreshReport r = StreamTables.refresh(c, name, true, false);
    Oracle.assertFresh(c, name);
    assertEquals(Mode.DIFFERENTIAL, r.modeUsed(), r.toString());
    assertEquals(2, r.changedSources().size(), r.toString());
    return r.profile().stream().map(RefreshStepTime::step).toList();
  }
}
