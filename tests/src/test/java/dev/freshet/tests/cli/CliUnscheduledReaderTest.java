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
 * A stream table without a schedule that reads a stream table with one: 'freshet service' refreshes only stream
 * tables with a schedule, so it kept refreshing the upstream one and never the reader, and nothing said so (found
 * by the walkthrough). create, alter and status of the reader, and alter of the upstream one, now warn, with the
 * command that gives the reader a schedule, pasteable into a shell.
 */
@PostgresTest
class CliUnscheduledReaderTest {

  private static final String WARNING = "  warning:      \"public\".\"ur_daily\" has no schedule but reads the scheduled "
      + "stream table \"public\".\"ur_totals\" (every %s): 'freshet service' refreshes only stream tables with a "
      + "schedule, so it will not refresh \"public\".\"ur_daily\", which changes only when 'freshet refresh' (or CALL "
      + "freshet.refresh) refreshes it\n"
      + "                HINT:  to have the service refresh it after \"public\".\"ur_totals\": "
      + "freshet alter '\"public\".\"ur_daily\"' --schedule %s\n";

  @Test
  void aReaderWithoutScheduleOfAScheduledStreamTableIsWarnedAbout(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE ur_orders (id int PRIMARY KEY, customer int NOT NULL, amount int NOT NULL)",
        "CREATE TABLE ur_customers (id int PRIMARY KEY, name text NOT NULL)",
        "INSERT INTO ur_customers VALUES (1, 'ann'), (2, 'bob')", "INSERT INTO ur_orders VALUES (1, 1, 10), (2, 2, 20)");
    String url = db.jdbcUrl();
    CliRun upstream = CliRun.run(url, "create", "ur_totals", "--schedule", "1m", "--query",
        "SELECT customer, sum(amount) AS total FROM ur_orders GROUP BY customer");
    assertEquals(0, upstream.exitCode(), upstream.transcript());
    assertFalse(upstream.out().contains("warning"), upstream.transcript());

    CliRun create = CliRun.run(url, "create", "ur_daily", "--query",
        "SELECT c.name, t.total FROM ur_totals t JOIN ur_customers c ON c.id = t.customer");
    assertEquals(0, create.exitCode(), create.transcript());
    assertTrue(create.out().endsWith(WARNING.formatted("1m", "1m")), create.transcript());
    CliRun status = CliRun.run(url, "status", "ur_daily");
    assertTrue(status.out().contains("  schedule:     none (refreshed by 'freshet refresh')\n"
        + WARNING.formatted("1m", "1m")), status.transcript());
    // the upstream one is fine
    assertFalse(CliRun.run(url, "status", "ur_totals").out().contains("warning"));

    // what the warning says: a pass of the service refreshes the upstream stream table, not the reader
    db.execute("INSERT INTO ur_orders VALUES (3, 1, 5)",
        "UPDATE freshet.stream_tables SET last_refresh_at = now() - interval '1 hour'");
    CliRun pass = CliRun.run(url, "service", "--once");
    assertEquals(0, pass.exitCode(), pass.transcript());
    assertTrue(pass.out().lines().anyMatch(l -> l.matches(".*  \"public\"\\.\"ur_totals\" +DIFFERENTIAL .*")),
        pass.transcript());
    assertFalse(pass.out().contains("ur_daily"), pass.transcript());
    try (Connection c = db.connect()) {
      Oracle.assertFresh(c, "ur_totals");
    }
    assertTrue(CliRun.run(url, "status", "ur_daily").out().contains("  pending:      2 changes buffered since the "
        + "last refresh (\"public\".\"ur_totals\" 2)\n"));

    // a schedule of its own: no warning, and the service refreshes it after the upstream one
    CliRun scheduled = CliRun.run(url, "alter", "ur_daily", "--schedule", "1m");
    assertEquals(0, scheduled.exitCode(), scheduled.transcript());
    assertFalse(scheduled.out().contains("warning"), scheduled.transcript());
    assertFalse(CliRun.run(url, "status", "ur_daily").out().contains("warning"));
    db.execute("UPDATE freshet.stream_tables SET last_refresh_at = now() - interval '1 hour'");
    CliRun both = CliRun.run(url, "service", "--once");
    assertEquals(0, both.exitCode(), both.transcript());
    assertTrue(both.out().lines().anyMatch(l -> l.matches(".*  \"public\"\\.\"ur_daily\" +DIFFERENTIAL .*")),
        both.transcript());
    try (Connection c = db.connect()) {
      Oracle.assertFresh(c, "ur_daily");
    }

