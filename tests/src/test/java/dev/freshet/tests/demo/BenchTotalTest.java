package dev.freshet.tests.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code freshet bench --total}: the same batches written with no maintenance and with Freshet capturing (then
 * refreshed), undone in between, as one transaction and as several; and {@code --pg-ivm} refused, naming the fix,
 * on a server without pg_ivm (the tests' server has none). Nothing here looks at a time.
 */
@PostgresTest
class BenchTotalTest {

  private static BenchRun run(TestDatabase db, String... args) {
    return BenchRun.of(db, args);
  }

  @Test
  void pgIvmMissingIsRefusedBeforeAnythingIsLoaded(TestDatabase db) throws Exception {
    BenchRun r = run(db, "bench", "--pg-ivm", "--sf", "0.01");
    assertEquals(3, r.exit(), r.out() + r.err());
    assertTrue(r.err().contains("--pg-ivm: the extension pg_ivm is not installed on this server (PostgreSQL ")
        && r.err().contains("https://github.com/sraoss/pg_ivm") && r.err().contains("or leave out --pg-ivm"), r.err());
    try (Connection c = db.connect(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT to_regclass('public.orders') IS NULL")) {
      rs.next();
      assertTrue(rs.getBoolean(1), "refused after loading TPC-H");
    }
  }

  @Test
  void theSameBatchesAreWrittenUnderEachSetupAndEveryStreamTableStillMatches(TestDatabase db) throws Exception {
    BenchRun r = run(db, "bench", "--total", "--sf", "0.01", "--rounds", "1", "--transactions", "3", "--queries", "1,6");
    assertEquals(0, r.exit(), r.out() + r.err());
    for (String batch : List.of("RF1, 1 transaction", "RF2, 1 transaction", "RF1, 3 transactions",
        "RF2, 3 transactions")) {
      // rows, writer alone, overhead (noise can make it negative), refresh, total
      Pattern row = Pattern.compile("^" + batch + "\\s+[\\d,]+\\s+[\\d.,]+\\s+-?[\\d.,]+\\s+[\\d.,]+\\s+-?[\\d.,]+$");
      assertTrue(r.out().lines().anyMatch(l -> row.matcher(l).matches()), batch + " has no row\n" + r.out());
    }
    assertTrue(r.out().contains("Every stream table matched its query at the end."), r.out());
    assertTrue(!r.out().contains("not the same batch"), r.out());
    // capture enabled again after a setup without it makes the next refresh recompute (catalog V45): the bench does
    // that refresh before the batch, so that no refresh of a batch (a window with changes) is that recompute
    try (Connection c = db.connect(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT count(*) FILTER (WHERE window_rows > 0), count(*) "
             + "FROM freshet.refresh_history WHERE mode_reason LIKE '%DISABLE or ENABLE TRIGGER%'")) {
      rs.next();
      assertEquals(0, rs.getLong(1), "refreshes of a batch that recomputed for triggers enabled again");
      assertTrue(rs.getLong(2) > 0, "no refresh before a batch recomputed for triggers enabled again");
    }
  }
}
