package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.RefreshReport;
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
 * Writes no trigger captured, with nothing else in the catalog to show it (each shown by hand on PostgreSQL 15 before
 * catalog V45: the next refresh said "no changes" over stale rows): Freshet's capture triggers disabled by name,
 * written past and enabled again by name; refreshes while one is disabled; one dropped; a column rewritten to the
 * type it has, {@code USING} an expression. Each refresh now compares what {@code freshet.capture_stamp} reads (the
 * tables' storage, the triggers' row versions) with what it recorded, and recomputes when they differ or while a
 * trigger is disabled, from the command line and from SQL alike.
 */
@PostgresTest
class UncapturedWriteScenarioTest {

  private static final String SRC = "\"uw \"\"Ünï\"\" src\"";
  private static final String LABEL = "\"public\"." + SRC;

  @Test
  void triggersDisabledAndEnabledByNameRecompute(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE " + SRC + " (id int PRIMARY KEY, g int, v int)",
          "INSERT INTO " + SRC + " SELECT i, i % 3, i FROM generate_series(1, 20) i");
      create(c, "uw_sums", "SELECT g, count(*) AS n, sum(v) AS s FROM " + SRC + " GROUP BY g", Mode.DIFFERENTIAL);
      create(c, "uw_full", "SELECT id, v FROM " + SRC + " WHERE v > 5", Mode.FULL);

      // a load with capture of INSERT disabled by name, in transactions of its own
      exec(c, "ALTER TABLE " + SRC + " DISABLE TRIGGER freshet_capture_ins",
          "INSERT INTO " + SRC + " VALUES (21, 1, 100), (22, 2, 200)",
          "ALTER TABLE " + SRC + " ENABLE TRIGGER freshet_capture_ins");
      RefreshReport report = Oracle.refreshAndCheck(c, "uw_sums", Mode.FULL);
      assertEquals(Optional.of("trigger \"freshet_capture_ins\" of " + LABEL + " was disabled or enabled (ALTER TABLE "
          + "... DISABLE or ENABLE TRIGGER), or created again, since the last refresh: writes made without it were not "
          + "captured: recomputed"), report.modeReason());
      assertEquals(List.of(LABEL), report.changedSources());
      Oracle.refreshAndCheck(c, "uw_full", Mode.FULL); // a FULL one found nothing in its window either
      assertEquals(List.of("2"), rows(c, "SELECT count(*) FROM uw_full WHERE id > 20"));

      // once: the next refresh is differential again, and one with nothing to do does nothing
      exec(c, "UPDATE " + SRC + " SET v = v + 1 WHERE id = 1");
      Oracle.refreshAndCheck(c, "uw_sums", Mode.DIFFERENTIAL);
      assertEquals(List.of(), Oracle.refreshAndCheck(c, "uw_sums", Mode.DIFFERENTIAL).changedSources());

      // all in one transaction, and capture of UPDATE this time
      Scenarios.inOneTransaction(c, "ALTER TABLE " + SRC + " DISABLE TRIGGER freshet_capture_upd",
          "UPDATE " + SRC + " SET v = v * 10 WHERE g = 0",
          "ALTER TABLE " + SRC + " ENABLE TRIGGER freshet_capture_upd");
      assertTrue(Oracle.refreshAndCheck(c, "uw_sums", Mode.FULL).modeReason().orElseThrow()
          .startsWith("trigger \"freshet_capture_upd\" of " + LABEL + " was disabled or enabled"));
      Oracle.refreshAndCheck(c, "uw_full", Mode.FULL);

