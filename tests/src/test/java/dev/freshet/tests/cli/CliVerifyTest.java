package dev.freshet.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.RefreshReport;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.TimeZone;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code freshet verify}: exit 0 and "equal" on a fresh table, exit 1 and the differing rows on a corrupted one. */
@PostgresTest
class CliVerifyTest {

  /** Corrupts a stream table as only a deliberate write can: past the guard, as a refresh is. */
  private static final String BYPASS_GUARD = "SELECT set_config('freshet.refreshing', 'on', false)";

  /** How verify says that a difference may be the order string_agg without ORDER BY lists values in. */
  private static final String OPEN_ORDER = "lists values in an order PostgreSQL leaves open";

  @Test
  void equalThenCorruptedBag(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE items (id int PRIMARY KEY, label text, qty int)",
        "INSERT INTO items VALUES (1, 'a', 1), (2, 'b', 2), (3, 'a', 1), (4, NULL, 0)");
    String url = db.jdbcUrl();
    CliRun create = CliRun.run(url, "create", "labels", "--query", "SELECT label, qty FROM items WHERE qty >= 0");
    assertEquals(0, create.exitCode(), create.transcript());

    CliRun equal = CliRun.run(url, "verify", "labels");
    assertEquals(0, equal.exitCode(), equal.transcript());
    assertEquals("\"public\".\"labels\": equal (4 rows)\n", equal.out(), equal.transcript());

