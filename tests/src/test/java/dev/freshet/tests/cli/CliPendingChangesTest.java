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
 * {@code status} names the pending changes of the sources that have some. For a query over several tables it
 * listed every source with its count, 0 included ({@code ("public"."pc_orders" 1, "public"."pc_customers" 0)}),
 * which the walkthrough found to be noise; the sources and their captured columns are listed under
 * {@code sources:}, as before.
 */
@PostgresTest
class CliPendingChangesTest {

  @Test
  void statusNamesOnlyTheSourcesWithPendingChanges(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE pc_customers (id int PRIMARY KEY, region text NOT NULL)",
        "CREATE TABLE pc_orders (id int PRIMARY KEY, customer int NOT NULL, amount int NOT NULL)",
        "CREATE TABLE pc_regions (name text PRIMARY KEY, manager text)",
        "INSERT INTO pc_customers VALUES (1, 'east'), (2, 'west')", "INSERT INTO pc_regions VALUES ('east', 'ann')",
        "INSERT INTO pc_orders VALUES (1, 1, 10), (2, 2, 20)");
    String url = db.jdbcUrl();
    CliRun create = CliRun.run(url, "create", "pc_st", "--mode", "differential", "--query",
        "SELECT c.region, r.manager, sum(o.amount) AS total FROM pc_orders o JOIN pc_customers c ON c.id = o.customer "
            + "LEFT JOIN pc_regions r ON r.name = c.region GROUP BY c.region, r.manager");
    assertEquals(0, create.exitCode(), create.transcript());

    db.execute("INSERT INTO pc_orders VALUES (3, 1, 5)");
    CliRun one = CliRun.run(url, "status", "pc_st");
    assertEquals(0, one.exitCode(), one.transcript());
    assertTrue(one.out().contains("  pending:      1 change buffered since the last refresh (\"public\".\"pc_orders\" 1)\n"),
        one.transcript());
    assertFalse(one.out().contains(" 0)") || one.out().contains(" 0,"), one.transcript());
    // the sources are still listed, with their captured columns
    assertTrue(one.out().contains("  sources:\n    \"public\".\"pc_customers\" (\"id\", \"region\")\n"
        + "    \"public\".\"pc_orders\" (\"customer\", \"amount\")\n"
        + "    \"public\".\"pc_regions\" (\"name\", \"manager\")\n"), one.transcript());

    db.execute("UPDATE pc_regions SET manager = 'bob' WHERE name = 'east'");
    CliRun two = CliRun.run(url, "status", "pc_st");
    // the update is buffered as its old row and its new one
    assertTrue(two.out().contains("  pending:      3 changes buffered since the last refresh (\"public\".\"pc_orders\" 1, "
        + "\"public\".\"pc_regions\" 2)\n"), two.transcript());
    assertFalse(two.out().contains("pc_customers\" 0"), two.transcript());

    CliRun refresh = CliRun.run(url, "refresh", "pc_st");
    assertEquals(0, refresh.exitCode(), refresh.transcript());
    try (Connection c = db.connect()) {
      Oracle.assertFresh(c, "pc_st");
    }
    CliRun none = CliRun.run(url, "status", "pc_st");
    assertTrue(none.out().contains("  pending:      none (nothing changed in its sources since the last refresh)\n"),
        none.transcript());
  }
}
