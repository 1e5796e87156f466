package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A change table that no join of the stream table reads is not analyzed: only filters and aggregates read it, which
 * PostgreSQL plans as well from the table's pages. One that a join reads is, since the join is planned by its keys'
 * statistics. The oracle runs after every refresh.
 */
@PostgresTest
class ChangeTableStatisticsScenarioTest {

  private static final String NOT_ANALYZED = "no statistics for the change table of \"public\".";

  /** The steps of a profiled differential refresh of {@code name} that prepare change tables, checked by the oracle. */
  private static List<String> preparing(Connection c, String name) throws Exception {
    return Scenarios.profiledDifferentialSteps(c, name).stream()
        .filter(s -> s.startsWith(NOT_ANALYZED) || s.contains("analyze the change table of")).toList();
  }

  @Test
  void aChangeTableNoJoinReadsIsNotAnalyzed(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      // the change tables as printed, analyzed and indexed: a small window fills session tables (catalog V37)
      exec(c, "SET freshet.small_window_rows = 0");
      exec(c, "CREATE TABLE cs_sale (region text, qty int, price numeric(8,2))",
          "CREATE TABLE cs_return (region text, qty int)", "CREATE TABLE cs_region (region text PRIMARY KEY, zone text)",
          "INSERT INTO cs_region VALUES ('n', 'x'), ('s', 'y')",
          "INSERT INTO cs_sale SELECT CASE WHEN g % 2 = 0 THEN 'n' ELSE 's' END, g % 7, g * 1.25 "
              + "FROM generate_series(1, 200) g",
          "INSERT INTO cs_return VALUES ('n', 1), ('s', 2)");
      create(c, "cs_totals", "SELECT region, count(*) AS n, sum(qty * price) AS amount, max(qty) AS most "
          + "FROM cs_sale WHERE qty > 0 GROUP BY region", Mode.DIFFERENTIAL);
      create(c, "cs_moves", "SELECT region, qty FROM cs_sale WHERE qty > 5 UNION ALL SELECT region, -qty FROM cs_return",
          Mode.DIFFERENTIAL);
      create(c, "cs_zones", "SELECT r.zone, sum(s.qty) AS qty FROM cs_sale s JOIN cs_region r ON r.region = s.region "
          + "GROUP BY r.zone", Mode.DIFFERENTIAL);

      for (int round = 0; round < 3; round++) {
        // inserts, updates (the maximum leaves its group) and deletes, larger each round
        exec(c, "INSERT INTO cs_sale SELECT 'n', g % 9, g FROM generate_series(1, " + (10 * (round + 1) * (round + 1))
                + ") g",
            "UPDATE cs_sale SET qty = qty - 1, region = CASE region WHEN 'n' THEN 's' ELSE 'n' END WHERE qty = 6",
            "DELETE FROM cs_sale WHERE ctid IN (SELECT ctid FROM cs_sale WHERE qty = 2 LIMIT 5)");
        List<String> totals = preparing(c, "cs_totals");
        assertEquals(List.of(NOT_ANALYZED + "\"cs_sale\" (no join reads it)"), totals, "round " + round);
        // a UNION ALL reads its branches' tables by no join either
        assertEquals(List.of(NOT_ANALYZED + "\"cs_sale\" (no join reads it)"), preparing(c, "cs_moves"),
            "round " + round);
        List<String> zones = preparing(c, "cs_zones");
        assertTrue(zones.stream().noneMatch(s -> s.startsWith(NOT_ANALYZED))
            && zones.stream().anyMatch(s -> s.contains("the change table of \"public\".\"cs_sale\"")),
            "round " + round + ": " + zones);
      }
      exec(c, "INSERT INTO cs_return VALUES ('s', 4)", "DELETE FROM cs_return WHERE qty = 1");
      assertEquals(List.of(NOT_ANALYZED + "\"cs_return\" (no join reads it)"), preparing(c, "cs_moves"));
    }
  }
}