    db.execute(BYPASS_GUARD, "UPDATE labels SET label = 'it''s wrong' WHERE label = 'b'",
        "DELETE FROM labels WHERE label IS NULL");
    CliRun different = CliRun.run(url, "verify", "labels");
    assertEquals(1, different.exitCode(), different.transcript());
    String out = different.out();
    assertTrue(out.startsWith("\"public\".\"labels\": DIFFERENT: 2 rows missing, 1 row extra (expected 4, got 3)\n"),
        different.transcript());
    assertTrue(out.contains("  columns: (label, qty)\n"), different.transcript());
    assertTrue(out.contains("  missing (returned by the query, not in the stream table): 2 rows\n"), different.transcript());
    assertTrue(out.contains("    1 x ('b', 2)\n"), different.transcript());
    assertTrue(out.contains("    1 x (NULL, 0)\n"), different.transcript());
    assertTrue(out.contains("  extra (in the stream table, not returned by the query): 1 row\n"
        + "    1 x ('it''s wrong', 2)\n"), different.transcript());
    assertTrue(out.contains("is a bug in Freshet"), "no pending change explains it: " + different.transcript());
  }

  /**
   * Differing rows show each value as PostgreSQL's text of it, as psql shows it, computed under the settings the
   * stream table was created with (here a time zone and an IntervalStyle that are not this JVM's session's):
   * not Java's rendering of the driver's objects ({@code 2026-01-01 10:00:00.0} in the JVM's zone, {@code true},
   * {@code [B@1b2c3d} for bytea). NULL is NULL, apart from the text 'NULL'; text needing quotes in a row's text
   * (quotes, commas, parentheses) comes back whole.
   */
  @Test
  void differingRowsShowPostgresText(TestDatabase db) throws Exception {
    assertNotEquals("Pacific/Chatham", TimeZone.getDefault().getID(), "the creating session's zone must not be the JVM's");
    db.execute("CREATE TABLE typed (id int PRIMARY KEY, ts timestamp, tz timestamptz, n numeric, b boolean, "
            + "a int[], t text[], bytes bytea, i interval, s text)",
        "INSERT INTO typed VALUES (1, '2026-01-01 10:00', '2026-01-01 10:00+00', 1.50, true, '{1,2,NULL}', "
            + "'{\"a b\",c}', '\\x00ff', '1 day 2 hours', 'say \"hi\", (ok)'), "
            + "(2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'NULL')");
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      s.execute("SET TimeZone = 'Pacific/Chatham'");
      s.execute("SET IntervalStyle = 'iso_8601'");
      StreamTables.create(c, "typed_st", "SELECT id, ts, tz, n, b, a, t, bytes, i, s FROM typed", Mode.DIFFERENTIAL, null);
    }
    String url = db.jdbcUrl();
    assertEquals(0, CliRun.run(url, "verify", "typed_st").exitCode());

    db.execute(BYPASS_GUARD, "UPDATE typed_st SET id = id + 10");
    CliRun different = CliRun.run(url, "verify", "typed_st");
    assertEquals(1, different.exitCode(), different.transcript());
    String first = "'2026-01-01 10:00:00', '2026-01-01 23:45:00+13:45', 1.50, t, '{1,2,NULL}', '{\"a b\",c}', "
        + "'\\x00ff', 'P1DT2H', 'say \"hi\", (ok)')";
    String second = "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'NULL')";
    String out = different.out();
    assertTrue(out.contains("  columns: (id, ts, tz, n, b, a, t, bytes, i, s)\n"), different.transcript());
    assertTrue(out.contains("  missing (returned by the query, not in the stream table): 2 rows\n"), different.transcript());
    assertTrue(out.contains("    1 x (1, " + first + "\n"), different.transcript());
    assertTrue(out.contains("    1 x (2, " + second + "\n"), different.transcript());
    assertTrue(out.contains("  extra (in the stream table, not returned by the query): 2 rows\n"), different.transcript());
    assertTrue(out.contains("    1 x (11, " + first + "\n"), different.transcript());
    assertTrue(out.contains("    1 x (12, " + second + "\n"), different.transcript());
    assertFalse(out.contains(OPEN_ORDER), "its query has no string_agg: " + different.transcript());
  }

  /**
   * string_agg without ORDER BY lists a group's values in an order PostgreSQL leaves open: {@code status} notes
   * it, and a difference only in that order (the stored list in another order, as a differently planned
   * recompute may give it) is explained by it, naming the column, not called a bug. A difference in a column
   * the aggregate does not compute is not explained by it. When the query filters on the list, its order may
   * decide which rows there are: any difference may be it, and verify says so without naming a column.
   */
  @Test
  void anUnorderedStringAggIsNotCalledABug(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE tags (id int PRIMARY KEY, g int NOT NULL, t text NOT NULL)",
        "INSERT INTO tags VALUES (1, 1, 'a'), (2, 1, 'b'), (3, 2, 'c')");
    String url = db.jdbcUrl();
    CliRun create = CliRun.run(url, "create", "vf_tags", "--mode", "DIFFERENTIAL", "--query",
        "SELECT g, string_agg(t, ',') AS ts, count(*) AS n FROM tags GROUP BY g");
    assertEquals(0, create.exitCode(), create.transcript());
    CliRun status = CliRun.run(url, "status", "vf_tags");
    assertTrue(status.out().contains("string_agg without ORDER BY inside the call"), status.transcript());
    assertEquals(0, CliRun.run(url, "verify", "vf_tags").exitCode());

    db.execute(BYPASS_GUARD, "UPDATE vf_tags SET ts = CASE ts WHEN 'a,b' THEN 'b,a' ELSE 'a,b' END WHERE g = 1");
    CliRun different = CliRun.run(url, "verify", "vf_tags");
    assertEquals(1, different.exitCode(), different.transcript());
    assertTrue(different.out().contains("  its query's string_agg " + OPEN_ORDER + ", and the rows differ only in "
        + "column ts, computed from it: a difference only in that order is not an error."), different.transcript());
    assertTrue(!different.out().contains("bug"), different.transcript());

    // a difference in another column is not that order, even with one in ts too
    db.execute(BYPASS_GUARD, "UPDATE vf_tags SET n = 7 WHERE g = 2");
    CliRun also = CliRun.run(url, "verify", "vf_tags");
    assertEquals(1, also.exitCode(), also.transcript());
    assertTrue(also.out().contains("    1 x (2, 'c', 7)\n"), also.transcript());
    assertFalse(also.out().contains(OPEN_ORDER), also.transcript());
    assertTrue(also.out().contains("is a bug in Freshet"), also.transcript());

    CliRun filtered = CliRun.run(url, "create", "vf_tags_a", "--mode", "DIFFERENTIAL", "--query",
        "SELECT g, ts FROM (SELECT g, string_agg(t, ',') AS ts FROM tags GROUP BY g) AS x WHERE ts <> 'c'");
    assertEquals(0, filtered.exitCode(), filtered.transcript());
    db.execute(BYPASS_GUARD, "UPDATE vf_tags_a SET ts = CASE ts WHEN 'a,b' THEN 'b,a' ELSE 'a,b' END");
    CliRun anyRow = CliRun.run(url, "verify", "vf_tags_a");
    assertEquals(1, anyRow.exitCode(), anyRow.transcript());
    assertTrue(anyRow.out().contains("  its query's string_agg " + OPEN_ORDER + ": a difference only in that order"),
        anyRow.transcript());
  }

  /**
   * A difference that pending changes explain is said to be theirs, not a bug: a stream table over a stream
   * table refreshed before the one it reads (downstream first), then verified.
   */
  @Test
  void aDifferenceExplainedByPendingChangesSaysSo(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE sold (id int PRIMARY KEY, region text NOT NULL, amount int NOT NULL)",
        "INSERT INTO sold VALUES (1, 'n', 10), (2, 's', 20)");
    String url = db.jdbcUrl();
    assertEquals(0, CliRun.run(url, "create", "vf_by_region", "--query",
        "SELECT region, sum(amount) AS total FROM sold GROUP BY region").exitCode());
    CliRun downstream = CliRun.run(url, "create", "vf_big", "--query",
        "SELECT region FROM vf_by_region WHERE total > 15");
    assertEquals(0, downstream.exitCode(), downstream.transcript());
    db.execute("INSERT INTO sold VALUES (3, 'n', 30)");
    assertEquals(0, CliRun.run(url, "refresh", "vf_big", "vf_by_region").exitCode()); // downstream first
    assertEquals(0, CliRun.run(url, "verify", "vf_by_region").exitCode(), "the upstream one is exact");
    CliRun different = CliRun.run(url, "verify", "vf_big");
    assertEquals(1, different.exitCode(), different.transcript());
    assertTrue(different.out().contains("  it has 2 changes of its sources (\"public\".\"vf_by_region\") not applied yet: "
        + "refresh it and verify again (refresh --all refreshes the stream tables it reads first too): freshet "
        + "refresh '\"public\".\"vf_big\"'\n"), different.transcript());
    assertTrue(!different.out().contains("bug in Freshet"), different.transcript());
    assertEquals(0, CliRun.run(url, "refresh", "vf_big").exitCode());
    assertEquals(0, CliRun.run(url, "verify", "vf_big").exitCode());
  }

  /**
   * The pending changes verify names are those of the sources that changed, not every source of the stream table
   * (it listed one that had not changed, found by the walkthrough); with their counts when more than one did.
   */
  @Test
  void pendingChangesNameOnlyTheSourcesThatChanged(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE vp_a (id int PRIMARY KEY, v int)", "CREATE TABLE vp_b (id int PRIMARY KEY, w int)",
        "INSERT INTO vp_a VALUES (1, 1), (2, 2)", "INSERT INTO vp_b VALUES (1, 10)");
    String url = db.jdbcUrl();
    assertEquals(0, CliRun.run(url, "create", "vp_st", "--mode", "DIFFERENTIAL", "--query",
        "SELECT vp_a.id, v, w FROM vp_a LEFT JOIN vp_b ON vp_b.id = vp_a.id").exitCode());
    db.execute("INSERT INTO vp_a VALUES (3, 3)", "UPDATE vp_a SET v = 5 WHERE id = 1");
    CliRun one = CliRun.run(url, "verify", "vp_st");
    assertEquals(1, one.exitCode(), one.transcript());
    assertTrue(one.out().contains("  it has 3 changes of its sources (\"public\".\"vp_a\") not applied yet: "),
        one.transcript());
    assertFalse(one.out().contains("vp_b"), one.transcript());
    db.execute("INSERT INTO vp_b VALUES (2, 20)");
    CliRun both = CliRun.run(url, "verify", "vp_st");
    assertEquals(1, both.exitCode(), both.transcript());
    assertTrue(both.out().contains("  it has 4 changes of its sources (\"public\".\"vp_a\" 3, \"public\".\"vp_b\" 1) "
        + "not applied yet: "), both.transcript());
    try (Connection c = db.connect()) {
      dev.freshet.tests.oracle.Oracle.refreshAndCheck(c, "vp_st", Mode.DIFFERENTIAL);
    }
    assertEquals(0, CliRun.run(url, "verify", "vp_st").exitCode());
  }

  /**
   * A refresh that commits while verify runs changes nothing verify says: the comparison and the changes not
   * applied yet come from one snapshot, so the difference is explained by them, not called a bug in Freshet (it
   * was, found by the walkthrough: verify read the pending changes after its snapshot, when the refresh had
   * applied them). Verify is held after taking its snapshot by a lock on the state table of an aggregate inside
   * the query, over a source that did not change (so the refresh does not read it), the refresh commits, then the
   * lock is released.
   */
  @Test
  void aRefreshCommittedDuringVerifyDoesNotMakeItsDifferenceABug(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE vs_a (id int PRIMARY KEY, g int NOT NULL, v int NOT NULL)",
        "CREATE TABLE vs_b (id int PRIMARY KEY, g int NOT NULL, v int NOT NULL)",
        "INSERT INTO vs_a SELECT i, i % 3, i FROM generate_series(1, 30) i",
        "INSERT INTO vs_b VALUES (1, 0, 100)");
    String url = db.jdbcUrl();
    CliRun create = CliRun.run(url, "create", "vs_st", "--mode", "DIFFERENTIAL", "--query",
        "SELECT g, count(*) AS n, sum(v) AS s FROM (SELECT g, v FROM vs_a "
            + "UNION ALL SELECT g, m FROM (SELECT g, max(v) AS m FROM vs_b GROUP BY g) b) u GROUP BY g");
    assertEquals(0, create.exitCode(), create.transcript());
    long id = ((Number) db.scalar("SELECT id FROM freshet.stream_tables WHERE table_name = 'vs_st'")).longValue();
    db.execute("UPDATE vs_a SET v = v + 7 WHERE id % 10 = 3");
    try (Connection c = db.connect(); Connection blocker = db.connect(); Connection watcher = db.connect()) {
      blocker.setAutoCommit(false);
      try (Statement s = blocker.createStatement()) {
        s.execute("LOCK TABLE freshet_state.st_" + id + "_0 IN ACCESS EXCLUSIVE MODE"); // max(v) of vs_b
      }
      int blockerPid = ((Number) scalar(blocker, "SELECT pg_backend_pid()")).intValue();
      CompletableFuture<CliRun> verify = CompletableFuture.supplyAsync(() -> CliRun.run(url, "verify", "vs_st"));
      // on database state, not on time: verify's transaction waits for the lock, its snapshot taken
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (((Number) scalar(watcher, "SELECT count(*) FROM pg_stat_activity WHERE application_name = "
          + "'freshet verify' AND backend_xmin IS NOT NULL AND " + blockerPid + " = ANY (pg_blocking_pids(pid))"))
          .longValue() == 0) {
        assertTrue(System.nanoTime() < deadline, "verify never waited for the lock");
        assertFalse(verify.isDone(), () -> "verify ended early: " + verify.join().transcript());
        Thread.onSpinWait();
      }
      try (Statement s = c.createStatement()) {
        s.execute("SET lock_timeout = '60s'"); // a refresh that waited for the lock would fail, not hang
      }
      RefreshReport refreshed = StreamTables.refresh(c, "vs_st");
      assertEquals(Mode.DIFFERENTIAL, refreshed.modeUsed(), refreshed.toString());
      assertEquals(List.of("\"public\".\"vs_a\""), refreshed.changedSources(), refreshed.toString());
      blocker.commit();
      CliRun during = verify.get(60, TimeUnit.SECONDS);
      assertEquals(1, during.exitCode(), during.transcript());
      assertTrue(during.out().startsWith("\"public\".\"vs_st\": DIFFERENT: 3 rows missing, 3 rows extra"),
          during.transcript());
      assertTrue(during.out().contains("  it has 6 changes of its sources (\"public\".\"vs_a\") not applied yet: "),
          during.transcript()); // an UPDATE is a deleted and an inserted row
      assertFalse(during.out().contains("bug in Freshet"), during.transcript());
      Oracle.assertFresh(c, "vs_st"); // the refresh's result, checked once its state table may be read
    }
    CliRun after = CliRun.run(url, "verify", "vs_st");
    assertEquals(0, after.exitCode(), after.transcript());
  }

  private static Object scalar(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getObject(1);
    }
  }

  @Test
  void multiplicitiesOfDuplicateRows(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE colors (id int PRIMARY KEY, color text NOT NULL)",
        "INSERT INTO colors VALUES (1, 'red'), (2, 'red'), (3, 'red'), (4, 'blue')");
    String url = db.jdbcUrl();
    assertEquals(0, CliRun.run(url, "create", "color_bag", "--query", "SELECT color FROM colors").exitCode());
    assertEquals(0, CliRun.run(url, "verify", "color_bag").exitCode());

    db.execute(BYPASS_GUARD, "DELETE FROM color_bag WHERE color = 'red'", "UPDATE color_bag SET color = 'green'");
    CliRun different = CliRun.run(url, "verify", "color_bag");
    assertEquals(1, different.exitCode(), different.transcript());
    assertTrue(different.out().contains("  missing (returned by the query, not in the stream table): 4 rows\n"),
        different.transcript());
    assertTrue(different.out().contains("    3 x ('red')\n"), different.transcript());
    assertTrue(different.out().contains("    1 x ('blue')\n"), different.transcript());
    assertTrue(different.out().contains("  extra (in the stream table, not returned by the query): 1 row\n"
        + "    1 x ('green')\n"), different.transcript());
  }

  @Test
  void corruptedGroupedTable(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE sales (id int PRIMARY KEY, region text NOT NULL, amount int NOT NULL)",
        "INSERT INTO sales VALUES (1, 'north', 10), (2, 'north', 5), (3, 'south', 7)");
    String url = db.jdbcUrl();
    assertEquals(0, CliRun.run(url, "create", "region_totals", "--mode", "DIFFERENTIAL", "--query",
        "SELECT region, sum(amount) AS total FROM sales GROUP BY region").exitCode());
    assertEquals("\"public\".\"region_totals\": equal (2 rows)\n", CliRun.run(url, "verify", "region_totals").out());

    db.execute(BYPASS_GUARD, "UPDATE region_totals SET total = 99 WHERE region = 'south'");
    CliRun different = CliRun.run(url, "verify", "region_totals");
    assertEquals(1, different.exitCode(), different.transcript());
    assertTrue(different.out().contains("    1 x ('south', 7)\n"), different.transcript());
    assertTrue(different.out().contains("    1 x ('south', 99)\n"), different.transcript());
    assertTrue(different.out().contains("To rebuild it from its query: freshet alter '\"public\".\"region_totals\"' "
        + "--mode DIFFERENTIAL\n"),
        different.transcript());
    assertFalse(different.out().contains(OPEN_ORDER), "its query has no string_agg: " + different.transcript());

    CliRun rebuild = CliRun.run(url, "alter", "region_totals", "--mode", "DIFFERENTIAL");
    assertEquals(0, rebuild.exitCode(), rebuild.transcript());
    assertEquals(0, CliRun.run(url, "verify", "region_totals").exitCode());
  }

  /** A state table inside the query is checked too: corrupted, it is named with its differing rows. */
  @Test
  void corruptedStateTable(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE region_sales (id int PRIMARY KEY, region text, amount int)",
        "INSERT INTO region_sales VALUES (1, 'n', 10), (2, 'n', 5), (3, 's', 7)");
    String url = db.jdbcUrl();
    CliRun create = CliRun.run(url, "create", "big_regions", "--mode", "DIFFERENTIAL", "--query",
        "SELECT region, sum(amount) AS total FROM region_sales GROUP BY region HAVING sum(amount) > 8");
    assertEquals(0, create.exitCode(), create.transcript());
    assertEquals(0, CliRun.run(url, "verify", "big_regions").exitCode());

    long id = ((Number) db.scalar("SELECT id FROM freshet.stream_tables WHERE table_name = 'big_regions'")).longValue();
    db.execute("UPDATE freshet_state.st_" + id + "_0 SET \"total\" = 99 WHERE region = 's'");
    CliRun different = CliRun.run(url, "verify", "big_regions");
    assertEquals(1, different.exitCode(), different.transcript());
    assertTrue(different.out().contains("state table \"freshet_state\".\"st_" + id + "_0\""), different.transcript());
    assertTrue(different.out().contains("    1 x ('s', 7)"), different.transcript());
  }
}
