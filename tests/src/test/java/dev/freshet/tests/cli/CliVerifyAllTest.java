package dev.freshet.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import org.junit.jupiter.api.Test;

/**
 * {@code freshet verify --all} and {@code verify NAME...}, as {@code refresh} takes them (found by the first-hour
 * walkthrough, issue 15: {@code verify --all} said that NAME was missing): one result line per stream table, exit
 * status 1 when one differs; a name that is not a stream table is reported and the others are still verified. A
 * database of its own, so that --all sees only these stream tables.
 */
@PostgresTest
class CliVerifyAllTest {

  /** Corrupts a stream table as only a deliberate write can: past the guard, as a refresh is. */
  private static final String BYPASS_GUARD = "SELECT set_config('freshet.refreshing', 'on', false)";

  @Test
  void everyStreamTableOneLineEach(TestDatabase db) throws Exception {
    String url = db.jdbcUrl();
    CliRun none = CliRun.run(url, "verify", "--all");
    assertEquals(0, none.exitCode(), none.transcript());
    assertEquals("no stream tables to verify\n", none.err(), none.transcript());

    db.execute("CREATE TABLE va_items (id int PRIMARY KEY, g text, qty int)",
        "INSERT INTO va_items VALUES (1, 'a', 1), (2, 'b', 2), (3, 'a', 3)");
    assertEquals(0, CliRun.run(url, "create", "va_rows", "--query", "SELECT id, qty FROM va_items").exitCode());
    assertEquals(0, CliRun.run(url, "create", "va_groups", "--mode", "DIFFERENTIAL", "--query",
        "SELECT g, sum(qty) AS total FROM va_items GROUP BY g").exitCode());

    CliRun equal = CliRun.run(url, "verify", "--all");
    assertEquals(0, equal.exitCode(), equal.transcript());
    assertEquals("\"public\".\"va_groups\": equal (2 rows)\n\"public\".\"va_rows\": equal (3 rows)\n", equal.out(),
        equal.transcript());
    assertEquals("", equal.err(), equal.transcript());

    db.execute(BYPASS_GUARD, "UPDATE va_groups SET total = 99 WHERE g = 'b'");
    CliRun different = CliRun.run(url, "verify", "--all");
    assertEquals(1, different.exitCode(), different.transcript());
    assertTrue(different.out().startsWith("\"public\".\"va_groups\": DIFFERENT: 1 row missing, 1 row extra "
        + "(expected 2, got 2)\n"), different.transcript());
    assertTrue(different.out().contains("    1 x ('b', 99)\n"), different.transcript());
    assertTrue(different.out().endsWith("\"public\".\"va_rows\": equal (3 rows)\n"), different.transcript());

    // several names, in the order given; one that is not a stream table is said, the others still verified
    CliRun named = CliRun.run(url, "verify", "va_rows", "va_nosuch", "public.va_groups");
    assertEquals(2, named.exitCode(), "the first failure's status, before a difference's: " + named.transcript());
    assertTrue(named.out().startsWith("\"public\".\"va_rows\": equal (3 rows)\n\"public\".\"va_groups\": DIFFERENT"),
        named.transcript());
    assertEquals("error: there is no stream table \"public\".\"va_nosuch\"; 'freshet list' shows the stream tables\n",
        named.err(), named.transcript());

    db.execute(BYPASS_GUARD, "UPDATE va_groups SET total = 2 WHERE g = 'b'");
    CliRun repaired = CliRun.run(url, "verify", "va_rows", "va_groups");
    assertEquals(0, repaired.exitCode(), repaired.transcript());
    assertEquals("\"public\".\"va_rows\": equal (3 rows)\n\"public\".\"va_groups\": equal (2 rows)\n", repaired.out(),
        repaired.transcript());
  }
}
