package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A partitioned source: writes through the partitioned table are captured row by row; a statement
 * naming a partition fires only that partition's triggers, so it is not captured row by row but
 * makes the next refresh recompute in full; a partition created after capture was set up gets its
 * trigger at the next refresh, which recomputes in full too (it may have been written already).
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
}