    // cleared again: warned; and an alter of the upstream schedule warns of the reader, with the new interval
    CliRun cleared = CliRun.run(url, "alter", "ur_daily", "--schedule", "");
    assertEquals(0, cleared.exitCode(), cleared.transcript());
    assertTrue(cleared.out().endsWith("  schedule:     none\n" + WARNING.formatted("1m", "1m")), cleared.transcript());
    CliRun upstreamAltered = CliRun.run(url, "alter", "ur_totals", "--schedule", "1 hour 30 minutes");
    assertEquals(0, upstreamAltered.exitCode(), upstreamAltered.transcript());
    assertTrue(upstreamAltered.out().endsWith("  schedule:     1 hour 30 minutes\n"
        + WARNING.formatted("1 hour 30 minutes", "'1 hour 30 minutes'")), upstreamAltered.transcript());

    // an upstream stream table without a schedule: nothing refreshes either, as expected; no warning
    assertFalse(CliRun.run(url, "alter", "ur_totals", "--schedule", "").out().contains("warning"));
    assertFalse(CliRun.run(url, "status", "ur_daily").out().contains("warning"));
  }

  private static final String REVERSE = "  warning:      \"public\".\"us_daily\" is refreshed every 1m but reads the "
      + "stream table \"public\".\"us_totals\", which has no schedule: 'freshet service' refreshes only stream tables "
      + "with a schedule, so \"public\".\"us_daily\" reads it as of its last refresh\n"
      + "                HINT:  to have the service refresh it before \"public\".\"us_daily\": "
      + "freshet alter '\"public\".\"us_totals\"' --schedule 1m\n";

  /**
   * The reverse: a stream table with a schedule that reads one without. The service refreshes the reader, which
   * then reads the other as of its last refresh; create, status and alter of either say so.
   */
  @Test
  void aScheduledReaderOfAStreamTableWithoutScheduleIsWarnedAbout(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE us_orders (id int PRIMARY KEY, customer int NOT NULL, amount int NOT NULL)",
        "INSERT INTO us_orders VALUES (1, 1, 10), (2, 2, 20)");
    String url = db.jdbcUrl();
    assertEquals(0, CliRun.run(url, "create", "us_totals", "--query",
        "SELECT customer, sum(amount) AS total FROM us_orders GROUP BY customer").exitCode());
    CliRun create = CliRun.run(url, "create", "us_daily", "--schedule", "1m", "--query",
        "SELECT count(*) AS customers, sum(total) AS total FROM us_totals");
    assertEquals(0, create.exitCode(), create.transcript());
    assertTrue(create.out().endsWith(REVERSE), create.transcript());
    CliRun status = CliRun.run(url, "status", "us_daily");
    assertTrue(status.out().contains(REVERSE), status.transcript());
    assertFalse(CliRun.run(url, "status", "us_totals").out().contains("warning"));

    // what it says: a pass of the service refreshes the reader, which reads the other as it stands
    db.execute("INSERT INTO us_orders VALUES (3, 3, 5)",
        "UPDATE freshet.stream_tables SET last_refresh_at = now() - interval '1 hour'");
    CliRun pass = CliRun.run(url, "service", "--once");
    assertEquals(0, pass.exitCode(), pass.transcript());
    assertFalse(pass.out().contains("us_totals"), pass.transcript());
    try (Connection c = db.connect()) {
      Oracle.assertFresh(c, "us_daily");
    }

    // the other gets a schedule: no warning; loses it again: its alter warns of the reader
    CliRun scheduled = CliRun.run(url, "alter", "us_totals", "--schedule", "1m");
    assertEquals(0, scheduled.exitCode(), scheduled.transcript());
    assertFalse(scheduled.out().contains("warning"), scheduled.transcript());
    assertFalse(CliRun.run(url, "status", "us_daily").out().contains("warning"));
    CliRun cleared = CliRun.run(url, "alter", "us_totals", "--schedule", "");
    assertEquals(0, cleared.exitCode(), cleared.transcript());
    assertTrue(cleared.out().endsWith("  schedule:     none\n" + REVERSE), cleared.transcript());
  }
}
