package dev.freshet.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.catalog.CatalogMigrations;
import dev.freshet.runtime.cli.FreshetCli;
import dev.freshet.tests.harness.OlderCatalog;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * A catalog an older Freshet created is upgraded only by {@code freshet migrate} (issue 14, DB-2): every
 * other command refuses it saying what to run, and changes nothing; {@code --dry-run} lists the steps;
 * {@code migrate} prints each step it applies; the service waits for it, saying so once, then refreshes.
 */
@PostgresTest
class CliMigrateTest {

  private static final int OLDER = CatalogMigrations.LATEST - 2;

  @BeforeEach
  void noCatalog(TestDatabase db) throws Exception {
    db.execute("DROP SCHEMA IF EXISTS freshet, freshet_changes, freshet_state CASCADE",
        "DROP TABLE IF EXISTS mg_src, mg_st, mg_ord CASCADE",
        "CREATE TABLE mg_src (id int PRIMARY KEY, grp int NOT NULL)",
        "INSERT INTO mg_src SELECT g, g % 4 FROM generate_series(1, 20) g");
  }

  private static int version(TestDatabase db) throws Exception {
    return ((Number) db.query("SELECT max(version) FROM freshet.schema_version").get(0).get(0)).intValue();
  }

  @Test
  void anOlderCatalogIsRefusedUntilMigrateUpgradesIt(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      assertEquals(OLDER, OlderCatalog.migrateTo(c, OLDER));
    }
    String url = db.jdbcUrl();
    String advice = "the Freshet catalog in this database is at version " + OLDER + ", older than this Freshet's "
        + "(version " + CatalogMigrations.LATEST + "): run 'freshet migrate' to upgrade it";
    for (String[] command : new String[][] {{"list"}, {"status", "mg_st"}, {"refresh", "mg_st"},
        {"create", "mg_st", "--query", "SELECT grp, count(*) AS n FROM mg_src GROUP BY grp"}}) {
      CliRun refused = CliRun.run(url, command);
      assertEquals(4, refused.exitCode(), refused.transcript());
      assertTrue(refused.err().contains(advice), refused.transcript());
    }
    assertEquals(List.of(List.of(false)), db.query("SELECT to_regclass('mg_st') IS NOT NULL"));

    CliRun dryRun = CliRun.run(url, "migrate", "--dry-run");
    assertEquals(0, dryRun.exitCode(), dryRun.transcript());
    assertTrue(dryRun.out().startsWith("the Freshet catalog of database " + db.name() + " is at version " + OLDER
        + ", this Freshet's is " + CatalogMigrations.LATEST + "; would apply 2 steps:\n  V" + (OLDER + 1) + " "),
        dryRun.transcript());
    assertEquals(OLDER, version(db), "a dry run changes nothing");