      StreamTables.drop(c, "uw_sums", false);
      StreamTables.drop(c, "uw_full", false);
    }
  }

  /** While a trigger is disabled every refresh recomputes, the one from SQL too; enabling it costs one more. */
  @Test
  void refreshesWhileATriggerIsDisabledRecompute(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE uw_d (id int PRIMARY KEY, v int)", "INSERT INTO uw_d VALUES (1, 1), (2, 2)");
      long id = create(c, "uw_d_sum", "SELECT sum(v) AS s, count(*) AS n FROM uw_d", Mode.DIFFERENTIAL).id();

      assertEquals(Optional.empty(), StreamTables.uncapturedWrites(c, id));
      exec(c, "ALTER TABLE uw_d DISABLE TRIGGER freshet_capture_del", "DELETE FROM uw_d WHERE id = 1");
      String disabled = "trigger \"freshet_capture_del\" of \"public\".\"uw_d\" is disabled (ALTER TABLE ... DISABLE "
          + "TRIGGER): writes there are not captured, and every refresh recomputes until it is enabled (ALTER TABLE "
          + "\"public\".\"uw_d\" ENABLE TRIGGER \"freshet_capture_del\"): recomputed";
      assertEquals(Optional.of(disabled.replace(": recomputed", "")), StreamTables.uncapturedWrites(c, id));
      assertEquals(Optional.of(disabled), Oracle.refreshAndCheck(c, "uw_d_sum", Mode.FULL).modeReason());
      exec(c, "DELETE FROM uw_d WHERE id = 2", "INSERT INTO uw_d VALUES (3, 30)");
      exec(c, "CALL freshet.refresh('uw_d_sum')");
      Oracle.assertFresh(c, "uw_d_sum");
      assertEquals(List.of("30|1"), rows(c, "SELECT s, n FROM uw_d_sum"));
      assertEquals(List.of("FULL|" + disabled), rows(c, "SELECT mode_used || '|' || mode_reason "
          + "FROM freshet.refresh_history WHERE stream_table_id = " + id + " ORDER BY id DESC LIMIT 1"));

      exec(c, "ALTER TABLE uw_d ENABLE TRIGGER freshet_capture_del");
      Oracle.refreshAndCheck(c, "uw_d_sum", Mode.FULL); // ENABLE wrote the trigger's row anew
      assertEquals(Optional.empty(), StreamTables.uncapturedWrites(c, id));
      exec(c, "DELETE FROM uw_d WHERE id = 3");
      Oracle.refreshAndCheck(c, "uw_d_sum", Mode.DIFFERENTIAL);
      StreamTables.drop(c, "uw_d_sum", false);
    }
  }

  /**
   * A capture trigger dropped: the refresh from SQL is refused until one from the command line has created it again
   * (it recomputes, once).
   */
  @Test
  void aDroppedCaptureTriggerIsCreatedAgainAndRecomputes(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE uw_x (id int PRIMARY KEY, v int)", "INSERT INTO uw_x VALUES (1, 1), (2, 2)");
      create(c, "uw_x_sum", "SELECT sum(v) AS s FROM uw_x", Mode.DIFFERENTIAL);

      exec(c, "DROP TRIGGER freshet_capture_upd ON uw_x", "UPDATE uw_x SET v = 10 WHERE id = 1");
      SQLException refused = assertThrows(SQLException.class, () -> exec(c, "CALL freshet.refresh('uw_x_sum')"));
      assertEquals("FS001", refused.getSQLState());
      assertTrue(refused.getMessage().contains("a capture trigger dropped"), refused.getMessage());
      assertEquals(List.of("3"), rows(c, "SELECT s FROM uw_x_sum"));

      RefreshReport report = Oracle.refreshAndCheck(c, "uw_x_sum", Mode.FULL);
      assertEquals(Optional.of("trigger \"freshet_capture_upd\" of \"public\".\"uw_x\" was dropped (DROP TRIGGER): "
          + "writes made without it were not captured: recomputed"), report.modeReason());
      assertEquals(List.of("12"), rows(c, "SELECT s FROM uw_x_sum"));
      exec(c, "UPDATE uw_x SET v = 20 WHERE id = 2", "CALL freshet.refresh('uw_x_sum')");
      Oracle.assertFresh(c, "uw_x_sum");
      assertEquals(List.of("DIFFERENTIAL"), rows(c, "SELECT mode_used FROM freshet.refresh_history h "
          + "JOIN freshet.stream_tables st ON st.id = h.stream_table_id WHERE st.table_name = 'uw_x_sum' "
          + "ORDER BY h.id DESC LIMIT 1"));
      StreamTables.drop(c, "uw_x_sum", false);
    }
  }

  /**
   * {@code ALTER COLUMN … TYPE} to the type the column has, {@code USING} an expression: the values are rewritten,
   * with no trigger fired and no column changed in the catalog; the table's storage is new. On a plain source and on
   * a partitioned one (whose partitions are rewritten); from SQL too. {@code VACUUM FULL} gives new storage with the
   * same values, and costs a recompute that was not needed.
   */
  @Test
  void aColumnRewrittenToItsOwnTypeRecomputes(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE uw_r (id int PRIMARY KEY, v int, w int)",
          "INSERT INTO uw_r SELECT i, i, i FROM generate_series(1, 10) i",
          "CREATE TABLE uw_p (id int, r text, v int) PARTITION BY LIST (r)",
          "CREATE TABLE uw_p_a PARTITION OF uw_p FOR VALUES IN ('a')",
          "CREATE TABLE uw_p_b PARTITION OF uw_p FOR VALUES IN ('b')",
          "INSERT INTO uw_p VALUES (1, 'a', 1), (2, 'b', 2)");
      create(c, "uw_r_sum", "SELECT sum(v) AS s, count(*) AS n FROM uw_r", Mode.DIFFERENTIAL);
      create(c, "uw_p_sum", "SELECT r, sum(v) AS s FROM uw_p GROUP BY r", Mode.DIFFERENTIAL);

      exec(c, "ALTER TABLE uw_r ALTER COLUMN v TYPE int USING v * 2");
      RefreshReport report = Oracle.refreshAndCheck(c, "uw_r_sum", Mode.FULL);
      assertEquals(Optional.of("\"public\".\"uw_r\" was written anew (ALTER TABLE ... TYPE ... USING, VACUUM FULL, "
          + "CLUSTER or another command that rewrites a table): its values may have changed with no trigger fired: "
          + "recomputed"), report.modeReason());
      assertEquals(List.of("110|10"), rows(c, "SELECT s, n FROM uw_r_sum"));

      exec(c, "ALTER TABLE uw_p ALTER COLUMN v TYPE int USING v + 100", "CALL freshet.refresh('uw_p_sum')");
      Oracle.assertFresh(c, "uw_p_sum");
      assertEquals(List.of("a|101", "b|102"), rows(c, "SELECT r, s FROM uw_p_sum ORDER BY r"));

      exec(c, "UPDATE uw_r SET v = 0 WHERE id = 1");
      Oracle.refreshAndCheck(c, "uw_r_sum", Mode.DIFFERENTIAL);
      exec(c, "VACUUM FULL uw_r");
      Oracle.refreshAndCheck(c, "uw_r_sum", Mode.FULL);
      Oracle.refreshAndCheck(c, "uw_r_sum", Mode.DIFFERENTIAL);

      StreamTables.drop(c, "uw_r_sum", false);
      StreamTables.drop(c, "uw_p_sum", false);
    }
  }
  /**
   * A capture trigger enabled for replica mode only ({@code ENABLE REPLICA TRIGGER}) fires no more in the default mode:
   * every refresh recomputes while it is so, as while it is disabled (found by review: it recomputed once, then went
   * on differentially over writes it did not capture). The marker trigger of a partition disabled likewise.
   */
  @Test
  void aTriggerForReplicaModeOnlyOrAPartitionsMarkerDisabledRecomputes(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE uw_rp (id int PRIMARY KEY, v int)", "INSERT INTO uw_rp VALUES (1, 1)",
          "CREATE TABLE uw_pt (id int, r text, v int) PARTITION BY LIST (r)",
          "CREATE TABLE uw_pt_a PARTITION OF uw_pt FOR VALUES IN ('a')", "INSERT INTO uw_pt VALUES (1, 'a', 1)");
      create(c, "uw_rp_sum", "SELECT sum(v) AS s, count(*) AS n FROM uw_rp", Mode.DIFFERENTIAL);
      create(c, "uw_pt_sum", "SELECT sum(v) AS s, count(*) AS n FROM uw_pt", Mode.DIFFERENTIAL);

      exec(c, "ALTER TABLE uw_rp ENABLE REPLICA TRIGGER freshet_capture_ins");
      for (int i = 2; i <= 3; i++) {
        exec(c, "INSERT INTO uw_rp VALUES (" + i + ", " + i + ")");
        assertTrue(Oracle.refreshAndCheck(c, "uw_rp_sum", Mode.FULL).modeReason().orElseThrow().startsWith(
            "trigger \"freshet_capture_ins\" of \"public\".\"uw_rp\" fires under session_replication_role = replica "
            + "only (ALTER TABLE ... ENABLE REPLICA TRIGGER): writes there are not captured"));
      }
      exec(c, "ALTER TABLE uw_rp ENABLE TRIGGER freshet_capture_ins");
      Oracle.refreshAndCheck(c, "uw_rp_sum", Mode.FULL);
      exec(c, "INSERT INTO uw_rp VALUES (4, 4)");
      Oracle.refreshAndCheck(c, "uw_rp_sum", Mode.DIFFERENTIAL);

      long relid = Scenarios.count(c, "SELECT 'uw_pt'::regclass::oid::bigint");
      exec(c, "ALTER TABLE uw_pt_a DISABLE TRIGGER freshet_mark_src_" + relid, "INSERT INTO uw_pt_a VALUES (2, 'a', 2)");
      assertTrue(Oracle.refreshAndCheck(c, "uw_pt_sum", Mode.FULL).modeReason().orElseThrow().startsWith(
          "trigger \"freshet_mark_src_" + relid + "\" of \"public\".\"uw_pt_a\" is disabled"));
      exec(c, "ALTER TABLE uw_pt_a ENABLE TRIGGER freshet_mark_src_" + relid);
      Oracle.refreshAndCheck(c, "uw_pt_sum", Mode.FULL);
      exec(c, "INSERT INTO uw_pt VALUES (3, 'a', 3)");
      Oracle.refreshAndCheck(c, "uw_pt_sum", Mode.DIFFERENTIAL);

      StreamTables.drop(c, "uw_rp_sum", false);
      StreamTables.drop(c, "uw_pt_sum", false);
    }
  }

  /**
   * A capture trigger renamed goes on capturing: it is Freshet's by the function it calls, so the capture check does
   * not take it for dropped and no second trigger captures each write twice (found by review of catalog V45's first
   * check, by name); the rename itself writes the trigger's row anew, so the next refresh recomputes, once. Dropping
   * the last stream table on the source takes the renamed trigger with it.
   */
  @Test
  void aRenamedCaptureTriggerKeepsCapturingOnce(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE uw_n (id int PRIMARY KEY, v int)", "INSERT INTO uw_n VALUES (1, 1)");
      create(c, "uw_n_sum", "SELECT sum(v) AS s, count(*) AS n FROM uw_n", Mode.DIFFERENTIAL);

      exec(c, "ALTER TRIGGER freshet_capture_ins ON uw_n RENAME TO \"my ins\"", "INSERT INTO uw_n VALUES (2, 2)");
      Oracle.refreshAndCheck(c, "uw_n_sum", Mode.FULL);
      exec(c, "INSERT INTO uw_n VALUES (3, 3)");
      Oracle.refreshAndCheck(c, "uw_n_sum", Mode.DIFFERENTIAL);
      exec(c, "CALL freshet.refresh('uw_n_sum')");
      Oracle.assertFresh(c, "uw_n_sum");
      assertEquals(List.of("6|3"), rows(c, "SELECT s, n FROM uw_n_sum"));
      assertEquals(List.of("freshet_capture_del", "freshet_capture_trunc", "freshet_capture_upd", "my ins"),
          rows(c, "SELECT tgname FROM pg_trigger WHERE tgrelid = 'uw_n'::regclass AND tgname NOT LIKE 'freshet_replica%' "
              + "ORDER BY 1"));

      StreamTables.drop(c, "uw_n_sum", false);
      assertEquals(List.of(), rows(c, "SELECT tgname FROM pg_trigger WHERE tgrelid = 'uw_n'::regclass"));
    }
  }
}
