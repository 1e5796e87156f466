package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.count;
import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static dev.freshet.tests.scenarios.Scenarios.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.streamtable.AutoChoice;
import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.RefreshReport;
import dev.freshet.runtime.streamtable.StoredStreamTable;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * AUTO chooses per refresh (catalog V11): a stream table requested AUTO and maintained DIFFERENTIAL is
 * recomputed when its recent differential refreshes, fitted to the window's size, say a differential
 * refresh would cost more than its last recompute. Timings are never asserted: the tests set the
 * recorded costs (a recompute measured as nearly free, or as very dear) and assert the choice that follows,
 * its reason in the history, and, after every refresh, the oracle.
 */
@PostgresTest
class AutoModeScenarioTest {

  /** The stream tables' query, over {@code table}. */
  private static String totals(String table) {
    return "SELECT region, count(*) AS n, sum(amount) AS total FROM " + table + " GROUP BY region";
  }

  /** An AUTO stream table, maintained DIFFERENTIAL, checked by the oracle. */
  private static long createAuto(Connection c, String name, String sql) throws Exception {
    StoredStreamTable st = StreamTables.create(c, name, sql, Mode.AUTO, null);
    assertEquals(Mode.DIFFERENTIAL, st.effectiveMode(), () -> name + ": " + st.fallbackReason());
    Oracle.assertFresh(c, name);
    return st.id();
  }

  private static void setRecomputeMillis(Connection c, long id, double millis) throws Exception {
    exec(c, "UPDATE freshet.stream_tables SET recompute_ms = " + millis + " WHERE id = " + id);
  }

  private static List<String> lastHistory(Connection c, long id) throws Exception {
    return rows(c, "SELECT mode_used, window_rows, coalesce(mode_reason, '-') FROM freshet.refresh_history "
        + "WHERE stream_table_id = " + id + " ORDER BY id DESC LIMIT 1");
  }

  @Test
  void recomputesWhenADifferentialRefreshWouldCostMore(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE am_sales (id int PRIMARY KEY, region text, amount int)",
          "INSERT INTO am_sales SELECT g, 'r' || (g % 7), g FROM generate_series(1, 200) g",
          "ANALYZE am_sales");
      long id = createAuto(c, "am_totals", totals("am_sales"));
      assertEquals("DIFFERENTIAL", text(c, "SELECT effective_mode FROM freshet.stream_tables WHERE id = " + id));
      assertTrue(Double.parseDouble(text(c, "SELECT recompute_ms FROM freshet.stream_tables WHERE id = " + id)) >= 0,
          "create measures what computing the stream table cost");

      // no differential refresh measured yet, and 6 changes (an UPDATE buffers the old row and the new)
      // are far below a tenth of 200 rows
      exec(c, "UPDATE am_sales SET amount = amount + 1 WHERE id IN (1, 2, 3)");
      RefreshReport first = Oracle.refreshAndCheck(c, "am_totals", Mode.DIFFERENTIAL);
      assertEquals(6, first.windowRows());
      assertEquals(List.of("DIFFERENTIAL|6|AUTO: 6 changes; no differential refresh measured yet"), lastHistory(c, id));

      // a recompute measured as nearly free: any differential refresh is estimated dearer
      setRecomputeMillis(c, id, 0.001);
      exec(c, "INSERT INTO am_sales VALUES (201, 'r9', 5)", "DELETE FROM am_sales WHERE id = 4");
      RefreshReport full = Oracle.refreshAndCheck(c, "am_totals", Mode.FULL);
      assertEquals(List.of("\"public\".\"am_sales\""), full.changedSources());
      assertTrue(full.modeReason().orElseThrow().startsWith("AUTO: 2 changes; differential estimated at "),
          full.toString());
      assertTrue(full.modeReason().orElseThrow().endsWith(" (the last 1, of about as many changes), a recompute at "
          + "0.0 ms"), full.toString());
      assertEquals("FULL|2", lastHistory(c, id).getFirst().substring(0, "FULL|2".length()));
      assertTrue(Double.parseDouble(text(c, "SELECT recompute_ms FROM freshet.stream_tables WHERE id = " + id)) > 0.001,
          "a FULL refresh records what it cost");

      // a recompute measured as very dear: differential again
      setRecomputeMillis(c, id, 1e9);
      exec(c, "UPDATE am_sales SET region = 'r1' WHERE id = 10");
      RefreshReport again = Oracle.refreshAndCheck(c, "am_totals", Mode.DIFFERENTIAL);
      assertTrue(again.modeReason().orElseThrow().contains("a recompute at 1,000,000,000.0 ms"), again.toString());

