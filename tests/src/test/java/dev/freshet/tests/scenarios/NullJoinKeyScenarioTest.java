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

/** NULL never equals NULL in an inner join, neither in the stored rows nor in any delta term. */
@PostgresTest
class NullJoinKeyScenarioTest {

  @Test
  void twoWayInnerJoin(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c,
          "CREATE TABLE l2 (id int PRIMARY KEY, k int, v text)",
          "CREATE TABLE r2 (id int PRIMARY KEY, k int, w text)",
          "INSERT INTO l2 VALUES (1, 1, 'l1'), (2, 2, 'l2')",
          "INSERT INTO r2 VALUES (1, 1, 'r1'), (2, NULL, 'rnull')");
      create(c, "j2", "SELECT l.id AS lid, l.v, r.id AS rid, r.w FROM l2 l JOIN r2 r ON l.k = r.k",
          Mode.DIFFERENTIAL);
      String read = "SELECT lid, v, rid, w FROM j2 ORDER BY 1, 3";
      assertEquals(List.of("1|l1|1|r1"), rows(c, read));

      // NULL keys on both sides: they must not meet each other.
      exec(c, "INSERT INTO l2 VALUES (3, NULL, 'l3'), (4, NULL, 'l4')",
          "INSERT INTO r2 VALUES (3, NULL, 'r3')");
      Oracle.refreshAndCheck(c, "j2", Mode.DIFFERENTIAL);
      assertEquals(List.of("1|l1|1|r1"), rows(c, read));

      // NULL -> non-NULL on both sides (one pair now matches, another matches an existing row).
      exec(c, "UPDATE l2 SET k = 7 WHERE id = 3", "UPDATE r2 SET k = 7 WHERE id = 3",
          "UPDATE l2 SET k = 1 WHERE id = 4");
      Oracle.refreshAndCheck(c, "j2", Mode.DIFFERENTIAL);
      assertEquals(List.of("1|l1|1|r1", "3|l3|3|r3", "4|l4|1|r1"), rows(c, read));

      // non-NULL -> NULL again on one side (the pair must disappear), and NULL -> value elsewhere.
      exec(c, "UPDATE r2 SET k = NULL WHERE id = 1", "UPDATE r2 SET k = 2 WHERE id = 2");
      Oracle.refreshAndCheck(c, "j2", Mode.DIFFERENTIAL);
      assertEquals(List.of("2|l2|2|rnull", "3|l3|3|r3"), rows(c, read));

      // delete rows with NULL keys and with formerly-NULL keys
      exec(c, "DELETE FROM r2 WHERE k IS NULL", "DELETE FROM l2 WHERE id IN (3, 4)",
          "INSERT INTO l2 VALUES (5, NULL, 'l5')", "DELETE FROM l2 WHERE id = 5");
      Oracle.refreshAndCheck(c, "j2", Mode.DIFFERENTIAL);
      assertEquals(List.of("2|l2|2|rnull"), rows(c, read));
    }
  }

  @Test
  void threeWayInnerJoin(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c,
          "CREATE TABLE a3 (id int PRIMARY KEY, k1 int)",
          "CREATE TABLE b3 (id int PRIMARY KEY, k1 int, k2 int)",
          "CREATE TABLE c3 (id int PRIMARY KEY, k2 int)",
          "INSERT INTO a3 VALUES (1, 1)",
          "INSERT INTO b3 VALUES (1, 1, 1)",
          "INSERT INTO c3 VALUES (1, 1)");
      create(c, "j3", """
          SELECT a.id AS aid, b.id AS bid, c.id AS cid
          FROM a3 a JOIN b3 b ON a.k1 = b.k1 JOIN c3 c ON b.k2 = c.k2""", Mode.DIFFERENTIAL);
      String read = "SELECT aid, bid, cid FROM j3 ORDER BY 1, 2, 3";
      assertEquals(List.of("1|1|1"), rows(c, read));

      // NULLs on every join column, in every table
      exec(c, "INSERT INTO a3 VALUES (2, NULL), (3, NULL)",
          "INSERT INTO b3 VALUES (2, NULL, 1), (3, 1, NULL), (4, NULL, NULL)",
          "INSERT INTO c3 VALUES (2, NULL), (3, NULL)");
      Oracle.refreshAndCheck(c, "j3", Mode.DIFFERENTIAL);
      assertEquals(List.of("1|1|1"), rows(c, read));

      // NULLs become values: a3.2 -> k1 1 (joins b3.1 and b3.3), b3.3 k2 -> 1, c3.2 -> 1
      exec(c, "UPDATE a3 SET k1 = 1 WHERE id = 2", "UPDATE b3 SET k2 = 1 WHERE id = 3",
          "UPDATE c3 SET k2 = 1 WHERE id = 2");
      Oracle.refreshAndCheck(c, "j3", Mode.DIFFERENTIAL);
      assertEquals(List.of("1|1|1", "1|1|2", "1|3|1", "1|3|2", "2|1|1", "2|1|2", "2|3|1", "2|3|2"),
          rows(c, read));

      // the middle table's keys go back to NULL in one row, and a NULL-keyed middle row gains a key
      exec(c, "UPDATE b3 SET k1 = NULL WHERE id = 1", "UPDATE b3 SET k1 = 1, k2 = 1 WHERE id = 4");
      Oracle.refreshAndCheck(c, "j3", Mode.DIFFERENTIAL);
      assertEquals(List.of("1|3|1", "1|3|2", "1|4|1", "1|4|2", "2|3|1", "2|3|2", "2|4|1", "2|4|2"),
          rows(c, read));

      // delete the NULL-keyed rows everywhere and one formerly-NULL row
      exec(c, "DELETE FROM a3 WHERE k1 IS NULL", "DELETE FROM b3 WHERE k1 IS NULL OR k2 IS NULL",
          "DELETE FROM c3 WHERE k2 IS NULL", "DELETE FROM c3 WHERE id = 2");
      Oracle.refreshAndCheck(c, "j3", Mode.DIFFERENTIAL);
      assertEquals(List.of("1|3|1", "1|4|1", "2|3|1", "2|4|1"), rows(c, read));
    }
  }
}
