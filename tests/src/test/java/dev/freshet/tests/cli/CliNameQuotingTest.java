package dev.freshet.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A source table is printed the one way a stream table is, quoted and qualified as SQL takes it, by every
 * command that names it: create (and --dry-run), status (pending changes and history), verify, refresh,
 * explain (its plans aside, which have their own notation). A name that needs its quotes ({@code "Shop"."Order Items"}) shows it: printed bare, it could not be
 * pasted back into SQL, nor into {@code explain --changed}.
 */
@PostgresTest
class CliNameQuotingTest {

  private static final String SOURCE = "\"Shop\".\"Order Items\"";

  @Test
  void everyCommandPrintsASourceQuotedAndQualified(TestDatabase db) throws Exception {
    db.execute("CREATE SCHEMA \"Shop\"", "CREATE TABLE " + SOURCE + " (id int PRIMARY KEY, qty int)",
        "INSERT INTO " + SOURCE + " VALUES (1, 1)");
    String url = db.jdbcUrl();
    String query = "SELECT id, qty FROM " + SOURCE;
    List<CliRun> runs = new ArrayList<>();

    CliRun create = run(runs, url, "create", "nq_items", "--query", query);
    assertTrue(create.out().contains("\n    " + SOURCE + " {id,qty}\n"), create.transcript());
    CliRun dryRun = run(runs, url, "create", "nq_other", "--dry-run", "--query", query);
    assertTrue(dryRun.out().contains("\n  sources:      " + SOURCE + "\n"), dryRun.transcript());

    db.execute("INSERT INTO " + SOURCE + " VALUES (2, 2)");
    CliRun pending = run(runs, url, "status", "nq_items");
    assertTrue(pending.out().contains("1 change buffered since the last refresh (" + SOURCE + " 1)"),
        pending.transcript());
    CliRun verify = CliRun.run(url, "verify", "nq_items"); // exit 1: the change is not applied yet
    runs.add(verify);
    assertEquals(1, verify.exitCode(), verify.transcript());
    assertTrue(verify.out().contains("it has 1 change of its sources (" + SOURCE + ") not applied yet"),
        verify.transcript());

    CliRun refresh = run(runs, url, "refresh", "nq_items");
    assertTrue(refresh.out().startsWith("\"public\".\"nq_items\"  DIFFERENTIAL  changed " + SOURCE + "  +1 ~0 -0"),
        refresh.transcript());
    assertEquals(0, CliRun.run(url, "verify", "nq_items").exitCode(), "the refresh left it equal to its query");
    CliRun status = run(runs, url, "status", "nq_items");
    assertTrue(status.out().contains("  +1 ~0 -0  delta 1  changed " + SOURCE), status.transcript());

    CliRun explain = run(runs, url, "explain", "nq_items");
    assertTrue(explain.out().contains("\n  sources:  " + SOURCE + "\n"), explain.transcript());
    assertTrue(explain.out().contains("\n-- Changed: " + SOURCE + "\n"), explain.transcript());
    // the name as printed is the name explain --changed takes
    CliRun changed = run(runs, url, "explain", "nq_items", "--changed", SOURCE);
    assertTrue(changed.out().contains("\n-- Changed: " + SOURCE + "\n"), changed.transcript());

    // plans are printed in their own notation, names bare as Calcite's are (Scan(table=[Shop.Order Items])), and
    // a change table's name holds its source's: "pg_temp"."ΔShop.Order Items" is one identifier
    for (CliRun r : runs) {
      assertFalse((r.out() + r.err()).lines().filter(line -> !line.contains("Scan(table=[") && !line.contains("Δ"))
          .anyMatch(line -> line.contains("Shop.Order Items")), "printed bare: " + r.transcript());
    }
  }

  private static CliRun run(List<CliRun> runs, String url, String... args) {
    CliRun run = CliRun.run(url, args);
    assertEquals(0, run.exitCode(), run.transcript());
    runs.add(run);
    return run;
  }
}
