package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sources without any key: identical rows are a multiset, and deleting one copy deletes exactly one. */
@PostgresTest
class KeylessDuplicatesScenarioTest {

  private static String deleteOneCopy(String table, String where) {
    return "DELETE FROM " + table + " WHERE ctid = (SELECT min(ctid) FROM " + table + " WHERE " + where + ")";
  }

  @Test
  void identicalRowsInsertedAndOneDeletedInOneWindow(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE k1 (a int, b text)", "INSERT INTO k1 VALUES (0, 'seed')");
      create(c, "k1_all", "SELECT a, b FROM k1", Mode.DIFFERENTIAL);
      String read = "SELECT a, b FROM k1_all ORDER BY 1, 2";

      exec(c, "INSERT INTO k1 VALUES (1, 'x')", "INSERT INTO k1 VALUES (1, 'x')", deleteOneCopy("k1", "a = 1"));
      Oracle.refreshAndCheck(c, "k1_all", Mode.DIFFERENTIAL);
      assertEquals(List.of("0|seed", "1|x"), rows(c, read));

      // three copies in one statement, refresh, then two deleted one at a time
      exec(c, "INSERT INTO k1 VALUES (2, 'y'), (2, 'y'), (2, 'y')");
      Oracle.refreshAndCheck(c, "k1_all", Mode.DIFFERENTIAL);
      assertEquals(List.of("0|seed", "1|x", "2|y", "2|y", "2|y"), rows(c, read));
      exec(c, deleteOneCopy("k1", "a = 2"), deleteOneCopy("k1", "a = 2"));
      Oracle.refreshAndCheck(c, "k1_all", Mode.DIFFERENTIAL);
      assertEquals(List.of("0|seed", "1|x", "2|y"), rows(c, read));

      // update one of two identical copies: one copy changes, the other stays
      exec(c, "INSERT INTO k1 VALUES (1, 'x')", "UPDATE k1 SET a = 5 WHERE ctid = (SELECT min(ctid) FROM k1 WHERE a = 1)");
      Oracle.refreshAndCheck(c, "k1_all", Mode.DIFFERENTIAL);
      assertEquals(List.of("0|seed", "1|x", "2|y", "5|x"), rows(c, read));

      // an update that changes nothing visible, then all copies deleted
      exec(c, "UPDATE k1 SET b = b", "DELETE FROM k1 WHERE a = 2", "INSERT INTO k1 VALUES (NULL, NULL), (NULL, NULL)");
      Oracle.refreshAndCheck(c, "k1_all", Mode.DIFFERENTIAL);
      assertEquals(List.of("0|seed", "1|x", "5|x", "null|null", "null|null"), rows(c, read));
      exec(c, deleteOneCopy("k1", "a IS NULL"));
      Oracle.refreshAndCheck(c, "k1_all", Mode.DIFFERENTIAL);
      assertEquals(List.of("0|seed", "1|x", "5|x", "null|null"), rows(c, read));
    }
  }

  @Test
  void projectionThatMakesDistinctRowsEqual(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE k2 (a int, b text, c numeric)",
          "INSERT INTO k2 VALUES (1, 'x', 1.0), (2, 'x', 2.0), (3, 'y', 3.0)");
      create(c, "k2_b", "SELECT b FROM k2 WHERE c > 0", Mode.DIFFERENTIAL);
      String read = "SELECT b FROM k2_b ORDER BY 1";
      assertEquals(List.of("x", "x", "y"), rows(c, read));

      exec(c, "DELETE FROM k2 WHERE a = 1");
      Oracle.refreshAndCheck(c, "k2_b", Mode.DIFFERENTIAL);
      assertEquals(List.of("x", "y"), rows(c, read));

      // same window: a new row projecting to 'x', an update making 'y' into 'x', one 'x' filtered out
      exec(c, "INSERT INTO k2 VALUES (4, 'x', 4.0)", "UPDATE k2 SET b = 'x' WHERE a = 3",
          "UPDATE k2 SET c = -1 WHERE a = 2");
      Oracle.refreshAndCheck(c, "k2_b", Mode.DIFFERENTIAL);
      assertEquals(List.of("x", "x"), rows(c, read));

      // change a column that is projected away: the bag must not change
      exec(c, "UPDATE k2 SET a = a + 100");
      Oracle.refreshAndCheck(c, "k2_b", Mode.DIFFERENTIAL);
      assertEquals(List.of("x", "x"), rows(c, read));

      exec(c, deleteOneCopy("k2", "b = 'x' AND c > 0"));
      Oracle.refreshAndCheck(c, "k2_b", Mode.DIFFERENTIAL);
      assertEquals(List.of("x"), rows(c, read));
    }
  }

  @Test
  void groupedQueryOverKeylessTable(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE k3 (g text, x int)", "INSERT INTO k3 VALUES ('a', 1), ('a', 1), ('b', 2)");
      create(c, "k3_g", "SELECT g, count(*) AS n, sum(x) AS s FROM k3 GROUP BY g", Mode.DIFFERENTIAL);
      String read = "SELECT g, n, s FROM k3_g ORDER BY 1";
      assertEquals(List.of("a|2|2", "b|1|2"), rows(c, read));

      exec(c, "INSERT INTO k3 VALUES ('a', 1), ('b', 2)", deleteOneCopy("k3", "g = 'a'"),
          deleteOneCopy("k3", "g = 'a'"));
      Oracle.refreshAndCheck(c, "k3_g", Mode.DIFFERENTIAL);
      assertEquals(List.of("a|1|1", "b|2|4"), rows(c, read));

      exec(c, "UPDATE k3 SET x = 10 WHERE ctid = (SELECT min(ctid) FROM k3 WHERE g = 'b')",
          "INSERT INTO k3 VALUES (NULL, 5), (NULL, 5)");
      Oracle.refreshAndCheck(c, "k3_g", Mode.DIFFERENTIAL);
      assertEquals(List.of("a|1|1", "b|2|12", "null|2|10"), rows(c, read));

      exec(c, deleteOneCopy("k3", "g IS NULL"), "DELETE FROM k3 WHERE g = 'a'");
      Oracle.refreshAndCheck(c, "k3_g", Mode.DIFFERENTIAL);
      assertEquals(List.of("b|2|12", "null|1|5"), rows(c, read));
    }
  }
  /**
   * Identical rows consolidate into one change row of weight 3 or −2: a numeric sum adds the value itself for the
   * weights 1 and −1 and multiplies it by any other (GroupedRefreshPrinter), so these windows take every branch.
   */
  @Test
  void numericSumsOfRowsWeightedOtherThanOne(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE k5 (g text, x numeric(10, 2))",
          "INSERT INTO k5 VALUES ('a', 1.25), ('a', 1.25), ('a', 1.25), ('b', -2.50), ('b', 0.10)");
      create(c, "k5_g", "SELECT g, count(*) AS n, sum(x) AS s, avg(x) AS m FROM k5 GROUP BY g", Mode.DIFFERENTIAL);
      String read = "SELECT g, n, s, round(m, 4) FROM k5_g ORDER BY 1";

      // weight 3 (three copies in), weight −2 (two of three copies out), weight 1, and a NULL value
      exec(c, "INSERT INTO k5 VALUES ('b', 7.77), ('b', 7.77), ('b', 7.77), ('c', NULL)",
          deleteOneCopy("k5", "g = 'a'"), deleteOneCopy("k5", "g = 'a'"), "INSERT INTO k5 VALUES ('a', 0.01)");
      Oracle.refreshAndCheck(c, "k5_g", Mode.DIFFERENTIAL);
      assertEquals(List.of("a|2|1.26|0.6300", "b|5|20.91|4.1820", "c|1|null|null"), rows(c, read));

      // weight −3 (every copy out), and −1
      exec(c, "DELETE FROM k5 WHERE x = 7.77", "DELETE FROM k5 WHERE x = 0.10", "INSERT INTO k5 VALUES ('c', -4.00)");
      Oracle.refreshAndCheck(c, "k5_g", Mode.DIFFERENTIAL);
      assertEquals(List.of("a|2|1.26|0.6300", "b|1|-2.50|-2.5000", "c|2|-4.00|-4.0000"), rows(c, read));
    }
  }

  @Test
  void keylessSideOfAJoin(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE k4_dim (id int PRIMARY KEY, name text NOT NULL)",
          "CREATE TABLE k4_fact (dim_id int, qty int)",
          "INSERT INTO k4_dim VALUES (1, 'one'), (2, 'two')",
          "INSERT INTO k4_fact VALUES (1, 5), (1, 5), (2, 7)");
      create(c, "k4_j", "SELECT f.qty, d.name FROM k4_fact f JOIN k4_dim d ON f.dim_id = d.id", Mode.DIFFERENTIAL);
      String read = "SELECT qty, name FROM k4_j ORDER BY 1, 2";
      assertEquals(List.of("5|one", "5|one", "7|two"), rows(c, read));

      // one copy deleted and the dimension renamed in the same window
      exec(c, deleteOneCopy("k4_fact", "dim_id = 1"), "UPDATE k4_dim SET name = 'uno' WHERE id = 1");
      Oracle.refreshAndCheck(c, "k4_j", Mode.DIFFERENTIAL);
      assertEquals(List.of("5|uno", "7|two"), rows(c, read));

      // identical copies inserted, one moved to the other dimension row, the partner row re-keyed
      exec(c, "INSERT INTO k4_fact VALUES (2, 7), (2, 7)",
          "UPDATE k4_fact SET dim_id = 1 WHERE ctid = (SELECT min(ctid) FROM k4_fact WHERE dim_id = 2)",
          "UPDATE k4_dim SET id = 3 WHERE id = 2", "INSERT INTO k4_dim VALUES (2, 'dos')");
      Oracle.refreshAndCheck(c, "k4_j", Mode.DIFFERENTIAL);
      assertEquals(List.of("5|uno", "7|dos", "7|dos", "7|uno"), rows(c, read));
    }
  }
}
