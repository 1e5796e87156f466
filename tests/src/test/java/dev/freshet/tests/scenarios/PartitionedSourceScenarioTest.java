package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.count;
import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A partitioned source: writes through the partitioned table are captured row by row; a statement
 * naming a partition fires only that partition's triggers, so it is not captured row by row but
 * makes the next refresh recompute in full; a partition created after capture was set up gets its
 * trigger at the next refresh, which recomputes in full too (it may have been written already). A partition
 * detached or dropped takes its rows out of the source with no write to capture: the next refresh recomputes
 * in full too (catalog V44: capture records the tables related to the source and compares).
 */
@PostgresTest
class PartitionedSourceScenarioTest {

  @Test
  void directWritesToPartitionsAreNeverLost(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE ps (id int, at date NOT NULL, v int, PRIMARY KEY (id, at)) PARTITION BY RANGE (at)",
          "CREATE TABLE ps_2024 PARTITION OF ps FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
          "CREATE TABLE ps_2025 PARTITION OF ps FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
          "INSERT INTO ps VALUES (1, '2024-03-01', 10), (2, '2025-03-01', 20)");
      create(c, "ps_sums", "SELECT extract(year FROM at) AS y, sum(v) AS s, count(*) AS n FROM ps GROUP BY 1",
          Mode.DIFFERENTIAL);

      exec(c, "INSERT INTO ps VALUES (3, '2024-05-01', 30)", "UPDATE ps SET v = v + 1 WHERE id = 2");
      Oracle.refreshAndCheck(c, "ps_sums", Mode.DIFFERENTIAL);

      exec(c, "INSERT INTO ps_2025 VALUES (4, '2025-06-01', 40)", "DELETE FROM ps_2024 WHERE id = 1");
      Oracle.refreshAndCheck(c, "ps_sums", Mode.FULL);
      exec(c, "UPDATE ps SET v = 0 WHERE id = 3");
      Oracle.refreshAndCheck(c, "ps_sums", Mode.DIFFERENTIAL);

      // A partition added later, written directly before any refresh.
      exec(c, "CREATE TABLE ps_2023 PARTITION OF ps FOR VALUES FROM ('2023-01-01') TO ('2024-01-01')",
          "INSERT INTO ps_2023 VALUES (5, '2023-02-01', 50)");
      Oracle.refreshAndCheck(c, "ps_sums", Mode.FULL);
      exec(c, "INSERT INTO ps_2023 VALUES (6, '2023-03-01', 60)");
      Oracle.refreshAndCheck(c, "ps_sums", Mode.FULL);
      exec(c, "INSERT INTO ps VALUES (7, '2023-04-01', 70)");
      Oracle.refreshAndCheck(c, "ps_sums", Mode.DIFFERENTIAL);
      assertEquals(List.of("2023|180|3", "2024|0|1", "2025|61|2"),
          rows(c, "SELECT y, s, n FROM ps_sums ORDER BY y"));

