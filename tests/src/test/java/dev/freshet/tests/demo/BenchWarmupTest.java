package dev.freshet.tests.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code freshet bench --warmup N}: N rounds run first, like the others, and are left out of the medians (a
 * program's first refreshes try two join orders); the bench says so, runs warm-up plus rounds, checks every
 * stream table after the last, and prints the median of the queries' ratios full / refresh.
 */
@PostgresTest
class BenchWarmupTest {

  @Test
  void warmUpRoundsRunButAreLeftOutOfTheMedians(TestDatabase db) {
    BenchRun result = BenchRun.of(db, "bench", "--sf", "0.01", "--warmup", "2", "--rounds", "1", "--queries", "1,6");
    String output = result.out();
    assertEquals(0, result.exit(), output + result.err());
    assertTrue(output.contains("round 1 of 3 (warm-up, not in the medians)"), output);
    assertTrue(output.contains("round 2 of 3 (warm-up, not in the medians)"), output);
    assertTrue(output.contains("round 3 of 3 (batch 15), verifying each stream table at the end"), output);
    assertTrue(output.contains("2 warm-up rounds (in round 1's column only), then 1 round;"), output);
    for (String q : List.of("q01", "q06")) {
      assertTrue(output.lines().anyMatch(l -> l.startsWith(q + " ") && l.endsWith(" yes")), q + "\n" + output);
    }
    assertTrue(Pattern.compile("^Median of the 2 ratios full / refresh: \\d+\\.\\d\\dx\\.$", Pattern.MULTILINE)
        .matcher(output).find(), output);

    BenchRun bad = BenchRun.of(db, "bench", "--sf", "0.01", "--warmup", "-1");
    assertEquals(2, bad.exit(), bad.out() + bad.err());
    assertTrue(bad.err().contains("--warmup must be at least 0"), bad.err());
  }
}