      // nothing changed: nothing to choose
      RefreshReport idle = Oracle.refreshAndCheck(c, "am_totals", Mode.DIFFERENTIAL);
      assertEquals(0, idle.windowRows());
      assertTrue(idle.modeReason().isEmpty(), idle.toString());

      // CALL freshet.refresh chooses the same way
      setRecomputeMillis(c, id, 0.001);
      exec(c, "DELETE FROM am_sales WHERE id = 11");
      try (Connection plain = DriverManager.getConnection(db.jdbcUrl())) {
        exec(plain, "CALL freshet.refresh('am_totals')");
      }
      Oracle.assertFresh(c, "am_totals");
      assertTrue(lastHistory(c, id).getFirst().startsWith("FULL|1|AUTO: 1 change; differential estimated at "),
          lastHistory(c, id).toString());
    }
  }

  @Test
  void aDifferentialStreamTableNeverChooses(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE am_sales2 (id int PRIMARY KEY, region text, amount int)",
          "INSERT INTO am_sales2 SELECT g, 'r' || (g % 3), g FROM generate_series(1, 20) g", "ANALYZE am_sales2");
      long id = create(c, "am_fixed", totals("am_sales2"), Mode.DIFFERENTIAL).id();
      setRecomputeMillis(c, id, 0.001);
      exec(c, "DELETE FROM am_sales2 WHERE id > 5"); // most of the table
      RefreshReport r = Oracle.refreshAndCheck(c, "am_fixed", Mode.DIFFERENTIAL);
      // it does not count its window (only AUTO weighs it): its one source changed
      assertEquals(1, r.windowRows());
      assertEquals(List.of("DIFFERENTIAL|1|-"), lastHistory(c, id));
      // were it made AUTO, its choice would not learn a cost per change from that uncounted window
      assertTrue(text(c, "SELECT reason FROM freshet.auto_choice(" + id + ", 15)")
          .contains("no differential refresh measured yet"), text(c, "SELECT reason FROM freshet.auto_choice(" + id + ", 15)"));
    }
  }

  @Test
  void withoutMeasurementsALargeWindowIsRecomputed(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE am_sales3 (id int PRIMARY KEY, region text, amount int)",
          "INSERT INTO am_sales3 SELECT g, 'r' || (g % 5), g FROM generate_series(1, 100) g", "ANALYZE am_sales3");
      long id = createAuto(c, "am_prior", totals("am_sales3"));
      exec(c, "INSERT INTO am_sales3 SELECT g, 'new', 1 FROM generate_series(101, 130) g");
      RefreshReport r = Oracle.refreshAndCheck(c, "am_prior", Mode.FULL);
      assertEquals("AUTO: 30 changes, more than a tenth of the sources' 100 rows, and no differential refresh "
          + "measured yet: recomputed", r.modeReason().orElseThrow());
      assertEquals(List.of("FULL|30|" + r.modeReason().get()), lastHistory(c, id));
    }
  }

  /**
   * {@code freshet.auto_override = 'differential'} (catalog V32): an AUTO stream table is refreshed differentially
   * where AUTO would recompute, its window counted and the refresh recorded as AUTO's own, so that AUTO's estimate
   * learns from it; another value fails the refresh naming the setting, and nothing is applied.
   */
  @Test
  void anOverrideRefreshesDifferentiallyAndAutoLearnsFromIt(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE am_sales9 (id int PRIMARY KEY, region text, amount int)",
          "INSERT INTO am_sales9 SELECT g, 'r' || (g % 5), g FROM generate_series(1, 100) g", "ANALYZE am_sales9");
      long id = createAuto(c, "am_forced", totals("am_sales9"));
      exec(c, "INSERT INTO am_sales9 SELECT g, 'new', 1 FROM generate_series(101, 130) g");
      // what AUTO would do: more than a tenth of the rows changed, nothing measured: recompute
      assertEquals(Mode.FULL, StreamTables.autoChoice(c, id).orElseThrow().mode());

      exec(c, "SET freshet.auto_override = 'Differential'");
      RefreshReport forced = Oracle.refreshAndCheck(c, "am_forced", Mode.DIFFERENTIAL);
      assertEquals(List.of("DIFFERENTIAL|30|AUTO: 30 changes; differential, as freshet.auto_override asks"),
          lastHistory(c, id));
      assertEquals(30, forced.windowRows());
      // a non-AUTO stream table is not concerned
      long fixed = create(c, "am_forced_fixed", totals("am_sales9"), Mode.DIFFERENTIAL).id();
      exec(c, "DELETE FROM am_sales9 WHERE id = 101");
      Oracle.refreshAndCheck(c, "am_forced_fixed", Mode.DIFFERENTIAL);
      assertEquals(List.of("DIFFERENTIAL|1|-"), lastHistory(c, fixed));

      // AUTO has measured a differential refresh now: its estimate of a window as large says so
      exec(c, "RESET freshet.auto_override");
      AutoChoice learned = StreamTables.autoChoice(c, id, 30);
      assertTrue(learned.reason().contains("(the last 1, of about as many changes)"), learned.reason());

      String before = text(c, "SELECT n || ' ' || total FROM am_forced WHERE region = 'r1'");
      exec(c, "SET freshet.auto_override = 'full'", "INSERT INTO am_sales9 VALUES (200, 'r1', 7)");
      java.sql.SQLException refused = org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
          () -> StreamTables.refresh(c, "am_forced"));
      assertEquals("22023", refused.getSQLState());
      assertEquals("freshet.auto_override must be 'differential' or empty, not 'full'",
          dev.freshet.runtime.jdbc.DatabaseErrors.message(refused));
      assertEquals(before, text(c, "SELECT n || ' ' || total FROM am_forced WHERE region = 'r1'"), "nothing applied");
      exec(c, "RESET freshet.auto_override");
      StreamTables.refresh(c, "am_forced"); // AUTO chooses either mode: the same rows
      Oracle.assertFresh(c, "am_forced");
    }
  }

  @Test
  void theEstimateIsALineThroughRecentDifferentialRefreshes(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE am_sales4 (id int PRIMARY KEY, region text, amount int)",
          "INSERT INTO am_sales4 VALUES (1, 'a', 1)");
      long id = createAuto(c, "am_line", totals("am_sales4"));
      setRecomputeMillis(c, id, 300);
      String insert = "INSERT INTO freshet.refresh_history (stream_table_id, started_at, finished_at, mode_used, "
          + "window_rows, mode_reason) VALUES (" + id + ", now(), now() + interval '%s ms', '%s', %d, 'AUTO: chosen')";
      // windows of one size (two of 100 changes): a line needs sizes apart. Their mean cost for a window up to
      // their size; for a larger one, between that mean and the mean scaled by the sizes
      exec(c, String.format(insert, 9, "DIFFERENTIAL", 100), String.format(insert, 11, "DIFFERENTIAL", 100));
      assertChoice(c, id, 50, Mode.DIFFERENTIAL, 10.0);
      assertChoice(c, id, 1100, Mode.DIFFERENTIAL, 110.0); // at most 110 ms: below the recompute's 300
      assertChoice(c, id, 4000, Mode.DIFFERENTIAL, null); // 10 to 400 ms: not known, and few changes
      assertEquals("AUTO: 4,000 changes; differential between 10.0 and 400.0 ms (only fewer changes measured), a "
          + "recompute at 300.0 ms; not more than a tenth of the sources' rows changed: differential",
          text(c, "SELECT reason FROM freshet.auto_choice(" + id + ", 4000)"));
      setRecomputeMillis(c, id, 5);
      assertChoice(c, id, 1100, Mode.FULL, 10.0); // at least 10 ms, the cost of fewer changes: above 5
      setRecomputeMillis(c, id, 300);
      // sizes far apart: fixed cost 5 ms + 0.05 ms per change (through (100, 9), (100, 11), (1000, 55))
      exec(c, String.format(insert, 55, "DIFFERENTIAL", 1000));
      assertChoice(c, id, 5800, Mode.DIFFERENTIAL, 295.0);
      assertChoice(c, id, 6000, Mode.FULL, 305.0);
      // FULL refreshes and failures are not differential measurements
      exec(c, String.format(insert, 1, "FULL", 5000));
      assertChoice(c, id, 6000, Mode.FULL, 305.0);
      String reason = text(c, "SELECT reason FROM freshet.auto_choice(" + id + ", 6000)");
      assertEquals("AUTO: 6,000 changes; differential estimated at 305.0 ms (a line through the last 3), a "
          + "recompute at 300.0 ms", reason);
    }
  }

  /** AUTO's choice for {@code window} changes and its estimate of a differential refresh (null: none). */
  private static void assertChoice(Connection c, long id, long window, Mode mode, Double differentialMillis)
      throws Exception {
    List<String> choice = rows(c, "SELECT mode, coalesce(round(differential_ms::numeric, 3)::text, 'none') "
        + "FROM freshet.auto_choice(" + id + ", " + window + ")");
    assertEquals(List.of(mode + "|" + (differentialMillis == null ? "none"
        : new java.math.BigDecimal(differentialMillis).setScale(3).toPlainString())), choice, "window " + window);
  }

  @Test
  void aRecomputeReachesDownstreamAsItsDiff(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE am_sales5 (id int PRIMARY KEY, region text, amount int)",
          "INSERT INTO am_sales5 SELECT g, 'r' || (g % 10), g FROM generate_series(1, 500) g", "ANALYZE am_sales5");
      long up = createAuto(c, "am_up", totals("am_sales5"));
      long down = create(c, "am_down", "SELECT region, total FROM am_up WHERE n > 10", Mode.DIFFERENTIAL).id();
      exec(c, "UPDATE am_sales5 SET amount = amount + 1 WHERE id = 3");
      Oracle.refreshAndCheck(c, "am_up", Mode.DIFFERENTIAL); // a differential refresh measured
      Oracle.refreshAndCheck(c, "am_down", Mode.DIFFERENTIAL);
      setRecomputeMillis(c, up, 0.0);
      exec(c, "UPDATE am_sales5 SET amount = amount + 100 WHERE id = 7");
      Oracle.refreshAndCheck(c, "am_up", Mode.FULL);
      // the recompute changed one of the ten groups: the stream table downstream reads that group's update
      // (its old row and its new), not a rewrite of all ten
      assertEquals(2L, StreamTables.pendingChanges(c, down).values().stream().mapToLong(Long::longValue).sum());
      RefreshReport r = Oracle.refreshAndCheck(c, "am_down", Mode.DIFFERENTIAL);
      assertEquals(List.of(1L, 0L, 1L), List.of(r.rowsInserted(), r.rowsUpdated(), r.rowsDeleted()), r.toString());
      assertEquals(10, count(c, "SELECT count(*) FROM am_down"));
    }
  }

  @Test
  void whatAutoWouldChooseNext(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE am_sales6 (id int PRIMARY KEY, region text, amount int)",
          "INSERT INTO am_sales6 SELECT g, 'r', g FROM generate_series(1, 50) g", "ANALYZE am_sales6");
      long id = createAuto(c, "am_next", totals("am_sales6"));
      exec(c, "DELETE FROM am_sales6 WHERE id <= 2");
      AutoChoice next = StreamTables.autoChoice(c, id).orElseThrow();
      assertEquals(Mode.DIFFERENTIAL, next.mode());
      assertEquals(2, next.windowRows());
      assertEquals("AUTO: 2 changes; no differential refresh measured yet", next.reason());
      Oracle.refreshAndCheck(c, "am_next", Mode.DIFFERENTIAL);
    }
  }

  /** {@code refresh --full}: a recompute applied as its diff rewrites nothing that did not change. */
  @Test
  void aRecomputeAskedForChangesOnlyWhatChanged(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE am_sales7 (id int PRIMARY KEY, region text, amount int)",
          "INSERT INTO am_sales7 SELECT g, 'r' || (g % 4), g FROM generate_series(1, 40) g");
      long grouped = create(c, "am_full_g", totals("am_sales7"), Mode.DIFFERENTIAL).id();
      create(c, "am_full_b", "SELECT id, amount FROM am_sales7 WHERE amount > 10", Mode.DIFFERENTIAL);
      long down = create(c, "am_full_down", "SELECT region, total FROM am_full_g", Mode.DIFFERENTIAL).id();
      for (String name : List.of("am_full_g", "am_full_b")) {
        RefreshReport nothing = StreamTables.refresh(c, name, false, true);
        Oracle.assertFresh(c, name);
        assertEquals(List.of(Mode.FULL, 0L, 0L, 0L), List.of(nothing.modeUsed(), nothing.rowsInserted(),
            nothing.rowsUpdated(), nothing.rowsDeleted()), nothing.toString());
        assertEquals(java.util.Optional.of("a recompute was asked for"), nothing.modeReason());
      }
      assertEquals(0L, StreamTables.pendingChanges(c, down).values().stream().mapToLong(Long::longValue).sum());
      exec(c, "UPDATE am_sales7 SET amount = 1000 WHERE id = 12");
      RefreshReport g = StreamTables.refresh(c, "am_full_g", false, true);
      Oracle.assertFresh(c, "am_full_g");
      assertEquals(List.of(0L, 1L, 0L), List.of(g.rowsInserted(), g.rowsUpdated(), g.rowsDeleted()), g.toString());
      RefreshReport b = StreamTables.refresh(c, "am_full_b", false, true);
      Oracle.assertFresh(c, "am_full_b");
      assertEquals(List.of(1L, 0L, 1L), List.of(b.rowsInserted(), b.rowsUpdated(), b.rowsDeleted()), b.toString());
      Oracle.refreshAndCheck(c, "am_full_down", Mode.DIFFERENTIAL);
      assertEquals(1L, count(c, "SELECT count(*) FROM freshet.refresh_history WHERE stream_table_id = " + grouped
          + " AND mode_used = 'FULL' AND mode_reason = 'a recompute was asked for' AND window_rows = 1"));
    }
  }
}
