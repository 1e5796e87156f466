package dev.freshet.tests.cli;

import static dev.freshet.tests.cli.RoleConnections.sql;
import static dev.freshet.tests.cli.RoleConnections.url;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * Several login roles creating stream tables in one database (issue 14): each connects acting as one team
 * role ({@code options=-c role=team}, as {@code PGOPTIONS} would), so Freshet's catalog, buffers and stream
 * tables belong to the team role and every member manages them all; the sources stay their owners', who
 * grant the team what capture needs ({@code SELECT}, {@code TRIGGER}, and {@code UPDATE} for the lock at
 * create), or, better, let the team own them: dropping the last stream table on a table drops its capture
 * triggers, which only the table's owner may. A role outside the team can neither act as it nor refresh the
 * team's stream tables. Real login roles; every refresh is verified.
 */
@PostgresTest
class CliTeamRoleTest {

  @Test
  void membersOfATeamRoleShareTheirStreamTables(TestDatabase db) throws Exception {
    db.execute("DO $$ BEGIN"
            + " IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'fr_crew') THEN CREATE ROLE fr_crew NOLOGIN; END IF;"
            + " IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'fr_ann') THEN"
            + "   CREATE ROLE fr_ann LOGIN PASSWORD 'ann-pw'; END IF;"
            + " IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'fr_ben') THEN"
            + "   CREATE ROLE fr_ben LOGIN PASSWORD 'ben-pw'; END IF;"
            + " IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'fr_outsider') THEN"
            + "   CREATE ROLE fr_outsider LOGIN PASSWORD 'out-pw'; END IF; END $$",
        "GRANT fr_crew TO fr_ann", "GRANT fr_crew TO fr_ben",
        "DROP DATABASE IF EXISTS fr_team WITH (FORCE)", "CREATE DATABASE fr_team");
    String superuser = url(db.jdbcUrl(), "fr_team", null, null, null);
    sql(superuser, "GRANT CREATE ON DATABASE fr_team TO fr_crew",
        "GRANT CREATE ON SCHEMA public TO fr_crew, fr_ann, fr_ben");
    String ann = url(db.jdbcUrl(), "fr_team", "fr_ann", "ann-pw", null);
    String ben = url(db.jdbcUrl(), "fr_team", "fr_ben", "ben-pw", null);
    String annInCrew = url(db.jdbcUrl(), "fr_team", "fr_ann", "ann-pw", "fr_crew");
    String benInCrew = url(db.jdbcUrl(), "fr_team", "fr_ben", "ben-pw", "fr_crew");
    sql(ann, "CREATE TABLE ann_sales (id int PRIMARY KEY, region text NOT NULL, amount int NOT NULL)",
        "INSERT INTO ann_sales VALUES (1, 'north', 10), (2, 'south', 20)",
        "GRANT SELECT, TRIGGER, UPDATE ON ann_sales TO fr_crew");
    sql(ben, "CREATE TABLE ben_items (id int PRIMARY KEY, region text NOT NULL)",
        "INSERT INTO ben_items VALUES (1, 'north')", "GRANT SELECT, TRIGGER, UPDATE ON ben_items TO fr_crew");

    // Ann creates the catalog and a stream table, Ben another, both acting as the team
    CliRun annCreates = CliRun.run(annInCrew, "create", "ann_totals", "--mode", "differential", "--query",
        "SELECT region, sum(amount) AS total FROM ann_sales GROUP BY region");
    assertEquals(0, annCreates.exitCode(), annCreates.transcript());
    CliRun benCreates = CliRun.run(benInCrew, "create", "ben_counts", "--mode", "differential", "--query",
        "SELECT i.region, count(*) AS n, sum(s.amount) AS amount FROM ben_items i JOIN ann_sales s "
            + "ON s.region = i.region GROUP BY i.region");
    assertEquals(0, benCreates.exitCode(), benCreates.transcript());
    CliRun status = CliRun.run(annInCrew, "status", "ben_counts");
    assertTrue(status.out().contains(" by fr_crew\n"), status.transcript());

    // the owners write their tables as themselves; either member refreshes everything
    sql(ann, "INSERT INTO ann_sales VALUES (3, 'north', 5)", "UPDATE ann_sales SET amount = 21 WHERE id = 2");
    sql(ben, "INSERT INTO ben_items VALUES (2, 'south')");
    CliRun refresh = CliRun.run(benInCrew, "refresh", "--all");
    assertEquals(0, refresh.exitCode(), refresh.transcript());
    assertTrue(refresh.out().contains("\"public\".\"ann_totals\"  DIFFERENTIAL"), refresh.transcript());
    assertTrue(refresh.out().contains("\"public\".\"ben_counts\"  DIFFERENTIAL"), refresh.transcript());
    for (String name : new String[] {"ann_totals", "ben_counts"}) {
      CliRun verify = CliRun.run(annInCrew, "verify", name);
      assertEquals(0, verify.exitCode(), verify.transcript());
    }
    try (Connection c = DriverManager.getConnection(superuser); Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT string_agg(DISTINCT tableowner, ',') FROM pg_tables "
            + "WHERE schemaname IN ('freshet', 'freshet_changes') OR tablename IN ('ann_totals', 'ben_counts')")) {
      assertTrue(rs.next());
      assertEquals("fr_crew", rs.getString(1));
    }

