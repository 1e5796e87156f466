package dev.freshet.tests.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code freshet bench --sweep}: one round per batch size (a percentage of the orders), a table of
 * refresh against full recompute per query and size, and every stream table checked after the last size.
 */
@PostgresTest
class BenchSweepTest {

  @Test
  void aSweepMeasuresEachBatchSizeAndChecksEveryStreamTable(TestDatabase db) {
    BenchRun result = BenchRun.of(db, "bench", "--sf", "0.01", "--sweep", "0.5,5", "--queries", "1,6,13");
    String output = result.out();
    assertEquals(0, result.exit(), output);
    // 15,000 orders at SF-0.01: batches of 75 and 750
    assertTrue(output.contains("0.5% (75) refresh") && output.contains("5% (750) refresh"), output);
    for (String q : List.of("q01", "q06", "q13")) {
      // refresh, the query, a FULL refresh, the faster refresh, and AUTO's pick (marked when it was the slower)
      Pattern row = Pattern.compile("^" + q + "(\\s+[\\d.,]+\\s+[\\d.,]+\\s+[\\d.,]+\\s+(DIFF|FULL)\\s+(DIFF|FULL)"
          + "( \\(slower\\))?){2}\\s+yes$");
      assertTrue(output.lines().anyMatch(l -> row.matcher(l).matches()), q + " has no sweep row\n" + output);
    }
    assertTrue(output.lines().anyMatch(l -> l.matches(
        "^DIFF faster than FULL\\s+\\d of 3\\s+right \\d of 3\\s+\\d of 3\\s+right \\d of 3\\s*$")), output);
    assertTrue(output.lines().anyMatch(l -> l.matches("^AUTO \\(asked before each refresh what it would choose for "
        + "that window\\) picked the faster of the two in \\d of 6 cells \\(\\d+%\\)\\.$")), output);

    BenchRun bad = BenchRun.of(db, "bench", "--sf", "0.01", "--sweep", "0,5");
    assertEquals(2, bad.exit(), bad.out() + bad.err());
  }
}
