package dev.freshet.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A stream table refused until it is created again (FS012: a constraint its plan relied on was dropped) is refused
 * as the other refusals are, exit status 3 (it was 4, a database error), by refresh and verify alike; the fix its
 * hint gives, {@code freshet alter NAME --mode MODE}, works when another stream table reads it (it was refused,
 * "drop those first"): the reader is rebuilt too, and said so.
 */
@PostgresTest
class CliRefusedUntilAlteredTest {

  @Test
  void refusedWithExitStatusThreeThenAlteredWithItsReader(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE ru_items (id int PRIMARY KEY, price int NOT NULL)",
        "INSERT INTO ru_items VALUES (1, 10), (2, 20)");
    String url = db.jdbcUrl();
    CliRun create = CliRun.run(url, "create", "ru_prices", "--query", "SELECT id, coalesce(price, 0) AS p FROM ru_items");
    assertEquals(0, create.exitCode(), create.transcript());
    CliRun reader = CliRun.run(url, "create", "ru_total", "--query", "SELECT count(*) AS n, sum(p) AS s FROM ru_prices");
    assertEquals(0, reader.exitCode(), reader.transcript());

    db.execute("ALTER TABLE ru_items ALTER COLUMN price DROP NOT NULL", "INSERT INTO ru_items VALUES (3, NULL)");
    for (String command : List.of("refresh", "verify")) {
      CliRun refused = CliRun.run(url, command, "ru_prices");
      assertEquals(3, refused.exitCode(), refused.transcript());
      assertTrue(refused.err().contains("column \"price\" of \"public\".\"ru_items\" is no longer NOT NULL"),
          refused.transcript());
      assertTrue(refused.err().contains("freshet alter '\"public\".\"ru_prices\"' --mode AUTO"),
          refused.transcript());
      assertTrue(refused.err().contains("SQLSTATE:  FS012"), refused.transcript());
    }

    CliRun alter = CliRun.run(url, "alter", "ru_prices", "--mode", "AUTO");
    assertEquals(0, alter.exitCode(), alter.transcript());
    assertTrue(alter.out().contains("  rebuilt too:  \"public\".\"ru_total\" (rows: 1)\n"), alter.transcript());
    assertEquals(List.of(List.of(3L, 30L)), db.query("SELECT n, s FROM ru_total"));

    db.execute("INSERT INTO ru_items VALUES (4, NULL), (5, 5)", "UPDATE ru_items SET price = NULL WHERE id = 1");
    CliRun refresh = CliRun.run(url, "refresh", "ru_prices", "ru_total");
    assertEquals(0, refresh.exitCode(), refresh.transcript());
    CliRun verify = CliRun.run(url, "verify", "ru_prices", "ru_total");
    assertEquals(0, verify.exitCode(), verify.transcript());
    assertEquals("\"public\".\"ru_prices\": equal (5 rows)\n\"public\".\"ru_total\": equal (1 row)\n", verify.out(),
        verify.transcript());
    assertEquals(List.of(List.of(5L, 25L)), db.query("SELECT n, s FROM ru_total"));
    CliRun drop = CliRun.run(url, "drop", "--cascade", "ru_prices");
    assertEquals(0, drop.exitCode(), drop.transcript());
  }
}
