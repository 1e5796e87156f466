package dev.freshet.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@code freshet refresh}, {@code status} and {@code verify} say after ALTER TABLE renamed or dropped a
 * column a stream table's query reads (issue 15, the first-hour walkthrough; catalog V26). The refresh said what
 * the planner met first: refusal FR005 about sub-queries when the renamed name now read an outer query's column,
 * or {@code invalid: column "a" does not exist} under a question ("was a table or column renamed or dropped?"),
 * and that replaced the event trigger's last error; status showed {@code ERROR} and {@code next refresh:
 * DIFFERENTIAL} together; two columns dropped by one ALTER TABLE were named as one. Now each refresh is refused
 * (exit status 3, nothing applied) naming every column, what happened to it and the fix, status says the next
 * refresh is refused until then, and after the fix the stream table refreshes and equals its query.
 *
 * <p>Every such refusal (FS008 columns, FS006 a source table renamed, from refresh, verify, explain, alter and the
 * service) prints as the other refusals do: the error, {@code HINT:} with a command that pastes into a shell and
 * holds the stored query to edit (it said {@code freshet alter NAME --query ...}, which runs the query
 * {@code ...}), and {@code SQLSTATE:}; exit status 3. FS008 printed one line without its SQLSTATE, FS006 three lines
 * and exit status 4, and {@code alter --mode} gave PostgreSQL's {@code column "price" does not exist}.
 */
@PostgresTest
class CliSourceColumnDdlTest {

  private static final String PROMO_RENAMED = "its source column \"public\".\"sc_promo\".\"price\" was renamed to "
      + "\"cost\" (ALTER TABLE ... RENAME COLUMN), and its query reads it";

  private static final String EDIT = "; edit the query in this command (its query as stored), then run it: ";

  private static final String NEW_NAME = "give it the new name (this recreates it)" + EDIT;

  private static final String PROMO_FIX = NEW_NAME + "freshet alter '\"public\".\"sc_ids\"' --query "
      + "'SELECT id FROM sc_p WHERE id IN (SELECT pid FROM sc_promo WHERE price < 15)'";

  /** The renamed name is an outer query's column now: the refresh named FR005; it names the rename. */
  @Test
  void aColumnRenamedInsideASubQueryIsNamedNotRefusedAsASubQuery(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE sc_p (id int PRIMARY KEY, name text, price numeric)",
        "CREATE TABLE sc_promo (pid int PRIMARY KEY, price numeric)",
        "INSERT INTO sc_p VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 3)", "INSERT INTO sc_promo VALUES (1, 10), (2, 20)");
    String url = db.jdbcUrl();
    CliRun create = CliRun.run(url, "create", "sc_ids", "--mode", "DIFFERENTIAL", "--query",
        "SELECT id FROM sc_p WHERE id IN (SELECT pid FROM sc_promo WHERE price < 15)");
    assertEquals(0, create.exitCode(), create.transcript());

    db.execute("ALTER TABLE sc_promo RENAME COLUMN price TO cost", "INSERT INTO sc_promo VALUES (3, 5)");
    CliRun refresh = CliRun.run(url, "refresh", "sc_ids");
    assertEquals(3, refresh.exitCode(), refresh.transcript());
    String refused = "error: stream table \"public\".\"sc_ids\" cannot be refreshed: " + PROMO_RENAMED + "\nHINT:  "
        + PROMO_FIX + "\nSQLSTATE:  FS008\n";
    assertEquals(refused, refresh.err(), refresh.transcript());
    assertEquals(List.of(List.of(1)), db.query("SELECT id FROM sc_ids ORDER BY id"), "nothing applied");

    CliRun status = CliRun.run(url, "status", "sc_ids");
    assertEquals(0, status.exitCode(), status.transcript());
    assertTrue(status.out().contains("  status:       ERROR\n  last error:\n    stream table \"public\".\"sc_ids\" "
        + "cannot be refreshed: " + PROMO_RENAMED + "\n    HINT:  " + PROMO_FIX + "\n"), status.transcript());
    assertTrue(status.out().contains("  next refresh: refused until its query is given the names as they are now (see the last "
        + "error)\n"), status.transcript());
    assertTrue(status.out().contains("failed, nothing applied"), status.transcript());
    assertFalse(status.out().contains("FR005"), status.transcript());
    CliRun verify = CliRun.run(url, "verify", "sc_ids");
    assertEquals(3, verify.exitCode(), verify.transcript());
    assertEquals(refused, verify.err(), verify.transcript());

