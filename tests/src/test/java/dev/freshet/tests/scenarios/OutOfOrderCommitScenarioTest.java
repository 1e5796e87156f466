package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.count;
import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
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
 * Writers that commit out of order relative to the refreshes (DESIGN.md §3): the window is defined by
 * snapshots, so a transaction that started before a refresh and commits after it is applied by the
 * next refresh, exactly once. Interleaving is explicit, on separate JDBC connections.
 */
@PostgresTest
class OutOfOrderCommitScenarioTest {

  private static Connection writer(TestDatabase db) throws Exception {
    Connection w = db.connect();
    w.setAutoCommit(false);
    return w;
  }

  @Test
  void laterTransactionCommitsFirst(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Connection w1 = writer(db); Connection w2 = writer(db)) {
      exec(c, "CREATE TABLE oo (id int PRIMARY KEY, g int NOT NULL, v int NOT NULL)",
          "INSERT INTO oo SELECT i, i % 2, 1 FROM generate_series(1, 10) i");
      create(c, "oo_rows", "SELECT id, g, v FROM oo", Mode.DIFFERENTIAL);
      create(c, "oo_sum", "SELECT g, count(*) AS n, sum(v) AS s FROM oo GROUP BY g", Mode.DIFFERENTIAL);

      // T1 begins and writes (it has the older xid)
      exec(w1, "INSERT INTO oo VALUES (101, 0, 100), (102, 1, 100)", "UPDATE oo SET v = v + 10 WHERE id = 1",
          "DELETE FROM oo WHERE id = 2");
      // T2 begins, writes and commits
      exec(w2, "INSERT INTO oo VALUES (201, 0, 1000)", "UPDATE oo SET v = v + 1000 WHERE id = 3",
          "DELETE FROM oo WHERE id = 4");
      w2.commit();

      for (String st : List.of("oo_rows", "oo_sum")) {
        RefreshReport r = Oracle.refreshAndCheck(c, st, Mode.DIFFERENTIAL);
        assertEquals(List.of("public.oo"), r.changedSources(), r.toString());
      }
      assertEquals(10, count(c, "SELECT count(*) FROM oo_rows"));
      assertEquals(List.of("0|5|1004", "1|5|1005"), rows(c, "SELECT g, n, s FROM oo_sum ORDER BY 1"));

      w1.commit();
      for (String st : List.of("oo_rows", "oo_sum")) {
        RefreshReport r = Oracle.refreshAndCheck(c, st, Mode.DIFFERENTIAL);
        assertEquals(List.of("public.oo"), r.changedSources(), st + " must apply T1 now: " + r);
      }
      assertEquals(11, count(c, "SELECT count(*) FROM oo_rows"));
      assertEquals(List.of("0|5|1103", "1|6|1115"), rows(c, "SELECT g, n, s FROM oo_sum ORDER BY 1"));

      // nothing new: a third refresh must not apply anything again
      for (String st : List.of("oo_rows", "oo_sum")) {
        RefreshReport r = Oracle.refreshAndCheck(c, st, Mode.DIFFERENTIAL);
        assertEquals(List.of(), r.changedSources(), st + " applied something twice: " + r);
      }
      assertEquals(11, count(c, "SELECT count(*) FROM oo_rows"));
      assertEquals(List.of("0|5|1103", "1|6|1115"), rows(c, "SELECT g, n, s FROM oo_sum ORDER BY 1"));
    }
  }

  @Test
  void writerOpenDuringRefreshCommitsAfterIt(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Connection w = writer(db); Connection w2 = writer(db)) {
      exec(c, "CREATE TABLE op (id int PRIMARY KEY, v int NOT NULL)",
          "INSERT INTO op SELECT i, i FROM generate_series(1, 5) i");
      create(c, "op_st", "SELECT id, v FROM op WHERE v > 0", Mode.DIFFERENTIAL);
      create(c, "op_agg", "SELECT count(*) AS n, sum(v) AS s FROM op", Mode.DIFFERENTIAL);

      exec(w, "INSERT INTO op VALUES (6, 6)", "UPDATE op SET v = -1 WHERE id = 1");
      // the open transaction's changes are invisible to this refresh
      for (String st : List.of("op_st", "op_agg")) {
        Oracle.refreshAndCheck(c, st, Mode.DIFFERENTIAL);
      }
      assertEquals(5, count(c, "SELECT count(*) FROM op_st"));
      assertEquals(List.of("5|15"), rows(c, "SELECT n, s FROM op_agg"));

      // more committed changes arrive and are refreshed while the writer is still open (cleanup runs too)
      exec(w2, "INSERT INTO op VALUES (7, 7)");
      w2.commit();
      for (String st : List.of("op_st", "op_agg")) {
        Oracle.refreshAndCheck(c, st, Mode.DIFFERENTIAL);
      }
      assertEquals(6, count(c, "SELECT count(*) FROM op_st"));
      assertEquals(List.of("6|22"), rows(c, "SELECT n, s FROM op_agg"));

      // the writer keeps writing after the refreshes, then commits
      exec(w, "DELETE FROM op WHERE id = 2");
      w.commit();
      for (String st : List.of("op_st", "op_agg")) {
        Oracle.refreshAndCheck(c, st, Mode.DIFFERENTIAL);
      }
      assertEquals(List.of("3|3", "4|4", "5|5", "6|6", "7|7"), rows(c, "SELECT id, v FROM op_st ORDER BY 1"));
      assertEquals(List.of("6|24"), rows(c, "SELECT n, s FROM op_agg"));

      // an open transaction that rolls back leaves no trace
      exec(w, "INSERT INTO op VALUES (8, 8)");
      Oracle.refreshAndCheck(c, "op_st", Mode.DIFFERENTIAL);
      w.rollback();
      Oracle.refreshAndCheck(c, "op_st", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "op_agg", Mode.DIFFERENTIAL);
      assertEquals(5, count(c, "SELECT count(*) FROM op_st"));
      assertEquals(List.of("6|24"), rows(c, "SELECT n, s FROM op_agg"));
    }
  }
}
