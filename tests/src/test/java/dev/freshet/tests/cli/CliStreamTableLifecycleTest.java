package dev.freshet.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.planner.DisplayWidth;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stream table commands end to end against a real database: create, list, status, refresh,
 * alter and drop, with their exit statuses and the lines people and scripts read.
 */
@PostgresTest
class CliStreamTableLifecycleTest {

  @Test
  void createListStatusRefreshAlterDrop(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE orders (id int PRIMARY KEY, customer int NOT NULL, amount numeric(10,2) NOT NULL)",
        "INSERT INTO orders VALUES (1, 10, 5.00), (2, 10, 7.50), (3, 20, 1.25)");
    String url = db.jdbcUrl();

    CliRun create = CliRun.run(url, "create", "order_totals", "--mode", "differential", "--query",
        "SELECT customer, sum(amount) AS total, count(*) AS n FROM orders GROUP BY customer");
    assertEquals(0, create.exitCode(), create.transcript());
    assertTrue(create.out().contains("created stream table \"public\".\"order_totals\": DIFFERENTIAL\n"),
        create.transcript());
    assertTrue(create.out().contains("\"public\".\"orders\" (\"customer\", \"amount\")\n"), create.transcript());
    assertTrue(create.out().contains("rows:         2\n"), create.transcript());
    assertFalse(create.out().contains("fallback"), create.transcript());

    CliRun list = CliRun.run(url, "list");
    assertEquals(0, list.exitCode(), list.transcript());
    assertTrue(list.out().startsWith("NAME"), list.transcript());
    assertTrue(list.out().lines().anyMatch(l -> l.startsWith("\"public\".\"order_totals\"")
        && l.contains(" DIFFERENTIAL ") && l.contains(" ACTIVE ")), list.transcript());

    db.execute("INSERT INTO orders VALUES (4, 30, 2.00), (5, 20, 1.00)");
    CliRun refresh = CliRun.run(url, "refresh", "order_totals");
    assertEquals(0, refresh.exitCode(), refresh.transcript());
    assertTrue(refresh.out().startsWith("\"public\".\"order_totals\"  DIFFERENTIAL  changed \"public\".\"orders\"  "
        + "+1 ~1 -0  delta 2  "), refresh.transcript());
    assertTrue(refresh.out().strip().endsWith(" ms"), refresh.transcript());
    assertEquals(3L, db.scalar("SELECT count(*) FROM order_totals"));

    CliRun idle = CliRun.run(url, "refresh", "order_totals");
    assertEquals(0, idle.exitCode(), idle.transcript());
    assertTrue(idle.out().contains("  no changes  +0 ~0 -0  delta 0  "), idle.transcript());

    CliRun status = CliRun.run(url, "status", "order_totals");
    assertEquals(0, status.exitCode(), status.transcript());
    assertTrue(status.out().startsWith("stream table \"public\".\"order_totals\"\n  query:\n    SELECT customer,"),
        status.transcript());
    assertTrue(status.out().contains("  mode:         DIFFERENTIAL\n"), status.transcript());
    assertTrue(status.out().contains("  search_path:  \"public\"\n"), status.transcript());
    assertTrue(status.out().contains("  status:       ACTIVE\n"), status.transcript());
    assertTrue(status.out().contains("  rows:         3\n"), status.transcript());
    assertTrue(status.out().contains("\"public\".\"orders\" (\"customer\", \"amount\")\n"), status.transcript());
    assertEquals(3, status.out().lines().filter(l -> l.matches("    \\d{4}-\\d\\d-\\d\\d .*")).count(),
        "create and two refreshes: " + status.transcript());
    CliRun lastOnly = CliRun.run(url, "status", "order_totals", "--history", "1");
    assertEquals(1, lastOnly.out().lines().filter(l -> l.matches("    \\d{4}-\\d\\d-\\d\\d .*")).count(),
        lastOnly.transcript());

    CliRun schedule = CliRun.run(url, "alter", "order_totals", "--schedule", "5 minutes");
    assertEquals(0, schedule.exitCode(), schedule.transcript());
    assertTrue(schedule.out().startsWith("altered stream table \"public\".\"order_totals\": schedule 5 minutes\n"),
        schedule.transcript());
    assertTrue(CliRun.run(url, "list").out().lines().anyMatch(l -> l.contains("order_totals")
        && l.endsWith("5 minutes")));