    // a role outside the team may not act as it, nor manage the team's stream tables as itself
    String outsider = url(db.jdbcUrl(), "fr_team", "fr_outsider", "out-pw", null);
    CliRun posing = CliRun.run(url(db.jdbcUrl(), "fr_team", "fr_outsider", "out-pw", "fr_crew"), "list");
    assertEquals(4, posing.exitCode(), posing.transcript());
    assertTrue(posing.err().contains("permission denied to set role \"fr_crew\""), posing.transcript());
    CliRun refused = CliRun.run(outsider, "refresh", "ann_totals");
    assertEquals(4, refused.exitCode(), refused.transcript());
    assertTrue(refused.err().contains("must be owner of stream table \"public\".\"ann_totals\" (owned by \"fr_crew\")"),
        refused.transcript());
    // the team was granted TRIGGER on Ann's table, which creates triggers but does not drop them: the last
    // stream table on it cannot take its capture with it, and says so (nothing dropped)
    CliRun notOwner = CliRun.run(benInCrew, "drop", "ann_totals", "ben_counts");
    assertEquals(4, notOwner.exitCode(), notOwner.transcript());
    assertTrue(notOwner.err().contains("cannot remove the change capture of \"public\".\"ann_sales\""),
        notOwner.transcript());
    assertTrue(notOwner.err().contains("ALTER TABLE \"public\".\"ann_sales\" OWNER TO"), notOwner.transcript());
    assertEquals(0, CliRun.run(annInCrew, "verify", "ann_totals").exitCode());
    // once the team owns the sources (their old owners are members of it), members drop them
    // a source the team may only put triggers on has no trigger for replica mode (enabling one so needs the owner);
    // once the team owns it, the next refresh installs it (catalog V44)
    String replicaTriggers = "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'ann_sales'::regclass "
        + "AND tgname LIKE 'freshet\\_replica\\_%' AND tgenabled = 'R'";
    assertEquals(0, count(superuser, replicaTriggers));
    sql(ann, "ALTER TABLE ann_sales OWNER TO fr_crew");
    sql(ben, "ALTER TABLE ben_items OWNER TO fr_crew");
    CliRun reconciled = CliRun.run(benInCrew, "refresh", "--all");
    assertEquals(0, reconciled.exitCode(), reconciled.transcript());
    assertEquals(1, count(superuser, replicaTriggers));
    for (String name : new String[] {"ann_totals", "ben_counts"}) {
      CliRun verify = CliRun.run(annInCrew, "verify", name);
      assertEquals(0, verify.exitCode(), verify.transcript());
    }
    CliRun drop = CliRun.run(benInCrew, "drop", "ann_totals", "ben_counts");
    assertEquals(0, drop.exitCode(), drop.transcript());
    sql(ann, "INSERT INTO ann_sales VALUES (4, 'west', 1)"); // the owners still write, capture is gone
    try (Connection c = DriverManager.getConnection(superuser); Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT count(*) FROM pg_trigger WHERE tgrelid IN ('ann_sales'::regclass, "
            + "'ben_items'::regclass) AND NOT tgisinternal")) {
      assertTrue(rs.next());
      assertEquals(0, rs.getInt(1));
    }
  }

  private static int count(String url, String query) throws Exception {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
        var rs = s.executeQuery(query)) {
      assertTrue(rs.next());
      return rs.getInt(1);
    }
  }
}
