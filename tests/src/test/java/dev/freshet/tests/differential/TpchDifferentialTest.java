package dev.freshet.tests.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.RefreshReport;
import dev.freshet.runtime.streamtable.StoredStreamTable;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import dev.freshet.tpch.TpchQueries;
import dev.freshet.tpch.TpchRefresh;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The TPC-H queries in differential scope, maintained through five cycles of RF1 (new orders), RF2
 * (deleted orders) and RF3 (updates of keys, values and filter columns), each refresh checked by the
 * oracle and asserted DIFFERENTIAL.
 */
@PostgresTest(tpch = 0.01)
class TpchDifferentialTest {

  static final List<Integer> IN_SCOPE = List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22);
  static final int CYCLES = 5;

  @Test
  void queriesInScopeStayFreshOverFiveCycles(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      for (int q : IN_SCOPE) {
        StoredStreamTable st = StreamTables.create(c, TpchQueries.name(q), TpchQueries.get(q).sql(),
            Mode.DIFFERENTIAL, null);
        assertEquals(Mode.DIFFERENTIAL, st.effectiveMode());
        Oracle.assertFresh(c, TpchQueries.name(q));
      }
      TpchRefresh refresh = TpchRefresh.withDefaultBatchSize(c, "public", 42);
      for (int cycle = 1; cycle <= CYCLES; cycle++) {
        refresh.rf1(c);
        refresh.rf2(c);
        refresh.rf3(c);
        if (cycle == 3 || cycle == 4) {
          refreshTogether(c, cycle);
          continue;
        }
        for (int q : IN_SCOPE) {
          RefreshReport report = Oracle.refreshAndCheck(c, TpchQueries.name(q), Mode.DIFFERENTIAL);
          assertTrue(report.changedSources().size() > 0, TpchQueries.name(q) + " saw no change in cycle " + cycle);
        }
      }
    }
  }

  /**
   * Cycles 3 and 4: the 22 refreshed together (catalog V41), small windows too read from the transaction's copies
   * (freshet.small_window_rows 0): in cycle 4 their last refreshes took one snapshot, so each changed source's window
   * is copied once and every change table is read from its copy.
   */
  private static void refreshTogether(Connection c, int cycle) throws Exception {
    List<String> names = IN_SCOPE.stream().map(TpchQueries::name).toList();
    StreamTables.Together together;
    try (Statement s = c.createStatement()) {
      s.execute("SET freshet.small_window_rows = 0");
      together = StreamTables.refreshTogether(c, names, true, false);
      s.execute("RESET freshet.small_window_rows");
    }
    long copies = 0;
    for (int i = 0; i < names.size(); i++) {
      RefreshReport report = together.reports().get(i).orElseThrow(
          () -> new AssertionError("a stream table left by the refresh together in cycle " + cycle));
      assertEquals(Mode.DIFFERENTIAL, report.modeUsed(), report.name().toString());
      assertTrue(report.changedSources().size() > 0, report.name() + " saw no change in cycle " + cycle);
      copies += report.profile().stream().filter(step -> step.step().startsWith("copy of the window of")).count();
      Oracle.assertFresh(c, names.get(i));
    }
    if (cycle == 4) {
      // RF1 to RF3 change orders, lineitem, customer and partsupp
      assertEquals(4, copies, "each changed source's window copied once");
    }
  }
}
