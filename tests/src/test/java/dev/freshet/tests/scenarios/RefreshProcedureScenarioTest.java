package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.count;
import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.inOneTransaction;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static dev.freshet.tests.scenarios.Scenarios.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code CALL freshet.refresh('name')} from plain JDBC, with no Freshet code in the loop: the refresh runs
 * inside PostgreSQL from what create installed, with the command line's window, locking, history and
 * error semantics. The oracle runs after every call.
 */
@PostgresTest
class RefreshProcedureScenarioTest {

  /** A plain pgjdbc connection in auto-commit mode, as psql or pg_cron would call it. */
  private static Connection plain(TestDatabase db) throws SQLException {
    return DriverManager.getConnection(db.jdbcUrl());
  }

  private static void call(Connection c, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("CALL freshet.refresh(?)")) {
      ps.setString(1, name);
      ps.execute();
    }
  }

  private static List<String> lastHistory(Connection c, long id) throws SQLException {
    // the sources' labels are quoted names: listed as {"public"."a","public"."b"}, without the array's escapes
    return rows(c, "SELECT mode_used, '{' || coalesce((SELECT string_agg(s, ',' ORDER BY s) FROM unnest(changed_sources) s), '') || '}', "
        + "rows_inserted, rows_updated, rows_deleted, "
        + "error IS NULL FROM freshet.refresh_history WHERE stream_table_id = " + id + " ORDER BY id DESC LIMIT 1");
  }

  @Test
  void callRefreshesBagsGroupsAndStateTables(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Connection sql = plain(db)) {
      exec(c, "CREATE TABLE pc_customer (id int PRIMARY KEY, region text)",
          "CREATE TABLE pc_order (id int PRIMARY KEY, customer_id int, amount int)",
          "INSERT INTO pc_customer VALUES (1, 'north'), (2, 'south'), (3, NULL)",
          "INSERT INTO pc_order VALUES (1, 1, 10), (2, 1, 20), (3, 2, 5), (4, 3, NULL), (5, NULL, 7)");
      long bag = create(c, "pc_lines", "SELECT o.id, c.region, o.amount FROM pc_order o "
          + "JOIN pc_customer c ON c.id = o.customer_id", Mode.DIFFERENTIAL).id();
      long grouped = create(c, "pc_regions", "SELECT c.region, count(*) AS n, sum(o.amount) AS total "
          + "FROM pc_order o JOIN pc_customer c ON c.id = o.customer_id GROUP BY c.region", Mode.DIFFERENTIAL).id();
      long having = create(c, "pc_big", "SELECT c.region, t.total FROM (SELECT customer_id, sum(amount) AS total "
          + "FROM pc_order GROUP BY customer_id HAVING sum(amount) > 6) t JOIN pc_customer c ON c.id = t.customer_id",
          Mode.DIFFERENTIAL).id();

      // one source changes, then both in one transaction (a set with no program of its own for pc_big: two
      // sources, so every set has one; for all three the window's program is the exact one)
      exec(c, "INSERT INTO pc_order VALUES (6, 2, 30)", "UPDATE pc_order SET amount = 1 WHERE id = 1");
      for (String name : List.of("pc_lines", "pc_regions", "pc_big")) {
        call(sql, name);
        Oracle.assertFresh(c, name);
      }
      assertEquals(List.of("DIFFERENTIAL|{\"public\".\"pc_order\"}|2|0|1|t"), lastHistory(c, bag));
      assertEquals(List.of("DIFFERENTIAL|{\"public\".\"pc_order\"}|0|2|0|t"), lastHistory(c, grouped));
      inOneTransaction(c, "UPDATE pc_customer SET region = 'east' WHERE id = 2",
          "DELETE FROM pc_order WHERE id = 2", "INSERT INTO pc_customer VALUES (4, 'west')",
          "INSERT INTO pc_order VALUES (7, 4, 50), (8, 4, NULL)");
      for (String name : List.of("pc_lines", "pc_regions", "pc_big")) {
        call(sql, name);
        Oracle.assertFresh(c, name);
      }
      assertEquals(List.of("DIFFERENTIAL|{\"public\".\"pc_customer\",\"public\".\"pc_order\"}|t"), rows(c, "SELECT "
          + "mode_used, '{' || (SELECT string_agg(s, ',' ORDER BY s) FROM unnest(changed_sources) s) || '}', error IS NULL FROM freshet.refresh_history WHERE stream_table_id = " + having
          + " ORDER BY id DESC LIMIT 1"));
      assertTrue(count(c, "SELECT count(*) FROM pc_big") > 0, "the HAVING keeps some groups");

      // nothing in the window: nothing applied, a history row all the same
      call(sql, "public.pc_lines");
      assertEquals(List.of("DIFFERENTIAL|{}|0|0|0|t"), lastHistory(c, bag));
      Oracle.assertFresh(c, "pc_lines");

      // a TRUNCATE of a source: that one refresh is FULL
      exec(c, "TRUNCATE pc_order", "INSERT INTO pc_order VALUES (9, 1, 3)");
      call(sql, "pc_regions");
      assertEquals("FULL", lastHistory(c, grouped).get(0).split("\\|")[0]);
      Oracle.assertFresh(c, "pc_regions");
      // and the command line's refresh afterwards continues from the procedure's snapshot
      exec(c, "INSERT INTO pc_order VALUES (10, 2, 4)");
      Oracle.refreshAndCheck(c, "pc_regions", Mode.DIFFERENTIAL);
    }
  }

  @Test
  void aSetOfChangedSourcesWithoutItsOwnProgramRunsOneThatIncludesIt(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Connection sql = plain(db)) {
      exec(c, "CREATE TABLE ps_a (k int, v int)", "CREATE TABLE ps_b (k int, w int)", "CREATE TABLE ps_c (k int)",
          "CREATE TABLE ps_d (k int)", "INSERT INTO ps_a VALUES (1, 1), (2, 2)", "INSERT INTO ps_b VALUES (1, 5), (2, 6)",
          "INSERT INTO ps_c VALUES (1), (2)", "INSERT INTO ps_d VALUES (1), (1)");
      long id = create(c, "ps_st", "SELECT a.k, a.v, b.w FROM ps_a a JOIN ps_b b ON a.k = b.k "
          + "JOIN ps_c c ON c.k = a.k JOIN ps_d d ON d.k = a.k", Mode.DIFFERENTIAL).id();
      // four sources: the full program, each source alone, each pair and all four; {a, b, c} has none at create
      assertEquals(1 + 4 + 6 + 1, count(c, "SELECT count(*) FROM freshet.refresh_programs WHERE stream_table_id = "
          + id));
      assertEquals(0, count(c, "SELECT count(*) FROM freshet.refresh_programs WHERE stream_table_id = " + id
          + " AND changed_mask = 7"));
      inOneTransaction(c, "INSERT INTO ps_a VALUES (1, 10)", "UPDATE ps_b SET w = 7 WHERE k = 1",
          "INSERT INTO ps_c VALUES (1)");
      call(sql, "ps_st");
      Oracle.assertFresh(c, "ps_st");
      // a's two k = 1 rows meet b(1, 7), c's two and d's two k = 1 rows: 8 rows added; (1, 1, 5)'s two retracted
      assertEquals(List.of("DIFFERENTIAL|{\"public\".\"ps_a\",\"public\".\"ps_b\",\"public\".\"ps_c\"}|8|0|2|t"),
          lastHistory(c, id));
      // the program for {a, b, c} was put together from the pieces of the one for all four (V29), and installed
      assertEquals(1, count(c, "SELECT count(*) FROM freshet.refresh_programs WHERE stream_table_id = " + id
          + " AND changed_mask = 7 AND change_tables_mask = 15"));
      inOneTransaction(c, "DELETE FROM ps_a WHERE v = 10", "UPDATE ps_b SET w = 8 WHERE k = 2",
          "DELETE FROM ps_c WHERE k = 2");
      Oracle.refreshAndCheck(c, "ps_st", Mode.DIFFERENTIAL);
      // a pair has its program from the start
      inOneTransaction(c, "INSERT INTO ps_a VALUES (2, 20)", "DELETE FROM ps_b WHERE k = 1");
      call(sql, "ps_st");
      Oracle.assertFresh(c, "ps_st");
    }
  }

  @Test
  void aFailedRefreshAppliesNothingAndIsRecorded(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Connection sql = plain(db)) {
      exec(c, "CREATE TABLE pf (id int PRIMARY KEY, v int)", "INSERT INTO pf VALUES (1, 1), (2, 2)");
      long id = create(c, "pf_st", "SELECT v, count(*) AS n FROM pf GROUP BY v", Mode.DIFFERENTIAL).id();
      String snapshot = text(c, "SELECT last_snapshot::text FROM freshet.stream_tables WHERE id = " + id);
      // a trigger on the stream table makes the MERGE fail
      exec(c, "CREATE FUNCTION pf_refuse() RETURNS trigger LANGUAGE plpgsql AS "
              + "$$ BEGIN RAISE EXCEPTION 'pf_st is read-only today'; END $$",
          "CREATE TRIGGER pf_refuse BEFORE INSERT OR UPDATE OR DELETE ON pf_st FOR EACH ROW EXECUTE FUNCTION pf_refuse()",
          "INSERT INTO pf VALUES (3, 3)");
      SQLException e = assertThrows(SQLException.class, () -> call(sql, "pf_st"));
      assertTrue(e.getMessage().contains("pf_st is read-only today"), e.getMessage());
      // the error as it was raised: no empty DETAIL or HINT line of the procedure's own (psql printed "DETAIL:")
      org.postgresql.util.ServerErrorMessage server = ((org.postgresql.util.PSQLException) e).getServerErrorMessage();
      assertEquals(null, server.getDetail(), e.getMessage());
      assertEquals(null, server.getHint(), e.getMessage());
      assertEquals(List.of("1|1", "2|1"), rows(c, "SELECT v, n FROM pf_st ORDER BY 1"));
      assertEquals(snapshot, text(c, "SELECT last_snapshot::text FROM freshet.stream_tables WHERE id = " + id));
      assertEquals(List.of("ERROR|t"), rows(c, "SELECT status, last_error LIKE '%read-only today%' "
          + "FROM freshet.stream_tables WHERE id = " + id));
      assertEquals(List.of("f"), rows(c, "SELECT error IS NULL FROM freshet.refresh_history WHERE stream_table_id = "
          + id + " ORDER BY id DESC LIMIT 1"));
      exec(c, "DROP TRIGGER pf_refuse ON pf_st");
      call(sql, "pf_st");
      Oracle.assertFresh(c, "pf_st");
      assertEquals(List.of("ACTIVE"), rows(c, "SELECT status FROM freshet.stream_tables WHERE id = " + id));
    }
  }

  @Test
  void aSecondCallWhileOneRunsSaysSoAndAppliesNothing(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Connection sql = plain(db); Connection holder = plain(db)) {
      exec(c, "CREATE TABLE pl (id int PRIMARY KEY, v int)", "INSERT INTO pl VALUES (1, 1)");
      long id = create(c, "pl_st", "SELECT id, v FROM pl", Mode.DIFFERENTIAL).id();
      exec(c, "INSERT INTO pl VALUES (2, 2)");
      // another session holds the refresh lock, as a running refresh does
      try (PreparedStatement ps = holder.prepareStatement("SELECT pg_advisory_lock(x'46525246'::integer, ?)")) {
        ps.setInt(1, (int) id);
        ps.execute();
      }
      SQLException e = assertThrows(SQLException.class, () -> call(sql, "pl_st"));
      assertEquals("55P03", e.getSQLState(), e.getMessage());
      assertTrue(e.getMessage().contains("a refresh of \"public\".\"pl_st\" is already running"), e.getMessage());
      assertEquals(List.of("1|1"), rows(c, "SELECT id, v FROM pl_st ORDER BY 1"));
      assertEquals(1, count(c, "SELECT count(*) FROM freshet.refresh_history WHERE stream_table_id = " + id));
      exec(holder, "SELECT pg_advisory_unlock_all()");
      call(sql, "pl_st");
      Oracle.assertFresh(c, "pl_st");
      assertEquals(List.of("1|1", "2|2"), rows(c, "SELECT id, v FROM pl_st ORDER BY 1"));
    }
  }

  @Test
  void callAfterAlterAndOnAFullStreamTable(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Connection sql = plain(db)) {
      exec(c, "CREATE TABLE pa (id int PRIMARY KEY, v int)", "INSERT INTO pa VALUES (1, 1), (2, 2)");
      create(c, "pa_st", "SELECT v FROM pa", Mode.DIFFERENTIAL);
      StreamTables.alter(c, "pa_st", java.util.Optional.empty(), java.util.Optional.empty(),
          java.util.Optional.of("SELECT v, count(*) AS n FROM pa GROUP BY v"));
      exec(c, "INSERT INTO pa VALUES (3, 2)");
      call(sql, "pa_st");
      Oracle.assertFresh(c, "pa_st");
      assertEquals(List.of("1|1", "2|2"), rows(c, "SELECT v, n FROM pa_st ORDER BY 1"));

      assertEquals(Mode.FULL, StreamTables.create(c, "pa_full", "SELECT DISTINCT ON (v) v, id FROM pa ORDER BY v, id",
          Mode.AUTO, null).effectiveMode());
      exec(c, "DELETE FROM pa WHERE id = 2");
      call(sql, "pa_full");
      Oracle.assertFresh(c, "pa_full");
      assertEquals(List.of("1|1", "2|3"), rows(c, "SELECT v, id FROM pa_full ORDER BY 1"));

      SQLException unknown = assertThrows(SQLException.class, () -> call(sql, "no_such_table"));
      assertEquals("42P01", unknown.getSQLState(), unknown.getMessage());
      assertTrue(unknown.getMessage().contains("there is no stream table \"public\".\"no_such_table\""),
          unknown.getMessage());
    }
  }

  /**
   * A differential refresh plans its change tables with sorting disabled and its program with a low
   * random_page_cost (catalog V14) and without JIT compiling (V22: a trigger on the stream table sees the
   * setting its MERGE ran with), then gives the caller's transaction its own settings back: a session tuned
   * otherwise, refreshing inside its own transaction, keeps its tuning after.
   */
  @Test
  void aRefreshGivesTheCallerItsPlannerSettingsBack(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Connection sql = plain(db)) {
      exec(c, "CREATE TABLE ps_order (id int PRIMARY KEY, region text, amount int)",
          "CREATE TABLE ps_region (name text PRIMARY KEY, zone text)",
          "INSERT INTO ps_region VALUES ('north', 'a'), ('south', 'b')",
          "INSERT INTO ps_order VALUES (1, 'north', 10), (2, 'south', 20), (3, 'north', 5)");
      long id = create(c, "ps_zones", "SELECT r.zone, sum(o.amount) AS total FROM ps_order o "
          + "JOIN ps_region r ON r.name = o.region GROUP BY r.zone", Mode.DIFFERENTIAL).id();
      exec(c, "INSERT INTO ps_order VALUES (4, 'south', 7)", "UPDATE ps_order SET amount = 11 WHERE id = 1",
          "CREATE TABLE ps_seen (jit text)",
          "CREATE FUNCTION ps_note() RETURNS trigger LANGUAGE plpgsql AS "
              + "$$BEGIN INSERT INTO ps_seen VALUES (current_setting('jit')); RETURN NULL; END$$",
          "CREATE TRIGGER ps_note AFTER INSERT OR UPDATE ON ps_zones FOR EACH STATEMENT EXECUTE FUNCTION ps_note()");

      exec(sql, "SET random_page_cost = 3.5", "SET enable_sort = on", "SET jit = on");
      sql.setAutoCommit(false);
      exec(sql, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      assertEquals(List.of("DIFFERENTIAL|2"), rows(sql, "SELECT mode_used, delta_rows FROM freshet.refresh_window("
          + id + ", false)"));
      assertEquals(List.of("3.5|on|on"), rows(sql, "SELECT current_setting('random_page_cost'), "
          + "current_setting('enable_sort'), current_setting('jit')"), "within the caller's transaction");
      sql.commit();
      sql.setAutoCommit(true);
      assertEquals(List.of("3.5|on|on"), rows(sql, "SELECT current_setting('random_page_cost'), "
          + "current_setting('enable_sort'), current_setting('jit')"), "after it");
      assertEquals(List.of("off"), rows(sql, "SELECT DISTINCT jit FROM ps_seen"), "the program's MERGE ran without JIT");
      Oracle.assertFresh(c, "ps_zones");
    }
  }

  /**
   * A buffer row is deleted by the refresh of the last stream table to read it, from Java or from {@code CALL};
   * a refresh whose window is empty cleans nothing (it frees no row) and is still recorded.
   */
  @Test
  void theLastConsumerToReadARowDeletesIt(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Connection sql = plain(db)) {
      exec(c, "CREATE TABLE lc (id int PRIMARY KEY, v int NOT NULL)", "INSERT INTO lc VALUES (1, 1)");
      create(c, "lc_n", "SELECT count(*) AS n FROM lc", Mode.DIFFERENTIAL);
      create(c, "lc_s", "SELECT sum(v) AS s FROM lc", Mode.DIFFERENTIAL);
      String buffered = "SELECT count(*) FROM " + Scenarios.buffer(c, "lc");
      exec(c, "INSERT INTO lc VALUES (2, 2), (3, 3)", "DELETE FROM lc WHERE id = 1");
      assertEquals(3, count(c, buffered));

      Oracle.refreshAndCheck(c, "lc_n", Mode.DIFFERENTIAL);
      assertEquals(3, count(c, buffered), "lc_s has not read them");
      call(sql, "lc_n"); // an empty window
      Oracle.assertFresh(c, "lc_n");
      assertEquals(3, count(c, buffered));
      assertEquals(List.of("0"), rows(c, "SELECT window_rows FROM freshet.refresh_history h JOIN freshet.stream_tables "
          + "st ON st.id = h.stream_table_id WHERE st.table_name = 'lc_n' ORDER BY h.id DESC LIMIT 1"));

      Oracle.refreshAndCheck(c, "lc_s", Mode.DIFFERENTIAL);
      assertEquals(0, count(c, buffered), "both have read them");

      exec(c, "UPDATE lc SET v = 20 WHERE id = 2");
      call(sql, "lc_s");
      Oracle.assertFresh(c, "lc_s");
      assertEquals(2, count(c, buffered), "lc_n has not read them");
      Oracle.refreshAndCheck(c, "lc_n", Mode.DIFFERENTIAL);
      assertEquals(0, count(c, buffered), "deleted by lc_n's refresh, the last to read them");
      call(sql, "lc_s"); // empty
      Oracle.assertFresh(c, "lc_s");
    }
  }

  /**
   * A consumer that is never refreshed keeps every buffer row since its snapshot; another consumer's
   * window is still read as a range of the buffer's {@code __xid} index, not a scan of that backlog.
   */
  @Test
  void aLaggingConsumerDoesNotMakeOthersScanItsBacklog(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Connection sql = plain(db)) {
      exec(c, "CREATE TABLE pw (id int PRIMARY KEY, v int)");
      long fresh = create(c, "pw_fresh", "SELECT id, v FROM pw", Mode.DIFFERENTIAL).id();
      create(c, "pw_lagging", "SELECT v, count(*) AS n FROM pw GROUP BY v", Mode.DIFFERENTIAL);
      exec(c, "INSERT INTO pw SELECT g, g % 7 FROM generate_series(1, 20000) g");
      call(sql, "pw_fresh");
      exec(c, "INSERT INTO pw VALUES (0, 0)", "ANALYZE freshet_changes.src_" + count(c, "SELECT 'pw'::regclass::oid"));
      String plan;
      try (var s = c.createStatement()) {
        s.execute("PREPARE pw_window(pg_snapshot, pg_snapshot, boolean) AS " + text(c, "SELECT window_counts FROM "
            + "freshet.refresh_sources WHERE stream_table_id = " + fresh));
        String previous = text(c, "SELECT last_snapshot::text FROM freshet.stream_tables WHERE id = " + fresh);
        StringBuilder text = new StringBuilder();
        for (String counted : List.of("true", "false")) { // AUTO counts the window, other modes probe it
          try (var rs = s.executeQuery("EXPLAIN EXECUTE pw_window(pg_current_snapshot(), '" + previous
              + "'::pg_snapshot, " + counted + ")")) {
            while (rs.next()) {
              text.append(rs.getString(1)).append('\n');
            }
          }
        }
        plan = text.toString();
        s.execute("DEALLOCATE pw_window");
      }
      assertTrue(plan.contains("Index") && plan.contains("_xid_idx"), plan);
      // whether the window holds a TRUNCATE marker is read from the markers' partial index, not the window
      assertTrue(plan.contains("_truncate_idx"), plan);
      call(sql, "pw_fresh");
      Oracle.assertFresh(c, "pw_fresh");
      assertEquals(List.of("DIFFERENTIAL|{\"public\".\"pw\"}|1|0|0|t"), lastHistory(c, fresh));
      call(sql, "pw_lagging");
      Oracle.assertFresh(c, "pw_lagging");
    }
  }

  /**
   * A stream table created before catalog V4 has no programs: CALL says so (FS002, with the fix), and the
   * command line's refresh installs them and refreshes; CALL works from then on.
   */
  @Test
  void aStreamTableFromBeforeV4GetsItsProgramsAtItsNextRefresh(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Connection sql = plain(db)) {
      exec(c, "CREATE TABLE pv (id int PRIMARY KEY, v int)", "INSERT INTO pv VALUES (1, 1)");
      long id = create(c, "pv_st", "SELECT v, count(*) AS n FROM pv GROUP BY v", Mode.DIFFERENTIAL).id();
      // what a V3 catalog upgraded to V4 holds for it: nothing installed
      exec(c, "DELETE FROM freshet.refresh_programs WHERE stream_table_id = " + id,
          "DELETE FROM freshet.refresh_sources WHERE stream_table_id = " + id,
          "UPDATE freshet.stream_tables SET reconcile_check = NULL WHERE id = " + id,
          "INSERT INTO pv VALUES (2, 1)");
      SQLException missing = assertThrows(SQLException.class, () -> call(sql, "pv_st"));
      assertEquals("FS002", missing.getSQLState(), missing.getMessage());
      assertTrue(missing.getMessage().contains("no refresh program is installed for \"public\".\"pv_st\""), missing.getMessage());
      assertEquals(List.of("1|1"), rows(c, "SELECT v, n FROM pv_st ORDER BY 1"));

      Oracle.refreshAndCheck(c, "pv_st", Mode.DIFFERENTIAL);
      assertTrue(count(c, "SELECT count(*) FROM freshet.refresh_programs WHERE stream_table_id = " + id) >= 2);
      exec(c, "INSERT INTO pv VALUES (3, 3)");
      call(sql, "pv_st");
      Oracle.assertFresh(c, "pv_st");
      assertEquals(List.of("1|2", "3|1"), rows(c, "SELECT v, n FROM pv_st ORDER BY 1"));
    }
  }

  /**
   * The capture check runs prepared once per session (its name carries the text's md5): a table that inherits
   * from a source after its capture was set up is still refused by the next CALL in that session (FS001), after
   * DEALLOCATE ALL too (a pooler's reset), until the command line's refresh reconciles the capture (and
   * recomputes); then CALL refreshes again, differentially, the child's rows included.
   */
  @Test
  void theCaptureCheckPreparedInASessionSeesLaterDdl(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Connection sql = plain(db)) {
      exec(c, "CREATE TABLE ih (id int PRIMARY KEY, v int)", "INSERT INTO ih VALUES (1, 1), (2, 2)");
      long id = create(c, "ih_st", "SELECT v, count(*) AS n FROM ih GROUP BY v", Mode.DIFFERENTIAL).id();
      exec(c, "INSERT INTO ih VALUES (3, 1)");
      call(sql, "ih_st");
      Oracle.assertFresh(c, "ih_st");
      assertEquals(1, count(sql, "SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'freshet_reconcile_%'"));

      exec(c, "CREATE TABLE ih_child () INHERITS (ih)", "INSERT INTO ih_child VALUES (10, 5)");
      SQLException changed = assertThrows(SQLException.class, () -> call(sql, "ih_st"));
      assertEquals("FS001", changed.getSQLState(), changed.getMessage());
      exec(sql, "DEALLOCATE ALL");
      SQLException again = assertThrows(SQLException.class, () -> call(sql, "ih_st"));
      assertEquals("FS001", again.getSQLState(), again.getMessage());
      assertEquals(List.of("1|2", "2|1"), rows(c, "SELECT v, n FROM ih_st ORDER BY 1"));

      // reconciled, and recomputed: the child's rows written before its capture are in no buffer
      Oracle.refreshAndCheck(c, "ih_st", Mode.FULL);
      // both tables named as every message names them (the child's name was printed unquoted)
      assertEquals(List.of("\"public\".\"ih_child\" became a partition, child or parent of \"public\".\"ih\" (it may have "
          + "been written without capture): recomputed"), rows(c, "SELECT mode_reason FROM freshet.refresh_history "
          + "WHERE stream_table_id = " + id + " ORDER BY id DESC LIMIT 1"));
      exec(c, "INSERT INTO ih VALUES (4, 5)", "DELETE FROM ih WHERE id = 2");
      call(sql, "ih_st");
      Oracle.assertFresh(c, "ih_st");
      assertEquals(List.of("1|2", "5|2"), rows(c, "SELECT v, n FROM ih_st ORDER BY 1"));
      assertEquals(List.of("DIFFERENTIAL|{\"public\".\"ih\"}|0|1|1|t"), lastHistory(c, id));
    }
  }

  /**
   * The names a refresh depends on (its sources', the columns its query reads) are checked in one query (V40), and
   * the checks that say what changed run only when it finds something: not at all for a refresh after no DDL
   * (counted as calls of {@code freshet.source_ddl_reason}, which they call), in a session whose earlier CALL
   * refreshed. A column read renamed (FS008) and its table renamed (FS006) are refused all the same, for a stream
   * table whose columns read are recorded and one created before they were (V26), whose checks run every time;
   * renamed back, both refresh.
   */
  @Test
  void renamesAreRefusedAfterAnEarlierCallOfTheSession(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Connection sql = plain(db)) {
      exec(c, "CREATE TABLE rn (id int PRIMARY KEY, k int, v int)", "INSERT INTO rn VALUES (1, 1, 10), (2, 2, 20)");
      long recorded = create(c, "rn_sum", "SELECT k, sum(v) AS s FROM rn GROUP BY k", Mode.DIFFERENTIAL).id();
      long unrecorded = create(c, "rn_rows", "SELECT id, v FROM rn", Mode.DIFFERENTIAL).id();
      exec(c, "UPDATE freshet.stream_tables SET read_attributes = NULL WHERE id = " + unrecorded);
      exec(c, "INSERT INTO rn VALUES (3, 1, 5)");
      for (String name : List.of("rn_sum", "rn_rows")) {
        call(sql, name);
        Oracle.assertFresh(c, name);
      }
      assertEquals(0, reasonsAsked(sql, recorded), "nothing changed: the checks that name a change do not run");
      assertEquals(1, reasonsAsked(sql, unrecorded), "no columns recorded: the checks run");

      exec(c, "ALTER TABLE rn RENAME COLUMN v TO w");
      assertEquals(1, reasonsAsked(sql, recorded));
      for (String name : List.of("rn_sum", "rn_rows")) {
        SQLException renamed = assertThrows(SQLException.class, () -> call(sql, name));
        assertEquals("FS008", renamed.getSQLState(), renamed.getMessage());
        assertTrue(renamed.getMessage().contains("\"public\".\"rn\".\"v\" was renamed to \"w\""), renamed.getMessage());
      }
      exec(c, "ALTER TABLE rn RENAME COLUMN w TO v", "ALTER TABLE rn RENAME TO rn_moved");
      for (String name : List.of("rn_sum", "rn_rows")) {
        SQLException moved = assertThrows(SQLException.class, () -> call(sql, name));
        assertEquals("FS006", moved.getSQLState(), moved.getMessage());
        assertTrue(moved.getMessage().contains("its source \"public\".\"rn\" was renamed to \"public\".\"rn_moved\""),
            moved.getMessage());
      }
      exec(c, "ALTER TABLE rn_moved RENAME TO rn", "INSERT INTO rn VALUES (4, 2, 1)", "UPDATE rn SET v = 0 WHERE id = 1");
      for (String name : List.of("rn_sum", "rn_rows")) {
        call(sql, name);
        Oracle.assertFresh(c, name);
      }
      assertEquals(List.of("1|5", "2|21"), rows(c, "SELECT k, s FROM rn_sum ORDER BY 1"));
      assertEquals(0, reasonsAsked(sql, recorded));
    }
  }

  /**
   * How many times refresh_window of stream table {@code id} calls {@code freshet.source_ddl_reason}, counted in a
   * transaction rolled back (the window stays), whether it refreshes or refuses: PL/pgSQL calls are counted with
   * track_functions, a superuser's setting, as the test database's role is, and not taken back by a rollback to a savepoint.
   */
  private static long reasonsAsked(Connection c, long id) throws SQLException {
    // the session's counts not yet reported stay readable after their transaction: the difference is this call's
    String calls = "SELECT coalesce(pg_stat_get_xact_function_calls('freshet.source_ddl_reason(bigint, oid)'"
        + "::regprocedure), 0)";
    c.setAutoCommit(false);
    try {
      exec(c, "SET LOCAL track_functions = 'pl'");
      long before = count(c, calls);
      exec(c, "SAVEPOINT before_refresh");
      try {
        exec(c, "SELECT * FROM freshet.refresh_window(" + id + ", false)");
      } catch (SQLException refused) {
        exec(c, "ROLLBACK TO SAVEPOINT before_refresh");
      }
      return count(c, calls) - before;
    } finally {
      c.rollback();
      c.setAutoCommit(true);
    }
  }

}
