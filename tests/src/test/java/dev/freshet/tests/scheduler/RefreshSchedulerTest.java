package dev.freshet.tests.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.scheduler.RefreshScheduler;
import dev.freshet.runtime.scheduler.Schedule;
import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StreamTableException;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Scheduled refreshes: due ones run, upstream first; a stream table over a stream table stays exact. */
@PostgresTest
class RefreshSchedulerTest {

  @Test
  void dueStreamTablesRefreshUpstreamFirst(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE sales (id int PRIMARY KEY, region text, amount numeric(10,2))",
        "INSERT INTO sales SELECT i, 'r' || (i % 4), i * 2.5 FROM generate_series(1, 40) i");
    try (Connection c = db.connect()) {
      // Created downstream-last, but listed by name: "a_totals" sorts before "b_sales".
      StreamTables.create(c, "b_sales", "SELECT id, region, amount FROM sales WHERE amount > 10",
          Mode.DIFFERENTIAL, "1m");
      StreamTables.create(c, "a_totals", "SELECT region, sum(amount) AS total, count(*) AS n FROM b_sales "
          + "GROUP BY region", Mode.DIFFERENTIAL, "1m");
      db.execute("INSERT INTO sales VALUES (100, 'r9', 99.00)", "DELETE FROM sales WHERE id = 7");

      List<RefreshScheduler.Attempt> none = RefreshScheduler.runDue(c, OffsetDateTime.now(), a -> { });
      assertEquals(List.of(), none, "just created: nothing is due");

      List<RefreshScheduler.Attempt> due = RefreshScheduler.runDue(c, OffsetDateTime.now().plusMinutes(2), a -> { });
      assertEquals(List.of("\"public\".\"b_sales\"", "\"public\".\"a_totals\""),
          due.stream().map(RefreshScheduler.Attempt::name).toList());
      due.forEach(a -> assertEquals(null, a.error()));
      Oracle.assertFresh(c, "b_sales");
      Oracle.assertFresh(c, "a_totals");
      assertTrue(db.query("SELECT 1 FROM a_totals WHERE region = 'r9'").size() == 1,
          "the change reached the downstream stream table in one pass");
    }
  }

  @Test
  void schedulesAreValidated(TestDatabase db) throws Exception {
    assertEquals(Duration.ofSeconds(30), Schedule.parse("30s").interval());
    assertEquals(Duration.ofMinutes(5), Schedule.parse("5 minutes").interval());
    assertEquals(Duration.ofHours(1), Schedule.parse("1h").interval());
    assertThrows(IllegalArgumentException.class, () -> Schedule.parse("0s"));
    assertThrows(IllegalArgumentException.class, () -> Schedule.parse("every day"));
    db.execute("CREATE TABLE t (id int PRIMARY KEY)");
    try (Connection c = db.connect()) {
      StreamTableException e = assertThrows(StreamTableException.class,
          () -> StreamTables.create(c, "st", "SELECT id FROM t", Mode.AUTO, "daily"));
      assertTrue(e.getMessage().contains("30s, 5m or 1h"), e.getMessage());
    }
  }
}
