package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.exec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.planner.catalog.PgCatalogReader;
import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.RefreshReport;
import dev.freshet.runtime.streamtable.StoredStreamTable;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import dev.freshet.tpch.RoundTrip;
import java.sql.Connection;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An uncorrelated EXISTS over a sub-query holding a correlated one was planned as TRUE: the
 * decorrelator dropped the constant group key of {@code Aggregate({true})} (see
 * {@code ConstantKeyAggregateRule}), so the stream table never read {@code b}. Each query is checked
 * twice: its plan printed back returns the query's rows with {@code b} empty, and a stream table over
 * it follows {@code b} being emptied.
 */
@PostgresTest
class NestedSubQueryScenarioTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "SELECT a.j FROM a WHERE EXISTS (SELECT 1 FROM a a2 WHERE EXISTS (SELECT 1 FROM b WHERE a2.i = b.i))",
      "SELECT a.j FROM a WHERE NOT EXISTS (SELECT 1 FROM a a2 WHERE EXISTS (SELECT 1 FROM b WHERE a2.i = b.i))",
      "SELECT a.j FROM a WHERE a.j > 15 OR EXISTS (SELECT 1 FROM a a2 WHERE a2.i IN (SELECT b.i FROM b "
          + "WHERE b.k > a2.j))",
      "SELECT a.j FROM a WHERE EXISTS (SELECT 1 FROM a a2 WHERE EXISTS (SELECT 1 FROM a a3 "
          + "WHERE a3.j = a2.j AND EXISTS (SELECT 1 FROM b WHERE b.i = a3.i)))",
      "SELECT a.j, (SELECT count(*) FROM a a2 WHERE EXISTS (SELECT 1 FROM b WHERE b.i = a2.i)) AS n FROM a"})
  void followsTheInnerSubQuerysTable(String sql, TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "DROP TABLE IF EXISTS a, b", "CREATE TABLE a (i int, j int)", "CREATE TABLE b (i int, k int)",
          "INSERT INTO a VALUES (1, 10), (2, 20), (3, 30)", "INSERT INTO b VALUES (1, 101), (2, 102)");
      RoundTrip.Result withRows = RoundTrip.run(c, PgCatalogReader.read(c), sql);
      assertTrue(withRows.matches(), withRows.comparison().summary() + "\n" + withRows.printedSql());
      exec(c, "DELETE FROM b");
      RoundTrip.Result empty = RoundTrip.run(c, PgCatalogReader.read(c), sql);
      assertTrue(empty.matches(), empty.comparison().summary() + "\n" + empty.printedSql());
      exec(c, "INSERT INTO b VALUES (1, 101), (2, 102)");

      StoredStreamTable st = StreamTables.create(c, "r1", sql, Mode.AUTO, null);
      Oracle.assertFresh(c, "r1");
      Mode mode = st.effectiveMode();
      exec(c, "DELETE FROM b");
      refreshInItsMode(c, "r1", mode);
      exec(c, "INSERT INTO b VALUES (3, 103)");
      refreshInItsMode(c, "r1", mode);
      exec(c, "TRUNCATE b");
      Oracle.refreshAndCheck(c, "r1", Mode.FULL);
      assertEquals(1, StreamTables.drop(c, "r1", false).size());
    }
  }

  /**
   * Refreshes and runs the oracle: in the stream table's mode, or recomputed where AUTO estimated that
   * cheaper (on tables this small a recompute often is).
   */
  private static void refreshInItsMode(Connection c, String name, Mode mode) throws Exception {
    RefreshReport r = StreamTables.refresh(c, name);
    Oracle.assertFresh(c, name);
    assertTrue(r.modeUsed() == mode || r.modeReason().orElse("").startsWith("AUTO: "), r::toString);
  }
}
