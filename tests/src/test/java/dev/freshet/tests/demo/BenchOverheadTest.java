package dev.freshet.tests.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code freshet bench --overhead}: one row per path and window, the last path a CALL sent as the first statement
 * of a session opened for it (one statement: nothing else went through that session), and the stream tables
 * verified at the end. Nothing here looks at a time.
 */
@PostgresTest
class BenchOverheadTest {

  @Test
  void everyPathIsMeasuredAndASessionsFirstCallIsItsOnlyStatement(TestDatabase db) {
    BenchRun r = BenchRun.of(db, "bench", "--overhead", "--sf", "0.01", "--rounds", "2", "--queries", "6");
    assertEquals(0, r.exit(), r.out() + r.err());
    for (String path : List.of("refresh (command line)", "service pass", "CALL freshet.refresh",
        "CALL, a new session's first")) {
      for (String window : List.of("empty", "one row")) {
        // total, refresh statement, rest, total / refresh statement, statements
        Pattern row = Pattern.compile("^q06\\s+" + Pattern.quote(path) + "\\s+" + window
            + "\\s+[\\d.,]+\\s+[\\d.,]+\\s+-?[\\d.,]+\\s+[\\d.]+x\\s+(\\d+)$");
        List<String> rows = r.out().lines().filter(l -> row.matcher(l).matches()).toList();
        assertEquals(1, rows.size(), path + ", " + window + "\n" + r.out());
        if (path.startsWith("CALL")) {
          var m = row.matcher(rows.getFirst());
          assertTrue(m.matches());
          assertEquals("1", m.group(1), rows.getFirst());
        }
      }
    }
    assertTrue(r.out().contains("q06 matches its query"), r.out());
  }
}
