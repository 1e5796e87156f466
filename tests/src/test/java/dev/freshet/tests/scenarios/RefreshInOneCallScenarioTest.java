package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.count;
import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.codegen.program.RefreshSessionSql;
import dev.freshet.runtime.scheduler.RefreshScheduler;
import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.RefreshReport;
import dev.freshet.runtime.streamtable.RefreshRunningException;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.CountingConnection;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The command line's and the service's refresh in one statement ({@code freshet.refresh_from_client}, catalog V31):
 * one round trip when there is nothing to prepare, the command line's own steps when there is (and then its
 * errors and recoveries, each failure recorded once), a buffer cleanup that fails after the refresh committed,
 * and a pass of the service that reads what decides which stream tables are due in one statement. The oracle runs
 * after every refresh.
 */
@PostgresTest
class RefreshInOneCallScenarioTest {

  @Test
  void aRefreshIsOneStatementAndItsReportIsTheCommandLines(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE oc_customer (id int PRIMARY KEY, region text)",
          "CREATE TABLE oc_order (id int PRIMARY KEY, customer_id int, amount int)",
          "INSERT INTO oc_customer VALUES (1, 'north'), (2, 'south')",
          "INSERT INTO oc_order VALUES (1, 1, 10), (2, 1, 20), (3, 2, 5)");
      create(c, "oc_regions", "SELECT c.region, count(*) AS n, sum(o.amount) AS total FROM oc_order o "
          + "JOIN oc_customer c ON c.id = o.customer_id GROUP BY c.region", Mode.DIFFERENTIAL);
      CountingConnection counted = new CountingConnection(c);

      exec(c, "INSERT INTO oc_order VALUES (4, 2, 7)", "UPDATE oc_order SET amount = 11 WHERE id = 1");
      long buffered = count(c, "SELECT count(*) FROM freshet_changes.src_" + relid(c, "oc_order"));
      assertTrue(buffered > 0, "captured");
      RefreshReport report = StreamTables.refresh(counted.connection(), "oc_regions", true, false);
      assertEquals(1, counted.sent().size(), "one statement: " + counted.sent());
      assertTrue(counted.sent().get(0).startsWith("CALL freshet.refresh_from_client("), counted.sent().toString());
      Oracle.assertFresh(c, "oc_regions");
      assertEquals("\"public\".\"oc_regions\"", report.name().toString());
      assertEquals(Mode.DIFFERENTIAL, report.modeUsed());
      assertEquals(List.of("\"public\".\"oc_order\""), report.changedSources());
      assertEquals(0, report.rowsInserted());
      assertEquals(2, report.rowsUpdated(), "both regions' counts or totals changed");
      assertEquals(1, report.windowRows(), "a DIFFERENTIAL window is probed, not counted (V16): 1 per source");
      // the profile: refresh_window's steps, then the buffer's cleanup after the commit, as the command line said it
      List<String> steps = report.profile().stream().map(s -> s.step()).toList();
      assertEquals("after commit: clean up the change buffer of \"public\".\"oc_order\": " + buffered + (buffered == 1 ? " row" : " rows") + " deleted",
          steps.get(steps.size() - 1), steps.toString());
      assertTrue(steps.contains("record the refresh"), steps.toString());
      assertEquals(0, count(c, "SELECT count(*) FROM freshet_changes.src_" + relid(c, "oc_order")),
          "its only reader read them: the rows were deleted");

      // nothing in the window: one statement as well, nothing applied
      counted.clear();
      report = StreamTables.refresh(counted.connection(), "public.oc_regions");
      assertEquals(1, counted.sent().size(), counted.sent().toString());
      assertEquals(List.of(), report.changedSources());
      assertEquals(0, report.rowsInserted() + report.rowsUpdated() + report.rowsDeleted());
      Oracle.assertFresh(c, "oc_regions");