    CliRun toFull = CliRun.run(url, "alter", "order_totals", "--mode", "FULL");
    assertEquals(0, toFull.exitCode(), toFull.transcript());
    assertTrue(toFull.out().contains("mode FULL (rebuilt)"), toFull.transcript());
    assertTrue(toFull.out().contains("  mode:         FULL\n"), toFull.transcript());
    assertTrue(toFull.out().contains("  rows:         3\n"), toFull.transcript());
    assertTrue(toFull.out().contains("  schedule:     5 minutes\n"), "schedule kept: " + toFull.transcript());

    db.execute("DELETE FROM orders WHERE customer = 30");
    CliRun fullRefresh = CliRun.run(url, "refresh", "order_totals");
    assertEquals(0, fullRefresh.exitCode(), fullRefresh.transcript());
    assertTrue(fullRefresh.out().contains("  FULL          changed \"public\".\"orders\"  +0 ~0 -1  "),
        fullRefresh.transcript());

    CliRun nothing = CliRun.run(url, "alter", "order_totals");
    assertEquals(2, nothing.exitCode(), nothing.transcript());
    assertTrue(nothing.err().contains("nothing to alter"), nothing.transcript());

    CliRun drop = CliRun.run(url, "drop", "order_totals");
    assertEquals(0, drop.exitCode(), drop.transcript());
    assertEquals("dropped stream table \"public\".\"order_totals\"\n", drop.out(), drop.transcript());
    assertFalse(CliRun.run(url, "list").out().contains("order_totals"));
    assertEquals(0L, db.scalar("SELECT count(*) FROM pg_class WHERE relname = 'order_totals'"));
    CliRun gone = CliRun.run(url, "status", "order_totals");
    assertNotEquals(0, gone.exitCode(), gone.transcript());
    assertTrue(gone.err().contains("there is no stream table \"public\".\"order_totals\""), gone.transcript());
  }

  @Test
  void windowIsRefusedInDifferentialModeWithItsReasonCode(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE scores (x int)", "INSERT INTO scores VALUES (5), (1), (4), (2), (3)");
    CliRun run = CliRun.run(db.jdbcUrl(), "create", "top3", "--mode", "DIFFERENTIAL",
        "--query", "SELECT x, rank() OVER (ORDER BY x) AS r FROM scores");
    assertEquals(3, run.exitCode(), run.transcript());
    assertTrue(run.err().startsWith("error: unsupported: FR003: "), run.transcript());
    assertTrue(run.err().contains("window"), run.transcript());
    assertEquals("", run.out(), run.transcript());
    assertFalse(CliRun.run(db.jdbcUrl(), "list").out().contains("top3"));
    assertEquals(0L, db.scalar("SELECT count(*) FROM pg_class WHERE relname = 'top3'"));
  }

  @Test
  void autoFallsBackToFullAndSaysWhy(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE points (x int)", "INSERT INTO points VALUES (5), (1), (4), (2), (3)");
    String url = db.jdbcUrl();
    CliRun create = CliRun.run(url, "create", "lowest3", "--query",
        "SELECT x FROM points WHERE x < 4 UNION SELECT x FROM points WHERE x > 2");
    assertEquals(0, create.exitCode(), create.transcript());
    assertTrue(create.out().contains(": FULL (requested AUTO)\n"), create.transcript());
    assertTrue(create.out().contains("  fallback:     FR003 "), create.transcript());
    assertTrue(create.out().contains("rows:         5\n"), create.transcript());

    CliRun list = CliRun.run(url, "list");
    assertTrue(list.out().lines().anyMatch(l -> l.contains("lowest3") && l.contains(" AUTO->FULL ")),
        list.transcript());

    CliRun status = CliRun.run(url, "status", "lowest3");
    assertEquals(0, status.exitCode(), status.transcript());
    assertTrue(status.out().contains("  mode:         FULL (requested AUTO)\n"), status.transcript());
    assertTrue(status.out().lines().anyMatch(l -> l.startsWith("  fallback:     FR003 ") && l.contains("UNION")),
        status.transcript());

    db.execute("INSERT INTO points VALUES (0)");
    CliRun refresh = CliRun.run(url, "refresh", "lowest3");
    assertEquals(0, refresh.exitCode(), refresh.transcript());
    assertTrue(refresh.out().contains("  FULL          changed \"public\".\"points\"  +1 ~0 -0  "), refresh.transcript());
    assertTrue(refresh.out().strip().endsWith("(AUTO fallback FR003)"), refresh.transcript());
    CliRun verify = CliRun.run(url, "verify", "lowest3");
    assertEquals(0, verify.exitCode(), verify.transcript());
  }

  @Test
  void droppedOrderByIsNoted(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE words (w text)", "INSERT INTO words VALUES ('b'), ('a'), ('b')");
    CliRun create = CliRun.run(db.jdbcUrl(), "create", "sorted_words", "--query", "SELECT w FROM words ORDER BY w");
    assertEquals(0, create.exitCode(), create.transcript());
    assertTrue(create.out().contains(": DIFFERENTIAL (requested AUTO)\n"), create.transcript());
    assertTrue(create.out().contains("  note:         top-level ORDER BY dropped"), create.transcript());
    assertTrue(create.out().contains("rows:         3\n"), create.transcript());
    CliRun status = CliRun.run(db.jdbcUrl(), "status", "sorted_words");
    assertTrue(status.out().contains("  note:         top-level ORDER BY dropped"), status.transcript());
  }

  @Test
  void queryFromFileAndCascadingDrop(TestDatabase db, @TempDir Path dir) throws Exception {
    db.execute("CREATE TABLE events (id int PRIMARY KEY, kind text NOT NULL)",
        "INSERT INTO events VALUES (1, 'click'), (2, 'view'), (3, 'click')");
    Path file = dir.resolve("clicks.sql");
    Files.writeString(file, "-- clicks only\nSELECT id FROM events WHERE kind = 'click';\n");
    String url = db.jdbcUrl();
    CliRun clicks = CliRun.run(url, "create", "clicks", "--file", file.toString());
    assertEquals(0, clicks.exitCode(), clicks.transcript());
    assertTrue(clicks.out().contains("rows:         2\n"), clicks.transcript());
    CliRun count = CliRun.run(url, "create", "click_count", "--query", "SELECT count(*) AS n FROM clicks");
    assertEquals(0, count.exitCode(), count.transcript());

    CliRun refused = CliRun.run(url, "drop", "clicks");
    assertNotEquals(0, refused.exitCode(), refused.transcript());
    assertTrue(refused.err().contains("--cascade"), refused.transcript());

    CliRun drop = CliRun.run(url, "drop", "clicks", "--cascade");
    assertEquals(0, drop.exitCode(), drop.transcript());
    assertEquals("dropped stream table \"public\".\"clicks\"\n"
        + "dropped stream table \"public\".\"click_count\" (it depends on \"public\".\"clicks\"; --cascade)\n",
        drop.out(), drop.transcript());

    CliRun missingFile = CliRun.run(url, "create", "x", "--file", dir.resolve("nope.sql").toString());
    assertEquals(2, missingFile.exitCode(), missingFile.transcript());
    assertTrue(missingFile.err().contains("query file ") && missingFile.err().contains("nope.sql does not exist"),
        missingFile.transcript());
  }

  @Test
  void refreshGoesOnAfterAFailureAndReportsIt(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE ticks (id int PRIMARY KEY)", "INSERT INTO ticks VALUES (1)");
    String url = db.jdbcUrl();
    assertEquals(0, CliRun.run(url, "create", "tick_ids", "--query", "SELECT id FROM ticks").exitCode());
    db.execute("INSERT INTO ticks VALUES (2)");
    CliRun run = CliRun.run(url, "refresh", "no_such_table", "tick_ids");
    assertNotEquals(0, run.exitCode(), run.transcript());
    assertTrue(run.err().startsWith("error: there is no stream table \"public\".\"no_such_table\""),
        run.transcript());
    assertTrue(run.out().matches("(?s)\"public\"\\.\"tick_ids\" +DIFFERENTIAL  changed \"public\"\\.\"ticks\"  \\+1 ~0 -0.*"),
        run.transcript());
  }

  /** refresh --all: every stream table, each after those it reads, whatever their names. */
  @Test
  void refreshAllRunsUpstreamFirst(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE ra_src (id int PRIMARY KEY, v int NOT NULL)", "INSERT INTO ra_src VALUES (1, 1), (2, 2)");
    String url = db.jdbcUrl();
    assertEquals(0, CliRun.run(url, "create", "zz_up", "--query", "SELECT id, v FROM ra_src").exitCode());
    assertEquals(0, CliRun.run(url, "create", "aa_down", "--query",
        "SELECT count(*) AS n, sum(v) AS total FROM zz_up").exitCode());
    db.execute("INSERT INTO ra_src VALUES (3, 30)");

    CliRun run = CliRun.run(url, "refresh", "--all");
    assertEquals(0, run.exitCode(), run.transcript());
    java.util.List<String> tables = run.out().lines().map(l -> l.split("  ")[0]).toList();
    assertTrue(tables.indexOf("\"public\".\"zz_up\"") >= 0
        && tables.indexOf("\"public\".\"zz_up\"") < tables.indexOf("\"public\".\"aa_down\""), run.transcript());
    // one column per field: the modes start where the longest name ends
    java.util.Set<Integer> modeColumns = run.out().lines().map(l -> dev.freshet.planner.DisplayWidth.of(
        l.substring(0, l.length() - l.substring(l.indexOf("\" ") + 1).stripLeading().length()))).collect(
        java.util.stream.Collectors.toSet());
    assertEquals(1, modeColumns.size(), run.transcript());
    assertTrue(modeColumns.iterator().next() >= "\"public\".\"aa_down\"  ".length(), run.transcript());
    // aa_down saw zz_up's new row in the same run
    assertEquals(java.util.List.of(java.util.List.of(3L, 33L)), db.query("SELECT n, total FROM aa_down"));
    for (String table : java.util.List.of("zz_up", "aa_down")) {
      CliRun verify = CliRun.run(url, "verify", table);
      assertEquals(0, verify.exitCode(), verify.transcript());
    }

    CliRun both = CliRun.run(url, "refresh", "aa_down", "--all");
    assertEquals(2, both.exitCode(), both.transcript());
    assertTrue(both.err().contains("give stream table names or --all, not both"), both.transcript());
    CliRun neither = CliRun.run(url, "refresh");
    assertEquals(2, neither.exitCode(), neither.transcript());
    assertTrue(neither.err().contains("name the stream tables to refresh, or give --all"), neither.transcript());
  }

  /** create --dry-run says how a query would be maintained, and creates nothing. */
  @Test
  void createDryRunCreatesNothing(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE dr (id int PRIMARY KEY, v int NOT NULL)", "INSERT INTO dr VALUES (1, 1)");
    String url = db.jdbcUrl();
    CliRun topK = CliRun.run(url, "create", "dr_top", "--dry-run", "--query",
        "SELECT id, v, rank() OVER (ORDER BY v) AS r FROM dr");
    assertEquals(0, topK.exitCode(), topK.transcript());
    assertTrue(topK.out().startsWith("would create stream table \"public\".\"dr_top\": FULL (requested AUTO)\n"),
        topK.transcript());
    assertTrue(topK.out().contains("  fallback:     FR003"), topK.transcript());
    assertFalse(topK.out().contains("use --mode FULL or AUTO"), "AUTO already fell back: " + topK.transcript());
    assertTrue(topK.out().contains("  sources:      \"public\".\"dr\"\n"), topK.transcript());
    assertTrue(topK.out().contains("nothing was created (--dry-run)"), topK.transcript());

    CliRun refused = CliRun.run(url, "create", "dr_top", "--dry-run", "--mode", "DIFFERENTIAL", "--query",
        "SELECT id, v, rank() OVER (ORDER BY v) AS r FROM dr");
    assertEquals(3, refused.exitCode(), refused.transcript());
    assertTrue(refused.err().contains("FR003"), refused.transcript());
    assertTrue(refused.err().contains("window"), refused.transcript());

    CliRun limited = CliRun.run(url, "create", "dr_lim", "--dry-run", "--query", "SELECT id, v FROM dr ORDER BY v LIMIT 3");
    assertTrue(limited.out().startsWith("would create stream table \"public\".\"dr_lim\": DIFFERENTIAL (requested AUTO)"),
        limited.transcript());

    CliRun grouped = CliRun.run(url, "create", "dr_sum", "--dry-run", "--query", "SELECT v, count(*) AS n FROM dr GROUP BY v");
    assertEquals(0, grouped.exitCode(), grouped.transcript());
    assertTrue(grouped.out().startsWith("would create stream table \"public\".\"dr_sum\": DIFFERENTIAL (requested AUTO)"),
        grouped.transcript());
    assertEquals(java.util.List.of(java.util.List.of(0L)), db.query("SELECT count(*) FROM pg_class WHERE relname IN "
        + "('dr_top', 'dr_sum')"));
    assertEquals(java.util.List.of(java.util.List.of(0L)), db.query("SELECT count(*) FROM pg_trigger t JOIN pg_class k "
        + "ON k.oid = t.tgrelid WHERE k.relname = 'dr' AND NOT t.tgisinternal"));
  }

  /** A stream table dropped with DROP TABLE: its refresh says so and how to clean up; drop cleans up. */
  @Test
  void aStreamTableDroppedOutsideFreshetSaysSo(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE dt (id int PRIMARY KEY)", "INSERT INTO dt VALUES (1)");
    String url = db.jdbcUrl();
    assertEquals(0, CliRun.run(url, "create", "dt_st", "--query", "SELECT id FROM dt").exitCode());
    db.execute("DROP TABLE dt_st", "INSERT INTO dt VALUES (2)");
    // recorded as it happened (the catalog's event trigger, installed by a superuser's catalog)
    CliRun before = CliRun.run(url, "status", "dt_st");
    assertTrue(before.out().contains("ERROR") && before.out().contains(
        "stream table \"public\".\"dt_st\" was dropped outside Freshet (DROP TABLE); 'freshet create' makes it "
            + "again once what is left of it is removed: freshet drop '\"public\".\"dt_st\"'\n"),
        before.transcript());

    CliRun refresh = CliRun.run(url, "refresh", "dt_st");
    assertEquals(4, refresh.exitCode(), refresh.transcript());
    assertTrue(refresh.err().contains("stream table \"public\".\"dt_st\" was dropped outside Freshet"), refresh.transcript());
    assertTrue(refresh.err().contains("HINT:  'freshet create' makes it again once what is left of it is removed: "
        + "freshet drop '\"public\".\"dt_st\"'\n"), refresh.transcript());
    assertFalse(refresh.err().contains("ERROR:"), "no 'error: … ERROR:' twice: " + refresh.transcript());
    assertFalse(refresh.err().contains("PL/pgSQL"), "Freshet's own PL/pgSQL context is not shown: " + refresh.transcript());
    CliRun status = CliRun.run(url, "status", "dt_st");
    assertTrue(status.out().contains("ERROR"), status.transcript());

    CliRun drop = CliRun.run(url, "drop", "dt_st");
    assertEquals(0, drop.exitCode(), drop.transcript());
    assertFalse(CliRun.run(url, "list").out().contains("dt_st"));
    assertEquals(java.util.List.of(java.util.List.of(0L)), db.query("SELECT count(*) FROM pg_trigger t "
        + "JOIN pg_class k ON k.oid = t.tgrelid WHERE k.relname = 'dt' AND NOT t.tgisinternal"));
  }

  /**
   * A source dropped with CASCADE (the guard view goes with it): its stream tables are marked as it happens,
   * naming the source and the fix; a refresh fails; drop removes what is left. Another DROP (a table Freshet
   * does not use, a temporary table) leaves them alone.
   */
  @Test
  void aSourceDroppedWithCascadeIsRecordedAsItHappens(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE ds (id int PRIMARY KEY, v int NOT NULL)", "INSERT INTO ds VALUES (1, 1)",
        "CREATE TABLE ds_other (id int)");
    String url = db.jdbcUrl();
    assertEquals(0, CliRun.run(url, "create", "ds_st", "--query", "SELECT v, count(*) AS n FROM ds GROUP BY v")
        .exitCode());
    db.execute("DROP TABLE ds_other", "CREATE TEMP TABLE ds_tmp (x int)", "DROP TABLE ds_tmp");
    assertTrue(CliRun.run(url, "status", "ds_st").out().contains("ACTIVE"));

    db.execute("DROP TABLE ds CASCADE");
    CliRun list = CliRun.run(url, "list");
    assertTrue(list.out().lines().anyMatch(l -> l.startsWith("\"public\".\"ds_st\"") && l.contains("ERROR")),
        list.transcript());
    CliRun status = CliRun.run(url, "status", "ds_st");
    assertTrue(status.out().contains("its source \"public\".\"ds\" was dropped (DROP TABLE ... CASCADE). Give the stream table a "
        + "query that reads another table ('freshet alter' with --query recreates it), or remove it: "
        + "freshet drop '\"public\".\"ds_st\"'\n"), status.transcript());
    CliRun refresh = CliRun.run(url, "refresh", "ds_st");
    assertEquals(3, refresh.exitCode(), refresh.transcript());
    assertTrue(refresh.err().contains("its source \"public\".\"ds\" was dropped (DROP TABLE ... CASCADE)"),
        refresh.transcript());
    CliRun drop = CliRun.run(url, "drop", "ds_st");
    assertEquals(0, drop.exitCode(), drop.transcript());
    assertFalse(CliRun.run(url, "list").out().contains("ds_st"));
  }

  /**
   * A source dropped with CASCADE (names that need quoting, for the shell too): refresh, verify, explain and an
   * alter rebuilding from the stored query say the source was dropped, with the fixes that apply (a query reading
   * another table, the stored one to edit, or drop), not the advice for a renamed one; status keeps the event
   * trigger's words until a refresh records its own. The alter it suggests, with another table, makes it work.
   */
  @Test
  void aDroppedSourceIsRefusedAsDropped(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE \"tbl's\" (id int PRIMARY KEY, v int NOT NULL)",
        "INSERT INTO \"tbl's\" SELECT g, g % 7 FROM generate_series(1, 20) g",
        "CREATE TABLE ds_next (id int PRIMARY KEY, v int NOT NULL)", "INSERT INTO ds_next VALUES (1, 1), (2, 2)");
    String url = db.jdbcUrl();
    String name = "\"it's\"";
    String query = "SELECT v FROM \"tbl's\"";
    assertEquals(0, CliRun.run(url, "create", name, "--query", query).exitCode());
    db.execute("DROP TABLE \"tbl's\" CASCADE");
    CliRun before = CliRun.run(url, "status", name);
    assertTrue(before.out().contains("its source \"public\".\"tbl's\" was dropped (DROP TABLE ... CASCADE). Give the "
        + "stream table a query that reads another table"), before.transcript());

    // CALL freshet.refresh says so too (catalog V27), where it asked for a command-line refresh to reconcile (FS001)
    assertCallRefusedAsDropped(db);

    String what = "its source \"public\".\"tbl's\" was dropped (DROP TABLE ... CASCADE)\n";
    String alter = "edit the query in this command (its query as stored), then run it: freshet alter "
        + "'\"public\".\"it'\\''s\"' --query 'SELECT v FROM \"tbl'\\''s\"'\n";
    String hint = "HINT:  give it a query that reads another table (this recreates it); " + alter
        + "or drop it: freshet drop '\"public\".\"it'\\''s\"'\nSQLSTATE:  FS009";
    for (List<String> command : List.of(List.of("refresh", name), List.of("verify", name), List.of("explain", name))) {
      CliRun run = CliRun.run(url, command.toArray(String[]::new));
      assertEquals(3, run.exitCode(), run.transcript());
      assertTrue(run.err().contains("error: stream table \"public\".\"it's\" cannot be refreshed: " + what + hint),
          run.transcript());
      assertFalse(run.err().contains("new names"), run.transcript());
    }
    CliRun status = CliRun.run(url, "status", name);
    assertTrue(status.out().contains("    stream table \"public\".\"it's\" cannot be refreshed: " + what
        + "    HINT:  give it a query that reads another table (this recreates it); "), status.transcript());
    // the command line's refusals left the stream table as it was: CALL still says why, not FS002 (no program)
    assertCallRefusedAsDropped(db);
    CliRun toFull = CliRun.run(url, "alter", name, "--mode", "FULL");
    assertEquals(3, toFull.exitCode(), toFull.transcript());
    assertTrue(toFull.err().contains("error: stream table \"public\".\"it's\" cannot be rebuilt with its query as "
        + "stored: " + what + "HINT:  give it a query that reads another table (this recreates it); "
        + alter.replace("--query", "--mode FULL --query")), toFull.transcript());

    CliRun fixed = CliRun.run(url, "alter", name, "--query", "SELECT v FROM ds_next");
    assertEquals(0, fixed.exitCode(), fixed.transcript());
    db.execute("INSERT INTO ds_next VALUES (3, 3)");
    assertEquals(0, CliRun.run(url, "refresh", name).exitCode());
    try (java.sql.Connection c = db.connect()) {
      Oracle.assertFresh(c, name);
    }
  }

  private static void assertCallRefusedAsDropped(TestDatabase db) throws Exception {
    try (java.sql.Connection c = db.connect(); java.sql.Statement s = c.createStatement()) {
      java.sql.SQLException e = org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
          () -> s.execute("CALL freshet.refresh('\"it''s\"')"));
      assertEquals("FS009", e.getSQLState(), e.getMessage());
      assertTrue(e.getMessage().contains("stream table \"public\".\"it's\" cannot be refreshed: its source "
          + "\"public\".\"tbl's\" was dropped (DROP TABLE ... CASCADE)"), e.getMessage());
      assertTrue(e.getMessage().contains("or drop it: freshet drop '\"public\".\"it'\\''s\"'"), e.getMessage());
    }
  }

  /** status and list show the changes buffered since the last refresh: what the next refresh reads. */
  @Test
  void statusAndListShowPendingChanges(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE pd (id int PRIMARY KEY, v int NOT NULL)", "INSERT INTO pd VALUES (1, 1)");
    String url = db.jdbcUrl();
    assertEquals(0, CliRun.run(url, "create", "pd_st", "--query", "SELECT v, count(*) AS n FROM pd GROUP BY v").exitCode());
    CliRun fresh = CliRun.run(url, "status", "pd_st");
    assertTrue(fresh.out().contains("  pending:      none"), fresh.transcript());
    db.execute("INSERT INTO pd VALUES (2, 2), (3, 2)", "UPDATE pd SET v = 5 WHERE id = 1");
    CliRun behind = CliRun.run(url, "status", "pd_st");
    // two inserts, and an update buffered as its old row (-1) and its new row (+1)
    assertTrue(behind.out().contains("  pending:      4 changes buffered since the last refresh (\"public\".\"pd\" 4)"),
        behind.transcript());
    CliRun list = CliRun.run(url, "list");
    assertTrue(list.out().lines().anyMatch(l -> l.startsWith("\"public\".\"pd_st\"") && l.matches(".*  4 \\(\\d+ s\\)  .*")),
        list.transcript());
    assertEquals(0, CliRun.run(url, "refresh", "pd_st").exitCode());
    CliRun verify = CliRun.run(url, "verify", "pd_st");
    assertEquals(0, verify.exitCode(), verify.transcript());
    assertTrue(CliRun.run(url, "status", "pd_st").out().contains("  pending:      none"));
  }

  /** list aligns its columns by the cells names take: a CJK character takes two. */
  @Test
  void listAlignsColumnsWithWideCharacters(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE wide_src (id int PRIMARY KEY)");
    String url = db.jdbcUrl();
    for (String name : List.of("\"名前の表\"", "ab")) {
      CliRun create = CliRun.run(url, "create", name, "--query", "SELECT id FROM wide_src");
      assertEquals(0, create.exitCode(), create.transcript());
    }
    CliRun list = CliRun.run(url, "list");
    List<Integer> modeColumns = list.out().lines()
        .filter(l -> l.contains("\"名前の表\"") || l.contains("\"ab\"") || l.startsWith("NAME"))
        .map(l -> DisplayWidth.of(l.substring(0, l.indexOf(l.startsWith("NAME") ? "MODE" : "AUTO"))))
        .toList();
    assertEquals(3, modeColumns.size(), list.transcript());
    assertEquals(1, modeColumns.stream().distinct().count(), () -> modeColumns + "\n" + list.transcript());
  }

  /** The service suspends a stream table whose refreshes fail; list and status say so; resume brings it back. */
  @Test
  void serviceSuspendsAFailingStreamTableAndResumeBringsItBack(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE div_src (id int PRIMARY KEY, v int)", "INSERT INTO div_src VALUES (1, 2)");
    String url = db.jdbcUrl();
    CliRun create = CliRun.run(url, "create", "divs", "--schedule", "1m", "--query", "SELECT id, 10 / v AS q FROM div_src");
    assertEquals(0, create.exitCode(), create.transcript());
    // due now: as if its last refresh were an hour ago (the test does not wait a minute)
    db.execute("INSERT INTO div_src VALUES (2, 0)",
        "UPDATE freshet.stream_tables SET last_refresh_at = now() - interval '1 hour' WHERE table_name = 'divs'");

    CliRun service = CliRun.run(url, "service", "--once", "--max-failures", "1");
    assertEquals(4, service.exitCode(), service.transcript());
    // the name is padded to the widest scheduled name of the database
    assertTrue(service.out().matches("(?s).*\"public\"\\.\"divs\" *  FAILED \\(1 in a row\\): division by zero.*"),
        service.transcript());
    assertTrue(service.out().contains("SUSPENDED after 1 failures in a row; fix the cause, then: freshet resume "
        + "'\"public\".\"divs\"'\n"), service.transcript());
    CliRun list = CliRun.run(url, "list");
    assertTrue(list.out().lines().anyMatch(l -> l.startsWith("\"public\".\"divs\"") && l.contains(" SUSPENDED ")),
        list.transcript());
    CliRun status = CliRun.run(url, "status", "divs");
    assertTrue(status.out().contains("status:       SUSPENDED after 1 failed refreshes in a row"), status.transcript());
    CliRun again = CliRun.run(url, "service", "--once", "--max-failures", "1");
    assertEquals(0, again.exitCode(), again.transcript());
    assertFalse(again.out().contains("divs"), "a suspended stream table is left alone\n" + again.transcript());

    db.execute("DELETE FROM div_src WHERE v = 0");
    CliRun resume = CliRun.run(url, "resume", "divs");
    assertEquals(0, resume.exitCode(), resume.transcript());
    assertTrue(resume.out().startsWith("resumed stream table \"public\".\"divs\": ACTIVE"), resume.transcript());
    CliRun refresh = CliRun.run(url, "refresh", "divs");
    assertEquals(0, refresh.exitCode(), refresh.transcript());
    CliRun verify = CliRun.run(url, "verify", "divs");
    assertEquals(0, verify.exitCode(), verify.transcript());
    assertTrue(CliRun.run(url, "status", "divs").out().contains("status:       ACTIVE"));
    assertEquals(0, CliRun.run(url, "drop", "divs").exitCode()); // the other tests share this database
  }

  /** The service deletes refresh history older than --history-retention, and keeps the rest. */
  @Test
  void serviceDeletesHistoryOlderThanItsRetention(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE hist_src (id int PRIMARY KEY)", "INSERT INTO hist_src VALUES (1)");
    String url = db.jdbcUrl();
    assertEquals(0, CliRun.run(url, "create", "hist_st", "--query", "SELECT id FROM hist_src").exitCode());
    for (int i = 0; i < 3; i++) {
      db.execute("INSERT INTO hist_src VALUES (" + (i + 10) + ")");
      assertEquals(0, CliRun.run(url, "refresh", "hist_st").exitCode());
      assertEquals(0, CliRun.run(url, "verify", "hist_st").exitCode(), "the oracle after every refresh");
    }
    String ours = "SELECT count(*) FROM freshet.refresh_history h JOIN freshet.stream_tables st "
        + "ON st.id = h.stream_table_id WHERE st.table_name = 'hist_st'";
    long before = ((Number) db.scalar(ours)).longValue();
    assertTrue(before >= 3, "history rows: " + before);
    db.execute("UPDATE freshet.refresh_history SET started_at = started_at - interval '40 days', "
        + "finished_at = finished_at - interval '40 days' WHERE id IN (SELECT h.id FROM freshet.refresh_history h "
        + "JOIN freshet.stream_tables st ON st.id = h.stream_table_id WHERE st.table_name = 'hist_st' "
        + "ORDER BY h.id LIMIT 2)");
    CliRun service = CliRun.run(url, "service", "--once", "--history-retention", "30 days");
    assertEquals(0, service.exitCode(), service.transcript());
    assertTrue(service.out().contains("deleted 2 refresh history rows older than 30 days"), service.transcript());
    assertEquals(before - 2, ((Number) db.scalar(ours)).longValue());
    CliRun bad = CliRun.run(url, "service", "--once", "--history-retention", "a month");
    assertEquals(2, bad.exitCode(), bad.transcript());
  }

  /** status and list say since when a stream table has been behind its sources: its oldest unread change. */
  @Test
  void statusAndListShowSinceWhenAStreamTableIsBehind(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE behind_src (id int PRIMARY KEY)", "INSERT INTO behind_src VALUES (1)");
    String url = db.jdbcUrl();
    assertEquals(0, CliRun.run(url, "create", "behind_st", "--query", "SELECT id FROM behind_src").exitCode());
    assertFalse(CliRun.run(url, "status", "behind_st").out().contains("behind since"), "nothing pending yet");
    db.execute("INSERT INTO behind_src VALUES (2)");
    // as if the change had been made ten minutes ago (the test does not wait ten minutes)
    db.execute("UPDATE freshet_changes.src_" + db.scalar("SELECT 'behind_src'::regclass::oid")
        + " SET __at = now() - interval '10 minutes'");
    CliRun status = CliRun.run(url, "status", "behind_st");
    assertTrue(status.out().contains("behind since:") && status.out().contains("(10 min ago, the oldest change"),
        status.transcript());
    // an AUTO stream table says what its next refresh would do with what is pending
    assertTrue(status.out().contains("\n  next refresh: DIFFERENTIAL (AUTO: 1 change; no differential refresh "
        + "measured yet)\n"), status.transcript());
    CliRun list = CliRun.run(url, "list");
    assertTrue(list.out().lines().anyMatch(l -> l.startsWith("\"public\".\"behind_st\"") && l.contains(" 1 (10 min) ")),
        list.transcript());
    assertEquals(0, CliRun.run(url, "refresh", "behind_st").exitCode());
    assertFalse(CliRun.run(url, "status", "behind_st").out().contains("behind since"), "caught up");
    assertEquals(0, CliRun.run(url, "verify", "behind_st").exitCode());
  }
}
