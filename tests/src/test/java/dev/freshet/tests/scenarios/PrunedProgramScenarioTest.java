package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.count;
import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.inOneTransaction;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code CALL freshet.refresh} when three or more of a stream table's four or more sources changed, which have no
 * program installed at create: refresh_window puts one together from the pieces of the program for all sources,
 * without the delta terms of the sources that did not change (catalog V29, DeltaTermMarks), installs it and runs
 * it, with no Freshet code in the loop. Names are hostile, and a constant and a column name read like the marks.
 * The oracle runs after every refresh.
 */
@PostgresTest
class PrunedProgramScenarioTest {

  private static final String ORDERS = "\"pr Ord\"\"ers\"";
  private static final String PARTS = "\"prünt\"";
  private static final String SHOPS = "\"select\"";

  private static final List<String> NAMES = List.of("pr_sales", "pr_big_orders");

  private static void call(Connection plain, String name) throws SQLException {
    try (PreparedStatement ps = plain.prepareStatement("CALL freshet.refresh(?)")) {
      ps.setString(1, name);
      ps.execute();
    }
  }

  /**
   * The steps of one refresh of {@code name} by refresh_window, which CALL freshet.refresh runs, profiled, in
   * one REPEATABLE READ transaction as the procedure runs it.
   */
  private static List<String> profiledRefresh(Connection plain, String name) throws SQLException {
    List<String> steps = new ArrayList<>();
    plain.setAutoCommit(false);
    plain.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    try (PreparedStatement ps = plain.prepareStatement("SELECT p ->> 'step' FROM freshet.refresh_window("
        + "(SELECT id FROM freshet.stream_tables WHERE table_name = ?), false, true) AS r, "
        + "jsonb_array_elements(r.profile) WITH ORDINALITY AS p(p, n) ORDER BY p.n")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          steps.add(rs.getString(1));
        }
      }
      plain.commit();
    } finally {
      plain.setAutoCommit(true);
    }
    return steps;
  }

  private static void refreshAll(Connection c, Connection plain) throws SQLException {
    for (String name : NAMES) {
      call(plain, name);
      Oracle.assertFresh(c, name);
    }
  }

  @Test
  void threeOrMoreChangedSourcesGetTheirProgramFromThePiecesOfTheOneForAll(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Connection plain = DriverManager.getConnection(db.jdbcUrl())) {
      exec(c, "CREATE TABLE " + ORDERS + " (id int PRIMARY KEY, shop int, amount int)",
          "CREATE TABLE pr_lines (order_id int, part_id int, qty int)",
          "CREATE TABLE " + PARTS + " (id int PRIMARY KEY, kind text)",
          "CREATE TABLE " + SHOPS + " (id int PRIMARY KEY, name text)",
          "CREATE TABLE pr_tags (part_id int, tag text)",
          "INSERT INTO " + ORDERS + " VALUES (1, 1, 10), (2, 1, 20), (3, 2, 5), (4, NULL, 7)",
          "INSERT INTO pr_lines VALUES (1, 1, 2), (1, 2, 1), (2, 1, 3), (3, 3, NULL), (4, 2, 4), (2, 2, 1)",
          "INSERT INTO " + PARTS + " VALUES (1, 'bolt'), (2, 'nut'), (3, NULL)",
          "INSERT INTO " + SHOPS + " VALUES (1, 'north'), (2, 'south')",
          "INSERT INTO pr_tags VALUES (1, 'steel'), (2, 'steel'), (2, 'brass'), (3, 'wood')");
      // five sources; a constant and a result column whose text reads like the marks
      long sales = create(c, "pr_sales", "SELECT p.kind, s.name AS \"x /*-Δ*/ y\", count(*) AS n, "
          + "sum(l.qty * o.amount) AS total FROM " + ORDERS + " o JOIN pr_lines l ON l.order_id = o.id "
          + "JOIN " + PARTS + " p ON p.id = l.part_id JOIN " + SHOPS + " s ON s.id = o.shop "
          + "JOIN pr_tags t ON t.part_id = p.id WHERE t.tag <> '/*+Δ1*/ x UNION ALL /*-Δ*/' "
          + "GROUP BY p.kind, s.name", Mode.DIFFERENTIAL).id();
      // four sources, one of them through a state table (the orders whose lines sum above 2)
      create(c, "pr_big_orders", "SELECT o.id, s.name, t.total, p.kind FROM " + ORDERS + " o JOIN " + SHOPS
          + " s ON s.id = o.shop JOIN (SELECT order_id, sum(qty) AS total FROM pr_lines GROUP BY order_id "
          + "HAVING sum(qty) > 2) t ON t.order_id = o.id JOIN " + PARTS + " p ON p.id = o.id % 3 + 1",
          Mode.DIFFERENTIAL);
      // the program for all five sources is stored cut into pieces, its terms but each UNION's first marked
      assertTrue(count(c, "SELECT count(*) FROM freshet.refresh_programs p, unnest(p.piece_masks) m "
          + "WHERE p.stream_table_id = " + sales + " AND p.changed_mask = 31 AND m <> 0") > 10);
      // (since catalog V35 the programs for fewer sources are marked too: see StateChangePruningScenarioTest)

      // orders, lines and parts: no program of their own
      inOneTransaction(c, "INSERT INTO " + ORDERS + " VALUES (5, 2, 3)",
          "INSERT INTO pr_lines VALUES (5, 1, 2), (5, 3, 6), (1, 1, 1)", "UPDATE " + PARTS + " SET kind = 'screw' WHERE id = 2");
      List<String> steps = profiledRefresh(plain, "pr_sales");
      Oracle.assertFresh(c, "pr_sales");
      long mask = count(c, "SELECT max(changed_mask) FROM freshet.refresh_programs WHERE stream_table_id = " + sales
          + " AND changed_mask NOT IN (0, 31) AND bit_count(changed_mask::bit(64)) = 3");
      assertTrue(steps.contains("program " + mask + " put together from the pieces of a larger one"), steps.toString());
      // a small window: the joins as printed
      assertTrue(steps.stream().anyMatch(s -> s.startsWith("program " + mask + " (joins as printed), step 2 ")),
          steps.toString());
      // its delta statement: the 7 terms of the three sources (the first term of the program for all among them),
      // without marks, where the program for all five has 31 terms, all but the first marked
      String union = "'UNION ALL\\s+(/\\*\\+Δ[0-9]+\\*/ )?SELECT', 'g'"; // not the constant's UNION ALL
      String mark = "'/\\*\\+Δ[0-9]+\\*/ SELECT', 'g'";
      assertEquals(List.of("7|31|0|30"), Scenarios.rows(c, "SELECT "
          + "(SELECT count(*) FROM regexp_matches(p.step_sql[2], " + union + ")) + 1, "
          + "(SELECT count(*) FROM regexp_matches(a.step_sql[2], " + union + ")) + 1, "
          + "(SELECT count(*) FROM regexp_matches(p.step_sql[2], " + mark + ")), "
          + "(SELECT count(*) FROM regexp_matches(a.step_sql[2], " + mark + ")) "
          + "FROM freshet.refresh_programs p, freshet.refresh_programs a WHERE p.stream_table_id = " + sales
          + " AND p.changed_mask = " + mask + " AND a.stream_table_id = " + sales + " AND a.changed_mask = 31"));
      steps = profiledRefresh(plain, "pr_big_orders");
      Oracle.assertFresh(c, "pr_big_orders");
      assertTrue(steps.stream().anyMatch(s -> s.endsWith(" put together from the pieces of a larger one")),
          steps.toString());

      // shops, tags, lines and orders (four of five); the tag the constant names is filtered out
      inOneTransaction(c, "UPDATE " + SHOPS + " SET name = 'east' WHERE id = 2",
          "INSERT INTO pr_tags VALUES (1, '/*+Δ1*/ x UNION ALL /*-Δ*/'), (3, 'oak')", "DELETE FROM pr_tags WHERE tag = 'brass'",
          "DELETE FROM pr_lines WHERE order_id = 2 AND part_id = 2", "UPDATE " + ORDERS + " SET amount = NULL WHERE id = 3");
      refreshAll(c, plain);
      // all five
      inOneTransaction(c, "UPDATE " + ORDERS + " SET shop = 1 WHERE id = 4", "INSERT INTO pr_lines VALUES (4, 3, 1)",
          "UPDATE " + PARTS + " SET kind = NULL WHERE id = 1", "INSERT INTO " + SHOPS + " VALUES (3, NULL)",
          "UPDATE pr_tags SET tag = 'iron' WHERE tag = 'steel' AND part_id = 1");
      refreshAll(c, plain);
      // parts, shops and tags, none of which the orders' terms change through
      inOneTransaction(c, "DELETE FROM " + PARTS + " WHERE id = 3", "UPDATE " + SHOPS + " SET name = 'west' WHERE id = 1",
          "INSERT INTO pr_tags VALUES (2, 'zinc')", "INSERT INTO " + PARTS + " VALUES (3, 'pin')");
      refreshAll(c, plain);
      // one source and a pair run the programs installed at create; the same three sources as at first, the one
      // put together then
      exec(c, "UPDATE pr_lines SET qty = qty + 1 WHERE order_id = 1");
      assertTrue(profiledRefresh(plain, "pr_sales").stream().noneMatch(s -> s.contains(" put together ")));
      Oracle.assertFresh(c, "pr_sales");
      inOneTransaction(c, "UPDATE " + ORDERS + " SET amount = amount + 1 WHERE id = 2",
          "UPDATE pr_lines SET qty = 5 WHERE order_id = 2", "UPDATE " + PARTS + " SET kind = 'nut' WHERE id = 2");
      steps = profiledRefresh(plain, "pr_sales");
      Oracle.assertFresh(c, "pr_sales");
      assertTrue(steps.stream().noneMatch(s -> s.contains(" put together ")), steps.toString());
      // a small window: the joins as printed
      assertTrue(steps.stream().anyMatch(s -> s.startsWith("program " + mask + " (joins as printed), step 2 ")),
          steps.toString());
      call(plain, "pr_big_orders");
      Oracle.assertFresh(c, "pr_big_orders");
      inOneTransaction(c, "DELETE FROM " + ORDERS + " WHERE id = 1", "DELETE FROM pr_lines WHERE order_id = 1");
      refreshAll(c, plain);
      // everything deleted, in one transaction with a change to a third source
      inOneTransaction(c, "DELETE FROM pr_lines", "DELETE FROM " + ORDERS, "DELETE FROM pr_tags");
      refreshAll(c, plain);
      assertEquals(0, count(c, "SELECT count(*) FROM pr_sales"));
    }
  }

  /** One round's changes to table {@code t} of the exhaustive test: an insert, an update and a delete. */
  private static List<String> changes(String t, int r) {
    return switch (t) {
      case "es_o" -> List.of("INSERT INTO es_o VALUES (" + (100 + r) + ", " + (r % 3 + 1) + ", " + r + ")",
          "UPDATE es_o SET amount = amount + 1, shop = shop % 3 + 1 WHERE id = " + (r % 4 + 1),
          "DELETE FROM es_o WHERE id = " + (97 + r));
      case "es_l" -> List.of("INSERT INTO es_l VALUES (" + (r % 5 + 1) + ", " + (r % 3 + 1) + ", " + r + "), ("
              + (100 + r) + ", 1, 2)",
          "UPDATE es_l SET qty = coalesce(qty, 0) + 1 WHERE order_id = " + (r % 4 + 1),
          "DELETE FROM es_l WHERE ctid = (SELECT min(ctid) FROM es_l WHERE order_id = " + ((r + 1) % 4 + 1) + ")");
      case "es_p" -> List.of("INSERT INTO es_p VALUES (" + (10 + r) + ", 'k" + r % 2 + "')",
          "UPDATE es_p SET kind = CASE WHEN kind = 'bolt' THEN 'nut' ELSE 'bolt' END WHERE id = " + (r % 3 + 1),
          "DELETE FROM es_p WHERE id = " + (8 + r));
      case "es_s" -> List.of("INSERT INTO es_s VALUES (" + (10 + r) + ", 's" + r + "')",
          "UPDATE es_s SET name = name || '+' WHERE id = " + (r % 2 + 1), "DELETE FROM es_s WHERE id = " + (8 + r));
      case "es_t" -> List.of("INSERT INTO es_t VALUES (" + (r % 3 + 1) + ", '" + (r % 2 == 0 ? "steel" : "skip") + "')",
          "UPDATE es_t SET tag = 'iron' WHERE ctid = (SELECT min(ctid) FROM es_t WHERE part_id = " + (r % 3 + 1) + ")",
          "DELETE FROM es_t WHERE ctid = (SELECT max(ctid) FROM es_t WHERE part_id = " + ((r + 1) % 3 + 1) + ")");
      default -> throw new IllegalArgumentException(t);
    };
  }

  /**
   * Every set of three, four and five of five changed sources, one after the other, each in one transaction of
   * inserts, updates and deletes, refreshed by plain CALL: a grouped, a bag and a state-table stream table, the
   * oracle after each; each set of three or four got its program put together from the pieces.
   */
  @Test
  void everySetOfThreeOrMoreOfFiveChangedSourcesIsExact(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Connection plain = DriverManager.getConnection(db.jdbcUrl())) {
      exec(c, "CREATE TABLE es_o (id int PRIMARY KEY, shop int, amount int)",
          "CREATE TABLE es_l (order_id int, part_id int, qty int)", "CREATE TABLE es_p (id int PRIMARY KEY, kind text)",
          "CREATE TABLE es_s (id int PRIMARY KEY, name text)", "CREATE TABLE es_t (part_id int, tag text)",
          "INSERT INTO es_o VALUES (1, 1, 10), (2, 1, 20), (3, 2, 5), (4, NULL, 7)",
          "INSERT INTO es_l VALUES (1, 1, 2), (1, 2, 1), (2, 1, 3), (3, 3, NULL), (4, 2, 4), (2, 2, 1)",
          "INSERT INTO es_p VALUES (1, 'bolt'), (2, 'nut'), (3, NULL)", "INSERT INTO es_s VALUES (1, 'n'), (2, 's')",
          "INSERT INTO es_t VALUES (1, 'steel'), (2, 'steel'), (2, 'brass'), (3, 'wood')");
      String joins = "FROM es_o o JOIN es_l l ON l.order_id = o.id JOIN es_p p ON p.id = l.part_id "
          + "AND p.kind IS DISTINCT FROM 'k1' JOIN es_s s ON s.id = o.shop JOIN es_t t ON t.part_id = p.id "
          + "WHERE t.tag <> 'skip'";
      long sales = create(c, "es_sales", "SELECT p.kind, s.name, count(*) AS n, sum(l.qty * o.amount) AS total "
          + joins + " GROUP BY p.kind, s.name", Mode.DIFFERENTIAL).id();
      create(c, "es_rows", "SELECT o.id, l.qty, p.kind, s.name, t.tag " + joins, Mode.DIFFERENTIAL);
      create(c, "es_big", "SELECT o.id, s.name, b.total, p.kind FROM es_o o JOIN es_s s ON s.id = o.shop "
          + "JOIN (SELECT order_id, sum(qty) AS total FROM es_l GROUP BY order_id HAVING sum(qty) > 2) b "
          + "ON b.order_id = o.id JOIN es_p p ON p.id = o.id % 3 + 1", Mode.DIFFERENTIAL);
      List<String> tables = List.of("es_o", "es_l", "es_p", "es_s", "es_t");
      int round = 0;
      for (int set = 1; set < 32; set++) {
        if (Integer.bitCount(set) < 3) {
          continue;
        }
        round++;
        List<String> statements = new ArrayList<>();
        for (int i = 0; i < tables.size(); i++) {
          if ((set & (1 << i)) != 0) {
            statements.addAll(changes(tables.get(i), round));
          }
        }
        inOneTransaction(c, statements.toArray(String[]::new));
        for (String name : List.of("es_sales", "es_rows", "es_big")) {
          call(plain, name);
          Oracle.assertFresh(c, name);
        }
      }
      assertEquals(16, round);
      // the ten sets of three and five of four, each put together once (the set of all five has its own)
      assertEquals(15, count(c, "SELECT count(*) FROM freshet.refresh_programs WHERE stream_table_id = " + sales
          + " AND change_tables_mask = 31"));
    }
  }
}
