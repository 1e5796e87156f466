package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StoredStreamTable;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * string_agg as PostgreSQL computes it: DISTINCT kept (Calcite's PostgreSQL dialect printed
 * {@code string_agg(DISTINCT s, ',')} without it, so a recomputed group repeated values), and an
 * ORDER BY inside the call (Calcite prints WITHIN GROUP, which PostgreSQL rejects for string_agg).
 */
@PostgresTest
class StringAggScenarioTest {

  @Test
  void distinctIsKeptWhenAGroupIsRecomputed(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE sa1 (id int PRIMARY KEY, g int NOT NULL, s text)",
          "INSERT INTO sa1 VALUES (1, 1, 'a'), (2, 1, 'a'), (3, 2, 'b')");
      create(c, "sa1_st", "SELECT g, string_agg(DISTINCT s, ',') AS names, count(*) AS n FROM sa1 GROUP BY g",
          Mode.DIFFERENTIAL);
      exec(c, "INSERT INTO sa1 VALUES (4, 1, 'a'), (5, 2, 'b'), (6, 2, 'b')");
      Oracle.refreshAndCheck(c, "sa1_st", Mode.DIFFERENTIAL);
      assertEquals(List.of("1|a|3", "2|b|3"), rows(c, "SELECT g, names, n FROM sa1_st ORDER BY g"));
    }
  }

  @Test
  void orderByInsideTheCallRunsFullInAuto(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE sa2 (id int PRIMARY KEY, g int NOT NULL, s text)",
          "INSERT INTO sa2 VALUES (1, 1, 'b'), (2, 1, 'a'), (3, 1, 'c')");
      StoredStreamTable st = StreamTables.create(c, "sa2_st", "SELECT g, string_agg(s, ',' ORDER BY s DESC) "
          + "AS desc_names, string_agg(DISTINCT s, ';' ORDER BY s) FILTER (WHERE id > 1) AS some_names "
          + "FROM sa2 GROUP BY g", Mode.AUTO, null);
      assertEquals(Mode.FULL, st.effectiveMode());
      assertTrue(st.fallbackReason().orElseThrow().contains("string_agg(… ORDER BY …)"), st.fallbackReason()::get);
      Oracle.assertFresh(c, "sa2_st");
      exec(c, "INSERT INTO sa2 VALUES (4, 1, 'd'), (5, 1, 'a')");
      Oracle.refreshAndCheck(c, "sa2_st", Mode.FULL);
      assertEquals(List.of("1|d,c,b,a,a|a;c;d"), rows(c, "SELECT g, desc_names, some_names FROM sa2_st"));
    }
  }
}
