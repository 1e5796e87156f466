package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.exec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.streamtable.CompiledStreamTable;
import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.RefreshReport;
import dev.freshet.runtime.streamtable.StoredStreamTable;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * FULL (and AUTO, once DIFFERENTIAL is refused) accepts every query PostgreSQL accepts: the query is
 * stored as written, validated by PostgreSQL, recomputed and diff-merged. A refresh with no change to
 * the tables it reads does nothing, unless the query reads something no buffer can watch (a
 * materialized view, a function that is not immutable, a clock): then every refresh recomputes, and
 * the stream table's notes say why.
 */
@PostgresTest
class FullModeScenarioTest {

  @BeforeAll
  static void schema(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE a (i int, j int)", "CREATE TABLE b (i int, k int)",
        "INSERT INTO a VALUES (1, 10), (2, 20), (3, 30), (3, 31), (NULL, 40)",
        "INSERT INTO b VALUES (1, 101), (2, 102), (NULL, 103)",
        "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
        "CREATE TYPE pair AS (x int, y text)",
        "CREATE TABLE docs (id int, body json, tags text[], m mood, p pair, at point, r timetz[])",
        "INSERT INTO docs VALUES (1, '{\"a\": 1,  \"b\": [1, 2]}', '{x,y}', 'ok', ROW(1, 'one'), '(1,2)', "
            + "'{01:00+02,02:00+03}'), (2, '{\"a\": 1,\"b\":[1,2]}', '{}', 'sad', NULL, NULL, NULL)",
        "CREATE VIEW av AS SELECT i, j FROM a WHERE j > 10",
        "CREATE TABLE parent (i int, v int)", "CREATE TABLE child (note text) INHERITS (parent)",
        "INSERT INTO parent VALUES (1, 10)", "INSERT INTO child VALUES (2, 20, 'c')",
        "CREATE FUNCTION a_of(n int) RETURNS TABLE (i int, j int) LANGUAGE sql STABLE "
            + "AS $$ SELECT i, j FROM a WHERE i <= n $$");
  }

  /**
   * Valid queries Freshet's planner cannot read, or cannot maintain: AUTO runs them FULL with the
   * reason recorded, and the stream table follows writes to the tables they read.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "distinct_on | FR008 | SELECT DISTINCT ON (i) i, j FROM a ORDER BY i, j",
      "srf_in_from | FR008 | SELECT g.n, b.k FROM generate_series(1, 3) AS g(n), b WHERE b.i = g.n",
      "view        | FR007 | SELECT i, j FROM av",
      "only        | FR008 | SELECT i, v FROM ONLY parent",
      "empty_list  | FR008 | SELECT FROM a WHERE i > 1",
      "for_update  | FR008 | SELECT s.i FROM (SELECT i FROM a FOR UPDATE) s",
      "xmin        | FR008 | SELECT xmin::text::bigint > 0 AS seen, i FROM a",
      "timetz_array | FR002 | SELECT id, body, tags, m, p, at, r FROM docs",
      "nested_not  | FR003 | SELECT a.j FROM a WHERE NOT EXISTS (SELECT 1 FROM a a2 WHERE EXISTS "
          + "(SELECT 1 FROM b WHERE a2.i = b.i))"})
  void autoRunsValidQueriesAsWritten(String label, String code, String sql, TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      StoredStreamTable st = StreamTables.create(c, "f_" + label, sql, Mode.AUTO, null);
      assertEquals(Mode.FULL, st.effectiveMode());
      assertTrue(st.fallbackReason().orElseThrow().startsWith(code), st.fallbackReason().orElseThrow());
      assertFalse(StreamTables.compiled(c, "f_" + label).recomputesEveryRefresh(), st.notes().toString());
      Oracle.assertFresh(c, "f_" + label);

      RefreshReport idle = Oracle.refreshAndCheck(c, "f_" + label, Mode.FULL);
      assertTrue(idle.changedSources().isEmpty(), idle.toString());
      assertEquals(0, idle.rowsInserted() + idle.rowsDeleted(), idle.toString());

      exec(c, "INSERT INTO a VALUES (4, 41), (1, 11)", "UPDATE b SET k = k + 1 WHERE i = 2",
          "INSERT INTO child VALUES (5, 50, 'd')", "INSERT INTO parent VALUES (6, 60)",
          "UPDATE docs SET body = '{\"a\": 2}', tags = '{z}', m = 'happy', at = '(3,4)' WHERE id = 2");
      Oracle.refreshAndCheck(c, "f_" + label, Mode.FULL);
      exec(c, "DELETE FROM a WHERE i = 1", "DELETE FROM b WHERE i = 1", "DELETE FROM parent WHERE i = 6",
          "DELETE FROM docs WHERE id = 1");
      Oracle.refreshAndCheck(c, "f_" + label, Mode.FULL);
      StreamTables.drop(c, "f_" + label, false);
    }
  }

  /** Sources no buffer can watch: every refresh recomputes, and the notes say why. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "matview  | materialized view \"public\".\"am\" | SELECT i, j FROM am",
      "function | public.a_of() (stable)      | SELECT i, j FROM a_of(2)",
      "clock    | now() (stable)              | SELECT i, j, now() - now() AS zero FROM a",
      "random   | random() (volatile)         | SELECT i, j FROM a WHERE random() >= 0"})
  void unwatchableSourcesRecomputeAtEveryRefresh(String label, String reason, String sql, TestDatabase db)
      throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE MATERIALIZED VIEW IF NOT EXISTS am AS SELECT i, j FROM a");
      StoredStreamTable st = StreamTables.create(c, "u_" + label, sql, Mode.FULL, null);
      CompiledStreamTable compiled = StreamTables.compiled(c, "u_" + label);
      assertTrue(compiled.recomputesEveryRefresh());
      assertTrue(String.join(" ", st.notes()).contains(CompiledStreamTable.RECOMPUTED_EVERY_REFRESH)
          && String.join(" ", st.notes()).contains(reason), st.notes().toString());
      Oracle.assertFresh(c, "u_" + label);
      exec(c, "INSERT INTO a VALUES (2, 22)", "REFRESH MATERIALIZED VIEW am");
      RefreshReport report = Oracle.refreshAndCheck(c, "u_" + label, Mode.FULL);
      assertEquals(1, report.rowsInserted(), report.toString());
      exec(c, "DELETE FROM a WHERE j = 22", "REFRESH MATERIALIZED VIEW am");
      Oracle.refreshAndCheck(c, "u_" + label, Mode.FULL);
      StreamTables.drop(c, "u_" + label, false);
    }
  }

  /** DIFFERENTIAL keeps refusing what it cannot maintain, with the code; invalid SQL gets PostgreSQL's words. */
  @Test
  void differentialRefusesWhatItCannotRead(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      var refused = org.junit.jupiter.api.Assertions.assertThrows(
          dev.freshet.planner.admission.UnsupportedQueryException.class,
          () -> StreamTables.create(c, "d1", "SELECT DISTINCT ON (i) i, j FROM a ORDER BY i, j", Mode.DIFFERENTIAL, null));
      assertEquals("FR008", refused.refusal().reason().code(), refused.render());
      var invalid = org.junit.jupiter.api.Assertions.assertThrows(dev.freshet.planner.InvalidQueryException.class,
          () -> StreamTables.create(c, "d2", "SELECT i FROM a WHERE", Mode.FULL, null));
      assertTrue(invalid.getMessage().startsWith("syntax error at end of input"), invalid.render());
    }
  }
}
