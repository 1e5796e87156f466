package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.count;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.refreshMeasuring;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import org.junit.jupiter.api.Test;

/**
 * A differential refresh of a grouped table reads the stored rows of the groups its window changed at their
 * addresses, and no other stored row: a state table's change table and the MERGE of a state table or a stream table
 * list the addresses step 1 found. Joined with the groups by address, PostgreSQL hashed the groups and read the whole
 * stored table through whenever its cost model (each address read priced as a random page) preferred that: TPC-H
 * Q13's 5,600 changed customers of 150,000, twice per state table. The oracle checks after every refresh.
 */
@PostgresTest
class StoredRowsByAddressScenarioTest {

  private static final int GROUPS = 20_000;

  @Test
  void aRefreshReadsOnlyTheStoredRowsOfChangedGroups(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "DROP TABLE IF EXISTS ba_item",
          "CREATE TABLE ba_item (id int PRIMARY KEY, grp int NOT NULL, v int NOT NULL)",
          "INSERT INTO ba_item SELECT i, i % " + GROUPS + ", i % 7 FROM generate_series(1, " + 2 * GROUPS + ") i");
      // one row per group in the stream table; and one per group in a state table under groups of groups
      StreamTables.create(c, "ba_groups", "SELECT grp, count(*) AS n, sum(v) AS total FROM ba_item GROUP BY grp",
          Mode.DIFFERENTIAL, null);
      StreamTables.create(c, "ba_sizes", "SELECT n, count(*) AS grps FROM (SELECT grp, count(*) AS n FROM ba_item "
          + "GROUP BY grp) AS g GROUP BY n", Mode.DIFFERENTIAL, null);
      Oracle.assertFresh(c, "ba_groups");
      Oracle.assertFresh(c, "ba_sizes");
      String state = "freshet_state.st_" + count(c, "SELECT id FROM freshet.stream_tables WHERE table_name = "
          + "'ba_sizes'") + "_0";
      assertEquals(GROUPS, count(c, "SELECT count(*) FROM " + state));

      // a row more in 1,000 of the 20,000 groups (5%), a row less in 10 others, one group gone
      exec(c, "INSERT INTO ba_item SELECT i, i % 1000, 1 FROM generate_series(" + (2 * GROUPS + 1) + ", "
          + (2 * GROUPS + 1000) + ") i", "DELETE FROM ba_item WHERE id BETWEEN 1001 AND 1010",
          "DELETE FROM ba_item WHERE grp = 19999");
      assertArrayEquals(new long[] {0},
          refreshMeasuring(c, "ba_groups", StoredRowsByAddressScenarioTest::scanned, "ba_groups"),
          "stored rows of ba_groups read by a scan of the table");
      Oracle.assertFresh(c, "ba_groups");
      assertArrayEquals(new long[] {0, 0},
          refreshMeasuring(c, "ba_sizes", StoredRowsByAddressScenarioTest::scanned, state, "ba_sizes"),
          "stored rows of the state table and of ba_sizes read by a scan of the table");
      Oracle.assertFresh(c, "ba_sizes");
      assertEquals(GROUPS - 1, count(c, "SELECT count(*) FROM ba_groups"));
      assertEquals(1000, count(c, "SELECT grps FROM ba_sizes WHERE n = 3"));

      StreamTables.drop(c, "ba_sizes", false);
      StreamTables.drop(c, "ba_groups", false);
    }
  }

  /** The rows of {@code table} this backend's sequential scans have read (a TID scan counts its rows as fetched). */
  private static String scanned(String table) {
    return "SELECT pg_stat_get_xact_tuples_returned('" + table + "'::regclass)";
  }
}
