package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.inOneTransaction;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A change table keeps only the window's rows that can count in the plan: those meeting the condition
 * every scan of the source has (a filter right above it, or its part of an inner join's condition),
 * joined by OR over the scans (SourceFilters). Rows moving into or out of the condition, NULLs, scans
 * without a condition, outer joins and conditions that could fail are each checked here, the oracle after
 * every refresh, and the change tables' sizes show what was kept.
 */
@PostgresTest
class ChangeTableFilterScenarioTest {

  /** Refreshes with a profile, checks the oracle, returns source → rows of its change table. */
  private static Map<String, Long> refresh(Connection c, String name) throws SQLException {
    RefreshReport report = StreamTables.refresh(c, name, true, false);
    Oracle.assertFresh(c, name);
    Map<String, Long> rows = new TreeMap<>();
    for (RefreshStepTime step : report.profile()) {
      String text = step.step();
      if (text.startsWith("change table of ")) {
        String[] parts = text.substring("change table of ".length()).split(": ");
        rows.put(parts[0], Long.parseLong(parts[1].split(" ")[0]));
      }
    }
    return rows;
  }

  private static String changeTableSql(Connection c, String streamTable, String source) throws SQLException {
    return String.join("\n", rows(c, "SELECT rs.create_change_table FROM freshet.refresh_sources rs "
        + "JOIN freshet.stream_tables st ON st.id = rs.stream_table_id "
        + "WHERE st.table_name = '" + streamTable + "' AND rs.source_relid = 'public." + source + "'::regclass"));
  }

  @Test
  void rowsMovingIntoAndOutOfTheConditionAreKeptAndOthersAreNot(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE cf_item (id int PRIMARY KEY, kind text, qty int, price numeric(8,2))",
          "INSERT INTO cf_item SELECT g, CASE WHEN g % 3 = 0 THEN 'tool' ELSE 'food' END, g % 7, g FROM generate_series(1, 30) g");
      create(c, "cf_tools", "SELECT kind, count(*) AS n, sum(price) AS total FROM cf_item "
          + "WHERE kind = 'tool' AND qty < 5 GROUP BY kind", Mode.DIFFERENTIAL);
      create(c, "cf_rows", "SELECT id, qty FROM cf_item WHERE qty IS NOT NULL AND qty >= 4", Mode.DIFFERENTIAL);
      assertEquals(true, changeTableSql(c, "cf_tools", "cf_item").contains("AND (\"kind\" = 'tool' AND \"qty\" < 5)"),
          changeTableSql(c, "cf_tools", "cf_item"));

      // 3 rows leave or enter the condition, 1 stays in it, 4 never meet it, 1 NULL
      inOneTransaction(c, "UPDATE cf_item SET qty = 6 WHERE id = 3", // tool, 3 → 6: leaves
          "UPDATE cf_item SET kind = 'tool' WHERE id = 1", // food → tool, qty 1: enters
          "UPDATE cf_item SET price = 100 WHERE id = 9", // tool, qty 2: stays, new price
          "UPDATE cf_item SET price = price + 1 WHERE id IN (2, 4, 5, 7)", // food: never counted
          "UPDATE cf_item SET qty = NULL WHERE id = 6", // tool, 6: was out, NULL is out too
          "INSERT INTO cf_item VALUES (31, 'tool', 1, 5), (32, 'food', 1, 5)",
          "DELETE FROM cf_item WHERE id IN (12, 10)"); // tool qty 5 (out), food
      assertEquals(Map.of("\"public\".\"cf_item\"", 5L), refresh(c, "cf_tools"),
          "id 3 old, id 1 new, id 9 old and new, id 31: the rest cannot count");
      refresh(c, "cf_rows");

      // a row inserted and deleted in one window, and an update there and back: nothing to apply
      inOneTransaction(c, "INSERT INTO cf_item VALUES (40, 'tool', 0, 1)", "DELETE FROM cf_item WHERE id = 40",
          "UPDATE cf_item SET qty = 0 WHERE id = 9", "UPDATE cf_item SET qty = 2 WHERE id = 9");
      assertEquals(Map.of("\"public\".\"cf_item\"", 0L), refresh(c, "cf_tools"));
      assertEquals(List.of("tool|8|214.00"), rows(c, "SELECT kind || '|' || n || '|' || total FROM cf_tools"));
    }
  }

  @Test
  void aSourceScannedTwiceKeepsRowsMeetingEitherConditionAndAScanWithoutOneKeepsAll(TestDatabase db)
      throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE cf_emp (id int PRIMARY KEY, boss int, dept text, pay int)",
          "INSERT INTO cf_emp VALUES (1, NULL, 'ops', 100), (2, 1, 'ops', 50), (3, 1, 'dev', 70), (4, 3, 'dev', 60), "
              + "(5, 3, 'hr', 40)");
      // the boss scan keeps pay > 65, the employee scan dept = 'dev': either may make a row count
      create(c, "cf_pairs", "SELECT e.id, b.id AS boss_id FROM cf_emp e JOIN cf_emp b ON b.id = e.boss "
          + "WHERE e.dept = 'dev' AND b.pay > 65", Mode.DIFFERENTIAL);
      // one scan unfiltered (a scalar sub-query over the whole table): every row can count
      create(c, "cf_above", "SELECT id FROM cf_emp WHERE dept = 'ops' AND pay > (SELECT avg(pay) FROM cf_emp)",
          Mode.DIFFERENTIAL);
      assertEquals(false, changeTableSql(c, "cf_above", "cf_emp").contains("AND (\""),
          changeTableSql(c, "cf_above", "cf_emp"));

      inOneTransaction(c, "UPDATE cf_emp SET pay = 65 WHERE id = 3", // dev boss drops to 65: counts as employee
          "UPDATE cf_emp SET pay = 30 WHERE id = 5", // hr, 40 → 30: meets neither condition
          "INSERT INTO cf_emp VALUES (6, 1, 'dev', 10), (7, 6, 'hr', 20)"); // 6 dev: counts; 7 meets neither
      assertEquals(Map.of("\"public\".\"cf_emp\"", 3L), refresh(c, "cf_pairs"), "id 3 old and new, id 6");
      assertEquals(Map.of("\"public\".\"cf_emp\"", 6L), refresh(c, "cf_above"));
      exec(c, "UPDATE cf_emp SET pay = 300 WHERE id = 6", "UPDATE cf_emp SET dept = 'ops' WHERE id = 7");
      refresh(c, "cf_pairs");
      refresh(c, "cf_above");
    }
  }

  /**
   * A condition from an inner join's ON (Q19's shape: an OR of ANDs over both tables) is pushed as its
   * parts on each table; the preserved side of an outer join keeps every row; a part that could fail on
   * a row the query never evaluates it on ({@code 10 / qty}, a row inserted and deleted in one window) is
   * left out, so the refresh does not fail where the query would not.
   */
  @Test
  void joinConditionsOuterJoinsAndConditionsThatCouldFail(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE cf_part (id int PRIMARY KEY, brand text, size int)",
          "CREATE TABLE cf_line (id int PRIMARY KEY, part int, qty int, mode text)",
          "INSERT INTO cf_part VALUES (1, 'a', 1), (2, 'b', 5), (3, 'c', 9)",
          "INSERT INTO cf_line VALUES (1, 1, 1, 'air'), (2, 2, 8, 'air'), (3, 3, 2, 'sea'), (4, 1, 3, 'rail')");
      create(c, "cf_q19", "SELECT sum(l.qty) AS q FROM cf_line l JOIN cf_part p ON p.id = l.part AND "
          + "((p.brand = 'a' AND l.mode = 'air') OR (p.brand = 'b' AND l.qty > 5 AND l.mode = 'air'))",
          Mode.DIFFERENTIAL);
      create(c, "cf_outer", "SELECT p.id, l.id AS line FROM cf_part p LEFT JOIN cf_line l ON l.part = p.id "
          + "AND l.mode = 'air'", Mode.DIFFERENTIAL);
      create(c, "cf_ratio", "SELECT id FROM cf_line WHERE mode = 'sea' AND 10 / qty > 1", Mode.DIFFERENTIAL);
      assertEquals(true, changeTableSql(c, "cf_q19", "cf_line").contains("AND (\"mode\" = 'air'"),
          changeTableSql(c, "cf_q19", "cf_line"));
      String part = changeTableSql(c, "cf_q19", "cf_part");
      assertEquals(true, part.contains("AND (") && part.contains("'a'") && part.contains("'b'"), part);
      assertEquals(false, changeTableSql(c, "cf_outer", "cf_part").contains("AND (\""));
      assertEquals(false, changeTableSql(c, "cf_ratio", "cf_line").contains(" / "),
          changeTableSql(c, "cf_ratio", "cf_line"));

      inOneTransaction(c, "INSERT INTO cf_line VALUES (5, 2, 9, 'air'), (6, 3, 9, 'sea'), (7, 1, 0, 'sea')",
          "DELETE FROM cf_line WHERE id = 7", // qty 0: 10 / qty fails, but the row cancels out
          "UPDATE cf_line SET mode = 'air' WHERE id = 4", "UPDATE cf_part SET brand = 'b' WHERE id = 3",
          "UPDATE cf_part SET size = 2 WHERE id = 2");
      assertEquals(Map.of("\"public\".\"cf_line\"", 2L, "\"public\".\"cf_part\"", 1L), refresh(c, "cf_q19"),
          "lines 5 and 4's new version (6 and 7 go by sea, 4 went by rail); part 3's new version (its brand was "
              + "c); part 2's size is not read, its two versions cancel out");
      refresh(c, "cf_outer");
      refresh(c, "cf_ratio");
      assertEquals(List.of("21"), rows(c, "SELECT q FROM cf_q19"));
    }
  }
}
