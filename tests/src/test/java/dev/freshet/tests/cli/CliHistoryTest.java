package dev.freshet.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code status} lists as a stream table's last refreshes, found by the docs walkthrough (issue 15). */
@PostgresTest
class CliHistoryTest {

  /** Its first filling read the whole query: the history says so, not "no changes" beside the rows it inserted. */
  @Test
  void theFillingAtCreateIsNamedAsSuchNotNoChanges(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE hi_src (id int PRIMARY KEY, v int)", "INSERT INTO hi_src VALUES (1, 10), (2, 20)");
    for (String mode : List.of("DIFFERENTIAL", "FULL")) {
      String name = "hi_" + mode.toLowerCase(java.util.Locale.ROOT);
      CliRun create = CliRun.run(db.jdbcUrl(), "create", name, "--mode", mode, "--query", "SELECT id, v FROM hi_src");
      assertEquals(0, create.exitCode(), create.transcript());
      CliRun refresh = CliRun.run(db.jdbcUrl(), "refresh", name);
      assertEquals(0, refresh.exitCode(), refresh.transcript());
      CliRun verified = CliRun.run(db.jdbcUrl(), "verify", name);
      assertEquals(0, verified.exitCode(), verified.transcript());
      CliRun status = CliRun.run(db.jdbcUrl(), "status", name);
      assertEquals(0, status.exitCode(), status.transcript());
      List<String> history = status.out().lines().dropWhile(l -> !l.startsWith("  last refreshes")).skip(1).toList();
      assertEquals(2, history.size(), status.transcript());
      assertTrue(history.get(0).endsWith("  no changes"), status.transcript()); // the refresh: nothing changed
      assertTrue(history.get(1).contains("  FULL ") && history.get(1).contains("+2 ~0 -0  delta 2  "),
          status.transcript());
      assertTrue(history.get(1).endsWith("  filled from its query (create)"), status.transcript());
      assertFalse(history.get(1).contains("no changes"), status.transcript());
    }
  }

  /**
   * A FULL stream table whose query calls a function that may answer otherwise with no change to its sources
   * (here current_setting(), set for the database) is recomputed at every refresh: its refresh line and its
   * history say so, with the rows it applied, where both said "no changes" beside +3 ~0 -3 (found by the
   * walkthrough). A refresh that did nothing still says "no changes".
   */
  @Test
  void aRecomputeWithNoSourceChangedSaysSo(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE hi_vol (id int PRIMARY KEY, v int)", "INSERT INTO hi_vol VALUES (1, 10), (2, 20), (3, 30)",
        "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET freshet_test.k = ''1''', current_database()); END $$");
    String url = db.jdbcUrl();
    CliRun create = CliRun.run(url, "create", "hi_vol_st", "--mode", "FULL", "--query",
        "SELECT id, v * current_setting('freshet_test.k')::int AS scaled FROM hi_vol");
    assertEquals(0, create.exitCode(), create.transcript());
    assertTrue(create.out().contains("recomputed at every refresh: its query calls current_setting()"),
        create.transcript());
    db.execute("DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET freshet_test.k = ''2''', current_database()); END $$");
    CliRun refresh = CliRun.run(url, "refresh", "hi_vol_st");
    assertEquals(0, refresh.exitCode(), refresh.transcript());
    assertTrue(refresh.out().contains("  FULL          no source changed  +3 ~0 -3  delta 6  "), refresh.transcript());
    assertTrue(refresh.out().strip().endsWith(" ms  (recomputed at every refresh)"), refresh.transcript());
    try (Connection c = db.connect()) { // a new session: it reads the database's setting, 2
      Oracle.assertFresh(c, "hi_vol_st");
    }
    CliRun status = CliRun.run(url, "status", "hi_vol_st");
    List<String> history = status.out().lines().dropWhile(l -> !l.startsWith("  last refreshes")).skip(1).toList();
    assertEquals(2, history.size(), status.transcript());
    assertTrue(history.get(0).endsWith("+3 ~0 -3  delta 6  no source changed  (recomputed at every refresh)"),
        status.transcript());
    assertFalse(status.out().contains("no changes"), status.transcript());

