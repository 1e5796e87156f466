package dev.freshet.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@code freshet status} says of DDL on a type a source uses and on a source's row-level security
 * (catalog V18), with names that need their quotes: the type as PostgreSQL quotes it, the table and the
 * column as Freshet's messages do (every part in double quotes), and what the next refresh does; {@code
 * freshet refresh} does it, and {@code freshet verify} finds the stream table equal to its query after each
 * refresh.
 */
@PostgresTest
class CliSourceDdlStatusTest {

  @Test
  void statusNamesTheTypeTheTableAndTheColumnAndRefreshRebuilds(TestDatabase db) throws Exception {
    db.execute("CREATE SCHEMA \"Shop\"", "CREATE TYPE \"Shop\".\"Mood Kind\" AS ENUM ('sad', 'ok')",
        "CREATE TABLE \"Shop\".\"Order Items\" (id int PRIMARY KEY, kind \"Shop\".\"Mood Kind\", amount int)",
        "INSERT INTO \"Shop\".\"Order Items\" VALUES (1, 'sad', 1), (2, 'ok', 2)");
    String url = db.jdbcUrl();
    CliRun create = CliRun.run(url, "create", "sd_kinds", "--mode", "differential", "--query",
        "SELECT kind, sum(amount) AS total FROM \"Shop\".\"Order Items\" GROUP BY kind");
    assertEquals(0, create.exitCode(), create.transcript());

    db.execute("ALTER TYPE \"Shop\".\"Mood Kind\" RENAME VALUE 'ok' TO 'fine'",
        "INSERT INTO \"Shop\".\"Order Items\" VALUES (3, 'fine', 30)");
    CliRun status = CliRun.run(url, "status", "sd_kinds");
    assertEquals(0, status.exitCode(), status.transcript());
    assertTrue(status.out().contains("value 'ok' of type \"Shop\".\"Mood Kind\", which its source column "
        + "\"Shop\".\"Order Items\".\"kind\" uses, was renamed to 'fine' (ALTER TYPE ... RENAME VALUE): its next "
        + "refresh compiles it again and recomputes it in full"), status.transcript());
    assertRefreshedInFullAndEqual(url);

    db.execute("ALTER TABLE \"Shop\".\"Order Items\" ENABLE ROW LEVEL SECURITY",
        "CREATE POLICY \"No Sad\" ON \"Shop\".\"Order Items\" FOR SELECT USING (kind <> 'sad')");
    status = CliRun.run(url, "status", "sd_kinds");
    assertTrue(status.out().contains("the row-level security of its source \"Shop\".\"Order Items\" changed "
        + "(CREATE POLICY): its next refresh recomputes it in full"), status.transcript());
    assertRefreshedInFullAndEqual(url);
  }

  /**
   * A source whose name holds a double quote, and a column that needs its quotes: the event trigger's last
   * error and rebuild reason name them, the stream table and the fix as refresh's messages do (every part in
   * double quotes, a quote doubled), so the name can be pasted into the command it suggests.
   */
  @Test
  void aDroppedColumnIsNamedAsRefreshNamesIt(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE \"we\"\"ird\" (id int PRIMARY KEY, \"Val\" int, other int)",
        "INSERT INTO \"we\"\"ird\" VALUES (1, 10, 100), (2, 20, 200)");
    String url = db.jdbcUrl();
    for (String[] st : new String[][] {{"dq_val", "SELECT id, \"Val\" FROM \"we\"\"ird\""},
        {"dq_other", "SELECT id, other FROM \"we\"\"ird\""}}) {
      CliRun create = CliRun.run(url, "create", st[0], "--mode", "differential", "--query", st[1]);
      assertEquals(0, create.exitCode(), create.transcript());
    }

    db.execute("INSERT INTO \"we\"\"ird\" VALUES (3, 30, 300)", "ALTER TABLE \"we\"\"ird\" DROP COLUMN \"Val\"",
        "INSERT INTO \"we\"\"ird\" VALUES (4, 400)", "UPDATE \"we\"\"ird\" SET other = 0 WHERE id = 1");
    CliRun status = CliRun.run(url, "status", "dq_val");
    assertEquals(0, status.exitCode(), status.transcript());
    assertTrue(status.out().contains("  last error:\n    its source column \"public\".\"we\"\"ird\".\"Val\" was dropped "
        + "(ALTER TABLE ... DROP COLUMN), and its query reads it\n    HINT:  drop the stream table, or give it a query "
        + "without it (this recreates it); edit the query in this command (its query as stored), then run it: "
        + "freshet alter '\"public\".\"dq_val\"' --query 'SELECT id, \"Val\" FROM \"we\"\"ird\"'\n"),
        status.transcript());
    // dq_other does not read "Val": nothing to rebuild, and its refresh stays differential (catalog V27; it
    // said 'rebuild: columns of its source ... were dropped or changed type' and recomputed before)
    CliRun other = CliRun.run(url, "status", "dq_other");
    assertFalse(other.out().contains("rebuild:"), other.transcript());
    CliRun refresh = CliRun.run(url, "refresh", "dq_other");
    assertEquals(0, refresh.exitCode(), refresh.transcript());
    assertTrue(refresh.out().contains("DIFFERENTIAL"), refresh.transcript());
    CliRun verify = CliRun.run(url, "verify", "dq_other");
    assertEquals(0, verify.exitCode(), verify.transcript());

