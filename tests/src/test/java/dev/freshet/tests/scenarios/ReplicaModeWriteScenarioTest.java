package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.count;
import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.inOneTransaction;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.RefreshReport;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Writes under {@code session_replication_role = replica}: a session that sets it (a superuser's loader, a
 * replication tool) or logical replication's apply worker, which runs so and fires row triggers only. Triggers
 * enabled as by default do not fire then, so until catalog V44 such writes were never captured and the stream tables
 * kept the rows as they were. Now a row trigger enabled for replica mode on every table holding the source's rows
 * writes a marker, once per transaction, and the TRUNCATE and marker triggers fire always: the next refresh
 * recomputes in full. Writes in the default mode stay differential.
 */
@PostgresTest
class ReplicaModeWriteScenarioTest {

  private static final String REPLICA = "SET session_replication_role = replica";
  private static final String ORIGIN = "RESET session_replication_role";

  @Test
  void writesInReplicaModeAreNeverLost(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE \"rm \"\"src\"\"\" (id int PRIMARY KEY, v int)",
          "INSERT INTO \"rm \"\"src\"\"\" VALUES (1, 10), (2, 20)");
      create(c, "rm_sums", "SELECT count(*) AS n, sum(v) AS s FROM \"rm \"\"src\"\"\"", Mode.DIFFERENTIAL);
      create(c, "rm_full", "SELECT id, v FROM \"rm \"\"src\"\"\"", Mode.FULL);
      String buffer = Scenarios.buffer(c, "\"rm \"\"src\"\"\"");

      inOneTransaction(c, REPLICA, "INSERT INTO \"rm \"\"src\"\"\" SELECT g, g FROM generate_series(3, 50) g",
          "UPDATE \"rm \"\"src\"\"\" SET v = v + 1 WHERE id <= 2", "DELETE FROM \"rm \"\"src\"\"\" WHERE id = 3", ORIGIN);
      // one marker for the transaction's 51 rows, nothing else
      assertEquals(List.of("0|t|1"), rows(c, "SELECT \"__w\", \"__truncate\", count(*) FROM " + buffer
          + " GROUP BY 1, 2"));
      Oracle.refreshAndCheck(c, "rm_sums", Mode.FULL);
      Oracle.refreshAndCheck(c, "rm_full", Mode.FULL);

      exec(c, "INSERT INTO \"rm \"\"src\"\"\" VALUES (100, 1)");
      Oracle.refreshAndCheck(c, "rm_sums", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "rm_full", Mode.FULL);

      exec(c, REPLICA, "TRUNCATE \"rm \"\"src\"\"\"", ORIGIN);
      Oracle.refreshAndCheck(c, "rm_sums", Mode.FULL);
      Oracle.refreshAndCheck(c, "rm_full", Mode.FULL);
      assertEquals(List.of("0|null"), rows(c, "SELECT n, s FROM rm_sums"));