      // Dropping the stream table removes the partitions' triggers too.
      StreamTables.drop(c, "ps_sums", false);
      assertEquals(List.of("0"), rows(c, "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'freshet%'"));
      exec(c, "INSERT INTO ps_2023 VALUES (8, '2023-05-01', 80)");
    }
  }

  /**
   * DETACH PARTITION (also CONCURRENTLY, a sub-partitioned partition with its own) and DROP TABLE of a partition
   * change the source's rows without a write any trigger sees. Until catalog V44 the next refresh found no change
   * and the stream tables kept the partition's rows. Now the capture check compares the tables related to the
   * source with those recorded when capture was set up: a refresh from SQL is refused (FS001) until the command
   * line's reconciles, which recomputes in full, DIFFERENTIAL and FULL stream tables alike, and takes the marker
   * trigger off a detached table, whose later writes then change nothing.
   */
  @Test
  void aDetachedOrDroppedPartitionTakesItsRowsAlong(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Connection sql = DriverManager.getConnection(db.jdbcUrl())) {
      exec(c, "CREATE TABLE pd (id int, r text, v int, PRIMARY KEY (id, r)) PARTITION BY LIST (r)",
          "CREATE TABLE pd_a PARTITION OF pd FOR VALUES IN ('a')",
          "CREATE TABLE pd_b PARTITION OF pd FOR VALUES IN ('b')",
          "CREATE TABLE pd_c PARTITION OF pd FOR VALUES IN ('c', 'd') PARTITION BY LIST (r)",
          "CREATE TABLE pd_c1 PARTITION OF pd_c FOR VALUES IN ('c')",
          "CREATE TABLE pd_d1 PARTITION OF pd_c FOR VALUES IN ('d')",
          "INSERT INTO pd VALUES (1, 'a', 10), (2, 'b', 20), (3, 'b', 30), (4, 'c', 40), (5, 'd', 50), (6, 'a', 60)");
      long id = create(c, "pd_sums", "SELECT r, sum(v) AS s, count(*) AS n FROM pd GROUP BY r", Mode.DIFFERENTIAL)
          .id();
      create(c, "pd_full", "SELECT r, max(v) AS m FROM pd GROUP BY r", Mode.FULL);
      exec(c, "INSERT INTO pd VALUES (7, 'b', 70)");
      Oracle.refreshAndCheck(c, "pd_sums", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "pd_full", Mode.FULL);

      exec(c, "ALTER TABLE pd DETACH PARTITION pd_b");
      SQLException refused = assertThrows(SQLException.class, () -> call(sql, "pd_sums"));
      assertEquals("FS001", refused.getSQLState(), refused.getMessage());
      Oracle.refreshAndCheck(c, "pd_sums", Mode.FULL);
      Oracle.refreshAndCheck(c, "pd_full", Mode.FULL);
      assertEquals(List.of("\"public\".\"pd_b\" is no longer a partition or child of \"public\".\"pd\" (DETACH PARTITION "
          + "or NO INHERIT): its rows left it uncaptured: recomputed"), rows(c, "SELECT mode_reason FROM "
          + "freshet.refresh_history WHERE stream_table_id = " + id + " ORDER BY id DESC LIMIT 1"));
      assertEquals(List.of("a|70|2", "c|40|1", "d|50|1"), rows(c, "SELECT r, s, n FROM pd_sums ORDER BY r"));
      // the detached table no longer marks the source: its writes change nothing, the source's are differential
      assertEquals(0, count(c, "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'pd_b'::regclass"));
      exec(c, "INSERT INTO pd_b VALUES (8, 'b', 80)", "INSERT INTO pd VALUES (9, 'a', 90)");
      Oracle.refreshAndCheck(c, "pd_sums", Mode.DIFFERENTIAL);
      call(sql, "pd_full");
      Oracle.assertFresh(c, "pd_full");

      exec(c, "DROP TABLE pd_a");
      Oracle.refreshAndCheck(c, "pd_sums", Mode.FULL);
      assertEquals(List.of("c|40|1", "d|50|1"), rows(c, "SELECT r, s, n FROM pd_sums ORDER BY r"));
      Oracle.refreshAndCheck(c, "pd_full", Mode.FULL);

      // a sub-partitioned partition detached concurrently (outside a transaction block) takes its partitions along
      exec(c, "ALTER TABLE pd DETACH PARTITION pd_c CONCURRENTLY");
      Oracle.refreshAndCheck(c, "pd_sums", Mode.FULL);
      Oracle.refreshAndCheck(c, "pd_full", Mode.FULL);
      assertEquals(0, count(c, "SELECT count(*) FROM pd_sums"));

      // attached again: its rows come back (recomputed once), then writes through the source are differential
      exec(c, "ALTER TABLE pd ATTACH PARTITION pd_c FOR VALUES IN ('c', 'd')");
      Oracle.refreshAndCheck(c, "pd_sums", Mode.FULL);
      exec(c, "UPDATE pd SET v = v + 1 WHERE r = 'c'");
      call(sql, "pd_sums");
      Oracle.assertFresh(c, "pd_sums");
      assertEquals(List.of("c|41|1", "d|50|1"), rows(c, "SELECT r, s, n FROM pd_sums ORDER BY r"));
      Oracle.refreshAndCheck(c, "pd_full", Mode.FULL);

      StreamTables.drop(c, "pd_sums", false);
      StreamTables.drop(c, "pd_full", false);
      assertEquals(List.of("0"), rows(c, "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'freshet%'"));
    }
  }

  private static void call(Connection sql, String name) throws SQLException {
    try (Statement s = sql.createStatement()) {
      s.execute("CALL freshet.refresh('" + name + "')");
    }
  }
}
