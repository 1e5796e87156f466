package dev.freshet.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.cli.FreshetCli;
import dev.freshet.tests.harness.PgBouncer;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Freshet through a real PgBouncer in transaction mode (issue 14, STAB-1), one that discards every session
 * between transactions ({@link PgBouncer}): create, refresh, list, status, verify and the service, and
 * {@code CALL freshet.refresh} from a pooled connection. Nothing Freshet relies on may live in the session:
 * the refresh lock is transaction-scoped (a refresh while another transaction holds it says "already
 * running"), every transaction sets its own isolation, and no named prepared statement is reused (the
 * service runs the same statements pass after pass). Every refresh is checked by the oracle.
 */
@PostgresTest
class CliPgBouncerTest {

  /** The refresh lock's key class, "FRRF" (StreamTables, catalog V11's freshet.refresh). */
  private static final int REFRESH_LOCK_CLASS = 0x46525246;

  @Test
  void freshetWorksThroughPgBouncerInTransactionMode(TestDatabase db, @TempDir Path temp) throws Exception {
    db.execute("CREATE TABLE pb_src (id int PRIMARY KEY, grp text NOT NULL, v int NOT NULL)",
        "INSERT INTO pb_src SELECT g, 'g' || (g % 3), g FROM generate_series(1, 30) g");
    try (PgBouncer bouncer = PgBouncer.start(db.jdbcUrl(), temp); Connection direct = db.connect()) {
      String pooled = bouncer.jdbcUrl(db.name());
      // the pool is as harsh as promised: a session advisory lock is gone by the next transaction
      try (Connection c = DriverManager.getConnection(pooled); Statement s = c.createStatement()) {
        s.execute("SELECT pg_advisory_lock(42)");
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
            + "AND objid = 42 AND granted")) {
          rs.next();
          assertEquals(0, rs.getInt(1), "PgBouncer discards the session between transactions");
        }
      }

      CliRun create = CliRun.run(pooled, "create", "pb_st", "--mode", "differential", "--schedule", "1s",
          "--query", "SELECT grp, count(*) AS n, sum(v) AS total FROM pb_src GROUP BY grp");
      assertEquals(0, create.exitCode(), create.transcript());
      Oracle.assertFresh(direct, "pb_st");

      for (int round = 1; round <= 3; round++) {
        db.execute("INSERT INTO pb_src VALUES (" + (100 + round) + ", 'g1', " + round + ")",
            "UPDATE pb_src SET v = v + 1 WHERE id = " + round,
            "DELETE FROM pb_src WHERE id = " + (10 + round));
        CliRun refresh = CliRun.run(pooled, "refresh", "pb_st");
        assertEquals(0, refresh.exitCode(), refresh.transcript());
        assertTrue(refresh.out().contains("DIFFERENTIAL"), refresh.transcript());
        Oracle.assertFresh(direct, "pb_st");
      }

      // the refresh lock is a transaction's: held by another transaction, the pooled refresh says so
      long id = db.query("SELECT id FROM freshet.stream_tables WHERE table_name = 'pb_st'").get(0).get(0)
          instanceof Number n ? n.longValue() : -1;
      db.execute("INSERT INTO pb_src VALUES (200, 'g2', 7)");
      direct.setAutoCommit(false);
      try (Statement s = direct.createStatement()) {
        s.execute("SELECT pg_advisory_xact_lock(" + REFRESH_LOCK_CLASS + ", " + id + ")");
        CliRun blocked = CliRun.run(pooled, "refresh", "pb_st");
        assertEquals(4, blocked.exitCode(), blocked.transcript());
        assertTrue(blocked.err().contains("already running"), blocked.transcript());
      } finally {
        direct.rollback();
        direct.setAutoCommit(true);
      }
      CliRun after = CliRun.run(pooled, "refresh", "pb_st");
      assertEquals(0, after.exitCode(), after.transcript());
      Oracle.assertFresh(direct, "pb_st");

      // from any SQL client on a pooled connection (pgjdbc's defaults: named statements after 5 uses)
      try (Connection c = DriverManager.getConnection(pooled); Statement s = c.createStatement()) {
        for (int round = 1; round <= 2; round++) {
          db.execute("UPDATE pb_src SET grp = 'g0' WHERE id = " + (20 + round));
          s.execute("CALL freshet.refresh('pb_st')");
          Oracle.assertFresh(direct, "pb_st");
        }
      }

      for (String[] command : new String[][] {{"list"}, {"status", "pb_st"}, {"verify", "pb_st"}}) {
        CliRun run = CliRun.run(pooled, command);
        assertEquals(0, run.exitCode(), run.transcript());
      }

      // the service: the same statements, pass after pass, on one pooled connection
      ServiceLines out = new ServiceLines();
      CommandLine cli = FreshetCli.commandLine();
      cli.setOut(new PrintWriter(out, true));
      cli.setErr(new PrintWriter(new StringWriter(), true));
      Thread service = new Thread(() -> cli.execute("service", "--poll", "1s", "--jdbc-url", pooled),
          "service-through-pgbouncer");
      service.setDaemon(true);
      service.start();
      try {
        for (int round = 1; round <= 7; round++) {
          db.execute("INSERT INTO pb_src VALUES (" + (300 + round) + ", 'new" + round + "', " + round + ")");
          out.next("a refresh inserting group new" + round,
              l -> l.contains("\"pb_st\"") && l.contains("+1 "));
          Oracle.assertFresh(direct, "pb_st");
        }
        assertTrue(service.isAlive(), "the service keeps running");
        assertTrue(out.seen.stream().noneMatch(l -> l.contains("error") || l.contains("failed")),
            () -> String.join("\n", out.seen));
      } finally {
        service.interrupt();
        service.join(10_000);
      }
      assertEquals(List.of(List.of(7L)), db.query("SELECT count(*) FROM pb_st WHERE grp LIKE 'new%'"));
    }
  }
}