      StreamTables.drop(c, "rm_sums", false);
      StreamTables.drop(c, "rm_full", false);
      assertEquals(0, count(c, "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'freshet%'"));
    }
  }

  /** A partitioned source and an inherited one, written through their partitions, children and parents in replica mode. */
  @Test
  void writesInReplicaModeToPartitionsChildrenAndParentsAreNeverLost(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE rmp (id int, r text, v int) PARTITION BY LIST (r)",
          "CREATE TABLE rmp_a PARTITION OF rmp FOR VALUES IN ('a')",
          "CREATE TABLE rmp_b PARTITION OF rmp FOR VALUES IN ('b') PARTITION BY LIST (r)",
          "CREATE TABLE rmp_b1 PARTITION OF rmp_b FOR VALUES IN ('b')",
          "INSERT INTO rmp VALUES (1, 'a', 10), (2, 'b', 20)",
          "CREATE TABLE rmi (id int, v int)", "CREATE TABLE rmi_child () INHERITS (rmi)",
          "INSERT INTO rmi VALUES (1, 1)", "INSERT INTO rmi_child VALUES (2, 2)");
      create(c, "rmp_sums", "SELECT r, sum(v) AS s, count(*) AS n FROM rmp GROUP BY r", Mode.DIFFERENTIAL);
      create(c, "rmi_child_rows", "SELECT id, v FROM rmi_child", Mode.DIFFERENTIAL);
      create(c, "rmi_sum", "SELECT sum(v) AS s FROM rmi", Mode.DIFFERENTIAL);

      exec(c, REPLICA, "INSERT INTO rmp_b1 VALUES (3, 'b', 30)", ORIGIN);
      Oracle.refreshAndCheck(c, "rmp_sums", Mode.FULL);
      exec(c, REPLICA, "INSERT INTO rmp VALUES (4, 'a', 40)", ORIGIN);
      Oracle.refreshAndCheck(c, "rmp_sums", Mode.FULL);
      exec(c, REPLICA, "TRUNCATE rmp_a", ORIGIN);
      Oracle.refreshAndCheck(c, "rmp_sums", Mode.FULL);
      exec(c, "INSERT INTO rmp VALUES (5, 'a', 50)");
      Oracle.refreshAndCheck(c, "rmp_sums", Mode.DIFFERENTIAL);
      assertEquals(List.of("a|50|1", "b|50|2"), rows(c, "SELECT r, s, n FROM rmp_sums ORDER BY r"));

      // the child's rows changed through its parent, in replica mode: both sources see it
      exec(c, REPLICA, "UPDATE rmi SET v = v * 10", ORIGIN);
      Oracle.refreshAndCheck(c, "rmi_child_rows", Mode.FULL);
      Oracle.refreshAndCheck(c, "rmi_sum", Mode.FULL);
      exec(c, REPLICA, "TRUNCATE rmi_child", ORIGIN);
      Oracle.refreshAndCheck(c, "rmi_child_rows", Mode.FULL);
      Oracle.refreshAndCheck(c, "rmi_sum", Mode.FULL);
      exec(c, "INSERT INTO rmi_child VALUES (3, 3)");
      Oracle.refreshAndCheck(c, "rmi_child_rows", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "rmi_sum", Mode.FULL); // a write naming the child marks its parent, as before
      assertEquals(List.of("13"), rows(c, "SELECT s FROM rmi_sum"));

      StreamTables.drop(c, "rmp_sums", false);
      StreamTables.drop(c, "rmi_child_rows", false);
      StreamTables.drop(c, "rmi_sum", false);
      assertEquals(0, count(c, "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'freshet%'"));
    }
  }

  /**
   * Capture set up before catalog V44 (no replica function, no replica trigger, the TRUNCATE trigger enabled as by
   * default): the capture check asks for a reconcile (CALL says FS001), which installs them without a recompute when
   * no subscription writes the source; then a write in replica mode is seen.
   */
  @Test
  void captureSetUpBeforeV44IsCompletedByTheNextReconcile(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Connection sql = DriverManager.getConnection(db.jdbcUrl())) {
      exec(c, "CREATE TABLE rmo (id int PRIMARY KEY, v int)", "INSERT INTO rmo VALUES (1, 10)");
      create(c, "rmo_sum", "SELECT sum(v) AS s FROM rmo", Mode.DIFFERENTIAL);
      long relid = count(c, "SELECT 'rmo'::regclass::oid::bigint");
      exec(c, "DROP TRIGGER freshet_replica_src_" + relid + " ON rmo",
          "DROP FUNCTION freshet_changes.src_" + relid + "_replica()",
          "ALTER TABLE rmo ENABLE TRIGGER freshet_capture_trunc",
          // and a stream table created before V45, which recorded no capture stamp
          "UPDATE freshet.stream_table_sources SET capture_stamp = NULL",
          "INSERT INTO rmo VALUES (2, 20)");
      SQLException refused = assertThrows(SQLException.class, () -> {
        try (Statement s = sql.createStatement()) {
          s.execute("CALL freshet.refresh('rmo_sum')");
        }
      });
      assertEquals("FS001", refused.getSQLState(), refused.getMessage());
      Oracle.refreshAndCheck(c, "rmo_sum", Mode.DIFFERENTIAL);
      assertEquals(List.of("freshet_capture_trunc|A", "freshet_replica_src_" + relid + "|R"), rows(c,
          "SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'rmo'::regclass AND tgname IN "
          + "('freshet_capture_trunc', 'freshet_replica_src_" + relid + "') ORDER BY 1"));
      exec(c, REPLICA, "UPDATE rmo SET v = 0 WHERE id = 1", ORIGIN);
      Oracle.refreshAndCheck(c, "rmo_sum", Mode.FULL);
      assertEquals(List.of("20"), rows(c, "SELECT s FROM rmo_sum"));
      StreamTables.drop(c, "rmo_sum", false);
    }
  }

  /**
   * {@code ENABLE TRIGGER ALL} (after a bulk load with triggers disabled) enables every trigger as by default: the
   * replica trigger then fires in the default mode too, where it writes nothing, and neither it nor the TRUNCATE
   * trigger fires in replica mode. The capture check sees it; the reconcile enables them as they were and recomputes
   * once, since what was written while they were disabled, or under replica mode since, went uncaptured.
   */
  @Test
  void enableTriggerAllIsUndoneByTheNextReconcile(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE rme (id int PRIMARY KEY, v int)", "INSERT INTO rme VALUES (1, 10)");
      create(c, "rme_sum", "SELECT sum(v) AS s FROM rme", Mode.DIFFERENTIAL);
      long relid = count(c, "SELECT 'rme'::regclass::oid::bigint");
      String states = "SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'rme'::regclass AND tgname IN "
          + "('freshet_capture_trunc', 'freshet_replica_src_" + relid + "') ORDER BY 1";
      exec(c, "ALTER TABLE rme DISABLE TRIGGER ALL", "INSERT INTO rme VALUES (2, 20)", "ALTER TABLE rme ENABLE TRIGGER ALL",
          "INSERT INTO rme VALUES (3, 30)", REPLICA, "INSERT INTO rme VALUES (4, 40)", ORIGIN);
      assertEquals(List.of("freshet_capture_trunc|O", "freshet_replica_src_" + relid + "|O"), rows(c, states));
      // the replica trigger enabled as by default writes nothing in the default mode, and did not fire in replica mode
      assertEquals(0, count(c, "SELECT count(*) FROM " + Scenarios.buffer(c, "rme") + " WHERE \"__truncate\""));
      RefreshReport report = Oracle.refreshAndCheck(c, "rme_sum", Mode.FULL);
      assertEquals(Optional.of("the triggers of \"public\".\"rme\" were enabled anew (ALTER TABLE ... ENABLE TRIGGER "
          + "ALL or USER): writes made while they were disabled, or under replica mode, were not captured: recomputed"),
          report.modeReason());
      assertEquals(List.of("freshet_capture_trunc|A", "freshet_replica_src_" + relid + "|R"), rows(c, states));
      exec(c, "INSERT INTO rme VALUES (5, 50)");
      Oracle.refreshAndCheck(c, "rme_sum", Mode.DIFFERENTIAL);
      exec(c, REPLICA, "TRUNCATE rme", ORIGIN);
      Oracle.refreshAndCheck(c, "rme_sum", Mode.FULL);
      StreamTables.drop(c, "rme_sum", false);
    }
  }
}