    // a column it reads changes type: the rebuild reason names it as refresh's messages do
    db.execute("ALTER TABLE \"we\"\"ird\" ALTER COLUMN other TYPE bigint", "INSERT INTO \"we\"\"ird\" VALUES (5, 5)");
    CliRun retyped = CliRun.run(url, "status", "dq_other");
    assertTrue(retyped.out().contains("rebuild:      its source column \"public\".\"we\"\"ird\".\"other\" changed "
        + "type from integer to bigint (ALTER TABLE ... TYPE): its next refresh compiles it again and recomputes it in "
        + "full"), retyped.transcript());
    CliRun full = CliRun.run(url, "refresh", "dq_other");
    assertEquals(0, full.exitCode(), full.transcript());
    assertTrue(full.out().contains("FULL"), full.transcript());
    assertEquals(0, CliRun.run(url, "verify", "dq_other").exitCode());
  }

  /**
   * One of Freshet's triggers disabled (catalog V45): status says the next refresh recomputes and why, while it is
   * disabled and once more after it is enabled again; the refresh does, and after it status says nothing of it.
   */
  @Test
  void statusSaysADisabledTriggerMakesTheNextRefreshRecompute(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE \"Load \"\"Q\"\"\" (id int PRIMARY KEY, v int)", "INSERT INTO \"Load \"\"Q\"\"\" VALUES (1, 1)");
    String url = db.jdbcUrl();
    CliRun create = CliRun.run(url, "create", "ld_sum", "--mode", "differential", "--query",
        "SELECT sum(v) AS s FROM \"Load \"\"Q\"\"\"");
    assertEquals(0, create.exitCode(), create.transcript());

    db.execute("ALTER TABLE \"Load \"\"Q\"\"\" DISABLE TRIGGER freshet_capture_ins", "INSERT INTO \"Load \"\"Q\"\"\" VALUES (2, 2)");
    CliRun status = CliRun.run(url, "status", "ld_sum");
    assertEquals(0, status.exitCode(), status.transcript());
    assertTrue(status.out().contains("  next refresh: FULL (trigger \"freshet_capture_ins\" of \"public\".\"Load \"\"Q\"\"\" "
        + "is disabled (ALTER TABLE ... DISABLE TRIGGER): writes there are not captured, and every refresh recomputes "
        + "until it is enabled (ALTER TABLE \"public\".\"Load \"\"Q\"\"\" ENABLE TRIGGER \"freshet_capture_ins\"))\n"),
        status.transcript());
    for (String expected : List.of("is disabled", "was disabled or enabled")) {
      if (expected.startsWith("was")) {
        db.execute("ALTER TABLE \"Load \"\"Q\"\"\" ENABLE TRIGGER freshet_capture_ins");
        status = CliRun.run(url, "status", "ld_sum");
        assertTrue(status.out().contains("  next refresh: FULL (trigger \"freshet_capture_ins\" of \"public\".\"Load "
            + "\"\"Q\"\"\" was disabled or enabled (ALTER TABLE ... DISABLE or ENABLE TRIGGER), or created again, since "
            + "the last refresh: writes made without it were not captured)\n"), status.transcript());
      }
      CliRun refresh = CliRun.run(url, "refresh", "ld_sum");
      assertEquals(0, refresh.exitCode(), refresh.transcript());
      assertTrue(refresh.out().contains("FULL") && refresh.out().contains(expected), refresh.transcript());
      CliRun verify = CliRun.run(url, "verify", "ld_sum");
      assertEquals(0, verify.exitCode(), verify.transcript());
    }
    CliRun after = CliRun.run(url, "status", "ld_sum");
    assertFalse(after.out().contains("next refresh:"), after.transcript());
  }

  private static void assertRefreshedInFullAndEqual(String url) {
    CliRun refresh = CliRun.run(url, "refresh", "sd_kinds");
    assertEquals(0, refresh.exitCode(), refresh.transcript());
    assertTrue(refresh.out().contains("FULL"), refresh.transcript());
    CliRun verify = CliRun.run(url, "verify", "sd_kinds");
    assertEquals(0, verify.exitCode(), verify.transcript());
    CliRun after = CliRun.run(url, "status", "sd_kinds");
    assertFalse(after.out().contains("its next refresh"), after.transcript());
  }
}