    // a FULL stream table of a plain query with nothing changed did nothing, and says so
    CliRun plain = CliRun.run(url, "create", "hi_plain_st", "--mode", "FULL", "--query", "SELECT id, v FROM hi_vol");
    assertEquals(0, plain.exitCode(), plain.transcript());
    CliRun idle = CliRun.run(url, "refresh", "hi_plain_st");
    assertTrue(idle.out().contains("  FULL          no changes  +0 ~0 -0  delta 0  "), idle.transcript());
    assertFalse(idle.out().contains("recomputed"), idle.transcript());
    try (Connection c = db.connect()) {
      Oracle.assertFresh(c, "hi_plain_st");
    }
  }

  /**
   * Its refreshes recorded why they recomputed (refresh_window's mode reason): status derived the label from the
   * stream table's note as it is now, so an alter to a query that does not recompute relabelled the old lines
   * "no source changed" without saying why. CALL freshet.refresh records it too.
   */
  @Test
  void aRecomputeKeepsItsLabelAfterAnAlterToAQueryThatDoesNotRecompute(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE hi_rel (id int PRIMARY KEY, v int)", "INSERT INTO hi_rel VALUES (1, 10), (2, 20)",
        "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET freshet_test.m = ''1''', current_database()); END $$");
    String url = db.jdbcUrl();
    CliRun create = CliRun.run(url, "create", "hi_rel_st", "--mode", "FULL", "--query",
        "SELECT id, v * current_setting('freshet_test.m')::int AS scaled FROM hi_rel");
    assertEquals(0, create.exitCode(), create.transcript());
    db.execute("DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET freshet_test.m = ''3''', current_database()); END $$");
    CliRun refresh = CliRun.run(url, "refresh", "hi_rel_st");
    assertEquals(0, refresh.exitCode(), refresh.transcript());
    assertTrue(refresh.out().strip().endsWith(" ms  (recomputed at every refresh)"), refresh.transcript());
    try (Connection c = db.connect()) {
      Oracle.assertFresh(c, "hi_rel_st");
    }
    db.execute("CALL freshet.refresh('hi_rel_st')");
    try (Connection c = db.connect()) {
      Oracle.assertFresh(c, "hi_rel_st");
    }
    String recorded = "SELECT count(*) FROM freshet.refresh_history h JOIN freshet.stream_tables st "
        + "ON st.id = h.stream_table_id WHERE st.table_name = 'hi_rel_st' AND h.mode_reason = 'recomputed at every refresh'";
    assertEquals(2L, ((Number) db.scalar(recorded)).longValue());

    CliRun alter = CliRun.run(url, "alter", "hi_rel_st", "--query", "SELECT id, v * 3 AS scaled FROM hi_rel");
    assertEquals(0, alter.exitCode(), alter.transcript());
    assertFalse(alter.out().contains("recomputed at every refresh"), alter.transcript());
    try (Connection c = db.connect()) {
      Oracle.assertFresh(c, "hi_rel_st");
    }
    CliRun idle = CliRun.run(url, "refresh", "hi_rel_st");
    assertEquals(0, idle.exitCode(), idle.transcript());
    assertTrue(idle.out().contains("  FULL          no changes  +0 ~0 -0  delta 0  "), idle.transcript());
    assertFalse(idle.out().contains("recomputed"), idle.transcript());
    try (Connection c = db.connect()) {
      Oracle.assertFresh(c, "hi_rel_st");
    }
    CliRun status = CliRun.run(url, "status", "hi_rel_st");
    List<String> history = status.out().lines().dropWhile(l -> !l.startsWith("  last refreshes")).skip(1).toList();
    assertEquals(5, history.size(), status.transcript()); // create, two recomputes, alter, the idle refresh
    assertTrue(history.get(0).endsWith("+0 ~0 -0  delta 0  no changes"), status.transcript());
    assertTrue(history.get(1).endsWith("filled from its query (alter: new query)"), status.transcript());
    // recorded as they happened: the old query recomputed at every refresh, whatever the query is now
    assertTrue(history.get(2).endsWith("no source changed  (recomputed at every refresh)"), status.transcript());
    assertTrue(history.get(3).endsWith("+2 ~0 -2  delta 4  no source changed  (recomputed at every refresh)"),
        status.transcript());
    assertEquals(2L, ((Number) db.scalar(recorded)).longValue());
  }

  /**
   * An alter that rebuilds a stream table (a new query or mode: drop and create under a new id) keeps its
   * creation time and its history, where the rebuild's fill says what the alter changed (both went with the
   * old catalog row: status showed it created at the alter, with one refresh). AUTO's estimate of a
   * differential refresh reads only the refreshes of the query as it is now.
   */
  @Test
  void anAlterKeepsTheCreationTimeAndTheHistoryAndRecordsItself(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE hi_alt (id int PRIMARY KEY, g int NOT NULL, v int NOT NULL)",
        "INSERT INTO hi_alt SELECT i, i % 3, i FROM generate_series(1, 30) i");
    String url = db.jdbcUrl();
    CliRun create = CliRun.run(url, "create", "hi_alt_st", "--query",
        "SELECT g, sum(v) AS total FROM hi_alt GROUP BY g");
    assertEquals(0, create.exitCode(), create.transcript());
    db.execute("UPDATE hi_alt SET v = v + 1 WHERE id = 1");
    CliRun refresh = CliRun.run(url, "refresh", "hi_alt_st");
    assertEquals(0, refresh.exitCode(), refresh.transcript());
    assertTrue(refresh.out().contains("  DIFFERENTIAL  changed"), refresh.transcript()); // chosen by AUTO
    assertEquals(0, CliRun.run(url, "verify", "hi_alt_st").exitCode());
    String createdAt = "SELECT created_at::text FROM freshet.stream_tables WHERE table_name = 'hi_alt_st'";
    Object created = db.scalar(createdAt);
    CliRun before = CliRun.run(url, "status", "hi_alt_st");
    String createdLine = before.out().lines().filter(l -> l.startsWith("  created:")).findFirst().orElseThrow();
    String autoNow = "SELECT c.reason FROM freshet.stream_tables st, freshet.auto_choice(st.id, 1) c "
        + "WHERE st.table_name = 'hi_alt_st'";
    assertTrue(((String) db.scalar(autoNow)).contains("(the last 1, of about as many changes)"),
        "AUTO learned from the refresh: " + db.scalar(autoNow));

    CliRun alter = CliRun.run(url, "alter", "hi_alt_st", "--query",
        "SELECT g, sum(v) AS total, count(*) AS n FROM hi_alt GROUP BY g");
    assertEquals(0, alter.exitCode(), alter.transcript());
    assertEquals(0, CliRun.run(url, "verify", "hi_alt_st").exitCode());
    assertEquals(created, db.scalar(createdAt), "the creation time, to the microsecond");
    CliRun after = CliRun.run(url, "status", "hi_alt_st");
    assertEquals(0, after.exitCode(), after.transcript());
    assertTrue(after.out().contains(createdLine + "\n"), after.transcript());
    List<String> history = after.out().lines().dropWhile(l -> !l.startsWith("  last refreshes")).skip(1).toList();
    assertEquals(3, history.size(), after.transcript());
    assertTrue(history.get(0).contains("  FULL ") && history.get(0).contains("+3 ~0 -0  delta 3  ")
        && history.get(0).endsWith("  filled from its query (alter: new query)"), after.transcript());
    assertTrue(history.get(1).contains("  DIFFERENTIAL ") && history.get(1).contains("changed \"public\".\"hi_alt\""),
        after.transcript());
    assertTrue(history.get(2).endsWith("  filled from its query (create)"), after.transcript());
    // the refresh measured the old query, not this one
    assertTrue(((String) db.scalar(autoNow)).endsWith("; no differential refresh measured yet"),
        "AUTO starts over: " + db.scalar(autoNow));

    // and so on: a refresh, then another alter (the mode), each kept
    db.execute("DELETE FROM hi_alt WHERE id = 2");
    CliRun again = CliRun.run(url, "refresh", "hi_alt_st");
    assertEquals(0, again.exitCode(), again.transcript());
    assertEquals(0, CliRun.run(url, "verify", "hi_alt_st").exitCode());
    CliRun toFull = CliRun.run(url, "alter", "hi_alt_st", "--mode", "full", "--schedule", "5m");
    assertEquals(0, toFull.exitCode(), toFull.transcript());
    assertEquals(0, CliRun.run(url, "verify", "hi_alt_st").exitCode());
    assertEquals(created, db.scalar(createdAt));
    CliRun last = CliRun.run(url, "status", "hi_alt_st");
    history = last.out().lines().dropWhile(l -> !l.startsWith("  last refreshes")).skip(1).toList();
    assertEquals(5, history.size(), last.transcript());
    assertTrue(history.get(0).endsWith("  filled from its query (alter: mode FULL, schedule 5m)"), last.transcript());
    assertTrue(history.get(2).endsWith("  filled from its query (alter: new query)"), last.transcript());
    assertTrue(history.get(4).endsWith("  filled from its query (create)"), last.transcript());
  }

  /**
   * The service's log line of a refresh is 'freshet refresh''s line (the sources that changed, and why AUTO
   * recomputed), after a time always as wide, so that the lines' columns stay where they were.
   */
  @Test
  void theServiceLogsARefreshAsRefreshPrintsIt(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE hi_sv (id int PRIMARY KEY, v int)", "INSERT INTO hi_sv VALUES (1, 10)");
    CliRun create = CliRun.run(db.jdbcUrl(), "create", "hi_sched", "--schedule", "1s", "--query",
        "SELECT id, v FROM hi_sv");
    assertEquals(0, create.exitCode(), create.transcript());
    // due now: as if its last refresh were an hour ago (the test does not wait for the schedule)
    db.execute("INSERT INTO hi_sv VALUES (2, 20)",
        "UPDATE freshet.stream_tables SET last_refresh_at = now() - interval '1 hour' WHERE table_name = 'hi_sched'");
    CliRun pass = CliRun.run(db.jdbcUrl(), "service", "--once");
    assertEquals(0, pass.exitCode(), pass.transcript());
    List<String> refreshes = pass.out().lines().filter(l -> l.contains("\"hi_sched\"")).toList();
    assertEquals(1, refreshes.size(), pass.transcript());
    assertTrue(refreshes.get(0).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z  "
        + "\"public\"\\.\"hi_sched\" *  DIFFERENTIAL  changed \"public\"\\.\"hi_sv\"  \\+1 ~0 -0  delta 1  \\d+ ms"),
        pass.transcript());
    CliRun verified = CliRun.run(db.jdbcUrl(), "verify", "hi_sched");
    assertEquals(0, verified.exitCode(), verified.transcript());
  }
}
