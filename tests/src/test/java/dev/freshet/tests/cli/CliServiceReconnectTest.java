package dev.freshet.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.cli.FreshetCli;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code freshet service} outlives its connection: when its backend is terminated (as a server restart or
 * {@code pg_terminate_backend} does), it says so once, reconnects and goes on refreshing.
 */
@PostgresTest
class CliServiceReconnectTest {

  /** Waits for {@code condition}, checking every 100 ms, failing after {@code limit}. */
  private static void await(String what, Duration limit, Callable<Boolean> condition) throws Exception {
    Instant deadline = Instant.now().plus(limit);
    while (!condition.call()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("gave up waiting for " + what + " after " + limit);
      }
      Thread.sleep(100);
    }
  }

  @Test
  void theServiceReconnectsAfterItsBackendIsTerminated(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE sv (id int PRIMARY KEY, v int NOT NULL)", "INSERT INTO sv VALUES (1, 1)");
    String url = db.jdbcUrl();
    CliRun create = CliRun.run(url, "create", "sv_st", "--schedule", "1s", "--query", "SELECT id, v FROM sv");
    assertEquals(0, create.exitCode(), create.transcript());

    StringWriter out = new StringWriter();
    CommandLine cli = FreshetCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(new StringWriter(), true));
    Thread service = new Thread(() -> cli.execute("service", "--poll", "1s", "--jdbc-url", url), "service-under-test");
    service.setDaemon(true);
    service.start();
    try (Connection c = db.connect()) {
      await("the service's backend", Duration.ofSeconds(30), () -> !db.query("SELECT pid FROM pg_stat_activity "
          + "WHERE application_name = 'freshet service' AND datname = current_database()").isEmpty());
      db.execute("INSERT INTO sv VALUES (2, 2)");
      await("the first refresh", Duration.ofSeconds(30), () -> db.query("SELECT id FROM sv_st WHERE id = 2").size() == 1);

      List<List<Object>> terminated = db.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
          + "WHERE application_name = 'freshet service' AND datname = current_database()");
      assertEquals(List.of(List.of(true)), terminated);
      db.execute("INSERT INTO sv VALUES (3, 3)");
      await("a refresh after reconnecting", Duration.ofSeconds(60),
          () -> db.query("SELECT id FROM sv_st WHERE id = 3").size() == 1);
      Oracle.assertFresh(c, "sv_st");
      String log = out.toString();
      assertTrue(log.contains("lost the connection to PostgreSQL"), log);
      assertTrue(log.contains("reconnected to PostgreSQL"), log);
      assertEquals(1, log.lines().filter(l -> l.contains("lost the connection")).count(), log);
      assertTrue(service.isAlive(), "the service keeps running\n" + log);
    } finally {
      service.interrupt();
      service.join(Duration.ofSeconds(10).toMillis());
    }
  }
}
