package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.planner.admission.UnsupportedQueryException;
import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StoredStreamTable;
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
 * A source with a foreign table among its partitions or children: {@code SELECT … FROM parent} reads the foreign
 * table's rows, which change outside this database (here a file, read by file_fdw), where no trigger sees them.
 * Until catalog V44 such a source was captured as any other and the stream tables kept the foreign rows as they were
 * at create. Now DIFFERENTIAL is refused (FR007) and AUTO and FULL recompute at every refresh; a foreign table
 * attached later makes the next refresh refuse (FS011), naming it, until the stream table is altered to FULL.
 */
@PostgresTest
class ForeignPartitionScenarioTest {

  @Test
  void aForeignPartitionIsNeverTakenForCapturedRows(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      // a file of the server's, in its data directory (COPY writes only absolute paths)
      String file = rows(c, "SELECT current_setting('data_directory')").getFirst() + "/freshet_foreign_partition_"
          + ProcessHandle.current().pid() + ".csv";
      exec(c, "CREATE EXTENSION IF NOT EXISTS file_fdw", "CREATE SERVER fp_files FOREIGN DATA WRAPPER file_fdw",
          "COPY (VALUES (10, 'z', 100)) TO '" + file + "' WITH (FORMAT csv)",
          "CREATE TABLE fp (id int, r text, v int) PARTITION BY LIST (r)",
          "CREATE TABLE fp_a PARTITION OF fp FOR VALUES IN ('a')",
          "CREATE FOREIGN TABLE fp_z PARTITION OF fp FOR VALUES IN ('z') SERVER fp_files "
              + "OPTIONS (filename '" + file + "', format 'csv')",
          "INSERT INTO fp VALUES (1, 'a', 1)");
      String query = "SELECT r, sum(v) AS s FROM fp GROUP BY r";

      UnsupportedQueryException refused = assertThrows(UnsupportedQueryException.class,
          () -> StreamTables.create(c, "fp_diff", query, Mode.DIFFERENTIAL, null));
      assertEquals("FR007", refused.refusal().reason().code(), refused.getMessage());
      assertTrue(refused.getMessage().contains("foreign table \"public\".\"fp_z\", a partition or child of "
          + "\"public\".\"fp\""), refused.getMessage());

      StoredStreamTable auto = StreamTables.create(c, "fp_auto", query, Mode.AUTO, null);
      assertEquals(Mode.FULL, auto.effectiveMode());
      Oracle.assertFresh(c, "fp_auto");
      StreamTables.create(c, "fp_full", query, Mode.FULL, null);
      Oracle.assertFresh(c, "fp_full");
      // the file changes: no trigger sees it, every refresh recomputes
      exec(c, "COPY (VALUES (10, 'z', 100), (11, 'z', 1000)) TO '" + file + "' WITH (FORMAT csv)");
      Oracle.refreshAndCheck(c, "fp_auto", Mode.FULL);
      Oracle.refreshAndCheck(c, "fp_full", Mode.FULL);
      assertEquals(List.of("a|1", "z|1100"), rows(c, "SELECT r, s FROM fp_full ORDER BY r"));

      // a foreign table attached later under a source of a DIFFERENTIAL stream table and of a FULL one
      exec(c, "CREATE TABLE gp (id int, r text, v int) PARTITION BY LIST (r)",
          "CREATE TABLE gp_a PARTITION OF gp FOR VALUES IN ('a')", "INSERT INTO gp VALUES (1, 'a', 1)");
      Scenarios.create(c, "gp_sum", "SELECT r, sum(v) AS s FROM gp GROUP BY r", Mode.DIFFERENTIAL);
      Scenarios.create(c, "gp_full", "SELECT r, max(v) AS m FROM gp GROUP BY r", Mode.FULL);
      exec(c, "CREATE FOREIGN TABLE gp_z (id int, r text, v int) SERVER fp_files "
              + "OPTIONS (filename '" + file + "', format 'csv')",
          "ALTER TABLE gp ATTACH PARTITION gp_z FOR VALUES IN ('z')");
      for (String name : List.of("gp_sum", "gp_full")) {
        SQLException e = assertThrows(SQLException.class, () -> StreamTables.refresh(c, name));
        assertTrue(e.getMessage().contains("cannot be refreshed exactly: its source \"public\".\"gp\" has foreign "
            + "table \"public\".\"gp_z\" as a partition or child"), e.getMessage());
      }
      StreamTables.alter(c, "gp_sum", Optional.of(Mode.FULL), Optional.empty(), Optional.empty());
      Oracle.assertFresh(c, "gp_sum");
      exec(c, "COPY (VALUES (12, 'z', 5)) TO '" + file + "' WITH (FORMAT csv)");
      Oracle.refreshAndCheck(c, "gp_sum", Mode.FULL);
      assertEquals(List.of("a|1", "z|5"), rows(c, "SELECT r, s FROM gp_sum ORDER BY r"));

      for (String name : List.of("fp_auto", "fp_full", "gp_sum", "gp_full")) {
        StreamTables.drop(c, name, false);
      }
      exec(c, "DROP TABLE fp, gp", "DROP SERVER fp_files CASCADE");
    }
  }
}
