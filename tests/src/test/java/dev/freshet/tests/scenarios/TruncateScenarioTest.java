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
 * TRUNCATE in a refresh window (DESIGN.md §3): the refresh recomputes (mode FULL, applied as a diff),
 * and what was inserted after the TRUNCATE in the same transaction is exactly what remains. The
 * next ordinary refresh is DIFFERENTIAL again.
 */
@PostgresTest
class TruncateScenarioTest {

  @Test
  void filterProjectQuery(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE t1 (id int PRIMARY KEY, v int, tag text)",
          "INSERT INTO t1 SELECT g, g * 10, 'old' FROM generate_series(1, 20) g");
      create(c, "t1_st", "SELECT id, v + 1 AS v1, tag FROM t1 WHERE v >= 50", Mode.DIFFERENTIAL);

      // an ordinary change earlier in the window, then TRUNCATE + INSERT in one transaction
      exec(c, "UPDATE t1 SET tag = 'changed' WHERE id = 7");
      inOneTransaction(c, "TRUNCATE t1", "INSERT INTO t1 VALUES (1, 100, 'new'), (2, 5, 'new'), (3, 60, 'new')");
      RefreshReport r = Oracle.refreshAndCheck(c, "t1_st", Mode.FULL);
      assertEquals(List.of("\"public\".\"t1\""), r.changedSources(), r.toString());
      assertEquals(List.of("1|101|new", "3|61|new"), rows(c, "SELECT id, v1, tag FROM t1_st ORDER BY 1"));

      exec(c, "INSERT INTO t1 VALUES (4, 70, 'next')", "DELETE FROM t1 WHERE id = 1");
      Oracle.refreshAndCheck(c, "t1_st", Mode.DIFFERENTIAL);
      assertEquals(List.of("3|61|new", "4|71|next"), rows(c, "SELECT id, v1, tag FROM t1_st ORDER BY 1"));

      // TRUNCATE alone (committed), then inserts in a later transaction of the same window
      exec(c, "TRUNCATE t1", "INSERT INTO t1 VALUES (9, 90, 'after')");
      Oracle.refreshAndCheck(c, "t1_st", Mode.FULL);
      assertEquals(List.of("9|91|after"), rows(c, "SELECT id, v1, tag FROM t1_st ORDER BY 1"));

      // inserts, then a TRUNCATE that removes them, both in the window: empty
      exec(c, "INSERT INTO t1 VALUES (10, 100, 'gone')", "TRUNCATE t1");
      Oracle.refreshAndCheck(c, "t1_st", Mode.FULL);
      assertEquals(List.of(), rows(c, "SELECT id, v1, tag FROM t1_st ORDER BY 1"));

