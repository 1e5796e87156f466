package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.count;
import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static dev.freshet.tests.scenarios.Scenarios.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.RefreshReport;
import dev.freshet.runtime.streamtable.StreamTableException;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Refreshes of one stream table never overlap: a second one fails fast and says why. */
@PostgresTest
class ConcurrentRefreshScenarioTest {

  /** StreamTables' refresh lock class ("FRRF"). */
  private static final int REFRESH_LOCK_CLASS = 0x46525246;

  private static boolean advisory(Connection c, String function, long id) throws Exception {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + function + "(?, ?)")) {
      ps.setInt(1, REFRESH_LOCK_CLASS);
      ps.setInt(2, (int) id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  @Test
  void refreshFailsFastWhileTheLockIsHeld(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Connection holder = db.connect()) {
      exec(c, "CREATE TABLE cr (id int PRIMARY KEY, v int)", "INSERT INTO cr VALUES (1, 1)");
      long id = create(c, "cr_st", "SELECT id, v FROM cr", Mode.DIFFERENTIAL).id();
      exec(c, "INSERT INTO cr VALUES (2, 2)");
      String snapshot = text(c, "SELECT last_snapshot::text FROM freshet.stream_tables WHERE id = " + id);

      assertTrue(advisory(holder, "pg_try_advisory_lock", id), "the lock must be free before");
      StreamTableException e = assertThrows(StreamTableException.class, () -> StreamTables.refresh(c, "cr_st"));
      assertTrue(e.getMessage().contains("already running"), e.getMessage());
      assertTrue(e.getMessage().contains("cr_st"), e.getMessage());
      // nothing happened: not applied, snapshot unchanged, no history row, not marked as an error
      assertEquals(List.of("1|1"), rows(c, "SELECT id, v FROM cr_st ORDER BY 1"));
      assertEquals(snapshot, text(c, "SELECT last_snapshot::text FROM freshet.stream_tables WHERE id = " + id));
      assertEquals(1, count(c, "SELECT count(*) FROM freshet.refresh_history WHERE stream_table_id = " + id));
      assertEquals("ACTIVE", StreamTables.status(c, "cr_st", 1).table().status());

      assertTrue(advisory(holder, "pg_advisory_unlock", id));
      RefreshReport r = Oracle.refreshAndCheck(c, "cr_st", Mode.DIFFERENTIAL);
      assertEquals(1, r.rowsInserted(), r.toString());
      assertEquals(List.of("1|1", "2|2"), rows(c, "SELECT id, v FROM cr_st ORDER BY 1"));
      // the refresh released its own lock
      assertTrue(advisory(holder, "pg_try_advisory_lock", id));
      assertTrue(advisory(holder, "pg_advisory_unlock", id));
    }
  }

  /**
   * A real refresh in progress: it is held inside its transaction by a row lock another session takes
   * on its catalog row, while a second refresh is attempted from a third session.
   */
  @Test
  void secondRefreshFailsWhileARealRefreshIsInProgress(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Connection second = db.connect(); Connection blocker = db.connect()) {
      exec(c, "CREATE TABLE cq (id int PRIMARY KEY, v int)", "INSERT INTO cq VALUES (1, 1)");
      long id = create(c, "cq_st", "SELECT id, v FROM cq", Mode.DIFFERENTIAL).id();
      exec(c, "INSERT INTO cq VALUES (2, 2)");

      blocker.setAutoCommit(false);
      exec(blocker, "SELECT 1 FROM freshet.stream_tables WHERE id = " + id + " FOR UPDATE");
      int blockerPid = (int) count(blocker, "SELECT pg_backend_pid()");
      int refresherPid = (int) count(c, "SELECT pg_backend_pid()");

      CompletableFuture<RefreshReport> first = CompletableFuture.supplyAsync(() -> {
        try {
          return StreamTables.refresh(c, "cq_st");
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      // Wait (on database state, not on time) until the first refresh holds its advisory lock and is
      // blocked by the blocker's row lock.
      try (Connection watcher = db.connect()) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (count(watcher, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = "
            + refresherPid + " AND classid = " + REFRESH_LOCK_CLASS + " AND objid = " + id) == 0
            || count(watcher, "SELECT count(*) FROM pg_stat_activity WHERE pid = " + refresherPid
                + " AND " + blockerPid + " = ANY (pg_blocking_pids(pid))") == 0) {
          assertTrue(System.nanoTime() < deadline, "the first refresh never reached the blocked state");
          assertTrue(!first.isDone(), () -> "the first refresh ended early: " + first);
          Thread.onSpinWait();
        }
      }

      StreamTableException e = assertThrows(StreamTableException.class, () -> StreamTables.refresh(second, "cq_st"));
      assertTrue(e.getMessage().contains("already running"), e.getMessage());

      blocker.commit();
      RefreshReport r = first.get(60, TimeUnit.SECONDS);
      assertEquals(Mode.DIFFERENTIAL, r.modeUsed());
      assertEquals(1, r.rowsInserted(), r.toString());
      Oracle.assertFresh(c, "cq_st");
      assertEquals(List.of("1|1", "2|2"), rows(c, "SELECT id, v FROM cq_st ORDER BY 1"));

      exec(c, "UPDATE cq SET v = 20 WHERE id = 2");
      Oracle.refreshAndCheck(second, "cq_st", Mode.DIFFERENTIAL);
      assertEquals(List.of("1|1", "2|20"), rows(c, "SELECT id, v FROM cq_st ORDER BY 1"));
      blocker.setAutoCommit(true);
    }
  }
}
