package dev.freshet.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.freshet.runtime.cli.FreshetCli;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The example in {@code verify --help} works as written, pasted into a shell on a machine with no database
 * settings: every {@code freshet} in it is run, with the example's URL replaced by the test database's, and
 * must succeed. The example names its database in each command or by an {@code export FRESHET_JDBC_URL=} line
 * before them (which {@code --jdbc-url} stands for here: the test cannot set its own environment).
 */
@PostgresTest
class CliHelpExampleTest {

  @Test
  void verifysExampleWorksAsWritten(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE orders (id int PRIMARY KEY, customer_id int, amount numeric)",
        "INSERT INTO orders VALUES (1, 1, 10), (2, 1, 5), (3, 2, 7)");
    CliRun create = CliRun.run(db.jdbcUrl(), "create", "revenue_by_customer", "--query",
        "SELECT customer_id, sum(amount) AS revenue FROM orders GROUP BY customer_id");
    assertEquals(0, create.exitCode(), create.transcript());
    db.execute("INSERT INTO orders VALUES (4, 2, 1)"); // not applied yet: the example refreshes first

    List<CliRun> runs = runExample("verify", db.jdbcUrl());
    assertEquals(4, runs.size(), "refresh, then verify; refresh --all, then verify --all: " + runs);
    for (CliRun verify : List.of(runs.get(1), runs.get(3))) {
      assertEquals("\"public\".\"revenue_by_customer\": equal (2 rows)\n", verify.out(), verify.transcript());
    }
  }

  /** Runs the commands of {@code command}'s help example in order, as a shell would, stopping at a failure. */
  private static List<CliRun> runExample(String command, String testUrl) {
    String[] footer = FreshetCli.commandLine().getSubcommands().get(command).getCommandSpec().usageMessage()
        .footer();
    List<String> lines = new ArrayList<>();
    boolean inExample = false;
    for (String line : footer) {
      if (line.startsWith("Example")) {
        inExample = true;
      } else if (inExample && !line.isBlank()) {
        lines.add(line.strip());
      }
    }
    assertFalse(lines.isEmpty(), command + " --help has no example");
    String exported = null; // FRESHET_JDBC_URL, once the example exports it
    List<CliRun> runs = new ArrayList<>();
    for (String line : String.join("\n", lines).replace("\\\n", " ").split("\n")) {
      if (line.startsWith("export ")) {
        assertTrue(line.startsWith("export FRESHET_JDBC_URL="), "the example sets something else: " + line);
        exported = testUrl;
        continue;
      }
      for (String shellCommand : line.split("&&")) {
        List<String> args = new ArrayList<>(List.of(shellCommand.strip().split("\\s+")));
        assertEquals("freshet", args.remove(0), "not a freshet command: " + shellCommand);
        int url = args.indexOf("--jdbc-url");
        if (url >= 0) {
          args.set(url + 1, testUrl);
        } else if (exported == null) {
          fail("'" + shellCommand.strip() + "' names no database (no --jdbc-url, no FRESHET_JDBC_URL exported "
              + "before it): as written it connects to nothing, or to whatever PG* variables name");
        }
        CliRun run = CliRun.run(url >= 0 ? null : exported, args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), shellCommand + ": " + run.transcript());
        runs.add(run);
      }
    }
    return runs;
  }
}