      // a recompute asked for (refresh --full): one statement, mode FULL, applied as a diff
      exec(c, "DELETE FROM oc_order WHERE id = 3");
      counted.clear();
      report = StreamTables.refresh(counted.connection(), "oc_regions", false, true);
      assertEquals(1, counted.sent().size(), counted.sent().toString());
      assertEquals(Mode.FULL, report.modeUsed());
      assertEquals(1, report.rowsUpdated(), "south's count and total");
      Oracle.assertFresh(c, "oc_regions");
    }
  }

  @Test
  void whatOnlyTheCommandLineCanDoOrSayIsLeftToIt(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Connection other = db.connect()) {
      exec(c, "CREATE TABLE ol_t (id int PRIMARY KEY, v int)", "INSERT INTO ol_t VALUES (1, 1), (2, 2)");
      long id = create(c, "ol_st", "SELECT v, count(*) AS n FROM ol_t GROUP BY v", Mode.DIFFERENTIAL).id();
      CountingConnection counted = new CountingConnection(c);

      // a source's column renamed: its capture is reconciled by the command line's steps, then the refresh runs
      exec(c, "ALTER TABLE ol_t RENAME COLUMN id TO key", "INSERT INTO ol_t VALUES (3, 3)");
      RefreshReport report = StreamTables.refresh(counted.connection(), "ol_st");
      assertTrue(counted.sent().size() > 1, "the procedure left it to the command line: " + counted.sent());
      assertEquals(1, report.rowsInserted());
      Oracle.assertFresh(c, "ol_st");
      exec(c, "INSERT INTO ol_t VALUES (4, 1)");
      counted.clear();
      StreamTables.refresh(counted.connection(), "ol_st");
      assertEquals(1, counted.sent().size(), "reconciled: one statement again; " + counted.sent());
      Oracle.assertFresh(c, "ol_st");

      // its refresh lock held by another session: the command line's own error, naming that session
      exec(c, "INSERT INTO ol_t VALUES (5, 5)");
      int pid;
      other.setAutoCommit(false);
      try (PreparedStatement ps = other.prepareStatement("SELECT pg_advisory_xact_lock(x'46525246'::integer, ?), pg_backend_pid()")) {
        ps.setInt(1, (int) id);
        try (var rs = ps.executeQuery()) {
          rs.next();
          pid = rs.getInt(2);
        }
      }
      RefreshRunningException running = assertThrows(RefreshRunningException.class,
          () -> StreamTables.refresh(c, "ol_st"));
      assertTrue(running.detail().orElseThrow().startsWith("the session of server process " + pid + " holds its "
          + "refresh lock"), running.detail().toString());
      other.rollback();
      other.setAutoCommit(true);
      assertEquals(0, count(c, "SELECT count(*) FROM freshet.refresh_history WHERE error IS NOT NULL "
          + "AND stream_table_id = " + id), "another session's refresh is not this one's failure");
      Oracle.refreshAndCheck(c, "ol_st", Mode.DIFFERENTIAL);

      // a name that is not a stream table: the command line's words
      RuntimeException missing = assertThrows(RuntimeException.class, () -> StreamTables.refresh(c, "ol_nothing"));
      assertEquals("there is no stream table \"public\".\"ol_nothing\"; 'freshet list' shows the stream tables",
          missing.getMessage());

      // a refresh that fails: nothing applied, recorded once, with PostgreSQL's message
      exec(c, "CREATE TABLE ol_div (id int PRIMARY KEY, d int)", "INSERT INTO ol_div VALUES (1, 1)");
      long div = create(c, "ol_div_st", "SELECT id, 10 / d AS q FROM ol_div", Mode.DIFFERENTIAL).id();
      exec(c, "INSERT INTO ol_div VALUES (2, 0)");
      SQLException failed = assertThrows(SQLException.class, () -> StreamTables.refresh(c, "ol_div_st"));
      assertEquals("22012", failed.getSQLState());
      assertEquals(List.of("division by zero"), Scenarios.rows(c, "SELECT error FROM freshet.refresh_history "
          + "WHERE error IS NOT NULL AND stream_table_id = " + div));
      assertEquals("ERROR", text(c, "SELECT status FROM freshet.stream_tables WHERE id = " + div));
      exec(c, "UPDATE ol_div SET d = 5 WHERE id = 2");
      StreamTables.refresh(c, "ol_div_st", false, true); // its window still holds the row dividing by zero
      Oracle.assertFresh(c, "ol_div_st");
      assertEquals("ACTIVE", text(c, "SELECT status FROM freshet.stream_tables WHERE id = " + div));

      // a refresh that fails with a SQLSTATE the procedure leaves to the command line when its own checks raise
      // it (22023, as for a name it cannot parse): raised by the program's statement, it is the refresh's failure,
      // recorded once and not run again by the command line's steps
      exec(c, "CREATE TABLE ol_part (id int PRIMARY KEY, s text, n int)", "INSERT INTO ol_part VALUES (1, 'a,b', 2)");
      long part = create(c, "ol_part_st", "SELECT id, split_part(s, ',', n) AS p FROM ol_part", Mode.DIFFERENTIAL)
          .id();
      exec(c, "INSERT INTO ol_part VALUES (2, 'c,d', 0)");
      counted.clear();
      SQLException field = assertThrows(SQLException.class, () -> StreamTables.refresh(counted.connection(),
          "ol_part_st"));
      assertEquals("22023", field.getSQLState());
      assertTrue(counted.sent().get(0).startsWith("CALL freshet.refresh_from_client("), counted.sent().toString());
      String window = RefreshSessionSql.REFRESH_WINDOW.strip().lines().findFirst().orElseThrow();
      assertTrue(counted.sent().stream().noneMatch(window::equals),
          "run once, by the procedure, then recorded: " + counted.sent());
      assertEquals(List.of("field position must not be zero"), Scenarios.rows(c, "SELECT error FROM "
          + "freshet.refresh_history WHERE error IS NOT NULL AND stream_table_id = " + part));
      assertEquals("ERROR", text(c, "SELECT status FROM freshet.stream_tables WHERE id = " + part));
      exec(c, "UPDATE ol_part SET n = 1 WHERE id = 2");
      Oracle.refreshAndCheck(c, "ol_part_st", Mode.DIFFERENTIAL);
      assertEquals("ACTIVE", text(c, "SELECT status FROM freshet.stream_tables WHERE id = " + part));
    }
  }

  /**
   * A buffer's cleanup runs after the refresh committed, in a transaction of its own: when it fails (here its lock
   * waits past lock_timeout) the refresh stays applied and is not recorded as failed; the command line reports the
   * cleanup's error, CALL freshet.refresh raises it, and the next refresh's cleanup deletes what was left.
   */
  @Test
  void aCleanupThatFailsLeavesTheRefreshCommitted(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Connection holder = db.connect();
        Connection sql = java.sql.DriverManager.getConnection(db.jdbcUrl())) {
      exec(c, "CREATE TABLE cf_t (id int PRIMARY KEY, v int)", "INSERT INTO cf_t VALUES (1, 1), (2, 2)");
      long id = create(c, "cf_st", "SELECT v, count(*) AS n FROM cf_t GROUP BY v", Mode.DIFFERENTIAL).id();
      long relid = relid(c, "cf_t");
      exec(holder, "SELECT pg_advisory_lock((x'46524350'::bigint << 32) | " + relid + ")");
      exec(c, "SET lock_timeout = '100ms'");
      exec(sql, "SET lock_timeout = '100ms'");

      exec(c, "INSERT INTO cf_t VALUES (3, 3)");
      SQLException cleanup = assertThrows(SQLException.class, () -> StreamTables.refresh(c, "cf_st"));
      assertEquals("55P03", cleanup.getSQLState());
      assertTrue(cleanup.getMessage().startsWith("the refresh is committed, but cleaning up the change buffer of "
          + "\"public\".\"cf_t\" failed: "), cleanup.getMessage());
      Oracle.assertFresh(c, "cf_st");
      assertEquals(1, count(c, "SELECT count(*) FROM freshet_changes.src_" + relid), "left for the next cleanup");

      exec(c, "INSERT INTO cf_t VALUES (4, 3)");
      SQLException called = assertThrows(SQLException.class, () -> {
        try (PreparedStatement ps = sql.prepareStatement("CALL freshet.refresh(?)")) {
          ps.setString(1, "cf_st");
          ps.execute();
        }
      });
      assertEquals("55P03", called.getSQLState());
      Oracle.assertFresh(c, "cf_st");
      assertEquals(0, count(c, "SELECT count(*) FROM freshet.refresh_history WHERE error IS NOT NULL "
          + "AND stream_table_id = " + id), "the refreshes did not fail");
      assertEquals("ACTIVE", text(c, "SELECT status FROM freshet.stream_tables WHERE id = " + id));

      exec(holder, "SELECT pg_advisory_unlock_all()");
      exec(c, "RESET lock_timeout", "INSERT INTO cf_t VALUES (5, 1)");
      Oracle.refreshAndCheck(c, "cf_st", Mode.DIFFERENTIAL);
      assertEquals(0, count(c, "SELECT count(*) FROM freshet_changes.src_" + relid), "all read, all deleted");
    }
  }

  @Test
  void aPassOfTheServiceReadsTheCatalogInOneStatement(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE sv_sales (id int PRIMARY KEY, region text, amount int)",
          "INSERT INTO sv_sales SELECT i, 'r' || (i % 3), i FROM generate_series(1, 30) i");
      // created downstream-last but listed by name: "sv_a_totals" sorts before "sv_b_big"
      StreamTables.create(c, "sv_b_big", "SELECT id, region, amount FROM sv_sales WHERE amount > 5",
          Mode.DIFFERENTIAL, "1m");
      StreamTables.create(c, "sv_a_totals", "SELECT region, sum(amount) AS total FROM sv_b_big GROUP BY region",
          Mode.DIFFERENTIAL, "1m");
      // other tests of this class may have stream tables in this database: only these two are scheduled
      long scheduled = count(c, "SELECT count(*) FROM freshet.stream_tables WHERE schedule IS NOT NULL");
      exec(c, "INSERT INTO sv_sales VALUES (100, 'r9', 50)", "DELETE FROM sv_sales WHERE id = 7");
      CountingConnection counted = new CountingConnection(c);

      List<RefreshScheduler.Attempt> none = RefreshScheduler.runDue(counted.connection(), OffsetDateTime.now(),
          a -> { });
      assertEquals(List.of(), none.stream().filter(a -> a.name().contains("sv_")).toList(), "nothing is due yet");
      assertEquals(1, counted.sent().size(), "a pass with nothing due: " + counted.sent());

      counted.clear();
      List<RefreshScheduler.Attempt> due = RefreshScheduler.runDue(counted.connection(),
          OffsetDateTime.now().plusMinutes(2), a -> { }).stream().filter(a -> a.name().contains("sv_")).toList();
      assertEquals(List.of("\"public\".\"sv_b_big\"", "\"public\".\"sv_a_totals\""),
          due.stream().map(RefreshScheduler.Attempt::name).toList(), "upstream first");
      due.forEach(a -> assertEquals(null, a.error()));
      // the catalog's statement; the refresh together (its CALL, then its results read), which leaves sv_a_totals,
      // reading sv_b_big, to one statement of its own after it
      assertEquals(2, scheduled, "only these two are scheduled");
      assertEquals(List.of("SELECT", "CALL freshet.refresh_together", "SELECT", "CALL freshet.refresh_from_client"),
          counted.sent().stream().map(s -> s.startsWith("CALL") ? s.substring(0, s.indexOf('(')) : s.split(" ")[0])
              .toList(), "the statements of a pass: " + counted.sent());
      Oracle.assertFresh(c, "sv_b_big");
      Oracle.assertFresh(c, "sv_a_totals");
      assertEquals(1, count(c, "SELECT count(*) FROM sv_a_totals WHERE region = 'r9'"),
          "the change reached the downstream stream table in one pass");
    }
  }

  private static long relid(Connection c, String table) throws SQLException {
    return count(c, "SELECT '" + table + "'::regclass::oid::bigint");
  }
}
