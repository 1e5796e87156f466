package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.count;
import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.runtime.streamtable.StreamTableException;
import dev.freshet.runtime.streamtable.StreamTables;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Dropping stream tables removes exactly what no other stream table still needs. */
@PostgresTest
class DropScenarioTest {

  /** What Freshet has installed for the source with relation id {@code relid}. */
  private record Capture(long triggers, long bufferRelations, long functions, long bufferCatalogRows) {
    static final Capture NONE = new Capture(0, 0, 0, 0);
  }

  private static Capture capture(Connection c, long relid) throws Exception {
    return new Capture(
        count(c, "SELECT count(*) FROM pg_trigger WHERE tgrelid = " + relid + " AND tgname LIKE 'freshet\\_%'"),
        count(c, "SELECT count(*) FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace "
            + "WHERE n.nspname = 'freshet_changes' AND k.relname LIKE 'src\\_" + relid + "%'"),
        count(c, "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            + "WHERE n.nspname = 'freshet_changes' AND p.proname LIKE 'src\\_" + relid + "\\_%'"),
        count(c, "SELECT count(*) FROM freshet.change_buffers WHERE source_relid = " + relid));
  }

  private static long relid(Connection c, String table) throws Exception {
    return count(c, "SELECT '" + table + "'::regclass::oid::bigint");
  }

  private static long catalogRows(Connection c, long id) throws Exception {
    return count(c, "SELECT (SELECT count(*) FROM freshet.stream_tables WHERE id = " + id + ") "
        + "+ (SELECT count(*) FROM freshet.stream_table_sources WHERE stream_table_id = " + id + ") "
        + "+ (SELECT count(*) FROM freshet.refresh_history WHERE stream_table_id = " + id + ")");
  }

  private static boolean exists(Connection c, String table) throws Exception {
    return count(c, "SELECT count(*) FROM pg_class WHERE oid = to_regclass('" + table + "')") == 1;
  }

  private static void assertInstalled(Capture capture) {
    assertTrue(capture.triggers() >= 4, "INSERT/UPDATE/DELETE/TRUNCATE triggers expected: " + capture);
    assertTrue(capture.bufferRelations() >= 1, capture.toString());
    assertTrue(capture.functions() >= 1, capture.toString());
    assertEquals(1, capture.bufferCatalogRows(), capture.toString());
  }

  @Test
  void dropRemovesTriggersBufferFunctionsAndCatalogRows(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE d1 (id int PRIMARY KEY, v int)", "INSERT INTO d1 VALUES (1, 1), (2, 2)");
      long id = create(c, "d1_st", "SELECT id, v FROM d1 WHERE v > 0", Mode.DIFFERENTIAL).id();
      long src = relid(c, "d1");
      assertInstalled(capture(c, src));
      exec(c, "INSERT INTO d1 VALUES (3, 3)");
      Oracle.refreshAndCheck(c, "d1_st", Mode.DIFFERENTIAL);
      exec(c, "INSERT INTO d1 VALUES (4, 4)"); // pending change: the buffer is not empty at drop time
      assertTrue(catalogRows(c, id) >= 3);

      StreamTables.drop(c, "d1_st", false);
      assertEquals(Capture.NONE, capture(c, src));
      assertEquals(0, catalogRows(c, id));
      assertTrue(!exists(c, "d1_st"), "the stream table itself must be gone");
      assertEquals(0, count(c, "SELECT count(*) FROM pg_depend WHERE refobjid = " + src
          + " AND classid = 'pg_trigger'::regclass"), "no trigger may depend on the source any more");
      assertEquals(0, count(c, "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'd1'::regclass AND NOT tgisinternal"));

      // the source still works and can be captured again from scratch
      exec(c, "INSERT INTO d1 VALUES (5, 5)");
      create(c, "d1_st", "SELECT id, v FROM d1 WHERE v > 0", Mode.DIFFERENTIAL);
      exec(c, "DELETE FROM d1 WHERE id = 1");
      Oracle.refreshAndCheck(c, "d1_st", Mode.DIFFERENTIAL);
      assertEquals(4, count(c, "SELECT count(*) FROM d1_st"));
    }
  }

