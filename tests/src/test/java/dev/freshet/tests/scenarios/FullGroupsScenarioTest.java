package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.count;
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
 * A recompute of a grouped stream table and of a state table inside its query ({@code refresh --full}, and
 * AUTO's choice for a large window) recomputes every group and
 * merges the difference: groups that appear, change, and vanish (matched on their stored identity), NULL
 * keys among them. Each group's identity hash is computed once per recompute (an md5 per group: a state of
 * 1.5 million groups spent 1.2 s computing it twice). The oracle checks after every refresh.
 */
@PostgresTest
class FullGroupsScenarioTest {

  /** A recompute asked for ({@code freshet refresh --full}), then the oracle. */
  private static void recompute(Connection c) throws Exception {
    assertEquals(Mode.FULL, StreamTables.refresh(c, "fg_big", false, true).modeUsed());
    Oracle.assertFresh(c, "fg_big");
  }

  @Test
  void aFullRefreshMergesEveryGroupOnce(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "DROP TABLE IF EXISTS fg_item, fg_order",
          "CREATE TABLE fg_order (id int PRIMARY KEY, region text)",
          "CREATE TABLE fg_item (id int PRIMARY KEY, order_id int, qty int)",
          "INSERT INTO fg_order SELECT i, CASE WHEN i % 5 = 0 THEN NULL ELSE 'r' || (i % 3) END "
              + "FROM generate_series(1, 40) i",
          "INSERT INTO fg_item SELECT i, 1 + i % 40, i % 7 FROM generate_series(1, 200) i");
      // the per-order sums are a state table (TPC-H Q18's shape); the regions' totals the stream table's groups
      StreamTables.create(c, "fg_big", "SELECT o.region, count(*) AS n, sum(s.total) AS total FROM fg_order o "
          + "JOIN (SELECT order_id, sum(qty) AS total FROM fg_item GROUP BY order_id HAVING sum(qty) > 10) s "
          + "ON s.order_id = o.id GROUP BY o.region", Mode.DIFFERENTIAL, null);
      Oracle.assertFresh(c, "fg_big");

      // groups change, vanish (every order of region r1, and orders leaving the HAVING) and appear
      exec(c, "UPDATE fg_item SET qty = qty + 3 WHERE id % 4 = 0", "DELETE FROM fg_order WHERE region = 'r1'",
          "DELETE FROM fg_item WHERE order_id IN (2, 3)", "INSERT INTO fg_order VALUES (41, 'r9'), (42, NULL)",
          "INSERT INTO fg_item VALUES (201, 41, 20), (202, 42, 30)");
      recompute(c);
      exec(c, "UPDATE fg_order SET region = NULL WHERE region = 'r2'", "DELETE FROM fg_item WHERE qty > 4");
      recompute(c);
      exec(c, "DELETE FROM fg_item");
      recompute(c);
      assertEquals(0, count(c, "SELECT count(*) FROM fg_big"));
      exec(c, "INSERT INTO fg_item SELECT i, 1 + i % 42, 6 FROM generate_series(1, 100) i");
      recompute(c);

      // each statement recomputing groups hashes each group once
      List<String> counts = rows(c, "SELECT (length(step) - length(replace(step, 'md5(', ''))) / 4 "
          + "FROM freshet.refresh_programs p JOIN freshet.stream_tables st ON st.id = p.stream_table_id, "
          + "unnest(p.step_sql) AS step WHERE st.table_name = 'fg_big' AND p.changed_mask = 0 "
          + "AND step LIKE '%__freshet_full%'");
      assertEquals(List.of("1", "1"), counts, "an md5 per group in each full recompute (state table, stream table)");
      assertEquals(1, StreamTables.drop(c, "fg_big", false).size());
    }
  }
}
