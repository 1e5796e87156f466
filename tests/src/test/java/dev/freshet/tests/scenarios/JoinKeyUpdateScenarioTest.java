package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.inOneTransaction;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.RefreshReport;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Join keys that move while the old partner row goes away in the same refresh window: the
 * telescoping delta must use the pre-state of the unchanged side for the old row and the post-state
 * for the new one (DESIGN.md §4).
 */
@PostgresTest
class JoinKeyUpdateScenarioTest {

  private static final String TWO_WAY = """
      SELECT o.o_orderkey, o.o_total, c.c_name
      FROM %1$s o JOIN %2$s c ON o.o_custkey = c.c_custkey""";

  private static void setUpTwoWay(Connection c, String orders, String customer) throws Exception {
    exec(c,
        "CREATE TABLE " + customer + " (c_custkey int PRIMARY KEY, c_name text NOT NULL)",
        "CREATE TABLE " + orders + " (o_orderkey int PRIMARY KEY, o_custkey int NOT NULL, o_total numeric(10,2))",
        "INSERT INTO " + customer + " VALUES (1, 'alice'), (2, 'bob'), (3, 'carol')",
        "INSERT INTO " + orders + " VALUES (10, 1, 5.00), (11, 1, 7.50), (12, 2, 1.25), (13, 3, 9.99)");
  }

