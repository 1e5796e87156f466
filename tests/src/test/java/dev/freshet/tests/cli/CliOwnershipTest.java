package dev.freshet.tests.cli;

import static dev.freshet.tests.cli.RoleConnections.sql;
import static dev.freshet.tests.cli.RoleConnections.url;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * A stream table belongs to the role that created it (issue 14, SEC-1), with two real login roles: a plain
 * role owns its database, tables and stream table; another role lists and reads the catalog but may not
 * refresh, alter or drop it ({@code must be owner of stream table}, from the command line and from
 * {@code CALL freshet.refresh}), and its refused attempts leave nothing recorded; once granted the owner's
 * role it may; a superuser always may. After every refresh the stream table is verified.
 */
@PostgresTest
class CliOwnershipTest {

  @Test
  void onlyTheOwnerItsMembersAndSuperusersManageAStreamTable(TestDatabase db) throws Exception {
    db.execute("DO $$ BEGIN"
            + " IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'fr_alice') THEN"
            + "   CREATE ROLE fr_alice LOGIN PASSWORD 'alice-pw'; END IF;"
            + " IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'fr_bob') THEN"
            + "   CREATE ROLE fr_bob LOGIN PASSWORD 'bob-pw'; END IF; END $$",
        "REVOKE fr_alice FROM fr_bob",
        "DROP DATABASE IF EXISTS fr_owned WITH (FORCE)",
        "CREATE DATABASE fr_owned OWNER fr_alice");
    String alice = url(db.jdbcUrl(), "fr_owned", "fr_alice", "alice-pw", null);
    String bob = url(db.jdbcUrl(), "fr_owned", "fr_bob", "bob-pw", null);
    String superuser = url(db.jdbcUrl(), "fr_owned", null, null, null);

    // a plain role (no superuser) uses Freshet on its own database: the catalog is created by it
    sql(alice, "CREATE TABLE sales (id int PRIMARY KEY, region text NOT NULL, amount int NOT NULL)",
        "INSERT INTO sales VALUES (1, 'north', 10), (2, 'south', 20)");
    CliRun create = CliRun.run(alice, "create", "by_region", "--mode", "differential", "--query",
        "SELECT region, sum(amount) AS total FROM sales GROUP BY region");
    assertEquals(0, create.exitCode(), create.transcript());
    sql(alice, "INSERT INTO sales VALUES (3, 'north', 5)");

    // another role reads the catalog ...
    CliRun list = CliRun.run(bob, "list");
    assertEquals(0, list.exitCode(), list.transcript());
    assertTrue(list.out().lines().anyMatch(l -> l.startsWith("\"public\".\"by_region\"")), list.transcript());
    CliRun status = CliRun.run(bob, "status", "by_region");
    assertEquals(0, status.exitCode(), status.transcript());
    assertTrue(status.out().contains("created:") && status.out().contains(" by fr_alice\n"), status.transcript());
    assertTrue(status.out().contains("  pending:      not visible to this role"), status.transcript());
    assertTrue(status.out().contains("  rows:         not readable by this role"), status.transcript());

    // ... but may not refresh, alter or drop the stream table
    String refused = "must be owner of stream table \"public\".\"by_region\" (owned by \"fr_alice\")";
    for (String[] command : new String[][] {{"refresh", "by_region"}, {"alter", "by_region", "--schedule", "5m"},
        {"drop", "by_region"}, {"resume", "by_region"}}) {
      CliRun run = CliRun.run(bob, command);
      assertEquals(4, run.exitCode(), run.transcript()); // a database error, as PostgreSQL's "must be owner"
      assertTrue(run.err().contains(refused), run.transcript());
    }
    SQLException call = assertThrows(SQLException.class, () -> sql(bob, "CALL freshet.refresh('by_region')"));
    assertEquals("42501", call.getSQLState(), call.getMessage());
    // worded and quoted as the command line's refusal (it said public.by_region, and its owner fr_alice)
    assertTrue(call.getMessage().contains("must be owner of stream table \"public\".\"by_region\""), call.getMessage());
    assertTrue(call.getMessage().contains("its owner \"fr_alice\", a member of that role"), call.getMessage());
    // nothing was recorded of the refused attempts: still ACTIVE, one history row (the creation)
    try (Connection c = DriverManager.getConnection(superuser); Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT st.status, st.last_error IS NULL, st.schedule IS NULL, "
            + "(SELECT count(*) FROM freshet.refresh_history h WHERE h.stream_table_id = st.id) "
            + "FROM freshet.stream_tables st")) {
      assertTrue(rs.next());
      assertEquals("ACTIVE|true|true|1", rs.getString(1) + "|" + rs.getBoolean(2) + "|" + rs.getBoolean(3) + "|"
          + rs.getLong(4));
    }

    // a member of the owner's role may
    sql(superuser, "GRANT fr_alice TO fr_bob");
    CliRun byMember = CliRun.run(bob, "refresh", "by_region");
    assertEquals(0, byMember.exitCode(), byMember.transcript());
    assertTrue(byMember.out().contains("DIFFERENTIAL  changed \"public\".\"sales\"  +0 ~1 -0"), byMember.transcript());
    assertEquals(0, CliRun.run(alice, "verify", "by_region").exitCode());

