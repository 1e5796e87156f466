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
        assertEquals(List.of("\"public\".\"oo\""), r.changedSources(), r.toString());
      }
      assertEquals(10, count(c, "SELECT count(*) FROM oo_rows"));
      assertEquals(List.of("0|5|1004", "1|5|1005"), rows(c, "SELECT g, n, s FROM oo_sum ORDER BY 1"));

      w1.commit();
      for (String st : List.of("oo_rows", "oo_sum")) {
        RefreshReport r = Oracle.refreshAndCheck(c, st, Mode.DIFFERENTIAL);
        assertEquals(List.of("\"public\".\"oo\""), r.changedSources(), st + " must apply T1 now: " + r);
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
  @Test
  void joinWithBothSidesWrittenByInterleavedTransactions(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Connection w1 = writer(db); Connection w2 = writer(db)) {
      exec(c, "CREATE TABLE oj_c (ck int PRIMARY KEY, name text NOT NULL)",
          "CREATE TABLE oj_o (ok int PRIMARY KEY, ck int NOT NULL, amount int NOT NULL)",
          "INSERT INTO oj_c VALUES (1, 'a'), (2, 'b')",
          "INSERT INTO oj_o VALUES (1, 1, 10), (2, 2, 20)");
      create(c, "oj", "SELECT o.ok, o.amount, c.name FROM oj_o o JOIN oj_c c ON o.ck = c.ck", Mode.DIFFERENTIAL);
      String read = "SELECT ok, amount, name FROM oj ORDER BY 1";

      // T1 (older): adds customer 3 and moves order 2 to it; T2 (newer): adds an order for customer 3
      // and deletes customer 1. T2 commits first: its order for 3 has no partner yet.
      exec(w1, "INSERT INTO oj_c VALUES (3, 'c')", "UPDATE oj_o SET ck = 3 WHERE ok = 2");
      exec(w2, "INSERT INTO oj_o VALUES (3, 3, 30)", "DELETE FROM oj_c WHERE ck = 1");
      w2.commit();
      Oracle.refreshAndCheck(c, "oj", Mode.DIFFERENTIAL);
      assertEquals(List.of("2|20|b"), rows(c, read));
      w1.commit();
      Oracle.refreshAndCheck(c, "oj", Mode.DIFFERENTIAL);
      assertEquals(List.of("2|20|c", "3|30|c"), rows(c, read));
      RefreshReport again = Oracle.refreshAndCheck(c, "oj", Mode.DIFFERENTIAL);
      assertEquals(List.of(), again.changedSources(), again.toString());
      assertEquals(List.of("2|20|c", "3|30|c"), rows(c, read));
    }
  }

  @Test
  void savepointsRolledBackInsideACommittedTransaction(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Connection w = writer(db)) {
      exec(c, "CREATE TABLE osp (id int PRIMARY KEY, v int NOT NULL)", "INSERT INTO osp VALUES (1, 1)");
      create(c, "osp_st", "SELECT count(*) AS n, sum(v) AS s FROM osp", Mode.DIFFERENTIAL);
      exec(w, "INSERT INTO osp VALUES (2, 2)", "SAVEPOINT a", "INSERT INTO osp VALUES (3, 3)",
          "UPDATE osp SET v = 100 WHERE id = 1", "ROLLBACK TO SAVEPOINT a", "SAVEPOINT b",
          "INSERT INTO osp VALUES (4, 4)", "RELEASE SAVEPOINT b");
      Oracle.refreshAndCheck(c, "osp_st", Mode.DIFFERENTIAL);
      assertEquals(List.of("1|1"), rows(c, "SELECT n, s FROM osp_st"));
      w.commit();
      Oracle.refreshAndCheck(c, "osp_st", Mode.DIFFERENTIAL);
      assertEquals(List.of("3|7"), rows(c, "SELECT n, s FROM osp_st"));
    }
  }

  /**
   * A transaction that already had its xid when the stream table was created (it wrote elsewhere),
   * and writes the source only after the creation committed: its changes belong to the next window.
   */
  @Test
  void transactionOlderThanTheStreamTableWritesAfterCreation(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Connection w = writer(db)) {
      exec(c, "CREATE TABLE ob (id int PRIMARY KEY, v int NOT NULL)", "CREATE TABLE ob_other (x int)",
          "INSERT INTO ob VALUES (1, 1)");
      exec(w, "INSERT INTO ob_other VALUES (1)"); // w now has an xid older than the creation's
      create(c, "ob_st", "SELECT id, v FROM ob", Mode.DIFFERENTIAL);
      exec(w, "INSERT INTO ob VALUES (2, 2)", "UPDATE ob SET v = 10 WHERE id = 1");
      exec(c, "INSERT INTO ob VALUES (3, 3)");
      Oracle.refreshAndCheck(c, "ob_st", Mode.DIFFERENTIAL);
      assertEquals(List.of("1|1", "3|3"), rows(c, "SELECT id, v FROM ob_st ORDER BY 1"));
      w.commit();
      Oracle.refreshAndCheck(c, "ob_st", Mode.DIFFERENTIAL);
      assertEquals(List.of("1|10", "2|2", "3|3"), rows(c, "SELECT id, v FROM ob_st ORDER BY 1"));
    }
  }
  /** A writer open when the stream table is created: creation waits for it, then includes it once. */
  @Test
  void creationWaitsForAnOpenWriter(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Connection w = writer(db); Connection watcher = db.connect()) {
      exec(c, "CREATE TABLE ow (id int PRIMARY KEY, v int NOT NULL)", "INSERT INTO ow VALUES (1, 1)");
      exec(w, "INSERT INTO ow VALUES (2, 2)");
      long writerPid = count(w, "SELECT pg_backend_pid()");
      long creatorPid = count(c, "SELECT pg_backend_pid()");
      java.util.concurrent.CompletableFuture<Void> creation = java.util.concurrent.CompletableFuture.runAsync(() -> {
        try {
          create(c, "ow_st", "SELECT count(*) AS n, sum(v) AS s FROM ow", Mode.DIFFERENTIAL);
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
      while (count(watcher, "SELECT count(*) FROM pg_stat_activity WHERE pid = " + creatorPid
          + " AND " + writerPid + " = ANY (pg_blocking_pids(pid))") == 0) {
        org.junit.jupiter.api.Assertions.assertTrue(System.nanoTime() < deadline && !creation.isDone(),
            () -> "creation was expected to wait for the open writer: " + creation);
        Thread.onSpinWait();
      }
      w.commit();
      creation.get(60, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals(List.of("2|3"), rows(c, "SELECT n, s FROM ow_st"));
      exec(c, "INSERT INTO ow VALUES (3, 3)");
      Oracle.refreshAndCheck(c, "ow_st", Mode.DIFFERENTIAL);
      assertEquals(List.of("3|6"), rows(c, "SELECT n, s FROM ow_st"));
    }
  }
}
