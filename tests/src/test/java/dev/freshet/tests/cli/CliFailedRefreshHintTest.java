package dev.freshet.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A failed refresh records its error with the fix (issue 15): it wrote the bare message into last_error, over the
 * last error an event trigger had written with its fix, so 'freshet status' no longer said what to do. Now the
 * message, then its HINT on a line of its own, as the command line prints the error; the same from 'freshet
 * refresh' and from CALL freshet.refresh.
 */
@PostgresTest
class CliFailedRefreshHintTest {

  private static final String LAST_ERROR = "SELECT last_error FROM freshet.stream_tables WHERE table_name = ";

  /** Dropped outside Freshet: the trigger's last error named the drop; the failed refresh's does too. */
  @Test
  void aRefreshOfAStreamTableDroppedOutsideFreshetKeepsTheFix(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE fh_src (id int PRIMARY KEY, v int NOT NULL)", "INSERT INTO fh_src VALUES (1, 10), (2, 20)");
    String url = db.jdbcUrl();
    CliRun create = CliRun.run(url, "create", "fh_st", "--query", "SELECT id, v FROM fh_src");
    assertEquals(0, create.exitCode(), create.transcript());
    try (Connection c = db.connect()) {
      Oracle.assertFresh(c, "fh_st");
    }
    db.execute("DROP TABLE fh_st", "INSERT INTO fh_src VALUES (3, 30)");
    CliRun before = CliRun.run(url, "status", "fh_st");
    assertTrue(before.out().contains("  last error:\n    stream table \"public\".\"fh_st\" was dropped outside Freshet "
        + "(DROP TABLE); 'freshet create' makes it again once what is left of it is removed: "
        + "freshet drop '\"public\".\"fh_st\"'\n"), before.transcript());
    Object snapshot = db.scalar("SELECT last_snapshot::text FROM freshet.stream_tables WHERE table_name = 'fh_st'");

    CliRun refresh = CliRun.run(url, "refresh", "fh_st");
    assertEquals(4, refresh.exitCode(), refresh.transcript());
    CliRun status = CliRun.run(url, "status", "fh_st");
    // to its end: it failed on the missing table after the last error (exit 4), before the last refreshes
    assertEquals(0, status.exitCode(), status.transcript());
    assertTrue(status.out().contains("  rows:         none: its table is gone (dropped outside Freshet)\n"),
        status.transcript());
    assertTrue(status.out().contains("  status:       ERROR"), status.transcript());
    assertTrue(status.out().contains("  last error:\n"
        + "    stream table \"public\".\"fh_st\" was dropped outside Freshet (its table is gone)\n"
        + "    HINT:  'freshet create' makes it again once what is left of it is removed: "
        + "freshet drop '\"public\".\"fh_st\"'\n"), status.transcript());
    // the hint as refresh printed it under the message
    assertTrue(refresh.err().contains("HINT:  'freshet create' makes it again once what is left of it is removed: "
        + "freshet drop '\"public\".\"fh_st\"'\n"), refresh.transcript());
    // nothing applied: the window was not consumed, the history says so
    assertEquals(snapshot, db.scalar("SELECT last_snapshot::text FROM freshet.stream_tables WHERE table_name = 'fh_st'"));
    assertEquals(1L, ((Number) db.scalar("SELECT sum(p.changes) FROM freshet.stream_tables st, "
        + "freshet.pending_changes(st.id) p WHERE st.table_name = 'fh_st'")).longValue());
    assertTrue(status.out().contains("failed, nothing applied  ERROR: stream table \"public\".\"fh_st\" was dropped "
        + "outside Freshet (its table is gone)\n"), status.transcript());

    // the fix, as suggested: drop, then create again
    assertEquals(0, CliRun.run(url, "drop", "fh_st").exitCode());
    CliRun again = CliRun.run(url, "create", "fh_st", "--query", "SELECT id, v FROM fh_src");
    assertEquals(0, again.exitCode(), again.transcript());
    db.execute("INSERT INTO fh_src VALUES (4, 40)");
    CliRun refreshed = CliRun.run(url, "refresh", "fh_st");
    assertEquals(0, refreshed.exitCode(), refreshed.transcript());
    try (Connection c = db.connect()) {
      Oracle.assertFresh(c, "fh_st");
    }
  }

