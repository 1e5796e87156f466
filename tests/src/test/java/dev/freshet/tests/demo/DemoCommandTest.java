package dev.freshet.tests.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.cli.FreshetCli;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tpch.TpchQueries;
import dev.freshet.tpch.bench.MaintenanceRun;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code freshet demo}, run in-process against a database of its own: it loads TPC-H SF-0.01,
 * creates the stream tables in scope, runs one round of RF1/RF2/RF3, refreshes, and every stream
 * table matches a full recompute of its query, DIFFERENTIAL.
 */
@PostgresTest
class DemoCommandTest {

  @Test
  void oneRoundEveryQueryInScopeMatchesItsFullRecompute(TestDatabase db) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = FreshetCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));

    int exit = cli.execute("demo", "--jdbc-url", db.jdbcUrl(), "--rounds", "1");

    String output = out.toString();
    String diagnostics = "stdout:\n" + output + "\nstderr:\n" + err;
    assertEquals(0, exit, diagnostics);
    List<String> lines = output.lines().toList();
    for (int q : MaintenanceRun.IN_SCOPE) {
      String name = TpchQueries.name(q);
      Pattern row = Pattern.compile("^" + name + "\\s.*\\sDIFFERENTIAL\\s+\\d+\\s.*\\syes$");
      assertTrue(lines.stream().anyMatch(l -> row.matcher(l).matches()),
          name + " has no round line in DIFFERENTIAL mode saying it matches\n" + diagnostics);
    }
    assertTrue(output.contains("All " + MaintenanceRun.IN_SCOPE.size() + " stream tables matched a full recompute "
        + "after the round (" + MaintenanceRun.IN_SCOPE.size() + " refreshes)"), diagnostics);
    // "1 row", never "1 rows" (issue 15): q06 has one row at every scale
    assertTrue(lines.stream().anyMatch(l -> l.matches("^  q06 .* 1 row   .* s$")), diagnostics);
    assertTrue(lines.stream().noneMatch(l -> l.matches(".*\\b1 rows\\b.*")), diagnostics);
    assertTrue(output.contains("show correctness, not speed") && output.contains("'freshet bench --sf 1'"),
        "the demo says what its times mean: " + diagnostics);
  }
}
