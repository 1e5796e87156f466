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
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A recompute of a grouped stream table and of a state table inside its query ({@code refresh --full}, and
 * AUTO's choice for a large window) recomputes every group and
 * merges the difference: groups that appear, change, and vanish (matched on their stored identity), NULL
 * keys among them. Each group's identity hash is computed once per recompute (an md5 per group: a state of
 * 1.5 million groups spent 1.2 s computing it twice), and only the groups that differ from their stored rows
 * reach the MERGE. The oracle checks after every refresh.
 */
@PostgresTest
class FullGroupsScenarioTest {

  /** A recompute asked for ({@code freshet refresh --full}), then the oracle. */
  private static void recompute(Connection c) throws Exception {
    assertEquals(Mode.FULL, StreamTables.refresh(c, "fg_big", false, true).modeUsed());
    Oracle.assertFresh(c, "fg_big");
  }

  /**
   * Orders with a region ({@code regions}: a SQL expression of {@code i}, the order's id from 1 to {@code orders})
   * and {@code items} line items of quantity {@code qty} over the first {@code itemOrders} orders, and {@code fg_big}:
   * the per-order sums are a state table (TPC-H Q18's shape), the regions' totals the stream table's groups.
   */
  private static void createOrders(Connection c, String regions, int orders, int items, int itemOrders, String qty)
      throws Exception {
    exec(c, "DROP TABLE IF EXISTS fg_item, fg_order",
        "CREATE TABLE fg_order (id int PRIMARY KEY, region text)",
        "CREATE TABLE fg_item (id int PRIMARY KEY, order_id int, qty int)",
        "INSERT INTO fg_order SELECT i, " + regions + " FROM generate_series(1, " + orders + ") i",
        "INSERT INTO fg_item SELECT i, 1 + i % " + itemOrders + ", " + qty + " FROM generate_series(1, " + items + ") i");
    StreamTables.create(c, "fg_big", "SELECT o.region, count(*) AS n, sum(s.total) AS total FROM fg_order o "
        + "JOIN (SELECT order_id, sum(qty) AS total FROM fg_item GROUP BY order_id HAVING sum(qty) > 10) s "
        + "ON s.order_id = o.id GROUP BY o.region", Mode.DIFFERENTIAL, null);
  }