  /**
   * A source renamed (FS006, with its fix in a HINT): 'freshet refresh' and CALL freshet.refresh record the last
   * error, message and fix (the command line's fix with the stored query in its command, CALL's in the catalog's
   * words, {@code --query ...}), and status shows both as the command line prints it; the stream table keeps its
   * rows.
   */
  @Test
  void bothRefreshPathsRecordTheFixAlike(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE fr_src (id int PRIMARY KEY, v int NOT NULL)", "INSERT INTO fr_src VALUES (1, 10), (2, 20)");
    String url = db.jdbcUrl();
    CliRun create = CliRun.run(url, "create", "fr_st", "--query", "SELECT id, v FROM fr_src");
    assertEquals(0, create.exitCode(), create.transcript());
    try (Connection c = db.connect()) {
      Oracle.assertFresh(c, "fr_st");
    }
    db.execute("ALTER TABLE fr_src RENAME TO fr_moved", "INSERT INTO fr_moved VALUES (3, 30)",
        "UPDATE fr_moved SET v = 11 WHERE id = 1");
    String rows = "SELECT id, v FROM fr_st ORDER BY id";
    List<List<Object>> kept = db.query(rows);
    String message = "stream table \"public\".\"fr_st\" cannot be refreshed: its source \"public\".\"fr_src\" was "
        + "renamed to \"public\".\"fr_moved\" (ALTER TABLE); its query names the old table";
    String hint = "HINT:  give its query the new name (this recreates it); edit the query in this command (its query "
        + "as stored), then run it: freshet alter '\"public\".\"fr_st\"' --query 'SELECT id, v FROM fr_src'";
    String callHint = "HINT:  give its query the new name (this recreates it): freshet alter '\"public\".\"fr_st\"' "
        + "--query ...";

    CliRun refresh = CliRun.run(url, "refresh", "fr_st");
    assertEquals(3, refresh.exitCode(), refresh.transcript());
    assertEquals("error: " + message + "\n" + hint + "\nSQLSTATE:  FS006\n", refresh.err(), refresh.transcript());
    CliRun status = CliRun.run(url, "status", "fr_st");
    assertTrue(status.out().contains("  last error:\n    " + message + "\n    " + hint + "\n"), status.transcript());
    Object fromCli = db.scalar(LAST_ERROR + "'fr_st'");
    assertEquals(message + "\n" + hint, fromCli);
    assertEquals(kept, db.query(rows)); // nothing applied

    db.execute("UPDATE freshet.stream_tables SET last_error = 'something else' WHERE table_name = 'fr_st'");
    try (Connection c = db.connect(); PreparedStatement call = c.prepareStatement("CALL freshet.refresh('fr_st')")) {
      org.postgresql.util.PSQLException e = assertThrows(org.postgresql.util.PSQLException.class, call::execute);
      assertEquals("FS006", e.getSQLState(), e.getMessage());
    }
    assertEquals(message + "\n" + callHint, db.scalar(LAST_ERROR + "'fr_st'")); // the catalog's words
    CliRun afterCall = CliRun.run(url, "status", "fr_st");
    assertTrue(afterCall.out().contains("  last error:\n    " + message + "\n    " + hint + "\n"), afterCall.transcript());
    List<String> history = afterCall.out().lines().dropWhile(l -> !l.startsWith("  last refreshes")).skip(1).toList();
    assertTrue(history.get(0).contains("failed, nothing applied  ERROR: " + message), afterCall.transcript());
    assertTrue(history.get(1).contains("failed, nothing applied  ERROR: " + message), afterCall.transcript());
    assertEquals(kept, db.query(rows)); // nothing applied

    // given its name back, both refresh it, and it equals its query
    db.execute("ALTER TABLE fr_moved RENAME TO fr_src");
    CliRun refreshed = CliRun.run(url, "refresh", "fr_st");
    assertEquals(0, refreshed.exitCode(), refreshed.transcript());
    try (Connection c = db.connect()) {
      Oracle.assertFresh(c, "fr_st");
    }
    db.execute("DELETE FROM fr_src WHERE id = 2", "CALL freshet.refresh('fr_st')");
    try (Connection c = db.connect()) {
      Oracle.assertFresh(c, "fr_st");
    }
    assertEquals(null, db.scalar(LAST_ERROR + "'fr_st'"));
  }
}