    // the fix it names
    CliRun alter = CliRun.run(url, "alter", "sc_ids", "--query",
        "SELECT id FROM sc_p WHERE id IN (SELECT pid FROM sc_promo WHERE cost < 15)");
    assertEquals(0, alter.exitCode(), alter.transcript());
    db.execute("INSERT INTO sc_promo VALUES (4, 1), (5, 50)", "INSERT INTO sc_p VALUES (4, 'd', 4)");
    assertRefreshedAndEqual(url, "sc_ids");
    assertEquals(List.of(List.of(1), List.of(3), List.of(4)), db.query("SELECT id FROM sc_ids ORDER BY id"));
    assertFalse(CliRun.run(url, "status", "sc_ids").out().contains("next refresh: refused"));
  }

  /**
   * Two columns dropped by one ALTER TABLE under an AUTO stream table: both are named, by the event trigger
   * as it happens and by the refresh, and status does not promise a DIFFERENTIAL refresh.
   */
  @Test
  void twoColumnsDroppedByOneAlterTableAreBothNamed(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE sc_t (id int PRIMARY KEY, a int, b int, c int)", "INSERT INTO sc_t VALUES (1, 1, 1, 1)");
    String url = db.jdbcUrl();
    CliRun create = CliRun.run(url, "create", "sc_ab", "--query", "SELECT id, a, b FROM sc_t WHERE c > 0");
    assertEquals(0, create.exitCode(), create.transcript());

    db.execute("ALTER TABLE sc_t DROP COLUMN a, DROP COLUMN b", "INSERT INTO sc_t VALUES (2, 2)");
    String dropped = "its source columns \"public\".\"sc_t\".\"a\" and \"public\".\"sc_t\".\"b\" were dropped (ALTER "
        + "TABLE ... DROP COLUMN), and its query reads them";
    String fix = "drop the stream table, or give it a query without them (this recreates it)" + EDIT
        + "freshet alter '\"public\".\"sc_ab\"' --query 'SELECT id, a, b FROM sc_t WHERE c > 0'";
    // the event trigger's last error, in the catalog's words, shown as the refusal prints it
    CliRun before = CliRun.run(url, "status", "sc_ab");
    assertTrue(before.out().contains("  last error:\n    " + dropped + "\n    HINT:  " + fix + "\n"), before.transcript());
    assertTrue(before.out().contains("  next refresh: refused until its query is given the names as they are now (see the last "
        + "error)\n"), before.transcript());
    assertFalse(before.out().contains("next refresh: DIFFERENTIAL"), before.transcript());

    CliRun refresh = CliRun.run(url, "refresh", "sc_ab");
    assertEquals(3, refresh.exitCode(), refresh.transcript());
    assertEquals("error: stream table \"public\".\"sc_ab\" cannot be refreshed: " + dropped + "\nHINT:  " + fix
        + "\nSQLSTATE:  FS008\n", refresh.err(), refresh.transcript());
    assertEquals(List.of(List.of(1L)), db.query("SELECT count(*) FROM sc_ab"), "nothing applied");
    CliRun after = CliRun.run(url, "status", "sc_ab");
    assertFalse(after.out().contains("next refresh: DIFFERENTIAL"), after.transcript());
    assertFalse(after.out().contains("renamed or dropped?"), after.transcript());

    CliRun alter = CliRun.run(url, "alter", "sc_ab", "--query", "SELECT id, c FROM sc_t WHERE c > 0");
    assertEquals(0, alter.exitCode(), alter.transcript());
    db.execute("INSERT INTO sc_t VALUES (3, 3)");
    assertRefreshedAndEqual(url, "sc_ab");
  }

  /**
   * A stream table that runs FULL (AUTO fell back, FR005): the event trigger knew only the captured columns of
   * DIFFERENTIAL programs, and status said its next refresh would recompute it while the refresh was refused
   * (FS007, "a column ... was renamed, dropped or added"). Both name the column now.
   */
  @Test
  void aFullStreamTableNamesTheRenamedColumn(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE sc_q (id int PRIMARY KEY, v int)", "CREATE TABLE sc_qq (qid int PRIMARY KEY, w int)",
        "INSERT INTO sc_q VALUES (1, 1), (2, 2)", "INSERT INTO sc_qq VALUES (1, 1)");
    String url = db.jdbcUrl();
    CliRun create = CliRun.run(url, "create", "sc_full", "--query",
        "SELECT id FROM sc_q WHERE id IN (SELECT qid FROM sc_qq WHERE w < 5 OR sc_q.v IS NULL)");
    assertEquals(0, create.exitCode(), create.transcript());
    assertTrue(create.out().contains("FULL (requested AUTO)"), create.transcript());

    db.execute("ALTER TABLE sc_qq RENAME COLUMN w TO w2", "INSERT INTO sc_qq VALUES (2, 2)");
    String renamed = "its source column \"public\".\"sc_qq\".\"w\" was renamed to \"w2\" (ALTER TABLE ... RENAME "
        + "COLUMN), and its query reads it";
    String fix = NEW_NAME + "freshet alter '\"public\".\"sc_full\"' --query "
        + "'SELECT id FROM sc_q WHERE id IN (SELECT qid FROM sc_qq WHERE w < 5 OR sc_q.v IS NULL)'";
    CliRun status = CliRun.run(url, "status", "sc_full");
    assertTrue(status.out().contains("  last error:\n    " + renamed + "\n    HINT:  " + fix + "\n"), status.transcript());
    assertFalse(status.out().contains("recomputes it in full"), status.transcript());
    CliRun refresh = CliRun.run(url, "refresh", "sc_full");
    assertEquals(3, refresh.exitCode(), refresh.transcript());
    assertEquals("error: stream table \"public\".\"sc_full\" cannot be refreshed: " + renamed + "\nHINT:  " + fix
        + "\nSQLSTATE:  FS008\n", refresh.err(), refresh.transcript());
    assertEquals(List.of(List.of(1L)), db.query("SELECT count(*) FROM sc_full"), "nothing applied");

    CliRun alter = CliRun.run(url, "alter", "sc_full", "--query",
        "SELECT id FROM sc_q WHERE id IN (SELECT qid FROM sc_qq WHERE w2 < 5 OR sc_q.v IS NULL)");
    assertEquals(0, alter.exitCode(), alter.transcript());
    db.execute("INSERT INTO sc_q VALUES (3, 3)", "INSERT INTO sc_qq VALUES (3, 3)");
    assertRefreshedAndEqual(url, "sc_full");
  }

  /**
   * DDL no event trigger saw (session_replication_role = replica): status is still ACTIVE, and says that the
   * next refresh is refused, and why; the refresh names the column as after the trigger.
   */
  @Test
  void aRenameUnseenByTheEventTriggerIsNamedByStatusAndRefresh(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE sc_u (id int PRIMARY KEY, v int)", "INSERT INTO sc_u VALUES (1, 1)");
    String url = db.jdbcUrl();
    CliRun create = CliRun.run(url, "create", "sc_uv", "--mode", "DIFFERENTIAL", "--query", "SELECT id, v FROM sc_u");
    assertEquals(0, create.exitCode(), create.transcript());
    db.execute("SET session_replication_role = replica", "ALTER TABLE sc_u RENAME COLUMN v TO v2",
        "RESET session_replication_role", "INSERT INTO sc_u VALUES (2, 2)");
    String renamed = "its source column \"public\".\"sc_u\".\"v\" was renamed to \"v2\" (ALTER TABLE ... RENAME "
        + "COLUMN), and its query reads it";
    String fix = NEW_NAME + "freshet alter '\"public\".\"sc_uv\"' --query 'SELECT id, v FROM sc_u'";
    CliRun status = CliRun.run(url, "status", "sc_uv");
    assertTrue(status.out().contains("  status:       ACTIVE\n"), status.transcript());
    assertTrue(status.out().contains("  next refresh: refused until its query is given the names as they are now: "
        + renamed + "\n                HINT:  " + fix + "\n"), status.transcript());
    CliRun refresh = CliRun.run(url, "refresh", "sc_uv");
    assertEquals(3, refresh.exitCode(), refresh.transcript());
    assertEquals("error: stream table \"public\".\"sc_uv\" cannot be refreshed: " + renamed + "\nHINT:  " + fix
        + "\nSQLSTATE:  FS008\n", refresh.err(), refresh.transcript());
    assertEquals(List.of(List.of(1L)), db.query("SELECT count(*) FROM sc_uv"), "nothing applied");
  }

  /**
   * A column renamed (FS008) and a source table renamed (FS006) are refused alike by refresh, verify, explain and
   * the service: the error, the fix with the command holding the stored query (shell-quoted, to edit), the
   * SQLSTATE, exit status 3. Refresh printed FS008 in one line (no SQLSTATE) and FS006 with exit status 4; the
   * service logged FS008 without its SQLSTATE. The commands suggested, edited, recreate both.
   */
  @Test
  void aRenamedColumnAndARenamedTableAreRefusedAlike(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE sc_pr (id int PRIMARY KEY, name text, price numeric)",
        "CREATE TABLE sc_orders (id int PRIMARY KEY, amount numeric)",
        "INSERT INTO sc_pr VALUES (1, 'a', 10), (2, 'b', 20)", "INSERT INTO sc_orders VALUES (1, 5)");
    String url = db.jdbcUrl();
    String cheapQuery = "SELECT id, name FROM sc_pr WHERE price < 15";
    String dailyQuery = "SELECT id, amount FROM sc_orders";
    assertEquals(0, CliRun.run(url, "create", "sc_cheap", "--schedule", "1m", "--query", cheapQuery).exitCode());
    assertEquals(0, CliRun.run(url, "create", "sc_daily", "--schedule", "1m", "--query", dailyQuery).exitCode());
    db.execute("ALTER TABLE sc_pr RENAME COLUMN price TO cost", "ALTER TABLE sc_orders RENAME TO sc_orders_old",
        "INSERT INTO sc_pr VALUES (3, 'c', 5)", "INSERT INTO sc_orders_old VALUES (2, 7)");

    String cheapWhat = "stream table \"public\".\"sc_cheap\" cannot be refreshed: its source column "
        + "\"public\".\"sc_pr\".\"price\" was renamed to \"cost\" (ALTER TABLE ... RENAME COLUMN), and its query reads it";
    String cheap = "error: " + cheapWhat + "\nHINT:  " + NEW_NAME + "freshet alter '\"public\".\"sc_cheap\"' --query '"
        + cheapQuery + "'\nSQLSTATE:  FS008\n";
    String dailyWhat = "stream table \"public\".\"sc_daily\" cannot be refreshed: its source \"public\".\"sc_orders\" "
        + "was renamed to \"public\".\"sc_orders_old\" (ALTER TABLE); its query names the old table";
    String daily = "error: " + dailyWhat + "\nHINT:  give its query the new name (this recreates it)" + EDIT
        + "freshet alter '\"public\".\"sc_daily\"' --query '" + dailyQuery + "'\nSQLSTATE:  FS006\n";
    // the service (both due: as if refreshed an hour ago): one line each, with its SQLSTATE
    db.execute("UPDATE freshet.stream_tables SET last_refresh_at = now() - interval '1 hour'");
    CliRun pass = CliRun.run(url, "service", "--once");
    assertEquals(4, pass.exitCode(), pass.transcript());
    assertTrue(pass.out().contains("FAILED (1 in a row): " + cheapWhat + " (SQLSTATE FS008)\n"), pass.transcript());
    assertTrue(pass.out().contains("FAILED (1 in a row): " + dailyWhat + " (SQLSTATE FS006)\n"), pass.transcript());
    for (String command : List.of("refresh", "verify", "explain")) {
      for (List<String> expected : List.of(List.of("sc_cheap", cheap), List.of("sc_daily", daily))) {
        CliRun run = CliRun.run(url, command, expected.get(0));
        assertEquals(3, run.exitCode(), command + ": " + run.transcript());
        assertEquals(expected.get(1), run.err(), command + ": " + run.transcript());
        assertEquals("", run.out(), command + ": " + run.transcript());
      }
    }
    // both shown by status as the refusal prints them
    for (List<String> expected : List.of(List.of("sc_cheap", cheap), List.of("sc_daily", daily))) {
      String[] lines = expected.get(1).split("\n");
      CliRun status = CliRun.run(url, "status", expected.get(0));
      assertTrue(status.out().contains("  last error:\n    " + lines[0].substring("error: ".length()) + "\n    "
          + lines[1] + "\n"), status.transcript());
      assertTrue(status.out().contains("  next refresh: refused until its query is given the names as they are now "
          + "(see the last error)\n"), status.transcript());
    }
    assertEquals(List.of(List.of(1L)), db.query("SELECT count(*) FROM sc_cheap"), "nothing applied");
    assertEquals(List.of(List.of(1L)), db.query("SELECT count(*) FROM sc_daily"), "nothing applied");

    // the commands suggested, with the query edited
    CliRun cheapAltered = CliRun.run(url, "alter", "sc_cheap", "--query", cheapQuery.replace("price", "cost"));
    assertEquals(0, cheapAltered.exitCode(), cheapAltered.transcript());
    CliRun dailyAltered = CliRun.run(url, "alter", "sc_daily", "--query", dailyQuery.replace("sc_orders", "sc_orders_old"));
    assertEquals(0, dailyAltered.exitCode(), dailyAltered.transcript());
    db.execute("INSERT INTO sc_pr VALUES (4, 'd', 1)", "UPDATE sc_pr SET cost = 30 WHERE id = 1",
        "INSERT INTO sc_orders_old VALUES (3, 9)", "DELETE FROM sc_orders_old WHERE id = 1");
    assertRefreshedAndEqual(url, "sc_cheap");
    assertRefreshedAndEqual(url, "sc_daily");
    assertEquals(List.of(List.of(3), List.of(4)), db.query("SELECT id FROM sc_cheap ORDER BY id"));
  }

  /**
   * {@code alter --mode} rebuilds from the stored query, which names the renamed column (or table): refused as the
   * refresh is, naming it, with the fix and its SQLSTATE, exit status 3, the suggested command keeping {@code --mode};
   * it gave PostgreSQL's {@code column "price" does not exist}. That command pasted unedited (the stored query) is
   * refused the same; edited, it rebuilds, and the stream table equals its query.
   */
  @Test
  void alterWithTheStoredQueryNamesWhatWasRenamed(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE sc_pa (id int PRIMARY KEY, name text, price numeric)",
        "CREATE TABLE sc_src (id int PRIMARY KEY, v int)",
        "INSERT INTO sc_pa VALUES (1, 'a', 10), (2, 'b', 20)", "INSERT INTO sc_src VALUES (1, 1)");
    String url = db.jdbcUrl();
    String query = "SELECT id, name FROM sc_pa WHERE price < 15";
    assertEquals(0, CliRun.run(url, "create", "sc_alt", "--mode", "DIFFERENTIAL", "--query", query).exitCode());
    assertEquals(0, CliRun.run(url, "create", "sc_moved", "--query", "SELECT id, v FROM sc_src").exitCode());
    db.execute("ALTER TABLE sc_pa RENAME COLUMN price TO cost", "ALTER TABLE sc_src RENAME TO sc_src2");

    String refused = "error: stream table \"public\".\"sc_alt\" cannot be rebuilt with its query as stored: its source "
        + "column \"public\".\"sc_pa\".\"price\" was renamed to \"cost\" (ALTER TABLE ... RENAME COLUMN), and its query "
        + "reads it\nHINT:  " + NEW_NAME + "freshet alter '\"public\".\"sc_alt\"' --mode FULL --query '" + query + "'\n"
        + "SQLSTATE:  FS008\n";
    CliRun alter = CliRun.run(url, "alter", "sc_alt", "--mode", "FULL");
    assertEquals(3, alter.exitCode(), alter.transcript());
    assertEquals(refused, alter.err(), alter.transcript());
    CliRun pasted = CliRun.run(url, "alter", "sc_alt", "--mode", "FULL", "--query", query);
    assertEquals(3, pasted.exitCode(), pasted.transcript());
    assertEquals(refused, pasted.err(), pasted.transcript());
    assertTrue(CliRun.run(url, "status", "sc_alt").out().contains("  mode:         DIFFERENTIAL\n"), "not rebuilt");

    CliRun moved = CliRun.run(url, "alter", "sc_moved", "--mode", "FULL");
    assertEquals(3, moved.exitCode(), moved.transcript());
    assertEquals("error: stream table \"public\".\"sc_moved\" cannot be rebuilt with its query as stored: its source "
        + "\"public\".\"sc_src\" was renamed to \"public\".\"sc_src2\" (ALTER TABLE); its query names the old table\n"
        + "HINT:  give its query the new name (this recreates it)" + EDIT + "freshet alter '\"public\".\"sc_moved\"' "
        + "--mode FULL --query 'SELECT id, v FROM sc_src'\nSQLSTATE:  FS006\n", moved.err(), moved.transcript());

    CliRun edited = CliRun.run(url, "alter", "sc_alt", "--mode", "FULL", "--query", query.replace("price", "cost"));
    assertEquals(0, edited.exitCode(), edited.transcript());
    assertTrue(edited.out().contains("  mode:         FULL\n"), edited.transcript());
    CliRun movedEdited = CliRun.run(url, "alter", "sc_moved", "--mode", "FULL", "--query", "SELECT id, v FROM sc_src2");
    assertEquals(0, movedEdited.exitCode(), movedEdited.transcript());
    db.execute("INSERT INTO sc_pa VALUES (3, 'c', 1)", "UPDATE sc_pa SET cost = 50 WHERE id = 1",
        "INSERT INTO sc_src2 VALUES (2, 2)");
    assertRefreshedAndEqual(url, "sc_alt");
    assertRefreshedAndEqual(url, "sc_moved");
    assertEquals(List.of(List.of(3)), db.query("SELECT id FROM sc_alt ORDER BY id"));
  }

  private static void assertRefreshedAndEqual(String url, String name) {
    CliRun refresh = CliRun.run(url, "refresh", name);
    assertEquals(0, refresh.exitCode(), refresh.transcript());
    CliRun verify = CliRun.run(url, "verify", name);
    assertEquals(0, verify.exitCode(), verify.transcript());
  }
}