      exec(c, "INSERT INTO t1 VALUES (11, 110, 'last')");
      Oracle.refreshAndCheck(c, "t1_st", Mode.DIFFERENTIAL);
      assertEquals(List.of("11|111|last"), rows(c, "SELECT id, v1, tag FROM t1_st ORDER BY 1"));
    }
  }

  @Test
  void joinQuery(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE tc (ck int PRIMARY KEY, name text)",
          "CREATE TABLE tor (ok int PRIMARY KEY, ck int, amount int)",
          "INSERT INTO tc VALUES (1, 'a'), (2, 'b')",
          "INSERT INTO tor VALUES (1, 1, 10), (2, 2, 20), (3, 1, 30)");
      create(c, "tj", "SELECT o.ok, o.amount, c.name FROM tor o JOIN tc c ON o.ck = c.ck", Mode.DIFFERENTIAL);
      String read = "SELECT ok, amount, name FROM tj ORDER BY 1";

      inOneTransaction(c, "TRUNCATE tor", "INSERT INTO tor VALUES (5, 2, 50), (6, 3, 60)");
      exec(c, "UPDATE tc SET name = 'bb' WHERE ck = 2");
      Oracle.refreshAndCheck(c, "tj", Mode.FULL);
      assertEquals(List.of("5|50|bb"), rows(c, read));

      exec(c, "INSERT INTO tc VALUES (3, 'c')");
      Oracle.refreshAndCheck(c, "tj", Mode.DIFFERENTIAL);
      assertEquals(List.of("5|50|bb", "6|60|c"), rows(c, read));

      // truncating the other side (the one with the primary key) together with the referencing side
      inOneTransaction(c, "TRUNCATE tc, tor", "INSERT INTO tc VALUES (7, 'g')", "INSERT INTO tor VALUES (7, 7, 70)");
      Oracle.refreshAndCheck(c, "tj", Mode.FULL);
      assertEquals(List.of("7|70|g"), rows(c, read));

      exec(c, "UPDATE tor SET amount = 71");
      Oracle.refreshAndCheck(c, "tj", Mode.DIFFERENTIAL);
      assertEquals(List.of("7|71|g"), rows(c, read));
    }
  }

  @Test
  void groupedQuery(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE tg (id int PRIMARY KEY, g text, x int)",
          "INSERT INTO tg VALUES (1, 'a', 1), (2, 'a', 2), (3, 'b', 3)");
      create(c, "tg_st", "SELECT g, count(*) AS n, sum(x) AS s, max(x) AS mx FROM tg GROUP BY g", Mode.DIFFERENTIAL);
      String read = "SELECT g, n, s, mx FROM tg_st ORDER BY 1";

      inOneTransaction(c, "TRUNCATE tg", "INSERT INTO tg VALUES (1, 'a', 100), (4, 'c', 4)");
      Oracle.refreshAndCheck(c, "tg_st", Mode.FULL);
      assertEquals(List.of("a|1|100|100", "c|1|4|4"), rows(c, read));

      exec(c, "INSERT INTO tg VALUES (5, 'a', 5)", "DELETE FROM tg WHERE id = 4");
      Oracle.refreshAndCheck(c, "tg_st", Mode.DIFFERENTIAL);
      assertEquals(List.of("a|2|105|100"), rows(c, read));

      // truncate in a transaction that then fails: nothing happened, the next refresh is DIFFERENTIAL
      c.setAutoCommit(false);
      exec(c, "TRUNCATE tg", "INSERT INTO tg VALUES (99, 'z', 9)");
      c.rollback();
      c.setAutoCommit(true);
      exec(c, "UPDATE tg SET x = 6 WHERE id = 5");
      Oracle.refreshAndCheck(c, "tg_st", Mode.DIFFERENTIAL);
      assertEquals(List.of("a|2|106|100"), rows(c, read));
    }
  }
  /** The FULL refresh forced by a TRUNCATE is applied as a diff: a downstream stream table stays DIFFERENTIAL. */
  @Test
  void downstreamOfATruncatedSourceStaysDifferential(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE tu (id int PRIMARY KEY, g int NOT NULL, x int NOT NULL)",
          "INSERT INTO tu SELECT i, i % 4, i FROM generate_series(1, 40) i");
      create(c, "tu_base", "SELECT id, g, x FROM tu WHERE x > 2", Mode.DIFFERENTIAL);
      create(c, "tu_top", "SELECT g, count(*) AS n, sum(x) AS s FROM tu_base GROUP BY g", Mode.DIFFERENTIAL);

      // truncate and re-insert almost the same rows: the base table's FULL refresh should only diff
      inOneTransaction(c, "TRUNCATE tu", "INSERT INTO tu SELECT i, i % 4, i FROM generate_series(1, 39) i",
          "INSERT INTO tu VALUES (40, 0, 400)");
      RefreshReport base = Oracle.refreshAndCheck(c, "tu_base", Mode.FULL);
      assertEquals(1, base.rowsInserted(), "only row 40 changed: " + base);
      assertEquals(1, base.rowsDeleted(), "only row 40 changed: " + base);
      RefreshReport top = Oracle.refreshAndCheck(c, "tu_top", Mode.DIFFERENTIAL);
      assertEquals(List.of("\"public\".\"tu_base\""), top.changedSources(), top.toString());
      assertEquals(List.of("0|10|580", "1|9|189", "2|9|198", "3|10|210"),
          rows(c, "SELECT g, n, s FROM tu_top ORDER BY 1"));
    }
  }
}
