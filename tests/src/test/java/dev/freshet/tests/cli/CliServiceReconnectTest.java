package dev.freshet.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.cli.FreshetCli;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code freshet service} outlives its connection: when its backend is terminated (as a server restart or
 * {@code pg_terminate_backend} does), it says so once, reconnects and goes on refreshing. The test follows
 * the service through the lines it prints, each handed over as it is written.
 */
@PostgresTest
class CliServiceReconnectTest {

  @Test
  void theServiceReconnectsAfterItsBackendIsTerminated(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE sv (id int PRIMARY KEY, v int NOT NULL)", "INSERT INTO sv VALUES (1, 1)");
    String url = db.jdbcUrl();
    CliRun create = CliRun.run(url, "create", "sv_st", "--schedule", "1s", "--query", "SELECT id, v FROM sv");
    assertEquals(0, create.exitCode(), create.transcript());

    ServiceLines out = new ServiceLines();
    CommandLine cli = FreshetCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(new StringWriter(), true));
    Thread service = new Thread(() -> cli.execute("service", "--poll", "1s", "--log-level", "debug", "--jdbc-url", url), "service-under-test");
    service.setDaemon(true);
    service.start();
    try (Connection c = db.connect()) {
      out.next("a refresh of sv_st", l -> l.contains("\"sv_st\""));
      db.execute("INSERT INTO sv VALUES (2, 2)");
      out.next("the refresh applying the insert", l -> l.contains("\"sv_st\"") && l.contains("+1 "));
      Oracle.assertFresh(c, "sv_st");

      List<List<Object>> terminated = db.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
          + "WHERE application_name = 'freshet service' AND datname = current_database()");
      assertEquals(List.of(List.of(true)), terminated);
      db.execute("INSERT INTO sv VALUES (3, 3)");
      out.next("the lost connection", l -> l.contains("lost the connection to PostgreSQL"));
      out.next("the reconnection", l -> l.contains("reconnected to PostgreSQL"));
      out.next("a refresh after reconnecting", l -> l.contains("\"sv_st\"") && l.contains("+1 "));
      Oracle.assertFresh(c, "sv_st");
      assertEquals(List.of(List.of(3)), db.query("SELECT id FROM sv_st WHERE id = 3"));
      assertEquals(1, out.seen.stream().filter(l -> l.contains("lost the connection")).count(), out.seen::toString);
      assertTrue(service.isAlive(), "the service keeps running");
    } finally {
      service.interrupt();
      service.join(10_000);
    }
  }
}
