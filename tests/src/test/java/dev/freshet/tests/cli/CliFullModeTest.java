package dev.freshet.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import org.junit.jupiter.api.Test;

/**
 * Through the command line: AUTO runs a query Freshet's planner cannot read as written (FR008), a
 * clock-dependent FULL table says in {@code create} and {@code status} that it recomputes at every
 * refresh, and invalid SQL is reported in PostgreSQL's words with a caret, exit 3.
 */
@PostgresTest
class CliFullModeTest {

  @Test
  void fullRunsWhatPostgresAccepts(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE ev (id int, kind text, at timestamptz)",
        "INSERT INTO ev VALUES (1, 'a', now() - interval '1 day'), (2, 'a', now()), (3, 'b', now())");
    String url = db.jdbcUrl();
    CliRun distinctOn = CliRun.run(url, "create", "latest", "--query",
        "SELECT DISTINCT ON (kind) kind, id FROM ev ORDER BY kind, at DESC");
    assertEquals(0, distinctOn.exitCode(), distinctOn.transcript());
    assertTrue(distinctOn.out().contains("FULL (requested AUTO)"), distinctOn.transcript());
    assertTrue(distinctOn.out().contains("FR008"), distinctOn.transcript());

    CliRun clock = CliRun.run(url, "create", "recent", "--mode", "FULL", "--query",
        "SELECT id FROM ev WHERE at > now() - interval '1 hour'");
    assertEquals(0, clock.exitCode(), clock.transcript());
    // each function named as the query wrote it: the - of now() - interval is an operator, not the function
    // timestamptz_mi_interval() that implements it, which the note named; at::date is a cast, not date()
    String note = "  note:         recomputed at every refresh: its query calls now() (stable), whose result may "
        + "change without any change to the sources; uses the operator timestamp with time zone - interval "
        + "(stable), whose result may change without any change to the sources\n";
    assertTrue(clock.out().contains(note), clock.transcript());
    assertFalse(clock.out().contains("timestamptz_mi_interval"), clock.transcript());
    CliRun status = CliRun.run(url, "status", "recent");
    assertTrue(status.out().contains("recomputed at every refresh"), status.transcript());
    CliRun today = CliRun.run(url, "create", "today", "--mode", "FULL", "--query",
        "SELECT id, at::date AS day, current_user AS who FROM ev WHERE at::date = current_date AND kind IN ('a', 'b')");
    assertEquals(0, today.exitCode(), today.transcript());
    assertTrue(today.out().contains("  note:         recomputed at every refresh: its query calls current_date "
        + "(stable), whose result may change without any change to the sources; calls current_user (stable), whose "
        + "result may change without any change to the sources; casts timestamp with time zone to date (stable), "
        + "whose result may change without any change to the sources\n"), today.transcript());

    db.execute("INSERT INTO ev VALUES (4, 'b', now())");
    CliRun refresh = CliRun.run(url, "refresh", "latest", "recent", "today");
    assertEquals(0, refresh.exitCode(), refresh.transcript());
    try (Connection c = db.connect()) {
      Oracle.assertFresh(c, "latest");
      Oracle.assertFresh(c, "recent");
      Oracle.assertFresh(c, "today");
    }

    // a query that reads no table whose changes are captured: nothing is ever pending for it ('-'), where list
    // showed '?' and status 'not known until its next refresh' after every refresh (a walkthrough)
    CliRun series = CliRun.run(url, "create", "series", "--mode", "FULL", "--query",
        "SELECT g FROM generate_series(1, 3) AS g");
    assertEquals(0, series.exitCode(), series.transcript());
    assertEquals(0, CliRun.run(url, "refresh", "series").exitCode());
    try (Connection c = db.connect()) {
      Oracle.assertFresh(c, "series");
    }
    CliRun seriesStatus = CliRun.run(url, "status", "series");
    assertTrue(seriesStatus.out().contains(
        "  pending:      none to watch: its query reads no table whose changes Freshet captures\n"),
        seriesStatus.transcript());
    CliRun list = CliRun.run(url, "list");
    assertTrue(list.out().lines().anyMatch(line -> line.matches("\"public\"\\.\"series\" +FULL +ACTIVE +\\S+ \\S+ +- +.*")),
        list.transcript());
    assertTrue(list.out().lines().anyMatch(line -> line.matches("\"public\"\\.\"latest\" .*  0 +.*")),
        list.transcript());

    CliRun invalid = CliRun.run(url, "create", "bad", "--mode", "FULL", "--query", "SELECT id FROM ev WHERE");
    assertEquals(3, invalid.exitCode(), invalid.transcript());
    assertTrue(invalid.err().contains("syntax error at end of input"), invalid.transcript());
    assertTrue(invalid.err().contains("^"), invalid.transcript());

    for (String notAQuery : new String[] {"DELETE FROM ev", "CREATE TABLE t (x int)", "", "SELECT 1; DROP TABLE ev"}) {
      CliRun refused = CliRun.run(url, "create", "bad", "--mode", "FULL", "--query", notAQuery);
      assertEquals(3, refused.exitCode(), refused.transcript());
      assertTrue(refused.err().contains(notAQuery.isEmpty() ? "the defining query is empty"
          : notAQuery.contains(";") ? "one statement" : "must be SELECT, VALUES, WITH or TABLE"), refused.transcript());
    }
    assertEquals(4, db.query("SELECT count(*) FROM ev").get(0).get(0) instanceof Long n ? n.intValue() : -1);
  }
}