  @Test
  void keyMovesWhileOldPartnerIsDeletedInSeparateTransactions(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      setUpTwoWay(c, "orders_a", "customer_a");
      create(c, "oc_a", TWO_WAY.formatted("orders_a", "customer_a"), Mode.DIFFERENTIAL);

      // Window 1: order 10 moves from alice to bob; then alice is deleted (order 11 is orphaned).
      exec(c, "UPDATE orders_a SET o_custkey = 2 WHERE o_orderkey = 10",
          "DELETE FROM customer_a WHERE c_custkey = 1");
      RefreshReport r = Oracle.refreshAndCheck(c, "oc_a", Mode.DIFFERENTIAL);
      assertEquals(2, r.changedSources().size(), r.toString());
      assertEquals(List.of("10|5.00|bob", "12|1.25|bob", "13|9.99|carol"),
          rows(c, "SELECT o_orderkey, o_total, c_name FROM oc_a ORDER BY 1"));

      // Window 2, the other order: the old partner goes first, then the order moves away from it.
      exec(c, "DELETE FROM customer_a WHERE c_custkey = 3",
          "UPDATE orders_a SET o_custkey = 2 WHERE o_orderkey = 13");
      Oracle.refreshAndCheck(c, "oc_a", Mode.DIFFERENTIAL);
      assertEquals(List.of("10|5.00|bob", "12|1.25|bob", "13|9.99|bob"),
          rows(c, "SELECT o_orderkey, o_total, c_name FROM oc_a ORDER BY 1"));

      // Window 3: the partner key is deleted and re-inserted with another name, and an orphan finds it.
      exec(c, "DELETE FROM customer_a WHERE c_custkey = 2",
          "INSERT INTO customer_a VALUES (2, 'bobby'), (1, 'alicia')",
          "UPDATE orders_a SET o_custkey = 1, o_total = 8.00 WHERE o_orderkey = 11");
      Oracle.refreshAndCheck(c, "oc_a", Mode.DIFFERENTIAL);
      assertEquals(List.of("10|5.00|bobby", "11|8.00|alicia", "12|1.25|bobby", "13|9.99|bobby"),
          rows(c, "SELECT o_orderkey, o_total, c_name FROM oc_a ORDER BY 1"));
    }
  }

  @Test
  void bothSidesChangeInOneTransaction(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      setUpTwoWay(c, "orders_b", "customer_b");
      create(c, "oc_b", TWO_WAY.formatted("orders_b", "customer_b"), Mode.DIFFERENTIAL);

      inOneTransaction(c,
          "UPDATE orders_b SET o_custkey = 4 WHERE o_orderkey = 12",
          "DELETE FROM customer_b WHERE c_custkey = 2",
          "INSERT INTO customer_b VALUES (4, 'dave')",
          // a customer's key changes and its orders follow it
          "UPDATE customer_b SET c_custkey = 5 WHERE c_custkey = 3",
          "UPDATE orders_b SET o_custkey = 5 WHERE o_custkey = 3",
          // an order moves to alice and alice is renamed
          "UPDATE orders_b SET o_custkey = 1 WHERE o_orderkey = 13",
          "UPDATE customer_b SET c_name = 'alice2' WHERE c_custkey = 1");
      Oracle.refreshAndCheck(c, "oc_b", Mode.DIFFERENTIAL);
      assertEquals(List.of("10|5.00|alice2", "11|7.50|alice2", "12|1.25|dave", "13|9.99|alice2"),
          rows(c, "SELECT o_orderkey, o_total, c_name FROM oc_b ORDER BY 1"));

      // One transaction: the customer key changes but its orders do NOT follow (they become orphans),
      // and a deleted order is re-inserted pointing to the new key.
      inOneTransaction(c,
          "UPDATE customer_b SET c_custkey = 7 WHERE c_custkey = 1",
          "DELETE FROM orders_b WHERE o_orderkey = 10",
          "INSERT INTO orders_b VALUES (10, 7, 6.00)");
      Oracle.refreshAndCheck(c, "oc_b", Mode.DIFFERENTIAL);
      assertEquals(List.of("10|6.00|alice2", "12|1.25|dave"),
          rows(c, "SELECT o_orderkey, o_total, c_name FROM oc_b ORDER BY 1"));

      // One transaction where the net effect on each side is nothing at all.
      inOneTransaction(c,
          "UPDATE orders_b SET o_custkey = 4 WHERE o_orderkey = 10",
          "DELETE FROM customer_b WHERE c_custkey = 4",
          "INSERT INTO customer_b VALUES (4, 'dave')",
          "UPDATE orders_b SET o_custkey = 7 WHERE o_orderkey = 10");
      Oracle.refreshAndCheck(c, "oc_b", Mode.DIFFERENTIAL);
      assertEquals(List.of("10|6.00|alice2", "12|1.25|dave"),
          rows(c, "SELECT o_orderkey, o_total, c_name FROM oc_b ORDER BY 1"));
    }
  }

  @Test
  void threeWayJoinWithKeyMovesAndDeletedPartners(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      setUpTwoWay(c, "orders_c", "customer_c");
      exec(c,
          "CREATE TABLE lineitem_c (l_orderkey int, l_linenumber int, l_qty int NOT NULL, "
              + "PRIMARY KEY (l_orderkey, l_linenumber))",
          "INSERT INTO lineitem_c VALUES (10, 1, 3), (10, 2, 4), (11, 1, 5), (12, 1, 6), (13, 1, 7), (13, 2, 8)");
      String sql = """
          SELECT l.l_orderkey, l.l_linenumber, l.l_qty, o.o_total, c.c_name
          FROM lineitem_c l
          JOIN orders_c o ON l.l_orderkey = o.o_orderkey
          JOIN customer_c c ON o.o_custkey = c.c_custkey""";
      create(c, "loc_c", sql, Mode.DIFFERENTIAL);
      String read = "SELECT l_orderkey, l_linenumber, l_qty, o_total, c_name FROM loc_c ORDER BY 1, 2";

      // Separate transactions in one window: every side changes, each change removes an old partner.
      exec(c,
          "UPDATE orders_c SET o_custkey = 3 WHERE o_orderkey = 10",       // 10: alice -> carol
          "DELETE FROM customer_c WHERE c_custkey = 1",                     // 11 orphaned
          "UPDATE lineitem_c SET l_orderkey = 12 WHERE l_orderkey = 13 AND l_linenumber = 2",
          "DELETE FROM orders_c WHERE o_orderkey = 13",                     // (13,1) orphaned
          "UPDATE customer_c SET c_name = 'bob2' WHERE c_custkey = 2");
      Oracle.refreshAndCheck(c, "loc_c", Mode.DIFFERENTIAL);
      assertEquals(List.of("10|1|3|5.00|carol", "10|2|4|5.00|carol", "12|1|6|1.25|bob2", "12|2|8|1.25|bob2"),
          rows(c, read));

      // One transaction touching all three sides, including moves back to re-created partners.
      inOneTransaction(c,
          "INSERT INTO customer_c VALUES (1, 'alice-again')",
          "INSERT INTO orders_c VALUES (13, 1, 2.50)",
          "UPDATE orders_c SET o_custkey = 1 WHERE o_orderkey = 12",
          "DELETE FROM customer_c WHERE c_custkey = 2",
          "UPDATE lineitem_c SET l_orderkey = 11, l_linenumber = 2 WHERE l_orderkey = 10 AND l_linenumber = 1",
          "UPDATE orders_c SET o_custkey = 1 WHERE o_orderkey = 11",
          "DELETE FROM orders_c WHERE o_orderkey = 10",
          "INSERT INTO orders_c VALUES (10, 3, 4.00)");
      Oracle.refreshAndCheck(c, "loc_c", Mode.DIFFERENTIAL);
      assertEquals(List.of("10|2|4|4.00|carol", "11|1|5|7.50|alice-again", "11|2|3|7.50|alice-again",
          "12|1|6|1.25|alice-again", "12|2|8|1.25|alice-again", "13|1|7|2.50|alice-again"),
          rows(c, "SELECT l_orderkey, l_linenumber, l_qty, o_total, c_name FROM loc_c ORDER BY 1, 2, 3"));
    }
  }
}
