package dev.freshet.tests.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.RefreshReport;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * {@code freshet service} killed in the middle of a refresh (SIGKILL of its process, or
 * {@code pg_terminate_backend} of its backend) loses nothing and leaves nothing behind: no lock, no stream
 * table stuck, and the next refresh (another service's, or the same service's after it reconnects)
 * applies the pending changes exactly once. The service runs as a process of its own from the release
 * jar; "in the middle" is made certain by a lock the test holds on the source, on which the refresh waits.
 */
@PostgresTest
class ServiceKillTest {

  private static Process service(TestDatabase db, BlockingQueue<String> lines) throws Exception {
    Path jar = Path.of(System.getProperty("freshet.release.jar"));
    assertTrue(Files.isRegularFile(jar), () -> "no release jar at " + jar + ": './mvnw -B package' builds it");
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", jar.toString(), "service", "--poll", "1s", "--log-level", "debug", "--jdbc-url", db.jdbcUrl())
        .redirectErrorStream(true).start();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          lines.add(line);
        }
      } catch (java.io.IOException gone) {
        // the process was killed
      }
    }, "service-output");
    reader.setDaemon(true);
    reader.start();
    return process;
  }

  /** The next line the service prints that contains {@code wanted}; fails after a minute without one. */
  private static String nextLine(BlockingQueue<String> lines, String wanted) throws InterruptedException {
    return nextLine(lines, wanted, line -> line.contains(wanted));
  }

  /**
   * The next line the service prints that {@code wanted} accepts; fails after a minute without one, however many
   * other lines it prints (a stream table refreshed every second prints one each second).
   */
  private static String nextLine(BlockingQueue<String> lines, String what, java.util.function.Predicate<String> wanted)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
    while (true) {
      long left = Duration.between(Instant.now(), deadline).toMillis();
      String line = left > 0 ? lines.poll(left, TimeUnit.MILLISECONDS) : null;
      assertTrue(line != null, "the service printed no line with " + what);
      if (wanted.test(line)) {
        return line;
      }
    }
  }

  /** Waits for a condition on the database (a process's backend we cannot be told about); fails after a minute. */
  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("gave up waiting for " + what);
      }
      TimeUnit.MILLISECONDS.sleep(50); // polling interval, not a synchronization by time
    }
  }

  private static long scalar(Connection c, String sql) {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The service's backends that wait for a lock inside a refresh. */
  private static final String WAITING_REFRESH = "SELECT count(*) FROM pg_stat_activity WHERE application_name = "
      + "'freshet service' AND state = 'active' AND wait_event_type = 'Lock'";

  private static final String SERVICE_BACKENDS = "SELECT count(*) FROM pg_stat_activity WHERE application_name = "
      + "'freshet service'";

  @Test
  void sigkillMidRefreshLosesNothingAndTheNextServiceRecovers(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE killed_src (id int PRIMARY KEY, v int NOT NULL)",
        "INSERT INTO killed_src SELECT g, g FROM generate_series(1, 100) g");
    try (Connection c = db.connect(); Connection blocker = db.connect()) {
      StreamTables.create(c, "killed_st", "SELECT v % 7 AS k, sum(v) AS s, count(*) AS n FROM killed_src GROUP BY 1",
          Mode.DIFFERENTIAL, "1s");
      db.execute("INSERT INTO killed_src VALUES (101, 101)", "DELETE FROM killed_src WHERE id <= 10",
          "UPDATE killed_src SET v = v + 1000 WHERE id BETWEEN 50 AND 60");
      blocker.setAutoCommit(false);
      try (Statement s = blocker.createStatement()) {
        s.execute("LOCK TABLE killed_src IN ACCESS EXCLUSIVE MODE");
      }
      BlockingQueue<String> lines = new LinkedBlockingQueue<>();
      Process first = service(db, lines);
      await("the service's refresh to wait on the source", () -> scalar(c, WAITING_REFRESH) == 1);
      first.destroyForcibly(); // SIGKILL: no shutdown hook runs
      assertTrue(first.waitFor(1, TimeUnit.MINUTES), "the killed service did not exit");
      blocker.rollback(); // the orphaned backend goes on, then finds its client gone
      await("the killed service's backend to end", () -> scalar(c, SERVICE_BACKENDS) == 0);
      assertEquals(0L, scalar(c, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"), "no orphaned lock");

      Process second = service(db, lines);
      try {
        String refreshed = nextLine(lines, "\"public\".\"killed_st\"");
        assertTrue(!refreshed.contains("FAILED"), refreshed);
      } finally {
        second.destroyForcibly();
        second.waitFor(1, TimeUnit.MINUTES);
      }
      await("the second service's backend to end", () -> scalar(c, SERVICE_BACKENDS) == 0);
      Oracle.assertFresh(c, "killed_st");
      RefreshReport again = Oracle.refreshAndCheck(c, "killed_st", Mode.DIFFERENTIAL);
      assertEquals(0, again.rowsInserted() + again.rowsUpdated() + again.rowsDeleted(), "nothing applied twice");
      assertEquals("ACTIVE", StreamTables.status(c, "killed_st", 0).table().status());
    }
  }

  @Test
  void aTerminatedRefreshingBackendIsRetriedByTheSameService(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE term_src (id int PRIMARY KEY, v int NOT NULL)",
        "INSERT INTO term_src SELECT g, g FROM generate_series(1, 50) g");
    try (Connection c = db.connect(); Connection blocker = db.connect()) {
      StreamTables.create(c, "term_st", "SELECT v % 5 AS k, count(*) AS n FROM term_src GROUP BY 1",
          Mode.DIFFERENTIAL, "1s");
      db.execute("INSERT INTO term_src VALUES (51, 51), (52, 52)", "DELETE FROM term_src WHERE id = 1");
      blocker.setAutoCommit(false);
      try (Statement s = blocker.createStatement()) {
        s.execute("LOCK TABLE term_src IN ACCESS EXCLUSIVE MODE");
      }
      BlockingQueue<String> lines = new LinkedBlockingQueue<>();
      Process service = service(db, lines);
      try {
        // a service says that it runs, first
        String first = lines.poll(1, TimeUnit.MINUTES);
        assertTrue(first != null && first.contains("  started: refreshing the stream tables of database "),
            "the service's first line says it started: " + first);
        await("the service's refresh to wait on the source", () -> scalar(c, WAITING_REFRESH) == 1);
        assertEquals(1L, scalar(c, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            + "WHERE application_name = 'freshet service' AND wait_event_type = 'Lock'"));
        blocker.rollback();
        nextLine(lines, "reconnected to PostgreSQL");
        // the name is padded to the widest scheduled name of the database (killed_st's, when it is there)
        nextLine(lines, "a refresh of term_st",
            line -> line.matches(".*\"public\"\\.\"term_st\" *  DIFFERENTIAL .*"));
      } finally {
        service.destroyForcibly();
        service.waitFor(1, TimeUnit.MINUTES);
      }
      await("the service's backend to end", () -> scalar(c, SERVICE_BACKENDS) == 0);
      Oracle.assertFresh(c, "term_st");
      RefreshReport again = Oracle.refreshAndCheck(c, "term_st", Mode.DIFFERENTIAL);
      assertEquals(0, again.rowsInserted() + again.rowsUpdated() + again.rowsDeleted(), "nothing applied twice");
    }
  }
}
