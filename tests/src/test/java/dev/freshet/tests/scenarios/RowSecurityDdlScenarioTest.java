package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static dev.freshet.tests.scenarios.Scenarios.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Row-level security of a source changed after a stream table was computed (issue 14, CORR-3/4): a
 * recompute reads the sources with the rights of the role that refreshes, so what a stream table holds can
 * have been computed under policies that no longer hold. The event trigger of catalog V18 records every
 * change of what a SELECT may see (CREATE / ALTER / DROP POLICY for SELECT or ALL, ALTER TABLE ... ENABLE,
 * DISABLE, FORCE, NO FORCE ROW LEVEL SECURITY) for the stream tables reading the table, and their next
 * refresh recomputes them in FULL. Before V18, a differential stream table recomputed by a role under a
 * policy (its owner, by FORCE ROW LEVEL SECURITY) kept the rows that policy hid missing once the policy no
 * longer applied: its next refresh was differential, reported success and changed nothing.
 *
 * <p>The role the policies apply to is a member of the role that owns the tables and the catalog (a
 * superuser's role, NOLOGIN: only this test sets it): a member counts as the tables' owner, which policies
 * apply to only under FORCE ROW LEVEL SECURITY.
 */
@PostgresTest
class RowSecurityDdlScenarioTest {

  private static final String MEMBER = "fr_rls_ddl_member";

  /** What status says, before the DDL's name: the source named as every message names it. */
  private static final String CHANGED = "the row-level security of its source \"public\".\"acct\" changed";

  @Test
  void aPolicyChangeRecomputesTheStreamTablesReadingTheSource(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      String owner = text(c, "SELECT quote_ident(current_user)");
      exec(c, "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + MEMBER + "') THEN "
              + "CREATE ROLE " + MEMBER + " NOLOGIN; END IF; END $$",
          "GRANT " + owner + " TO " + MEMBER,
          "CREATE TABLE acct (id int PRIMARY KEY, region text NOT NULL, amount int NOT NULL)",
          "INSERT INTO acct VALUES (1, 'north', 10), (2, 'secret', 99), (3, 'south', 5)",
          "CREATE TABLE acct_other (id int PRIMARY KEY, v int)", "INSERT INTO acct_other VALUES (1, 1)");
      create(c, "acct_totals", "SELECT region, sum(amount) AS total FROM acct GROUP BY region", Mode.DIFFERENTIAL);
      create(c, "acct_full", "SELECT region, count(*) AS n FROM acct GROUP BY region", Mode.FULL);
      create(c, "acct_other_st", "SELECT id, v FROM acct_other", Mode.DIFFERENTIAL);

      // policies the stream tables' owner is under: the totals are recomputed as that role sees the rows
      exec(c, "ALTER TABLE acct ENABLE ROW LEVEL SECURITY", "ALTER TABLE acct FORCE ROW LEVEL SECURITY",
          "CREATE POLICY no_secrets ON acct FOR SELECT USING (region <> 'secret')",
          "CREATE POLICY writes ON acct FOR INSERT WITH CHECK (true)");
      assertRebuild(c, "acct_totals", CHANGED + " (CREATE POLICY)");
      assertRebuild(c, "acct_full", CHANGED + " (CREATE POLICY)");
      assertEquals(Optional.empty(), pending(c, "acct_other_st"));
      asMember(c, () -> {
        // a differential refresh by a role the policies apply to is refused, the rebuild too, and stays pending
        SQLException refused = assertThrows(SQLException.class, () -> StreamTables.refresh(c, "acct_totals"));
        assertEquals("42501", refused.getSQLState(), refused.getMessage());
        assertRebuild(c, "acct_totals", CHANGED + " (CREATE POLICY)");
        // a recompute asked for (freshet refresh --full) is refused as well: it would store the rows the
        // policies let through, and a later differential refresh by a role they do not apply to (a superuser
        // service) would add every row's changes to that (found 2026-12-05; a wrong result before)
        assertRefused(() -> StreamTables.refresh(c, "acct_totals", false, true));
        // a FULL stream table is read with the rights of the role that refreshes
        assertEquals(Optional.of(CHANGED + " (CREATE POLICY): "
            + "recomputed"), Oracle.refreshAndCheck(c, "acct_full", Mode.FULL).modeReason());
      });
      // the tables' superuser owner is not under the policies: its refresh rebuilds with every row
      Oracle.refreshAndCheck(c, "acct_totals", Mode.FULL);
      assertEquals(List.of("north|10", "secret|99", "south|5"),
          rows(c, "SELECT region || '|' || total FROM acct_totals ORDER BY 1"));

      // the policies no longer apply to the owner: the rows they hid belong in the stream table now
      exec(c, "ALTER TABLE acct NO FORCE ROW LEVEL SECURITY", "INSERT INTO acct VALUES (4, 'north', 1)");
      assertRebuild(c, "acct_totals", CHANGED + " (ALTER TABLE ... ROW LEVEL SECURITY)");
      asMember(c, () -> {
        assertEquals(Optional.of(CHANGED + " (ALTER TABLE ... ROW LEVEL SECURITY): "
            + "recomputed"), Oracle.refreshAndCheck(c, "acct_totals", Mode.FULL).modeReason());
        Oracle.refreshAndCheck(c, "acct_full", Mode.FULL);
      });
      assertEquals(List.of("north|11", "secret|99", "south|5"),
          rows(c, "SELECT region || '|' || total FROM acct_totals ORDER BY 1"));
      assertEquals(Optional.empty(), pending(c, "acct_totals"));
      exec(c, "UPDATE acct SET amount = 100 WHERE id = 2");
      asMember(c, () -> Oracle.refreshAndCheck(c, "acct_totals", Mode.DIFFERENTIAL));

      // what a SELECT may see does not change: a policy for writes only, a policy renamed
      exec(c, "CREATE POLICY updates ON acct FOR UPDATE USING (region <> 'north')",
          "ALTER POLICY no_secrets ON acct RENAME TO hide_secrets", "ALTER TABLE acct ALTER COLUMN amount SET DEFAULT 0",
          "INSERT INTO acct VALUES (5, 'south', 2)");
      assertEquals(Optional.empty(), pending(c, "acct_totals"));
      asMember(c, () -> Oracle.refreshAndCheck(c, "acct_totals", Mode.DIFFERENTIAL));

      // under FORCE again: the member may not recompute it; the superuser rebuilds it, then the policy
      // changed, and was dropped
      exec(c, "ALTER TABLE acct FORCE ROW LEVEL SECURITY");
      asMember(c, () -> assertRefused(() -> StreamTables.refresh(c, "acct_totals", false, true)));
      Oracle.refreshAndCheck(c, "acct_totals", Mode.FULL);
      assertEquals(List.of("north|11", "secret|100", "south|7"),
          rows(c, "SELECT region || '|' || total FROM acct_totals ORDER BY 1"));
      exec(c, "ALTER POLICY hide_secrets ON acct USING (region <> 'north')");
      assertRebuild(c, "acct_totals", CHANGED + " (ALTER POLICY)");
      asMember(c, () -> assertRefused(() -> StreamTables.refresh(c, "acct_totals", false, true)));
      Oracle.refreshAndCheck(c, "acct_totals", Mode.FULL);
      assertEquals(List.of("north|11", "secret|100", "south|7"),
          rows(c, "SELECT region || '|' || total FROM acct_totals ORDER BY 1"));
      exec(c, "DROP POLICY hide_secrets ON acct", "ALTER TABLE acct DISABLE ROW LEVEL SECURITY");
      assertRebuild(c, "acct_totals", CHANGED + " (ALTER TABLE ... ROW LEVEL SECURITY)");
      asMember(c, () -> Oracle.refreshAndCheck(c, "acct_totals", Mode.FULL));
      assertEquals(List.of("north|11", "secret|100", "south|7"),
          rows(c, "SELECT region || '|' || total FROM acct_totals ORDER BY 1"));
      exec(c, "ALTER TABLE acct ENABLE ROW LEVEL SECURITY", "CREATE POLICY all_rows ON acct USING (true)");
      Oracle.refreshAndCheck(c, "acct_totals", Mode.FULL);
      exec(c, "DROP POLICY all_rows ON acct");
      assertRebuild(c, "acct_totals", CHANGED + " (DROP POLICY)");
      Oracle.refreshAndCheck(c, "acct_totals", Mode.FULL);
      Oracle.refreshAndCheck(c, "acct_other_st", Mode.DIFFERENTIAL);
    }
  }

  /** Work that throws. */
  private interface Work {
    void run() throws Exception;
  }

  /** A refresh that row-level security refuses (SQLSTATE 42501), leaving the stream table as it was. */
  private static void assertRefused(Work refresh) {
    SQLException refused = assertThrows(SQLException.class, refresh::run);
    assertEquals("42501", refused.getSQLState(), refused.getMessage());
  }

  /** Runs {@code work} as {@link #MEMBER}, whom the policies apply to under FORCE ROW LEVEL SECURITY. */
  private static void asMember(Connection c, Work work) throws Exception {
    exec(c, "SET ROLE " + MEMBER);
    try {
      work.run();
    } finally {
      exec(c, "RESET ROLE");
    }
  }

  private static void assertRebuild(Connection c, String name, String reason) throws SQLException {
    assertEquals(Optional.of(reason + ": its next refresh recomputes it in full"), pending(c, name), name);
  }

  private static Optional<String> pending(Connection c, String name) throws SQLException {
    return StreamTables.status(c, name, 0).table().pendingRebuild();
  }
}
