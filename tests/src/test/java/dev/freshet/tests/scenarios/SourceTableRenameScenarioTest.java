package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.cli.ExitCode;
import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StoredStreamTable;
import dev.freshet.runtime.streamtable.StreamTableException;
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
 * A source table renamed or moved after a stream table was created over it (catalog V21). Capture and the
 * refresh programs follow the table by oid, but the stored query names the old table, which a recompute,
 * {@code verify} and a rebuild read. The event trigger set the stream table to ERROR, and its next refresh
 * succeeded and set it ACTIVE again; without the trigger nothing was said. A table created under the old
 * name was then what a recompute read. Now every refresh is refused (SQLSTATE FS006) naming the rename and
 * the fix, nothing applied, until the query names the table again (a rename back, or {@code alter}).
 */
@PostgresTest
class SourceTableRenameScenarioTest {

  private static final String REFUSED = "stream table \"public\".\"rn_counts\" cannot be refreshed: its source "
      + "\"public\".\"rn_src\" was renamed to \"public\".\"rn_moved\" (ALTER TABLE); its query names the old table";

  @Test
  void aRefreshAfterTheRenameIsRefusedUntilTheQueryNamesTheTable(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE rn_src (id int PRIMARY KEY, g int)", "INSERT INTO rn_src VALUES (1, 1), (2, 2)");
      create(c, "rn_counts", "SELECT g, count(*) AS n FROM rn_src GROUP BY g", Mode.DIFFERENTIAL);
      exec(c, "ALTER TABLE rn_src RENAME TO rn_moved", "INSERT INTO rn_moved VALUES (3, 1)");
      assertEquals("ERROR", status(c).status(), "the event trigger records it as it happens");

      StreamTableException e = assertThrows(StreamTableException.class, () -> StreamTables.refresh(c, "rn_counts"));
      assertTrue(e.getMessage().contains(REFUSED), e.getMessage());
      assertEquals(Optional.of("FS006"), e.sqlState());
      assertEquals(ExitCode.REFUSED, e.exitCode());
      assertEquals("ERROR", status(c).status(), "the refresh does not set it ACTIVE");
      assertEquals(Optional.of(REFUSED), status(c).lastError().map(m -> m.substring(0, REFUSED.length())));
      SQLException call = assertThrows(SQLException.class, () -> exec(c, "CALL freshet.refresh('rn_counts')"));
      assertEquals("FS006", call.getSQLState(), call.getMessage());
      assertTrue(call.getMessage().contains("give its query the new name (this recreates it): freshet alter "
          + "'\"public\".\"rn_counts\"' --query ..."),
          call.getMessage());

      // a table created under the old name is not what the stream table reads: still refused, nothing applied
      exec(c, "CREATE TABLE rn_src (id int PRIMARY KEY, g int)", "INSERT INTO rn_src VALUES (10, 7)");
      assertThrows(StreamTableException.class, () -> StreamTables.refresh(c, "rn_counts", false, true));
      assertEquals(List.of("1|1", "2|1"), rows(c, "SELECT g || '|' || n FROM rn_counts ORDER BY g"));

      // renamed back: the query names it again, and the changes made meanwhile are applied
      exec(c, "DROP TABLE rn_src", "ALTER TABLE rn_moved RENAME TO rn_src", "DELETE FROM rn_src WHERE id = 2");
      Oracle.refreshAndCheck(c, "rn_counts", Mode.DIFFERENTIAL);
      assertEquals("ACTIVE", status(c).status());
      assertEquals(List.of("1|2"), rows(c, "SELECT g || '|' || n FROM rn_counts ORDER BY g"));
    }
  }

  /** Without the event trigger (here: DDL under session_replication_role = replica), the refresh finds it. */
  @Test
  void aMoveToAnotherSchemaUnseenByTheEventTriggerIsFoundByTheRefresh(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE SCHEMA rn_other", "CREATE TABLE rn_set (id int PRIMARY KEY, v int)",
          "INSERT INTO rn_set VALUES (1, 5)");
      create(c, "rn_rows", "SELECT id, v FROM rn_set", Mode.DIFFERENTIAL);
      exec(c, "SET session_replication_role = replica", "ALTER TABLE rn_set SET SCHEMA rn_other",
          "RESET session_replication_role", "INSERT INTO rn_other.rn_set VALUES (2, 6)");
      assertEquals("ACTIVE", status(c, "rn_rows").status(), "no event trigger saw it");

      StreamTableException e = assertThrows(StreamTableException.class, () -> StreamTables.refresh(c, "rn_rows"));
      assertTrue(e.getMessage().contains("its source \"public\".\"rn_set\" was renamed to \"rn_other\".\"rn_set\" (ALTER TABLE)"),
          e.getMessage());
      StoredStreamTable after = status(c, "rn_rows");
      assertEquals("ERROR", after.status());
      assertEquals(List.of("1|5"), rows(c, "SELECT id || '|' || v FROM rn_rows ORDER BY id"), "nothing applied");

      // the fix the message gives: the query with the new name
      StreamTables.alter(c, "rn_rows", Optional.empty(), Optional.empty(),
          Optional.of("SELECT id, v FROM rn_other.rn_set"));
      exec(c, "UPDATE rn_other.rn_set SET v = 9 WHERE id = 1");
      Oracle.refreshAndCheck(c, "rn_rows", Mode.DIFFERENTIAL);
      assertEquals(List.of("1|9", "2|6"), rows(c, "SELECT id || '|' || v FROM rn_rows ORDER BY id"));
    }
  }

  private static StoredStreamTable status(Connection c) throws SQLException {
    return status(c, "rn_counts");
  }

  private static StoredStreamTable status(Connection c, String name) throws SQLException {
    return StreamTables.status(c, name, 0).table();
  }
}
