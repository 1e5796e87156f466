package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.rules.shape.ShapeAnalyzer;
import dev.freshet.runtime.cli.FreshetCli;
import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DISTINCT calls ({@code count(DISTINCT x)}, {@code sum(DISTINCT x)}, {@code avg(DISTINCT x)}, beside a min or
 * max, or one of them beside calls without DISTINCT) are maintained over a state table of each group's distinct values (plan revision 1,
 * {@code DistinctAggregates}): the values' copies come and go, the last copy of a value leaves, a value becomes
 * NULL, a row moves to another group, in one window and across windows, the oracle after every refresh. A
 * stream table compiled at revision 0 (before it: each affected group recomputed from the sources) is compiled
 * again at its own revision by migrate and verify, and at the latest once altered.
 */
@PostgresTest
class DistinctAggregateScenarioTest {

  private static void tables(Connection c) throws Exception {
    exec(c, "DROP TABLE IF EXISTS dg_t, dg_u CASCADE",
        "CREATE TABLE dg_t (id int PRIMARY KEY, g int, x int, y numeric(6,2))",
        "CREATE TABLE dg_u (id int PRIMARY KEY, k text)",
        "INSERT INTO dg_t SELECT i, i % 4, CASE WHEN i % 9 = 0 THEN NULL ELSE i % 5 END, (i % 3) * 1.5 "
            + "FROM generate_series(1, 40) i",
        "INSERT INTO dg_u SELECT i, 'k' || (i % 3) FROM generate_series(0, 6) i");
  }

