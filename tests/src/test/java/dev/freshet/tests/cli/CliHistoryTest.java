package dev.freshet.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code status} lists as a stream table's last refreshes, found by the docs walkthrough (issue 15). */
@PostgresTest
class CliHistoryTest {

  /** Its first filling read the whole query: the history says so, not "no changes" beside the rows it inserted. */
  @Test
  void theFillingAtCreateIsNamedAsSuchNotNoChanges(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE hi_src (id int PRIMARY KEY, v int)", "INSERT INTO hi_src VALUES (1, 10), (2, 20)");
    for (String mode : List.of("DIFFERENTIAL", "FULL")) {
      String name = "hi_" + mode.toLowerCase(java.util.Locale.ROOT);
      CliRun create = CliRun.run(db.jdbcUrl(), "create", name, "--mode", mode, "--query", "SELECT id, v FROM hi_src");
      assertEquals(0, create.exitCode(), create.transcript());
      CliRun refresh = CliRun.run(db.jdbcUrl(), "refresh", name);
      assertEquals(0, refresh.exitCode(), refresh.transcript());
      CliRun verified = CliRun.run(db.jdbcUrl(), "verify", name);
      assertEquals(0, verified.exitCode(), verified.transcript());
      CliRun status = CliRun.run(db.jdbcUrl(), "status", name);
      assertEquals(0, status.exitCode(), status.transcript());
      List<String> history = status.out().lines().dropWhile(l -> !l.startsWith("  last refreshes")).skip(1).toList();
      assertEquals(2, history.size(), status.transcript());
      assertTrue(history.get(0).endsWith("  no changes"), status.transcript()); // the refresh: nothing changed
      assertTrue(history.get(1).contains("  FULL ") && history.get(1).contains("+2 ~0 -0  delta 2  "),
          status.transcript());
      assertTrue(history.get(1).endsWith("  filled from its query (create)"), status.transcript());
      assertFalse(history.get(1).contains("no changes"), status.transcript());
    }
  }

  /**
   * The service's log line of a refresh is 'freshet refresh''s line (the sources that changed, and why AUTO
   * recomputed), after a time always as wide, so that the lines' columns stay where they were.
   */
  @Test
  void theServiceLogsARefreshAsRefreshPrintsIt(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE hi_sv (id int PRIMARY KEY, v int)", "INSERT INTO hi_sv VALUES (1, 10)");
    CliRun create = CliRun.run(db.jdbcUrl(), "create", "hi_sched", "--schedule", "1s", "--query",
        "SELECT id, v FROM hi_sv");
    assertEquals(0, create.exitCode(), create.transcript());
    // due now: as if its last refresh were an hour ago (the test does not wait for the schedule)
    db.execute("INSERT INTO hi_sv VALUES (2, 20)",
        "UPDATE freshet.stream_tables SET last_refresh_at = now() - interval '1 hour' WHERE table_name = 'hi_sched'");
    CliRun pass = CliRun.run(db.jdbcUrl(), "service", "--once");
    assertEquals(0, pass.exitCode(), pass.transcript());
    List<String> refreshes = pass.out().lines().filter(l -> l.contains("\"hi_sched\"")).toList();
    assertEquals(1, refreshes.size(), pass.transcript());
    assertTrue(refreshes.get(0).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z  "
        + "\"public\"\\.\"hi_sched\" *  DIFFERENTIAL  changed \"public\"\\.\"hi_sv\"  \\+1 ~0 -0  delta 1  \\d+ ms"),
        pass.transcript());
    CliRun verified = CliRun.run(db.jdbcUrl(), "verify", "hi_sched");
    assertEquals(0, verified.exitCode(), verified.transcript());
  }
}