    // and a superuser may
    sql(alice, "DELETE FROM sales WHERE id = 2");
    CliRun bySuperuser = CliRun.run(superuser, "refresh", "by_region");
    assertEquals(0, bySuperuser.exitCode(), bySuperuser.transcript());
    assertEquals(0, CliRun.run(alice, "verify", "by_region").exitCode());
    assertEquals(0, CliRun.run(alice, "drop", "by_region").exitCode());
    sql(superuser.replace("/fr_owned", "/" + db.name()), "REVOKE fr_alice FROM fr_bob");
  }

  /**
   * Row-level security (issue 14, SEC-2): change capture records every row written, whatever a source's
   * policies, so a role the policies apply to may not maintain a stream table on it differentially: create
   * refuses DIFFERENTIAL (AUTO recomputes, with that role's rights), and a refresh of a DIFFERENTIAL stream
   * table whose source came under a policy afterwards fails, from the command line and from CALL, rather than
   * copy rows the policy hides. A role the policies do not apply to (a superuser) refreshes it. The table's
   * owner is under its own policies here by FORCE ROW LEVEL SECURITY.
   */
  @Test
  void rowLevelSecurityIsNeverBypassedByADifferentialRefresh(TestDatabase db) throws Exception {
    db.execute("DO $$ BEGIN"
            + " IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'fr_carol') THEN"
            + "   CREATE ROLE fr_carol LOGIN PASSWORD 'carol-pw'; END IF; END $$",
        "DROP DATABASE IF EXISTS fr_secured WITH (FORCE)",
        "CREATE DATABASE fr_secured OWNER fr_carol");
    String carol = url(db.jdbcUrl(), "fr_secured", "fr_carol", "carol-pw", null);
    String superuser = url(db.jdbcUrl(), "fr_secured", null, null, null);
    sql(carol, "CREATE TABLE acct (id int PRIMARY KEY, region text NOT NULL, amount int NOT NULL)",
        "INSERT INTO acct VALUES (1, 'north', 10), (2, 'secret', 99), (3, 'south', 5)",
        "ALTER TABLE acct ENABLE ROW LEVEL SECURITY", "ALTER TABLE acct FORCE ROW LEVEL SECURITY",
        "CREATE POLICY no_secrets ON acct FOR SELECT USING (region <> 'secret')",
        "CREATE POLICY writes ON acct FOR INSERT WITH CHECK (true)",
        "CREATE TABLE open_acct (id int PRIMARY KEY, region text NOT NULL, amount int NOT NULL)",
        "INSERT INTO open_acct VALUES (1, 'north', 10), (2, 'secret', 99)");

    String query = "SELECT region, sum(amount) AS total FROM acct GROUP BY region";
    CliRun refused = CliRun.run(carol, "create", "by_region", "--mode", "differential", "--query", query);
    assertEquals(3, refused.exitCode(), refused.transcript());
    assertTrue(refused.err().contains("FR007") && refused.err().contains(
        "row-level security of \"public\".\"acct\" applies to role \"fr_carol\""), refused.transcript());
    CliRun auto = CliRun.run(carol, "create", "by_region", "--query", query);
    assertEquals(0, auto.exitCode(), auto.transcript());
    assertTrue(auto.out().contains("FULL (requested AUTO)"), auto.transcript());
    sql(carol, "INSERT INTO acct VALUES (4, 'secret', 1000), (5, 'north', 1)");
    assertEquals(0, CliRun.run(carol, "refresh", "by_region").exitCode());
    assertEquals(0, CliRun.run(carol, "verify", "by_region").exitCode());
    try (Connection c = DriverManager.getConnection(carol); Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT string_agg(region || '=' || total, ',' ORDER BY region) FROM by_region")) {
      rs.next();
      assertEquals("north=11,south=5", rs.getString(1), "the policy's rows only");
    }

    // a source that comes under a policy after create: the differential refresh is refused
    CliRun open = CliRun.run(carol, "create", "open_total", "--mode", "differential", "--query",
        "SELECT region, sum(amount) AS total FROM open_acct GROUP BY region");
    assertEquals(0, open.exitCode(), open.transcript());
    sql(carol, "ALTER TABLE open_acct ENABLE ROW LEVEL SECURITY", "ALTER TABLE open_acct FORCE ROW LEVEL SECURITY",
        "CREATE POLICY no_secrets ON open_acct FOR SELECT USING (region <> 'secret')",
        "CREATE POLICY writes ON open_acct FOR INSERT WITH CHECK (true)",
        "INSERT INTO open_acct VALUES (3, 'secret', 7)");
    CliRun blocked = CliRun.run(carol, "refresh", "open_total");
    assertEquals(4, blocked.exitCode(), blocked.transcript());
    assertTrue(blocked.err().contains("row-level security of \"public\".\"open_acct\" applies to role \"fr_carol\""),
        blocked.transcript());
    SQLException call = assertThrows(SQLException.class, () -> sql(carol, "CALL freshet.refresh('open_total')"));
    assertEquals("42501", call.getSQLState(), call.getMessage());
    assertTrue(call.getMessage().contains("row-level security of \"public\".\"open_acct\" applies to role "
        + "\"fr_carol\""), call.getMessage());
    try (Connection c = DriverManager.getConnection(superuser); Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT sum(total) FROM open_total")) {
      rs.next();
      assertEquals(109, rs.getLong(1), "nothing was applied by the refused refreshes");
    }
    // a superuser, whom no policy applies to, refreshes it with every row (its view of the query)
    CliRun bySuperuser = CliRun.run(superuser, "refresh", "open_total");
    assertEquals(0, bySuperuser.exitCode(), bySuperuser.transcript());
    assertEquals(0, CliRun.run(superuser, "verify", "open_total").exitCode());
  }
}