    // the service of the newer Freshet waits for the migration instead of exiting
    ServiceLines out = new ServiceLines();
    CommandLine cli = FreshetCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(new StringWriter(), true));
    Thread service = new Thread(() -> cli.execute("service", "--poll", "1s", "--health-port", "0", "--jdbc-url", url),
        "service-waiting");
    service.setDaemon(true);
    service.start();
    try (Connection c = db.connect()) {
      String probes = out.next("the health probes' port", l -> l.contains("health probes on port "));
      int port = HealthProbe.port(probes);
      out.next("the wait for a migration", l -> l.contains(advice) && l.endsWith("waiting until it is migrated"));
      // a supervisor sees it alive but not ready, and why
      assertEquals("503 not ready: the Freshet catalog is older than this Freshet: waiting for 'freshet migrate'",
          HealthProbe.get(port, "/readyz"));
      assertTrue(HealthProbe.get(port, "/livez").startsWith("200 alive: "), HealthProbe.get(port, "/livez"));

      CliRun migrate = CliRun.run(url, "migrate");
      assertEquals(0, migrate.exitCode(), migrate.transcript());
      List<String> lines = migrate.out().lines().toList();
      assertEquals(4, lines.size(), migrate.transcript());
      assertTrue(lines.get(1).matches("  applied V" + (OLDER + 1) + " [a-z ]+ \\(\\d+ ms\\)"), migrate.transcript());
      assertTrue(lines.get(2).matches("  applied V" + CatalogMigrations.LATEST + " [a-z ]+ \\(\\d+ ms\\)"),
          migrate.transcript());
      assertEquals("the Freshet catalog of database " + db.name() + " is at version " + CatalogMigrations.LATEST,
          lines.get(3));
      assertEquals(CatalogMigrations.LATEST, version(db));

      out.next("the service going on", l -> l.endsWith("the catalog is at version " + CatalogMigrations.LATEST
          + "; refreshing"));
      assertEquals("200 ready", HealthProbe.get(port, "/readyz"));
      CliRun create = CliRun.run(url, "create", "mg_st", "--schedule", "1s", "--query",
          "SELECT grp, count(*) AS n FROM mg_src GROUP BY grp");
      assertEquals(0, create.exitCode(), create.transcript());
      db.execute("INSERT INTO mg_src VALUES (21, 9)");
      out.next("a refresh by the service", l -> l.contains("\"mg_st\"") && l.contains("+1 "));
      Oracle.assertFresh(c, "mg_st");
      assertEquals(1, out.seen.stream().filter(l -> l.contains("waiting until it is migrated")).count(),
          () -> String.join("\n", out.seen));
    } finally {
      service.interrupt();
      service.join(10_000);
    }

    // programs printed by an older Freshet (here: marked as such) are printed anew by migrate
    String printed = db.query("SELECT s.create_change_table FROM freshet.refresh_sources s JOIN freshet.stream_tables "
        + "st ON st.id = s.stream_table_id WHERE st.table_name = 'mg_st'").get(0).get(0).toString();
    db.execute("UPDATE freshet.refresh_sources SET create_change_table = create_change_table || ' -- older'");
    CliRun again = CliRun.run(url, "migrate");
    assertEquals(0, again.exitCode(), again.transcript());
    assertEquals("the Freshet catalog of database " + db.name() + " is at version " + CatalogMigrations.LATEST
        + ", this Freshet's: nothing to do\n"
        + "reinstalled the refresh programs of 1 stream table with this version's code\n", again.out());
    assertEquals(printed, db.query("SELECT s.create_change_table FROM freshet.refresh_sources s JOIN "
        + "freshet.stream_tables st ON st.id = s.stream_table_id WHERE st.table_name = 'mg_st'").get(0).get(0));
    db.execute("INSERT INTO mg_src VALUES (22, 9)");
    try (Connection c = db.connect()) {
      dev.freshet.runtime.streamtable.StreamTables.refresh(c, "mg_st"); // AUTO: either mode, the same rows
      Oracle.assertFresh(c, "mg_st");
    }
  }

  /**
   * A state table an older Freshet created has the columns Calcite named ({@code EXPR$0}) and programs that
   * read them: they keep working, {@code verify} reads them, and {@code migrate} renames the columns to this
   * Freshet's names ({@code max}) as it installs the programs printed with them; refreshes stay exact.
   */
  @Test
  void migrateRenamesTheStateColumnsCalciteNamed(TestDatabase db) throws Exception {
    String url = db.jdbcUrl();
    db.execute("DROP TABLE IF EXISTS mg_ord", "CREATE TABLE mg_ord (id int PRIMARY KEY, src int, amount int)",
        "INSERT INTO mg_ord SELECT g, g % 7, g * 3 FROM generate_series(1, 30) g");
    CliRun create = CliRun.run(url, "create", "mg_st", "--mode", "DIFFERENTIAL", "--query", "SELECT s.id, "
        + "(SELECT max(o.amount) FROM mg_ord o WHERE o.src = s.id) AS biggest FROM mg_src s");
    assertEquals(0, create.exitCode(), create.transcript());
    String stateColumns = "SELECT column_name FROM information_schema.columns WHERE table_schema = 'freshet_state' "
        + "AND left(column_name, 10) <> '__freshet_' ORDER BY table_name, ordinal_position";
    List<List<Object>> named = db.query(stateColumns);
    assertTrue(named.contains(List.of("max")) && named.stream().noneMatch(c -> c.get(0).toString().contains("$")),
        named::toString);

    // as an older Freshet left it: the column named as Calcite names it, and the programs reading that name
    for (List<Object> stateTable : db.query("SELECT table_name FROM information_schema.columns WHERE table_schema = "
        + "'freshet_state' AND column_name = 'max'")) {
      db.execute("ALTER TABLE freshet_state." + stateTable.get(0) + " RENAME COLUMN max TO \"EXPR$0\"");
    }
    // (its programs had no session form, catalog V37)
    db.execute("UPDATE freshet.refresh_programs SET step_sql = ARRAY(SELECT replace(s, '\"max\"', '\"EXPR$0\"') "
        + "FROM unnest(step_sql) s), session_step_sql = NULL");
    db.execute("INSERT INTO mg_ord VALUES (31, 3, 500)", "DELETE FROM mg_ord WHERE id = 14");
    try (Connection c = db.connect()) {
      dev.freshet.runtime.streamtable.StreamTables.refresh(c, "mg_st");
      Oracle.assertFresh(c, "mg_st");
    }
    CliRun verify = CliRun.run(url, "verify", "mg_st");
    assertEquals(0, verify.exitCode(), verify.transcript());

    CliRun migrate = CliRun.run(url, "migrate");
    assertEquals(0, migrate.exitCode(), migrate.transcript());
    assertTrue(migrate.out().contains("reinstalled the refresh programs of 1 stream table"), migrate.transcript());
    assertEquals(named, db.query(stateColumns));
    db.execute("INSERT INTO mg_ord VALUES (32, 3, 900), (33, 5, 1)", "UPDATE mg_ord SET amount = 0 WHERE id = 31");
    try (Connection c = db.connect()) {
      dev.freshet.runtime.streamtable.StreamTables.refresh(c, "mg_st");
      Oracle.assertFresh(c, "mg_st");
    }
    assertEquals(0, CliRun.run(url, "verify", "mg_st").exitCode());
  }

  /**
   * Tables of groups (a grouped stream table, its state tables) are made with room on each page for updates
   * in place (fillfactor 90); a bag of rows is not. Those an older Freshet made get the setting from
   * {@code migrate} (V38), and refreshes stay exact.
   */
  @Test
  void tablesOfGroupsHaveRoomForUpdatesInPlace(TestDatabase db) throws Exception {
    String url = db.jdbcUrl();
    assertEquals(0, CliRun.run(url, "create", "mg_st", "--mode", "DIFFERENTIAL", "--query",
        "SELECT grp, count(*) AS n, max(id) AS top FROM mg_src GROUP BY grp").exitCode());
    // rows, each beside the largest id of its group (a state table)
    assertEquals(0, CliRun.run(url, "create", "mg_ord", "--mode", "DIFFERENTIAL", "--query", "SELECT s.id, "
        + "(SELECT max(o.id) FROM mg_src o WHERE o.grp = s.grp) AS top FROM mg_src s").exitCode());
    String options = "SELECT c.relname, coalesce(array_to_string(c.reloptions, ','), '') FROM pg_class c "
        + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND (n.nspname = 'freshet_state' "
        + "OR c.relname IN ('mg_st', 'mg_ord')) ORDER BY n.nspname <> 'public', c.relname";
    List<List<Object>> made = db.query(options);
    assertTrue(made.size() >= 3, made::toString);
    assertEquals(List.of("mg_ord", ""), made.get(0), made::toString);
    made.subList(1, made.size()).forEach(row -> assertEquals("fillfactor=90", row.get(1), made::toString));

    // as an older Freshet left them: no setting, the catalog at version 37
    for (List<Object> row : made) {
      db.execute("ALTER TABLE " + (row.get(0).equals("mg_st") || row.get(0).equals("mg_ord") ? "" : "freshet_state.")
          + row.get(0) + " RESET (fillfactor)");
    }
    db.execute("DELETE FROM freshet.schema_version WHERE version > 37");
    CliRun migrate = CliRun.run(url, "migrate");
    assertEquals(0, migrate.exitCode(), migrate.transcript());
    assertEquals(made, db.query(options));
    db.execute("INSERT INTO mg_src VALUES (21, 9), (22, 2)", "UPDATE mg_src SET grp = 3 WHERE id = 4");
    try (Connection c = db.connect()) {
      for (String streamTable : List.of("mg_st", "mg_ord")) {
        dev.freshet.runtime.streamtable.StreamTables.refresh(c, streamTable);
        Oracle.assertFresh(c, streamTable);
      }
    }
  }

  @Test
  void migrateCreatesAMissingCatalog(TestDatabase db) throws Exception {
    CliRun dryRun = CliRun.run(db.jdbcUrl(), "migrate", "--dry-run");
    assertEquals(0, dryRun.exitCode(), dryRun.transcript());
    assertTrue(dryRun.out().startsWith("database " + db.name() + " has no Freshet catalog (version "
        + CatalogMigrations.LATEST + " creates it); would apply " + CatalogMigrations.LATEST + " steps:\n  V1 catalog\n"),
        dryRun.transcript());
    assertEquals(List.of(List.of(false)), db.query("SELECT to_regnamespace('freshet') IS NOT NULL"));

    CliRun migrate = CliRun.run(db.jdbcUrl(), "migrate");
    assertEquals(0, migrate.exitCode(), migrate.transcript());
    assertEquals(CatalogMigrations.LATEST + 2, migrate.out().lines().count(), migrate.transcript());
    assertEquals(CatalogMigrations.LATEST, version(db));
  }
}
