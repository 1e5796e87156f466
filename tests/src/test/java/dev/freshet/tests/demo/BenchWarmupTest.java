package dev.freshet.tests.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.cli.FreshetCli;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code freshet bench --warmup N}: N rounds run first, like the others, and are left out of the medians (a
 * program's first refreshes try two join orders); the bench says so, runs warm-up plus rounds, checks every
 * stream table after the last, and prints the median of the queries' ratios full / refresh.
 */
@PostgresTest
class BenchWarmupTest {

  private static String[] run(TestDatabase db, String... args) {
    StringWriter out = new StringWriter();
    CommandLine cli = FreshetCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(out, true));
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--jdbc-url", db.jdbcUrl()));
    int exit = cli.execute(all.toArray(String[]::new));
    return new String[] {Integer.toString(exit), out.toString()};
  }

  @Test
  void warmUpRoundsRunButAreLeftOutOfTheMedians(TestDatabase db) {
    String[] result = run(db, "bench", "--sf", "0.01", "--warmup", "2", "--rounds", "1", "--queries", "1,6");
    String output = result[1];
    assertEquals("0", result[0], output);
    assertTrue(output.contains("round 1 of 3 (warm-up, not in the medians)"), output);
    assertTrue(output.contains("round 2 of 3 (warm-up, not in the medians)"), output);
    assertTrue(output.contains("round 3 of 3 (batch 15), verifying each stream table at the end"), output);
    assertTrue(output.contains("2 warm-up rounds (in round 1's column only), then 1 round;"), output);
    for (String q : List.of("q01", "q06")) {
      assertTrue(output.lines().anyMatch(l -> l.startsWith(q + " ") && l.endsWith(" yes")), q + "\n" + output);
    }
    assertTrue(Pattern.compile("^Median of the 2 ratios full / refresh: \\d+\\.\\d\\dx\\.$", Pattern.MULTILINE)
        .matcher(output).find(), output);

    String[] bad = run(db, "bench", "--sf", "0.01", "--warmup", "-1");
    assertEquals("2", bad[0], bad[1]);
    assertTrue(bad[1].contains("--warmup must be at least 0"), bad[1]);
  }
}