  @Test
  void sharedSourceKeepsItsCaptureUntilTheLastConsumerGoes(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE d2 (id int PRIMARY KEY, g int, v int)",
          "INSERT INTO d2 SELECT i, i % 3, i FROM generate_series(1, 9) i");
      long idA = create(c, "d2_a", "SELECT id, v FROM d2", Mode.DIFFERENTIAL).id();
      long idB = create(c, "d2_b", "SELECT g, sum(v) AS s FROM d2 GROUP BY g", Mode.DIFFERENTIAL).id();
      long src = relid(c, "d2");
      Capture shared = capture(c, src);
      assertInstalled(shared);

      exec(c, "UPDATE d2 SET v = v + 1 WHERE id <= 3");
      long buffered = count(c, "SELECT count(*) FROM freshet_changes.src_" + src);
      assertTrue(buffered > 0);
      StreamTables.drop(c, "d2_a", false);
      assertEquals(0, catalogRows(c, idA));
      assertEquals(shared, capture(c, src), "the buffer, functions and triggers are still needed by d2_b");
      assertEquals(buffered, count(c, "SELECT count(*) FROM freshet_changes.src_" + src),
          "the changes d2_b has not applied yet must stay");

      Oracle.refreshAndCheck(c, "d2_b", Mode.DIFFERENTIAL);
      exec(c, "DELETE FROM d2 WHERE id = 9");
      Oracle.refreshAndCheck(c, "d2_b", Mode.DIFFERENTIAL);
      assertEquals(List.of("0|10", "1|13", "2|16"), rows(c, "SELECT g, s FROM d2_b ORDER BY 1"));

      StreamTables.drop(c, "d2_b", false);
      assertEquals(0, catalogRows(c, idB));
      assertEquals(Capture.NONE, capture(c, src));
    }
  }

  @Test
  void streamTableOverStreamTable(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE d3 (id int PRIMARY KEY, g int, v int)",
          "INSERT INTO d3 SELECT i, i % 2, i FROM generate_series(1, 6) i");
      long idBase = create(c, "d3_base", "SELECT id, g, v FROM d3 WHERE v > 1", Mode.DIFFERENTIAL).id();
      long idTop = create(c, "d3_top", "SELECT g, count(*) AS n FROM d3_base GROUP BY g", Mode.DIFFERENTIAL).id();
      long src = relid(c, "d3");
      long base = relid(c, "d3_base");
      assertInstalled(capture(c, base));

      exec(c, "INSERT INTO d3 VALUES (7, 1, 7)");
      Oracle.refreshAndCheck(c, "d3_base", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "d3_top", Mode.DIFFERENTIAL);
      assertEquals(List.of("0|3", "1|3"), rows(c, "SELECT g, n FROM d3_top ORDER BY 1"));

      StreamTableException refused = assertThrows(StreamTableException.class,
          () -> StreamTables.drop(c, "d3_base", false));
      assertTrue(refused.getMessage().contains("d3_top"), refused.getMessage());
      assertTrue(exists(c, "d3_base") && exists(c, "d3_top"));
      assertInstalled(capture(c, base));
      assertInstalled(capture(c, src));
      exec(c, "DELETE FROM d3 WHERE id = 2");
      Oracle.refreshAndCheck(c, "d3_base", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "d3_top", Mode.DIFFERENTIAL);
      assertEquals(List.of("0|2", "1|3"), rows(c, "SELECT g, n FROM d3_top ORDER BY 1"));

      StreamTables.drop(c, "d3_base", true);
      assertTrue(!exists(c, "d3_base") && !exists(c, "d3_top"), "cascade drops both");
      assertEquals(0, catalogRows(c, idBase));
      assertEquals(0, catalogRows(c, idTop));
      assertEquals(Capture.NONE, capture(c, src));
      assertEquals(Capture.NONE, capture(c, base));
      assertEquals(0, count(c, "SELECT count(*) FROM freshet.stream_tables WHERE table_name LIKE 'd3%'"));
      assertEquals(0, count(c, "SELECT count(*) FROM freshet.change_buffers WHERE source_relid IN (" + src + ", "
          + base + ")"));
    }
  }
}