  @Test
  void aFullRefreshMergesEveryGroupOnce(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      createOrders(c, "CASE WHEN i % 5 = 0 THEN NULL ELSE 'r' || (i % 3) END", 40, 200, 40, "i % 7");
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

      // each recompute hashes each group once, into the table of new groups; its difference hashes none again
      List<String> counts = rows(c, "SELECT (length(step) - length(replace(step, 'md5(', ''))) / 4 "
          + "FROM freshet.refresh_programs p JOIN freshet.stream_tables st ON st.id = p.stream_table_id, "
          + "unnest(p.step_sql) WITH ORDINALITY AS s(step, n) WHERE st.table_name = 'fg_big' AND p.changed_mask = 0 "
          + "AND step LIKE '%__freshet_full%' ORDER BY n");
      assertEquals(List.of("1", "0", "1", "0"), counts,
          "an md5 per group in each full recompute (state table, stream table), none in its difference");
      assertEquals(1, StreamTables.drop(c, "fg_big", false).size());
    }
  }

  /**
   * A recompute's difference ({@code Δgroups}, what its MERGE reads) holds the groups that are new, changed or
   * gone, and none of those whose stored row is the new one: the state table's (per-order sums) and the stream
   * table's (per-region totals). It held every group (a refresh of TPC-H Q18 at SF-1 merged 1.5 million to
   * change 9,000). The full program is run step by step from JDBC in a transaction rolled back, then by a refresh.
   */
  @Test
  void aFullRefreshMergesOnlyTheGroupsThatDiffer(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      createOrders(c, "CASE WHEN i % 5 = 0 THEN NULL ELSE 'r' || (i % 4) END", 40, 200, 40, "3");
      Oracle.assertFresh(c, "fg_big");
      // order 1 (region r1) changes its sum; the 8 orders of the NULL region lose their items, and that region goes;
      // order 41 (r9, a new region) appears; the other 31 orders and regions r0, r2, r3 are untouched
      exec(c, "UPDATE fg_item SET qty = 4 WHERE id = 40",
          "DELETE FROM fg_item WHERE order_id IN (SELECT id FROM fg_order WHERE region IS NULL)",
          "INSERT INTO fg_order VALUES (41, 'r9')", "INSERT INTO fg_item VALUES (201, 41, 20)");

      List<Set<String>> differences = new ArrayList<>();
      List<String> steps = rows(c, "SELECT k || '|' || s FROM freshet.refresh_programs p "
          + "JOIN freshet.stream_tables st ON st.id = p.stream_table_id, "
          + "unnest(p.step_kinds, p.step_sql) WITH ORDINALITY AS u(k, s, n) "
          + "WHERE st.table_name = 'fg_big' AND p.changed_mask = 0 ORDER BY n");
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        for (String step : steps) {
          String sql = step.substring(step.indexOf('|') + 1);
          s.execute(sql);
          if (sql.startsWith("CREATE TEMPORARY TABLE \"Δgroups\"")) {
            Set<String> groups = new HashSet<>();
            try (ResultSet rs = s.executeQuery("SELECT coalesce(\"__freshet_k0\"::text, 'NULL') || ':' || "
                + "\"__freshet_count\" FROM \"Δgroups\"")) {
              while (rs.next()) {
                groups.add(rs.getString(1));
              }
            }
            differences.add(groups);
          }
        }
      } finally {
        c.rollback();
        c.setAutoCommit(true);
      }
      // the state table: order 1 (5 items, a new sum), the NULL region's orders (gone: count 0), order 41 (new);
      // the stream table: r1 (8 orders, a new total), the NULL region (gone), r9 (new)
      assertEquals(List.of(
          Set.of("1:5", "5:0", "10:0", "15:0", "20:0", "25:0", "30:0", "35:0", "40:0", "41:1"),
          Set.of("r1:8", "NULL:0", "r9:1")), differences);

      recompute(c);
      assertEquals(List.of("r9|1|20"), rows(c, "SELECT region, n, total FROM fg_big WHERE region = 'r9'"));
      assertEquals(1, StreamTables.drop(c, "fg_big", false).size());
    }
  }

  /**
   * A sum's count of non-NULL values is {@code COUNT(*)} when the summed value cannot be NULL (PostgreSQL computed
   * {@code a * b} again for {@code COUNT(a * b)}: TPC-H Q1's recompute 3.6–4.3 s against 2.4–2.5), and counts the
   * values when it can: a group whose values are all NULL sums to NULL, one with some to their sum.
   */
  @Test
  void aSumOfValuesThatCannotBeNullCountsRows(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "DROP TABLE IF EXISTS fg_v",
          "CREATE TABLE fg_v (id int PRIMARY KEY, k int, a int NOT NULL, b numeric NOT NULL, n numeric)",
          "INSERT INTO fg_v VALUES (1, 1, 2, 1.5, NULL), (2, 1, 3, 2.5, NULL), (3, 2, 1, 0.5, 7), (4, 2, 4, 1, NULL)");
      StreamTables.create(c, "fg_sums", "SELECT k, sum(a * b) AS s, avg(b) AS m, sum(n) AS t, avg(n) AS u FROM fg_v "
          + "GROUP BY k", Mode.DIFFERENTIAL, null);
      Oracle.assertFresh(c, "fg_sums");
      exec(c, "UPDATE fg_v SET n = 1 WHERE id = 1", "UPDATE fg_v SET n = NULL WHERE id = 3",
          "INSERT INTO fg_v VALUES (5, 3, 5, 2, NULL)");
      assertEquals(Mode.FULL, StreamTables.refresh(c, "fg_sums", false, true).modeUsed());
      Oracle.assertFresh(c, "fg_sums");
      assertEquals(List.of("1|10.5|2.0000000000000000|1|1.00000000000000000000", "2|4.5|0.75000000000000000000|null|null",
          "3|10|2.0000000000000000|null|null"), rows(c, "SELECT k, s, m, t, u FROM fg_sums ORDER BY k"));

      String state = rows(c, "SELECT s FROM freshet.refresh_programs p JOIN freshet.stream_tables st "
          + "ON st.id = p.stream_table_id, unnest(p.step_sql) AS s WHERE st.table_name = 'fg_sums' "
          + "AND p.changed_mask = 0 AND s LIKE 'CREATE TEMPORARY TABLE \"Δfull\"%'").get(0);
      // COUNT(*) for the group, for sum(a * b) and for avg(b); the values of n counted for sum(n) and avg(n)
      assertEquals(5, state.split("COUNT\\(", -1).length - 1, state);
      assertEquals(3, state.split("COUNT\\(\\*\\)", -1).length - 1, state);
      assertEquals(2, state.split("COUNT\\(\"n\"\\)", -1).length - 1, state);

      // a differential refresh tests only n for NULL in the changed rows
      exec(c, "UPDATE fg_v SET a = a + 1, n = NULL WHERE id = 1", "DELETE FROM fg_v WHERE id = 5",
          "INSERT INTO fg_v VALUES (6, 2, 1, 1, 3)");
      assertEquals(Mode.DIFFERENTIAL, StreamTables.refresh(c, "fg_sums", false, false).modeUsed());
      Oracle.assertFresh(c, "fg_sums");
      assertEquals(List.of("1|12.0|2.0000000000000000|null|null", "2|5.5|0.83333333333333333333|3|3.0000000000000000"),
          rows(c, "SELECT k, s, m, t, u FROM fg_sums ORDER BY k"));
      List<String> tests = rows(c, "SELECT (length(s) - length(replace(s, 'IS NOT NULL', ''))) / 11 "
          + "FROM freshet.refresh_programs p JOIN freshet.stream_tables st ON st.id = p.stream_table_id, "
          + "unnest(p.step_sql) AS s WHERE st.table_name = 'fg_sums' AND p.changed_mask <> 0 "
          + "AND s LIKE '%Δgroup_sums%'");
      assertEquals(List.of("2"), tests, "IS NOT NULL for sum(n) and avg(n) only");
      assertEquals(1, StreamTables.drop(c, "fg_sums", false).size());
    }
  }

  /**
   * A recompute analyzes a state table when it has no statistics (filled at create) or when it changed more than a
   * tenth of its groups; a smaller change leaves its statistics as they were (analyzing TPC-H Q18's 1.5 million
   * orders after 9,000 changed took 0.2–1.1 s). {@code reltuples} tells: ANALYZE of so small a table counts it.
   */
  @Test
  void aFullRefreshAnalyzesAStateTableThatChangedMuch(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      createOrders(c, "'r' || (i % 4)", 500, 2000, 400, "3");
      Oracle.assertFresh(c, "fg_big");
      String groups = "SELECT c.reltuples::bigint FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace "
          + "JOIN freshet.stream_tables AS st ON c.relname = 'st_' || st.id || '_0' "
          + "WHERE n.nspname = 'freshet_state' AND st.table_name = 'fg_big'";
      assertEquals(400, count(c, groups), "analyzed when filled");

      exec(c, "INSERT INTO fg_item SELECT i, i - 1600, 4 FROM generate_series(2001, 2030) i"); // 30 new orders
      recompute(c);
      assertEquals(400, count(c, groups), "30 of 430 groups changed: not analyzed");
      exec(c, "INSERT INTO fg_item SELECT i, i - 1600, 4 FROM generate_series(2031, 2100) i"); // 70 more
      recompute(c);
      assertEquals(500, count(c, groups), "70 of 500 groups changed: analyzed");
      assertEquals(1, StreamTables.drop(c, "fg_big", false).size());
    }
  }
}