  private static void changes(Connection c, int round) throws Exception {
    exec(c, "INSERT INTO dg_t VALUES (" + (100 + round) + ", 1, 4, 1.5), (" + (200 + round) + ", 1, 4, 1.5), ("
            + (300 + round) + ", 5, NULL, NULL)",
        // every copy of one value leaves one group; a row moves group; one becomes NULL
        "DELETE FROM dg_t WHERE g = 2 AND x = " + (round % 5),
        "UPDATE dg_t SET g = (g + 1) % 4 WHERE id = " + (3 + round),
        "UPDATE dg_t SET x = NULL, y = 3 WHERE id = " + (10 + round),
        "UPDATE dg_t SET x = x + 1 WHERE id % 7 = " + round,
        "UPDATE dg_u SET k = 'k9' WHERE id = " + round);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "SELECT g, count(DISTINCT x) AS n FROM dg_t GROUP BY g",
      "SELECT g, count(DISTINCT x) AS n, sum(DISTINCT x) AS s, max(x) AS hi FROM dg_t GROUP BY g",
      "SELECT count(DISTINCT x) AS n, avg(DISTINCT x) AS a FROM dg_t",
      "SELECT g, avg(DISTINCT y) AS a FROM dg_t WHERE x IS DISTINCT FROM 3 GROUP BY g",
      "SELECT t.g, count(DISTINCT u.k) AS n FROM dg_t t JOIN dg_u u ON u.id = t.x GROUP BY t.g",
      "SELECT g, count(DISTINCT x) AS n FROM dg_t GROUP BY g ORDER BY n DESC, g LIMIT 2",
      // one DISTINCT call beside calls without it: their partials per distinct value, combined above
      "SELECT g, count(DISTINCT x) AS n, count(*) AS c, sum(y) AS s, min(y) AS lo FROM dg_t GROUP BY g",
      "SELECT count(*) AS c, count(DISTINCT g) AS n, max(x) AS hi FROM dg_t WHERE y > 0",
      // DISTINCT calls over two columns: not split, each affected group recomputed as before
      "SELECT g, count(DISTINCT x) AS n, count(DISTINCT y) AS m FROM dg_t GROUP BY g"})
  void isMaintainedOverTheDistinctValues(String sql, TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      tables(c);
      StreamTables.create(c, "dg_st", sql, Mode.DIFFERENTIAL, null);
      Oracle.assertFresh(c, "dg_st");
      // the distinct values' state table, and the ranked groups' for a top-k
      int stateTables = (sql.contains("count(DISTINCT y)") ? 0 : 1) + (sql.contains("LIMIT") ? 1 : 0);
      assertEquals(List.of(String.valueOf(stateTables)), rows(c, "SELECT count(*) FROM pg_tables WHERE schemaname "
          + "= 'freshet_state' AND tablename LIKE 'st\\_' || (SELECT id FROM freshet.stream_tables WHERE table_name "
          + "= 'dg_st') || '\\_%'"));
      for (int round = 1; round <= 3; round++) {
        changes(c, round);
        Oracle.refreshAndCheck(c, "dg_st", Mode.DIFFERENTIAL);
      }
      assertEquals(1, StreamTables.drop(c, "dg_st", false).size());
    }
  }

  /**
   * A stream table compiled at revision 0 (as an older Freshet made it: no state table of distinct values) keeps
   * that layout: migrate reinstalls its programs at revision 0 (they failed, looking for the state table) and its
   * differential refreshes recompute the affected groups; an alter rebuilds it at the latest revision.
   */
  @Test
  void aStreamTableOfAnEarlierRevisionIsCompiledAtIt(TestDatabase db) throws Exception {
    String sql = "SELECT g, count(DISTINCT x) AS n FROM dg_t GROUP BY g";
    try (Connection c = db.connect()) {
      tables(c);
      StreamTables.create(c, "dg_old", sql, Mode.DIFFERENTIAL, null);
      assertEquals(List.of(String.valueOf(ShapeAnalyzer.PLAN_REVISION)),
          rows(c, "SELECT plan_revision FROM freshet.stream_tables WHERE table_name = 'dg_old'"));
      // as an older Freshet left it: revision 0, no state table, its hidden counts those of the rows
      String id = rows(c, "SELECT id FROM freshet.stream_tables WHERE table_name = 'dg_old'").getFirst();
      exec(c, "UPDATE freshet.stream_tables SET plan_revision = 0 WHERE id = " + id,
          "DROP TABLE freshet_state.st_" + id + "_0");
      String migrated = migrate(db);
      assertTrue(migrated.contains("\nreinstalled the refresh programs of ") && !migrated.contains("dg_old"), migrated);
      StreamTables.refresh(c, "dg_old", false, true); // recomputed: the hidden counts as revision 0 keeps them
      Oracle.assertFresh(c, "dg_old");
      for (int round = 1; round <= 2; round++) {
        changes(c, round);
        Oracle.refreshAndCheck(c, "dg_old", Mode.DIFFERENTIAL);
      }
      assertEquals(List.of("0"), rows(c, "SELECT count(*) FROM pg_tables WHERE schemaname = 'freshet_state' "
          + "AND tablename LIKE 'st\\_" + id + "\\_%'"));

      String status = cli(db, "status", "dg_old");
      assertTrue(status.contains("\n  plans:        revision 0 (it was created before revision 1, "
          + "which keeps DISTINCT aggregates over a state table of their distinct values, and revision 2, which keeps "
          + "the rows compared with an aggregate without GROUP BY in a state table of their own); freshet alter "),
          status);

      StreamTables.alter(c, "dg_old", Optional.of(Mode.DIFFERENTIAL), Optional.empty(), Optional.empty());
      assertTrue(!cli(db, "status", "dg_old").contains("  plans: "), "status after the alter");
      assertEquals(List.of(String.valueOf(ShapeAnalyzer.PLAN_REVISION)),
          rows(c, "SELECT plan_revision FROM freshet.stream_tables WHERE table_name = 'dg_old'"));
      changes(c, 3);
      Oracle.refreshAndCheck(c, "dg_old", Mode.DIFFERENTIAL);
      assertTrue(Integer.parseInt(rows(c, "SELECT count(*) FROM pg_tables WHERE schemaname = 'freshet_state' AND "
          + "tablename LIKE 'st\\_' || (SELECT id FROM freshet.stream_tables WHERE table_name = 'dg_old') || '\\_%'")
          .getFirst()) == 1);
    }
  }

  private static String migrate(TestDatabase db) {
    return cli(db, "migrate");
  }

  /** The command line's output of {@code words}, which must succeed. */
  private static String cli(TestDatabase db, String... words) {
    StringWriter out = new StringWriter();
    var cli = FreshetCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(new StringWriter(), true));
    List<String> arguments = new java.util.ArrayList<>(List.of(words));
    arguments.addAll(List.of("--jdbc-url", db.jdbcUrl()));
    assertEquals(0, cli.execute(arguments.toArray(String[]::new)), out::toString);
    return out.toString();
  }
}
